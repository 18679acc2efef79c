//! What a facilitator types as a time, a date, a time of day or a zone: parsed or refused with a
//! hint; a parsed time keeps its instant through the stored form.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (typed, zone) = text.split_once('\n').unwrap_or((text, "Europe/Berlin"));
    let _ = arcwell::domain::time::parse_date(typed);
    let _ = arcwell::domain::time::parse_time_of_day(typed);
    let _ = arcwell::domain::time::parse_zone(zone);
    if let Ok(t) = arcwell::domain::time::parse_time(typed, zone) {
        let stored = t.utc.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        assert!(chrono::DateTime::parse_from_rfc3339(&stored).is_ok(), "{stored}");
    }
});
