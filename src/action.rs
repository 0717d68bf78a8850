//! Everything a user can do, by name. Keys map to these through the keymap; `App::update` is the
//! only place that gives them meaning.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Quit,
    Back,
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
    Help,
    Findings,
}

impl Action {
    /// Every action, in the order help lists them.
    pub const ALL: [Action; 15] = [
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
        Action::Findings,
        Action::Help,
        Action::Back,
        Action::Quit,
    ];

    /// What the action does, for the help screen.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit faultline",
            Action::Back => "close the popup, or quit",
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
            Action::Select => "open the selected item",
            Action::Help => "show this help",
            Action::Findings => "show load errors and check findings",
        }
    }
}
