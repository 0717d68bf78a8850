//! The runbook viewer's actions: scrolling, links with a back stack, search, table of contents,
//! backlinks, copying a code block, and opening runbooks from the register (or stubbing one).

use super::{App, Overlay, Pending, View};
use crate::action::Action;
use crate::check::normalize;
use crate::editor::TextInput;
use crate::effects::{Show, TerminalRequest};
use crate::keymap::Context;
use crate::markdown::is_web;
use crate::search::Target;
use crate::viewer::{Location, ViewerPopup};
use ratatui::layout::Rect;

/// Terminals at least this wide show the table of contents beside the document.
pub const SIDE_TOC_FROM: u16 = 100;
/// Width of the side table of contents.
pub const SIDE_TOC_WIDTH: u16 = 32;

/// The document's width and height on a screen of `area` (one title line, one status line).
pub fn viewer_size(area: Rect) -> (u16, usize) {
    let width = if area.width >= SIDE_TOC_FROM {
        area.width - SIDE_TOC_WIDTH
    } else {
        area.width
    };
    (
        width.saturating_sub(1).max(8),
        usize::from(area.height.saturating_sub(2)).max(1),
    )
}

/// One risk that links to a runbook: for the backlinks popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    pub component: String,
    pub id: String,
    pub title: String,
    pub score: u8,
    pub anchor: Option<String>,
}

impl App {
    /// Opens a runbook (workspace-relative path) at an anchor, remembering where we were.
    pub fn open_runbook(&mut self, path: &str, anchor: Option<&str>) {
        if self.view == View::Timeline {
            self.places.retain(|p| *p != super::Place::Timeline);
            self.places.push(super::Place::Timeline);
        }
        if self.view == View::Register {
            let place = super::Place::Register(self.selection(), self.register.focus);
            self.places.retain(|p| *p != place);
            self.places.push(place);
            if self.places.len() > super::PLACES_KEPT {
                self.places.remove(0);
            }
        }
        self.read_runbook(
            path,
            Show::Anchor {
                anchor: anchor.map(str::to_owned),
                remember: true,
            },
        );
    }

    /// Risks whose runbook link points at `path` (any anchor).
    pub fn backlinks(&self, path: &str) -> Vec<Backlink> {
        let mut links: Vec<Backlink> = self
            .ws
            .registers()
            .flat_map(|reg| {
                reg.risks.iter().filter_map(move |risk| {
                    let (file, anchor) = risk.runbook_parts()?;
                    (normalize("", file).as_deref() == Some(path)).then(|| Backlink {
                        component: reg.component.clone(),
                        id: risk.id.clone(),
                        title: risk.title.clone(),
                        score: risk.score(),
                        anchor: anchor.map(str::to_owned),
                    })
                })
            })
            .collect();
        links.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.component.cmp(&b.component))
        });
        links
    }

    /// `r` on a risk: its runbook at the anchor, or the offer to stub one.
    pub(super) fn open_selected_runbook(&mut self) {
        let Some(path) = self.selected_path() else {
            return;
        };
        let Some(index) = self.selected_risk_index() else {
            self.say("select a risk to open its runbook");
            return;
        };
        let Some(reg) = self.current(&path) else {
            return;
        };
        let risk = &reg.risks[index];
        let undo = self.key_in(Context::Register, Action::Undo);
        match risk.runbook_parts() {
            Some((file, anchor)) => match crate::check::resolve_link(&self.ws, "", &risk.runbook) {
                // A link to a runbook nobody wrote yet (or one lost in a crash): offer the stub
                // at that very path, so the link starts resolving.
                Err(("runbook-missing", reason))
                    if !self.checking && !self.read_only && file.ends_with(".md") =>
                {
                    if let Some(target) = normalize("", file) {
                        self.overlay = Some(Overlay::Confirm {
                            question: format!(
                                "{reason}. Stub it from the template for {}/{}? It is written when you save; {undo} undoes it.",
                                reg.component, risk.id
                            ),
                            pending: Pending::StubRunbook {
                                path,
                                id: risk.id.clone(),
                                file: target,
                            },
                        });
                    }
                }
                Err((_, reason)) if !self.checking => {
                    self.say(format!("cannot open the runbook: {reason}"));
                }
                _ => match normalize("", file) {
                    Some(file) => {
                        let anchor = anchor.map(str::to_owned);
                        self.open_runbook(&file, anchor.as_deref());
                    }
                    None => self.say(format!(
                        "runbook `{}` leads outside the workspace",
                        risk.runbook
                    )),
                },
            },
            None if self.read_only => {
                self.say("this risk has no runbook (read-only: cannot stub one)");
            }
            None => {
                let file = super::stub_path(&self.ws, &self.drafts, reg, risk);
                self.overlay = Some(Overlay::Confirm {
                    question: format!(
                        "{}/{} has no runbook. Stub {file} from the template (title, detection, mitigation, empty steps) and link it? Both are written when you save; {undo} undoes both.",
                        reg.component, risk.id
                    ),
                    pending: Pending::StubRunbook {
                        path,
                        id: risk.id.clone(),
                        file,
                    },
                });
            }
        }
    }

    #[allow(clippy::too_many_lines)] // one match over the viewer's keys reads best whole
    pub(super) fn update_viewer(&mut self, action: Action) {
        let Some(viewer) = self.viewer.as_mut() else {
            self.view = View::Register;
            return;
        };
        if let Some(mut input) = viewer.search_input.take() {
            match action {
                Action::EditCommit => {
                    let query = input.text().to_owned();
                    let count = viewer.find(&query);
                    let message = match count {
                        0 => format!("no match for “{query}”"),
                        n => format!(
                            "{n} match{} for “{query}” ({} next, {} previous)",
                            if n == 1 { "" } else { "es" },
                            self.key_in(Context::Runbook, Action::SearchNext),
                            self.key_in(Context::Runbook, Action::SearchPrev)
                        ),
                    };
                    self.say(message);
                }
                Action::EditCancel => {}
                other => {
                    super::edit_text(&mut input, other);
                    viewer.search_input = Some(input);
                }
            }
            return;
        }
        if let Some(popup) = viewer.popup.take() {
            self.update_viewer_popup(popup, action);
            return;
        }
        let page = isize::try_from(viewer.height.saturating_sub(2).max(1)).unwrap_or(1);
        match action {
            Action::Up => viewer.scroll_by(-1),
            Action::Down => viewer.scroll_by(1),
            Action::PageUp => viewer.scroll_by(-page),
            Action::PageDown => viewer.scroll_by(page),
            Action::Top => viewer.top(),
            Action::Bottom => viewer.bottom(),
            Action::NextLink | Action::PrevLink
                if !viewer.cycle_link(action == Action::NextLink) =>
            {
                self.say("no link on screen");
            }
            Action::NextLink | Action::PrevLink => {}
            Action::Select => self.follow_link(),
            Action::GoBack => self.history_step(true),
            Action::GoForward => self.history_step(false),
            Action::Search => viewer.search_input = Some(TextInput::new("", false)),
            Action::SearchNext | Action::SearchPrev => {
                match viewer.next_match(action == Action::SearchNext) {
                    Some(wrapped) => {
                        let search = viewer
                            .search
                            .as_ref()
                            .map(|s| (s.current + 1, s.matches.len()));
                        if let Some((at, of)) = search {
                            let note = if wrapped { " (wrapped around)" } else { "" };
                            self.say(format!("match {at} of {of}{note}"));
                        }
                    }
                    None => self.say("no search: press / to search"),
                }
            }
            Action::Toc => {
                let current = viewer.current_section().unwrap_or(0);
                let selected = viewer
                    .outline
                    .nearest(&viewer.doc.headings, current)
                    .unwrap_or(0);
                viewer.popup = Some(ViewerPopup::Toc { selected });
            }
            Action::Backlinks => viewer.popup = Some(ViewerPopup::Backlinks { selected: 0 }),
            Action::RunStep => self.run_step(),
            Action::CopySection | Action::CopyLink => match viewer.current_section_source() {
                Some((text, link)) => {
                    self.copy(if action == Action::CopyLink {
                        link
                    } else {
                        text
                    });
                }
                None => self.say("no heading above the screen's top: nothing to copy"),
            },
            Action::Copy => {
                let targets = viewer.copy_targets();
                match targets.as_slice() {
                    [] => self.say("no code on screen"),
                    [one] => {
                        let text = one.text.clone();
                        self.copy(text);
                    }
                    _ => {
                        viewer.popup = Some(ViewerPopup::CopyHints);
                        self.say(format!(
                            "{} snippets on screen: press the letter shown to copy one, Esc cancels",
                            targets.len()
                        ));
                    }
                }
            }
            Action::OpenExternal => match viewer.focused_link().map(str::to_owned) {
                Some(url) if is_web(&url) => {
                    self.say(format!("opening {url}"));
                    self.terminal_requests.push(TerminalRequest::OpenUrl(url));
                }
                Some(_) => {
                    let (open, follow) = (
                        self.key_in(Context::Runbook, Action::OpenExternal),
                        self.key_in(Context::Runbook, Action::Select),
                    );
                    self.say(format!(
                        "{open} opens web links; {follow} follows a runbook link"
                    ));
                }
                None => {
                    let next = self.key_in(Context::Runbook, Action::NextLink);
                    self.say(format!("focus a web link with {next} first"));
                }
            },
            Action::OpenEditor => {
                let path = self.ws.root.join(&viewer.path);
                self.terminal_requests.push(TerminalRequest::Editor(path));
            }
            Action::Back => self.leave_viewer(),
            Action::Quit => self.request_quit(),
            Action::Help => self.open_help(),
            Action::Finder => self.open_finder(),
            Action::CommandLine => self.open_command_line(),
            Action::Findings => self.overlay = Some(Overlay::Findings { selected: 0 }),
            Action::HeatMap => self.view = View::HeatMap,
            Action::Save | Action::Undo | Action::Redo => self.update_edit(action),
            _ => {}
        }
    }

    /// Puts code on the clipboard (OSC 52, through the terminal owner) and says what it was.
    fn copy(&mut self, text: String) {
        let what = crate::viewer::copied_summary(&text);
        self.terminal_requests
            .push(TerminalRequest::Clipboard(text));
        self.say(format!("copied {what}"));
    }

    /// A letter typed while copy labels are shown: copies that target.
    pub(super) fn pick_copy_hint(&mut self, letter: char) {
        let Some(viewer) = self.viewer.as_mut() else {
            return;
        };
        viewer.popup = None;
        let targets = viewer.copy_targets();
        match crate::viewer::HINTS.chars().position(|c| c == letter) {
            Some(i) if i < targets.len() => {
                let text = targets[i].text.clone();
                self.copy(text);
            }
            _ => self.say(format!("no snippet labelled {letter}: nothing copied")),
        }
    }

    /// A key in the outline: go to the heading, fold and unfold, filter; Esc clears a filter,
    /// then closes.
    fn update_outline(&mut self, selected: usize, action: Action) {
        use crate::viewer::outline::has_children;
        let Some(viewer) = self.viewer.as_mut() else {
            return;
        };
        if let Some(mut input) = viewer.outline.typing.take() {
            match action {
                Action::EditCommit => {}
                Action::EditCancel => viewer.outline.filter.clear(),
                other => {
                    super::edit_text(&mut input, other);
                    viewer.outline.filter = input.text().to_owned();
                    viewer.outline.typing = Some(input);
                }
            }
            let first = viewer
                .outline
                .visible(&viewer.doc.headings)
                .first()
                .copied();
            viewer.popup = Some(ViewerPopup::Toc {
                selected: first.unwrap_or(selected),
            });
            return;
        }
        let headings = &viewer.doc.headings;
        let keep = |selected| Some(ViewerPopup::Toc { selected });
        viewer.popup = match action {
            Action::Select => {
                if let Some(heading) = headings.get(selected) {
                    let line = heading.line;
                    let here = viewer.location();
                    viewer.back.push(here);
                    viewer.forward.clear();
                    viewer.land_at(line);
                }
                None
            }
            Action::Back if !viewer.outline.filter.is_empty() => {
                viewer.outline.filter.clear();
                keep(selected)
            }
            Action::Back | Action::Toc | Action::Quit => None,
            Action::Search => {
                viewer.outline.typing = Some(TextInput::new(&viewer.outline.filter, false));
                keep(selected)
            }
            Action::FocusLeft => {
                if has_children(headings, selected) && viewer.outline.folded.insert(selected) {
                    keep(selected)
                } else {
                    // Already folded, or a leaf: up to its parent.
                    let level = headings.get(selected).map_or(0, |h| h.level);
                    let parent = (0..selected).rev().find(|j| headings[*j].level < level);
                    keep(parent.unwrap_or(selected))
                }
            }
            Action::FocusRight => {
                viewer.outline.folded.remove(&selected);
                keep(selected)
            }
            Action::LevelDown => {
                viewer.outline.fold_all(headings);
                let shown = viewer.outline.nearest(headings, selected);
                keep(shown.unwrap_or(0))
            }
            Action::LevelUp => {
                viewer.outline.folded.clear();
                keep(selected)
            }
            other => keep(viewer.outline.step(headings, selected, other)),
        };
    }

    fn update_viewer_popup(&mut self, popup: ViewerPopup, action: Action) {
        let Some(viewer) = self.viewer.as_mut() else {
            return;
        };
        match popup {
            // Any key but a label closes the labels (letters arrive as typed text).
            ViewerPopup::CopyHints => self.say("nothing copied"),
            ViewerPopup::Toc { selected } => self.update_outline(selected, action),
            ViewerPopup::Backlinks { selected } => {
                let path = viewer.path.clone();
                let links = self.backlinks(&path);
                match action {
                    Action::Select => {
                        if let Some(link) = links.get(selected) {
                            let target = Target::Risk {
                                component: link.component.clone(),
                                id: link.id.clone(),
                            };
                            self.go_to(&target);
                        }
                    }
                    Action::Back | Action::Backlinks | Action::Quit => {}
                    other => {
                        if let Some(viewer) = self.viewer.as_mut() {
                            viewer.popup = Some(ViewerPopup::Backlinks {
                                selected: super::move_by(selected, other, links.len()),
                            });
                        }
                    }
                }
            }
        }
    }

    /// Follows the focused link: a runbook (and anchor) in the workspace, or an anchor here.
    /// Anything else is refused with the reason; web links wait for `o`.
    fn follow_link(&mut self) {
        let Some(viewer) = self.viewer.as_mut() else {
            return;
        };
        let Some(dest) = viewer.focused_link().map(str::to_owned) else {
            let (next, follow) = (
                self.key_in(Context::Runbook, Action::NextLink),
                self.key_in(Context::Runbook, Action::Select),
            );
            self.say(format!(
                "focus a link with {next}, then {follow} follows it"
            ));
            return;
        };
        if is_web(&dest) {
            self.say(format!(
                "web link {dest}: press o to open it in the browser"
            ));
            return;
        }
        let (file, anchor) = match dest.split_once('#') {
            Some((f, a)) => (f.to_owned(), Some(a.to_owned())),
            None => (dest.clone(), None),
        };
        if file.is_empty() {
            let anchor = anchor.unwrap_or_default();
            let here = viewer.location();
            if viewer.jump_to_anchor(&anchor) {
                viewer.back.push(here);
                viewer.forward.clear();
            } else {
                self.say(format!("no heading #{anchor} in this runbook"));
            }
            return;
        }
        let dir = viewer
            .path
            .rsplit_once('/')
            .map_or("", |(d, _)| d)
            .to_owned();
        if let Err((_, reason)) = crate::check::resolve_link(&self.ws, &dir, &dest) {
            self.say(format!("not followed: {reason}"));
            return;
        }
        let Some(target) = normalize(&dir, &file) else {
            self.say(format!(
                "not followed: `{dest}` leads outside the workspace"
            ));
            return;
        };
        if !std::path::Path::new(&target)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            self.say(format!("{target} is not a runbook"));
            return;
        }
        self.open_runbook(&target, anchor.as_deref());
    }

    /// Esc in the viewer: back to the register, where the runbook was opened from.
    fn leave_viewer(&mut self) {
        self.view = View::Register;
        if let Some(super::Place::Register(selection, pane)) = self.places.last().cloned() {
            self.places.pop();
            self.register.focus = pane;
            self.reselect(selection);
        }
    }

    /// Back (or forward) through the pages visited.
    fn history_step(&mut self, back: bool) {
        let Some(viewer) = self.viewer.as_mut() else {
            return;
        };
        let next = if back {
            viewer.back.pop()
        } else {
            viewer.forward.pop()
        };
        if next.is_none()
            && back
            && self
                .places
                .last()
                .is_some_and(|p| matches!(p, super::Place::Register(..) | super::Place::Timeline))
        {
            // The first page opened from the register or a timeline's view: back is there.
            match self.places.pop() {
                Some(super::Place::Register(selection, pane)) => {
                    self.view = View::Register;
                    self.register.focus = pane;
                    self.reselect(selection);
                }
                Some(super::Place::Timeline) if self.timeline.is_some() => {
                    self.view = View::Timeline;
                }
                _ => {}
            }
            return;
        }
        let Some(next) = next else {
            self.say(if back {
                "nothing to go back to"
            } else {
                "nothing to go forward to"
            });
            return;
        };
        let here = viewer.location();
        if back {
            viewer.forward.push(here);
        } else {
            viewer.back.push(here);
        }
        if next.path == viewer.path {
            viewer.scroll = next.scroll.min(viewer.max_scroll());
        } else {
            self.read_runbook(&next.path, Show::At(next.scroll));
        }
    }

    /// Where the viewer is, for the back stack when another page opens.
    pub fn viewer_location(&self) -> Option<Location> {
        self.viewer.as_ref().map(crate::viewer::Viewer::location)
    }
}
