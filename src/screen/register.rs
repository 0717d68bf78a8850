//! The register view: components on the left, the selected component's risks by score on the
//! right, the selected risk (or component) in full below, and a status line.

use crate::action::Action;
use crate::app::{App, Pane};
use crate::finding::count;
use crate::model::{Band, Register, Risk};
use crate::sanitize::sanitize;
use crate::screen::scroll_offset;
use crate::store::ComponentFile;
use crate::ui::widgets::wrap;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use std::fmt::Write as _;

/// Width of the components pane.
const COMPONENTS_WIDTH: u16 = 26;

/// Where each part of the register view goes on a screen of `area`.
pub struct Areas {
    pub components: Rect,
    pub risks: Rect,
    pub detail: Rect,
    pub status: Rect,
}

pub fn layout(area: Rect) -> Areas {
    let [main, status] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let [components, right] = Layout::horizontal([
        Constraint::Length(COMPONENTS_WIDTH.min(main.width / 3)),
        Constraint::Min(10),
    ])
    .areas(main);
    let [risks, detail] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Min(4)]).areas(right);
    Areas {
        components,
        risks,
        detail,
        status,
    }
}

/// Width and height of the text inside the detail pane on a screen of `area`.
pub fn detail_size(area: Rect) -> (usize, usize) {
    let detail = layout(area).detail;
    (
        usize::from(detail.width.saturating_sub(2)),
        usize::from(detail.height.saturating_sub(2)),
    )
}

/// How far the detail pane can scroll: until its last line is at the bottom.
pub fn detail_max_scroll(app: &App) -> usize {
    let (width, height) = detail_size(app.area);
    detail_lines(app, width).len().saturating_sub(height)
}

pub fn render(app: &App, frame: &mut Frame) {
    let areas = layout(frame.area());
    render_components(app, frame, areas.components);
    render_risks(app, frame, areas.risks);
    render_detail(app, frame, areas.detail);
    render_status(app, frame, areas.status);
}

fn pane_block(app: &App, pane: Pane, title: Line<'static>) -> Block<'static> {
    let focused = app.focus == pane && app.overlay.is_none();
    Block::bordered()
        .title(title)
        .border_style(app.theme.border(focused))
}

/// A four-character band marker, or a stand-in for components without a band.
fn band_span(app: &App, band: Option<Band>) -> Span<'static> {
    match band {
        Some(band) => Span::styled(band.marker(), app.theme.band(band)),
        None => Span::raw(" -- "),
    }
}

fn render_components(app: &App, frame: &mut Frame, area: Rect) {
    let block = pane_block(
        app,
        Pane::Components,
        Line::from(format!(" Components ({}) ", app.ws.components.len())),
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = usize::from(inner.height);
    let offset = scroll_offset(app.component, rows, app.ws.components.len());
    let lines: Vec<Line> = app
        .ws
        .components
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, file)| {
            let marker = match &file.content {
                Ok(loaded) => band_span(app, loaded.register.highest_band()),
                Err(_) => Span::styled("ERR!", app.theme.error()),
            };
            let errors = app
                .findings_for(&file.path)
                .filter(|f| f.is_error())
                .count();
            let mut spans = vec![
                marker,
                Span::raw(" "),
                Span::raw(sanitize(&file.stem).into_owned()),
            ];
            if errors > 0 && file.content.is_ok() {
                spans.push(Span::styled(" !", app.theme.error()));
            }
            let line = Line::from(spans);
            if i == app.component {
                line.style(app.theme.selected(app.focus == Pane::Components))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_risks(app: &App, frame: &mut Frame, area: Rect) {
    let file = app.selected_file();
    let title = match file {
        Some(ComponentFile {
            content: Ok(loaded),
            ..
        }) => {
            format!(
                " Risks · {} ({}) ",
                sanitize(&loaded.register.title),
                loaded.register.risks.len()
            )
        }
        Some(file) => format!(" Risks · {} ", sanitize(&file.stem)),
        None => " Risks ".into(),
    };
    let block = pane_block(app, Pane::Risks, Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(register) = file.and_then(ComponentFile::register) else {
        let text = if file.is_some() {
            "This file could not be loaded: see below."
        } else {
            "No register files in registers/."
        };
        frame.render_widget(Paragraph::new(text).style(app.theme.dim()), inner);
        return;
    };
    if register.risks.is_empty() {
        frame.render_widget(
            Paragraph::new("No risks recorded yet.").style(app.theme.dim()),
            inner,
        );
        return;
    }
    let order = app.risk_order();
    let rows = usize::from(inner.height);
    let offset = scroll_offset(app.risk, rows, order.len());
    let lines: Vec<Line> = order
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(pos, &i)| {
            let risk = &register.risks[i];
            let line = Line::from(vec![
                Span::raw(format!("{:>2} ", risk.score())),
                band_span(app, Some(risk.band())),
                Span::raw(format!(
                    " {}×{} {:<10} ",
                    risk.likelihood.value(),
                    risk.impact.value(),
                    risk.status.name()
                )),
                Span::raw(crate::list::truncate(
                    &sanitize(&risk.title),
                    usize::from(inner.width).saturating_sub(23),
                )),
            ]);
            if pos == app.risk {
                line.style(app.theme.selected(app.focus == Pane::Risks))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_detail(app: &App, frame: &mut Frame, area: Rect) {
    let title = match (app.focus, app.selected_risk_index()) {
        (Pane::Components, _) | (_, None) => " Component ",
        _ => " Risk ",
    };
    let block = pane_block(app, Pane::Detail, Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = detail_lines(app, usize::from(inner.width));
    let max_scroll = lines.len().saturating_sub(usize::from(inner.height));
    let scroll = u16::try_from(app.detail_scroll.min(max_scroll)).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// The detail pane's text: the selected risk, or the component when the component list has focus.
pub fn detail_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let Some(file) = app.selected_file() else {
        return vec![Line::from("Add a register file under registers/ to begin.")];
    };
    match (&file.content, app.selected_risk_index()) {
        (Err(finding), _) => {
            let mut lines = vec![
                Line::styled(
                    format!(
                        "{} could not be loaded",
                        sanitize(&file.path.to_string_lossy())
                    ),
                    app.theme.error(),
                ),
                Line::from(""),
            ];
            for text in crate::sanitize::sanitize_lines(&finding.to_string()) {
                lines.extend(wrap(&text, width).into_iter().map(Line::from));
            }
            lines.push(Line::from(""));
            let note = "The rest of the workspace is loaded; fix this file and restart.";
            lines.extend(
                wrap(note, width)
                    .into_iter()
                    .map(|l| Line::styled(l, app.theme.dim())),
            );
            lines
        }
        (Ok(loaded), Some(index)) if app.focus != Pane::Components => {
            risk_lines(app, &loaded.register, &loaded.register.risks[index], width)
        }
        (Ok(loaded), _) => component_lines(app, file, &loaded.register, width),
    }
}

/// Width of the label column in the detail pane.
const LABEL: usize = 11;

/// A labelled field: the label in a fixed column, the value wrapped beside it with a hanging
/// indent, so the labels stay readable at 80 columns.
fn field(app: &App, lines: &mut Vec<Line<'static>>, label: &str, value: &str, width: usize) {
    if value.trim().is_empty() {
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<LABEL$}"), app.theme.label()),
            Span::styled("—", app.theme.dim()),
        ]));
        return;
    }
    let mut first = true;
    for text in crate::sanitize::sanitize_lines(value) {
        for piece in wrap(&text, width.saturating_sub(LABEL)) {
            let head = if first {
                format!("{label:<LABEL$}")
            } else {
                " ".repeat(LABEL)
            };
            first = false;
            lines.push(Line::from(vec![
                Span::styled(head, app.theme.label()),
                Span::raw(piece),
            ]));
        }
    }
}

fn risk_lines(app: &App, reg: &Register, risk: &Risk, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("{}/{}", sanitize(&reg.component), sanitize(&risk.id)),
        app.theme.dim(),
    )];
    for piece in wrap(&sanitize(&risk.title), width) {
        lines.push(Line::styled(piece, app.theme.title()));
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{:<LABEL$}", "Score"), app.theme.label()),
        Span::raw(format!("{:>2} ", risk.score())),
        band_span(app, Some(risk.band())),
        Span::raw(format!(
            " {}×{}",
            risk.likelihood.value(),
            risk.impact.value()
        )),
    ]));
    field(
        app,
        &mut lines,
        "Levels",
        &format!("likelihood {}, impact {}", risk.likelihood, risk.impact),
        width,
    );
    field(app, &mut lines, "Status", risk.status.name(), width);
    if !risk.description.is_empty() {
        field(app, &mut lines, "About", &risk.description, width);
    }
    field(app, &mut lines, "Detection", &risk.detection, width);
    field(app, &mut lines, "Mitigation", &risk.mitigation, width);
    let runbook = match app.broken_links.get(&(app.component, risk.id.clone())) {
        Some(problem) => format!("{}\n✗ {problem}", risk.runbook),
        None if risk.runbook.is_empty() => String::new(),
        None => format!("{} ✓", risk.runbook),
    };
    field(app, &mut lines, "Runbook", &runbook, width);
    field(
        app,
        &mut lines,
        "Questions",
        &bullets(&risk.questions),
        width,
    );
    field(app, &mut lines, "Tickets", &risk.tickets.join(", "), width);
    let rehearsed = match risk.last_rehearsed {
        Some(date) => {
            let days = (app.today - date.0).get_days();
            format!("{date} ({days} days ago)")
        }
        None => "never".into(),
    };
    field(app, &mut lines, "Rehearsed", &rehearsed, width);
    field(
        app,
        &mut lines,
        "Estimate",
        &estimate_text(reg, risk),
        width,
    );
    lines
}

fn bullets(items: &[String]) -> String {
    items
        .iter()
        .map(|q| format!("• {q}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn estimate_text(reg: &Register, risk: &Risk) -> String {
    let e = &risk.estimate;
    if e.is_empty() {
        return String::new();
    }
    let part = |v: Option<crate::model::Num>, unit: &str| {
        v.map_or_else(|| "?".into(), |n| format!("{n}{unit}"))
    };
    let mut text = format!(
        "detect {}, repair {}, {} a year, {} of users",
        part(e.ettd_minutes, " min"),
        part(e.ettr_minutes, " min"),
        part(e.per_year, "×"),
        part(e.users_affected_percent, "%")
    );
    if let Some(bad) = e.bad_minutes_per_year() {
        let _ = write!(text, "\n= {bad:.1} bad minutes a year");
        match (reg.budget_share(risk), reg.error_budget_minutes()) {
            (Some(share), Some(budget)) => drop(write!(
                text,
                ", {:.1}% of the {budget:.0}-minute error budget{}",
                share * 100.0,
                if share > crate::model::BUDGET_SHARE_LIMIT {
                    " (over 25%)"
                } else {
                    ""
                }
            )),
            _ => text.push_str(" (no availability objective to compare with)"),
        }
    }
    text
}

fn component_lines(
    app: &App,
    file: &ComponentFile,
    reg: &Register,
    width: usize,
) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(
            format!(
                "{}  ·  {}",
                sanitize(&reg.component),
                sanitize(&file.path.to_string_lossy())
            ),
            app.theme.dim(),
        ),
        Line::styled(sanitize(&reg.title).into_owned(), app.theme.title()),
    ];
    field(app, &mut lines, "Owner", &reg.owner, width);
    field(app, &mut lines, "About", &reg.description, width);
    field(
        app,
        &mut lines,
        "Depends on",
        &reg.depends_on.join(", "),
        width,
    );
    let o = &reg.objectives;
    let mut objectives = Vec::new();
    if let Some(a) = o.availability {
        objectives.push(format!("availability {a}%"));
    }
    if let Some(rto) = o.rto_minutes {
        objectives.push(format!("RTO {rto} min"));
    }
    if let Some(rpo) = o.rpo_minutes {
        objectives.push(format!("RPO {rpo} min"));
    }
    let mut objectives = objectives.join(", ");
    if let Some(budget) = reg.error_budget_minutes() {
        let _ = write!(objectives, "\nerror budget {budget:.0} min a year");
    }
    field(app, &mut lines, "Objectives", &objectives, width);
    let mut by_band = [0usize; 4];
    for risk in &reg.risks {
        by_band[risk.band() as usize] += 1;
    }
    field(
        app,
        &mut lines,
        "Risks",
        &format!(
            "{} critical, {} high, {} medium, {} low",
            by_band[3], by_band[2], by_band[1], by_band[0]
        ),
        width,
    );
    let issues: Vec<String> = app
        .findings_for(&file.path)
        .map(|f| format!("{}:{} {}", f.line, f.column, f.message))
        .collect();
    if !issues.is_empty() {
        field(app, &mut lines, "Findings", &bullets(&issues), width);
    }
    lines
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let (errors, warnings) = count(&app.findings);
    let key = |action| {
        app.keymap
            .key_for(app.context(), action)
            .map_or_else(String::new, |k| k.to_string())
    };
    let mut spans = vec![Span::styled(
        " faultline ",
        Style::new().add_modifier(Modifier::REVERSED),
    )];
    if errors + warnings > 0 {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            crate::commands::plural_counts(errors, warnings),
            if errors > 0 {
                app.theme.error()
            } else {
                app.theme.warning()
            },
        ));
        spans.push(Span::raw(format!(" ({} list)", key(Action::Findings))));
    } else {
        spans.push(Span::raw(" no findings"));
    }
    spans.push(Span::styled(
        format!("  {} help  {} quit", key(Action::Help), key(Action::Quit)),
        app.theme.dim(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
