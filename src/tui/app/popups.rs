//! Answers to popups: help and findings lists, confirmations, unsaved changes on quit, a file
//! changed on disk, recovered edits, a new component's id, and the finder.

use super::{App, Overlay, Pane, edit_text, move_by};
use crate::action::Action;
use crate::effects::Effect;

impl App {
    /// A key while a popup is open: the popup's own answer; it stays open when the answer gives
    /// it back (and no other popup opened meanwhile).
    pub(super) fn update_overlay(&mut self, overlay: Overlay, action: Action) {
        let keep = match overlay {
            Overlay::Unsaved => self.answer_unsaved(action),
            o @ (Overlay::Help { .. } | Overlay::Findings { .. }) => self.answer_list(o, action),
            o @ Overlay::Confirm { .. } => self.answer_confirm(o, action),
            o @ Overlay::Conflict { .. } => self.answer_conflict(o, action),
            o @ Overlay::Recovery { .. } => self.answer_recovery(o, action),
            Overlay::NewComponent { mut input, error } => match action {
                Action::EditCommit => self.create_component(&input),
                Action::EditCancel => None,
                a => {
                    edit_text(&mut input, a);
                    Some(Overlay::NewComponent { input, error })
                }
            },
            Overlay::RunVars {
                step,
                name,
                rest,
                mut input,
            } => match action {
                Action::EditCommit => {
                    self.answer_run_var(*step, name, rest, input.text());
                    None
                }
                Action::EditCancel => {
                    self.say("not run");
                    None
                }
                a => {
                    edit_text(&mut input, a);
                    Some(Overlay::RunVars {
                        step,
                        name,
                        rest,
                        input,
                    })
                }
            },
            Overlay::Blast { blast, selected } => self.answer_blast(blast, selected, action),
            Overlay::RunChoice {
                runbook,
                steps,
                selected,
            } => self.answer_run_choice(runbook, steps, selected, action),
            Overlay::Finder(finder) => self.update_finder(finder, action),
            Overlay::Command(line) => self.update_command_line(line, action),
        };
        if self.overlay.is_none() {
            self.overlay = keep;
        }
    }

    /// Quitting with unsaved changes: save and quit, discard and quit, or stay.
    fn answer_unsaved(&mut self, action: Action) -> Option<Overlay> {
        match action {
            Action::Save => self.save(None, true),
            Action::Discard => {
                self.effects.push_back(Effect::ClearJournal);
                self.should_quit = true;
            }
            _ => {}
        }
        None
    }

    /// Help and the findings: scroll or move, open the finding's file, close.
    fn answer_list(&mut self, overlay: Overlay, action: Action) -> Option<Overlay> {
        match (overlay, action) {
            (_, Action::Quit) => {
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
                    self.register.focus = Pane::Components;
                }
                None
            }
            (Overlay::Findings { selected }, a) => Some(Overlay::Findings {
                selected: move_by(selected, a, self.findings.len()),
            }),
            (o, _) => Some(o),
        }
    }

    /// A yes/no question; a write-back also takes `e` (replace the estimates too).
    fn answer_confirm(&mut self, overlay: Overlay, action: Action) -> Option<Overlay> {
        match (overlay, action) {
            (Overlay::Confirm { pending, .. }, Action::Yes) => {
                self.confirmed(pending);
                None
            }
            (
                Overlay::Confirm {
                    pending:
                        super::Pending::WriteBack {
                            risks,
                            write_back,
                            follow_ups,
                        },
                    ..
                },
                Action::ReplaceEstimate,
            ) => {
                self.write_back(&risks, write_back.as_ref(), &follow_ups, true);
                None
            }
            (Overlay::Confirm { .. }, Action::No) => {
                self.say("cancelled: nothing changed");
                None
            }
            (o, _) => Some(o),
        }
    }

    /// A file changed on disk under unsaved edits: reload, overwrite, merge, or keep editing.
    fn answer_conflict(&mut self, overlay: Overlay, action: Action) -> Option<Overlay> {
        let Overlay::Conflict { path, details, .. } = &overlay else {
            return Some(overlay);
        };
        match action {
            Action::Reload => self.reload_file(path.clone()),
            Action::Overwrite => self.save(Some(path), false),
            Action::Merge => return self.merge_from_disk(path, details),
            Action::No => self.say(format!(
                "{} changed on disk: your edits are kept unsaved",
                crate::sanitize::QuotedPath(path)
            )),
            _ => return Some(overlay),
        }
        None
    }

    /// Edits a killed session left in the journal: restore, discard, or keep for next time.
    fn answer_recovery(&mut self, overlay: Overlay, action: Action) -> Option<Overlay> {
        match (overlay, action) {
            (Overlay::Recovery { entries }, Action::Restore) => self.restore(entries),
            (Overlay::Recovery { .. }, Action::Discard) => {
                self.effects.push_back(Effect::ClearJournal);
                self.say("discarded the unsaved edits of the previous session");
            }
            (Overlay::Recovery { .. }, Action::No) => {
                self.say("unsaved edits kept in the recovery journal for next time");
            }
            (o, _) => return Some(o),
        }
        None
    }

    /// The blast radius list: go to a component, or see the heat map of what it reaches.
    fn answer_blast(
        &mut self,
        blast: Box<crate::blast::Blast>,
        selected: usize,
        action: Action,
    ) -> Option<Overlay> {
        match action {
            Action::Back | Action::BlastRadius => None,
            Action::HeatMap => {
                // The heat map (and the lists) of what the failure reaches, itself included.
                let mut ids: Vec<String> =
                    blast.reached.iter().map(|r| r.component.clone()).collect();
                ids.push(blast.component.clone());
                self.set_scope(Some((format!("blast radius of {}", blast.component), ids)));
                self.view = super::View::HeatMap;
                None
            }
            Action::Select => {
                if let Some(reached) = blast.reached.get(selected) {
                    let target = crate::search::Target::Component {
                        id: reached.component.clone(),
                    };
                    self.go_to(&target);
                }
                None
            }
            a => {
                let selected = move_by(selected, a, blast.reached.len());
                Some(Overlay::Blast { blast, selected })
            }
        }
    }
}
