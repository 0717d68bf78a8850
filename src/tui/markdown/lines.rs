//! Lines of the rendered runbook: the prefixes of nested blocks (quote bars, list markers and
//! their indents, folded past a depth), each line emitted with them, blank lines, and the
//! inline text flushed and wrapped to the width.

use super::wrap::wrap_frags;
use super::{Mark, Prefix, Renderer, Segment};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Drawn instead of the indents of deeply nested blocks.
const FOLD: &str = "⋯ ";

/// Nesting drawn at most this deep; deeper levels are counted, not drawn.
const MAX_PREFIXES: usize = 32;

/// A line with nothing but quote bars and spaces.
pub(super) fn is_blank(line: &Line<'_>) -> bool {
    line.spans
        .iter()
        .all(|s| s.content.chars().all(|c| c == '│' || c.is_whitespace()))
}

pub(super) fn shown_width(lines: &[Line<'_>]) -> usize {
    lines.iter().map(Line::width).max().unwrap_or(0)
}

impl Renderer<'_> {
    pub(super) fn push_prefix(&mut self, prefix: Prefix) {
        if self.prefixes.len() < MAX_PREFIXES {
            self.prefixes.push(prefix);
        } else {
            self.hidden_prefixes += 1;
        }
    }

    pub(super) fn pop_prefix(&mut self) {
        if self.hidden_prefixes > 0 {
            self.hidden_prefixes -= 1;
        } else {
            self.prefixes.pop();
        }
    }

    /// Columns taken by quote bars and list indents; deep nesting is folded so that text keeps
    /// at least half the width.
    pub(super) fn prefix_width(&self) -> usize {
        let full: usize = self.prefixes.iter().map(|p| p.rest.width()).sum();
        if full > self.width / 2 {
            self.folded_width()
        } else {
            full
        }
    }

    pub(super) fn folded_width(&self) -> usize {
        self.prefixes.last().map_or(0, |p| p.rest.width()) + FOLD.width()
    }

    /// The prefix spans for the next line; the first line of an item uses its marker once.
    pub(super) fn take_prefix(&mut self) -> Vec<Span<'static>> {
        let full: usize = self.prefixes.iter().map(|p| p.rest.width()).sum();
        let fold = full > self.width / 2;
        let mut spans = Vec::with_capacity(if fold { 2 } else { self.prefixes.len() });
        if fold {
            spans.push(Span::styled(FOLD, self.dim()));
        }
        let last = self.prefixes.len().saturating_sub(1);
        for (i, p) in self.prefixes.iter_mut().enumerate() {
            let text = if p.used {
                p.rest.clone()
            } else {
                p.first.clone()
            };
            p.used = true;
            if !fold || i == last {
                spans.push(Span::styled(text, p.style));
            }
        }
        spans
    }

    /// The columns of the prefix actually drawn at the start of the next line.
    pub(super) fn prefix_columns(&self) -> usize {
        let full: usize = self.prefixes.iter().map(|p| p.rest.width()).sum();
        if full > self.width / 2 {
            FOLD.chars().count()
                + self.prefixes.last().map_or(0, |p| {
                    if p.used {
                        p.rest.chars().count()
                    } else {
                        p.first.chars().count()
                    }
                })
        } else {
            self.prefixes
                .iter()
                .map(|p| {
                    if p.used {
                        p.rest.chars().count()
                    } else {
                        p.first.chars().count()
                    }
                })
                .sum()
        }
    }

    pub(super) fn emit_line(&mut self, mut content: Vec<Span<'static>>) {
        let mut spans = self.take_prefix();
        spans.append(&mut content);
        self.doc.lines.push(Line::from(spans));
    }

    /// One empty line between blocks, never two.
    pub(super) fn blank(&mut self) {
        let last_blank = self.doc.lines.last().is_none_or(|l| {
            l.spans
                .iter()
                .all(|s| s.content.trim().is_empty() || s.content.trim() == "│")
        });
        if !last_blank {
            let rest: String = self
                .prefixes
                .iter()
                .filter(|p| p.rest.starts_with('│'))
                .map(|p| p.rest.clone())
                .collect();
            self.doc.lines.push(Line::from(Span::styled(
                rest.trim_end().to_owned(),
                self.dim(),
            )));
        }
    }

    /// Wraps the inline text gathered so far into lines.
    pub(super) fn flush(&mut self) {
        if self.inline.is_empty() {
            return;
        }
        let frags = std::mem::take(&mut self.inline);
        let room = self.width.saturating_sub(self.prefix_width()).max(4);
        for line in wrap_frags(&frags, room) {
            let number = self.doc.lines.len();
            let mut column = self.prefix_columns();
            let mut spans = Vec::with_capacity(line.len());
            for (text, style, mark) in line {
                let len = text.chars().count();
                let segments = match mark {
                    Some(Mark::Link(i)) => Some(&mut self.doc.links[i].segments),
                    Some(Mark::Code(i)) => Some(&mut self.doc.code_spans[i].segments),
                    None => None,
                };
                if let Some(segments) = segments {
                    match segments.last_mut() {
                        Some(s) if s.line == number && s.end == column => s.end += len,
                        _ => segments.push(Segment {
                            line: number,
                            start: column,
                            end: column + len,
                        }),
                    }
                }
                column += len;
                spans.push(Span::styled(text, style));
            }
            self.emit_line(spans);
        }
    }
}
