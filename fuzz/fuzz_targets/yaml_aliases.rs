//! Any bytes as YAML: the alias budget never panics, and a text it lets through loads into a
//! tree no larger than its own text's worth of nodes plus the budget (aliases counted in bytes,
//! not nodes: one big anchored string aliased many times is refused before it is cloned).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (bounded, _) = faultline::monitoring::alias_budget_holds(&text);
    assert!(bounded, "{text:?}");
});
