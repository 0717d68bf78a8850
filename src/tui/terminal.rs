//! The one owner of the terminal: raw mode, alternate screen, bracketed paste and mouse capture are switched on
//! here and undone here, on return, error, panic and signal.

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::io::{self, Stdout, stdout};
use std::sync::Once;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// The terminal in TUI mode; dropping it gives the terminal back as it was.
pub struct TerminalGuard {
    pub terminal: Tui,
    mouse: bool,
}

impl TerminalGuard {
    /// Takes the terminal; `mouse` also captures clicks and the wheel.
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let entered = execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)
            .and_then(|()| capture_mouse(mouse))
            .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())));
        match entered {
            Ok(terminal) => Ok(TerminalGuard { terminal, mouse }),
            Err(err) => {
                restore();
                Err(err)
            }
        }
    }
}

impl TerminalGuard {
    /// Gives the terminal back for a moment (an editor runs).
    pub fn suspend(&mut self) {
        restore();
    }

    /// Takes the terminal again after `suspend`, and redraws everything.
    pub fn resume(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        execute!(
            stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            Clear(ClearType::All)
        )?;
        capture_mouse(self.mouse)?;
        // A new terminal, not `clear()`: that asks the terminal where its cursor is, which
        // one that does not answer (a bare pseudo-terminal, some serial consoles) makes an
        // error after the editor or a step has run. A new one draws every cell again.
        self.terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn capture_mouse(mouse: bool) -> io::Result<()> {
    if mouse {
        execute!(stdout(), EnableMouseCapture)
    } else {
        Ok(())
    }
}

/// Leaves raw mode and the alternate screen, turns off mouse capture and bracketed paste, shows
/// the cursor. Safe to call more than once; errors are ignored because there is nowhere left to
/// report them.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
}

/// Restores the terminal before the default hook prints the panic, so the message is readable.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
