//! The TUI's state and `update(action)`, the one place actions change it. File IO never happens
//! here: `update` queues `Effect`s that `effects::perform` does; `apply` takes their outcomes.

pub mod alerts;
mod apply;
mod changes;
mod command;
mod edit;
mod field;
mod finder;
mod popups;
mod register;
pub mod run;
pub mod runbook;
mod selection;
mod stub;
pub mod timeline;

use crate::action::Action;
use crate::editor::TextInput;
use crate::effects::Effect;
use crate::finding::Finding;
use crate::form::{self, Row};
use crate::keymap::{Context, Keymap};
use crate::model::Register;
use crate::recovery::Journal;
use crate::search::SearchIndex;
use crate::store::{ComponentFile, Workspace};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

mod state;
pub use state::{
    ConflictDetails, Editing, LevelTarget, Mode, Overlay, PAGE, PLACES_KEPT, Pane, Pending, Place,
    RegisterView, Subject, View,
};

pub use changes::Baseline;
pub use command::{COMMANDS, Command, CommandLine};
pub use edit::new_register;
pub use finder::FinderState;
pub use stub::{relative_link, runbook_template, stub_path};

pub struct App {
    pub ws: Workspace,
    /// The register view: selection, focus, filters, order.
    pub register: RegisterView,
    /// Load errors and check findings, sorted by file.
    pub findings: Vec<Finding>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub view: View,
    pub overlay: Option<Overlay>,
    pub editing: Option<Editing>,
    pub should_quit: bool,
    /// The terminal's size, for moves that depend on what fits on screen.
    pub area: Rect,
    /// The date rehearsal ages are counted to.
    pub today: jiff::civil::Date,
    pub read_only: bool,
    /// Started with `--read-only`: nothing is written, not even a closed timeline's record
    /// (an open incident's read-only ends when it is resolved).
    pub read_only_asked: bool,
    /// Whether `x` may run a runbook's shell steps, or why not.
    pub run: Result<(), String>,
    /// A one-line message for the status bar.
    pub status: Option<String>,
    pub history: crate::history::History,
    /// What is on disk for every file this session changed.
    pub baseline: HashMap<PathBuf, Baseline>,
    pub journal: Option<Journal>,
    /// Where the event being typed into a timeline is kept (also when the register is
    /// read-only, as it is during an incident).
    pub draft_journal: Option<Journal>,
    /// Where the runbook search keeps its index between searches and runs (`None`: rebuilt).
    pub search_cache: Option<PathBuf>,
    /// The finder's text query, when one of its sections was opened: once the runbook shows,
    /// the viewer lands on the first line matching it, the match marked.
    pub find_after_open: Option<String>,
    pub effects: VecDeque<Effect>,
    pub search: SearchIndex,
    /// Runbooks are still being indexed and the workspace checked, in the background.
    pub checking: bool,
    /// The open runbook, if any.
    pub viewer: Option<crate::viewer::Viewer>,
    /// Work for the terminal owner: the clipboard, the editor, the browser.
    pub terminal_requests: Vec<crate::effects::TerminalRequest>,
    /// Places left by jumps between views (backlinks to a risk, a risk to its runbook).
    pub places: Vec<Place>,
    /// Runbooks stubbed but not yet written (path → text): written on save with the link.
    pub drafts: HashMap<String, String>,
    /// The open game day or incident.
    pub timeline: Option<Box<timeline::TimelineState>>,
    /// Open large runbooks with a preview (the event loop sets it; tests see whole documents).
    pub preview_large_runbooks: bool,
    /// Whether input is waiting. The event loop sets it, draws the keys typed into the finder
    /// and then searches (`refresh_stale_finder`), giving the search up when a key waits, to
    /// run it again over the keys typed since. `None` (tests): `run_effects` searches, to the
    /// end.
    pub input_pending: Option<fn() -> bool>,
    /// Started without its registers (`faultline runbook`, to show the runbook first) or with
    /// only the first few (a large workspace's first frame): the background check loads them
    /// all, and the register view takes no key until they are in.
    pub registers_pending: bool,
    /// `faultline --org`: the organisation, until the background check takes it.
    pub org_pending: Option<OrgPending>,
    /// Over an organisation: components are `repo:component`, grouped under their repository.
    pub org_view: bool,
}

/// The organisation behind `faultline --org`, for the background load to read and check.
pub struct OrgPending {
    pub org: crate::org::Org,
    pub cache: crate::org::Cache,
}

/// What the background load sends.
pub enum Loading {
    /// Every register, read after the first frame (which showed the first few, or the
    /// organisation's first repository), with the findings of reading them; an organisation's
    /// come with the finder's index over them and a word on what was read.
    Registers {
        ws: Workspace,
        findings: Vec<Finding>,
        search: Option<SearchIndex>,
        status: Option<String>,
    },
    /// Everything read and checked.
    Checked(Checked),
}

/// What the background load brings once runbooks are indexed and everything is checked.
pub struct Checked {
    pub runbooks: crate::store::RunbookSet,
    pub monitoring: Option<std::sync::Arc<crate::monitoring::Inventory>>,
    pub findings: Vec<Finding>,
    pub search: SearchIndex,
    /// `search` holds only what the app's index lacks (the organisation's runbooks, after its
    /// registers' index came with them): appended, not replacing.
    pub search_adds: bool,
}

impl App {
    pub fn new(ws: Workspace, findings: Vec<Finding>, keymap: Keymap, theme: Theme) -> App {
        let mut app = App::loading(ws, findings, keymap, theme);
        app.checking = false;
        app.search = SearchIndex::build(&app.ws);
        app
    }

    /// An app over registers whose runbooks are still being indexed and checked: the first
    /// screen, drawn at once; `attach_checked` completes it.
    pub fn loading(ws: Workspace, findings: Vec<Finding>, keymap: Keymap, theme: Theme) -> App {
        let mut app = App {
            ws,
            register: RegisterView::default(),
            findings,
            keymap,
            theme,
            view: View::Register,
            overlay: None,
            editing: None,
            should_quit: false,
            area: Rect::new(0, 0, 80, 24),
            today: crate::clock::today(),
            read_only: false,
            read_only_asked: false,
            run: Ok(()),
            status: None,
            history: crate::history::History::default(),
            baseline: HashMap::new(),
            journal: None,
            draft_journal: None,
            search_cache: None,
            find_after_open: None,
            effects: VecDeque::new(),
            search: SearchIndex::default(),
            checking: true,
            viewer: None,
            terminal_requests: Vec::new(),
            places: Vec::new(),
            drafts: HashMap::new(),
            timeline: None,
            preview_large_runbooks: false,
            input_pending: None,
            registers_pending: false,
            org_pending: None,
            org_view: false,
        };
        app.refresh_visible();
        app
    }

    /// Takes in what the background load sent.
    pub fn attach(&mut self, loading: Loading) {
        match loading {
            Loading::Registers {
                ws,
                findings,
                search,
                status,
            } => {
                self.change_what_is_shown(|app| {
                    app.ws.components = ws.components;
                    app.ws.categories = ws.categories;
                    app.ws.name_findings = ws.name_findings;
                });
                self.findings = findings;
                if let Some(search) = search {
                    self.search = search;
                    self.search_changed();
                }
                if status.is_some() {
                    self.status = status;
                }
                self.registers_arrived();
            }
            Loading::Checked(checked) => self.attach_checked(checked),
        }
    }

    /// Takes in the background check: runbooks, findings and the finder's index. Files edited
    /// meanwhile are checked again against their current state.
    pub fn attach_checked(&mut self, checked: Checked) {
        self.ws.attach_runbooks(checked.runbooks);
        self.ws.monitoring = checked.monitoring;
        self.findings = checked.findings;
        if checked.search_adds {
            self.search.append(checked.search);
        } else {
            self.search = checked.search;
        }
        self.search_changed();
        self.checking = false;
        let touched: Vec<PathBuf> = self.baseline.keys().cloned().collect();
        for path in &touched {
            self.recheck(path);
            self.reindex(path);
        }
    }

    /// Whether keys are handled now. The register view shows the first registers while the
    /// rest are read: the keys typed meanwhile wait for them (a moment away), so that none acts
    /// on a part of the register.
    pub fn takes_keys(&self) -> bool {
        !(self.registers_pending && self.view == View::Register)
    }

    /// Every register is in: keys are handled again, and the open runbook's backlinks, counted
    /// without them, are counted again.
    fn registers_arrived(&mut self) {
        self.registers_pending = false;
        let count = self.viewer.as_ref().map(|v| self.backlinks(&v.path).len());
        if let (Some(viewer), Some(count)) = (self.viewer.as_mut(), count) {
            viewer.backlink_count = count;
        }
    }

    /// The terminal changed size: re-wrap the open runbook.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.area = Rect::new(0, 0, width, height);
        if let Some(viewer) = self.viewer.as_mut() {
            let (w, h) = runbook::viewer_size(self.area);
            viewer.resize(w, h);
        }
    }

    /// What has the keyboard now. Worked out here only: `context` (which keys), `update`
    /// (which handler) and `type_text` (where typed text goes) all ask it.
    pub fn mode(&self) -> Mode {
        if self.editing.is_some() {
            return Mode::FieldEditor;
        }
        if self.overlay.is_some() {
            return Mode::Overlay;
        }
        if self.register.filter_input.is_some() {
            return Mode::FilterInput;
        }
        match self.view {
            View::Register => Mode::Register,
            View::HeatMap => Mode::HeatMap,
            View::Runbook => match self.viewer.as_ref() {
                Some(v) if v.search_input.is_some() => Mode::ViewerSearch,
                Some(v) if v.popup == Some(crate::viewer::ViewerPopup::CopyHints) => {
                    Mode::ViewerHints
                }
                Some(v) if v.popup.is_some() => Mode::ViewerPopup,
                _ => Mode::Runbook,
            },
            View::Timeline if self.timeline.as_ref().is_some_and(|t| t.input.is_some()) => {
                Mode::TimelineInput
            }
            View::Timeline => Mode::Timeline,
        }
    }

    /// The keymap context for the current state.
    pub fn context(&self) -> Context {
        match self.mode() {
            Mode::FieldEditor | Mode::FilterInput | Mode::ViewerSearch | Mode::TimelineInput => {
                Context::Editor
            }
            Mode::ViewerHints => Context::Hints,
            Mode::ViewerPopup
                if self
                    .viewer
                    .as_ref()
                    .is_some_and(|v| v.outline.typing.is_some()) =>
            {
                Context::Editor
            }
            Mode::ViewerPopup => Context::Popup,
            Mode::Runbook => Context::Runbook,
            Mode::HeatMap => Context::HeatMap,
            Mode::Timeline => Context::Timeline,
            Mode::Register => Context::Register,
            Mode::Overlay => match &self.overlay {
                Some(Overlay::Confirm { .. }) => Context::Confirm,
                Some(Overlay::Unsaved) => Context::Unsaved,
                Some(Overlay::Conflict { .. }) => Context::Conflict,
                Some(Overlay::Recovery { .. }) => Context::Recovery,
                Some(Overlay::NewComponent { .. } | Overlay::RunVars { .. }) => Context::Editor,
                Some(Overlay::Finder(_)) => Context::Finder,
                Some(Overlay::Command(_)) => Context::Command,
                Some(
                    Overlay::Help { .. }
                    | Overlay::Findings { .. }
                    | Overlay::Blast { .. }
                    | Overlay::RunChoice { .. },
                )
                | None => Context::Popup,
            },
        }
    }

    /// Components shown in the list, as indices into `ws.components`.
    pub fn visible(&self) -> &[usize] {
        &self.register.visible
    }

    pub fn selected_file(&self) -> Option<&ComponentFile> {
        self.ws
            .components
            .get(*self.register.visible.get(self.register.component)?)
    }

    fn selected_path(&self) -> Option<PathBuf> {
        self.selected_file().map(|f| f.path.clone())
    }

    /// The selected component's shown risks (by score or in file order, filtered), as indices
    /// into its register.
    pub fn risk_order(&self) -> Vec<usize> {
        self.selected_file()
            .and_then(ComponentFile::register)
            .map(|reg| self.order_of(reg))
            .unwrap_or_default()
    }

    fn order_of(&self, reg: &Register) -> Vec<usize> {
        let mut order = if self.register.file_order {
            (0..reg.risks.len()).collect()
        } else {
            reg.risks_by_score()
        };
        if let Some((l, i)) = self.register.filter {
            order.retain(|&r| reg.risks[r].likelihood == l && reg.risks[r].impact == i);
        }
        if let Some(text) = self.register.text_filter.as_deref().map(str::to_lowercase)
            && !selection::component_matches(reg, &text)
        {
            order.retain(|&r| selection::risk_matches(&reg.risks[r], &text));
        }
        order
    }

    /// The selected risk's index in its register.
    pub fn selected_risk_index(&self) -> Option<usize> {
        self.risk_order().get(self.register.risk).copied()
    }

    /// The rows of the detail form for what it shows now.
    pub fn form_rows(&self) -> Vec<Row> {
        let Some(reg) = self.selected_file().and_then(ComponentFile::register) else {
            return Vec::new();
        };
        match self.form_risk() {
            Some(i) => form::rows(reg, Some(i), &form::RISK_FIELDS),
            None => form::rows(reg, None, &form::COMPONENT_FIELDS),
        }
    }

    /// The risk the detail form is about (`None`: the component's own fields).
    pub fn form_risk(&self) -> Option<usize> {
        self.shows_risk()
            .then(|| self.selected_risk_index())
            .flatten()
    }

    /// Whether the detail pane shows the selected risk (else the component).
    pub fn shows_risk(&self) -> bool {
        match self.register.focus {
            Pane::Components => false,
            Pane::Risks => true,
            Pane::Detail => self.register.subject == Subject::Risk,
        }
    }

    /// The findings as the `!` list shows them: errors first, then warnings, each by file.
    pub fn findings_listed(&self) -> Vec<&Finding> {
        let mut listed: Vec<&Finding> = self.findings.iter().collect();
        // Stable: within a severity, the file order the findings are kept in.
        listed.sort_by_key(|f| std::cmp::Reverse(f.severity));
        listed
    }

    /// Findings about one file, by its workspace-relative path.
    pub fn findings_for<'a>(&'a self, path: &'a Path) -> impl Iterator<Item = &'a Finding> {
        // Byte equality: every path here is made by the one `relative`, and `Path`'s own
        // comparison walks components. Each row of the components pane asks, over every
        // finding: an organisation's 224,000 made a key take a second.
        let path = path.as_os_str();
        self.findings
            .iter()
            .filter(move |f| f.path.as_os_str() == path)
    }

    fn say(&mut self, message: impl Into<String>) {
        self.status = Some(message.into());
    }

    /// Applies one action. Effects it needs (saving, journaling) are queued in `effects`.
    pub fn update(&mut self, action: Action) {
        self.status = None;
        if self.read_only && action.is_edit() {
            self.say("read-only: faultline was started with --read-only");
            return;
        }
        match self.mode() {
            Mode::FieldEditor => self.update_editor(action),
            Mode::FilterInput => {
                if let Some(input) = self.register.filter_input.take() {
                    self.update_filter_input(input, action);
                }
            }
            Mode::Overlay => {
                if let Some(overlay) = self.overlay.take() {
                    self.update_overlay(overlay, action);
                }
            }
            Mode::HeatMap => self.update_heat_map(action),
            Mode::Runbook | Mode::ViewerSearch | Mode::ViewerHints | Mode::ViewerPopup => {
                self.update_viewer(action);
            }
            Mode::Timeline | Mode::TimelineInput => self.update_timeline(action),
            Mode::Register => self.update_register(action),
        }
    }

    /// Text typed (a character not bound to an action) or pasted.
    pub fn type_text(&mut self, text: &str) {
        match self.mode() {
            Mode::FieldEditor => {
                if let Some(editing) = self.editing.as_mut() {
                    editing.input.insert(text);
                }
                self.validate_editing();
                self.journal_typing();
            }
            Mode::ViewerSearch => {
                if let Some(input) = self.viewer.as_mut().and_then(|v| v.search_input.as_mut()) {
                    input.insert(text);
                }
            }
            Mode::TimelineInput => {
                if let Some((_, input)) = self.timeline.as_mut().and_then(|t| t.input.as_mut()) {
                    input.insert(text);
                }
                self.journal_draft();
            }
            Mode::ViewerHints => {
                if let Some(letter) = text.chars().next() {
                    self.pick_copy_hint(letter);
                }
            }
            Mode::FilterInput => {
                if let Some(input) = self.register.filter_input.as_mut() {
                    input.insert(text);
                    let text = input.text().to_owned();
                    self.set_text_filter(Some(text));
                }
            }
            Mode::Overlay => match self.overlay.as_mut() {
                Some(Overlay::NewComponent { input, error }) => {
                    input.insert(text);
                    *error = None;
                }
                Some(Overlay::RunVars { input, .. }) => input.insert(text),
                // Searched once the keys already typed are taken (`refresh_stale_finder`).
                Some(Overlay::Finder(finder)) => {
                    finder.input.insert(text);
                    finder.stale = true;
                }
                Some(Overlay::Command(line)) => {
                    line.input.insert(text);
                    line.error = None;
                }
                _ => {}
            },
            Mode::ViewerPopup => {
                if let Some(viewer) = self.viewer.as_mut()
                    && let Some(input) = viewer.outline.typing.as_mut()
                {
                    input.insert(text);
                    viewer.outline.filter = input.text().to_owned();
                    let first = viewer
                        .outline
                        .visible(&viewer.doc.headings)
                        .first()
                        .copied();
                    if let Some(first) = first {
                        viewer.popup = Some(crate::viewer::ViewerPopup::Toc { selected: first });
                    }
                }
            }
            Mode::Register | Mode::HeatMap | Mode::Runbook | Mode::Timeline => {}
        }
    }

    /// Help, for the keys of where the person is now.
    pub(crate) fn open_help(&mut self) {
        let from = self.context();
        self.overlay = Some(Overlay::Help { scroll: 0, from });
    }

    /// The first key bound to `action` in `context` (or the global keys), for hints in
    /// messages about another place than the current one.
    pub fn key_in(&self, context: Context, action: Action) -> String {
        self.keymap
            .key_for(context, action)
            .map_or_else(|| action.describe().to_owned(), |k| k.to_string())
    }

    /// The first key bound to `action` where the person is now, for hints in messages.
    pub fn key_hint(&self, action: Action) -> String {
        self.keymap
            .key_for(self.context(), action)
            .map_or_else(|| action.describe().to_owned(), |k| k.to_string())
    }

    /// Quits, or asks what to do with unsaved changes first.
    fn request_quit(&mut self) {
        if self.unsaved_count() == 0 {
            self.should_quit = true;
        } else {
            self.overlay = Some(Overlay::Unsaved);
        }
    }
}

/// Applies a line-editing action to a text input.
pub fn edit_text(input: &mut TextInput, action: Action) {
    match action {
        Action::CursorLeft => input.left(),
        Action::CursorRight => input.right(),
        Action::WordLeft => input.word_left(),
        Action::WordRight => input.word_right(),
        Action::LineStart => input.home(),
        Action::LineEnd => input.end(),
        Action::DeleteBack => input.backspace(),
        Action::DeleteForward => input.delete(),
        Action::DeleteWordBack => input.delete_word_back(),
        Action::DeleteToStart => input.delete_to_start(),
        Action::DeleteToEnd => input.delete_to_end(),
        Action::EditNewline => input.newline(),
        _ => {}
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
