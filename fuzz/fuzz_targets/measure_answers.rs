//! Answers to every shipped measure, as JSON: scored or refused; a total, when there is one, lies
//! within what the measure's items allow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(serde_json::Value::Object(answers)) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    for m in arcwell::measures::library().unwrap_or_default() {
        if let Ok(score) = arcwell::measures::scoring::score(m, &answers) {
            assert!(score.answered <= score.items, "{}: more answered than items", m.id);
            if let Some(total) = score.total {
                assert!(total.is_finite(), "{}: a total that is not a number", m.id);
            }
        }
    }
});
