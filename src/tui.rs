//! The TUI's event loop: terminal events become actions through the keymap, `App::update` applies
//! them, the screen is drawn from state. Signals end the loop so the terminal is restored.

pub mod action;
pub mod app;
pub mod editor;
pub mod effects;
pub mod form;
pub mod keymap;
pub mod markdown;
pub mod mouse;
pub mod org;
pub mod polling;
pub mod run;
pub mod screen;
pub mod terminal;
pub mod ui;
pub mod viewer;

use crate::app::{App, Checked, Loading, Overlay};
use crate::check::check;
use crate::effects::TerminalRequest;
use crate::finding::{Finding, Pos};
use crate::keymap::{Key, Keymap};
use crate::recovery::Journal;
use crate::store::Workspace;
use crate::terminal::TerminalGuard;
use crate::ui::theme::{Theme, use_color};
use anyhow::Result;
use ratatui::crossterm::event::{self, Event, KeyEventKind, KeyModifiers};
use std::io::IsTerminal;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// How often the loop wakes without input, to notice signals.
const TICK: Duration = Duration::from_millis(200);

/// How long idle before files are compared with disk again.
const DISK_CHECK: Duration = Duration::from_secs(2);

/// A key: its action in the current context, or, while typing, a character to insert.
pub fn handle_key(app: &mut App, key: ratatui::crossterm::event::KeyEvent) {
    let key = Key::from_event(key);
    // Esc then a key, typed quickly (or sent at once over SSH), arrives as Alt and the key.
    // When Alt and that key mean nothing here, it is taken as the two keys it was. Not while
    // typing, where Alt-letters are the line editor's (and an Esc would drop the text).
    let typing = matches!(
        app.context(),
        crate::keymap::Context::Editor
            | crate::keymap::Context::Finder
            | crate::keymap::Context::Command
    );
    if !typing
        && key.modifiers == KeyModifiers::ALT
        && matches!(key.code, ratatui::crossterm::event::KeyCode::Char(_))
        && app.keymap.action(app.context(), key).is_none()
    {
        let esc =
            ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Esc);
        handle_key(app, esc);
        app.run_effects();
        let plain = ratatui::crossterm::event::KeyEvent::new(key.code, KeyModifiers::NONE);
        handle_key(app, plain);
        return;
    }
    if let Some(action) = app.keymap.action(app.context(), key) {
        app.update(action);
    } else if let ratatui::crossterm::event::KeyCode::Char(c) = key.code
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        app.type_text(&c.to_string());
    }
}

/// Ends the process when the event loop cannot: crossterm 0.29 spins forever reading a terminal
/// that was hung up (read returns 0 bytes and its loop retries), so neither a signal nor the loss
/// of the terminal would otherwise end faultline. Unsaved edits are already in the recovery
/// journal (every edit is flushed as it is made), so exiting here loses nothing.
struct Watchdog {
    done: Arc<std::sync::atomic::AtomicBool>,
}

/// How long the event loop gets to notice a signal itself before the watchdog ends the process.
const GRACE: Duration = Duration::from_secs(1);

impl Watchdog {
    fn spawn(signal: Arc<AtomicUsize>) -> Watchdog {
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let finished = Arc::clone(&done);
        let had_terminal = std::io::stdin().is_terminal();
        std::thread::spawn(move || {
            let mut signalled_at: Option<Instant> = None;
            loop {
                std::thread::sleep(TICK);
                if finished.load(Ordering::Relaxed) {
                    return;
                }
                let sig = signal.load(Ordering::Relaxed);
                let hung_up = had_terminal && !std::io::stdin().is_terminal();
                if sig != 0 || hung_up {
                    let since = *signalled_at.get_or_insert_with(Instant::now);
                    if since.elapsed() >= GRACE && !finished.load(Ordering::Relaxed) {
                        // A hung-up terminal has nothing to restore, and writing to it could
                        // block on the lock the stuck loop holds: only restore a live one.
                        if !hung_up {
                            crate::terminal::restore();
                        }
                        let code = if sig != 0 {
                            128 + i32::try_from(sig).unwrap_or(0)
                        } else {
                            129
                        };
                        std::process::exit(code);
                    }
                }
            }
        });
        Watchdog { done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// What the command line tells the TUI: the workspace, and how to open it. `main` builds it,
/// so the TUI never reads the command line itself.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: std::path::PathBuf,
    /// `--read-only`: no editing at all.
    pub read_only: bool,
    /// `--edit`: edit even while an incident is open.
    pub edit: bool,
    /// Clicks and the wheel (`--no-mouse` leaves the mouse to the terminal).
    pub mouse: bool,
    /// `--no-run`: a runbook's shell steps are never run.
    pub no_run: bool,
}

/// Builds the app for the workspace.
pub fn load_app(opts: &Options) -> Result<App> {
    load_app_with(opts, Some(usize::MAX))
}

/// Registers read before the first frame of the register view: more than a tall terminal's
/// components pane lists. A workspace with more gets the rest from the background load.
pub const FIRST_REGISTERS: usize = 100;

/// The app, with its first `registers` registers loaded now (`None`: none) and the rest by
/// the background check.
fn load_app_with(opts: &Options, registers: Option<usize>) -> Result<App> {
    let root = opts.root.clone();
    let (ws, all) = match registers {
        Some(n) => {
            let (ws, total) = Workspace::load_registers_from(&root, n, &[])?;
            let all = ws.components.len() == total;
            (ws, all)
        }
        None => (Workspace::empty(&root), false),
    };
    let findings = ws.load_findings();
    let mut app = app_over(ws, findings);
    configure(&mut app, opts, all);
    Ok(app)
}

/// The app over a workspace, with the user's keymap and the terminal's colours.
pub(crate) fn app_over(ws: Workspace, mut findings: Vec<Finding>) -> App {
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
    App::loading(ws, findings, keymap, theme)
}

/// What the command line and the workspace say about editing, running steps and journals.
fn configure(app: &mut App, opts: &Options, registers: bool) {
    let root = opts.root.clone();
    // An incident still open in the workspace makes every TUI read-only (the incident view
    // does, and a second terminal must too), unless --edit says otherwise, knowingly.
    let open_incident = if opts.read_only || opts.edit {
        None
    } else {
        open_incident(&root)
    };
    app.read_only = opts.read_only || open_incident.is_some();
    app.read_only_asked = opts.read_only;
    // Shell steps run unless something says not to: --read-only, --no-run, or the workspace.
    app.run = if opts.read_only {
        Err("read-only: no step is run".to_owned())
    } else if opts.no_run {
        Err("--no-run: no step is run".to_owned())
    } else if !crate::monitoring::config::run_enabled(&root) {
        Err("faultline.toml [run] enabled = false: no step is run".to_owned())
    } else {
        Ok(())
    };
    app.theme = app.theme.with_runs(app.run.is_ok());
    if let Some(rel) = &open_incident {
        app.status = Some(incident_is_open(rel));
    }
    app.registers_pending = !registers;
    app.draft_journal = Journal::for_workspace(&root);
    app.search_cache = crate::rank::index::default_file(&root);
    if !app.read_only {
        app.journal = Journal::for_workspace(&root);
        // Edits to offer back are compared with the registers: once they are loaded.
        if registers {
            offer_recovery(app);
        }
    }
}

/// Why the register opened read-only, short enough for 80 columns beside the READ-ONLY label.
fn incident_is_open(rel: &std::path::Path) -> String {
    let stem = rel
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    // Without its date: `incidents/2026-11-24-checkout-down.jsonl` is "checkout-down".
    let name = crate::sanitize::quote(stem.get(11..).filter(|_| stem.len() > 11).unwrap_or(&stem));
    format!("incident {name} is open (--edit edits anyway)")
}

/// The newest incident of the workspace that is not resolved, if any.
pub fn open_incident(root: &std::path::Path) -> Option<std::path::PathBuf> {
    use crate::model::timeline::TimelineKind;
    crate::timeline::list(root, TimelineKind::Incident)
        .into_iter()
        .find(|rel| crate::timeline::read(root, rel).is_ok_and(|l| !l.timeline.is_closed()))
}

/// Offers back the edits a previous session journaled but never saved.
pub fn offer_recovery(app: &mut App) {
    let Some(journal) = &app.journal else { return };
    let entries: Vec<_> = journal
        .read()
        .into_values()
        .filter(|entry| app.current(&entry.path) != entry.register.as_ref())
        .collect();
    if entries.is_empty() {
        let _ = journal.clear();
    } else {
        app.overlay = Some(Overlay::Recovery { entries });
    }
}

/// Indexes runbooks, checks the workspace and builds the finder's index on another thread, so
/// the first screen does not wait for them.
pub fn check_in_background(app: &mut App) -> mpsc::Receiver<Loading> {
    let (send, receive) = mpsc::channel();
    if let Some(pending) = app.org_pending.take() {
        org::check_in_background(pending, app.today, send);
        return receive;
    }
    // The registers are shared (`Arc`), not copied.
    let mut ws = app.ws.share_registers();
    let today = app.today;
    let load_registers = app.registers_pending;
    std::thread::spawn(move || {
        if load_registers {
            // Sent at once: the register view waits for them, the check need not.
            let loaded = Workspace::load_registers_from(&ws.root, usize::MAX, &ws.components)
                .map_or_else(|_| Workspace::empty(&ws.root), |(loaded, _)| loaded);
            ws = loaded.share_registers();
            let _ = send.send(Loading::Registers {
                findings: loaded.load_findings(),
                ws: loaded,
                search: None,
                status: None,
            });
        }
        ws.load_runbooks_and_monitoring();
        let findings = check(&ws, today);
        let search = crate::search::SearchIndex::build(&ws);
        let runbooks = ws.take_runbooks();
        let _ = send.send(Loading::Checked(Checked {
            runbooks,
            monitoring: ws.monitoring.take(),
            findings,
            search,
            search_adds: false,
        }));
    });
    receive
}

/// Does what only the terminal owner can: OSC 52 to the clipboard, handing the terminal to an
/// editor and taking it back, starting the browser.
fn perform_terminal_request(
    app: &mut App,
    guard: &mut TerminalGuard,
    request: TerminalRequest,
) -> Result<()> {
    match request {
        TerminalRequest::Clipboard(text) => {
            let mut out = std::io::stdout();
            out.write_all(crate::viewer::osc52(&text).as_bytes())?;
            out.flush()?;
        }
        TerminalRequest::Editor(path) => {
            let editor = std::env::var("VISUAL")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .or_else(|| {
                    std::env::var("EDITOR")
                        .ok()
                        .filter(|v| !v.trim().is_empty())
                })
                .unwrap_or_else(|| "vi".into());
            guard.suspend();
            // Through sh, so an editor with arguments (`code --wait`) works; the path is passed
            // as an argument, never spliced into the command.
            let status = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("{editor} \"$1\""))
                .arg("sh")
                .arg(&path)
                .status();
            guard.resume()?;
            app.status = Some(match status {
                Ok(s) if s.success() => format!("back from {editor}; file reloaded"),
                Ok(s) => format!("{editor} exited with {s}; file reloaded"),
                Err(err) => format!("cannot start {editor}: {err}"),
            });
            let rel = crate::store::relative(&app.ws.root, &path);
            if rel.ends_with(".md") {
                app.read_runbook(&rel, crate::effects::Show::Edited);
            } else {
                app.reload_file(std::path::PathBuf::from(rel));
            }
        }
        TerminalRequest::Run(step) => {
            guard.suspend();
            let ran = crate::run::perform(&step, true);
            guard.resume()?;
            app.step_ran(&step, &ran);
        }
        TerminalRequest::OpenUrl(url) => {
            let opener = if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            };
            let spawned = std::process::Command::new(opener)
                .arg(&url)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            if let Err(err) = spawned {
                app.status = Some(format!("cannot run {opener} for {url}: {err}"));
            }
        }
    }
    Ok(())
}

/// `faultline runbook QUERY`: the TUI, opened on the section that clearly answers the query
/// (`rank::find`). When none clearly does, nothing opens: the best candidates are listed with
/// why each matched (exit 2), so the wrong runbook is never opened in silence.
pub fn run_runbook(opts: &Options, query: &str) -> Result<i32> {
    let root = opts.root.clone();
    let ranked = crate::rank::find(&root, query)?;
    let Some(hit) = ranked.opened else {
        return refuse(query, &ranked);
    };
    let anchor = (!hit.anchor.is_empty()).then_some(hit.anchor);
    // Off a terminal (a pipe, a script), the section is printed as text, as glow does.
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| *w >= 20)
            .unwrap_or(80);
        let bytes = crate::store::read_limited(&root, &root.join(&hit.path))
            .map_err(|f| anyhow::anyhow!("{f}"))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut out = crate::sanitize::LineGuard::new(std::io::stdout().lock());
        writeln!(out, "{}", crate::sanitize::quote(&hit.path))?;
        out.write_all(section_text(&text, anchor.as_deref(), width).as_bytes())?;
        out.flush()?;
        return Ok(crate::core::exit::OK);
    }
    // The runbook first: the registers load behind it.
    event_loop(opts, load_app_with(opts, None)?, Some((hit.path, anchor)))
}

/// No section clearly answers: why, and the best candidates (exit 2).
fn refuse(query: &str, ranked: &crate::rank::Ranked) -> Result<i32> {
    let mut err = std::io::stderr().lock();
    let query = crate::sanitize::sanitize(query);
    if ranked.empty {
        writeln!(err, "faultline: “{query}” has no word to look for")?;
        return Ok(crate::core::exit::FAILURE);
    }
    if let Some(note) = &ranked.note {
        writeln!(err, "faultline: {}", crate::sanitize::sanitize(note))?;
        return Ok(crate::core::exit::FAILURE);
    }
    writeln!(
        err,
        "faultline: no runbook matches “{query}” well enough to open it"
    )?;
    if ranked.candidates.is_empty() {
        writeln!(
            err,
            "  no runbook (nor any risk linking to one) holds any of its words"
        )?;
        return Ok(crate::core::exit::FAILURE);
    }
    if !ranked.unknown.is_empty() {
        writeln!(
            err,
            "  no runbook holds: {}",
            crate::sanitize::sanitize(&ranked.unknown.join(", "))
        )?;
    }
    writeln!(err, "closest:")?;
    for c in &ranked.candidates {
        writeln!(
            err,
            "  {:>6.2}  {}#{}  {} ({})",
            c.score,
            crate::sanitize::sanitize(&c.path),
            crate::sanitize::sanitize(&c.anchor),
            crate::sanitize::sanitize(&c.heading),
            crate::sanitize::sanitize(&c.why)
        )?;
    }
    let first = &ranked.candidates[0];
    writeln!(
        err,
        "open one with: faultline runbook {}#{}",
        crate::sanitize::sanitize(&first.path),
        crate::sanitize::sanitize(&first.anchor)
    )?;
    Ok(crate::core::exit::FAILURE)
}

/// The section of a runbook at `anchor` (the whole runbook without one), rendered as plain text
/// at `width` columns: from its heading to the next heading of the same or a higher level.
pub fn section_text(markdown: &str, anchor: Option<&str>, width: u16) -> String {
    let doc = crate::markdown::render(markdown, width, crate::ui::theme::Theme::new(false));
    let (start, end) = match anchor.and_then(|a| doc.headings.iter().position(|h| h.anchor == a)) {
        Some(i) => {
            let heading = &doc.headings[i];
            let end = doc.headings[i + 1..]
                .iter()
                .find(|h| h.level <= heading.level)
                .map_or(doc.lines.len(), |h| h.line);
            (heading.line, end)
        }
        None => (0, doc.lines.len()),
    };
    let mut out = String::new();
    for n in start..end {
        out.push_str(doc.plain(n).trim_end());
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Opens the TUI; returns the exit code (128 + signal number when a signal ended it).
pub fn run(opts: &Options) -> Result<i32> {
    event_loop(opts, load_app_first(opts)?, None)
}

/// The app for the register view's first frame: the first `FIRST_REGISTERS` registers, the
/// rest read by the background load (`check_in_background`).
pub fn load_app_first(opts: &Options) -> Result<App> {
    load_app_with(opts, Some(FIRST_REGISTERS))
}

/// The game day / incident view on the timeline `rel` (workspace-relative), with any event a
/// killed session was typing offered back.
pub fn run_timeline(opts: &Options, rel: &std::path::Path) -> Result<i32> {
    let mut app = load_app(opts)?;
    let ws = &app.ws;
    let opened = crate::timeline::open(&ws.root, rel, |r| ws.risk(r))?;
    app.open_timeline(crate::app::timeline::TimelineState::new(opened));
    // The incident on screen is the one that made the register read-only: no need to say so.
    if app.status.as_deref() == Some(incident_is_open(rel).as_str()) {
        app.status = None;
    }
    app.restore_draft();
    event_loop(opts, app, None)
}

/// One terminal event, handled.
fn handle_event(app: &mut App, event: Event) {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => handle_key(app, key),
        Event::Paste(text) => app.type_text(&text),
        Event::Mouse(mouse) => crate::mouse::handle(app, mouse),
        Event::Resize(width, height) => app.resize(width, height),
        _ => {}
    }
}

pub(crate) fn event_loop(
    opts: &Options,
    mut app: App,
    runbook: Option<(String, Option<String>)>,
) -> Result<i32> {
    let checked = check_in_background(&mut app);
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
    let mut guard = TerminalGuard::enter(opts.mouse)?;
    let _watchdog = Watchdog::spawn(Arc::clone(&signal));
    let size = guard.terminal.size()?;
    app.resize(size.width, size.height);
    app.preview_large_runbooks = true;
    app.input_pending = Some(|| event::poll(Duration::ZERO).unwrap_or(false));
    if let Some((path, anchor)) = runbook {
        app.open_runbook(&path, anchor.as_deref());
        app.run_effects();
    }
    let mut alerts = crate::polling::AlertPolling::new(&app.ws.root);
    // A test hook: the pseudo-terminal tests check that a panic still restores the terminal.
    let panic_for_test = std::env::var_os("FAULTLINE_TEST_PANIC").is_some();
    let mut idle_since = Instant::now();
    loop {
        guard
            .terminal
            .draw(|frame| crate::screen::render(&app, frame))?;
        assert!(
            !panic_for_test,
            "FAULTLINE_TEST_PANIC is set: panicking on purpose"
        );
        // A large runbook's first screen is on the terminal: now the whole of it.
        if let Some(viewer) = app.viewer.as_mut().filter(|v| v.preview.is_some()) {
            viewer.complete();
            continue;
        }
        if app.should_quit {
            return Ok(0);
        }
        // The keys typed into the finder are on screen: now their search, then its results
        // drawn; given up when another key waits, which is read first.
        if app.refresh_stale_finder() {
            continue;
        }
        // While the background check runs, wake often to show its result promptly.
        let tick = if app.checking {
            Duration::from_millis(20)
        } else {
            TICK
        };
        let waiting = !app.takes_keys();
        let arrived = match waiting.then(|| checked.recv_timeout(tick)) {
            Some(Ok(result)) => Some(result),
            Some(Err(mpsc::RecvTimeoutError::Disconnected)) => {
                // The load is gone (it panicked): the keys are not kept waiting for it.
                app.registers_pending = false;
                None
            }
            _ => None,
        };
        if !waiting && event::poll(tick)? {
            idle_since = Instant::now();
            handle_event(&mut app, event::read()?);
            // Keys already typed into the finder are all taken before it searches (at the top
            // of the loop, once they are drawn): one search for a burst of keys, not one each.
            while matches!(app.overlay, Some(Overlay::Finder(_))) && event::poll(Duration::ZERO)? {
                handle_event(&mut app, event::read()?);
            }
        } else if app.view == crate::app::View::Timeline {
            // Another terminal may append (`incident log`): shown within a tick.
            app.watch_timeline();
        } else if idle_since.elapsed() >= DISK_CHECK
            && app.overlay.is_none()
            && app.editing.is_none()
        {
            idle_since = Instant::now();
            app.check_disk();
        }
        if let Some(result) =
            arrived.or_else(|| app.checking.then(|| checked.try_recv().ok()).flatten())
        {
            let registers_arrive =
                app.registers_pending && matches!(result, Loading::Registers { .. });
            app.attach(result);
            if registers_arrive && !app.read_only {
                offer_recovery(&mut app);
            }
        }
        alerts.sync(&mut app);
        app.run_effects();
        for request in std::mem::take(&mut app.terminal_requests) {
            perform_terminal_request(&mut app, &mut guard, request)?;
        }
        app.run_effects();
        let sig = signal.load(Ordering::Relaxed);
        if sig != 0 {
            drop(guard);
            return Ok(128 + i32::try_from(sig).unwrap_or(0));
        }
    }
}
