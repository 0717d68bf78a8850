//! Shared by the screen tests: an app over a workspace, keys pressed through the real keymap
//! (effects performed as the event loop would), and the screen as text.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use faultline::app::App;
use faultline::keymap::{Key, Keymap};
use faultline::store::Workspace;
use faultline::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 24)
}

/// The open finder (the test fails when it is not open).
pub fn finder(app: &App) -> &faultline::app::FinderState {
    match app.overlay.as_ref() {
        Some(faultline::app::Overlay::Finder(finder)) => finder,
        _ => panic!("the finder is open"),
    }
}

pub fn app_for(root: &Path, color: bool) -> App {
    let ws = Workspace::load(root).unwrap();
    let findings = faultline::check::check(&ws, today());
    let mut app = App::new(ws, findings, Keymap::default_keymap(), Theme::new(color));
    app.today = today();
    app
}

pub fn example() -> App {
    app_for(&repo(), false)
}

/// A copy of the example workspace in a temporary directory, for tests that save.
pub fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("registers"), &dir.path().join("registers"));
    copy_tree(&repo().join("runbooks"), &dir.path().join("runbooks"));
    copy_tree(&repo().join("monitoring"), &dir.path().join("monitoring"));
    dir
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Presses keys named as in the keymap (`j`, `tab`, `ctrl-s`), separated by spaces, through the
/// event loop's own key handler: a key with no action types its character, as in the terminal.
pub fn press(app: &mut App, keys: &str) {
    for name in keys.split_whitespace() {
        let key = Key::parse(name).unwrap();
        let event = ratatui::crossterm::event::KeyEvent::new(key.code, key.modifiers);
        faultline::tui::handle_key(app, event);
        app.run_effects();
    }
}

/// Types text into whatever has the cursor.
pub fn type_text(app: &mut App, text: &str) {
    app.type_text(text);
    app.run_effects();
}

pub fn terminal(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| faultline::screen::render(app, frame))
        .unwrap();
    terminal
}

pub fn screen(app: &App) -> String {
    terminal(app, 80, 24).backend().to_string()
}

/// The kinds of a timeline file's events, in order (line 1, the header, left out).
pub fn event_kinds(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The faultline binary run in `dir` without colour, "today" pinned, and `envs`.
pub fn run_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"));
    command
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("FAULTLINE_TODAY", "2026-11-24");
    for (k, v) in envs {
        command.env(k, v);
    }
    command.output().unwrap()
}

/// Runs `git` in `dir` with a test identity and no signing; panics with its message on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Commits everything in the repository at `dir` (`git add -A`, then a commit with `message`).
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", message]);
}

/// The one file in `root/dir` (a test's `incidents/` or `gamedays/`).
pub fn only_file(root: &Path, dir: &str) -> std::path::PathBuf {
    let mut files = std::fs::read_dir(root.join(dir)).unwrap();
    let file = files.next().unwrap().unwrap().path();
    assert!(files.next().is_none(), "more than one file in {dir}");
    file
}

/// The app on `root`, in the view of the one timeline in `root/dir`.
pub fn app_on_timeline(root: &Path, dir: &str) -> App {
    let rel = only_file(root, dir);
    let mut app = app_for(root, false);
    let state = {
        let ws = &app.ws;
        let opened =
            faultline::timeline::open(&ws.root, rel.strip_prefix(root).unwrap(), |r| ws.risk(r))
                .unwrap();
        faultline::app::timeline::TimelineState::new(opened)
    };
    app.open_timeline(state);
    app
}
