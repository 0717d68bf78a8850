#![allow(clippy::expect_used)] // a benchmark without its input has nothing to measure
//! The runbook viewer: a 1 MB runbook from file to first frame (budget 50 ms), and one scroll
//! step at the top, middle and end of a 10 MB runbook (the same cost wherever it is).

use faultline::action::Action;
use faultline::app::{App, View};
use faultline::keymap::Keymap;
use faultline::store::Workspace;
use faultline::ui::theme::Theme;
use faultline::viewer::Viewer;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::OnceLock;

/// A runbook of about `bytes`, shaped like a real one: sections, prose, task lists, code, tables.
fn runbook(bytes: usize) -> String {
    let mut text = String::from("# A large runbook\n\n");
    let mut n = 0;
    while text.len() < bytes {
        n += 1;
        text.push_str(&format!(
            "## Step {n}: check the writer\n\nThe orders database fails over in about thirty seconds, but **applications** that cache the writer's address keep talking to the *old* instance; see [the failover runbook](db/failover.md#reconnect).\n\n- [ ] Check the pool's `maxLifetime` for step {n}\n- [x] Page the database on-call\n\n```sh\naws rds describe-db-clusters --db-cluster-identifier orders-{n}\n```\n\n| Signal | Threshold |\n|---|---|\n| errors | 2 % |\n\n"
        ));
    }
    text
}

fn path_of(bytes: usize) -> std::path::PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temporary directory"));
    let path = dir.path().join(format!("runbook-{bytes}.md"));
    if !path.exists() {
        std::fs::write(&path, runbook(bytes)).expect("write runbook");
    }
    path
}

fn draw(viewer: &Viewer, terminal: &mut Terminal<TestBackend>) {
    terminal
        .draw(|frame| {
            let lines: Vec<_> = viewer.doc.lines
                [viewer.scroll..(viewer.scroll + viewer.height).min(viewer.doc.lines.len())]
                .to_vec();
            frame.render_widget(ratatui::widgets::Paragraph::new(lines), frame.area());
        })
        .expect("draw");
}

/// Read the file, render it at 80 columns, draw the first 24 lines.
#[divan::bench(args = [1_000_000, 10_000_000], sample_count = 10)]
fn open_to_first_frame(bencher: divan::Bencher, bytes: usize) {
    let path = path_of(bytes);
    bencher.bench(|| {
        let text = std::fs::read_to_string(&path).expect("read");
        let viewer = Viewer::new("runbooks/big.md".into(), text, 80, 22, Theme::new(true));
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        draw(&viewer, &mut terminal);
        viewer.doc.lines.len()
    });
}

/// One step down and one frame of the real viewer screen (title, document, status), at the
/// top, the middle and the end of a 10 MB runbook.
#[divan::bench(args = ["top", "middle", "end"])]
fn scroll_step_10mb(bencher: divan::Bencher, at: &str) {
    let text = std::fs::read_to_string(path_of(10_000_000)).expect("read");
    let mut app = App::new(
        Workspace::default(),
        Vec::new(),
        Keymap::default_keymap(),
        Theme::new(true),
    );
    app.view = View::Runbook;
    let viewer = app.viewer.insert(Viewer::new(
        "runbooks/big.md".into(),
        text,
        79,
        22,
        Theme::new(true),
    ));
    let start = match at {
        "top" => 0,
        "middle" => viewer.doc.lines.len() / 2,
        _ => viewer.max_scroll().saturating_sub(1),
    };
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    bencher.bench_local(|| {
        if let Some(viewer) = app.viewer.as_mut() {
            viewer.scroll = start;
        }
        app.update(Action::Down);
        terminal
            .draw(|frame| faultline::screen::render(&app, frame))
            .expect("draw");
    });
}

fn main() {
    divan::main();
}
