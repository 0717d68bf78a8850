#![allow(clippy::expect_used)] // a benchmark without its input has nothing to measure
//! The game day / incident view: opening a timeline of 10,000 events and drawing the view at
//! 80×24 (budget 50 ms), and recording one event, fsync included, on this machine's disk.

use faultline::app::App;
use faultline::keymap::Keymap;
use faultline::model::timeline::{Event, EventKind, Header, Roles, Severity, TimelineKind};
use faultline::store::Workspace;
use faultline::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The example workspace with an incident of 10,000 events.
fn workspace() -> &'static (tempfile::TempDir, PathBuf) {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for sub in ["registers", "runbooks"] {
            copy(&repo.join(sub), &dir.path().join(sub));
        }
        let header = Header {
            kind: TimelineKind::Incident,
            title: "A long incident".into(),
            started: "2026-11-24T10:00:00+01:00".into(),
            severity: Severity::P1,
            roles: Roles::default(),
            risks: vec!["payments-api/concurrency-limit".into()],
            drawn: None,
            drill: false,
        };
        let rel = faultline::timeline::create(dir.path(), &header, jiff::civil::date(2026, 11, 24))
            .expect("create");
        let mut text = std::fs::read_to_string(dir.path().join(&rel)).expect("read");
        for i in 0..10_000 {
            let event = Event::new(
                format!(
                    "2026-11-24T{:02}:{:02}:{:02}+01:00",
                    10 + i / 3600,
                    i / 60 % 60,
                    i % 60
                ),
                EventKind::ALL[i % EventKind::ALL.len()],
                format!("event {i}: what the scribe wrote down at this moment"),
            );
            text.push_str(&serde_json::to_string(&event).expect("json"));
            text.push('\n');
        }
        std::fs::write(dir.path().join(&rel), text).expect("write");
        (dir, rel)
    })
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Load the registers and the timeline, build the view, draw the first frame.
#[divan::bench(sample_count = 20)]
fn open_10k_events_and_draw(bencher: divan::Bencher) {
    let (dir, rel) = workspace();
    bencher.bench(|| {
        let ws = Workspace::load_registers(dir.path()).expect("load");
        let opened = faultline::timeline::open(&ws.root, rel, |r| ws.risk(r)).expect("timeline");
        let state = faultline::app::timeline::TimelineState::new(opened);
        let mut app = App::loading(ws, Vec::new(), Keymap::default_keymap(), Theme::new(true));
        app.open_timeline(state);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        terminal
            .draw(|frame| faultline::screen::render(&app, frame))
            .expect("draw");
        app
    });
}

/// One event appended and fsync'd (the status line says "on disk" only after this).
#[divan::bench(sample_count = 200)]
fn record_one_event(bencher: divan::Bencher) {
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).expect("temporary directory");
    let path = dir.path().join("events.jsonl");
    std::fs::write(&path, "{}\n").expect("write");
    let event = Event::new(
        "2026-11-24T10:00:00+01:00".into(),
        EventKind::Action,
        "Raised the limit",
    );
    bencher.bench_local(|| faultline::timeline::append(&path, &event).expect("append"));
}

fn main() {
    divan::main();
}
