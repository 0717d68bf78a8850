//! The TUI's state and `update(action)`, the one place actions change it. Read-only for now: no
//! action writes a file.

use crate::action::Action;
use crate::finding::Finding;
use crate::keymap::{Context, Keymap};
use crate::model::Register;
use crate::store::{ComponentFile, Workspace};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use std::collections::HashMap;

/// The three panes of the register view, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Components,
    Risks,
    Detail,
}

impl Pane {
    const ORDER: [Pane; 3] = [Pane::Components, Pane::Risks, Pane::Detail];

    fn step(self, forward: bool) -> Pane {
        let i = Pane::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        let n = Pane::ORDER.len();
        Pane::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// A popup over the register view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help { scroll: usize },
    Findings { selected: usize },
}

/// Rows a page key moves.
pub const PAGE: usize = 10;

pub struct App {
    pub ws: Workspace,
    /// Load errors and check findings, sorted by file.
    pub findings: Vec<Finding>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub focus: Pane,
    /// Index into `ws.components`.
    pub component: usize,
    /// Position in the selected component's risks sorted by score.
    pub risk: usize,
    pub detail_scroll: usize,
    pub overlay: Option<Overlay>,
    pub should_quit: bool,
    /// The date rehearsal ages are counted to.
    pub today: jiff::civil::Date,
    /// The terminal's size, for moves that depend on what fits on screen.
    pub area: Rect,
    /// Per component, its risk indices highest score first.
    risk_order: Vec<Vec<usize>>,
    /// Runbook links that do not resolve, by (component index, risk id), with the reason.
    pub broken_links: HashMap<(usize, String), String>,
}

impl App {
    pub fn new(ws: Workspace, findings: Vec<Finding>, keymap: Keymap, theme: Theme) -> App {
        let risk_order = ws
            .components
            .iter()
            .map(|c| {
                c.register()
                    .map(Register::risks_by_score)
                    .unwrap_or_default()
            })
            .collect();
        let mut broken_links = HashMap::new();
        for (c, file) in ws.components.iter().enumerate() {
            for risk in file.register().map_or(&[][..], |r| r.risks.as_slice()) {
                if !risk.runbook.is_empty()
                    && let Err((_, reason)) = crate::check::resolve_link(&ws, "", &risk.runbook)
                {
                    broken_links.insert((c, risk.id.clone()), reason);
                }
            }
        }
        App {
            ws,
            findings,
            keymap,
            theme,
            focus: Pane::Components,
            component: 0,
            risk: 0,
            detail_scroll: 0,
            overlay: None,
            should_quit: false,
            today: crate::commands::today(),
            area: Rect::new(0, 0, 80, 24),
            risk_order,
            broken_links,
        }
    }

    /// The keymap context for the current state.
    pub fn context(&self) -> Context {
        match self.overlay {
            Some(_) => Context::Popup,
            None => Context::Register,
        }
    }

    pub fn selected_file(&self) -> Option<&ComponentFile> {
        self.ws.components.get(self.component)
    }

    /// Indices of the selected component's risks, highest score first.
    pub fn risk_order(&self) -> &[usize] {
        self.risk_order
            .get(self.component)
            .map_or(&[], Vec::as_slice)
    }

    /// The selected risk's index in its register.
    pub fn selected_risk_index(&self) -> Option<usize> {
        self.risk_order().get(self.risk).copied()
    }

    /// Findings about one file, by its workspace-relative path.
    pub fn findings_for<'a>(
        &'a self,
        path: &'a std::path::Path,
    ) -> impl Iterator<Item = &'a Finding> {
        self.findings.iter().filter(move |f| f.path == path)
    }

    pub fn update(&mut self, action: Action) {
        match self.overlay.take() {
            Some(overlay) => self.overlay = self.update_overlay(overlay, action),
            None => self.update_register(action),
        }
    }

    fn update_overlay(&mut self, overlay: Overlay, action: Action) -> Option<Overlay> {
        match (overlay, action) {
            (_, Action::Quit) => {
                self.should_quit = true;
                None
            }
            (_, Action::Back)
            | (Overlay::Help { .. }, Action::Help)
            | (Overlay::Findings { .. }, Action::Findings) => None,
            (Overlay::Help { scroll }, a) => Some(Overlay::Help {
                scroll: move_by(scroll, a, usize::MAX),
            }),
            (Overlay::Findings { selected }, Action::Select) => {
                if let Some(f) = self.findings.get(selected) {
                    self.jump_to_file(&f.path.clone());
                }
                None
            }
            (Overlay::Findings { selected }, a) => Some(Overlay::Findings {
                selected: move_by(selected, a, self.findings.len()),
            }),
        }
    }

    fn update_register(&mut self, action: Action) {
        match action {
            Action::Quit | Action::Back => self.should_quit = true,
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Findings => self.overlay = Some(Overlay::Findings { selected: 0 }),
            Action::NextPane | Action::FocusRight => self.focus = self.focus.step(true),
            Action::PrevPane | Action::FocusLeft => self.focus = self.focus.step(false),
            Action::Select => {
                if self.focus == Pane::Components {
                    self.focus = Pane::Risks;
                } else {
                    self.focus = Pane::Detail;
                }
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => match self.focus {
                Pane::Components => {
                    let moved = move_by(self.component, action, self.ws.components.len());
                    if moved != self.component {
                        self.component = moved;
                        self.risk = 0;
                        self.detail_scroll = 0;
                    }
                }
                Pane::Risks => {
                    let moved = move_by(self.risk, action, self.risk_order().len());
                    if moved != self.risk {
                        self.risk = moved;
                        self.detail_scroll = 0;
                    }
                }
                Pane::Detail => {
                    let max = crate::screen::register::detail_max_scroll(self);
                    self.detail_scroll = move_by(self.detail_scroll, action, max + 1);
                }
            },
        }
    }

    /// Selects the component whose file is `path` (a finding's file), if it is a register.
    fn jump_to_file(&mut self, path: &std::path::Path) {
        if let Some(i) = self.ws.components.iter().position(|c| c.path == path) {
            self.component = i;
            self.risk = 0;
            self.detail_scroll = 0;
            self.focus = Pane::Components;
        }
    }
}

/// A cursor moved by a navigation action within `len` items (`usize::MAX` for open-ended scroll).
pub fn move_by(at: usize, action: Action, len: usize) -> usize {
    let last = len.saturating_sub(1);
    match action {
        Action::Up => at.saturating_sub(1),
        Action::Down => (at + 1).min(last),
        Action::PageUp => at.saturating_sub(PAGE),
        Action::PageDown => at.saturating_add(PAGE).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => at,
    }
}
