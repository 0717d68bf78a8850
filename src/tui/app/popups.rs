//! Answers to popups: help and findings lists, confirmations, unsaved changes on quit, a file
//! changed on disk, recovered edits, a new component's id, and the finder.

use super::{App, Overlay, Pane, edit_text, move_by};
use crate::action::Action;
use crate::effects::Effect;

impl App {
    // Over 100 lines: to be split (issue 23, Step 12); new code stays under the limit.
    #[allow(clippy::too_many_lines)]
    pub(super) fn update_overlay(&mut self, overlay: Overlay, action: Action) {
        let keep = match (overlay, action) {
            (Overlay::Unsaved, Action::Save) => {
                self.save(None, true);
                None
            }
            (Overlay::Unsaved, Action::Discard) => {
                self.effects.push_back(Effect::ClearJournal);
                self.should_quit = true;
                None
            }
            (Overlay::Unsaved, _) => None,
            (o @ (Overlay::Help { .. } | Overlay::Findings { .. }), Action::Quit) => {
                drop(o);
                self.request_quit();
                None
            }
            (Overlay::Help { .. }, Action::Back | Action::Help)
            | (Overlay::Findings { .. }, Action::Back | Action::Findings) => None,
            (Overlay::Help { scroll, from }, a) => Some(Overlay::Help {
                scroll: move_by(scroll, a, usize::MAX),
                from,
            }),
            (Overlay::Findings { selected }, Action::Select) => {
                if let Some(f) = self.findings_listed().get(selected) {
                    let path = f.path.clone();
                    self.select_path(&path);
                    self.focus = Pane::Components;
                }
                None
            }
            (Overlay::Findings { selected }, a) => Some(Overlay::Findings {
                selected: move_by(selected, a, self.findings.len()),
            }),
            (Overlay::Confirm { pending, .. }, Action::Yes) => {
                self.confirmed(pending);
                None
            }
            (
                Overlay::Confirm {
                    pending: super::Pending::WriteBack { risks, write_back },
                    ..
                },
                Action::ReplaceEstimate,
            ) => {
                self.write_back(&risks, &write_back, true);
                None
            }
            (Overlay::Confirm { .. }, Action::No) => {
                self.say("cancelled: nothing changed");
                None
            }
            (o @ Overlay::Confirm { .. }, _) => Some(o),
            (Overlay::Conflict { path, .. }, Action::Reload) => {
                self.effects.push_back(Effect::Reload(path));
                None
            }
            (Overlay::Conflict { path, .. }, Action::Overwrite) => {
                self.save(Some(&path), false);
                None
            }
            (Overlay::Conflict { path, details, .. }, Action::Merge) => {
                self.merge_from_disk(&path, &details)
            }
            (Overlay::Conflict { path, .. }, Action::No) => {
                self.say(format!(
                    "{} changed on disk: your edits are kept unsaved",
                    crate::sanitize::QuotedPath(&path)
                ));
                None
            }
            (Overlay::Recovery { entries }, Action::Restore) => {
                self.restore(entries);
                None
            }
            (Overlay::Recovery { .. }, Action::Discard) => {
                self.effects.push_back(Effect::ClearJournal);
                self.say("discarded the unsaved edits of the previous session");
                None
            }
            (Overlay::Recovery { .. }, Action::No) => {
                self.say("unsaved edits kept in the recovery journal for next time");
                None
            }
            (Overlay::NewComponent { input, .. }, Action::EditCommit) => {
                self.create_component(&input)
            }
            (Overlay::NewComponent { .. }, Action::EditCancel) => None,
            (Overlay::NewComponent { mut input, error }, a) => {
                edit_text(&mut input, a);
                Some(Overlay::NewComponent { input, error })
            }
            (Overlay::Blast { .. }, Action::Back | Action::BlastRadius) => None,
            (Overlay::Blast { blast, .. }, Action::HeatMap) => {
                // The heat map (and the lists) of what the failure reaches, itself included.
                let mut ids: Vec<String> =
                    blast.reached.iter().map(|r| r.component.clone()).collect();
                ids.push(blast.component.clone());
                self.set_scope(Some((format!("blast radius of {}", blast.component), ids)));
                self.view = super::View::HeatMap;
                None
            }
            (Overlay::Blast { blast, selected }, Action::Select) => {
                if let Some(reached) = blast.reached.get(selected) {
                    let target = crate::search::Target::Component {
                        id: reached.component.clone(),
                    };
                    self.go_to(&target);
                }
                None
            }
            (Overlay::Blast { blast, selected }, a) => {
                let selected = move_by(selected, a, blast.reached.len());
                Some(Overlay::Blast { blast, selected })
            }
            (Overlay::Finder(finder), action) => self.update_finder(finder, action),
            (Overlay::Command(line), action) => self.update_command_line(line, action),
            (o, _) => Some(o),
        };
        if self.overlay.is_none() {
            self.overlay = keep;
        }
    }
}
