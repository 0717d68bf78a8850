//! Any bytes as an .xlsx or .ods workbook: opening, reading every sheet and reading its rows
//! into registers must never panic.
#![no_main]

use calamine::Reader as _;
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(mut workbook) = calamine::open_workbook_auto_from_rs(Cursor::new(data.to_vec())) else {
        return;
    };
    for name in workbook.sheet_names() {
        let Ok(range) = workbook.worksheet_range(&name) else {
            continue;
        };
        let rows: Vec<(usize, Vec<String>)> = range
            .rows()
            .enumerate()
            .map(|(i, row)| (i + 1, row.iter().map(ToString::to_string).collect()))
            .collect();
        let _ = faultline::import::read_rows(Path::new("fuzz.xlsx"), &rows);
    }
});
