//! The register view's keys: moving through components, risks and the form, the heat map and
//! its filter, the `/` filter line, and the jumps to other views and back.

use super::{App, LevelTarget, Overlay, Pane, Place, Subject, View, edit_text, move_by};
use crate::action::Action;
use crate::editor::TextInput;
use crate::effects::Show;
use crate::form;
use crate::model::{Level, Register};
use crate::store::ComponentFile;

impl App {
    pub(super) fn update_register(&mut self, action: Action) {
        // The workshop flow of a new risk goes on through its two digits only.
        if !matches!(
            action,
            Action::Level1 | Action::Level2 | Action::Level3 | Action::Level4 | Action::Level5
        ) {
            self.register.quick_add = false;
        }
        match action {
            Action::Quit => self.request_quit(),
            // Esc closes and clears, but never quits: q does (as in lazygit, k9s, gitui).
            Action::Back => {
                if self.register.text_filter.is_some() {
                    self.set_text_filter(None);
                    self.say("text filter cleared");
                } else if self.register.scope.is_some() {
                    self.set_scope(None);
                    self.say("showing every component again");
                } else if self.register.filter.is_some() {
                    self.set_filter(None);
                    self.say("filter cleared");
                } else {
                    let quit = self.key_hint(Action::Quit);
                    self.say(format!("nothing to close ({quit} quits)"));
                }
            }
            Action::GoBack => self.go_back(),
            Action::Help => self.open_help(),
            Action::Findings => self.overlay = Some(Overlay::Findings { selected: 0 }),
            Action::HeatMap => {
                self.register.coverage = None;
                self.view = View::HeatMap;
            }
            Action::Coverage => self.open_coverage(),
            Action::Finder => self.open_finder(),
            Action::CommandLine => self.open_command_line(),
            Action::BlastRadius => self.open_blast(),
            Action::Filter => {
                let text = self.register.text_filter.clone().unwrap_or_default();
                self.register.filter_input = Some(TextInput::new(&text, false));
            }
            Action::NextPane | Action::FocusRight => self.focus_to(self.register.focus.step(true)),
            Action::PrevPane | Action::FocusLeft => self.focus_to(self.register.focus.step(false)),
            Action::Select => match self.register.focus {
                Pane::Components => {
                    self.register.subject = Subject::Component;
                    self.register.focus = Pane::Detail;
                    self.register.row = 0;
                }
                Pane::Risks => self.focus_to(Pane::Detail),
                // Enter on the runbook row opens it; `i` edits the link.
                Pane::Detail
                    if self
                        .form_rows()
                        .get(self.register.row)
                        .is_some_and(|r| r.field == form::Field::Runbook)
                        && self.form_risk().is_some_and(|i| {
                            self.selected_file()
                                .and_then(ComponentFile::register)
                                .is_some_and(|r| !r.risks[i].runbook.is_empty())
                        }) =>
                {
                    self.open_selected_runbook();
                }
                Pane::Detail => self.start_edit(),
            },
            Action::OpenRunbook => self.open_selected_runbook(),
            Action::OpenEditor => self.edit_register_file(),
            a if a.is_movement() => {
                self.navigate(action);
            }
            Action::ToggleOrder => {
                self.keep_risk_selected(|app| app.register.file_order = !app.register.file_order);
                self.say(if self.register.file_order {
                    "risks in file order"
                } else {
                    "risks by score"
                });
            }
            _ => self.update_edit(action),
        }
    }

    /// `B` on a component: what its failure reaches through `depends_on`.
    pub(super) fn open_blast(&mut self) {
        let Some(reg) = self.selected_file().and_then(ComponentFile::register) else {
            self.say("select a component that loads first");
            return;
        };
        let id = reg.component.clone();
        let registers: Vec<&Register> = self.ws.registers().collect();
        if let Some(blast) = crate::blast::blast(&registers, &id) {
            self.overlay = Some(Overlay::Blast {
                blast: Box::new(blast),
                selected: 0,
            });
        }
    }

    /// Backspace in the register: back to the place a jump left (the runbook whose backlinks
    /// led here).
    pub(super) fn go_back(&mut self) {
        match self.places.pop() {
            Some(Place::Runbook(location)) => {
                self.read_runbook(&location.path, Show::At(location.scroll));
            }
            Some(Place::Register(selection, pane)) => {
                self.view = View::Register;
                self.register.focus = pane;
                self.reselect(selection);
            }
            Some(Place::Timeline) if self.timeline.is_some() => self.view = View::Timeline,
            Some(Place::Timeline) | None => self.say("nothing to go back to"),
        }
    }

    pub(super) fn focus_to(&mut self, pane: Pane) {
        if pane == Pane::Detail && self.register.focus == Pane::Risks {
            self.register.subject = Subject::Risk;
            self.register.row = 0;
        }
        if pane == Pane::Detail && self.register.focus == Pane::Components {
            self.register.subject = Subject::Component;
            self.register.row = 0;
        }
        self.register.focus = pane;
    }

    pub(super) fn navigate(&mut self, action: Action) {
        self.register.level_target = LevelTarget::Likelihood;
        self.register.quick_add = false;
        match self.register.focus {
            Pane::Components => {
                let moved = move_by(self.register.component, action, self.register.visible.len());
                if moved != self.register.component {
                    self.register.component = moved;
                    self.register.risk = 0;
                    self.register.row = 0;
                }
            }
            Pane::Risks => {
                let moved = move_by(self.register.risk, action, self.risk_order().len());
                if moved != self.register.risk {
                    self.register.risk = moved;
                    self.register.row = 0;
                }
            }
            Pane::Detail => {
                self.register.row = move_by(self.register.row, action, self.form_rows().len());
            }
        }
    }

    /// The coverage grid, on the selected component.
    pub(super) fn open_coverage(&mut self) {
        let selected = self
            .selected_file()
            .and_then(crate::store::ComponentFile::register)
            .map(|r| r.component.clone());
        let rows = crate::coverage::of(&self.ws).rows;
        let at = selected
            .and_then(|c| rows.iter().position(|r| r.component == c))
            .unwrap_or(0);
        self.register.coverage = Some(at);
        self.view = View::HeatMap;
    }

    fn update_coverage(&mut self, row: usize, action: Action) {
        let rows = crate::coverage::of(&self.ws).rows;
        match action {
            a if a.is_movement() => {
                self.register.coverage = Some(super::move_by(row, action, rows.len()));
            }
            Action::Select => {
                if let Some(r) = rows.get(row) {
                    let component = r.component.clone();
                    self.view = View::Register;
                    self.register.coverage = None;
                    self.register.focus = super::Pane::Components;
                    let path = self.component_path(&component);
                    self.select_path(&path);
                }
            }
            Action::HeatMap => self.register.coverage = None,
            Action::Coverage | Action::Back | Action::GoBack => {
                self.register.coverage = None;
                self.view = View::Register;
            }
            Action::Quit => self.request_quit(),
            Action::Help => self.open_help(),
            _ => {}
        }
    }

    pub(super) fn update_heat_map(&mut self, action: Action) {
        if let Some(row) = self.register.coverage {
            self.update_coverage(row, action);
            return;
        }
        let (l, i) = self.register.heat_cursor;
        let step = |level: Level, up: bool| {
            let v = level.value();
            Level::from_value(if up {
                (v + 1).min(5)
            } else {
                v.saturating_sub(1).max(1)
            })
            .unwrap_or(level)
        };
        match action {
            Action::Up => self.register.heat_cursor = (step(l, true), i),
            Action::Down => self.register.heat_cursor = (step(l, false), i),
            Action::FocusRight => self.register.heat_cursor = (l, step(i, true)),
            Action::FocusLeft => self.register.heat_cursor = (l, step(i, false)),
            Action::Select => {
                self.set_filter(Some(self.register.heat_cursor));
                self.view = View::Register;
                self.register.focus = Pane::Risks;
                let count = self.register.visible.len();
                self.say(format!(
                    "likelihood {l} × impact {i}: {} (Esc clears the filter)",
                    crate::finding::plural(count, "component")
                ));
            }
            Action::HeatMap | Action::Back | Action::GoBack => self.view = View::Register,
            Action::Coverage => self.open_coverage(),
            Action::Quit => self.request_quit(),
            Action::Help => self.open_help(),
            Action::Finder => self.open_finder(),
            Action::CommandLine => self.open_command_line(),
            Action::Findings => self.overlay = Some(Overlay::Findings { selected: 0 }),
            Action::Save | Action::Undo | Action::Redo => self.update_edit(action),
            _ => {}
        }
    }

    /// Keys while the `/` filter line is open: typing filters as you go, Enter keeps the
    /// filter, Esc drops it.
    pub(super) fn update_filter_input(&mut self, mut input: TextInput, action: Action) {
        match action {
            Action::EditCommit => {
                if input.text().trim().is_empty() {
                    self.set_text_filter(None);
                } else {
                    let shown = self.register.visible.len();
                    self.say(format!(
                        "filter “{}”: {} (Esc clears it)",
                        input.text().trim(),
                        crate::finding::plural(shown, "component")
                    ));
                }
            }
            Action::EditCancel => self.set_text_filter(None),
            other => {
                edit_text(&mut input, other);
                let text = input.text().to_owned();
                self.register.filter_input = Some(input);
                self.set_text_filter(Some(text));
            }
        }
    }

    /// `e` on a component: its register file in `$EDITOR`, reloaded after. Unsaved edits would
    /// be lost by the reload, so they must be saved or undone first.
    pub(super) fn edit_register_file(&mut self) {
        let Some(path) = self.selected_path() else {
            return;
        };
        if self.is_dirty(&path) {
            self.say(format!(
                "{} has unsaved edits: save (Ctrl-S) or undo them before editing the file",
                crate::sanitize::QuotedPath(&path)
            ));
            return;
        }
        self.terminal_requests
            .push(crate::effects::TerminalRequest::Editor(
                self.ws.root.join(&path),
            ));
    }
}
