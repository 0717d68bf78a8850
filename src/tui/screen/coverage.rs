//! Coverage: components × categories, each cell the number of the component's risks in that
//! category, `·` for a category it has never considered (marked, so it reads without colour).
//! The selected component's gaps are named below; Enter opens it in the register.

use crate::app::App;
use crate::sanitize::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Columns for the component's name.
const NAME: usize = 22;

pub fn render(app: &App, selected: usize, frame: &mut Frame) {
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    let coverage = crate::coverage::of(&app.ws);
    let block = Block::bordered()
        .title(" Coverage · risks per category · · never considered ")
        .title_bottom(" j/k move · Enter open in the register · m heat map · Esc back ");
    let inner = block.inner(main);
    frame.render_widget(block, main);
    let [table, below] = Layout::vertical([Constraint::Min(2), Constraint::Length(3)]).areas(inner);
    let columns = coverage.categories.len() + 1;
    let cell = (usize::from(table.width).saturating_sub(NAME) / columns.max(1)).clamp(3, 14);
    let fit = |text: &str| {
        let short: String = text.chars().take(cell - 1).collect();
        format!("{short:>cell$}")
    };
    let mut header = vec![Span::styled(
        format!("{:<NAME$}", "component"),
        app.theme.title(),
    )];
    for c in &coverage.categories {
        header.push(Span::styled(fit(&sanitize(c)), app.theme.label()));
    }
    header.push(Span::styled(fit("other"), app.theme.dim()));
    let mut lines = vec![Line::from(header)];
    let rows = usize::from(table.height).saturating_sub(1);
    let first = crate::screen::scroll_offset(selected, rows, coverage.rows.len());
    for (i, row) in coverage.rows.iter().enumerate().skip(first).take(rows) {
        let mut spans = vec![Span::raw(format!(
            "{:<NAME$}",
            crate::list::truncate(&sanitize(&row.component), NAME - 1)
        ))];
        for n in &row.counts {
            spans.push(if *n == 0 {
                Span::styled(fit("·"), app.theme.warning())
            } else {
                Span::raw(fit(&n.to_string()))
            });
        }
        spans.push(Span::styled(fit(&row.other.to_string()), app.theme.dim()));
        let mut line = Line::from(spans);
        if i == selected {
            line = line.style(app.theme.selected(true).add_modifier(Modifier::BOLD));
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), table);
    let about = match coverage.rows.get(selected) {
        _ if !coverage.used => format!(
            "No risk has a category yet: give each one ({}) to see what each component has never considered.",
            coverage.categories.join(", ")
        ),
        Some(row) => {
            let gaps: Vec<&str> = coverage
                .categories
                .iter()
                .zip(&row.counts)
                .filter(|(_, n)| **n == 0)
                .map(|(c, _)| c.as_str())
                .collect();
            if gaps.is_empty() {
                format!("{}: every category considered.", row.component)
            } else {
                format!(
                    "{} has never considered: {}.",
                    row.component,
                    gaps.join(", ")
                )
            }
        }
        None => "No components.".to_owned(),
    };
    let wrapped: Vec<Line> = crate::ui::widgets::wrap(&sanitize(&about), usize::from(below.width))
        .into_iter()
        .map(Line::from)
        .collect();
    frame.render_widget(Paragraph::new(wrapped).style(app.theme.dim()), below);
    let said = app.status.clone().unwrap_or_default();
    frame.render_widget(Paragraph::new(sanitize(&said).into_owned()), status);
}
