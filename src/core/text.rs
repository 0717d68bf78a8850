//! Words and widths for people: one plural helper, finding counts, and cutting text to a width
//! with `…`; and text made safe inside a URL.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// "1 register", "2 runbooks": the one plural helper of every message and screen.
pub fn plural(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("{n} {noun}"),
        // "repository" → "repositories" (but "day" → "days").
        (_, Some(stem)) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// Text percent-encoded for a URL (a query value or one path segment): every byte but the
/// unreserved ones (letters, digits, `-`, `_`, `.`, `~`) as `%XX`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// "2 errors, 1 warning" / "no findings".
pub fn plural_counts(errors: usize, warnings: usize) -> String {
    if errors + warnings == 0 {
        return "no findings".into();
    }
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// A fence of backticks longer than any run of them in `text`, at least `min` long: wrapped
/// in it (as a code span, or a fenced block), the text cannot end early.
pub fn backtick_fence(text: &str, min: usize) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(min))
}

/// Cuts `text` to at most `width` columns, ending with `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}
