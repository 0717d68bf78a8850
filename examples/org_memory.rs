//! Where the organisation's memory goes in the TUI: the merged registers and runbooks, then the
//! finder's index, then `org check`'s findings (resident set after each, from /proc).
//!
//! `cargo run --release --example org_memory -- ORG.toml CACHE`

fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(cache)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: org_memory ORG.toml CACHE");
    };
    let org = faultline::org::Org::load(std::path::Path::new(&file))?;
    let cache = faultline::org::Cache::at(Some(std::path::Path::new(&cache)))?;
    println!(
        "sizes: Risk {} B, Register {} B, Heading {} B, Link {} B, Item {} B",
        std::mem::size_of::<faultline::model::Risk>(),
        std::mem::size_of::<faultline::model::Register>(),
        std::mem::size_of::<faultline::runbook::Heading>(),
        std::mem::size_of::<faultline::runbook::Link>(),
        std::mem::size_of::<faultline::search::Item>(),
    );
    let base = rss_mb();
    // Apart: every repository's registers (text dropped), then every runbook index.
    let mut kept = Vec::new();
    for repo in &org.repos {
        if let Ok(mut ws) = cache.registers(repo) {
            for file in &mut ws.components {
                if let Ok(loaded) = &mut file.content
                    && let Some(loaded) = std::sync::Arc::get_mut(loaded)
                {
                    loaded.text = String::new();
                }
            }
            kept.push(ws);
        }
    }
    let registers = rss_mb();
    let sets: Vec<_> = org
        .repos
        .iter()
        .map(|r| faultline::store::RunbookSet::index(&cache.workspace(r)))
        .collect();
    let runbooks = rss_mb();
    println!(
        "apart: registers {} MB, runbook indexes {} MB",
        registers - base,
        runbooks - registers
    );
    drop((kept, sets));
    let base = rss_mb();
    let loaded = faultline::org::load(org.clone(), cache.clone());
    let risks: usize = loaded.ws.registers().map(|r| r.risks.len()).sum();
    let after_load = rss_mb();
    println!(
        "merged: {} components, {risks} risks, {} runbooks: {} MB",
        loaded.ws.components.len(),
        loaded.ws.runbooks.len(),
        after_load - base
    );
    let index = faultline::search::SearchIndex::build(&loaded.ws);
    let after_index = rss_mb();
    println!(
        "finder index: {} items: {} MB",
        index.len(),
        after_index - after_load
    );
    let checked = faultline::org_view::check(&org, &cache, faultline::commands::today());
    println!(
        "org check: {} findings: {} MB",
        checked.findings.len(),
        rss_mb() - after_index
    );
    Ok(())
}
