#![allow(clippy::expect_used)] // a benchmark without its workspace has nothing to measure
//! Load + check of the generated workspace (1,000 components, 20,000 risks, 2,000 runbooks,
//! 5,000 alerts in 200 monitoring files); PRODUCT §5 budgets `check` at 300 ms. The alert
//! inventory is measured alone too.

#[path = "support/workspace.rs"]
mod support;
use support::workspace;

use faultline::store::Workspace;

#[divan::bench(sample_count = 10)]
fn load(bencher: divan::Bencher) {
    let root = workspace();
    bencher.bench(|| Workspace::load(root).expect("load"));
}

#[divan::bench(sample_count = 10)]
fn load_and_check(bencher: divan::Bencher) {
    let root = workspace();
    let today = jiff::civil::date(2026, 11, 24);
    bencher.bench(|| {
        let ws = Workspace::load(root).expect("load");
        faultline::check::check(&ws, today)
    });
}

#[divan::bench(sample_count = 10)]
fn check_loaded(bencher: divan::Bencher) {
    let ws = Workspace::load(workspace()).expect("load");
    let today = jiff::civil::date(2026, 11, 24);
    bencher.bench(|| faultline::check::check(&ws, today));
}

#[divan::bench(sample_count = 10)]
fn alert_inventory(bencher: divan::Bencher) {
    let root = workspace();
    bencher.bench(|| faultline::monitoring::Inventory::scan(root));
}

fn main() {
    divan::main();
}
