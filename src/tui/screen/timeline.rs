//! The game day / incident view: a header with the clock (since start, since detected),
//! severity, lead and a clear mark once resolved; the runbook's steps as a checklist; the
//! timeline with each event's `T+mm:ss`, newest at the bottom; side by side from 120 columns,
//! one key apart below. A game day shows the facilitator's card, its answers hidden until `v`.

use crate::action::Action as A;
use crate::app::App;
use crate::app::timeline::TimelineState;
use crate::clock::elapsed;
use crate::model::timeline::{EventKind, TimelineKind};
use crate::sanitize::sanitize;
use crate::screen::scroll_offset;
use crate::ui::widgets::wrap;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// From this width the checklist and the timeline are side by side.
pub const SIDE_BY_SIDE_FROM: u16 = 120;

pub fn render(app: &App, frame: &mut Frame) {
    let Some(state) = app.timeline.as_deref() else {
        return;
    };
    let area = frame.area();
    let [header, card, body, status] = body_layout(state, area);
    let card_height = card.height;
    render_header(app, state, frame, header);
    if state.alerts.is_some() && header.height > 2 {
        let row = Rect::new(header.x, header.y + 2, header.width, 1);
        render_alerts(app, state, frame, row);
    }
    if card_height > 0 {
        render_card(app, state, frame, card);
    }
    if let Some(selected) = state.reading {
        render_reader(app, state, selected, frame, body);
    } else if area.width >= SIDE_BY_SIDE_FROM {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(body);
        render_checklist(app, state, frame, left);
        render_events(app, state, frame, right);
    } else if shows_events(state) {
        render_events(app, state, frame, body);
    } else {
        render_checklist(app, state, frame, body);
    }
    render_status(app, state, frame, status);
}

/// Below side-by-side width, whether the timeline is shown rather than the checklist: with no
/// steps the timeline is the one thing there is, so it comes first; `t` switches.
pub fn shows_events(state: &TimelineState) -> bool {
    state.show_events != state.checklist.steps.is_empty()
}

/// Where the timeline pane is on a screen of `area`, if it is shown (for the mouse).
pub fn events_area(state: &TimelineState, area: Rect) -> Option<Rect> {
    if state.reading.is_some() {
        return None;
    }
    let [_, _, body, _] = body_layout(state, area);
    if area.width >= SIDE_BY_SIDE_FROM {
        let [_, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(body);
        Some(right)
    } else {
        shows_events(state).then_some(body)
    }
}

/// The event under a row of the timeline pane: the pane shows the newest events, one a line.
pub fn event_at(state: &TimelineState, pane: Rect, row: u16) -> Option<usize> {
    let inner = Block::bordered().inner(pane);
    if row < inner.y || row >= inner.bottom() {
        return None;
    }
    let events = state.timeline.events.len();
    let shown = events.min(usize::from(inner.height));
    let index = events - shown + usize::from(row - inner.y);
    (index < events).then_some(index)
}

/// Header, card, body and status rows.
fn body_layout(state: &TimelineState, area: Rect) -> [Rect; 4] {
    let card_height = match &state.card {
        Some(card) if area.height >= 16 => {
            let drawn = u16::from(card.drawn.is_some());
            (if state.revealed { 6 } else { 4 }) + drawn
        }
        _ => 0,
    };
    Layout::vertical([
        Constraint::Length(2 + u16::from(state.alerts.is_some())),
        Constraint::Length(card_height),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// An event as both timeline panes show it: its `T+mm:ss` from the start (`T?` without a
/// readable time), its kind (an unknown kind as a note), and its text (a ticked step as `☑ …`).
fn event_parts(
    start: Option<jiff::Timestamp>,
    event: &crate::model::timeline::Event,
) -> (String, &'static str, String) {
    let at = match (start, event.timestamp()) {
        (Some(s), Some(e)) => elapsed(e.duration_since(s).as_secs()),
        _ => "T?".to_owned(),
    };
    let kind = event.known_kind().map_or("note", EventKind::name);
    let mut text = event
        .step
        .clone()
        .map_or_else(|| event.text.clone(), |s| format!("☑ {s}"));
    if event.known_kind() == Some(EventKind::FollowUp) {
        let fields: Vec<String> = [
            event.owner.clone(),
            event.due.as_ref().map(|d| format!("due {d}")),
            event.ticket.clone(),
            event.risk.as_ref().map(|r| format!("on {r}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !fields.is_empty() {
            text = format!("{text} → {}", fields.join(", "));
        }
    }
    (at, kind, text)
}

/// Every event whole, wrapped, the selected one marked; Enter or Esc goes back.
fn render_reader(app: &App, state: &TimelineState, selected: usize, frame: &mut Frame, area: Rect) {
    let t = &state.timeline;
    let block = Block::bordered().title(format!(
        " Timeline · {} · read whole ",
        crate::finding::plural(t.events.len(), "event")
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let start = t.started();
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (i, event) in t.events.iter().enumerate() {
        let (at, kind, text) = event_parts(start, event);
        let style = if i == selected {
            selected_line = lines.len();
            app.theme.selected(true)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{at} "), app.theme.label()),
            Span::styled(kind.to_owned(), app.theme.title()),
            Span::raw(
                event
                    .by
                    .as_deref()
                    .map_or_else(String::new, |b| format!(" ({})", sanitize(b))),
            ),
        ]));
        for piece in wrap(&sanitize(&text), width.saturating_sub(2)) {
            lines.push(Line::styled(format!("  {piece}"), style));
        }
    }
    let rows = usize::from(inner.height);
    let offset = scroll_offset(selected_line, rows, lines.len());
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(rows).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// Whether a game day's answers are hidden (the facilitator's card is up and `v` not pressed):
/// then nothing on screen may name the failure, the risk or its mitigation, on a projector.
fn answers_hidden(state: &TimelineState) -> bool {
    state.card.is_some() && !state.revealed
}

fn render_header(app: &App, state: &TimelineState, frame: &mut Frame, area: Rect) {
    let t = &state.timeline;
    // A closed timeline's clocks stop at its resolution (or abandonment): the durations are
    // final.
    let resolved_at = t
        .closed_by()
        .and_then(crate::model::timeline::Event::timestamp);
    let now = resolved_at.unwrap_or_else(crate::clock::now);
    let since = |secs: Option<i64>| secs.map_or_else(|| "—".to_owned(), elapsed);
    let (from_start, from_detection) = if t.is_resolved() {
        ("from start to resolution", "from detection to resolution")
    } else if resolved_at.is_some() {
        (
            "from start until abandoned",
            "from detection until abandoned",
        )
    } else {
        ("since start", "since detected")
    };
    let started = t.started().map(|s| now.duration_since(s).as_secs());
    let detected = t
        .first(EventKind::Detected)
        .and_then(crate::model::timeline::Event::timestamp)
        .map(|d| now.duration_since(d).as_secs());
    let kind = match t.header.kind {
        TimelineKind::Incident => "INCIDENT",
        TimelineKind::Gameday => "GAME DAY",
    };
    let mut first = vec![
        Span::styled(
            format!(" {kind} "),
            Style::new().add_modifier(Modifier::REVERSED),
        ),
        Span::styled(
            format!(" {} ", t.severity()),
            app.theme.error().add_modifier(Modifier::BOLD),
        ),
        Span::raw(if answers_hidden(state) {
            // The title and the file name carry the risk: the game day's date stands in.
            format!(
                "Game day of {}",
                t.header.started.get(..10).unwrap_or("today")
            )
        } else {
            sanitize(&t.header.title).into_owned()
        }),
    ];
    if t.is_closed() {
        first.insert(
            0,
            Span::styled(
                if t.is_resolved() {
                    " RESOLVED "
                } else {
                    " ABANDONED "
                },
                app.theme.title().add_modifier(Modifier::REVERSED),
            ),
        );
    }
    let lead = t.lead();
    let second = Line::from(vec![
        Span::styled(
            format!(" {} {from_start}", since(started)),
            app.theme.label(),
        ),
        Span::raw(format!("  ·  {} {from_detection}", since(detected))),
        Span::raw(if lead.is_empty() {
            String::new()
        } else {
            format!("  ·  lead {}", sanitize(&lead))
        }),
        Span::styled(
            if answers_hidden(state) {
                String::new()
            } else {
                format!("  ·  {}", crate::sanitize::QuotedPath(&state.path))
            },
            app.theme.dim(),
        ),
    ]);
    let width = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(crate::ui::widgets::fit(first, width)),
            Line::from(crate::ui::widgets::fit(second.spans, width)),
        ]),
        area,
    );
}

/// The alerts in play on one line: each firing (since when) or not, a game day's stop
/// conditions (loud when one fires), or why Alertmanager does not answer. While a game day's
/// answers are hidden, the alerts not firing are counted, not named.
fn render_alerts(app: &App, state: &TimelineState, frame: &mut Frame, area: Rect) {
    let Some(watch) = &state.alerts else {
        return;
    };
    let mut spans: Vec<Span> = Vec::new();
    let stops_firing: Vec<&(String, String)> = watch
        .stops
        .iter()
        .filter(|(a, _)| watch.firing(a).is_some())
        .collect();
    for (alert, component) in &stops_firing {
        spans.push(Span::styled(
            format!(
                " STOP: {} firing on {} ",
                sanitize(alert),
                sanitize(component)
            ),
            app.theme
                .error()
                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
        ));
    }
    if let Some(reason) = &watch.unreachable {
        spans.push(Span::styled(
            format!(" Alertmanager: {}", sanitize(reason)),
            app.theme.warning(),
        ));
    } else if !watch.polled {
        spans.push(Span::styled(
            " alerts: asking Alertmanager…",
            app.theme.dim(),
        ));
    } else {
        spans.push(Span::styled(" alerts", app.theme.label()));
        let start = state.timeline.started();
        let mut quiet = 0;
        for name in &watch.watched {
            match watch.firing(name) {
                Some(f) => {
                    let since = match (start, f.starts_at.parse::<jiff::Timestamp>()) {
                        (Some(s), Ok(t)) => elapsed(t.duration_since(s).as_secs()),
                        _ => String::new(),
                    };
                    spans.push(Span::styled(
                        format!(" ● {} firing {since}", sanitize(name)),
                        app.theme.error().add_modifier(Modifier::BOLD),
                    ));
                }
                None if answers_hidden(state) => quiet += 1,
                None => spans.push(Span::raw(format!(" ○ {}", sanitize(name)))),
            }
        }
        if quiet > 0 {
            spans.push(Span::raw(format!(" ○ {quiet} not firing")));
        }
        let quiet_stops: Vec<&str> = watch
            .stops
            .iter()
            .filter(|(a, _)| watch.firing(a).is_none())
            .map(|(a, _)| a.as_str())
            .collect();
        if !quiet_stops.is_empty() {
            spans.push(Span::styled("  · stop if", app.theme.label()));
            for alert in quiet_stops {
                spans.push(Span::raw(format!(" ○ {}", sanitize(alert))));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(Line::from(crate::ui::widgets::fit(
            spans,
            usize::from(area.width),
        ))),
        area,
    );
}

fn render_card(app: &App, state: &TimelineState, frame: &mut Frame, area: Rect) {
    let Some(card) = &state.card else { return };
    let block = Block::bordered().title(if state.revealed {
        format!(
            " Facilitator · {} · v hides the answers ",
            sanitize(&card.reference)
        )
    } else {
        " Facilitator · v reveals the answers ".to_owned()
    });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![Line::from(vec![
        Span::styled("Signal     ", app.theme.label()),
        Span::raw(sanitize(&card.detection).into_owned()),
    ])];
    if let Some(why) = &card.drawn {
        lines.push(Line::from(vec![
            Span::styled("Drawn      ", app.theme.label()),
            Span::raw(sanitize(why).into_owned()),
        ]));
    }
    if state.revealed {
        lines.push(Line::from(vec![
            Span::styled("Failure    ", app.theme.label()),
            Span::raw(sanitize(&format!("{} {}", card.title, card.description)).into_owned()),
        ]));
        lines.push(Line::from(vec![
            Span::styled("Mitigation ", app.theme.label()),
            Span::raw(sanitize(&card.mitigation).into_owned()),
        ]));
    } else {
        lines.push(Line::styled(
            "The failure, its mitigation and the runbook's answer stay hidden.",
            app.theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_checklist(app: &App, state: &TimelineState, frame: &mut Frame, area: Rect) {
    let flags = state.done();
    let done = flags.iter().filter(|d| **d).count();
    let title = match &state.checklist.runbook {
        Some(path) => format!(
            " Steps · {}{} · {done}/{} done ",
            sanitize(path),
            state
                .checklist
                .anchor
                .as_deref()
                .map(|a| format!("#{}", sanitize(a)))
                .unwrap_or_default(),
            state.checklist.steps.len()
        ),
        None => " Steps ".to_owned(),
    };
    if answers_hidden(state) {
        let block = Block::bordered().title(" Steps ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(
                "The runbook's steps stay hidden until v: they would give the failure away.",
            )
            .wrap(ratatui::widgets::Wrap { trim: true })
            .style(app.theme.dim()),
            inner,
        );
        return;
    }
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.checklist.steps.is_empty() {
        let text = if state.checklist.runbook.is_some() {
            let part = if state.checklist.anchor.is_some() {
                "The section the risk links to"
            } else {
                "The runbook"
            };
            format!(
                "{part} has no steps (task-list or numbered items, shell blocks): {} opens it.",
                app.key_in(crate::keymap::Context::Timeline, A::OpenRunbook)
            )
        } else {
            "No risk in play has a runbook: record what you do with a (action) or n (note)."
                .to_owned()
        };
        frame.render_widget(
            Paragraph::new(text)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .style(app.theme.dim()),
            inner,
        );
        return;
    }
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    let mut heading = None;
    for (i, step) in state.checklist.steps.iter().enumerate() {
        if heading != Some(&step.heading) && !step.heading.is_empty() {
            lines.push(Line::styled(
                crate::list::truncate(&sanitize(&step.heading), width),
                app.theme.title(),
            ));
            heading = Some(&step.heading);
        }
        let mark = if flags[i] { "☑" } else { "☐" };
        let style = if i == state.step {
            selected_line = lines.len();
            app.theme.selected(true)
        } else {
            Style::new()
        };
        for (n, piece) in wrap(&sanitize(&step.text), width.saturating_sub(4))
            .into_iter()
            .enumerate()
        {
            let prefix = if n == 0 {
                format!(" {mark} ")
            } else {
                "   ".to_owned()
            };
            lines.push(Line::styled(format!("{prefix}{piece}"), style));
        }
        // A step with a shell command shows it, to be run with `x`.
        if let Some(command) = step.command.as_deref().filter(|_| app.run.is_ok()) {
            let first = command.lines().next().unwrap_or("");
            lines.push(Line::styled(
                crate::list::truncate(&format!("   $ {} · x runs", sanitize(first)), width),
                app.theme.dim(),
            ));
        }
    }
    let rows = usize::from(inner.height);
    let offset = scroll_offset(selected_line, rows, lines.len());
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(rows).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn render_events(app: &App, state: &TimelineState, frame: &mut Frame, area: Rect) {
    let t = &state.timeline;
    let block = Block::bordered().title(format!(
        " Timeline · {} ",
        crate::finding::plural(t.events.len(), "event")
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let start = t.started();
    // Newest at the bottom: only the events that fit, counted from the end.
    let rows = usize::from(inner.height);
    let mut lines: Vec<Line> = Vec::new();
    for event in t.events.iter().rev() {
        if lines.len() >= rows {
            break;
        }
        let (at, kind, text) = event_parts(start, event);
        let by = event
            .by
            .as_deref()
            .map_or_else(String::new, |b| format!(" ({b})"));
        let body = crate::list::truncate(
            &sanitize(&format!("{text}{by}")),
            width.saturating_sub(at.len() + kind.len() + 3),
        );
        lines.push(Line::from(vec![
            Span::styled(format!("{at} "), app.theme.label()),
            Span::styled(format!("{kind} "), app.theme.title()),
            Span::raw(body),
        ]));
    }
    lines.reverse();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The event being typed, on the status row (its prompt is its kind).
fn render_input(
    app: &App,
    state: &TimelineState,
    (kind, input): (EventKind, &crate::editor::TextInput),
    frame: &mut Frame,
    area: Rect,
) {
    let prompt = format!("{kind}: ");
    // Said on the row above: text typed before faultline stopped, offered back; or a
    // follow-up's fields, or why its line was not recorded.
    let above = if state.restored {
        Some((
            " typed before faultline stopped, not yet recorded: Enter records it, Esc drops it"
                .to_owned(),
            app.theme.warning(),
        ))
    } else if matches!(kind, EventKind::FollowUp | EventKind::ImpactStarted) {
        Some(match app.status.as_deref() {
            Some(said) if said.starts_with("not recorded") => {
                (format!(" {said}"), app.theme.warning())
            }
            _ if kind == EventKind::ImpactStarted => (
                " when the impact began: HH:MM on the start's date (Enter alone: now)".to_owned(),
                app.theme.label(),
            ),
            _ => (
                " text; owner: NAME; due: YYYY-MM-DD; ticket: ID; risk: COMPONENT/ID (none: a new risk)".to_owned(),
                app.theme.label(),
            ),
        })
    } else {
        None
    };
    if let Some((text, style)) = above.filter(|_| area.y > 0) {
        let row = Rect::new(area.x, area.y - 1, area.width, 1);
        frame.render_widget(ratatui::widgets::Clear, row);
        frame.render_widget(
            Paragraph::new(crate::list::truncate(
                &sanitize(&text),
                usize::from(area.width),
            ))
            .style(style),
            row,
        );
    }
    let room = usize::from(area.width).saturating_sub(prompt.chars().count());
    let (shown, cursor) = scrolled(&sanitize(input.text()), input.cursor_column(), room);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prompt.clone(), app.theme.label()),
            Span::raw(shown),
        ])),
        area,
    );
    let x = area.x + u16::try_from(prompt.chars().count() + cursor).unwrap_or(0);
    frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
}

/// A line longer than the room scrolls so the cursor stays in view: the text from the first
/// column shown, and the cursor's column in it.
fn scrolled(text: &str, cursor: usize, room: usize) -> (String, usize) {
    use unicode_width::UnicodeWidthChar;
    let skip = cursor.saturating_sub(room.saturating_sub(1));
    let mut dropped = 0;
    let mut chars = text.chars().peekable();
    while dropped < skip {
        let Some(c) = chars.next() else { break };
        dropped += c.width().unwrap_or(0);
    }
    (chars.collect(), cursor.saturating_sub(dropped))
}

fn render_status(app: &App, state: &TimelineState, frame: &mut Frame, area: Rect) {
    if let Some((kind, input)) = &state.input {
        render_input(app, state, (*kind, input), frame, area);
        return;
    }
    let text = app.status.clone().unwrap_or_else(|| {
        let problems = if state.problems.is_empty() {
            String::new()
        } else {
            format!("{} damaged line(s) skipped · ", state.problems.len())
        };
        let key = |action| {
            app.keymap
                .key_for(crate::keymap::Context::Timeline, action)
                .map_or_else(String::new, |k| k.to_string())
        };
        // By priority: what a person needs most at 3 a.m. stays on the narrowest screen.
        let side_by_side = area.width >= SIDE_BY_SIDE_FROM;
        let mut hints: Vec<(A, &str, u8)> = if state.reading.is_some() {
            vec![
                (A::Up, "up", 2),
                (A::Down, "down", 2),
                (A::Select, "back", 1),
            ]
        } else {
            vec![
                (A::TickStep, "tick", 1),
                (A::LogHypothesis, "hypothesis", 3),
                (A::LogAction, "action", 3),
                (A::LogObservation, "observed", 4),
                (A::LogDecision, "decision", 4),
                (A::LogNote, "note", 2),
                (A::LogFollowUp, "follow-up", 4),
                (A::MarkDetected, "detected", 2),
                (A::MarkMitigated, "mitigated", 4),
                (A::MarkResolved, "resolved", 2),
                (A::ToggleTimeline, "switch", 1),
                (A::Select, "read whole", 3),
            ]
        };
        if side_by_side {
            hints.retain(|(a, _, _)| *a != A::ToggleTimeline);
        }
        hints.push((A::Help, "help", 0));
        let hints: Vec<(String, u8)> = hints
            .iter()
            .map(|(a, what, p)| (format!("{} {what}", key(*a)), *p))
            .collect();
        let room = usize::from(area.width)
            .saturating_sub(1)
            .saturating_sub(unicode_width::UnicodeWidthStr::width(problems.as_str()));
        format!(
            "{problems}{}",
            crate::ui::widgets::fit_hints(&hints, room, " · ")
        )
    });
    let spans = vec![Span::raw(format!(" {}", sanitize(&text)))];
    frame.render_widget(
        Paragraph::new(Line::from(crate::ui::widgets::fit(
            spans,
            usize::from(area.width),
        ))),
        area,
    );
}
