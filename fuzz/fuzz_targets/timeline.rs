//! Any bytes as a timeline file: reading it must never panic; what loads must give its derived
//! times and its review document without panicking either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(loaded) = faultline::timeline::parse(Path::new("incidents/fuzz.jsonl"), &text) else {
        return;
    };
    let timeline = &loaded.timeline;
    let _ = timeline.measured_seconds();
    let _ = timeline.is_resolved();
    let context = faultline::report::Context {
        risks: Vec::new(),
        runbooks: Vec::new(),
    };
    let report = faultline::report::markdown(timeline, &context);
    assert!(!report.contains('\x1b'), "an escape reached the report");
});
