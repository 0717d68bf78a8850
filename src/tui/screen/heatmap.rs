//! The heat map: likelihood × impact, the number of risks in each cell, cells shaded by band
//! (with the band's text marker, so it reads without colour). Enter filters the register.

use crate::app::App;
use crate::model::{Band, Level, score};
use crate::sanitize::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Risks per cell, indexed `[likelihood - 1][impact - 1]`.
pub fn counts(app: &App) -> [[usize; 5]; 5] {
    grid_of(app, |_| true)
}

/// Accepted risks per cell: shown apart, since an accepted risk is decided, not forgotten.
pub fn accepted(app: &App) -> [[usize; 5]; 5] {
    grid_of(app, |r| r.status == crate::model::Status::Accepted)
}

/// The risks `keep` keeps, of the components in scope, per cell.
fn grid_of(app: &App, keep: impl Fn(&crate::model::Risk) -> bool) -> [[usize; 5]; 5] {
    let mut grid = [[0usize; 5]; 5];
    let in_scope = |reg: &&crate::model::Register| {
        app.register
            .scope
            .as_ref()
            .is_none_or(|(_, ids)| ids.contains(&reg.component))
    };
    for reg in app.ws.registers().filter(in_scope) {
        for risk in reg.risks.iter().filter(|r| keep(r)) {
            grid[usize::from(risk.likelihood.value() - 1)][usize::from(risk.impact.value() - 1)] +=
                1;
        }
    }
    grid
}

/// Where the grid's parts go inside the heat map's border.
struct Geometry {
    grid_area: Rect,
    below: Rect,
    label_width: u16,
    cell_width: u16,
    cell_height: u16,
}

fn geometry(inner: Rect) -> Geometry {
    let label_width: u16 = 13;
    let cell_width = inner.width.saturating_sub(label_width) / 5;
    let [grid_area, below] =
        Layout::vertical([Constraint::Length(1 + 5 * 3), Constraint::Min(0)]).areas(inner);
    let cell_height = (grid_area.height.saturating_sub(1) / 5).max(1);
    Geometry {
        grid_area,
        below,
        label_width,
        cell_width,
        cell_height,
    }
}

/// The cell (likelihood, impact) at screen position `x`, `y` on a screen of `screen`, for a
/// mouse click.
pub fn cell_at(screen: Rect, x: u16, y: u16) -> Option<(Level, Level)> {
    let [main, _] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(screen);
    let g = geometry(Block::bordered().inner(main));
    let col = x.checked_sub(g.grid_area.x + g.label_width)? / g.cell_width.max(1);
    let row = y.checked_sub(g.grid_area.y + 1)? / g.cell_height;
    if col >= 5 || row >= 5 || y >= g.grid_area.bottom() {
        return None;
    }
    let likelihood = Level::from_value(5 - u8::try_from(row).ok()?)?;
    let impact = Level::from_value(u8::try_from(col).ok()? + 1)?;
    Some((likelihood, impact))
}

pub fn render(app: &App, frame: &mut Frame) {
    if let Some(row) = app.register.coverage {
        super::coverage::render(app, row, frame);
        return;
    }
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    let block = Block::bordered()
        .title(match &app.register.scope {
            Some((why, _)) => format!(" Heat map · {} · likelihood ↑ × impact → ", sanitize(why)),
            None => " Heat map · likelihood ↑ × impact → ".to_owned(),
        })
        .title_bottom(" arrows/hjkl move · Enter filter the register · Esc back ");
    let inner = block.inner(main);
    frame.render_widget(block, main);
    let grid = counts(app);
    let taken = accepted(app);
    let Geometry {
        grid_area,
        below,
        label_width,
        cell_width,
        cell_height,
    } = geometry(inner);
    // Impact labels along the top.
    // The axes: likelihood up the side, impact along the top.
    let mut header = vec![Span::styled(
        format!("{:<width$}", "↑ L    I →", width = usize::from(label_width)),
        app.theme.title(),
    )];
    for impact in Level::ALL {
        header.push(Span::styled(
            centre(&format!("{} {}", short(impact), impact.value()), cell_width),
            app.theme.label(),
        ));
    }
    frame.render_widget(
        Paragraph::new(Line::from(header)),
        Rect {
            height: 1,
            ..grid_area
        },
    );
    for (row, likelihood) in Level::ALL.into_iter().rev().enumerate() {
        let y = grid_area.y + 1 + u16::try_from(row).unwrap_or(0) * cell_height;
        if y + cell_height > grid_area.bottom() + 1 {
            break;
        }
        let label = Rect {
            x: grid_area.x,
            y,
            width: label_width,
            height: 1,
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{:>10} {}", likelihood.name(), likelihood.value()),
                app.theme.label(),
            )),
            label,
        );
        for (col, impact) in Level::ALL.into_iter().enumerate() {
            let count = grid[usize::from(likelihood.value() - 1)][usize::from(impact.value() - 1)];
            let band = Band::of_score(score(likelihood, impact));
            let area = Rect {
                x: grid_area.x + label_width + u16::try_from(col).unwrap_or(0) * cell_width,
                y,
                width: cell_width.saturating_sub(1),
                height: cell_height.saturating_sub(1).max(1),
            };
            let cursor = app.register.heat_cursor == (likelihood, impact);
            let filtered = app.register.filter == Some((likelihood, impact));
            let accepted =
                taken[usize::from(likelihood.value() - 1)][usize::from(impact.value() - 1)];
            let text = cell_text(band, (count, accepted), cursor, filtered);
            let mut style = if app.theme.color {
                app.theme.band(band)
            } else {
                Style::new()
            };
            if count > 0 {
                style = style.add_modifier(Modifier::BOLD);
            }
            if cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let mut lines = vec![Line::from(""); usize::from(area.height.saturating_sub(1) / 2)];
            lines.push(Line::from(centre(&text, area.width)));
            frame.render_widget(Paragraph::new(lines).style(style), area);
        }
    }
    render_selected(app, (&grid, &taken), frame, below);
    let key_hint = app
        .status
        .clone()
        .unwrap_or_else(|| " Enter filters the register to the selected cell".into());
    frame.render_widget(Paragraph::new(sanitize(&key_hint).into_owned()), status);
}

/// The selected cell's risks, under the grid.
fn render_selected(
    app: &App,
    (grid, taken): (&[[usize; 5]; 5], &[[usize; 5]; 5]),
    frame: &mut Frame,
    area: Rect,
) {
    let (l, i) = app.register.heat_cursor;
    let s = score(l, i);
    let count = grid[usize::from(l.value() - 1)][usize::from(i.value() - 1)];
    let accepted = taken[usize::from(l.value() - 1)][usize::from(i.value() - 1)];
    let mut lines = vec![Line::from(format!(
        "likelihood {l} ({}) × impact {i} ({}) = {s} {} · {}{}",
        l.value(),
        i.value(),
        Band::of_score(s),
        crate::finding::plural(count, "risk"),
        if accepted > 0 {
            format!(", {accepted} of them accepted (·Na in a cell)")
        } else {
            String::new()
        }
    ))];
    let names = app
        .ws
        .registers()
        .flat_map(|reg| {
            reg.risks
                .iter()
                .filter(|r| r.likelihood == l && r.impact == i)
                .map(move |r| format!("{}/{}", reg.component, r.id))
        })
        .take(usize::from(area.height.saturating_sub(1)) * 2)
        .collect::<Vec<_>>()
        .join(", ");
    if !names.is_empty() {
        lines.extend(
            crate::ui::widgets::wrap(&sanitize(&names), usize::from(area.width))
                .into_iter()
                .map(Line::from),
        );
    }
    frame.render_widget(Paragraph::new(lines).style(app.theme.dim()), area);
}

/// A cell's text: its band's marker and count, the accepted ones apart (`·2a`), in brackets
/// under the cursor, `*` when it filters the register.
fn cell_text(
    band: Band,
    (count, accepted): (usize, usize),
    cursor: bool,
    filtered: bool,
) -> String {
    let apart = if accepted > 0 {
        format!("·{accepted}a")
    } else {
        String::new()
    };
    let text = match (count, cursor) {
        (0, true) => "[ · ]".to_owned(),
        (0, false) => "·".to_owned(),
        (n, true) => format!("[{} {n}{apart}]", band.marker().trim_end()),
        (n, false) => format!("{} {n}{apart}", band.marker().trim_end()),
    };
    if filtered { format!("{text}*") } else { text }
}

fn short(level: Level) -> &'static str {
    match level {
        Level::VeryLow => "v.low",
        Level::Low => "low",
        Level::Medium => "med",
        Level::High => "high",
        Level::VeryHigh => "v.high",
    }
}

fn centre(text: &str, width: u16) -> String {
    let width = usize::from(width);
    let len = text.chars().count();
    let left = width.saturating_sub(len) / 2;
    format!(
        "{}{text}{}",
        " ".repeat(left),
        " ".repeat(width.saturating_sub(len + left))
    )
}
