#![allow(clippy::expect_used)] // a benchmark without its workspace has nothing to measure
//! Load + check of the generated workspace (1,000 components, 20,000 risks, 2,000 runbooks);
//! PRODUCT §5 budgets `check` at 300 ms.

use faultline::store::Workspace;
use faultline::workspace_gen::{GenOptions, generate};
use std::sync::OnceLock;

fn workspace() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        generate(dir.path(), GenOptions::default()).expect("generate workspace");
        dir
    })
    .path()
}

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

fn main() {
    divan::main();
}
