//! Any bytes as a spreadsheet export (CSV, `;` or tab): splitting into rows and reading rows
//! into registers must never panic; every register it makes must survive the canonical writer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(rows) = faultline::import::csv_rows(&text) else {
        return;
    };
    let imported = faultline::import::read_rows(Path::new("fuzz.csv"), &rows);
    for register in imported.registers.values() {
        let _ = faultline::model::to_canonical(register);
    }
});
