//! Small popups that ask one question: confirm a delete, unsaved changes on quit, a file changed
//! on disk, edits recovered from a crash, and a new component's id.

use crate::action::Action;
use crate::app::{App, Overlay};
use crate::keymap::Context;
use crate::sanitize::sanitize;
use crate::screen::popup_area;
use crate::ui::widgets::wrap;
use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Key hints for a popup, each key looked up in the keymap (a remapped key shows as remapped):
/// `y record · n no`.
fn hints(app: &App, context: Context, hints: &[(Action, &str)]) -> String {
    hints
        .iter()
        .filter_map(|(action, what)| {
            let key = app.keymap.key_for(context, *action)?;
            Some(format!("{key} {what}"))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Pushes text from a file or a message, sanitised and wrapped to the popup's width.
/// Text wrapped to the popup, its own line breaks kept (a command of several lines reads as
/// written).
fn push_text(lines: &mut Vec<Line<'static>>, t: &str, width: usize) {
    for paragraph in t.split('\n') {
        if paragraph.is_empty() {
            lines.push(Line::from(""));
            continue;
        }
        for piece in wrap(&sanitize(paragraph), width) {
            lines.push(Line::from(piece));
        }
    }
}

/// A confirmation's keys: a write-back with a rehearsal also offers to replace the estimate.
fn confirm_keys(app: &App, pending: &crate::app::Pending) -> String {
    match pending {
        crate::app::Pending::WriteBack {
            write_back: Some(_),
            ..
        } => hints(
            app,
            Context::Confirm,
            &[
                (Action::Yes, "record, keep estimate"),
                (Action::ReplaceEstimate, "also replace estimate"),
                (Action::No, "no"),
            ],
        ),
        crate::app::Pending::WriteBack { .. } => hints(
            app,
            Context::Confirm,
            &[(Action::Yes, "record"), (Action::No, "no")],
        ),
        _ => hints(
            app,
            Context::Confirm,
            &[(Action::Yes, "yes"), (Action::No, "no")],
        ),
    }
}

pub fn render(app: &App, overlay: &Overlay, frame: &mut Frame) {
    let width: u16 = 64;
    let inner_width = usize::from(width.min(frame.area().width).saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    let (title, keys) = match overlay {
        Overlay::Confirm { question, pending } => {
            push_text(&mut lines, question, inner_width);
            (" Confirm ", confirm_keys(app, pending))
        }
        Overlay::Unsaved => (" Quit ", unsaved_body(app, inner_width, &mut lines)),
        Overlay::Conflict {
            path,
            deleted,
            details,
        } => (
            " File changed on disk ",
            conflict_body(app, path, *deleted, details, inner_width, &mut lines),
        ),
        Overlay::Recovery { entries } => (
            " Recover unsaved edits ",
            recovery_body(app, entries, inner_width, &mut lines),
        ),
        Overlay::RunVars { name, input, .. } => {
            push_text(
                &mut lines,
                &format!(
                    "The step uses ${}, which is not set. Its value for this run:",
                    sanitize(name)
                ),
                inner_width,
            );
            lines.push(Line::from(vec![
                Span::styled("> ", app.theme.label()),
                Span::raw(sanitize(input.text()).into_owned()),
            ]));
            let keys = hints(
                app,
                Context::Editor,
                &[
                    (Action::EditCommit, "next"),
                    (Action::EditCancel, "do not run"),
                ],
            );
            (" Run a step ", keys)
        }
        Overlay::NewComponent { input, error } => {
            push_text(
                &mut lines,
                "Id of the new component (lowercase letters, digits, hyphens):",
                inner_width,
            );
            lines.push(Line::from(vec![
                Span::styled("> ", app.theme.label()),
                Span::raw(sanitize(input.text()).into_owned()),
            ]));
            if let Some(error) = error {
                for piece in wrap(&format!("✗ {}", sanitize(error)), inner_width) {
                    lines.push(Line::styled(piece, app.theme.error()));
                }
            }
            let keys = hints(
                app,
                Context::Editor,
                &[
                    (Action::EditCommit, "create"),
                    (Action::EditCancel, "cancel"),
                ],
            );
            (" New component ", keys)
        }
        Overlay::Help { .. }
        | Overlay::Findings { .. }
        | Overlay::Finder(_)
        | Overlay::Command(_)
        | Overlay::Blast { .. }
        | Overlay::RunChoice { .. } => {
            return;
        }
    };
    // Keys that do not fit the bottom border are listed inside, so none is cut off.
    let bottom = if keys.chars().count() + 2 > inner_width {
        lines.push(Line::from(""));
        for piece in wrap(&keys, inner_width) {
            lines.push(Line::styled(piece, app.theme.label()));
        }
        String::new()
    } else {
        format!(" {keys} ")
    };
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = popup_area(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(title).title_bottom(bottom);
    if let Overlay::NewComponent { input, .. } | Overlay::RunVars { input, .. } = overlay {
        let x = area.x + 3 + u16::try_from(input.cursor_column()).unwrap_or(0);
        // The input is the second line of a new component, the last of a variable's question.
        let y = match overlay {
            Overlay::RunVars { .. } => area.y + u16::try_from(lines.len()).unwrap_or(1),
            _ => area.y + 2,
        };
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(2)), y));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Quitting with unsaved changes: the files (and stubs) not saved; returns the key hints.
fn unsaved_body(app: &App, width: usize, lines: &mut Vec<Line<'static>>) -> String {
    let mut dirty: Vec<String> = app
        .dirty_paths()
        .iter()
        .map(|p| crate::sanitize::QuotedPath(p).to_string())
        .collect();
    let mut drafts: Vec<String> = app.drafts.keys().map(|p| format!("{p} (stub)")).collect();
    drafts.sort();
    dirty.extend(drafts);
    push_text(
        lines,
        &format!(
            "{} with unsaved changes:",
            crate::finding::plural(dirty.len(), "file")
        ),
        width,
    );
    for path in dirty.iter().take(8) {
        push_text(lines, &format!("  {path}"), width);
    }
    hints(
        app,
        Context::Unsaved,
        &[
            (Action::Save, "save and quit"),
            (Action::Discard, "discard and quit"),
            (Action::No, "cancel"),
        ],
    )
}

/// Edits a killed session left: each file and what it holds; returns the key hints.
fn recovery_body(
    app: &App,
    entries: &[crate::recovery::Entry],
    width: usize,
    lines: &mut Vec<Line<'static>>,
) -> String {
    push_text(
        lines,
        "faultline did not exit cleanly last time. Unsaved edits were kept:",
        width,
    );
    for entry in entries.iter().take(8) {
        let what = match &entry.register {
            Some(reg) => crate::finding::plural(reg.risks.len(), "risk"),
            None => "deleted".into(),
        };
        push_text(
            lines,
            &format!("  {} ({what})", crate::sanitize::QuotedPath(&entry.path)),
            width,
        );
    }
    hints(
        app,
        Context::Recovery,
        &[
            (Action::Restore, "restore"),
            (Action::Discard, "discard"),
            (Action::No, "decide later"),
        ],
    )
}

/// The question about a file changed on disk: what each side changed, whether they merge, and
/// the keys; its lines go to `lines`, its key hints are returned.
fn conflict_body(
    app: &App,
    path: &std::path::Path,
    deleted: bool,
    details: &crate::app::ConflictDetails,
    inner_width: usize,
    lines: &mut Vec<Line<'static>>,
) -> String {
    let text = |lines: &mut Vec<Line<'static>>, t: &str| push_text(lines, t, inner_width);
    let what = if deleted { "was deleted" } else { "changed" };
    text(
        lines,
        &format!(
            "{} {what} on disk since faultline read it (a git pull, a checkout, another editor). Nothing is overwritten unless you say so.",
            crate::sanitize::QuotedPath(path)
        ),
    );
    for (label, items) in [
        ("On disk:", &details.theirs),
        ("Yours (unsaved):", &details.mine),
    ] {
        lines.push(Line::styled(label.to_owned(), app.theme.title()));
        for item in items.iter().take(6) {
            text(lines, &format!("  {}", item.trim_start()));
        }
        if items.len() > 6 {
            text(lines, &format!("  … and {} more", items.len() - 6));
        }
        if items.is_empty() {
            text(lines, "  nothing");
        }
    }
    let reload = (Action::Reload, "reload (drop mine)");
    let overwrite = (Action::Overwrite, "overwrite (drop theirs)");
    let keep = (Action::No, "keep editing");
    if details.merged.is_some() {
        let merge = app
            .keymap
            .key_for(Context::Conflict, Action::Merge)
            .map_or_else(|| "merge".to_owned(), |k| k.to_string());
        text(
            lines,
            &format!("They touch different risks and fields: {merge} merges both."),
        );
        hints(
            app,
            Context::Conflict,
            &[(Action::Merge, "merge both"), reload, overwrite, keep],
        )
    } else {
        if !details.clashes.is_empty() {
            text(
                lines,
                &format!(
                    "Both changed {}: no merge; choose a side.",
                    details.clashes.join(", ")
                ),
            );
        }
        hints(app, Context::Conflict, &[reload, overwrite, keep])
    }
}

/// The blast radius popup: each component reached with its depth and path, the risks reached
/// by band, the cycles met.
pub fn render_blast(app: &App, blast: &crate::blast::Blast, selected: usize, frame: &mut Frame) {
    let screen = frame.area();
    let area = crate::screen::popup_area(
        screen,
        screen.width.saturating_sub(4).min(90),
        screen.height.saturating_sub(2),
    );
    let block = Block::bordered()
        .title(format!(" Blast radius · {} ", sanitize(&blast.component)))
        .title_bottom(" ↑↓ choose · Enter go to it · m its heat map · Esc close ");
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    if blast.reached.is_empty() {
        lines.push(Line::from("Nothing depends on it."));
    } else {
        let bands: Vec<String> = ["critical", "high", "medium", "low"]
            .iter()
            .map(|b| format!("{} {b}", blast.risks_by_band.get(*b).copied().unwrap_or(0)))
            .collect();
        let summary = format!(
            "A failure reaches {}; their risks: {}.",
            crate::finding::plural(blast.reached.len(), "component"),
            bands.join(", ")
        );
        for piece in wrap(&summary, width) {
            lines.push(Line::from(piece));
        }
    }
    for cycle in &blast.cycles {
        lines.push(Line::styled(
            crate::list::truncate(&sanitize(&format!("cycle: {}", cycle.join(" ← "))), width),
            app.theme.warning(),
        ));
    }
    lines.push(Line::from(""));
    let head = lines.len();
    let rows = usize::from(inner.height).saturating_sub(head);
    let offset = crate::screen::scroll_offset(selected, rows, blast.reached.len());
    for (i, r) in blast.reached.iter().enumerate().skip(offset).take(rows) {
        let text = format!(
            "{:<24} depth {}  via {}",
            r.component,
            r.depth,
            r.path.join(" ← ")
        );
        let line = Line::from(crate::list::truncate(&sanitize(&text), width));
        lines.push(app.theme.mark_selected(line, i == selected));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The chooser of several shell steps on screen: each step's command (its first line, and how
/// many more), the selected one in reverse.
pub fn render_run_choice(
    app: &App,
    runbook: &str,
    steps: &[String],
    selected: usize,
    frame: &mut Frame,
) {
    let screen = frame.area();
    let height = u16::try_from(steps.len() + 2).unwrap_or(u16::MAX);
    let area = crate::screen::popup_area(screen, screen.width.saturating_sub(4).min(90), height);
    let block = Block::bordered()
        .title(format!(" Run which step? · {} ", sanitize(runbook)))
        .title_bottom(" ↑↓ choose · Enter run it (after a confirmation) · Esc none ");
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let rows = usize::from(inner.height);
    let offset = crate::screen::scroll_offset(selected, rows, steps.len());
    let lines: Vec<Line> = steps
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, command)| {
            let mut text_lines = command.lines();
            let first = text_lines.next().unwrap_or("");
            let more = text_lines.count();
            let more = if more > 0 {
                format!("  (+{})", crate::finding::plural(more, "line"))
            } else {
                String::new()
            };
            let line = Line::from(crate::list::truncate(
                &sanitize(&format!("{}  $ {first}{more}", i + 1)),
                width,
            ));
            app.theme.mark_selected(line, i == selected)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
