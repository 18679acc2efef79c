//! The wall clock the scheduler waits on.
//!
//! tokio's timers run on the monotonic clock, which stops while the computer is suspended, so a tokio
//! sleep of an hour across a two-hour suspend fires an hour late. Reminders are due at wall-clock
//! instants, so [`SystemClock`] waits on the wall clock itself.

use std::future::Future;

use chrono::{DateTime, Utc};

/// Reads the wall clock and waits for it to reach an instant.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Completes when the wall clock reaches `deadline`, or earlier when the clock is changed (the
    /// caller re-reads [`Clock::now`] and decides again; an early return is never a mistake).
    fn sleep_until(&self, deadline: DateTime<Utc>) -> impl Future<Output = ()> + Send;
}

/// The real wall clock.
///
/// On Linux it waits on a `timerfd` on `CLOCK_REALTIME` armed with an absolute deadline and
/// `TFD_TIMER_CANCEL_ON_SET`: the kernel fires it at the wall-clock instant, at once on resume when
/// the instant passed during suspend, and early when the clock is set. Elsewhere it sleeps in steps of
/// at most a minute and re-reads the clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn sleep_until(&self, deadline: DateTime<Utc>) {
        #[cfg(target_os = "linux")]
        {
            match realtime::sleep_until(deadline).await {
                Ok(()) => return,
                // A kernel without timerfd (none that runs this app) or a full fd table: fall back.
                Err(e) => {
                    eprintln!("arcwell: the wall-clock timer failed ({e}); checking the clock every minute instead")
                }
            }
        }
        stepped_sleep_until(deadline).await;
    }
}

/// Sleeps on tokio's clock in steps of at most a minute until the wall clock reaches `deadline`.
async fn stepped_sleep_until(deadline: DateTime<Utc>) {
    const STEP: std::time::Duration = std::time::Duration::from_secs(60);
    loop {
        let left = (deadline - Utc::now()).to_std().unwrap_or_default();
        if left.is_zero() {
            return;
        }
        tokio::time::sleep(left.min(STEP)).await;
    }
}

#[cfg(target_os = "linux")]
mod realtime {
    use chrono::{DateTime, Utc};
    use nix::sys::time::TimeSpec;
    use nix::sys::timerfd::{ClockId, Expiration, TimerFd, TimerFlags, TimerSetTimeFlags};
    use std::os::fd::{AsFd, AsRawFd, RawFd};
    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;

    /// The timer, owned: its descriptor stays open and the same until it is dropped.
    struct Timer(TimerFd);

    impl AsRawFd for Timer {
        fn as_raw_fd(&self) -> RawFd {
            self.0.as_fd().as_raw_fd()
        }
    }

    pub(super) async fn sleep_until(deadline: DateTime<Utc>) -> std::io::Result<()> {
        let timer = TimerFd::new(ClockId::CLOCK_REALTIME, TimerFlags::TFD_NONBLOCK | TimerFlags::TFD_CLOEXEC)?;
        let secs = deadline.timestamp();
        let nanos = i64::from(deadline.timestamp_subsec_nanos());
        // A deadline at or before the epoch would disarm the timer (an all-zero value); it has passed anyway.
        if secs <= 0 {
            return Ok(());
        }
        timer.set(
            Expiration::OneShot(TimeSpec::new(secs, nanos)),
            TimerSetTimeFlags::TFD_TIMER_ABSTIME | TimerSetTimeFlags::TFD_TIMER_CANCEL_ON_SET,
        )?;
        #[expect(unsafe_code, reason = "tokio's registration of a raw descriptor is unsafe since 1.54")]
        // SAFETY: `Timer` owns the TimerFd, so its descriptor is valid, open and the same for the whole
        // life of the AsyncFd, which drops it (closing the descriptor) only after deregistering.
        let fd = unsafe { AsyncFd::register_with_interest(Timer(timer), Interest::READABLE) }
            .map_err(|e| e.into_parts().1)?;
        loop {
            let mut ready = fd.readable().await?;
            // `wait` reads the expiry count; a clock change makes that read fail with ECANCELED,
            // which `wait` treats as a wake-up too. EAGAIN means the readiness was spurious.
            match ready.try_io(|inner| inner.get_ref().0.wait().map_err(std::io::Error::from)) {
                Ok(result) => return result,
                Err(_would_block) => continue,
            }
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_timerfd_fires_at_the_wall_clock_instant() {
        let start = Utc::now();
        let deadline = start + chrono::Duration::milliseconds(150);
        SystemClock.sleep_until(deadline).await;
        let woke = Utc::now();
        assert!(woke >= deadline, "woke at {woke}, before the deadline {deadline}");
        assert!(woke - deadline < chrono::Duration::milliseconds(100), "woke {} late", woke - deadline);
    }

    #[tokio::test]
    async fn a_deadline_in_the_past_returns_at_once() {
        let t = std::time::Instant::now();
        SystemClock.sleep_until(Utc::now() - chrono::Duration::hours(2)).await;
        assert!(t.elapsed() < std::time::Duration::from_millis(100));
    }
}
