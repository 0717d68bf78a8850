//! The app's state types: views and panes, popups and their questions, what a pending yes
//! does, the field being edited, and the register view's selection.

use super::{CommandLine, FinderState, selection};
use crate::editor::TextInput;
use crate::form::Row;
use crate::keymap::Context;
use crate::model::{Level, Register};
use crate::recovery::Entry;
use std::path::PathBuf;

/// The three panes of the register view, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Components,
    Risks,
    Detail,
}

impl Pane {
    const ORDER: [Pane; 3] = [Pane::Components, Pane::Risks, Pane::Detail];

    pub(super) fn step(self, forward: bool) -> Pane {
        let i = Pane::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        let n = Pane::ORDER.len();
        Pane::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// Where the person was before a jump to another view, for Backspace to return to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The runbook viewer at a page and scroll position.
    Runbook(crate::viewer::Location),
    /// The register with this selection and focus.
    Register(selection::Selection, Pane),
    /// The game day or incident view.
    Timeline,
}

/// What the detail pane shows: the selected component's fields or the selected risk's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Component,
    Risk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Register,
    HeatMap,
    Runbook,
    /// A game day or an incident.
    Timeline,
}

/// What has the keyboard: a text input, a popup, or a view's own keys (see `App::mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A field of the detail form.
    FieldEditor,
    /// The register's `/` filter line.
    FilterInput,
    /// A popup over the view (`overlay`).
    Overlay,
    Register,
    HeatMap,
    Runbook,
    /// The viewer's search line.
    ViewerSearch,
    /// The viewer's copy hints (a letter picks).
    ViewerHints,
    /// Another of the viewer's popups (outline, backlinks, copy menu).
    ViewerPopup,
    Timeline,
    /// The timeline's input line.
    TimelineInput,
}

/// Which level the digit keys set next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelTarget {
    Likelihood,
    Impact,
}

/// Something to do once the user says yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DeleteRisk {
        path: PathBuf,
        id: String,
    },
    DeleteComponent {
        path: PathBuf,
    },
    /// Record a closed timeline in the register, as one change: a game day's rehearsal on
    /// each (register path, risk id), and the follow-ups logged, each on its risk or as a new
    /// one. `y` keeps the estimates; `e` also replaces them with the measured minutes.
    WriteBack {
        risks: Vec<(PathBuf, String)>,
        write_back: Option<crate::model::timeline::WriteBack>,
        follow_ups: Vec<crate::model::follow_up::Placed>,
    },
    /// Run a runbook's shell step (the whole command was shown).
    RunStep(Box<super::run::RunStep>),
    /// Write a runbook from the template at `file` and link the risk `id` of `path` to it.
    StubRunbook {
        path: PathBuf,
        id: String,
        file: String,
    },
}

/// A popup over the register view.
pub enum Overlay {
    /// Several shell steps on screen (`x`): which one to run, numbered from the top.
    RunChoice {
        runbook: String,
        /// Each step's command, in the runbook's order.
        steps: Vec<String>,
        selected: usize,
    },
    /// A shell step uses a variable that is not set: its value for this run, asked for.
    RunVars {
        step: Box<super::run::RunStep>,
        name: String,
        rest: Vec<String>,
        input: TextInput,
    },
    Help {
        scroll: usize,
        /// Where help was asked for: its keys come first.
        from: Context,
    },
    Findings {
        selected: usize,
    },
    Confirm {
        question: String,
        pending: Pending,
    },
    Unsaved,
    Conflict {
        path: PathBuf,
        deleted: bool,
        /// What changed on disk and here since the file was read, and a merge if one is clean.
        details: Box<ConflictDetails>,
    },
    Recovery {
        entries: Vec<Entry>,
    },
    NewComponent {
        input: TextInput,
        error: Option<String>,
    },
    Finder(Box<FinderState>),
    /// The `:` command line.
    Command(CommandLine),
    /// The blast radius of a component, with the selected row.
    Blast {
        blast: Box<crate::blast::Blast>,
        selected: usize,
    },
}

/// What a person needs to decide about a file changed on disk while it had unsaved edits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConflictDetails {
    /// The changes on disk since the file was read, one line each (as `faultline diff` says).
    pub theirs: Vec<String>,
    /// The unsaved changes made here.
    pub mine: Vec<String>,
    /// Both sides' changes together, when they touch different risks and fields.
    pub merged: Option<Register>,
    /// What both sides changed differently (no merge then).
    pub clashes: Vec<String>,
    /// The file on disk now: the new base once merged.
    pub on_disk: Option<Register>,
    pub stamp: Option<crate::store::DiskStamp>,
    /// The file on disk could not be read as a register (the reason).
    pub unreadable: Option<String>,
}

/// A field being edited in the detail pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Editing {
    pub row: Row,
    pub input: TextInput,
    pub error: Option<String>,
    /// The risk was just added: its id follows its title, and cancelling removes it.
    pub new_risk: bool,
}

/// How many places Backspace can go back through.
pub const PLACES_KEPT: usize = 50;

/// Rows a page key moves.
pub const PAGE: usize = 10;

/// The register view's state: what is selected, which pane has focus, how risks are ordered
/// and filtered.
pub struct RegisterView {
    pub focus: Pane,
    pub subject: Subject,
    /// Position in `visible` of the selected component.
    pub component: usize,
    /// Position in the selected component's shown risks.
    pub risk: usize,
    /// Selected row of the detail form.
    pub row: usize,
    pub level_target: LevelTarget,
    /// Heat-map cell filtering the register: (likelihood, impact).
    pub filter: Option<(Level, Level)>,
    /// Heat-map cursor: (likelihood, impact).
    pub heat_cursor: (Level, Level),
    /// The heat map's view shows coverage (components × categories) instead, with the
    /// selected component's row.
    pub coverage: Option<usize>,
    /// Risks in file order rather than by score.
    pub file_order: bool,
    /// Indices into `ws.components` shown in the list (all, or those with risks in the filter).
    pub(super) visible: Vec<usize>,
    /// `/` in the register: only components and risks containing this text are shown.
    pub text_filter: Option<String>,
    /// The `/` input line while it is open.
    pub filter_input: Option<TextInput>,
    /// The workshop flow of a risk just added: title, two digits, detection, Tab, mitigation.
    pub quick_add: bool,
    /// Where the keyboard goes back to once the acceptance questions (who, until when) asked
    /// after the status key are answered or left.
    pub accepting_from: Option<Pane>,
    /// Limits the heat map and the lists to some components: (why, their ids), e.g. the blast
    /// radius of one.
    pub scope: Option<(String, Vec<String>)>,
}

impl Default for RegisterView {
    fn default() -> RegisterView {
        RegisterView {
            focus: Pane::Components,
            subject: Subject::Component,
            component: 0,
            risk: 0,
            row: 0,
            level_target: LevelTarget::Likelihood,
            filter: None,
            heat_cursor: (Level::Medium, Level::Medium),
            coverage: None,
            file_order: false,
            visible: Vec::new(),
            text_filter: None,
            filter_input: None,
            quick_add: false,
            accepting_from: None,
            scope: None,
        }
    }
}
