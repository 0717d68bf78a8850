//! Small popups that ask one question: confirm a delete, unsaved changes on quit, a file changed
//! on disk, edits recovered from a crash, and a new component's id.

use crate::app::{App, Overlay};
use crate::sanitize::sanitize;
use crate::screen::popup_area;
use crate::ui::widgets::wrap;
use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn render(app: &App, overlay: &Overlay, frame: &mut Frame) {
    let width: u16 = 64;
    let inner_width = usize::from(width.min(frame.area().width).saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    let text = |t: &str, lines: &mut Vec<Line>| {
        for piece in wrap(&sanitize(t), inner_width) {
            lines.push(Line::from(piece));
        }
    };
    let (title, keys) = match overlay {
        Overlay::Confirm { question, .. } => {
            text(question, &mut lines);
            (" Confirm ", "y yes · n no")
        }
        Overlay::Unsaved => {
            let mut dirty: Vec<String> = app
                .dirty_paths()
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            let mut drafts: Vec<String> =
                app.drafts.keys().map(|p| format!("{p} (stub)")).collect();
            drafts.sort();
            dirty.extend(drafts);
            text(
                &format!(
                    "{} file{} with unsaved changes:",
                    dirty.len(),
                    if dirty.len() == 1 { "" } else { "s" }
                ),
                &mut lines,
            );
            for path in dirty.iter().take(8) {
                text(&format!("  {path}"), &mut lines);
            }
            (" Quit ", "s save and quit · d discard and quit · c cancel")
        }
        Overlay::Conflict { path, deleted } => {
            let what = if *deleted { "was deleted" } else { "changed" };
            text(
                &format!(
                    "{} {what} on disk since faultline read it (a git pull, a checkout, another editor).",
                    path.display()
                ),
                &mut lines,
            );
            text(
                "Your edits to it are not saved. Nothing is overwritten unless you say so.",
                &mut lines,
            );
            (
                " File changed on disk ",
                "r reload (drop mine) · o overwrite · k keep editing",
            )
        }
        Overlay::Recovery { entries } => {
            text(
                "faultline did not exit cleanly last time. Unsaved edits were kept:",
                &mut lines,
            );
            for entry in entries.iter().take(8) {
                let what = match &entry.register {
                    Some(reg) => format!(
                        "{} risk{}",
                        reg.risks.len(),
                        if reg.risks.len() == 1 { "" } else { "s" }
                    ),
                    None => "deleted".into(),
                };
                text(&format!("  {} ({what})", entry.path.display()), &mut lines);
            }
            (
                " Recover unsaved edits ",
                "r restore · d discard · Esc decide later",
            )
        }
        Overlay::NewComponent { input, error } => {
            text(
                "Id of the new component (lowercase letters, digits, hyphens):",
                &mut lines,
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
            (" New component ", "Enter create · Esc cancel")
        }
        Overlay::Help { .. }
        | Overlay::Findings { .. }
        | Overlay::Finder(_)
        | Overlay::Command(_) => {
            return;
        }
    };
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = popup_area(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(title)
        .title_bottom(format!(" {keys} "));
    if let Overlay::NewComponent { input, .. } = overlay {
        let x = area.x + 3 + u16::try_from(input.cursor_column()).unwrap_or(0);
        let y = area.y + 2;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(2)), y));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
