//! Any bytes as a register file: decoding, parsing, error positions and the locator must never
//! panic, and a register that parses must survive a canonical round trip.
#![no_main]

use faultline::model::{Register, to_canonical};
use faultline::parse::{decode, parse_register};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("registers/fuzz.json");
    let Ok(text) = decode(path, data.to_vec()) else { return };
    let _ = faultline::locate::Locator::new(&text).path_at(text.len() / 2);
    if let Ok(register) = parse_register(path, &text) {
        let canonical = to_canonical(&register);
        let again: Register = serde_json::from_str(&canonical).expect("canonical text parses");
        assert_eq!(to_canonical(&again), canonical);
    }
});
