//! Editing actions: fields through the line editor, levels with one key, status, adding,
//! deleting and moving risks, new components, undo/redo and save.

use super::changes::register_path;
use super::{App, Editing, LevelTarget, Overlay, Pane, Pending, Subject};
use crate::action::Action;
use crate::editor::TextInput;
use crate::form::{self, Field, Kind, Row};
use crate::model::{Level, Register, Risk};
use crate::store::ComponentFile;

impl App {
    pub(super) fn update_edit(&mut self, action: Action) {
        match action {
            Action::Edit => {
                if self.register.focus != Pane::Detail {
                    let pane = if self.register.focus == Pane::Components {
                        Pane::Components
                    } else {
                        Pane::Risks
                    };
                    self.register.focus = Pane::Detail;
                    self.register.subject = if pane == Pane::Components {
                        Subject::Component
                    } else {
                        Subject::Risk
                    };
                    self.register.row = 0;
                }
                self.start_edit();
            }
            Action::Level1 | Action::Level2 | Action::Level3 | Action::Level4 | Action::Level5 => {
                let value = match action {
                    Action::Level1 => 1,
                    Action::Level2 => 2,
                    Action::Level3 => 3,
                    Action::Level4 => 4,
                    _ => 5,
                };
                self.set_level(|_| Level::from_value(value), true);
            }
            Action::LevelUp => self.set_level(|l| Level::from_value(l.value() + 1), false),
            Action::LevelDown => {
                self.set_level(|l| Level::from_value(l.value().saturating_sub(1)), false);
            }
            Action::CycleStatus => {
                self.edit_risk("status", |risk| {
                    risk.status = form::next_status(risk.status);
                    Ok(())
                });
                self.ask_acceptance();
            }
            Action::AddRisk => self.add_risk(),
            Action::AddComponent => {
                self.overlay = Some(Overlay::NewComponent {
                    input: TextInput::new("", false),
                    error: None,
                });
            }
            Action::Delete => self.delete(),
            Action::ToggleDone => self.toggle_follow_up(),
            Action::MoveUp | Action::MoveDown => self.move_risk(action == Action::MoveUp),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Save => self.save(None, false),
            _ => {}
        }
    }

    /// A risk just made `accepted` says who accepts it and until when: the editor opens on the
    /// first of the two still empty (Esc leaves it for `check` to report).
    pub(super) fn ask_acceptance(&mut self) {
        let Some(risk) = self
            .selected_file()
            .and_then(ComponentFile::register)
            .zip(self.selected_risk_index())
            .and_then(|(reg, i)| reg.risks.get(i))
        else {
            return;
        };
        if risk.status != crate::model::Status::Accepted {
            return;
        }
        let focus = self.register.focus;
        let (field, ask) = if risk.accepted_by.trim().is_empty() {
            (Field::AcceptedBy, "who accepts this risk?")
        } else if risk.accepted_until.is_none() {
            (Field::AcceptedUntil, "until when? YYYY-MM-DD")
        } else {
            self.end_acceptance();
            return;
        };
        self.edit_field(field);
        if self.editing.is_some() {
            self.register.accepting_from.get_or_insert(focus);
            self.say(format!("accepted: {ask}"));
        }
    }

    /// Marks the follow-up selected in the risk's form done, or open again: one undoable edit.
    fn toggle_follow_up(&mut self) {
        let row = self.form_rows().get(self.register.row).copied();
        let item = match row {
            Some(Row {
                field: Field::FollowUps,
                item: Some(item),
            }) if self.register.focus == Pane::Detail => item,
            _ => {
                let key = self.key_hint(Action::ToggleDone);
                self.say(format!(
                    "{key} marks a follow-up done: select one in the risk's form"
                ));
                return;
            }
        };
        let mut done = None;
        self.edit_risk("a follow-up", |risk| {
            let f = risk.follow_ups.get_mut(item).ok_or("no such follow-up")?;
            f.status = match f.status {
                crate::model::FollowUpStatus::Open => crate::model::FollowUpStatus::Done,
                crate::model::FollowUpStatus::Done => crate::model::FollowUpStatus::Open,
            };
            done = Some((f.status, f.text.clone()));
            Ok(())
        });
        if let Some((status, text)) = done {
            let undo = self.key_hint(Action::Undo);
            self.say(format!(
                "follow-up {status}: {} ({undo} undoes)",
                crate::core::text::truncate(&text, 50)
            ));
        }
    }

    /// The acceptance questions are answered or left: the keyboard goes back where it was.
    pub(super) fn end_acceptance(&mut self) {
        if let Some(focus) = self.register.accepting_from.take() {
            self.register.focus = focus;
        }
    }

    /// Edits the selected risk; `what` names the change for the status line and undo.
    pub(super) fn edit_risk(
        &mut self,
        what: &str,
        edit: impl FnOnce(&mut Risk) -> Result<(), String>,
    ) {
        let (Some(path), Some(index)) = (self.selected_path(), self.selected_risk_index()) else {
            self.say("select a risk first");
            return;
        };
        let name = self.risk_name(index);
        let result = self.keep_risk_selected_result(|app| {
            app.change(format!("set {what} of {name}"), &path, |reg| {
                edit(&mut reg.risks[index])
            })
        });
        if let Err(reason) = result {
            self.say(reason);
        }
    }

    pub(super) fn keep_risk_selected_result(
        &mut self,
        f: impl FnOnce(&mut App) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut result = Ok(());
        self.keep_risk_selected(|app| result = f(app));
        result
    }

    pub(super) fn risk_name(&self, index: usize) -> String {
        self.selected_file()
            .and_then(ComponentFile::register)
            .map(|reg| format!("{}/{}", reg.component, reg.risks[index].id))
            .unwrap_or_default()
    }

    /// Sets likelihood or impact: the field selected in the detail form, else the level target
    /// (a digit sets likelihood, the next one impact).
    pub(super) fn set_level(&mut self, level: impl Fn(Level) -> Option<Level>, advance: bool) {
        let row_field = (self.register.focus == Pane::Detail && self.shows_risk())
            .then(|| self.form_rows().get(self.register.row).map(|r| r.field))
            .flatten();
        let target = match row_field {
            Some(Field::Likelihood) => LevelTarget::Likelihood,
            Some(Field::Impact) => LevelTarget::Impact,
            _ => self.register.level_target,
        };
        let mut set_to = None;
        let what = if target == LevelTarget::Likelihood {
            "likelihood"
        } else {
            "impact"
        };
        self.edit_risk(what, |risk| {
            let slot = if target == LevelTarget::Likelihood {
                &mut risk.likelihood
            } else {
                &mut risk.impact
            };
            if let Some(new) = level(*slot) {
                *slot = new;
                set_to = Some((new, risk.score()));
            }
            Ok(())
        });
        if let Some((new, score)) = set_to {
            // On the Likelihood or Impact row a digit sets that field only; anywhere else digits
            // go likelihood, then impact.
            let on_level_row = matches!(row_field, Some(Field::Likelihood | Field::Impact));
            let next = if advance && !on_level_row && target == LevelTarget::Likelihood {
                self.register.level_target = LevelTarget::Impact;
                "; next digit sets impact"
            } else {
                self.register.level_target = LevelTarget::Likelihood;
                ""
            };
            self.say(format!(
                "{what} {new} ({}), score {score}{next}",
                new.value()
            ));
            if self.register.quick_add && target == LevelTarget::Impact {
                // The workshop flow goes on: detection, then Tab, mitigation.
                self.edit_field(Field::Detection);
                self.say(format!(
                    "score {score}: now detection, Tab: mitigation, Enter: done, Esc: stop here"
                ));
            }
        }
    }

    /// Opens the line editor on a field of the selected risk or component.
    pub(super) fn edit_field(&mut self, field: Field) {
        if let Some(row) = self.form_rows().iter().position(|r| r.field == field) {
            self.register.focus = Pane::Detail;
            self.register.subject = if field.is_component_field() {
                Subject::Component
            } else {
                Subject::Risk
            };
            self.register.row = row;
            self.start_edit();
        }
    }

    /// Tab / Shift-Tab while editing: the value is kept, and the next (previous) field that
    /// takes text opens; levels and status are stepped over.
    pub(super) fn edit_next_field(&mut self, forward: bool) {
        let rows = self.form_rows();
        let editable = |r: &Row| !matches!(r.field.kind(), Kind::Level | Kind::Status);
        let next = if forward {
            rows.iter()
                .enumerate()
                .skip(self.register.row + 1)
                .find(|(_, r)| editable(r))
        } else {
            rows.iter()
                .enumerate()
                .take(self.register.row)
                .rev()
                .find(|(_, r)| editable(r))
        };
        if let Some((row, _)) = next {
            self.register.row = row;
            self.start_edit();
        }
    }

    fn add_risk(&mut self) {
        let Some(path) = self.selected_path() else {
            self.say("add a component first (n)");
            return;
        };
        let Some(reg) = self.current(&path) else {
            let reason = self.unloadable(&path);
            self.say(reason);
            return;
        };
        let taken: Vec<&str> = reg.risks.iter().map(|r| r.id.as_str()).collect();
        let id = form::unique_id("new risk", &taken);
        let component = reg.component.clone();
        let risk = Risk::new(&id, "New risk");
        if let Err(reason) = self.change(format!("add risk to {component}"), &path, |reg| {
            reg.risks.push(risk);
            Ok(())
        }) {
            self.say(reason);
            return;
        }
        // Show it where it lands, and type its title straight away.
        self.set_filter(None);
        self.select_risk(&id);
        self.register.focus = Pane::Detail;
        self.register.subject = Subject::Risk;
        self.register.row = 0;
        self.editing = Some(Editing {
            row: Row {
                field: Field::RiskTitle,
                item: None,
            },
            input: TextInput::new("", false),
            error: None,
            new_risk: true,
        });
        self.register.quick_add = true;
        self.say("new risk: type its title, Enter to keep, Esc to drop it");
    }

    fn delete(&mut self) {
        let Some(path) = self.selected_path() else {
            return;
        };
        // A list item in the detail form goes without asking (undo brings it back).
        if self.register.focus == Pane::Detail
            && let Some(row) = self.form_rows().get(self.register.row).copied()
            && row.item.is_some()
        {
            let risk = self.form_risk();
            let result = self.change(format!("remove a {} item", row.field.key()), &path, |reg| {
                form::remove_item(reg, risk, row);
                Ok(())
            });
            if let Err(reason) = result {
                self.say(reason);
            }
            return;
        }
        let Some(reg) = self.current(&path) else {
            let reason = self.unloadable(&path);
            self.say(reason);
            return;
        };
        let (question, pending) = match (self.register.focus, self.selected_risk_index()) {
            (Pane::Risks | Pane::Detail, Some(i)) if self.shows_risk() => {
                let risk = &reg.risks[i];
                (
                    format!(
                        "Delete risk {}/{} “{}”?",
                        reg.component, risk.id, risk.title
                    ),
                    Pending::DeleteRisk {
                        path,
                        id: risk.id.clone(),
                    },
                )
            }
            _ => {
                let dependents = self.dependents(&reg.component);
                let references = if dependents.is_empty() {
                    String::new()
                } else {
                    format!(
                        " {} depend{} on it: their depends_on loses it too, in the same change.",
                        dependents.join(", "),
                        if dependents.len() == 1 { "s" } else { "" }
                    )
                };
                (
                    format!(
                        "Delete component {} and its {}? Its file is removed when you save.{references}",
                        reg.component,
                        crate::finding::plural(reg.risks.len(), "risk")
                    ),
                    Pending::DeleteComponent { path },
                )
            }
        };
        self.overlay = Some(Overlay::Confirm { question, pending });
    }

    /// Carries out what a confirmation popup asked about.
    pub(super) fn confirmed(&mut self, pending: Pending) {
        match pending {
            Pending::RunStep(step) => self.start_run(*step),
            Pending::DeleteRisk { path, id } => {
                let result = self.change(format!("delete risk {id}"), &path, |reg| {
                    reg.risks.retain(|r| r.id != id);
                    Ok(())
                });
                if let Err(reason) = result {
                    self.say(reason);
                }
                self.register.risk = self
                    .register
                    .risk
                    .min(self.risk_order().len().saturating_sub(1));
                self.register.row = 0;
            }
            Pending::StubRunbook { path, id, file } => self.stub_runbook(&path, &id, &file),
            Pending::WriteBack {
                risks,
                write_back,
                follow_ups,
            } => {
                self.write_back(&risks, write_back.as_ref(), &follow_ups, false);
            }
            Pending::DeleteComponent { path } => {
                let before = self.current(&path).cloned();
                let id = before
                    .as_ref()
                    .map(|r| r.component.clone())
                    .unwrap_or_default();
                let mut files = vec![crate::history::FileChange {
                    path: path.clone(),
                    before,
                    after: None,
                }];
                // Components that depend on it lose the reference, so `check` stays clean.
                let dependents = self.dependents(&id);
                for dependent in &dependents {
                    let dep_path = register_path(dependent);
                    if let Some(reg) = self.current(&dep_path).cloned() {
                        let mut after = reg.clone();
                        after.depends_on.retain(|d| *d != id);
                        files.push(crate::history::FileChange {
                            path: dep_path,
                            before: Some(reg),
                            after: Some(after),
                        });
                    }
                }
                let also = if dependents.is_empty() {
                    String::new()
                } else {
                    format!(" and its references in {}", dependents.join(", "))
                };
                self.record(crate::history::Change {
                    runbooks: Vec::new(),
                    label: format!("delete component {id}{also}"),
                    files,
                });
                self.register.focus = Pane::Components;
            }
        }
    }

    /// The components whose `depends_on` names `id`.
    fn dependents(&self, id: &str) -> Vec<String> {
        self.ws
            .registers()
            .filter(|reg| reg.component != id && reg.depends_on.iter().any(|d| d == id))
            .map(|reg| reg.component.clone())
            .collect()
    }

    fn move_risk(&mut self, up: bool) {
        let (Some(path), Some(index)) = (self.selected_path(), self.selected_risk_index()) else {
            return;
        };
        let target = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1)
        };
        let Some(target) = target else { return };
        let name = self.risk_name(index);
        // Moving is in file order: show that order, still on the same risk.
        self.keep_risk_selected(|app| app.register.file_order = true);
        let result = self.keep_risk_selected_result(|app| {
            app.change(
                format!("move {name} {}", if up { "up" } else { "down" }),
                &path,
                |reg| {
                    if target < reg.risks.len() {
                        reg.risks.swap(index, target);
                    }
                    Ok(())
                },
            )
        });
        if let Err(reason) = result {
            self.say(reason);
        }
    }

    /// Creates a component from the id typed in the "new component" popup.
    pub(super) fn create_component(&mut self, input: &TextInput) -> Option<Overlay> {
        let typed = input.text().trim().to_owned();
        // "Search API" becomes `search-api`: an id is made from what was typed, not refused.
        let id = crate::check::suggest_id(&typed);
        let refuse = |error: String| {
            Some(Overlay::NewComponent {
                input: input.clone(),
                error: Some(error),
            })
        };
        if !crate::check::is_valid_id(&id) {
            return refuse(format!(
                "`{typed}` makes no id: use letters or digits (e.g. `search-api`)"
            ));
        }
        let path = register_path(&id);
        if self.ws.components.iter().any(|c| c.path == path) || self.ws.root.join(&path).exists() {
            return refuse(format!(
                "{} already exists",
                crate::sanitize::QuotedPath(&path)
            ));
        }
        let register = new_register(&id);
        self.record(crate::history::Change {
            runbooks: Vec::new(),
            label: format!(
                "add component {id} ({} is written when you save)",
                crate::sanitize::QuotedPath(&path)
            ),
            files: vec![crate::history::FileChange {
                path: path.clone(),
                before: None,
                after: Some(register),
            }],
        });
        self.set_filter(None);
        self.select_path(&path);
        self.register.focus = Pane::Detail;
        self.register.subject = Subject::Component;
        self.register.row = 0;
        None
    }
}

/// A new, empty register for a component id: its title is the id in words, to be edited.
pub fn new_register(id: &str) -> Register {
    Register::new(id)
}
