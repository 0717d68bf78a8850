//! The runbook viewer: only the visible lines of the document are drawn, so a step costs the
//! same at the top and at the bottom of a 10 MB file. Search matches and the focused link are
//! highlighted; the table of contents sits beside the document on wide terminals.

use crate::app::App;
use crate::app::runbook::{SIDE_TOC_FROM, SIDE_TOC_WIDTH};
use crate::markdown::Segment;
use crate::sanitize::sanitize;
use crate::screen::{popup_area, scroll_offset};
use crate::viewer::{Viewer, ViewerPopup};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(app: &App, frame: &mut Frame) {
    let Some(viewer) = &app.viewer else { return };
    let area = frame.area();
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let (doc_area, toc_area) = if area.width >= SIDE_TOC_FROM {
        let [toc, doc] =
            Layout::horizontal([Constraint::Length(SIDE_TOC_WIDTH), Constraint::Min(10)])
                .areas(body);
        (doc, Some(toc))
    } else {
        (body, None)
    };
    render_title(viewer, frame, title);
    // On a wide screen the table of contents is the side pane: `t` moves into it rather than
    // opening a second one over it.
    let side_choice = match viewer.popup {
        Some(ViewerPopup::Toc { selected }) if toc_area.is_some() => Some(selected),
        _ => None,
    };
    if let Some(toc) = toc_area {
        render_toc(
            app,
            viewer,
            side_choice.unwrap_or_else(|| viewer.current_section().unwrap_or(0)),
            side_choice.is_some(),
            frame,
            toc,
        );
    }
    render_document(app, viewer, frame, doc_area);
    render_status(app, viewer, frame, status);
    match viewer.popup {
        Some(ViewerPopup::Toc { .. }) if side_choice.is_some() => {}
        Some(ViewerPopup::Toc { selected }) => {
            let popup = popup_area(area, 60, area.height.saturating_sub(2));
            frame.render_widget(Clear, popup);
            let block = Block::bordered()
                .title(" Outline ")
                .title_bottom(" ↑↓ choose · Enter go · h/l fold · -/+ all · / filter · Esc close ");
            let inner = block.inner(popup);
            frame.render_widget(block, popup);
            render_toc(app, viewer, selected, true, frame, inner);
        }
        Some(ViewerPopup::Backlinks { selected }) => render_backlinks(app, viewer, selected, frame),
        Some(ViewerPopup::CopyHints) => render_copy_hints(viewer, frame, doc_area),
        None => {}
    }
}

/// A letter over the start of each code block and span on screen, as browsers' link hints.
fn render_copy_hints(viewer: &Viewer, frame: &mut Frame, area: Rect) {
    let style = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    for (target, letter) in viewer
        .copy_targets()
        .iter()
        .zip(crate::viewer::HINTS.chars())
    {
        let row = target.line - viewer.scroll;
        // The document is drawn one column in from the pane's edge: the label goes in the column
        // just before the snippet (a space, or the gutter), so the snippet stays readable.
        let x = area.x + u16::try_from(target.column).unwrap_or(0);
        let y = area.y + u16::try_from(row).unwrap_or(0);
        if x < area.right() && y < area.bottom() {
            frame.render_widget(
                Paragraph::new(letter.to_string()).style(style),
                Rect::new(x, y, 1, 1),
            );
        }
    }
    render_copy_choices(viewer, frame, area);
}

/// Below the labels, what each one copies in full (wrapped; a very long one as its start and
/// end with its length), so nothing past the screen's right edge is copied unseen.
fn render_copy_choices(viewer: &Viewer, frame: &mut Frame, area: Rect) {
    const MAX_LINES_EACH: usize = 3;
    let targets = viewer.copy_targets();
    let width = usize::from(area.width.saturating_sub(6)).max(10);
    let mut lines: Vec<Line> = Vec::new();
    for (target, letter) in targets.iter().zip(crate::viewer::HINTS.chars()) {
        let flat = crate::sanitize::sanitize_lines(target.text.trim_end_matches('\n'))
            .collect::<Vec<_>>()
            .join(" ⏎ ");
        let mut wrapped = crate::ui::widgets::wrap(&flat, width);
        if wrapped.len() > MAX_LINES_EACH {
            let summary = crate::viewer::copied_summary(&target.text);
            wrapped = crate::ui::widgets::wrap(&summary, width);
            wrapped.truncate(MAX_LINES_EACH);
        }
        for (i, piece) in wrapped.into_iter().enumerate() {
            let label = if i == 0 {
                Span::styled(
                    format!("{letter} "),
                    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
                )
            } else {
                Span::raw("  ")
            };
            lines.push(Line::from(vec![label, Span::raw(piece)]));
        }
    }
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height / 2);
    if height < 3 {
        return;
    }
    let rect = Rect::new(area.x, area.bottom() - height, area.width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" copy which? (letter; Esc cancels) "),
        ),
        rect,
    );
}

fn render_title(viewer: &Viewer, frame: &mut Frame, area: Rect) {
    let section = viewer
        .current_section()
        .and_then(|s| viewer.doc.headings.get(s))
        .map(|h| format!(" · § {}", sanitize(&h.text)))
        .unwrap_or_default();
    let percent = viewer.percent();
    // The runbook's backlinks, whatever section is on screen; the count first, as the end of
    // a long title is cut.
    let linked = match viewer.backlink_count {
        0 => "no risk links".to_owned(),
        1 => "1 risk links".to_owned(),
        n => format!("{n} risks link"),
    };
    let text = format!(
        " {}{section} · {percent}% · {linked} to the runbook ",
        sanitize(&viewer.path)
    );
    frame.render_widget(
        Paragraph::new(crate::list::truncate(&text, usize::from(area.width)))
            .style(Style::new().add_modifier(Modifier::REVERSED)),
        area,
    );
}

fn render_document(app: &App, viewer: &Viewer, frame: &mut Frame, area: Rect) {
    let height = usize::from(area.height);
    let mut marks: Vec<(Segment, Style)> = Vec::new();
    let match_style = if app.theme.color {
        Style::new().bg(Color::Yellow).fg(Color::Black)
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    };
    if let Some(search) = &viewer.search {
        let current = viewer.current_match();
        for m in search
            .matches
            .iter()
            .filter(|m| m.line >= viewer.scroll && m.line < viewer.scroll + height)
        {
            let style = if Some(*m) == current {
                match_style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            } else {
                match_style
            };
            marks.push((*m, style));
        }
    }
    if let Some(link) = viewer.link.and_then(|l| viewer.doc.links.get(l)) {
        for s in &link.segments {
            marks.push((
                *s,
                Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            ));
        }
    }
    let lines: Vec<Line> = (viewer.scroll..(viewer.scroll + height).min(viewer.doc.lines.len()))
        .map(|n| {
            let line = &viewer.doc.lines[n];
            let here: Vec<&(Segment, Style)> = marks.iter().filter(|(s, _)| s.line == n).collect();
            if here.is_empty() {
                line.clone()
            } else {
                highlight(line, &here)
            }
        })
        .collect();
    let doc_area = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(1),
        ..area
    };
    frame.render_widget(Paragraph::new(lines), doc_area);
    // The heading a jump landed on, marked in the gutter (it reads without colour).
    if let Some(landed) = viewer.landed
        && landed >= viewer.scroll
        && landed < viewer.scroll + height
        && area.width > 0
    {
        let y = area.y + u16::try_from(landed - viewer.scroll).unwrap_or(0);
        frame.render_widget(
            Paragraph::new("▶").style(Style::new().add_modifier(Modifier::BOLD)),
            Rect::new(area.x, y, 1, 1),
        );
    }
}

/// Restyles character ranges of a line (matches, the focused link).
fn highlight(line: &Line<'static>, marks: &[&(Segment, Style)]) -> Line<'static> {
    let mut spans = Vec::new();
    let mut column = 0;
    for span in &line.spans {
        let chars: Vec<char> = span.content.chars().collect();
        let mut run = String::new();
        let mut run_style = span.style;
        for c in chars {
            let style = marks
                .iter()
                .find(|(s, _)| column >= s.start && column < s.end)
                .map_or(span.style, |(_, st)| span.style.patch(*st));
            if style != run_style && !run.is_empty() {
                spans.push(Span::styled(std::mem::take(&mut run), run_style));
            }
            run_style = style;
            run.push(c);
            column += 1;
        }
        if !run.is_empty() {
            spans.push(Span::styled(run, run_style));
        }
    }
    Line::from(spans)
}

fn render_toc(
    app: &App,
    viewer: &Viewer,
    selected: usize,
    popup: bool,
    frame: &mut Frame,
    area: Rect,
) {
    let outline = &viewer.outline;
    let filter = match (&outline.typing, outline.filter.is_empty()) {
        (Some(input), _) => format!(" · /{}▏", sanitize(input.text())),
        (None, false) => format!(" · /{}", sanitize(&outline.filter)),
        (None, true) => String::new(),
    };
    let list = if popup {
        area
    } else {
        let block = Block::new()
            .borders(Borders::RIGHT)
            .title(format!(" Outline (t){filter} "));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        inner
    };
    let headings = &viewer.doc.headings;
    let visible = outline.visible(headings);
    let rows = usize::from(list.height);
    let current = viewer
        .current_section()
        .and_then(|c| outline.nearest(headings, c));
    let at = visible.iter().position(|v| *v == selected).unwrap_or(0);
    let offset = scroll_offset(at, rows, visible.len());
    let mut lines: Vec<Line> = visible
        .iter()
        .skip(offset)
        .take(rows)
        .map(|&i| {
            let h = &headings[i];
            let indent = "  ".repeat(usize::from(h.level.saturating_sub(1)).min(4));
            let marker = if Some(i) == current { "▶" } else { " " };
            let fold = match (
                crate::viewer::outline::has_children(headings, i),
                outline.folded.contains(&i),
            ) {
                (true, true) => "▸ ",
                (true, false) => "▾ ",
                (false, _) => "  ",
            };
            let text = crate::list::truncate(
                &format!("{marker}{indent}{fold}{}", sanitize(&h.text)),
                usize::from(list.width),
            );
            let line = Line::from(text);
            if popup && i == selected {
                line.style(app.theme.selected(true))
            } else if Some(i) == current {
                line.style(app.theme.title())
            } else {
                line
            }
        })
        .collect();
    if visible.is_empty() && !outline.filter.is_empty() {
        lines.push(Line::from(format!(
            "no heading holds “{}”",
            sanitize(&outline.filter)
        )));
    }
    if popup && !filter.is_empty() && list.height > 0 {
        // The filter, after the headings.
        lines.truncate(rows.saturating_sub(1));
        lines.push(Line::styled(
            filter.trim_start_matches(" · ").to_owned(),
            app.theme.label(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), list);
}

fn render_backlinks(app: &App, viewer: &Viewer, selected: usize, frame: &mut Frame) {
    let links = app.backlinks(&viewer.path);
    let height = u16::try_from(links.len() + 3).unwrap_or(u16::MAX).max(5);
    let area = popup_area(frame.area(), 72, height);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(format!(" Risks linking to {} ", sanitize(&viewer.path)))
        .title_bottom(" ↑↓ choose · Enter go to the risk · Esc close ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if links.is_empty() {
        frame.render_widget(Paragraph::new("No risk links to this runbook yet."), inner);
        return;
    }
    let lines: Vec<Line> = links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let anchor = l
                .anchor
                .as_ref()
                .map(|a| format!(" #{a}"))
                .unwrap_or_default();
            let text = format!(
                "{:>2} {}/{}{anchor}  {}",
                l.score, l.component, l.id, l.title
            );
            let line = Line::from(crate::list::truncate(
                &sanitize(&text),
                usize::from(inner.width),
            ));
            app.theme.mark_selected(line, i == selected)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_status(app: &App, viewer: &Viewer, frame: &mut Frame, area: Rect) {
    if let Some(input) = &viewer.search_input {
        let text = format!("/{}", sanitize(input.text()));
        frame.render_widget(Paragraph::new(text), area);
        let x = area.x + 1 + u16::try_from(input.cursor_column()).unwrap_or(0);
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    let text = match (&app.status, &viewer.notice) {
        (Some(message), _) => sanitize(message).into_owned(),
        (None, Some(notice)) => sanitize(notice).into_owned(),
        (None, None) => {
            // What can be done here now comes first: forward once there was a back, running
            // once a shell step is on screen.
            let bottom = viewer.scroll + viewer.height;
            let runnable =
                app.run.is_ok()
                    && viewer.doc.code_blocks.iter().any(|b| {
                        b.runnable && b.last_line >= viewer.scroll && b.first_line < bottom
                    });
            let mut hints = vec![
                "t contents",
                "/ search",
                "Tab links",
                "Enter follow",
                "⌫ back",
            ];
            if !viewer.forward.is_empty() {
                hints.push("l forward");
            }
            if runnable {
                hints.push("x run");
            }
            hints.extend([
                "y copy",
                "s section",
                "Y link",
                "b risks",
                "e edit",
                "q back",
            ]);
            format!(" {}", hints.join(" · "))
        }
    };
    frame.render_widget(
        Paragraph::new(crate::list::truncate(&text, usize::from(area.width)))
            .style(app.theme.dim()),
        area,
    );
}
