//! Markdown to styled, wrapped lines for the runbook viewer, keeping what no crate exposes: where
//! every heading, link, code block and task sits in the wrapped output. Every piece of text goes
//! through the sanitiser, so escape sequences in a runbook (raw, or decoded from `&#27;`) are
//! shown, never sent to the terminal. Nesting is tracked on a stack, not by recursion.

use crate::runbook::{SlugSet, heading_level, markdown_options, slug};
use crate::sanitize::sanitize;
use crate::ui::theme::Theme;
use lines::{is_blank, shown_width};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

mod code;
mod lines;
mod table;
mod wrap;

use table::{MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, Table, bound_tables};

/// A rendered document: wrapped lines and where things are in them.
#[derive(Debug, Default)]
pub struct Document {
    pub lines: Vec<Line<'static>>,
    pub headings: Vec<DocHeading>,
    pub links: Vec<DocLink>,
    pub code_blocks: Vec<CodeBlock>,
    pub code_spans: Vec<CodeSpan>,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocHeading {
    pub level: u8,
    pub text: String,
    pub anchor: String,
    pub line: usize,
}

/// A link and where its text landed (a wrapped link has several segments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLink {
    pub dest: String,
    pub segments: Vec<Segment>,
}

/// Characters `start..end` of line `line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

/// An inline code span (`` `aws rds …` ``) and where it landed: `y` copies it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSpan {
    pub text: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The block's text exactly as in the file: what `y` copies.
    pub text: String,
    pub first_line: usize,
    pub last_line: usize,
    /// Its language (the info string's first word).
    pub lang: String,
    /// A shell step `x` may run (see `runbook::shell`).
    pub runnable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    pub line: usize,
    pub checked: bool,
}

impl Document {
    /// The plain text of line `n`.
    pub fn plain(&self, n: usize) -> String {
        self.lines
            .get(n)
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .unwrap_or_default()
    }

    /// The heading an anchor names.
    pub fn heading(&self, anchor: &str) -> Option<&DocHeading> {
        self.headings.iter().find(|h| h.anchor == anchor)
    }

    /// The section that line `n` is in: the last heading at or above it.
    pub fn section_at(&self, n: usize) -> Option<usize> {
        // Headings are in line order: a binary search keeps this cheap in a 10 MB document.
        self.headings
            .partition_point(|h| h.line <= n)
            .checked_sub(1)
    }
}

/// A piece of inline text with its style and the link it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Frag {
    text: String,
    style: Style,
    mark: Option<Mark>,
}

/// What a fragment of text belongs to, so its place on screen is known after wrapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// `doc.links[i]`.
    Link(usize),
    /// `doc.code_spans[i]`.
    Code(usize),
}

/// One level of block nesting: what starts its first line and what continues it.
#[derive(Debug, Clone)]
struct Prefix {
    first: String,
    rest: String,
    used: bool,
    style: Style,
}

/// An open list: the next number, or `None` for bullets.
struct ListState {
    next: Option<u64>,
}

struct Renderer<'t> {
    theme: Theme,
    width: usize,
    doc: Document,
    prefixes: Vec<Prefix>,
    /// Quote and list levels opened beyond `MAX_PREFIXES`: not drawn (deep nesting is folded
    /// anyway), only counted, so a 10,000-deep quote costs the same per line as a shallow one.
    hidden_prefixes: usize,
    lists: Vec<ListState>,
    inline: Vec<Frag>,
    style: Vec<Style>,
    link: Option<usize>,
    heading: Option<(u8, Option<String>)>,
    code: Option<(String, String)>,
    /// The block being read is a shell step; the next one follows a no-run comment.
    code_runnable: bool,
    no_run_next: bool,
    image: Option<String>,
    table: Option<Table>,
    slugs: SlugSet,
    _text: &'t str,
}

/// Renders markdown `text` at `width` columns.
pub fn render(text: &str, width: u16, theme: Theme) -> Document {
    let mut r = Renderer {
        theme,
        width: usize::from(width.max(8)),
        doc: Document::default(),
        prefixes: Vec::new(),
        hidden_prefixes: 0,
        lists: Vec::new(),
        inline: Vec::new(),
        code_runnable: false,
        no_run_next: false,
        style: vec![Style::new()],
        link: None,
        heading: None,
        code: None,
        image: None,
        table: None,
        slugs: SlugSet::default(),
        _text: text,
    };
    let bounded = bound_tables(text);
    for event in Parser::new_ext(&bounded, markdown_options()) {
        r.event(event);
    }
    r.flush();
    r.doc
}

impl Renderer<'_> {
    fn current_style(&self) -> Style {
        self.style.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, add: Style) {
        let next = self.current_style().patch(add);
        self.style.push(next);
    }

    fn pop_style(&mut self) {
        if self.style.len() > 1 {
            self.style.pop();
        }
    }

    fn text(&mut self, text: &str, style: Style) {
        if let Some(alt) = self.image.as_mut() {
            alt.push_str(text);
            return;
        }
        if let Some(table) = self.table.as_mut() {
            table.cell.push_str(&sanitize(text));
            return;
        }
        self.inline.push(Frag {
            text: sanitize(text).into_owned(),
            style,
            mark: self.link.map(Mark::Link),
        });
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some((_, code)) = self.code.as_mut() {
                    code.push_str(&t);
                } else {
                    let style = self.current_style();
                    self.text(&t, style);
                }
            }
            Event::Code(t) => {
                let style = self.current_style().patch(self.code_style());
                let before = self.inline.len();
                self.text(&t, style);
                // Outside a link, the span is its own mark: `y` can copy it.
                if self.link.is_none() && self.inline.len() > before {
                    let index = self.doc.code_spans.len();
                    self.doc.code_spans.push(CodeSpan {
                        text: t.to_string(),
                        segments: Vec::new(),
                    });
                    if let Some(frag) = self.inline.last_mut() {
                        frag.mark = Some(Mark::Code(index));
                    }
                }
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                if let Some((_, code)) = self.code.as_mut() {
                    code.push_str(&t);
                    return;
                }
                if t.contains(crate::runbook::shell::NO_RUN_MARK) {
                    self.no_run_next = true;
                }
                let style = self.current_style().patch(self.dim());
                for (i, line) in t.split('\n').enumerate() {
                    if i > 0 && !line.is_empty() {
                        self.inline.push(Frag {
                            text: "\n".into(),
                            style,
                            mark: None,
                        });
                    }
                    if !line.is_empty() {
                        self.text(line, style);
                    }
                }
            }
            Event::SoftBreak => {
                let style = self.current_style();
                self.text(" ", style);
            }
            Event::HardBreak => {
                // Inside a table cell, a heading or an image's alt text a line break is a space.
                if self.table.is_some() || self.heading.is_some() || self.image.is_some() {
                    let style = self.current_style();
                    self.text(" ", style);
                } else {
                    self.inline.push(Frag {
                        text: "\n".into(),
                        style: Style::new(),
                        mark: None,
                    });
                }
            }
            Event::Rule => {
                self.flush();
                let width = self.width.saturating_sub(self.prefix_width());
                self.emit_line(vec![Span::styled("─".repeat(width), self.dim())]);
                self.blank();
            }
            Event::TaskListMarker(checked) => {
                let line = self.doc.lines.len();
                self.doc.tasks.push(Task { line, checked });
                let mark = if checked { "☑ " } else { "☐ " };
                // The checkbox is the item's marker: no bullet before it.
                if self.hidden_prefixes == 0
                    && let Some(item) = self.prefixes.last_mut()
                    && !item.used
                    && self.lists.last().is_some_and(|l| l.next.is_none())
                {
                    item.first = String::new();
                }
                let style = if checked {
                    self.dim()
                } else {
                    Style::new().add_modifier(Modifier::BOLD)
                };
                self.inline.push(Frag {
                    text: mark.into(),
                    style,
                    mark: None,
                });
            }
            Event::FootnoteReference(t) => {
                let style = self.current_style();
                self.text(&format!("[^{t}]"), style);
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, id, .. } => {
                self.flush();
                self.heading = Some((heading_level(level), id.map(|s| s.to_string())));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                let style = self.dim();
                self.push_prefix(Prefix {
                    first: "│ ".into(),
                    rest: "│ ".into(),
                    used: false,
                    style,
                });
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let (lang, runnable) = match kind {
                    CodeBlockKind::Fenced(info) => (
                        info.split_whitespace().next().unwrap_or("").to_owned(),
                        crate::runbook::shell::is_shell(&info),
                    ),
                    CodeBlockKind::Indented => (String::new(), false),
                };
                self.code_runnable = runnable && !std::mem::take(&mut self.no_run_next);
                self.code = Some((lang, String::new()));
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(ListState { next: start });
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len();
                let marker = match self.lists.last_mut().and_then(|l| l.next.as_mut()) {
                    Some(n) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    None => match depth % 3 {
                        1 => "• ".into(),
                        2 => "◦ ".into(),
                        _ => "▪ ".into(),
                    },
                };
                let rest = " ".repeat(marker.width());
                let style = self.dim();
                self.push_prefix(Prefix {
                    first: marker,
                    rest,
                    used: false,
                    style,
                });
            }
            Tag::Emphasis => self.push_style(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.link = Some(self.doc.links.len());
                self.doc.links.push(DocLink {
                    dest: dest_url.to_string(),
                    segments: Vec::new(),
                });
                let style = if self.theme.color {
                    Style::new()
                        .fg(Color::Blue)
                        .add_modifier(Modifier::UNDERLINED)
                } else {
                    Style::new().add_modifier(Modifier::UNDERLINED)
                };
                self.push_style(style);
            }
            Tag::Image { .. } => self.image = Some(String::new()),
            Tag::Table(_) => {
                self.flush();
                self.table = Some(Table::default());
            }
            Tag::TableHead | Tag::TableRow | Tag::TableCell => {}
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                if !self.in_item() {
                    self.blank();
                }
            }
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.pop_prefix();
                // The quote's own trailing blank line becomes a plain one.
                if self.doc.lines.last().is_some_and(is_blank) {
                    self.doc.lines.pop();
                }
                if !self.in_item() {
                    self.blank();
                }
            }
            TagEnd::HtmlBlock => {
                self.flush();
                self.blank();
            }
            TagEnd::CodeBlock => self.end_code(),
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => {
                self.flush();
                self.pop_prefix();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                if let Some(i) = self.link.take() {
                    let dest = self.doc.links[i].dest.clone();
                    if is_web(&dest) && self.table.is_none() && self.image.is_none() {
                        self.inline.push(Frag {
                            text: format!(" <{}>", sanitize(&dest)),
                            style: self.dim(),
                            mark: None,
                        });
                    }
                }
            }
            TagEnd::Image => {
                if let Some(alt) = self.image.take() {
                    let style = self.current_style().patch(self.dim());
                    self.text(&format!("[image: {alt}]"), style);
                }
            }
            TagEnd::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    let cell = std::mem::take(&mut t.cell);
                    t.row_columns += 1;
                    if t.row.len() < MAX_TABLE_COLUMNS && t.kept < MAX_TABLE_CELLS {
                        t.row.push(cell.trim().to_owned());
                        t.kept += 1;
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.columns_seen = t.columns_seen.max(std::mem::take(&mut t.row_columns));
                    t.rows.push(row);
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.columns_seen = t.columns_seen.max(std::mem::take(&mut t.row_columns));
                    if t.kept >= MAX_TABLE_CELLS && row.len() < t.rows.first().map_or(1, Vec::len) {
                        // Past the cell limit: counted, not kept (a half-kept row neither).
                        t.kept -= row.len();
                        t.rows_left_out += 1;
                    } else {
                        t.rows.push(row);
                    }
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.emit_table(&table);
                    self.blank();
                }
            }
            _ => {}
        }
    }

    fn in_item(&self) -> bool {
        !self.lists.is_empty()
    }

    fn dim(&self) -> Style {
        self.theme.dim()
    }

    fn end_heading(&mut self) {
        let Some((level, id)) = self.heading.take() else {
            return;
        };
        let frags = std::mem::take(&mut self.inline);
        let text: String = frags
            .iter()
            .map(|f| f.text.as_str())
            .collect::<String>()
            .trim()
            .to_owned();
        let anchor = match id {
            Some(id) => self.slugs.claim(&id),
            None => self.slugs.claim(&slug(&text)),
        };
        let line = self.doc.lines.len();
        self.doc.headings.push(DocHeading {
            level,
            text: text.clone(),
            anchor,
            line,
        });
        let (marker, style) = match level {
            1 => (
                "█ ",
                Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            ),
            2 => ("▌ ", Style::new().add_modifier(Modifier::BOLD)),
            3 => ("▸ ", Style::new().add_modifier(Modifier::BOLD)),
            _ => (
                "· ",
                Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
            ),
        };
        let style = if self.theme.color {
            style.fg(match level {
                1 => Color::Magenta,
                2 => Color::Cyan,
                _ => Color::Green,
            })
        } else {
            style
        };
        let shown = if level == 1 {
            text.to_uppercase()
        } else {
            text
        };
        let room = self.width.saturating_sub(self.prefix_width() + 2).max(4);
        for (i, piece) in crate::ui::widgets::wrap(&shown, room)
            .into_iter()
            .enumerate()
        {
            let head = if i == 0 { marker } else { "  " };
            self.emit_line(vec![Span::styled(head, style), Span::styled(piece, style)]);
        }
        if level <= 2 {
            let rule = if level == 1 { "═" } else { "─" };
            let width = (shown_width(&self.doc.lines[line..])).min(room + 2);
            self.emit_line(vec![Span::styled(rule.repeat(width), self.dim())]);
        }
        self.blank();
    }
}

/// Web links (and other schemes) as opposed to paths in the workspace.
pub fn is_web(dest: &str) -> bool {
    let lower = dest.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_table_is_cut_before_parsing_and_lines_keep_their_numbers() {
        let mut text = String::from("# T\n\n|a|b|\n|-|-|\n");
        text.push_str(&"|x|y|\n".repeat(300_000));
        text.push_str("\n## After\n");
        let bounded = bound_tables(&text);
        assert_eq!(bounded.lines().count(), text.lines().count());
        let after = |t: &str| t.lines().position(|l| l == "## After");
        assert_eq!(after(&bounded), after(&text));
        let kept = bounded.lines().filter(|l| *l == "|x|y|").count();
        assert_eq!(kept, MAX_TABLE_CELLS / 3 - 2);
        assert!(bounded.contains(&format!(
            "… {} more table rows not shown",
            300_002 - MAX_TABLE_CELLS / 3
        )));
        // A small document is not looked at.
        assert!(matches!(
            bound_tables("|a|\n|-|\n|x|\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_wide_table_is_laid_out_with_its_first_columns_and_a_note() {
        let row = |c: &str| format!("|{}\n", format!("{c}|").repeat(100));
        let text = format!("{}{}{}", row("h"), row("-"), row("c"));
        let doc = render(&text, 80, Theme::new(false));
        let shown = plain(&doc);
        assert!(shown.contains("… 36 more columns not shown"), "{shown}");
    }

    fn plain(doc: &Document) -> String {
        (0..doc.lines.len())
            .map(|n| doc.plain(n))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn positions_of_headings_links_and_code() {
        let doc = render(
            "# Title\n\nSee [the failover](db.md#reconnect) now.\n\n```sh\necho hi\n```\n\n## Steps\n\n- [ ] one\n- [x] two\n",
            80,
            Theme::new(false),
        );
        assert_eq!(doc.headings.len(), 2);
        assert_eq!(doc.headings[1].anchor, "steps");
        assert!(doc.plain(doc.headings[1].line).contains("Steps"));
        let link = &doc.links[0];
        assert_eq!(link.dest, "db.md#reconnect");
        let seg = link.segments[0];
        let text: String = doc
            .plain(seg.line)
            .chars()
            .skip(seg.start)
            .take(seg.end - seg.start)
            .collect();
        assert_eq!(text, "the failover");
        assert_eq!(doc.code_blocks[0].text, "echo hi");
        assert!(
            doc.plain(doc.code_blocks[0].first_line + 1)
                .contains("echo hi")
        );
        assert_eq!(doc.tasks.len(), 2);
        assert!(doc.tasks[1].checked);
    }

    #[test]
    fn sections_by_line() {
        let doc = render(
            "intro\n\n# A\n\ntext\n\n## B\n\nmore\n",
            80,
            Theme::new(false),
        );
        assert_eq!(doc.section_at(0), None);
        let a = doc.headings[0].line;
        let b = doc.headings[1].line;
        assert_eq!(doc.section_at(a), Some(0));
        assert_eq!(doc.section_at(b - 1), Some(0));
        assert_eq!(doc.section_at(b), Some(1));
        assert_eq!(doc.section_at(usize::MAX), Some(1));
    }

    #[test]
    fn wrapped_links_keep_every_segment() {
        let doc = render(
            "[a link whose text is long enough to wrap twice](x.md)\n",
            20,
            Theme::new(false),
        );
        let segments = &doc.links[0].segments;
        assert!(segments.len() >= 2, "{segments:?}");
        let joined: String = segments
            .iter()
            .map(|s| {
                doc.plain(s.line)
                    .chars()
                    .skip(s.start)
                    .take(s.end - s.start)
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(joined, "a link whose text is long enough to wrap twice");
    }

    #[test]
    fn no_line_is_wider_than_the_width() {
        let text = "| a | b |\n|---|---|\n| a long cell that must wrap | another long cell that wraps too |\n\n> quote with a long line that wraps around\n\n- item\n  - nested item with more words than fit\n";
        for width in [20u16, 40, 80] {
            let doc = render(text, width, Theme::new(false));
            for n in 0..doc.lines.len() {
                assert!(
                    doc.lines[n].width() <= usize::from(width),
                    "{width}: {:?}",
                    doc.plain(n)
                );
            }
        }
    }

    #[test]
    fn escapes_are_shown_not_sent() {
        let doc = render(
            "a \u{1b}[2J b &#27;[31m red \u{7} \u{202e}x\n\n```\n\u{1b}]52;c;aGk=\u{7}\n```\n",
            80,
            Theme::new(false),
        );
        let all = plain(&doc);
        assert!(!all.chars().any(|c| c.is_control() && c != '\n'), "{all:?}");
        assert!(all.contains("␛[2J") && all.contains("␛[31m") && all.contains("⟨U+202E⟩"));
        // The copy keeps the real bytes; only the display is sanitised.
        assert!(doc.code_blocks[0].text.contains('\u{1b}'));
    }

    #[test]
    fn line_breaks_inside_headings_stay_spaces() {
        // Found by the render_markdown fuzz target: a hard break inside a setext heading.
        let doc = render("a\\\nb\n-\n\n| x\\\ny |\n|---|\n", 40, Theme::new(false));
        for n in 0..doc.lines.len() {
            assert!(!doc.plain(n).contains('\n'), "{:?}", doc.plain(n));
        }
        let fuzzed = String::from_utf8_lossy(b"\xff[\x00\xff\x00\\\n\xe3\xff\xe1\x14\n-");
        let doc = render(&fuzzed, 20, Theme::new(false));
        for n in 0..doc.lines.len() {
            assert!(
                !doc.plain(n).chars().any(char::is_control),
                "{:?}",
                doc.plain(n)
            );
        }
    }

    #[test]
    fn deep_nesting_renders() {
        let text = format!("{}item\n", "- ".repeat(10_000));
        let doc = render(&text, 80, Theme::new(false));
        assert!(!doc.lines.is_empty());
        assert!(
            doc.lines.iter().all(|l| l.width() <= 80),
            "deep indents are folded"
        );
        let quotes = format!("{}deep\n", "> ".repeat(10_000));
        let _ = render(&quotes, 80, Theme::new(false));
    }
}
