//! The finder popup: typing narrows the matches, Enter goes to the component, risk, runbook or
//! heading. Commands live on the `:` command line, never here: typing `w` Enter finds "w".

use super::{App, Overlay, Pane, View, edit_text, move_by};
use crate::action::Action;
use crate::editor::TextInput;
use crate::search::{Matches, Target};

/// The finder popup's state.
pub struct FinderState {
    pub input: TextInput,
    pub matches: Matches,
    pub selected: usize,
    pub searcher: crate::search::Searcher,
    /// No match holds every word of the query: the list is a set of guesses, and says so.
    pub weak: bool,
}

/// How many of the best matches are looked at for one that holds every word.
const FULL_MATCH_WINDOW: usize = 50;

impl App {
    pub(super) fn open_finder(&mut self) {
        let mut searcher = crate::search::Searcher::new();
        let matches = self.search.search(&mut searcher, "", None);
        self.overlay = Some(Overlay::Finder(Box::new(FinderState {
            input: TextInput::new("", false),
            matches,
            selected: 0,
            searcher,
            weak: false,
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
        let words = crate::runbook_find::words(&query);
        finder.weak = !words.is_empty()
            && !matches.items.iter().take(FULL_MATCH_WINDOW).any(|&i| {
                let text = self.search.items[i as usize].text.to_lowercase();
                words.iter().all(|w| text.contains(w.as_str()))
            });
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
