//! The one gate between file text and the terminal: whatever goes in, nothing that comes out
//! may be ESC, another C0 or C1 control, DEL or a bidi control.
#![no_main]

use faultline::sanitize::{sanitize, sanitize_lines};
use libfuzzer_sys::fuzz_target;

fn assert_safe(text: &str) {
    for c in text.chars() {
        assert!(
            !c.is_control()
                && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'),
            "{c:?} got through in {text:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    assert_safe(&sanitize(&text));
    for line in sanitize_lines(&text) {
        assert_safe(&line);
    }
});
