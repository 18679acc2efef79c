//! What the benches that time single operations share: the timer, percentiles and the printed line.

use std::time::{Duration, Instant};

/// p50, p95 and p99 of `times`, in milliseconds.
pub fn percentiles(mut times: Vec<Duration>) -> [f64; 3] {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(times[((times.len() as f64 * q) as usize).min(times.len() - 1)]);
    [at(0.50), at(0.95), at(0.99)]
}

pub fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

pub fn show(name: &str, p: [f64; 3]) {
    println!("{name:<36} p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms", p[0], p[1], p[2]);
}
