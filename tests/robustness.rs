//! Arbitrary input never crashes the parsers: random bytes and mangled registers go through
//! decoding, parsing, position finding and the runbook index, and every failure is a finding
//! with a position inside the file. (The fuzz targets in `fuzz/` push the same code further.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use faultline::parse::{decode, parse_register};
use faultline::runbook::RunbookDoc;
use proptest::prelude::*;
use std::path::Path;

const EXAMPLE: &str = include_str!("../registers/payments-api.json");

fn check_bytes(bytes: &[u8]) {
    let path = Path::new("registers/x.json");
    match decode(path, bytes.to_vec()) {
        Ok(text) => match parse_register(path, &text) {
            Ok(_) => {}
            Err(finding) => {
                let lines = text.split('\n').count();
                assert!(
                    finding.line >= 1 && finding.line <= lines,
                    "{finding} in {lines} lines"
                );
                assert!(finding.column >= 1);
            }
        },
        Err(finding) => assert_eq!(finding.rule, "invalid-utf8"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_bytes(&bytes);
    }

    #[test]
    fn mangled_registers_give_positioned_findings(cut in 0..EXAMPLE.len(), insert in ".{0,3}") {
        let mut text = EXAMPLE.as_bytes()[..cut].to_vec();
        text.extend_from_slice(insert.as_bytes());
        text.extend_from_slice(&EXAMPLE.as_bytes()[cut..]);
        check_bytes(&text);
    }

    #[test]
    fn any_markdown_indexes(text in ".{0,300}") {
        let doc = RunbookDoc::index("runbooks/x.md".into(), &text);
        for heading in &doc.headings {
            prop_assert!(doc.heading(&heading.anchor).is_some());
        }
    }
}

#[test]
fn inputs_found_by_the_fuzzer() {
    // An unterminated string ending inside a multi-byte character: serde_json's column pointed
    // into the middle of the BOM character (found by `cargo fuzz run parse_register`).
    check_bytes(b" [\"\xef\xbb\xbf");
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    check_bytes(text.as_bytes());
    let markdown = format!("{}item\n", "- ".repeat(10_000));
    let _ = RunbookDoc::index("runbooks/deep.md".into(), &markdown);
    let quotes = format!("{}text\n", "> ".repeat(10_000));
    let _ = RunbookDoc::index("runbooks/quotes.md".into(), &quotes);
}

/// Open in the viewer, scroll a step, go to the end and back: each of the huge shapes.
fn open_scroll_and_leave(text: String) -> usize {
    let mut viewer = faultline::viewer::Viewer::new(
        "runbooks/huge.md".into(),
        text,
        80,
        22,
        faultline::ui::theme::Theme::new(false),
    );
    viewer.scroll_by(3);
    viewer.bottom();
    viewer.top();
    viewer.resize(40, 10);
    viewer.bottom();
    viewer.doc.lines.len()
}

#[test]
fn a_5_mb_single_line_runbook_opens_and_scrolls() {
    let lines = open_scroll_and_leave("word ".repeat(1_000_000));
    // Wrapped at 40 columns, 5 MB of words is well over 100,000 lines.
    assert!(lines > 100_000, "{lines}");
}

#[test]
fn a_500_column_table_opens_and_scrolls() {
    let mut text = format!("|{}\n|{}\n", "head|".repeat(500), "-|".repeat(500));
    for _ in 0..20 {
        text.push_str(&format!("|{}\n", "cell|".repeat(500)));
    }
    assert!(open_scroll_and_leave(text) > 0);
}

#[test]
fn a_10000_deep_block_quote_opens_and_scrolls() {
    let lines = open_scroll_and_leave(format!("{} deep\n\nafter\n", ">".repeat(10_000)));
    assert!(lines > 0);
    let mixed = format!("{}- [ ] a step\n", "> - ".repeat(5_000));
    assert!(open_scroll_and_leave(mixed) > 0);
}
