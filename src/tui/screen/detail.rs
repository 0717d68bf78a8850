//! The detail pane: the selected risk's or component's fields as a form. The selected row is
//! highlighted when the pane has focus; the field being edited shows the line editor with its
//! cursor and, below it, why a value would be refused.

use crate::app::{App, Pane};
use crate::finding::Finding;
use crate::form::{self, Field, Kind, Row};
use crate::model::{BUDGET_SHARE_LIMIT, Register};
use crate::sanitize::{sanitize, sanitize_lines};
use crate::screen::register::{band_span, pane_block};
use crate::screen::scroll_offset;
use crate::store::ComponentFile;
use crate::ui::widgets::wrap;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

/// Width of the label column.
const LABEL: usize = 11;

/// The pane's text, where each form row starts and ends, and the editor's cursor.
pub struct DetailText {
    pub lines: Vec<Line<'static>>,
    pub rows: Vec<(usize, usize)>,
    /// (column, line) of the cursor within `lines`, while editing.
    pub cursor: Option<(usize, usize)>,
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let title = if app.shows_risk() && app.selected_risk_index().is_some() {
        " Risk "
    } else {
        " Component "
    };
    let title = match (&app.editing, app.register.focus) {
        (Some(_), _) => format!("{title}· editing: Enter keeps, Esc cancels "),
        (None, Pane::Detail) if !app.read_only => format!("{title}· Enter edits "),
        _ => title.to_owned(),
    };
    let block = pane_block(app, Pane::Detail, Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = detail(app, usize::from(inner.width));
    let height = usize::from(inner.height);
    let offset = first_line(app, &text, height);
    if let Some((column, line)) = text.cursor
        && line >= offset
        && line < offset + height
    {
        let x = inner.x + u16::try_from(column).unwrap_or(0);
        let y = inner.y + u16::try_from(line - offset).unwrap_or(0);
        frame.set_cursor_position(Position::new(x.min(inner.right().saturating_sub(1)), y));
    }
    let lines: Vec<Line> = text.lines.into_iter().skip(offset).take(height).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The first line of the pane's text on screen: the selected row stays in view.
pub fn first_line(app: &App, text: &DetailText, height: usize) -> usize {
    match text.rows.get(app.register.row) {
        Some(&(start, end)) if app.register.focus == Pane::Detail => {
            let offset = scroll_offset(start, height, text.lines.len());
            if end > offset + height {
                end.saturating_sub(height)
            } else {
                offset
            }
        }
        _ => 0,
    }
}

/// The form row drawn at line `y` of the detail pane `area` (a mouse click).
pub fn row_at(app: &App, area: Rect, y: u16) -> Option<usize> {
    let inner = ratatui::widgets::Block::bordered().inner(area);
    let line = usize::from(y.checked_sub(inner.y)?);
    let text = detail(app, usize::from(inner.width));
    let offset = first_line(app, &text, usize::from(inner.height));
    let target = offset + line;
    text.rows
        .iter()
        .position(|&(start, end)| target >= start && target < end)
}

/// Builds the detail pane's text for a pane `width` columns wide.
pub fn detail(app: &App, width: usize) -> DetailText {
    let mut out = DetailText {
        lines: Vec::new(),
        rows: Vec::new(),
        cursor: None,
    };
    let Some(file) = app.selected_file() else {
        let text = if app.register.filter.is_some() {
            "Nothing matches the heat-map filter: Esc clears it."
        } else {
            "No register files yet: press A (or :new NAME) to add a component."
        };
        out.lines.push(Line::from(text));
        return out;
    };
    let reg = match &file.content {
        Ok(loaded) => &loaded.register,
        Err(finding) => {
            broken(app, file, finding, width, &mut out.lines);
            return out;
        }
    };
    let risk = app.form_risk();
    header(app, file, reg, risk, width, &mut out.lines);
    let rows = app.form_rows();
    let selected = (app.register.focus == Pane::Detail).then_some(app.register.row);
    let mut previous_field = None;
    for (n, row) in rows.iter().enumerate() {
        let start = out.lines.len();
        let label = if previous_field == Some(row.field) {
            ""
        } else {
            row.field.label()
        };
        previous_field = Some(row.field);
        let editing = app
            .editing
            .as_ref()
            .filter(|e| e.row == *row && selected == Some(n));
        if let Some(editing) = editing {
            edited_row(app, label, editing, width, &mut out);
        } else {
            let value = shown_value(app, reg, risk, *row);
            labelled(
                app,
                &mut out.lines,
                label,
                &value,
                width,
                row.item.is_none() && row.field.kind() == Kind::List,
            );
        }
        if selected == Some(n) && editing.is_none() {
            for line in &mut out.lines[start..] {
                *line = std::mem::take(line).style(app.theme.selected(true));
            }
        }
        out.rows.push((start, out.lines.len()));
        derived_after(app, reg, risk, *row, width, &mut out.lines);
    }
    if risk.is_none() {
        let findings: Vec<&Finding> = app.findings_for(&file.path).collect();
        if !findings.is_empty() {
            out.lines.push(Line::from(""));
            for f in findings {
                let text = format!("{}:{} {} [{}]", f.line, f.column, f.message, f.rule);
                let style = if f.is_error() {
                    app.theme.error()
                } else {
                    app.theme.warning()
                };
                for piece in wrap(&sanitize(&text), width) {
                    out.lines.push(Line::styled(piece, style));
                }
            }
        }
    }
    out
}

fn broken(
    app: &App,
    file: &ComponentFile,
    finding: &Finding,
    width: usize,
    lines: &mut Vec<Line<'static>>,
) {
    lines.push(Line::styled(
        format!(
            "{} could not be loaded",
            sanitize(&file.path.to_string_lossy())
        ),
        app.theme.error(),
    ));
    lines.push(Line::from(""));
    for text in sanitize_lines(&finding.to_string()) {
        lines.extend(wrap(&text, width).into_iter().map(Line::from));
    }
    lines.push(Line::from(""));
    let note = "The rest of the workspace is loaded. This file cannot be edited here until it parses: fix it in an editor.";
    lines.extend(
        wrap(note, width)
            .into_iter()
            .map(|l| Line::styled(l, app.theme.dim())),
    );
}

fn header(
    app: &App,
    file: &ComponentFile,
    reg: &Register,
    risk: Option<usize>,
    width: usize,
    lines: &mut Vec<Line<'static>>,
) {
    match risk {
        Some(i) => {
            let risk = &reg.risks[i];
            lines.push(Line::styled(
                format!("{}/{}", sanitize(&reg.component), sanitize(&risk.id)),
                app.theme.dim(),
            ));
            lines.push(Line::from(vec![
                Span::styled(format!("{:<LABEL$}", "Score"), app.theme.label()),
                Span::raw(format!("{:>2} ", risk.score())),
                band_span(app, Some(risk.band())),
                Span::raw(format!(
                    " = likelihood {} × impact {}",
                    risk.likelihood.value(),
                    risk.impact.value()
                )),
            ]));
            let ready = crate::readiness::of_risk(&app.ws, reg, risk, app.today);
            let mut text = ready.readiness.to_string();
            if !ready.gaps.is_empty() {
                text.push_str(" · ");
                text.push_str(&ready.gaps.join("; "));
            }
            labelled(app, lines, "Ready", &sanitize(&text), width, false);
        }
        None => {
            let path = sanitize(&file.path.to_string_lossy()).into_owned();
            for piece in wrap(&format!("{}  ·  {path}", sanitize(&reg.component)), width) {
                lines.push(Line::styled(piece, app.theme.dim()));
            }
            let mut by_band = [0usize; 4];
            for risk in &reg.risks {
                by_band[risk.band() as usize] += 1;
            }
            labelled(
                app,
                lines,
                "Risks",
                &format!(
                    "{} critical, {} high, {} medium, {} low",
                    by_band[3], by_band[2], by_band[1], by_band[0]
                ),
                width,
                false,
            );
            if !reg.risks.is_empty() {
                let ready = crate::readiness::of_component(&app.ws, reg, app.today);
                labelled(
                    app,
                    lines,
                    "Ready",
                    &format!(
                        "{} · {} of {} not ready",
                        ready.readiness,
                        ready.not_ready(),
                        crate::finding::plural(ready.risks.len(), "risk")
                    ),
                    width,
                    false,
                );
            }
            budget_bar(app, reg, width, lines);
        }
    }
}

/// The component's expected bad minutes against its error budget, as a bar (red, and said in
/// words, past 100 %).
fn budget_bar(app: &App, reg: &Register, width: usize, lines: &mut Vec<Line<'static>>) {
    let (Some(total), Some(share)) = reg.budget_use() else {
        return;
    };
    let Some(budget) = reg.error_budget_minutes() else {
        return;
    };
    let cells = width.saturating_sub(LABEL + 16).clamp(4, 20);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )] // a share of a few cells
    let filled = ((share.min(1.0) * cells as f64).round() as usize).min(cells);
    let over = share > 1.0;
    let style = if over {
        app.theme.error()
    } else {
        app.theme.label()
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{:<LABEL$}", "Budget"), app.theme.label()),
        Span::styled("█".repeat(filled), style),
        Span::styled("░".repeat(cells - filled), app.theme.dim()),
        Span::styled(
            format!(
                " {:.0}% of {budget:.0} min{}",
                share * 100.0,
                if over { " OVER" } else { "" }
            ),
            style,
        ),
    ]));
    let _ = total;
}

/// The value of a row as shown (not edited): runbook links marked as resolving or not, empty
/// list "add" rows as a hint.
fn shown_value(app: &App, reg: &Register, risk: Option<usize>, row: Row) -> String {
    let value = form::value(reg, risk, row);
    if matches!(row.field.kind(), Kind::List | Kind::FollowUp) && row.item.is_none() {
        let noun = match row.field {
            Field::FollowUps => "follow-up (text; owner: …; due: …)",
            Field::Tickets => "ticket",
            Field::Alerts => "alert",
            Field::Questions => "question",
            _ => "dependency",
        };
        return format!("+ add {noun}");
    }
    if row.field == Field::Runbook
        && let Some(i) = risk
        && !value.is_empty()
        && !app.checking
    {
        // Resolved as drawn (one risk's link): always as the workspace is now.
        return match crate::check::resolve_link(&app.ws, "", &reg.risks[i].runbook) {
            Err((_, problem)) => format!("{value}\n✗ {problem}"),
            Ok(()) => format!("{value} ✓"),
        };
    }
    if row.field == Field::Alerts
        && let Some(inventory) = app.ws.monitoring.as_deref()
        && !value.is_empty()
    {
        return format!("{value}\n{}", alert_state(inventory, &value));
    }
    if let Some(r) = risk.map(|i| &reg.risks[i]) {
        return rehearsal_value(app, r, row.field, value);
    }
    value
}

/// Rehearsal fields beside the measurements: the date with its age and each rehearsal's
/// measurements under it; the estimated minutes with the latest measured ones beside them.
fn rehearsal_value(app: &App, risk: &crate::model::Risk, field: Field, value: String) -> String {
    /// Rehearsals listed under the date; older ones are counted.
    const SHOWN: usize = 3;
    match field {
        Field::LastRehearsed => {
            let mut out = match risk.last_rehearsed {
                Some(date) => format!("{value} ({} days ago)", (app.today - date.0).get_days()),
                None => "never".to_owned(),
            };
            let n = risk.rehearsals.len();
            if n > SHOWN {
                out.push_str(&format!("\n{} earlier", n - SHOWN));
            }
            for r in &risk.rehearsals[n.saturating_sub(SHOWN)..] {
                out.push_str("\nmeasured ");
                out.push_str(&r.summary());
            }
            out
        }
        Field::Ettd | Field::Ettr => {
            let Some(latest) = risk.latest_rehearsal() else {
                return value;
            };
            let (what, measured) = if field == Field::Ettd {
                ("detect", latest.detect_minutes)
            } else {
                ("repair", latest.repair_minutes)
            };
            let Some(measured) = measured else {
                return value;
            };
            let estimate = if value.is_empty() { "—" } else { &value };
            let over = risk
                .measured_over_estimate()
                .iter()
                .any(|(w, _, _)| *w == what);
            format!(
                "{estimate} · measured {measured} on {}{}",
                latest.date,
                if over {
                    " (over twice the estimate)"
                } else {
                    ""
                }
            )
        }
        _ => value,
    }
}

/// Where an alert a risk names is defined: found at `path:line`, matched only by a pattern, or
/// missing (with the closest name).
fn alert_state(inventory: &crate::monitoring::Inventory, name: &str) -> String {
    use crate::monitoring::Resolution;
    match inventory.resolve(name) {
        Resolution::Found(defs) => {
            let places: Vec<String> = defs
                .iter()
                .map(|d| format!("{} {}", d.source.name(), d.location()))
                .collect();
            format!("✓ {}", places.join(", "))
        }
        Resolution::Pattern(defs) => format!(
            "~ only the pattern {} ({})",
            defs[0].name,
            defs[0].location()
        ),
        Resolution::Missing(closest) => match closest {
            Some(d) => format!("✗ missing; did you mean {} ({})?", d.name, d.location()),
            None => "✗ missing from the monitoring config".into(),
        },
    }
}

/// Lines derived from the fields, after the row they follow: bad minutes after the estimate,
/// the error budget after the objectives.
fn derived_after(
    app: &App,
    reg: &Register,
    risk: Option<usize>,
    row: Row,
    width: usize,
    lines: &mut Vec<Line<'static>>,
) {
    let text = match (row.field, risk) {
        (Field::UsersPercent, Some(i)) => {
            let risk = &reg.risks[i];
            match risk.estimate.bad_minutes_per_year() {
                Some(bad) => match (reg.budget_share(risk), reg.error_budget_minutes()) {
                    (Some(share), Some(budget)) => format!(
                        "= {bad:.1} bad minutes a year, {:.1}% of the {budget:.0}-minute error budget{}",
                        share * 100.0,
                        if share > BUDGET_SHARE_LIMIT {
                            " (over 25%)"
                        } else {
                            ""
                        }
                    ),
                    _ => format!("= {bad:.1} bad minutes a year (no availability objective)"),
                },
                None => "bad minutes need all four estimate fields".into(),
            }
        }
        (Field::Rpo, None) => match reg.error_budget_minutes() {
            Some(budget) => format!("error budget {budget:.0} minutes a year"),
            None => return,
        },
        _ => return,
    };
    for piece in wrap(&text, width.saturating_sub(LABEL)) {
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(LABEL)),
            Span::styled(piece, app.theme.dim()),
        ]));
    }
}

/// A labelled value: label in a fixed column, the value wrapped with a hanging indent.
fn labelled(
    app: &App,
    lines: &mut Vec<Line<'static>>,
    label: &str,
    value: &str,
    width: usize,
    hint: bool,
) {
    let head = |first: bool| {
        if first {
            format!("{label:<LABEL$}")
        } else {
            " ".repeat(LABEL)
        }
    };
    if value.trim().is_empty() {
        lines.push(Line::from(vec![
            Span::styled(head(true), app.theme.label()),
            Span::styled("—", app.theme.dim()),
        ]));
        return;
    }
    let mut first = true;
    for text in sanitize_lines(value) {
        for piece in wrap(&text, width.saturating_sub(LABEL)) {
            let style = if hint {
                app.theme.dim()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::from(vec![
                Span::styled(head(first), app.theme.label()),
                Span::styled(piece, style),
            ]));
            first = false;
        }
    }
}

/// The row being edited: its text hard-wrapped (so the cursor maps simply), the reason a value
/// would be refused, and a hint.
fn edited_row(
    app: &App,
    label: &str,
    editing: &crate::app::Editing,
    width: usize,
    out: &mut DetailText,
) {
    let room = width.saturating_sub(LABEL).max(1);
    let input = &editing.input;
    let cursor_line = input.cursor_line();
    let cursor_column = input.cursor_column();
    let start = out.lines.len();
    for (n, text) in sanitize_lines(input.text()).enumerate() {
        let chunks = hard_wrap(&text, room);
        for (k, chunk) in chunks.iter().enumerate() {
            let head = if out.lines.len() == start {
                format!("{label:<LABEL$}")
            } else {
                " ".repeat(LABEL)
            };
            out.lines.push(Line::from(vec![
                Span::styled(head, app.theme.label().add_modifier(Modifier::REVERSED)),
                Span::styled(
                    chunk.clone(),
                    ratatui::style::Style::new().add_modifier(Modifier::UNDERLINED),
                ),
            ]));
            if n == cursor_line
                && (cursor_column / room == k
                    || (k + 1 == chunks.len() && cursor_column / room > k))
            {
                let column = if cursor_column / room == k {
                    cursor_column % room
                } else {
                    room - 1
                };
                out.cursor = Some((LABEL + column, out.lines.len() - 1));
            }
        }
    }
    if let Some(error) = &editing.error {
        for piece in wrap(&format!("✗ {}", sanitize(error)), room) {
            out.lines.push(Line::from(vec![
                Span::raw(" ".repeat(LABEL)),
                Span::styled(piece, app.theme.error()),
            ]));
        }
    }
    let hint = form::editor_hint(editing.row.field, input.multiline, || {
        app.ws.category_names().0
    });
    for piece in wrap(&hint, room) {
        out.lines.push(Line::from(vec![
            Span::raw(" ".repeat(LABEL)),
            Span::styled(piece, app.theme.dim()),
        ]));
    }
}

/// Splits text into pieces of at most `width` cells, ignoring words (for the line editor).
fn hard_wrap(text: &str, width: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            pieces.push(String::new());
            used = 0;
        }
        if let Some(last) = pieces.last_mut() {
            last.push(c);
        }
        used += w;
    }
    pieces
}
