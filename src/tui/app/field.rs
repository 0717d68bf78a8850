//! A field of the detail form being typed into: the line editor opened on it, its keys,
//! validation as it is typed, the commit (one undoable change), and the workshop flow of a new
//! risk from its title to its mitigation.

use super::{App, Editing, LevelTarget, edit_text};
use crate::action::Action;
use crate::editor::TextInput;
use crate::form::{self, Field, Kind};
use crate::model::Level;
use crate::store::ComponentFile;

impl App {
    /// Opens the line editor on the selected form row (levels and status change in place).
    pub(super) fn start_edit(&mut self) {
        if self.read_only {
            self.say("read-only: faultline was started with --read-only");
            return;
        }
        let Some(row) = self.form_rows().get(self.register.row).copied() else {
            return;
        };
        let Some(reg) = self.selected_file().and_then(ComponentFile::register) else {
            return;
        };
        let risk = self.form_risk();
        match row.field.kind() {
            Kind::Level => self.set_level(|l| Level::from_value(l.value() % 5 + 1), false),
            Kind::Status => self.update_edit(Action::CycleStatus),
            kind => {
                let text = match kind {
                    Kind::Date | Kind::Number | Kind::Line | Kind::Multiline | Kind::List => {
                        form::value(reg, risk, row)
                    }
                    Kind::FollowUp => row
                        .item
                        .and_then(|i| reg.risks.get(risk?)?.follow_ups.get(i))
                        .map(form::follow_ups::line)
                        .unwrap_or_default(),
                    Kind::Level | Kind::Status => String::new(),
                };
                self.editing = Some(Editing {
                    row,
                    input: TextInput::new(&text, kind == Kind::Multiline),
                    error: None,
                    new_risk: false,
                });
            }
        }
    }

    pub(super) fn update_editor(&mut self, action: Action) {
        let Some(mut editing) = self.editing.take() else {
            return;
        };
        match action {
            Action::EditCommit => {
                if !self.commit(&editing) {
                    self.editing = Some(editing);
                } else if editing.row.field == Field::AcceptedBy {
                    // Accepting asks who, then until when.
                    self.ask_acceptance();
                } else if editing.row.field == Field::AcceptedUntil {
                    self.end_acceptance();
                } else if self.register.quick_add && editing.new_risk {
                    // The title is in: two digits set likelihood and impact, then detection.
                    self.register.level_target = LevelTarget::Likelihood;
                    let added = self.status.clone().unwrap_or_default();
                    self.say(format!(
                        "{added}: likelihood 1–5, then impact 1–5 (then detection); Esc stops"
                    ));
                } else if self.register.quick_add {
                    self.quick_done();
                }
            }
            Action::NextField | Action::PrevField => {
                let from = editing.row.field;
                if self.commit(&editing) {
                    let keep = self.register.quick_add;
                    if keep && action == Action::NextField && from == Field::Detection {
                        // The workshop flow goes from detection to mitigation; alerts are
                        // named later, when someone knows them.
                        self.edit_field(Field::Mitigation);
                    } else {
                        self.edit_next_field(action == Action::NextField);
                    }
                    self.register.quick_add = keep && self.editing.is_some();
                } else {
                    self.editing = Some(editing);
                }
            }
            Action::EditCancel => {
                self.end_acceptance();
                // Esc in the workshop flow (detection, mitigation) stops the flow; what was
                // typed is kept, as "stop here" promises. If it is refused, the editor stays
                // with the reason, and a second Esc drops it.
                let stopping = std::mem::take(&mut self.register.quick_add) && !editing.new_risk;
                if stopping && !editing.input.text().trim().is_empty() {
                    if self.commit(&editing) {
                        let field = editing.row.field.key();
                        self.say(format!("stopped here: {field} kept"));
                    } else {
                        self.editing = Some(editing);
                    }
                    return;
                }
                // What was typed is dropped from the journal too: the file as it is now.
                if let Some(path) = self.selected_path() {
                    self.journal_file(&path);
                }
                if editing.new_risk {
                    // The risk was never named: take it away again, without a redo entry.
                    if let Some(change) = self.history.forget_last() {
                        self.apply_change(&change.inverse());
                        self.register.risk = self
                            .register
                            .risk
                            .min(self.risk_order().len().saturating_sub(1));
                    }
                    self.say("new risk dropped");
                }
            }
            other => {
                let before = editing.input.text().to_owned();
                edit_text(&mut editing.input, other);
                let changed = editing.input.text() != before;
                self.editing = Some(editing);
                self.validate_editing();
                if changed {
                    self.journal_typing();
                }
            }
        }
    }

    /// The end of the workshop flow: what the new risk now says.
    pub(super) fn quick_done(&mut self) {
        if !std::mem::take(&mut self.register.quick_add) {
            return;
        }
        if let Some(i) = self.selected_risk_index() {
            let name = self.risk_name(i);
            let score = self
                .selected_file()
                .and_then(ComponentFile::register)
                .map_or(0, |r| r.risks[i].score());
            let add = self.key_in(crate::keymap::Context::Register, Action::AddRisk);
            self.say(format!(
                "complete, score {score}: {name}; {add} adds the next"
            ));
        }
    }

    /// Shows, while typing, why the value would be refused.
    pub(super) fn validate_editing(&mut self) {
        let Some(editing) = self.editing.as_ref() else {
            return;
        };
        let Some(reg) = self.selected_file().and_then(ComponentFile::register) else {
            return;
        };
        let risk = self.form_risk();
        let error = form::validate(reg, risk, editing.row, editing.input.text(), self.today).err();
        if let Some(editing) = self.editing.as_mut() {
            editing.error = error;
        }
    }

    /// Writes the edited value; false (and the reason shown) when it is refused.
    pub(super) fn commit(&mut self, editing: &Editing) -> bool {
        let Some(path) = self.selected_path() else {
            return true;
        };
        let risk = self.form_risk();
        let today = self.today;
        let row = editing.row;
        let text = editing.input.text().to_owned();
        let label = match risk {
            Some(i) => format!("set {} of {}", row.field.key(), self.risk_name(i)),
            None => format!(
                "set {} of {}",
                row.field.key(),
                crate::sanitize::QuotedPath(&path)
            ),
        };
        let new_risk = editing.new_risk;
        let result = self.keep_risk_selected_result(|app| {
            if new_risk {
                // The first title names the risk: amend the "add" change so one undo removes it.
                let before = app.current(&path).cloned().ok_or("component gone")?;
                let mut after = before.clone();
                form::set(&mut after, risk, row, &text, today)?;
                if let Some(i) = risk {
                    let taken: Vec<String> = after
                        .risks
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, r)| r.id.clone())
                        .collect();
                    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
                    after.risks[i].id = form::unique_id(&after.risks[i].title, &taken);
                }
                let change = crate::history::Change {
                    runbooks: Vec::new(),
                    label: String::new(),
                    files: vec![crate::history::FileChange {
                        path: path.clone(),
                        before: Some(before),
                        after: Some(after.clone()),
                    }],
                };
                app.apply_change(&change);
                app.history.amend_last(change.files);
                let id = risk.map(|i| after.risks[i].id.clone()).unwrap_or_default();
                app.say(format!("added risk {}/{id}", after.component));
                Ok(())
            } else {
                app.change(label, &path, |reg| form::set(reg, risk, row, &text, today))
            }
        });
        match result {
            Ok(()) => {
                // A renamed risk or component keeps its selection.
                if risk.is_some() && row.field == Field::RiskId {
                    self.select_risk(text.trim());
                }
                // After adding a list item, stay on the "add" row for the next one.
                if row.field.kind() == Kind::List && row.item.is_none() && !text.trim().is_empty() {
                    self.register.row += 1;
                }
                true
            }
            Err(reason) => {
                self.editing = Some(Editing {
                    error: Some(reason),
                    ..editing.clone()
                });
                false
            }
        }
    }
}
