//! Any text as a runbook: indexing headings, anchors and links must never panic, and the line
//! reading (`RunbookDoc::index`) must give what the full parse gives.
#![no_main]

use faultline::runbook::RunbookDoc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let doc = RunbookDoc::index("runbooks/fuzz.md".into(), &text);
    for heading in &doc.headings {
        assert!(doc.heading(&heading.anchor).is_some());
    }
    let full = RunbookDoc::index_parsed("runbooks/fuzz.md".into(), &text);
    assert_eq!(doc.headings, full.headings);
    assert_eq!(doc.links, full.links);
});
