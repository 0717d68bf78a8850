//! The finder popup: typing narrows the matches, Enter goes to the component, risk, runbook or
//! heading. Commands live on the `:` command line, never here: typing `w` Enter finds "w".

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
    /// No match holds every word of the query: the list is a set of guesses, and says so.
    pub weak: bool,
    /// Runbook sections ranked for the query by `Tab`, as `faultline runbook` ranks them
    /// (`None`: not searched since the query last changed). Shown first.
    pub text_hits: Option<Vec<crate::rank::Hit>>,
    /// The query changed since `matches` were found (or the index under them did): searched
    /// by `refresh_stale_finder` once the keys typed so far are handled and drawn, so a fast
    /// typist over an organisation's million lines waits for one search, not one per key.
    pub stale: bool,
}

impl FinderState {
    /// How many rows the list has: text hits first, then the fuzzy matches.
    pub fn rows(&self) -> usize {
        self.text_hits.as_ref().map_or(0, Vec::len) + self.matches.items.len()
    }
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
            text_hits: None,
            stale: false,
        })));
    }

    /// The finder's index changed under an open finder (the background load brought more):
    /// its matches point into the old one and would narrow the next search to them, so it
    /// searches afresh.
    pub(super) fn search_changed(&mut self) {
        if let Some(Overlay::Finder(finder)) = self.overlay.as_mut() {
            finder.matches = Matches::default();
            finder.selected = 0;
            finder.stale = true;
        }
    }

    /// Searches for the finder's query if it changed since the last search. Returns whether
    /// it searched to the end (false: given up because a key waits, or nothing to search).
    pub fn refresh_stale_finder(&mut self) -> bool {
        if let Some(Overlay::Finder(finder)) = self.overlay.as_mut()
            && finder.stale
        {
            refresh(&self.search, finder, self.input_pending);
            return !finder.stale;
        }
        false
    }

    pub(super) fn update_finder(
        &mut self,
        mut finder: Box<FinderState>,
        action: Action,
    ) -> Option<Overlay> {
        // Moving, choosing and the full-text search act on the matches of the query as typed.
        let acts_on_matches = matches!(
            action,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::SearchText
                | Action::Select
                | Action::EditCommit
        );
        if finder.stale && acts_on_matches {
            refresh(&self.search, &mut finder, None);
        }
        match action {
            Action::Back | Action::EditCancel => None,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                finder.selected = move_by(finder.selected, action, finder.rows());
                Some(Overlay::Finder(finder))
            }
            Action::SearchText => {
                let query = finder.input.text().trim().to_owned();
                if query.is_empty() {
                    self.say("type what to look for in the runbooks' text first");
                } else {
                    let drafts = self.draft_files();
                    self.effects.push_back(Effect::SearchText { query, drafts });
                }
                Some(Overlay::Finder(finder))
            }
            Action::Select | Action::EditCommit => {
                let hits = finder.text_hits.as_deref().unwrap_or_default();
                let target = match hits.get(finder.selected) {
                    Some(hit) => {
                        self.find_after_open = Some(finder.input.text().to_owned());
                        Some(Target::Runbook {
                            path: hit.path.clone(),
                            anchor: (!hit.anchor.is_empty()).then(|| hit.anchor.clone()),
                        })
                    }
                    None => finder
                        .matches
                        .items
                        .get(finder.selected - hits.len())
                        .map(|&i| self.search.target(i)),
                };
                if let Some(target) = target {
                    self.go_to(&target);
                }
                None
            }
            other => {
                let before = finder.input.text().to_owned();
                edit_text(&mut finder.input, other);
                // Searched before the next draw or action (a query that does not extend the last
                // one searched starts from scratch).
                finder.stale |= finder.input.text() != before;
                self.overlay = Some(Overlay::Finder(finder));
                None
            }
        }
    }

    /// The ranked runbook search came back: its sections lead the list, the one that clearly
    /// answers (if any) first.
    pub fn show_text_hits(&mut self, ranked: crate::rank::Ranked) {
        let Some(Overlay::Finder(finder)) = self.overlay.as_mut() else {
            return;
        };
        let mut hits = ranked.candidates;
        let message = if let Some(opened) = ranked.opened {
            hits.retain(|h| !(h.path == opened.path && h.anchor == opened.anchor));
            let message = format!(
                "in the runbooks: {} answers it ({}); Enter opens it",
                opened.heading, opened.why
            );
            hits.insert(0, opened);
            message
        } else if let Some(note) = ranked.note {
            note
        } else if ranked.empty {
            "only common words: type what you see".to_owned()
        } else if hits.is_empty() {
            "no runbook (nor any risk linking to one) holds any of these words".to_owned()
        } else if !ranked.unknown.is_empty() {
            format!(
                "no section clearly answers; no runbook holds {}: the closest first",
                ranked.unknown.join(", ")
            )
        } else {
            "no section clearly answers: the closest first".to_owned()
        };
        finder.text_hits = Some(hits);
        finder.selected = 0;
        self.say(message);
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
                let path = self.component_path(id);
                self.select_path(&path);
                self.register.focus = Pane::Components;
            }
            Target::Risk { component, id } => {
                let path = self.component_path(component);
                self.register.focus = Pane::Risks;
                self.show_risk(&path, id);
            }
            Target::Runbook { path, anchor } => self.open_runbook(path, anchor.as_deref()),
            Target::Alert {
                name,
                location,
                risk: Some(pair),
            } => {
                let (component, id) = &**pair;
                let path = self.component_path(component);
                self.register.focus = Pane::Risks;
                self.show_risk(&path, id);
                self.say(format!(
                    "alert {name} is named by {component}/{id} ({location})"
                ));
            }
            Target::Alert {
                name,
                location,
                risk: None,
            } => self.say(format!(
                "alert {name} is named by no risk: add it to a risk's Alerts ({location})"
            )),
        }
    }
}

/// Searches for the finder's query, narrowing the last matches when the query extends theirs;
/// given up, the finder still stale, as soon as `pending` says input is waiting (the next keys
/// are read, then it searches again).
fn refresh(
    search: &crate::search::SearchIndex,
    finder: &mut FinderState,
    pending: Option<fn() -> bool>,
) {
    let query = finder.input.text().to_owned();
    let stop = move || pending.is_some_and(|pending| pending());
    let Some(matches) =
        search.search_until(&mut finder.searcher, &query, Some(&finder.matches), &stop)
    else {
        return;
    };
    // A close match holds every word asked for; a negated word (`!x`) is asked to be absent.
    let wanted: Vec<&str> = query
        .split_whitespace()
        .filter(|w| !w.starts_with('!'))
        .collect();
    let words = crate::rank::words(&wanted.join(" "));
    finder.weak = !words.is_empty()
        && !matches.items.iter().take(FULL_MATCH_WINDOW).any(|&i| {
            let text = search.text(i).to_lowercase();
            words.iter().all(|w| text.contains(w.as_str()))
        });
    finder.matches = matches;
    finder.selected = 0;
    finder.text_hits = None;
    finder.stale = false;
}
