//! Everything a user can do, by name. Keys map to these through the keymap; `App::update` is the
//! only place that gives them meaning.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    // Moving around.
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    FocusLeft,
    FocusRight,
    NextPane,
    PrevPane,
    Select,
    // Views and popups.
    HeatMap,
    Finder,
    Findings,
    Help,
    Back,
    Quit,
    // The runbook viewer.
    OpenRunbook,
    Toc,
    Backlinks,
    Search,
    SearchNext,
    SearchPrev,
    NextLink,
    PrevLink,
    GoBack,
    GoForward,
    OpenExternal,
    Copy,
    OpenEditor,
    // Editing the register.
    Edit,
    Level1,
    Level2,
    Level3,
    Level4,
    Level5,
    LevelUp,
    LevelDown,
    CycleStatus,
    AddRisk,
    AddComponent,
    Delete,
    MoveUp,
    MoveDown,
    ToggleOrder,
    Undo,
    Redo,
    Save,
    // Answers in popups.
    Yes,
    No,
    Discard,
    Reload,
    Overwrite,
    Restore,
    // The line editor.
    EditCommit,
    EditCancel,
    EditNewline,
    CursorLeft,
    CursorRight,
    WordLeft,
    WordRight,
    LineStart,
    LineEnd,
    DeleteBack,
    DeleteForward,
    DeleteWordBack,
    DeleteToStart,
    DeleteToEnd,
}

impl Action {
    /// Every action, in the order help lists them.
    pub const ALL: [Action; 68] = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::FocusLeft,
        Action::FocusRight,
        Action::NextPane,
        Action::PrevPane,
        Action::Select,
        Action::HeatMap,
        Action::Finder,
        Action::Findings,
        Action::Help,
        Action::Back,
        Action::Quit,
        Action::OpenRunbook,
        Action::Toc,
        Action::Backlinks,
        Action::Search,
        Action::SearchNext,
        Action::SearchPrev,
        Action::NextLink,
        Action::PrevLink,
        Action::GoBack,
        Action::GoForward,
        Action::OpenExternal,
        Action::Copy,
        Action::OpenEditor,
        Action::Edit,
        Action::Level1,
        Action::Level2,
        Action::Level3,
        Action::Level4,
        Action::Level5,
        Action::LevelUp,
        Action::LevelDown,
        Action::CycleStatus,
        Action::AddRisk,
        Action::AddComponent,
        Action::Delete,
        Action::MoveUp,
        Action::MoveDown,
        Action::ToggleOrder,
        Action::Undo,
        Action::Redo,
        Action::Save,
        Action::Yes,
        Action::No,
        Action::Discard,
        Action::Reload,
        Action::Overwrite,
        Action::Restore,
        Action::EditCommit,
        Action::EditCancel,
        Action::EditNewline,
        Action::CursorLeft,
        Action::CursorRight,
        Action::WordLeft,
        Action::WordRight,
        Action::LineStart,
        Action::LineEnd,
        Action::DeleteBack,
        Action::DeleteForward,
        Action::DeleteWordBack,
        Action::DeleteToStart,
        Action::DeleteToEnd,
    ];

    /// What the action does, for the help screen.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "go to the first item",
            Action::Bottom => "go to the last item",
            Action::FocusLeft => "focus the pane to the left",
            Action::FocusRight => "focus the pane to the right",
            Action::NextPane => "focus the next pane",
            Action::PrevPane => "focus the previous pane",
            Action::Select => "open or edit the selected item",
            Action::HeatMap => "heat map: likelihood × impact",
            Action::Finder => "find a component, risk, runbook or heading",
            Action::Findings => "show load errors and check findings",
            Action::Help => "show this help",
            Action::Back => "close, go back or clear the filter (never quits)",
            Action::Quit => "quit faultline",
            Action::OpenRunbook => "open the risk's runbook (or stub one)",
            Action::Toc => "table of contents",
            Action::Backlinks => "risks that link to this runbook",
            Action::Search => "search in the document",
            Action::SearchNext => "next match",
            Action::SearchPrev => "previous match",
            Action::NextLink => "focus the next link on screen",
            Action::PrevLink => "focus the previous link on screen",
            Action::GoBack => "back to where you were (the previous page or view)",
            Action::GoForward => "forward again",
            Action::OpenExternal => "open the focused web link in the browser",
            Action::Copy => "copy the code block on screen (OSC 52)",
            Action::OpenEditor => "edit the file (runbook or register) in $VISUAL / $EDITOR",
            Action::Edit => "edit the selected field",
            Action::Level1 => "set level 1 (very-low): likelihood, then impact",
            Action::Level2 => "set level 2 (low)",
            Action::Level3 => "set level 3 (medium)",
            Action::Level4 => "set level 4 (high)",
            Action::Level5 => "set level 5 (very-high)",
            Action::LevelUp => "raise the level being set",
            Action::LevelDown => "lower the level being set",
            Action::CycleStatus => "cycle status: open, mitigating, mitigated, accepted",
            Action::AddRisk => "add a risk to the component",
            Action::AddComponent => "add a component (a new register file)",
            Action::Delete => "delete the selected risk, component or list item",
            Action::MoveUp => "move the risk up in file order",
            Action::MoveDown => "move the risk down in file order",
            Action::ToggleOrder => "order risks by score or as in the file",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::Save => "save every changed file",
            Action::Yes => "yes",
            Action::No => "no, cancel",
            Action::Discard => "discard the changes",
            Action::Reload => "reload the file from disk",
            Action::Overwrite => "overwrite the file on disk",
            Action::Restore => "restore the unsaved edits",
            Action::EditCommit => "keep the value",
            Action::EditCancel => "cancel the edit",
            Action::EditNewline => "new line (descriptions)",
            Action::CursorLeft => "cursor left",
            Action::CursorRight => "cursor right",
            Action::WordLeft => "word left",
            Action::WordRight => "word right",
            Action::LineStart => "start of line",
            Action::LineEnd => "end of line",
            Action::DeleteBack => "delete the character before the cursor",
            Action::DeleteForward => "delete the character under the cursor",
            Action::DeleteWordBack => "delete the word before the cursor",
            Action::DeleteToStart => "delete to the start of the line",
            Action::DeleteToEnd => "delete to the end of the line",
        }
    }

    /// Actions that change the register; refused in read-only mode.
    pub fn is_edit(self) -> bool {
        matches!(
            self,
            Action::Edit
                | Action::Level1
                | Action::Level2
                | Action::Level3
                | Action::Level4
                | Action::Level5
                | Action::LevelUp
                | Action::LevelDown
                | Action::CycleStatus
                | Action::AddRisk
                | Action::AddComponent
                | Action::Delete
                | Action::MoveUp
                | Action::MoveDown
                | Action::Undo
                | Action::Redo
                | Action::Save
                | Action::OpenEditor
        )
    }
}
