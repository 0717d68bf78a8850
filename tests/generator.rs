//! The generated workspace (benches and the speed bars run on it): clean and the same every time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use faultline::workspace_gen::{GenOptions, generate};
use std::fs;

#[test]
fn small_generated_workspace_is_clean_and_deterministic() {
    let options = GenOptions {
        components: 12,
        risks: 60,
        runbooks: 8,
        alerts: 20,
        alert_files: 8,
        timelines: 12,
        seed: 7,
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    generate(a.path(), options).unwrap();
    generate(b.path(), options).unwrap();
    let ws = faultline::store::Workspace::load(a.path()).unwrap();
    assert_eq!(ws.components.len(), 12);
    let risks: usize = ws
        .components
        .iter()
        .filter_map(|c| c.register())
        .map(|r| r.risks.len())
        .sum();
    assert_eq!(risks, 60);
    let today = jiff::civil::date(2026, 11, 24);
    let errors: Vec<_> = faultline::check::check(&ws, today)
        .into_iter()
        .filter(faultline::finding::Finding::is_error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let timelines = ["incidents", "gamedays"]
        .iter()
        .map(|d| fs::read_dir(a.path().join(d)).unwrap().count())
        .sum::<usize>();
    assert_eq!(timelines, 12);
    let inventory = ws.monitoring.as_deref().unwrap();
    assert_eq!(inventory.alerts.len(), 20);
    assert_eq!(inventory.files_scanned, 8);
    assert!(inventory.problems.is_empty(), "{:#?}", inventory.problems);
    let same = fs::read(a.path().join("registers/payments-api-0.json")).unwrap();
    assert_eq!(
        same,
        fs::read(b.path().join("registers/payments-api-0.json")).unwrap()
    );
}
