//! The finder popup: typing narrows the matches, Enter goes to the component, risk, runbook or
//! heading; `:w`, `:q`, `:wq` and `:q!` typed there act like vim's.

use super::{App, Overlay, Pane, View, edit_text, move_by};
use crate::action::Action;
use crate::editor::TextInput;
use crate::effects::Effect;
use crate::search::{Matches, Target};

/// The finder popup's state.
pub struct FinderState {
    pub input: TextInput,
    pub matches: Matches,
    pub selected: usize,
    pub searcher: crate::search::Searcher,
}

impl App {
    pub(super) fn open_finder(&mut self) {
        let mut searcher = crate::search::Searcher::new();
        let matches = self.search.search(&mut searcher, "", None);
        self.overlay = Some(Overlay::Finder(Box::new(FinderState {
            input: TextInput::new("", false),
            matches,
            selected: 0,
            searcher,
        })));
    }

    pub(super) fn refresh_finder(&mut self) {
        let Some(Overlay::Finder(finder)) = self.overlay.as_mut() else {
            return;
        };
        let query = finder.input.text().to_owned();
        let matches = self
            .search
            .search(&mut finder.searcher, &query, Some(&finder.matches));
        finder.matches = matches;
        finder.selected = 0;
    }

    pub(super) fn update_finder(
        &mut self,
        mut finder: Box<FinderState>,
        action: Action,
    ) -> Option<Overlay> {
        match action {
            Action::Back | Action::EditCancel => None,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                finder.selected = move_by(finder.selected, action, finder.matches.items.len());
                Some(Overlay::Finder(finder))
            }
            Action::Select | Action::EditCommit => {
                let query = finder.input.text().trim();
                if let Some(command) = self.finder_command(query) {
                    command(self);
                    return None;
                }
                let target = finder
                    .matches
                    .items
                    .get(finder.selected)
                    .map(|&i| self.search.items[i as usize].target.clone());
                if let Some(target) = target {
                    self.go_to(&target);
                }
                None
            }
            other => {
                let before = finder.input.text().to_owned();
                edit_text(&mut finder.input, other);
                let changed = finder.input.text() != before;
                self.overlay = Some(Overlay::Finder(finder));
                if changed {
                    // Deleting text widens the search: start from scratch.
                    if let Some(Overlay::Finder(f)) = self.overlay.as_mut() {
                        f.matches = Matches::default();
                    }
                    self.refresh_finder();
                }
                None
            }
        }
    }

    /// Vim's `:w`, `:q`, `:wq`, `:q!` typed in the finder.
    fn finder_command(&self, query: &str) -> Option<fn(&mut App)> {
        match query {
            "w" => Some(|app| app.update_edit(Action::Save)),
            "q" => Some(App::request_quit),
            "wq" | "x" => Some(|app| {
                if app.read_only {
                    app.request_quit();
                } else {
                    app.effects.push_back(Effect::Save {
                        overwrite: None,
                        then_quit: true,
                    });
                }
            }),
            "q!" => Some(|app| {
                app.effects.push_back(Effect::ClearJournal);
                app.should_quit = true;
            }),
            _ => None,
        }
    }

    /// Shows a finder result.
    pub fn go_to(&mut self, target: &Target) {
        // From a runbook to the register: Backspace there comes back to this page.
        if self.view == View::Runbook
            && !matches!(target, Target::Runbook { .. })
            && let Some(location) = self.viewer_location()
        {
            self.places.push(super::Place::Runbook(location));
        }
        self.view = View::Register;
        match target {
            Target::Component { id } => {
                let path = super::changes::register_path(id);
                if self.filter.is_some()
                    && !self
                        .visible
                        .iter()
                        .any(|&i| self.ws.components[i].path == path)
                {
                    self.set_filter(None);
                }
                self.select_path(&path);
                self.focus = Pane::Components;
            }
            Target::Risk { component, id } => {
                let path = super::changes::register_path(component);
                self.focus = Pane::Risks;
                self.show_risk(&path, id);
            }
            Target::Runbook { path, anchor } => self.open_runbook(path, anchor.as_deref()),
        }
    }
}
