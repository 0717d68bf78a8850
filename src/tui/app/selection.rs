//! The selection follows identity, not rows: the component by its file, the risk by its id. Every
//! change to what the lists show (a filter, the sort order, a move, an edit, undo and redo, a
//! reload from disk, a finder jump) goes through `reselect`, so the form below always shows the
//! risk the person was looking at; when that risk is gone, the one now in its place.

use super::{App, Pane};
use crate::model::Register;
use crate::store::ComponentFile;
use std::path::{Path, PathBuf};

/// What is selected, by identity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    pub path: Option<PathBuf>,
    /// The selected risk's id, when the component has one selected.
    pub risk: Option<String>,
    /// Where that risk was shown, for choosing the nearest one when it is gone.
    pub position: usize,
}

impl App {
    /// The selection as identities.
    pub fn selection(&self) -> Selection {
        Selection {
            path: self.selected_path(),
            risk: self.selected_risk_id(),
            position: self.register.risk,
        }
    }

    /// The selected risk's id.
    pub fn selected_risk_id(&self) -> Option<String> {
        let reg = self.selected_file().and_then(ComponentFile::register)?;
        let index = self.order_of(reg).get(self.register.risk).copied()?;
        Some(reg.risks[index].id.clone())
    }

    /// Selects again what `selection` names, as far as it is still shown: the same component
    /// (else the one now at its place), the same risk (else the nearest one by position).
    #[allow(clippy::needless_pass_by_value)] // a selection is taken, then used up
    pub(super) fn reselect(&mut self, selection: Selection) {
        if let Some(pos) = selection.path.as_deref().and_then(|p| self.position_of(p)) {
            self.register.component = pos;
        }
        self.register.component = self
            .register
            .component
            .min(self.register.visible.len().saturating_sub(1));
        let same_component = selection.path.is_some() && self.selected_path() == selection.path;
        let shown = self.risk_order().len();
        let found = selection
            .risk
            .as_deref()
            .filter(|_| same_component)
            .is_some_and(|id| self.select_risk(id));
        if !found {
            self.register.risk = if same_component {
                selection.position.min(shown.saturating_sub(1))
            } else {
                0
            };
        }
        if !same_component || (!found && selection.risk.is_some()) {
            self.register.row = 0;
        }
    }

    /// Recomputes which components the list shows, keeping the selection on the same risk.
    pub(super) fn refresh_visible(&mut self) {
        self.change_what_is_shown(|_| {});
    }

    /// Changes what the lists show (a filter, a scope) with `f`, then shows it with the
    /// selection kept on the same risk where it is still shown: the one way every filter goes.
    pub(super) fn change_what_is_shown(&mut self, f: impl FnOnce(&mut App)) {
        let selection = self.selection();
        f(self);
        self.recompute_visible();
        self.reselect(selection);
    }

    /// Limits the lists and the heat map to some components (`None`: all).
    pub(super) fn set_scope(&mut self, scope: Option<(String, Vec<String>)>) {
        self.change_what_is_shown(|app| app.register.scope = scope);
    }

    /// Sets or clears the heat-map filter, keeping the selected risk if it is still shown.
    pub(super) fn set_filter(
        &mut self,
        filter: Option<(crate::model::Level, crate::model::Level)>,
    ) {
        self.change_what_is_shown(|app| app.register.filter = filter);
    }

    /// Sets or clears the `/` text filter, keeping the selected risk if it is still shown.
    pub(super) fn set_text_filter(&mut self, text: Option<String>) {
        self.change_what_is_shown(|app| {
            app.register.text_filter = text.filter(|t| !t.trim().is_empty());
        });
    }

    /// Which components the list shows: all, or those with a risk in the heat-map filter, and
    /// those whose name or risks contain the `/` text.
    pub(super) fn recompute_visible(&mut self) {
        let text = self.register.text_filter.as_deref().map(str::to_lowercase);
        self.register.visible = (0..self.ws.components.len())
            .filter(|&i| {
                let file = &self.ws.components[i];
                if let Some((_, ids)) = &self.register.scope
                    && !ids.contains(&file.stem)
                {
                    return false;
                }
                let Some(reg) = file.register() else {
                    // A file that did not load is shown unless a filter asks for risks.
                    return self.register.filter.is_none()
                        && text
                            .as_deref()
                            .is_none_or(|t| file.stem.to_lowercase().contains(t));
                };
                let has_risks = !self.order_of(reg).is_empty();
                match (self.register.filter, &text) {
                    (None, None) => true,
                    (Some(_), _) => has_risks,
                    (None, Some(t)) => has_risks || component_matches(reg, t),
                }
            })
            .collect();
    }

    fn position_of(&self, path: &Path) -> Option<usize> {
        self.register
            .visible
            .iter()
            .position(|&i| self.ws.components[i].path == path)
    }

    /// Selects the component whose file is `path`; a different component starts at its first
    /// risk. What hides it is cleared (`reveal`): going to a component that stays hidden would
    /// leave the selection on another one.
    pub(super) fn select_path(&mut self, path: &Path) {
        if self.position_of(path).is_none() && self.ws.components.iter().any(|c| c.path == path) {
            self.reveal(path);
        }
        if let Some(pos) = self.position_of(path) {
            if pos != self.register.component {
                self.register.risk = 0;
                self.register.row = 0;
            }
            self.register.component = pos;
        }
    }

    /// Clears what hides the component at `path`: the heat-map filter, then the `/` filter,
    /// then the scope, each only while the component is still hidden; and says so.
    fn reveal(&mut self, path: &Path) {
        type Narrowing = (fn(&App) -> bool, fn(&mut App));
        const NARROWINGS: [Narrowing; 3] = [
            (
                |app| app.register.filter.is_some(),
                |app| app.register.filter = None,
            ),
            (
                |app| app.register.text_filter.is_some(),
                |app| app.register.text_filter = None,
            ),
            (
                |app| app.register.scope.is_some(),
                |app| app.register.scope = None,
            ),
        ];
        let mut cleared = false;
        for (set, clear) in NARROWINGS {
            if self.position_of(path).is_some() {
                break;
            }
            if set(self) {
                self.change_what_is_shown(clear);
                cleared = true;
            }
        }
        if !cleared {
            return;
        }
        if NARROWINGS.iter().any(|(set, _)| set(self)) {
            self.say("a filter hid the component asked for: it is cleared");
        } else {
            self.say("every component shown again: a filter hid the one asked for");
        }
    }

    /// Selects the risk with `id` in the selected component; false when it is not shown.
    pub(super) fn select_risk(&mut self, id: &str) -> bool {
        let Some(reg) = self.selected_file().and_then(ComponentFile::register) else {
            return false;
        };
        let order = self.order_of(reg);
        match order.iter().position(|&r| reg.risks[r].id == id) {
            Some(pos) => {
                self.register.risk = pos;
                true
            }
            None => false,
        }
    }

    /// Runs `f`, then puts the selection back on the same risk (its place in the order may move).
    pub(super) fn keep_risk_selected(&mut self, f: impl FnOnce(&mut App)) {
        let selection = self.selection();
        f(self);
        self.reselect(selection);
    }

    /// Shows the risk `id` of the component at `path`: clears a filter that hides it, and
    /// focuses the risks list if the components list had the focus.
    pub(super) fn show_risk(&mut self, path: &Path, id: &str) {
        if self.register.filter.is_some() && !self.is_shown(path, id) {
            self.set_filter(None);
        }
        self.select_path(path);
        if self.selected_path().as_deref() == Some(path) && self.select_risk(id) {
            if self.register.focus == Pane::Components {
                self.register.focus = Pane::Risks;
            }
            if self.register.focus == Pane::Detail {
                self.register.subject = super::Subject::Risk;
            }
        }
    }

    fn is_shown(&self, path: &Path, id: &str) -> bool {
        self.position_of(path).is_some()
            && self
                .current(path)
                .is_some_and(|reg| self.order_of(reg).iter().any(|&r| reg.risks[r].id == id))
    }
}

/// Whether the component's own id or title contains `text` (lowercase).
pub fn component_matches(reg: &Register, text: &str) -> bool {
    reg.component.to_lowercase().contains(text) || reg.title.to_lowercase().contains(text)
}

/// Whether a risk's id, title, detection or mitigation contains `text` (lowercase).
pub fn risk_matches(risk: &crate::model::Risk, text: &str) -> bool {
    [&risk.id, &risk.title, &risk.detection, &risk.mitigation]
        .iter()
        .any(|field| field.to_lowercase().contains(text))
}

/// The risk a change is about: the first one added or changed by it, else (a pure reorder) the
/// first that moved; `None` when it only removed risks or touched the component's own fields.
pub fn changed_risk(before: Option<&Register>, after: Option<&Register>) -> Option<String> {
    let after = after?;
    let changed = after.risks.iter().find(|risk| {
        before.is_none_or(|b| b.risks.iter().find(|r| r.id == risk.id) != Some(*risk))
    });
    let moved = || {
        let before = before?;
        (before.risks.len() == after.risks.len())
            .then(|| {
                after
                    .risks
                    .iter()
                    .zip(&before.risks)
                    .find(|(a, b)| a.id != b.id)
                    .map(|(a, _)| a)
            })
            .flatten()
    };
    changed.or_else(moved).map(|risk| risk.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(ids: &[&str]) -> Register {
        let mut reg = crate::app::new_register("x");
        for id in ids {
            reg.risks.push(crate::model::Risk::new(id, id));
        }
        reg
    }

    #[test]
    fn the_changed_risk_is_the_first_that_differs() {
        let a = reg(&["one", "two", "three"]);
        let mut b = a.clone();
        b.risks[2].title = "Three".into();
        assert_eq!(changed_risk(Some(&a), Some(&b)).as_deref(), Some("three"));
        assert_eq!(changed_risk(Some(&b), Some(&a)).as_deref(), Some("three"));
        let removed = reg(&["one", "three"]);
        assert_eq!(changed_risk(Some(&a), Some(&removed)), None);
        assert_eq!(
            changed_risk(Some(&removed), Some(&a)).as_deref(),
            Some("two")
        );
        let swapped = reg(&["two", "one", "three"]);
        assert_eq!(
            changed_risk(Some(&a), Some(&swapped)).as_deref(),
            Some("two")
        );
    }
}
