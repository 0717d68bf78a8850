//! Any text as a runbook in the viewer: rendering must never panic, and no line may be wider
//! than the width or carry a control character.
#![no_main]

use faultline::markdown::render;
use faultline::ui::theme::Theme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for width in [20u16, 80] {
        let doc = render(&text, width, Theme::new(false));
        for n in 0..doc.lines.len() {
            let line = doc.plain(n);
            assert!(!line.chars().any(char::is_control), "{line:?}");
        }
    }
});
