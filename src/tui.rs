//! The TUI's event loop: terminal events become actions through the keymap, `App::update` applies
//! them, the screen is drawn from state. Signals end the loop so the terminal is restored.

use crate::app::App;
use crate::check::check;
use crate::cli::Cli;
use crate::finding::{Finding, Pos};
use crate::keymap::{Key, Keymap};
use crate::store::Workspace;
use crate::terminal::TerminalGuard;
use crate::ui::theme::{Theme, use_color};
use anyhow::Result;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How often the loop wakes without input, to notice signals.
const TICK: Duration = Duration::from_millis(200);

/// Builds the app for the workspace named on the command line.
pub fn load_app(cli: &Cli) -> Result<App> {
    let root = crate::commands::workspace_root(cli)?;
    let ws = Workspace::load(&root)?;
    let mut findings = check(&ws, crate::commands::today());
    let keymap = match directories::ProjectDirs::from("", "", "faultline") {
        Some(dirs) => {
            let path = dirs.config_dir().join("keymap.json");
            Keymap::with_overrides(&path).unwrap_or_else(|err| {
                findings.insert(
                    0,
                    Finding::error(
                        &path,
                        Pos::START,
                        "keymap",
                        format!("{err:#}; using the default keymap"),
                    ),
                );
                Keymap::default_keymap()
            })
        }
        None => Keymap::default_keymap(),
    };
    let theme = Theme::new(use_color(std::io::stdout().is_terminal()));
    Ok(App::new(ws, findings, keymap, theme))
}

/// Opens the TUI; returns the exit code (128 + signal number when a signal ended it).
pub fn run(cli: &Cli) -> Result<i32> {
    let mut app = load_app(cli)?;
    let signal = Arc::new(AtomicUsize::new(0));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGQUIT,
    ] {
        signal_hook::flag::register_usize(
            sig,
            Arc::clone(&signal),
            usize::try_from(sig).unwrap_or(1),
        )?;
    }
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    app.area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
    // A test hook: the pseudo-terminal tests check that a panic still restores the terminal.
    let panic_for_test = std::env::var_os("FAULTLINE_TEST_PANIC").is_some();
    loop {
        guard
            .terminal
            .draw(|frame| crate::screen::render(&app, frame))?;
        assert!(
            !panic_for_test,
            "FAULTLINE_TEST_PANIC is set: panicking on purpose"
        );
        if app.should_quit {
            return Ok(0);
        }
        if event::poll(TICK)? {
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    if let Some(action) = app.keymap.action(app.context(), Key::from_event(key)) {
                        app.update(action);
                    }
                }
                Event::Resize(width, height) => {
                    app.area = ratatui::layout::Rect::new(0, 0, width, height);
                }
                _ => {}
            }
        }
        let sig = signal.load(Ordering::Relaxed);
        if sig != 0 {
            drop(guard);
            return Ok(128 + i32::try_from(sig).unwrap_or(0));
        }
    }
}
