//! The finder, typed into as a person types: builds the index of a workspace (components,
//! risks, runbooks, headings, alerts) and types QUERY a character at a time, each keystroke
//! narrowing the previous matches as the TUI does. Prints the time of each keystroke (median of
//! RUNS) and, with `--entries FILE`, writes every entry, one per line, for `fzf --filter`.
//!
//! `cargo run --release --example finder_time -- WORKSPACE QUERY [--runs N] [--entries FILE]`
//!
//! With `--cache DIR`, WORKSPACE is an organisation file (`org.toml`) and the index is the
//! organisation TUI's: every fetched repository's registers and runbooks.

use faultline::search::{SearchIndex, Searcher};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (root, query) = match args.as_slice() {
        [root, query, ..] => (root.clone(), query.clone()),
        _ => anyhow::bail!("usage: finder_time WORKSPACE QUERY [--runs N] [--entries FILE]"),
    };
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let runs: usize = option("--runs").map_or(Ok(15), |r| r.parse())?;
    let ws = match option("--cache") {
        Some(cache) => {
            let org = faultline::org::Org::load(std::path::Path::new(&root))?;
            let cache = faultline::org::Cache::at(Some(std::path::Path::new(&cache)))?;
            faultline::org::load(org, cache).ws
        }
        None => faultline::store::Workspace::load(std::path::Path::new(&root))?,
    };
    let index = SearchIndex::build(&ws);
    if let Some(file) = option("--entries") {
        let mut text = String::new();
        for item in index.texts() {
            text.push_str(item);
            text.push('\n');
        }
        std::fs::write(file, text)?;
    }
    let mut searcher = Searcher::new();
    let chars: Vec<(usize, char)> = query.char_indices().collect();
    let mut per_length = vec![Vec::new(); chars.len()];
    for _ in 0..runs {
        let mut previous = None;
        for (n, (at, c)) in chars.iter().enumerate() {
            let typed = &query[..at + c.len_utf8()];
            let start = Instant::now();
            let matches = index.search(&mut searcher, typed, previous.as_ref());
            per_length[n].push(start.elapsed().as_secs_f64() * 1000.0);
            previous = Some(matches);
        }
    }
    println!("{} entries", index.len());
    for (n, times) in per_length.iter_mut().enumerate() {
        times.sort_by(f64::total_cmp);
        println!("{} {:.3}", n + 1, times[times.len() / 2]);
    }
    Ok(())
}
