#![allow(clippy::expect_used)] // a benchmark without its input has nothing to measure
//! Hostile sizes at 1×, 10× and 100×, to show each grows linearly, not quadratically: a
//! single-line runbook (50 KB → 5 MB), a table (5 → 500 columns), a nested block quote
//! (100 → 10,000 deep), and a register (500 → 50,000 risks) loaded and drawn.

use faultline::ui::theme::Theme;
use faultline::viewer::Viewer;

fn open_and_scroll(text: String) -> usize {
    let mut viewer = Viewer::new("runbooks/huge.md".into(), text, 80, 22, Theme::new(true));
    viewer.scroll_by(5);
    viewer.bottom();
    viewer.doc.lines.len()
}

/// One line of words, no newline: 50 KB × scale.
#[divan::bench(args = [1, 10, 100], sample_count = 5)]
fn single_line_runbook(bencher: divan::Bencher, scale: usize) {
    let text = "word ".repeat(10_000 * scale);
    bencher.bench(|| open_and_scroll(text.clone()));
}

/// A table of 5 × scale columns and 20 rows.
#[divan::bench(args = [1, 10, 100], sample_count = 5)]
fn wide_table(bencher: divan::Bencher, scale: usize) {
    let columns = 5 * scale;
    let mut text = format!("|{}\n|{}\n", "h|".repeat(columns), "-|".repeat(columns));
    for _ in 0..20 {
        text.push_str(&format!("|{}\n", "cell|".repeat(columns)));
    }
    bencher.bench(|| open_and_scroll(text.clone()));
}

/// A block quote nested 100 × scale deep.
#[divan::bench(args = [1, 10, 100], sample_count = 5)]
fn deep_block_quote(bencher: divan::Bencher, scale: usize) {
    let text = format!("{} deep\n", ">".repeat(100 * scale));
    bencher.bench(|| open_and_scroll(text.clone()));
}

/// A register of 500 × scale risks (about 250 bytes each, so 50,000 stay under the 16 MiB
/// file limit): read, parsed, checked, and its first frame drawn.
#[divan::bench(args = [1, 10, 100], sample_count = 5)]
fn big_register(bencher: divan::Bencher, scale: usize) {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("registers")).expect("registers");
    std::fs::write(
        dir.path().join("registers/big.json"),
        faultline::model::to_canonical(&big_register_of(500 * scale)),
    )
    .expect("write");
    let today = jiff::civil::date(2026, 11, 24);
    bencher.bench(|| {
        let ws = faultline::store::Workspace::load(dir.path()).expect("load");
        let findings = faultline::check::check(&ws, today);
        let mut app = faultline::app::App::new(
            ws,
            findings,
            faultline::keymap::Keymap::default_keymap(),
            Theme::new(true),
        );
        app.today = today;
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
        terminal
            .draw(|frame| faultline::screen::render(&app, frame))
            .expect("draw");
    });
}

/// A register with `n` risks of varied levels, each with a detection, a mitigation and a
/// runbook link (which does not resolve: a finding each, as in a register mid-migration).
pub fn big_register_of(n: usize) -> faultline::model::Register {
    use faultline::model::{Level, Register, Risk};
    let mut reg = Register::new("big");
    for i in 0..n {
        let mut risk = Risk::new(&format!("risk-{i}"), &format!("Dependency {i} times out"));
        risk.likelihood = Level::ALL[i % 5];
        risk.impact = Level::ALL[(i / 5) % 5];
        risk.detection = "p99 latency above 3 s for five minutes".into();
        risk.mitigation = "Timeouts of 3 s with a circuit breaker".into();
        risk.runbook = format!("runbooks/dep-{i}.md");
        reg.risks.push(risk);
    }
    reg
}

fn main() {
    divan::main();
}

/// A runbook of 2,000 × scale headings, each followed by a link to the next (the last one
/// missing) and to a misspelt anchor: `check` resolves every link (linear, through the anchor
/// index) and offers "did you mean" within a per-file budget.
#[divan::bench(args = [1, 10, 100], sample_count = 3)]
fn linked_headings(bencher: divan::Bencher, scale: usize) {
    let dir = tempfile::tempdir().expect("temporary directory");
    for sub in ["registers", "runbooks"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("directories");
    }
    let mut text = String::new();
    for i in 0..2_000 * scale {
        text.push_str(&format!(
            "## Heading {i}\n\nSee [next](#heading-{}) and [typo](#heding-{i}).\n\n",
            i + 1
        ));
    }
    std::fs::write(dir.path().join("runbooks/long.md"), text).expect("write");
    let today = jiff::civil::date(2026, 11, 24);
    let ws = faultline::store::Workspace::load(dir.path()).expect("load");
    bencher.bench(|| faultline::check::check(&ws, today).len());
}

/// Thirty keystrokes into one risk's title of a register of 2,000 × scale risks (8 MB at 10×),
/// each journaled and flushed as the TUI does, then the journal read back as the next start
/// reads it.
#[divan::bench(args = [1, 10], sample_count = 3)]
fn journal_thirty_keystrokes(bencher: divan::Bencher, scale: usize) {
    use faultline::recovery::{Entry, Journal};
    let mut reg = big_register_of(2_000 * scale);
    for risk in &mut reg.risks {
        risk.description = "words ".repeat(60);
    }
    bencher.bench(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let journal = Journal::new(dir.path(), std::path::Path::new("/work/ws"));
        let mut reg = reg.clone();
        let entry = |reg: &faultline::model::Register| Entry {
            path: "registers/big.json".into(),
            base_hash: Some(1),
            register: Some(reg.clone()),
        };
        journal.append(&entry(&reg)).expect("append");
        for c in "thirty characters typed in her".chars() {
            reg.risks[7].title.push(c);
            journal.append(&entry(&reg)).expect("append");
        }
        Journal::new(dir.path(), std::path::Path::new("/work/ws"))
            .read()
            .len()
    });
}
