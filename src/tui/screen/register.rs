//! The register view: components on the left, the selected component's risks by score on the
//! right, the selected risk (or component) in full below, and a status line.

use crate::action::Action;
use crate::app::{App, Pane};
use crate::finding::count;
use crate::keymap::Context;
use crate::model::Band;
use crate::sanitize::sanitize;
use crate::screen::scroll_offset;
use crate::store::ComponentFile;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Width of the components pane.
const COMPONENTS_WIDTH: u16 = 26;

/// Where each part of the register view goes on a screen of `area`.
pub struct Areas {
    pub components: Rect,
    pub risks: Rect,
    pub detail: Rect,
    pub status: Rect,
}

pub fn layout(app: &App, area: Rect) -> Areas {
    let longest = app
        .ws
        .components
        .iter()
        .map(|c| unicode_width::UnicodeWidthStr::width(c.stem.as_str()))
        .max()
        .unwrap_or(0);
    layout_for(area, longest)
}

/// The panes when the longest component name is `longest` columns: the components pane is 26
/// columns, and grows on a wider screen to show the longest name whole (up to 30 % of the
/// width, and never more than 40 %).
pub fn layout_for(area: Rect, longest: usize) -> Areas {
    let [main, status] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    // Band marker, a space, the name, ` * !`, the borders.
    let wanted = u16::try_from(longest + 11).unwrap_or(u16::MAX);
    let cap = COMPONENTS_WIDTH.max(main.width * 3 / 10);
    let width = wanted.clamp(COMPONENTS_WIDTH, cap).min(main.width * 2 / 5);
    let [components, right] =
        Layout::horizontal([Constraint::Length(width), Constraint::Min(10)]).areas(main);
    let [risks, detail] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Min(4)]).areas(right);
    Areas {
        components,
        risks,
        detail,
        status,
    }
}

pub fn render(app: &App, frame: &mut Frame) {
    let areas = layout(app, frame.area());
    render_components(app, frame, areas.components);
    render_risks(app, frame, areas.risks);
    crate::screen::detail::render(app, frame, areas.detail);
    render_status(app, frame, areas.status);
}

pub fn pane_block(app: &App, pane: Pane, title: Line<'static>) -> Block<'static> {
    let focused = app.register.focus == pane && app.overlay.is_none();
    Block::bordered()
        .title(title)
        .border_style(app.theme.border(focused))
}

/// A pane title that fits `width` columns: the first prefix that fits with `name` and the
/// `(count)`; when none does, the name is cut with `…` and the count is kept.
fn fit_title(prefixes: &[&str], name: &str, count: &str, width: u16) -> String {
    let room = usize::from(width).saturating_sub(4);
    let join = |prefix: &str, name: &str| {
        let space = if prefix.is_empty() || name.is_empty() || prefix.ends_with(' ') {
            ""
        } else {
            " "
        };
        format!("{prefix}{space}{name} ({count})").trim().to_owned()
    };
    for prefix in prefixes {
        let title = join(prefix, name);
        if title.chars().count() <= room {
            return format!(" {title} ");
        }
    }
    let tail = format!(" ({count})");
    let name_room = room.saturating_sub(tail.chars().count());
    format!(" {}{tail} ", crate::list::truncate(name, name_room))
}

/// A four-character band marker, or a stand-in for components without a band.
pub fn band_span(app: &App, band: Option<Band>) -> Span<'static> {
    match band {
        Some(band) => Span::styled(band.marker(), app.theme.band(band)),
        None => Span::raw(" -- "),
    }
}

/// One line of the components pane: a repository's heading (over an organisation), or the
/// component at this position of `visible`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentLine<'a> {
    Repo(&'a str),
    Component(usize),
}

/// The components pane's lines: over an organisation, each repository's heading above its
/// components; otherwise the components alone.
pub fn component_lines<'a>(app: &'a App, visible: &[usize]) -> Vec<ComponentLine<'a>> {
    let mut lines = Vec::with_capacity(visible.len());
    let mut last: Option<&str> = None;
    for (pos, &i) in visible.iter().enumerate() {
        if app.org_view {
            let repo = app.ws.components[i]
                .stem
                .split_once(crate::org::SEPARATOR)
                .map_or("", |(repo, _)| repo);
            if last != Some(repo) {
                lines.push(ComponentLine::Repo(repo));
                last = Some(repo);
            }
        }
        lines.push(ComponentLine::Component(pos));
    }
    lines
}

/// The first line the components pane shows, keeping the selected component in view.
pub fn component_offset(app: &App, lines: &[ComponentLine<'_>], rows: usize) -> usize {
    let selected = lines
        .iter()
        .position(|l| *l == ComponentLine::Component(app.register.component))
        .unwrap_or(0);
    // Its repository's heading stays in view with it when there is room.
    let heading =
        usize::from(selected > 0 && matches!(lines[selected - 1], ComponentLine::Repo(_)));
    scroll_offset(selected - heading, rows, lines.len()).min(selected)
}

fn render_components(app: &App, frame: &mut Frame, area: Rect) {
    let visible = app.visible();
    let count = if app.register.filter.is_some()
        || app.register.text_filter.is_some()
        || app.register.scope.is_some()
    {
        format!("{} of {}", visible.len(), app.ws.components.len())
    } else {
        app.ws.components.len().to_string()
    };
    let title = fit_title(&["Components", "Comps", ""], "", &count, area.width);
    let block = pane_block(app, Pane::Components, Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = usize::from(inner.height);
    let all_lines = component_lines(app, visible);
    let offset = component_offset(app, &all_lines, rows);
    // On a narrow screen the band is one letter, so the names stay readable.
    let compact = inner.width < 20;
    // Each component's readiness, right-aligned, once the runbooks it counts are loaded.
    let categories = (!app.checking && inner.width >= 22).then(|| app.ws.category_names());
    let lines: Vec<Line> = all_lines
        .iter()
        .skip(offset)
        .take(rows)
        .map(|line| {
            let pos = match *line {
                ComponentLine::Component(pos) => pos,
                ComponentLine::Repo(repo) => {
                    return Line::from(Span::styled(
                        crate::list::truncate(
                            &format!("▾ {}", sanitize(repo)),
                            usize::from(inner.width),
                        ),
                        app.theme.dim().add_modifier(Modifier::BOLD),
                    ));
                }
            };
            let file = &app.ws.components[visible[pos]];
            let mut marker = match &file.content {
                Ok(loaded) => band_span(app, loaded.register.highest_band()),
                Err(_) => Span::styled("ERR!", app.theme.error()),
            };
            if compact {
                marker.content = marker.content.chars().take(1).collect::<String>().into();
            }
            let errors = app
                .findings_for(&file.path)
                .filter(|f| f.is_error())
                .count();
            // A name cut to the pane ends in `…`, leaving room for the ` * !` marks.
            let dirty = app.is_dirty(&file.path);
            let ready = categories.as_ref().and_then(|c| {
                let reg = file.register().filter(|r| !r.risks.is_empty())?;
                Some(crate::readiness::of_component_in(&app.ws, reg, app.today, c).readiness)
            });
            let marks = if dirty { 2 } else { 0 }
                + if errors > 0 { 2 } else { 0 }
                + if ready.is_some() { 4 } else { 0 };
            let room = usize::from(inner.width).saturating_sub(
                unicode_width::UnicodeWidthStr::width(marker.content.as_ref()) + 1 + marks,
            );
            let mut spans = vec![
                marker,
                Span::raw(" "),
                Span::raw(crate::list::truncate(
                    &sanitize(shown_name(app, &file.stem)),
                    room,
                )),
            ];
            if dirty {
                spans.push(Span::styled(
                    " *",
                    app.theme.warning().add_modifier(Modifier::BOLD),
                ));
            }
            if errors > 0 && file.content.is_ok() {
                spans.push(Span::styled(" !", app.theme.error()));
            }
            if let Some(ready) = ready {
                let used: usize = spans.iter().map(Span::width).sum();
                let pad = usize::from(inner.width).saturating_sub(used + 3);
                let style = if ready < 50 {
                    app.theme.warning()
                } else {
                    app.theme.dim()
                };
                spans.push(Span::raw(" ".repeat(pad)));
                spans.push(Span::styled(format!("{ready:>3}"), style));
            }
            let line = Line::from(spans);
            if pos == app.register.component {
                line.style(app.theme.selected(app.register.focus == Pane::Components))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A component's name in the pane: without its repository under that repository's heading.
fn shown_name<'a>(app: &App, stem: &'a str) -> &'a str {
    if app.org_view {
        stem.split_once(crate::org::SEPARATOR)
            .map_or(stem, |(_, id)| id)
    } else {
        stem
    }
}

fn render_risks(app: &App, frame: &mut Frame, area: Rect) {
    let file = app.selected_file();
    let title = match file {
        Some(ComponentFile {
            content: Ok(loaded),
            ..
        }) => {
            let total = loaded.register.risks.len();
            let shown = app.risk_order().len();
            let count = if shown == total {
                total.to_string()
            } else {
                format!("{shown} of {total}")
            };
            let count = if app.register.file_order {
                format!("{count}, file order")
            } else {
                count
            };
            let name = sanitize(&loaded.register.title).into_owned();
            fit_title(&["Risks · ", ""], &name, &count, area.width)
        }
        Some(file) => format!(" Risks · {} ", sanitize(&file.stem)),
        None => " Risks ".into(),
    };
    let block = pane_block(app, Pane::Risks, Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(register) = file.and_then(ComponentFile::register) else {
        let text = match (file, app.register.filter) {
            (Some(_), _) => "This file could not be loaded: see below.",
            (None, Some(_)) => "No risk is in this heat-map cell. Esc clears the filter.",
            (None, None) => {
                "No register files in registers/: press A (or :new NAME) to add a component."
            }
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
    if order.is_empty() {
        frame.render_widget(
            Paragraph::new("No risks in this heat-map cell.").style(app.theme.dim()),
            inner,
        );
        return;
    }
    let rows = usize::from(inner.height);
    let offset = scroll_offset(app.register.risk, rows, order.len());
    let lines: Vec<Line> = order
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(pos, &i)| {
            let risk = &register.risks[i];
            // Narrow: score, band and title only, so the title stays readable.
            let narrow = inner.width < 48;
            let middle = if narrow {
                " ".to_owned()
            } else {
                format!(
                    " {}×{} {:<10} ",
                    risk.likelihood.value(),
                    risk.impact.value(),
                    risk.status.name()
                )
            };
            let used = 7 + middle.chars().count();
            let line = Line::from(vec![
                Span::raw(format!("{:>2} ", risk.score())),
                band_span(app, Some(risk.band())),
                Span::raw(middle),
                Span::raw(crate::list::truncate(
                    &sanitize(&risk.title),
                    usize::from(inner.width).saturating_sub(used),
                )),
            ]);
            if pos == app.register.risk {
                line.style(app.theme.selected(app.register.focus == Pane::Risks))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let (errors, warnings) = count(&app.findings);
    let key = |action| {
        app.keymap
            .key_for(Context::Register, action)
            .map_or_else(String::new, |k| k.to_string())
    };
    let mut spans = vec![Span::styled(
        " faultline ",
        Style::new().add_modifier(Modifier::REVERSED),
    )];
    if app.read_only {
        spans.push(Span::styled(" READ-ONLY", app.theme.title()));
    }
    let unsaved = app.unsaved_count();
    if unsaved > 0 {
        spans.push(Span::styled(
            format!(" {unsaved} unsaved ·"),
            app.theme.warning().add_modifier(Modifier::BOLD),
        ));
    }
    if let Some((l, i)) = app.register.filter {
        spans.push(Span::styled(
            format!(" filter L{}×I{}", l.value(), i.value()),
            app.theme.title(),
        ));
    }
    if let Some((why, _)) = &app.register.scope {
        spans.push(Span::styled(
            format!(" {}", sanitize(why)),
            app.theme.title(),
        ));
    }
    if let Some(text) = &app.register.text_filter {
        spans.push(Span::styled(
            format!(" /{}", sanitize(text)),
            app.theme.title(),
        ));
    }
    if app.checking && app.status.is_none() {
        // A large workspace's first frame holds its first registers only.
        let doing = if app.registers_pending {
            " reading every register…"
        } else {
            " checking runbooks and links…"
        };
        spans.push(Span::styled(doing, app.theme.dim()));
    } else if let Some(message) = &app.status {
        spans.push(Span::raw(" "));
        spans.push(Span::raw(sanitize(message).into_owned()));
    } else {
        if errors + warnings > 0 {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                crate::finding::plural_counts(errors, warnings),
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
        // The key hints fill what room is left, by priority: help never goes, no word is cut.
        let used: usize = spans
            .iter()
            .map(|s| unicode_width::UnicodeWidthStr::width(s.content.as_ref()))
            .sum();
        let hints = [
            (format!("{} help", key(Action::Help)), 0),
            (format!("{} find", key(Action::Finder)), 2),
            (format!("{} quit", key(Action::Quit)), 1),
        ];
        let room = usize::from(area.width).saturating_sub(used + 2);
        let shown = crate::ui::widgets::fit_hints(&hints, room, "  ");
        if !shown.is_empty() {
            spans.push(Span::styled(format!("  {shown}"), app.theme.dim()));
        }
    }
    let spans = crate::ui::widgets::fit(spans, usize::from(area.width));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
