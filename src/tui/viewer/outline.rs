//! The outline: the runbook's headings as a tree beside the text (from `SIDE_TOC_FROM`
//! columns; `t` opens it over the text on a narrow screen). A heading with subsections folds
//! (`h`) and unfolds (`l`), `-` folds them all and `+` unfolds them all, and `/` keeps only
//! the headings holding the typed text (with the headings above them, for context).

use crate::editor::TextInput;
use crate::markdown::DocHeading;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    /// Headings folded: their subsections are hidden.
    pub folded: BTreeSet<usize>,
    /// Only headings whose text holds this (and their parents) are shown.
    pub filter: String,
    /// The filter being typed.
    pub typing: Option<TextInput>,
}

/// Whether heading `i` has subsections.
pub fn has_children(headings: &[DocHeading], i: usize) -> bool {
    headings
        .get(i + 1)
        .is_some_and(|next| next.level > headings[i].level)
}

impl Outline {
    /// The headings shown, in order (indices into `headings`).
    pub fn visible(&self, headings: &[DocHeading]) -> Vec<usize> {
        let filter = self.filter.trim().to_lowercase();
        if !filter.is_empty() {
            let mut keep = vec![false; headings.len()];
            for (i, h) in headings.iter().enumerate() {
                if !h.text.to_lowercase().contains(&filter) {
                    continue;
                }
                keep[i] = true;
                // Its parents: each earlier heading of a lower level than the last kept.
                let mut level = h.level;
                for j in (0..i).rev() {
                    if headings[j].level < level {
                        keep[j] = true;
                        level = headings[j].level;
                    }
                }
            }
            return (0..headings.len()).filter(|i| keep[*i]).collect();
        }
        let mut out = Vec::new();
        let mut hidden_below: Option<u8> = None;
        for (i, h) in headings.iter().enumerate() {
            if let Some(level) = hidden_below {
                if h.level > level {
                    continue;
                }
                hidden_below = None;
            }
            out.push(i);
            if self.folded.contains(&i) {
                hidden_below = Some(h.level);
            }
        }
        out
    }

    /// The shown heading nearest `i` (itself, else the folded one hiding it).
    pub fn nearest(&self, headings: &[DocHeading], i: usize) -> Option<usize> {
        let visible = self.visible(headings);
        visible
            .iter()
            .rev()
            .find(|v| **v <= i)
            .or(visible.first())
            .copied()
    }

    /// Moves the selection by an action within the shown headings.
    pub fn step(
        &self,
        headings: &[DocHeading],
        selected: usize,
        action: crate::action::Action,
    ) -> usize {
        let visible = self.visible(headings);
        let at = visible.iter().position(|v| *v == selected).unwrap_or(0);
        let to = crate::app::move_by(at, action, visible.len());
        visible.get(to).copied().unwrap_or(selected)
    }

    /// Folds every heading that has subsections.
    pub fn fold_all(&mut self, headings: &[DocHeading]) {
        self.folded = (0..headings.len())
            .filter(|i| has_children(headings, *i))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, text: &str) -> DocHeading {
        DocHeading {
            level,
            text: text.to_owned(),
            anchor: text.to_lowercase(),
            line: 0,
        }
    }

    #[test]
    fn folding_and_filtering_choose_what_is_shown() {
        let headings = [
            h(1, "Runbook"),
            h(2, "Detect"),
            h(3, "Alarms"),
            h(2, "Fail over"),
            h(3, "Promote the replica"),
            h(3, "Reconnect"),
        ];
        let mut outline = Outline::default();
        assert_eq!(outline.visible(&headings), [0, 1, 2, 3, 4, 5]);
        outline.folded.insert(3);
        assert_eq!(outline.visible(&headings), [0, 1, 2, 3]);
        assert_eq!(outline.nearest(&headings, 5), Some(3));
        outline.fold_all(&headings);
        assert_eq!(outline.visible(&headings), [0]);
        outline.folded.clear();
        outline.filter = "replica".into();
        assert_eq!(outline.visible(&headings), [0, 3, 4]);
    }
}
