#![allow(clippy::expect_used)] // a benchmark without its workspace has nothing to measure
//! The TUI on the generated workspace (1,000 components, 20,000 risks, 2,000 runbooks):
//! open to first frame (budget 100 ms) and the finder per keystroke (budget 16 ms), with
//! fuzzy-matcher measured beside nucleo-matcher on the same lines.

#[path = "support/workspace.rs"]
mod support;
use support::workspace;

use faultline::app::App;
use faultline::keymap::Keymap;
use faultline::search::{SearchIndex, Searcher};
use faultline::store::Workspace;
use faultline::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::OnceLock;

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::build(&Workspace::load(workspace()).expect("load")))
}

/// What `faultline` does before the first frame: load the registers, build the app, draw
/// 80×24. (Runbooks, the check and the finder index follow on another thread.)
#[divan::bench(sample_count = 20)]
fn open_to_first_frame(bencher: divan::Bencher) {
    let root = workspace();
    bencher.bench(|| {
        let ws = Workspace::load_registers(root).expect("load");
        let findings = ws.load_findings();
        let app = App::loading(ws, findings, Keymap::default_keymap(), Theme::new(true));
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        terminal
            .draw(|frame| faultline::screen::render(&app, frame))
            .expect("draw");
        app
    });
}

/// The background half of opening: runbooks indexed, everything checked, the finder index.
#[divan::bench(sample_count = 10)]
fn background_check(bencher: divan::Bencher) {
    let root = workspace();
    let today = jiff::civil::date(2026, 11, 24);
    bencher.bench(|| {
        let ws = Workspace::load(root).expect("load");
        let findings = faultline::check::check(&ws, today);
        (SearchIndex::build(&ws), findings)
    });
}

const QUERY: &str = "payments-api";

/// One keystroke with nothing to narrow from: the whole index is scanned.
#[divan::bench(args = [1, 2, 4, 8, 12])]
fn finder_fresh(bencher: divan::Bencher, len: usize) {
    let index = index();
    let mut m = Searcher::new();
    bencher.bench_local(|| index.search(&mut m, &QUERY[..len], None));
}

/// One keystroke as typed: the previous query's matches are narrowed.
#[divan::bench(args = [2, 4, 8, 12])]
fn finder_narrowed(bencher: divan::Bencher, len: usize) {
    let index = index();
    let mut m = Searcher::new();
    let previous = index.search(&mut m, &QUERY[..len - 1], None);
    bencher.bench_local(|| index.search(&mut m, &QUERY[..len], Some(&previous)));
}

/// fuzzy-matcher (named in the design) over the same lines, one full scan.
#[divan::bench(args = [1, 4, 12])]
fn fuzzy_matcher_fresh(bencher: divan::Bencher, len: usize) {
    use fuzzy_matcher::FuzzyMatcher;
    let index = index();
    let skim = fuzzy_matcher::skim::SkimMatcherV2::default();
    bencher.bench_local(|| {
        let mut hits: Vec<(i64, usize)> = index
            .texts()
            .enumerate()
            .filter_map(|(i, item)| skim.fuzzy_match(item, &QUERY[..len]).map(|s| (s, i)))
            .collect();
        hits.sort_unstable_by_key(|hit| std::cmp::Reverse(hit.0));
        hits
    });
}

fn main() {
    println!("finder index: {} items", index().len());
    divan::main();
}

/// `faultline runbook QUERY` before anything is drawn: every runbook read and searched for the
/// words, headings first (Step 5's full-text search).
#[divan::bench(sample_count = 10)]
fn runbook_query(bencher: divan::Bencher) {
    let root = workspace();
    bencher.bench(|| faultline::rank::find(root, "failover reconnect").expect("search"));
}

/// One keystroke of the `/` filter over 1,000 components and 20,000 risks, the selection kept.
#[divan::bench(sample_count = 20)]
fn text_filter_keystroke(bencher: divan::Bencher) {
    let ws = Workspace::load_registers(workspace()).expect("load");
    let mut app = App::new(ws, Vec::new(), Keymap::default_keymap(), Theme::new(true));
    app.update(faultline::action::Action::Filter);
    let mut n = 0usize;
    bencher.bench_local(|| {
        // Alternate between two queries so every sample really filters.
        n += 1;
        app.type_text(if n.is_multiple_of(2) { "a" } else { "b" });
        app.update(faultline::action::Action::DeleteBack);
    });
}
