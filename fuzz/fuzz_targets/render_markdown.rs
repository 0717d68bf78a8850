//! Any text as a runbook in the viewer, at any width from 1 to 255 columns (the first byte):
//! rendering must never panic, and no line may carry a control character.
#![no_main]

use faultline::markdown::render;
use faultline::ui::theme::Theme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&width, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let width = u16::from(width.max(1));
    let doc = render(&text, width, Theme::new(false));
    for n in 0..doc.lines.len() {
        let line = doc.plain(n);
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
});
