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

/// Text from a file (or a file's name) quoted into a one-line message: newlines, carriage
/// returns, every other control character, C1 and bidi controls are written as escapes (`\n`,
/// `\u{1b}`), so the text can neither start a line of its own (a forged `::error` workflow
/// command) nor reach the terminal as a control. Everything else is kept as it is.
pub fn quote(text: &str) -> Cow<'_, str> {
    if !has_unsafe(text, false) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Displays its text through [`quote`]: the one way a message shows untrusted text.
pub struct Quoted<'a>(pub &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&quote(self.0))
    }
}

/// Displays a path through [`quote`].
pub struct QuotedPath<'a>(pub &'a std::path::Path);

impl std::fmt::Display for QuotedPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&quote(&self.0.to_string_lossy()))
    }
}

/// The last guard on an output stream (stdout and stderr of every command): lines are written
/// whole, and in each, any control character that reached it (ESC but for a colour sequence,
/// other C0 controls, DEL, C1, bidi controls, a carriage return not ending the line) is written
/// as an escape, and a line that would begin with `::` (a GitHub Actions workflow command, which
/// the runner obeys after leading spaces) begins with `\` instead. Messages quote file text
/// with [`quote`] first; this guard makes a slip harmless.
pub struct LineGuard<W: std::io::Write> {
    inner: W,
    line: Vec<u8>,
}

impl<W: std::io::Write> LineGuard<W> {
    pub fn new(inner: W) -> Self {
        LineGuard {
            inner,
            line: Vec::new(),
        }
    }

    fn emit_line(&mut self) -> std::io::Result<()> {
        let line = std::mem::take(&mut self.line);
        let guarded = guard_line(&line);
        self.inner.write_all(&guarded)
    }
}

impl<W: std::io::Write> std::io::Write for LineGuard<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.line.extend_from_slice(&rest[..=i]);
            self.emit_line()?;
            rest = &rest[i + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            self.emit_line()?;
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for LineGuard<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

/// One line (its `\n` included, when it has one) made safe as [`LineGuard`] describes.
pub fn guard_line(line: &[u8]) -> Cow<'_, [u8]> {
    let text = String::from_utf8_lossy(line);
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let body = body.strip_suffix('\r').unwrap_or(body);
    let workflow = body.trim_start().starts_with("::");
    let controls = has_unsafe(body, true);
    if !workflow && !controls && matches!(text, Cow::Borrowed(_)) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(text.len() + 8);
    if workflow {
        out.push('\\');
    }
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\u{1b}'
            && let Some(len) = colour_sequence(&body[i..])
        {
            out.push_str(&body[i..i + len]);
            for _ in 1..len {
                chars.next();
            }
            continue;
        }
        match c {
            '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push_str(&text[body.len()..]);
    Cow::Owned(out.into_bytes())
}

/// The length of an SGR colour sequence (`ESC [ digits and ; m`) at the start of `text`.
fn colour_sequence(text: &str) -> Option<usize> {
    let rest = text.strip_prefix("\u{1b}[")?;
    let params = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (rest.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

/// Writes one message line to stderr through [`LineGuard`]'s rules.
pub fn eprint_line(message: &str) {
    use std::io::Write as _;
    let mut line = message.as_bytes().to_vec();
    line.push(b'\n');
    let guarded = guard_line(&line);
    let _ = std::io::stderr().lock().write_all(&guarded);
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

/// Whether to colour output to a stream: only a terminal, and never when `NO_COLOR` is set to a
/// non-empty value (<https://no-color.org>).
pub fn use_color(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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
    fn quote_escapes_line_breaks_and_controls() {
        assert_eq!(
            quote("x\n::error file=a::PASSED\u{1b}]52;c;x\u{7}\u{9b}\u{202e}"),
            "x\\n::error file=a::PASSED\\u{1b}]52;c;x\\u{7}\\u{9b}\\u{202e}"
        );
        assert!(matches!(quote("plain ü"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_guard_neutralises_workflow_commands_and_escapes() {
        use std::io::Write as _;
        let mut out = Vec::new();
        {
            let mut g = LineGuard::new(&mut out);
            g.write_all(b"ok \x1b[1;31mred\x1b[0m\n  ::add-mask::x\n::warn")
                .unwrap();
            g.write_all(b"ing\x1b]0;t\x07 a\rb\r\n\xc2\x9bz").unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "ok \x1b[1;31mred\x1b[0m\n\\  ::add-mask::x\n\\::warning\\u{1b}]0;t\\u{7} a\\rb\r\n\\u{9b}z"
        );
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
