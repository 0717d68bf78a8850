//! Colours and text styles, with and without colour (`NO_COLOR`). Bands always carry a text
//! marker, so nothing is told by colour alone.

use crate::model::Band;
use ratatui::style::{Color, Modifier, Style};

pub use crate::sanitize::use_color;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    /// Shell steps may be run (`x`): the viewer labels them so only then.
    pub runs: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color, runs: true }
    }

    /// The same, with shell steps offered or not.
    pub fn with_runs(self, runs: bool) -> Theme {
        Theme { runs, ..self }
    }

    /// The band marker's style: coloured background, or bold/plain without colour.
    pub fn band(self, band: Band) -> Style {
        if !self.color {
            return match band {
                Band::Critical | Band::High => Style::new().add_modifier(Modifier::BOLD),
                Band::Medium | Band::Low => Style::new(),
            };
        }
        let bg = match band {
            Band::Critical => Color::Red,
            Band::High => Color::LightRed,
            Band::Medium => Color::Yellow,
            Band::Low => Color::Green,
        };
        Style::new()
            .bg(bg)
            .fg(Color::Black)
            .add_modifier(Modifier::BOLD)
    }

    /// The selected row of the focused list; reverse video reads without colour too.
    /// A list's line, in the selected style when it is the selected one (a popup's list).
    pub fn mark_selected(
        self,
        line: ratatui::text::Line<'_>,
        selected: bool,
    ) -> ratatui::text::Line<'_> {
        if selected {
            line.style(self.selected(true))
        } else {
            line
        }
    }

    pub fn selected(self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else if self.color {
            Style::new().bg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    pub fn border(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().add_modifier(Modifier::BOLD),
            (false, _) => Style::new(),
        }
    }

    pub fn label(self) -> Style {
        if self.color {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn error(self) -> Style {
        if self.color {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn warning(self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new()
        }
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}
