//! The outline's cost on a runbook of N headings: rendering the document (which finds the
//! headings), then the outline's rows shown unfolded, folded and filtered, each the median of
//! RUNS.
//!
//! `cargo run --release --example outline_time -- [--headings 10000] [--runs 21]`

use faultline::markdown::render;
use faultline::ui::theme::Theme;
use faultline::viewer::outline::Outline;
use std::time::{Duration, Instant};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str, default: usize| -> anyhow::Result<usize> {
        Ok(args
            .iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(Ok(default), |v| v.parse())?)
    };
    let (headings, runs) = (option("--headings", 10_000)?, option("--runs", 21)?);
    let mut text = String::from("# Runbook\n\n");
    for i in 0..headings {
        let level = if i % 5 == 0 { 2 } else { 3 };
        text.push_str(&format!(
            "{} Step {i} reconnect\n\nCheck the pool and the replica.\n\n",
            "#".repeat(level)
        ));
    }
    let time = |f: &mut dyn FnMut()| {
        median(
            (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    f();
                    start.elapsed()
                })
                .collect(),
        )
    };
    let mut doc = render(&text, 100, Theme::new(false));
    let rendered = time(&mut || doc = render(&text, 100, Theme::new(false)));
    let mut outline = Outline::default();
    let mut shown = 0;
    let unfolded = time(&mut || shown = outline.visible(&doc.headings).len());
    let all = shown;
    outline.fold_all(&doc.headings);
    let folded = time(&mut || shown = outline.visible(&doc.headings).len());
    let folded_rows = shown;
    outline.folded.clear();
    outline.filter = "step 99".into();
    let filtered = time(&mut || shown = outline.visible(&doc.headings).len());
    println!(
        "{} headings, {} bytes: render {rendered:.2?}; outline rows unfolded {unfolded:.2?} ({all}), folded {folded:.2?} ({folded_rows}), filtered {filtered:.2?} ({shown})",
        doc.headings.len(),
        text.len()
    );
    Ok(())
}
