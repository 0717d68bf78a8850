//! The runbook viewer's state: a rendered document, where the view is, the focused link, search
//! in the document, and the back/forward history. Pure: reading files and writing to the
//! clipboard happen in `effects` and the event loop.

use crate::markdown::{Document, Segment, render};

pub mod outline;
use crate::ui::theme::Theme;

/// A place to come back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub scroll: usize,
}

/// Search in the open document.
#[derive(Debug, Clone, Default)]
pub struct DocSearch {
    pub query: String,
    pub matches: Vec<Segment>,
    pub current: usize,
}

/// A popup inside the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewerPopup {
    Toc {
        selected: usize,
    },
    Backlinks {
        selected: usize,
    },
    /// Several code blocks or spans on screen: each has a letter; typing it copies that one.
    CopyHints,
}

/// Something on screen `y` can copy: a code block or an inline code span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyTarget {
    pub text: String,
    /// Where its label goes: document line and character column.
    pub line: usize,
    pub column: usize,
}

/// Labels for copy targets, in screen order.
pub const HINTS: &str = "asdfghjklqwertyuiopzxcvbnm";

pub struct Viewer {
    /// Workspace-relative path of the runbook.
    pub path: String,
    source: String,
    theme: Theme,
    pub doc: Document,
    pub width: u16,
    /// First line shown.
    pub scroll: usize,
    /// Lines the viewport shows.
    pub height: usize,
    pub link: Option<usize>,
    pub search: Option<DocSearch>,
    /// The search being typed (`/`).
    pub search_input: Option<crate::editor::TextInput>,
    pub popup: Option<ViewerPopup>,
    pub back: Vec<Location>,
    pub forward: Vec<Location>,
    /// Shown above the document (a file that was not valid UTF-8).
    pub notice: Option<String>,
    /// How many risks link to the runbook: counted when it opens and after each edit, not on
    /// every frame.
    pub backlink_count: usize,
    /// The heading line a jump landed on (an anchor, the table of contents): shown at the top of
    /// the screen even near the end of the document, and marked in the gutter.
    pub landed: Option<usize>,
    /// Set while `doc` holds only the window of a large runbook the first frame needs; the
    /// event loop calls `complete` right after drawing it.
    pub preview: Option<Preview>,
    /// The outline's folds and filter.
    pub outline: outline::Outline,
}

/// What a preview stands in for: where the reader landed, to keep them there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub anchor: Option<String>,
}

/// Runbooks larger than this open with a preview: the first frame renders a window of the
/// source, the rest after.
pub const PREVIEW_FROM: usize = 128 * 1024;
/// The window a preview renders: many screens' worth.
const PREVIEW_BYTES: usize = 16 * 1024;

impl Viewer {
    pub fn new(path: String, source: String, width: u16, height: usize, theme: Theme) -> Viewer {
        let doc = render(&source, width, theme);
        Viewer {
            path,
            source,
            theme,
            doc,
            width,
            scroll: 0,
            height: height.max(1),
            link: None,
            search: None,
            search_input: None,
            popup: None,
            back: Vec::new(),
            forward: Vec::new(),
            notice: None,
            backlink_count: 0,
            landed: None,
            preview: None,
            outline: outline::Outline::default(),
        }
    }

    /// A viewer whose document is not rendered yet: `start_preview` (or `complete`) follows.
    pub fn unrendered(
        path: String,
        source: String,
        width: u16,
        height: usize,
        theme: Theme,
    ) -> Viewer {
        let mut viewer = Viewer::new(path, String::new(), width, height, theme);
        viewer.source = source;
        viewer.preview = Some(Preview { anchor: None });
        viewer
    }

    /// Replaces the document without rendering it: `start_preview` (or `complete`) follows.
    pub fn replace_unrendered(&mut self, path: String, source: String, width: u16, height: usize) {
        self.replace(path, String::new(), width, height);
        self.source = source;
        self.preview = Some(Preview { anchor: None });
    }

    /// Renders only the window of a large source the first screen needs, from the heading
    /// `anchor` names (or the top), so a megabyte opens as fast as a page. False (and nothing
    /// rendered) when the source is small, the anchor is not found, or the headings cannot be
    /// read without the full parse: then `complete` renders the whole document.
    pub fn start_preview(&mut self, anchor: Option<&str>) -> bool {
        if self.source.len() < PREVIEW_FROM {
            return false;
        }
        let start_line = match anchor {
            None => 1,
            Some(anchor) => {
                let Some(headings) = crate::runbook::headings_fast(&self.source) else {
                    return false;
                };
                match headings.iter().find(|h| h.anchor == anchor) {
                    Some(h) => h.line,
                    None => return false,
                }
            }
        };
        let bytes = self.source.as_bytes();
        let start = crate::finding::LineIndex::new(&self.source).line_start(start_line);
        let mut end = (start + PREVIEW_BYTES).min(bytes.len());
        while end < bytes.len() && bytes[end - 1] != b'\n' {
            end += 1;
        }
        self.doc = render(&self.source[start..end], self.width, self.theme);
        self.preview = Some(Preview {
            anchor: anchor.map(str::to_owned),
        });
        if anchor.is_some() {
            self.land_at(0);
        } else {
            self.scroll = 0;
        }
        true
    }

    /// Renders the whole document after a preview, keeping the reader where they were.
    pub fn complete(&mut self) {
        let Some(preview) = self.preview.take() else {
            return;
        };
        let into = self.scroll.saturating_sub(self.landed.unwrap_or(0));
        self.doc = render(&self.source, self.width, self.theme);
        self.landed = None;
        match preview.anchor {
            Some(anchor) if self.jump_to_anchor(&anchor) => {
                self.scroll += into;
                self.clamp();
            }
            _ => self.clamp(),
        }
    }

    /// Replaces the document (another file, or the same one reloaded after an edit), rendered
    /// once at the current size.
    pub fn replace(&mut self, path: String, source: String, width: u16, height: usize) {
        self.width = width;
        self.height = height.max(1);
        self.doc = render(&source, width, self.theme);
        self.path = path;
        self.source = source;
        self.scroll = 0;
        self.link = None;
        self.search = None;
        self.popup = None;
        self.landed = None;
        self.preview = None;
        self.outline = outline::Outline::default();
    }

    /// Re-wraps for a new size, keeping the reader in the same section.
    pub fn resize(&mut self, width: u16, height: usize) {
        self.complete();
        self.height = height.max(1);
        if width == self.width {
            self.clamp();
            return;
        }
        let section = self.doc.section_at(self.scroll);
        let into = section.map_or(self.scroll, |s| self.scroll - self.doc.headings[s].line);
        self.doc = render(&self.source, width, self.theme);
        self.width = width;
        self.scroll = section
            .and_then(|s| self.doc.headings.get(s))
            .map_or(0, |h| h.line + into);
        self.link = None;
        if let Some(search) = self.search.take() {
            self.find(&search.query);
        }
        self.clamp();
    }

    /// How far the document scrolls: to its last screen, or further down to the heading a jump
    /// landed on, so that heading can be at the top.
    pub fn max_scroll(&self) -> usize {
        self.end_scroll().max(self.landed.unwrap_or(0))
    }

    /// The scroll position that shows the document's last screen.
    pub fn end_scroll(&self) -> usize {
        self.doc.lines.len().saturating_sub(self.height)
    }

    /// How far through the document the screen is, in percent.
    pub fn percent(&self) -> usize {
        match self.end_scroll() {
            0 => 100,
            end => (self.scroll * 100 / end).min(100),
        }
    }

    /// Puts line `line` (a heading) at the top of the screen and marks it.
    pub fn land_at(&mut self, line: usize) {
        self.landed = Some(line.min(self.doc.lines.len().saturating_sub(1)));
        self.scroll = self.landed.unwrap_or(0);
    }

    fn clamp(&mut self) {
        self.scroll = self.scroll.min(self.max_scroll());
    }

    pub fn scroll_by(&mut self, delta: isize) {
        self.scroll = self.scroll.saturating_add_signed(delta);
        self.clamp();
    }

    pub fn top(&mut self) {
        self.scroll = 0;
    }

    pub fn bottom(&mut self) {
        self.scroll = self.max_scroll();
    }

    pub fn location(&self) -> Location {
        Location {
            path: self.path.clone(),
            scroll: self.scroll,
        }
    }

    /// Scrolls to a heading by anchor; false when there is none.
    pub fn jump_to_anchor(&mut self, anchor: &str) -> bool {
        match self.doc.heading(anchor) {
            Some(h) => {
                let line = h.line;
                self.land_at(line);
                true
            }
            None => false,
        }
    }

    /// Shows line `n` near the top (two lines of context).
    pub fn reveal(&mut self, n: usize) {
        if n < self.scroll || n >= self.scroll + self.height {
            self.scroll = n.saturating_sub(2);
            self.clamp();
        }
    }

    fn visible(&self, line: usize) -> bool {
        line >= self.scroll && line < self.scroll + self.height
    }

    /// Focuses the next (or previous) link on screen, wrapping around the visible ones.
    pub fn cycle_link(&mut self, forward: bool) -> bool {
        let visible: Vec<usize> = (0..self.doc.links.len())
            .filter(|&i| {
                self.doc.links[i]
                    .segments
                    .first()
                    .is_some_and(|s| self.visible(s.line))
            })
            .collect();
        if visible.is_empty() {
            self.link = None;
            return false;
        }
        let position = self.link.and_then(|l| visible.iter().position(|&v| v == l));
        self.link = Some(match (position, forward) {
            (None, true) => visible[0],
            (None, false) => visible[visible.len() - 1],
            (Some(p), true) => visible[(p + 1) % visible.len()],
            (Some(p), false) => visible[(p + visible.len() - 1) % visible.len()],
        });
        true
    }

    /// The focused link's destination, if it is still on screen.
    pub fn focused_link(&self) -> Option<&str> {
        let link = &self.doc.links[self.link?];
        link.segments.first().filter(|s| self.visible(s.line))?;
        Some(&link.dest)
    }

    /// Finds every case-insensitive occurrence of `query`; moves to the first one at or after
    /// the view.
    pub fn find(&mut self, query: &str) -> usize {
        let needle: Vec<char> = query.to_lowercase().chars().collect();
        let mut matches = Vec::new();
        if !needle.is_empty() {
            for n in 0..self.doc.lines.len() {
                let line: Vec<char> = self.doc.plain(n).to_lowercase().chars().collect();
                let mut start = 0;
                while start + needle.len() <= line.len() {
                    if line[start..start + needle.len()] == needle[..] {
                        matches.push(Segment {
                            line: n,
                            start,
                            end: start + needle.len(),
                        });
                        start += needle.len();
                    } else {
                        start += 1;
                    }
                }
            }
        }
        let count = matches.len();
        let current = matches
            .iter()
            .position(|m| m.line >= self.scroll)
            .unwrap_or(0);
        self.search = Some(DocSearch {
            query: query.to_owned(),
            matches,
            current,
        });
        if let Some(m) = self.current_match() {
            self.reveal(m.line);
        }
        count
    }

    pub fn current_match(&self) -> Option<Segment> {
        let search = self.search.as_ref()?;
        search.matches.get(search.current).copied()
    }

    /// Moves to the next (or previous) match, wrapping around; whether it wrapped.
    pub fn next_match(&mut self, forward: bool) -> Option<bool> {
        let search = self.search.as_mut()?;
        let n = search.matches.len();
        if n == 0 {
            return None;
        }
        let (next, wrapped) = if forward {
            ((search.current + 1) % n, search.current + 1 == n)
        } else {
            ((search.current + n - 1) % n, search.current == 0)
        };
        search.current = next;
        let line = search.matches[next].line;
        self.reveal(line);
        Some(wrapped)
    }

    /// The code blocks and inline code spans on screen, top to bottom, at most one label each.
    pub fn copy_targets(&self) -> Vec<CopyTarget> {
        let on_screen = |line: usize| line >= self.scroll && line < self.scroll + self.height;
        let mut targets: Vec<CopyTarget> = self
            .doc
            .code_blocks
            .iter()
            .filter(|b| b.last_line >= self.scroll && b.first_line < self.scroll + self.height)
            .map(|b| CopyTarget {
                text: b.text.clone(),
                line: b.first_line.max(self.scroll),
                column: 0,
            })
            .collect();
        for span in &self.doc.code_spans {
            if let Some(seg) = span.segments.iter().find(|s| on_screen(s.line)) {
                targets.push(CopyTarget {
                    text: span.text.clone(),
                    line: seg.line,
                    column: seg.start,
                });
            }
        }
        targets.sort_by_key(|t| (t.line, t.column));
        targets.truncate(HINTS.chars().count());
        targets
    }

    /// The section on screen now, as markdown (its heading to the next of its level or higher),
    /// and the link to it, `path#anchor`: what `s` and `Y` copy.
    pub fn current_section_source(&self) -> Option<(String, String)> {
        let heading = &self.doc.headings[self.current_section()?];
        let text = crate::runbook::section_source(&self.source, &heading.anchor)?;
        Some((text.to_owned(), format!("{}#{}", self.path, heading.anchor)))
    }

    /// The heading whose section is on screen now, for the table of contents.
    pub fn current_section(&self) -> Option<usize> {
        self.doc.section_at(self.scroll)
    }
}

/// What a copy put on the clipboard, for the status line: the text whole when it is short,
/// else its first and last words with its length, so nothing past the screen's edge is copied
/// unseen. Controls are shown as placeholders; lines are joined with `⏎`.
pub fn copied_summary(text: &str) -> String {
    const WHOLE: usize = 48;
    const WORDS: usize = 4;
    let lines = text.lines().count().max(1);
    let flat: String = crate::sanitize::sanitize_lines(text.trim_end_matches('\n'))
        .collect::<Vec<_>>()
        .join(" ⏎ ");
    let chars = text.chars().count();
    let shown = if flat.chars().count() <= WHOLE {
        format!("“{flat}”")
    } else {
        let words: Vec<&str> = flat.split_whitespace().collect();
        if words.len() > 2 * WORDS {
            format!(
                "“{} … {}”",
                words[..WORDS].join(" "),
                words[words.len() - WORDS..].join(" ")
            )
        } else {
            let head: String = flat.chars().take(WHOLE / 2).collect();
            let tail: String = {
                let mut t: Vec<char> = flat.chars().rev().take(WHOLE / 2).collect();
                t.reverse();
                t.into_iter().collect()
            };
            format!("“{head} … {tail}”")
        }
    };
    if lines == 1 {
        format!("{shown} ({chars} characters)")
    } else {
        format!("{lines} lines, {shown} ({chars} characters)")
    }
}

/// Standard base64 (RFC 4648), for OSC 52.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The OSC 52 sequence that puts `text` on the clipboard: the only escape sequence faultline
/// writes that carries file text, and it is base64, so the text cannot act on the terminal.
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{7}", base64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(text: &str) -> Viewer {
        Viewer::new(
            "runbooks/a.md".into(),
            text.into(),
            60,
            10,
            Theme::new(false),
        )
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }

    #[test]
    fn search_counts_and_wraps() {
        let mut v = viewer("# A\n\nfailover here\n\n## B\n\nFailover there\n");
        assert_eq!(v.find("failover"), 2);
        assert_eq!(v.next_match(true), Some(false));
        assert_eq!(v.next_match(true), Some(true), "wrapped to the first");
        assert_eq!(v.next_match(false), Some(true));
        assert_eq!(v.find("nothing"), 0);
        assert_eq!(v.next_match(true), None);
    }

    #[test]
    fn anchors_and_resize_keep_the_section() {
        let body = "word ".repeat(200);
        let mut v = viewer(&format!("# Top\n\n{body}\n\n## Target\n\n{body}\n"));
        assert!(v.jump_to_anchor("target"));
        let line = v.scroll;
        assert!(v.doc.plain(line).contains("Target"));
        v.resize(30, 10);
        assert!(
            v.doc.plain(v.scroll).contains("Target"),
            "{}",
            v.doc.plain(v.scroll)
        );
        assert!(!v.jump_to_anchor("nowhere"));
    }

    #[test]
    fn links_cycle_on_screen() {
        let mut v = viewer("[one](a.md) and [two](b.md#x) and [web](https://example.com)\n");
        assert!(v.cycle_link(true));
        assert_eq!(v.focused_link(), Some("a.md"));
        v.cycle_link(true);
        assert_eq!(v.focused_link(), Some("b.md#x"));
        v.cycle_link(true);
        v.cycle_link(true);
        assert_eq!(v.focused_link(), Some("a.md"), "wraps around");
        v.cycle_link(false);
        assert_eq!(v.focused_link(), Some("https://example.com"));
    }
}
