#![allow(clippy::expect_used)] // a benchmark without its repository has nothing to measure
//! `faultline diff` between two commits of the generated workspace (1,000 components, 20,000
//! risks) where 1 % of the risks changed: budget 1 s.

#[path = "support/workspace.rs"]
mod support;

use faultline::model::{Level, to_canonical};
use faultline::store::Workspace;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

/// The generated workspace in a repository: one commit, then one where every 100th risk changed.
fn repository() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        faultline::workspace_gen::generate(
            dir.path(),
            faultline::workspace_gen::GenOptions::default(),
        )
        .expect("generate");
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-q", "-m", "base"]);
        let ws = Workspace::load_registers(dir.path()).expect("load");
        let mut n = 0;
        for file in &ws.components {
            let Some(reg) = file.register() else { continue };
            let mut reg = reg.clone();
            let mut touched = false;
            for risk in &mut reg.risks {
                n += 1;
                if n % 100 == 0 {
                    risk.likelihood = if risk.likelihood == Level::VeryHigh {
                        Level::Low
                    } else {
                        Level::VeryHigh
                    };
                    touched = true;
                }
            }
            if touched {
                std::fs::write(dir.path().join(&file.path), to_canonical(&reg)).expect("write");
            }
        }
        git(dir.path(), &["commit", "-q", "-am", "one percent"]);
        dir
    })
    .path()
}

#[divan::bench(sample_count = 10)]
fn diff_two_commits(bencher: divan::Bencher) {
    let root = repository();
    bencher.bench(|| {
        let (old, new) = faultline::commands::review::from_git(root, Some("HEAD~1"), Some("HEAD"))
            .expect("diff");
        let d = faultline::diff::diff(&old, &new);
        assert_eq!(d.summary.risks_changed, 200);
        faultline::diff::format::text(&d, false)
    });
}

fn main() {
    let _ = support::workspace;
    divan::main();
}
