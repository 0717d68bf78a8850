//! Any bytes as an .xlsx or .ods workbook: the bounded reader never panics, and what it reads
//! goes into registers without panicking. Memory stays bounded whatever the bytes declare (run
//! with -rss_limit_mb=2048 by scripts/fuzz.sh).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    for ods in [false, true] {
        let read = if ods {
            faultline::workbook::ods_rows(data, None)
        } else {
            faultline::workbook::xlsx_rows(data, None)
        };
        if let Ok((_, rows)) = read {
            assert!(rows.len() <= faultline::workbook::MAX_ROWS);
            assert!(rows.iter().all(|(_, cells)| cells.len() <= faultline::workbook::MAX_COLUMNS));
            let _ = faultline::import::read_rows(Path::new("fuzz.xlsx"), &rows);
        }
    }
});
