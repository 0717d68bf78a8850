//! Code in the runbook viewer: the style of inline code, and a fenced block laid out with its
//! language and its place recorded, so it can be copied whole.

use super::wrap::clip;
use super::{CodeBlock, Renderer};
use crate::sanitize::sanitize;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

impl Renderer<'_> {
    pub(super) fn code_style(&self) -> Style {
        if self.theme.color {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub(super) fn end_code(&mut self) {
        let Some((lang, text)) = self.code.take() else {
            return;
        };
        let room = self.width.saturating_sub(self.prefix_width() + 2).max(4);
        let first_line = self.doc.lines.len();
        let code_style = self.code_style();
        let label = if lang.is_empty() {
            "code".to_owned()
        } else {
            sanitize(&lang).into_owned()
        };
        let runnable = std::mem::take(&mut self.code_runnable);
        let keys = if runnable && self.theme.runs {
            "y copies · x runs"
        } else {
            "y copies"
        };
        self.emit_line(vec![Span::styled(
            format!("┌ {label} · {keys}"),
            self.dim(),
        )]);
        let body = text.strip_suffix('\n').unwrap_or(&text);
        for raw in body.split('\n') {
            let shown = sanitize(raw.trim_end_matches('\r'));
            let (clipped, cut) = clip(&shown, room);
            let mut spans = vec![
                Span::styled("│ ", self.dim()),
                Span::styled(clipped, code_style),
            ];
            if cut {
                spans.push(Span::styled("›", self.dim()));
            }
            self.emit_line(spans);
        }
        let last_line = self.doc.lines.len().saturating_sub(1);
        self.doc.code_blocks.push(CodeBlock {
            text: body.to_owned(),
            first_line,
            last_line,
            lang,
            runnable,
        });
        if !self.in_item() {
            self.blank();
        }
    }
}
