//! Shared drawing pieces: the theme and small widgets.

pub mod theme;
pub mod widgets;
