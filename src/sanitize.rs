//! The one gate between text from files and the terminal: control characters, escape sequences
//! and bidi overrides become visible placeholders, so untrusted text stays text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Columns a tab expands to.
const TAB_WIDTH: usize = 4;

/// Whether `c` would be interpreted by the terminal or reorder text, rather than shown.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Whether `text` holds a character `is_unsafe` refuses, read as bytes: the same answer as
/// `text.chars().any(is_unsafe)` without decoding, for the common text that holds none. With
/// `line_breaks_allowed`, newline and tab do not count.
pub fn has_unsafe(text: &str, line_breaks_allowed: bool) -> bool {
    // Most text is printable ASCII: blocks of it are tested without branches (the compiler
    // vectorises this), and only a block holding anything else is read byte by byte.
    const BLOCK: usize = 32;
    let bytes = text.as_bytes();
    let allowed = u8::from(line_breaks_allowed);
    let mut start = 0;
    for block in bytes.chunks(BLOCK) {
        let other = block.iter().fold(0u8, |other, &b| {
            let printable = u8::from(b.wrapping_sub(0x20) < 0x5f);
            let line_break = u8::from(b == b'\n') | u8::from(b == b'\t');
            other | (1 ^ (printable | (line_break & allowed)))
        });
        if other != 0 && unsafe_between(bytes, start, start + block.len(), line_breaks_allowed) {
            return true;
        }
        start += block.len();
    }
    false
}

/// Whether a character `is_unsafe` refuses starts in `bytes[from..to]` (multi-byte characters
/// are read past `to`).
fn unsafe_between(bytes: &[u8], from: usize, to: usize, line_breaks_allowed: bool) -> bool {
    (from..to).any(|i| match bytes[i] {
        b'\n' | b'\t' => !line_breaks_allowed,
        0..0x20 | 0x7f => true,
        // C1: U+0080–U+009F.
        0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        // U+061C, the Arabic letter mark.
        0xd8 => bytes.get(i + 1) == Some(&0x9c),
        // U+200E, U+200F, U+202A–U+202E, U+2066–U+2069.
        0xe2 => matches!(
            (bytes.get(i + 1), bytes.get(i + 2)),
            (Some(0x80), Some(0x8e | 0x8f | 0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
        _ => false,
    })
}

/// Directional formatting characters: embeddings, overrides and isolates (the "Trojan Source"
/// characters), plus the invisible marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Makes one line of untrusted text safe to draw. Newlines are not expected here (split lines
/// first); one that slips through is shown as a placeholder, like every other control character.
///
/// - C0 controls (U+0000–U+001F) become their Control Pictures (`␛` for ESC, `␇` for BEL), so an
///   escape sequence is shown as `␛[2J` and never interpreted;
/// - DEL becomes `␡`; C1 controls (U+0080–U+009F, which some terminals read as CSI or OSC) and
///   bidi controls become `⟨U+XXXX⟩`;
/// - a tab becomes spaces.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !has_unsafe(text, false) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push_str(&" ".repeat(TAB_WIDTH)),
            '\u{0}'..='\u{1f}' => {
                // U+2400 + code point is the Control Picture for each C0 control.
                out.push(char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{FFFD}'));
            }
            '\u{7f}' => out.push('\u{2421}'),
            c if is_unsafe(c) => {
                let _ = write!(out, "⟨U+{:04X}⟩", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Sanitises multi-line text: each line on its own, newlines kept (CR of CRLF dropped).
pub fn sanitize_lines(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split('\n')
        .map(|line| sanitize(line.strip_suffix('\r').unwrap_or(line)))
}

/// Multi-line text for a data format (CSV): each line sanitised, newlines kept.
pub fn sanitize_keep_newlines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(sanitize_lines(text).collect::<Vec<_>>().join("\n"))
}

/// Markdown made from file text, made safe to paste into a pull request or a wiki: control
/// characters shown as placeholders, and character references (`&#27;`) written so they show
/// as text instead of being decoded into the character they name.
pub fn safe_markdown(text: &str) -> String {
    sanitize_keep_newlines(text).replace("&#", "&amp;#")
}

/// JSON as `serde_json`'s pretty printer writes it, but with every character a terminal would
/// act on escaped: serde_json escapes C0 controls itself; this also escapes DEL, the C1
/// controls and bidi controls (`\u009b`, `\u202e`), so JSON piped to a terminal stays inert.
pub fn write_json_pretty<T: serde::Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
) -> std::io::Result<()> {
    let mut ser =
        serde_json::Serializer::with_formatter(&mut *out, SafeFormatter(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(std::io::Error::other)
}

use serde_json::ser::{Formatter, PrettyFormatter};

struct SafeFormatter<'a>(PrettyFormatter<'a>);

impl Formatter for SafeFormatter<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_agrees_with_the_char_rule_for_every_code_point() {
        for cp in 0..=0x10_FFFF_u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            // Alone, and between other text so a lead byte is not the last one.
            for text in [c.to_string(), format!("a{c}é")] {
                assert_eq!(
                    has_unsafe(&text, false),
                    text.chars().any(is_unsafe),
                    "U+{cp:04X}"
                );
                assert_eq!(
                    has_unsafe(&text, true),
                    text.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)),
                    "U+{cp:04X}"
                );
            }
        }
    }

    #[test]
    fn json_escapes_what_a_terminal_would_act_on() {
        let mut out = Vec::new();
        write_json_pretty(&mut out, &["a\u{1b}[2J\u{9b}31m\u{202e}x\u{7f}"]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "[\n  \"a\\u001b[2J\\u009b31m\\u202ex\\u007f\"\n]");
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, ["a\u{1b}[2J\u{9b}31m\u{202e}x\u{7f}"]);
    }

    #[test]
    fn markdown_keeps_entities_as_text() {
        assert_eq!(safe_markdown("a&#27;[2J\u{1b}\nb"), "a&amp;#27;[2J␛\nb");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            sanitize("Lambda concurrency – ü ✓"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_sequences_become_visible() {
        let s = sanitize("a\x1b[2Jb\x1b]52;c;aGk=\x07c");
        assert_eq!(s, "a␛[2Jb␛]52;c;aGk=␇c");
        assert!(!s.contains('\x1b'));
        assert!(!s.contains('\x07'));
    }

    #[test]
    fn c1_and_del_and_bidi_are_shown() {
        assert_eq!(sanitize("x\u{9b}31m"), "x⟨U+009B⟩31m");
        assert_eq!(sanitize("x\u{7f}"), "x␡");
        assert_eq!(sanitize("abc\u{202E}fed"), "abc⟨U+202E⟩fed");
        assert_eq!(sanitize("\u{2066}i\u{2069}"), "⟨U+2066⟩i⟨U+2069⟩");
    }

    #[test]
    fn tabs_expand_and_lines_split() {
        assert_eq!(sanitize("a\tb"), "a    b");
        let lines: Vec<_> = sanitize_lines("one\r\ntwo\x1b").collect();
        assert_eq!(lines, ["one", "two␛"]);
    }

    #[test]
    fn nothing_unsafe_survives_any_input() {
        for cp in (0u32..0x3000).chain(0xFFF0..0x10000) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let s = sanitize(&c.to_string()).into_owned();
            assert!(!s.chars().any(is_unsafe), "U+{cp:04X} survived as {s:?}");
        }
    }
}
