//! Everything a user can do, by name. Keys map to these through the keymap; `App::update` is the
//! only place that gives them meaning. Each action is declared once, below: its name, what help
//! says it does, and whether it edits the register; the enum, `ALL`, `describe` and `is_edit`
//! are made from that one list.

use serde::{Deserialize, Serialize};

/// `edit` after an action's description marks it as changing the register.
macro_rules! is_edit {
    () => {
        false
    };
    (edit) => {
        true
    };
}

macro_rules! actions {
    ($($name:ident => $describe:literal $($edit:ident)?,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Action {
            $($name,)*
        }

        impl Action {
            /// Every action, in the order help lists them.
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];

            /// What the action does, for the help screen.
            pub fn describe(self) -> &'static str {
                match self {
                    $(Action::$name => $describe,)*
                }
            }

            /// Actions that change the register; refused in read-only mode.
            pub fn is_edit(self) -> bool {
                match self {
                    $(Action::$name => is_edit!($($edit)?),)*
                }
            }
        }
    };
}

actions! {
    // Moving around.
    Up => "move up",
    Down => "move down",
    PageUp => "page up",
    PageDown => "page down",
    Top => "go to the first item",
    Bottom => "go to the last item",
    FocusLeft => "focus the pane to the left",
    FocusRight => "focus the pane to the right",
    NextPane => "focus the next pane",
    PrevPane => "focus the previous pane",
    Select => "open or edit the selected item",
    // Views and popups.
    HeatMap => "heat map: likelihood × impact",
    Coverage => "coverage: components × categories of failure",
    BlastRadius => "blast radius: what a failure of this component reaches",
    Finder => "find a component, risk, runbook or heading",
    SearchText => "search the runbooks' full text for the query",
    CommandLine => "command line (:w, :q, :wq, :q!, :new, :filter, :sort …)",
    Filter => "filter the list: only what contains the text",
    Complete => "complete the command",
    Findings => "show load errors and check findings",
    Help => "show this help",
    Back => "close, go back or clear the filter (never quits)",
    Quit => "quit faultline",
    // The runbook viewer.
    OpenRunbook => "open the risk's runbook (or stub one)",
    Toc => "table of contents",
    Backlinks => "risks that link to this runbook",
    Search => "search in the document",
    SearchNext => "next match",
    SearchPrev => "previous match",
    NextLink => "focus the next link on screen",
    PrevLink => "focus the previous link on screen",
    GoBack => "back to where you were (the previous page or view)",
    GoForward => "forward again",
    OpenExternal => "open the focused web link in the browser",
    Copy => "copy code on screen (OSC 52); several: letters pick one",
    RunStep => "run the shell step on screen (asks first)",
    CopySection => "copy the section on screen as markdown",
    CopyLink => "copy the link to the heading on screen (path#anchor)",
    OpenLog => "show the selected event's output log",
    OpenEditor => "edit the file (runbook or register) in $VISUAL / $EDITOR" edit,
    // Game days and incidents.
    LogHypothesis => "record a hypothesis",
    LogAction => "record an action taken",
    LogObservation => "record an observation",
    LogDecision => "record a decision",
    LogQuestion => "record a question (a game day's, for the register)",
    LogNote => "record a note",
    LogFollowUp => "log a follow-up (text; owner: …; due: …)",
    LogImpact => "log when the impact started (HH:MM, or now)",
    TickStep => "tick the selected runbook step as done",
    MarkDetected => "mark the failure detected (now)",
    MarkMitigated => "mark it mitigated (now)",
    MarkResolved => "mark it resolved (now)",
    SeverityUp => "raise the severity (towards P1)",
    SeverityDown => "lower the severity (towards P4)",
    ToggleTimeline => "show the timeline or the runbook steps (narrow screens)",
    Reveal => "reveal or hide the facilitator card's answers",
    // Editing the register.
    Edit => "edit the selected field" edit,
    Level1 => "set level 1 (very-low): likelihood, then impact" edit,
    Level2 => "set level 2 (low)" edit,
    Level3 => "set level 3 (medium)" edit,
    Level4 => "set level 4 (high)" edit,
    Level5 => "set level 5 (very-high)" edit,
    LevelUp => "raise the level being set" edit,
    LevelDown => "lower the level being set" edit,
    CycleStatus => "cycle status: open, mitigating, mitigated, accepted" edit,
    AddRisk => "add a risk to the component" edit,
    AddComponent => "add a component (a new register file)" edit,
    Delete => "delete the selected risk, component or list item" edit,
    ToggleDone => "mark the selected follow-up done (or open again)" edit,
    MoveUp => "move the risk up in file order" edit,
    MoveDown => "move the risk down in file order" edit,
    ToggleOrder => "order risks by score or as in the file",
    Undo => "undo" edit,
    Redo => "redo" edit,
    Save => "save every changed file" edit,
    // Answers in popups.
    Yes => "yes",
    No => "no, cancel",
    Discard => "discard the changes",
    Reload => "reload the file from disk",
    Overwrite => "overwrite the file on disk (drops theirs)",
    Merge => "merge their changes with yours",
    ReplaceEstimate => "record and replace the estimate with the measurement",
    Restore => "restore the unsaved edits",
    // The line editor.
    EditCommit => "keep the value",
    EditCancel => "cancel the edit",
    NextField => "keep the value and edit the next field",
    PrevField => "keep the value and edit the previous field",
    EditNewline => "new line (descriptions)",
    CursorLeft => "cursor left",
    CursorRight => "cursor right",
    WordLeft => "word left",
    WordRight => "word right",
    LineStart => "start of line",
    LineEnd => "end of line",
    DeleteBack => "delete the character before the cursor",
    DeleteForward => "delete the character under the cursor",
    DeleteWordBack => "delete the word before the cursor",
    DeleteToStart => "delete to the start of the line",
    DeleteToEnd => "delete to the end of the line",
}

impl Action {
    /// The keys that move a selection (`App::move_by` says where to).
    pub fn is_movement(self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
        )
    }
}
