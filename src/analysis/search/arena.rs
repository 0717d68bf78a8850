//! The finder's lines in one arena: every line's text one after another, each line an
//! `Item` of 36 bytes whose target (component and risk ids, runbook path and anchor) is pieces
//! of its own text. An organisation's finder holds over a million lines, which as separate
//! strings cost 280 bytes each.

use super::{ItemKind, Target};
use crate::store::Workspace;
use nucleo_matcher::Utf32Str;

/// A piece of the index's text: `len` bytes (or chars, in `wide`) from `start`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

/// A span, when it fits the index's 32-bit offsets.
fn span(start: usize, len: usize) -> Option<Span> {
    Some(Span {
        start: u32::try_from(start).ok()?,
        len: u32::try_from(len).ok()?,
    })
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// One line of the finder: its kind, where its text is, and where in that text its target's
/// parts are.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub kind: ItemKind,
    /// The line matched is in `wide` (a line not ASCII), not in `text`.
    wide: bool,
    /// The line shown, in `text`.
    line: Span,
    /// The line matched: the line shown, or a copy with each arrow as `>` (in `text` when that
    /// is ASCII, in `wide` otherwise).
    haystack: Span,
    /// The target's parts, relative to the line's start (an alert's: `parts[0].start` indexes
    /// `alerts`).
    parts: [Span; 2],
}

/// Lines and their text.
#[derive(Debug, Default)]
pub(super) struct Arena {
    pub(super) items: Vec<Item>,
    text: String,
    wide: Vec<char>,
    /// Alerts' targets, whole: they are few, and their risk is not a piece of their line.
    alerts: Vec<Target>,
    /// Bytes of `text` no item uses any more (components replaced after an edit).
    dead: usize,
}

impl Arena {
    /// Bytes of text held, for the tests of compaction.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        self.text.len()
    }

    pub(super) fn shrink(&mut self) {
        self.items.shrink_to_fit();
        self.text.shrink_to_fit();
        self.wide.shrink_to_fit();
    }

    /// The line shown: `payments-api/concurrency-limit  Lambda concurrency limit…`.
    pub(super) fn line(&self, item: &Item) -> &str {
        &self.text[item.line.range()]
    }

    /// The line matched.
    pub(super) fn haystack(&self, item: &Item) -> Utf32Str<'_> {
        if item.wide {
            Utf32Str::Unicode(&self.wide[item.haystack.range()])
        } else {
            Utf32Str::Ascii(&self.text.as_bytes()[item.haystack.range()])
        }
    }

    /// Where the line leads.
    pub(super) fn target(&self, item: &Item) -> Target {
        let line = self.line(item);
        let part = |n: usize| line[item.parts[n].range()].to_owned();
        match item.kind {
            ItemKind::Component => Target::Component { id: part(0) },
            ItemKind::Risk => Target::Risk {
                component: part(0),
                id: part(1),
            },
            ItemKind::Runbook => Target::Runbook {
                path: part(0),
                anchor: None,
            },
            ItemKind::Heading => Target::Runbook {
                path: part(0),
                anchor: Some(part(1)),
            },
            ItemKind::Alert => self.alerts[item.parts[0].start as usize].clone(),
        }
    }

    pub(super) fn push_runbooks(&mut self, runbooks: &[crate::runbook::RunbookDoc]) {
        for doc in runbooks {
            self.push(ItemKind::Runbook, &[&doc.path, "  ", doc.title()], [0, 0]);
            for heading in &doc.headings {
                self.push(
                    ItemKind::Heading,
                    &[&heading.text, "  ", &doc.path, "#", &heading.anchor],
                    [2, 4],
                );
            }
        }
    }

    /// Every alert of the monitoring config, leading to the first risk that names it.
    pub(super) fn push_alerts(&mut self, ws: &Workspace, inventory: &crate::monitoring::Inventory) {
        let named_by = inventory.named_by(ws.registers());
        for (alert, risks) in inventory.alerts.iter().zip(named_by) {
            let risk = risks.into_iter().next().map(Box::new);
            let named_by = risk.as_ref().map_or_else(
                || "named by no risk".to_owned(),
                |pair| format!("→ {}/{}", pair.0, pair.1),
            );
            let Ok(at) = u32::try_from(self.alerts.len()) else {
                return;
            };
            let location = alert.location();
            let line = [
                alert.name.as_str(),
                "  ",
                alert.source.name(),
                " ",
                &location,
                "  ",
                &named_by,
            ];
            if self.push(ItemKind::Alert, &line, [0, 0]) {
                self.alerts.push(Target::Alert {
                    name: alert.name.clone(),
                    location,
                    risk,
                });
                if let Some(item) = self.items.last_mut() {
                    item.parts[0] = Span { start: at, len: 0 };
                }
            }
        }
    }

    /// Adds the line made of `pieces`, whose target's parts are the pieces numbered `parts`;
    /// false when the arena is full (4 GiB of text).
    pub(super) fn push(&mut self, kind: ItemKind, pieces: &[&str], parts: [usize; 2]) -> bool {
        let part = |n: usize| span(pieces[..n].iter().map(|p| p.len()).sum(), pieces[n].len());
        let (Some(first), Some(second)) = (part(parts[0]), part(parts[1])) else {
            return false;
        };
        self.add(kind, &pieces.concat(), [first, second])
    }

    /// Adds one line and its target's parts (spans of the line); false when the arena is full,
    /// which is then as it was.
    fn add(&mut self, kind: ItemKind, line: &str, parts: [Span; 2]) -> bool {
        let (text, wide) = (self.text.len(), self.wide.len());
        let added = self.try_add(kind, line, parts);
        if added.is_none() {
            self.text.truncate(text);
            self.wide.truncate(wide);
        }
        added.is_some()
    }

    fn try_add(&mut self, kind: ItemKind, line: &str, parts: [Span; 2]) -> Option<()> {
        let shown = span(self.text.len(), line.len())?;
        self.text.push_str(line);
        // An arrow (faultline puts one in every alert's line; a heading may hold one too) is
        // matched as `>`: a line all ASCII is matched several times faster, and one character
        // for one keeps the highlighted positions.
        let (wide, haystack) = if line.is_ascii() {
            (false, shown)
        } else if line.chars().all(|c| c.is_ascii() || c == '→') {
            let copy = line.replace('→', ">");
            let at = span(self.text.len(), copy.len())?;
            self.text.push_str(&copy);
            (false, at)
        } else {
            let at = self.wide.len();
            self.wide
                .extend(line.chars().map(|c| if c == '→' { '>' } else { c }));
            (true, span(at, self.wide.len() - at)?)
        };
        self.items.push(Item {
            kind,
            wide,
            line: shown,
            haystack,
            parts,
        });
        Some(())
    }

    /// The items of one register: the component and each of its risks.
    pub(super) fn push_register(&mut self, reg: &crate::model::Register) {
        self.push(
            ItemKind::Component,
            &[&reg.component, "  ", &reg.title],
            [0, 0],
        );
        for risk in &reg.risks {
            self.push(
                ItemKind::Risk,
                &[&reg.component, "/", &risk.id, "  ", &risk.title],
                [0, 2],
            );
        }
    }

    /// Drops one component's items (an edit replaces them), and the text left behind once it
    /// is half the arena.
    pub(super) fn remove_component(&mut self, id: &str) {
        let text = &self.text;
        let mut dead = 0;
        self.items.retain(|item| {
            let gone = matches!(item.kind, ItemKind::Component | ItemKind::Risk)
                && &text[item.line.range()][item.parts[0].range()] == id;
            if gone {
                dead += item.line.len as usize;
            }
            !gone
        });
        self.dead += dead;
        if self.dead > self.text.len() / 2 {
            self.compact();
        }
    }

    /// Rewrites the arenas with only the text items use.
    fn compact(&mut self) {
        let old = std::mem::take(self);
        for item in &old.items {
            self.add(item.kind, &old.text[item.line.range()], item.parts);
        }
        self.alerts = old.alerts;
        self.shrink();
    }
}
