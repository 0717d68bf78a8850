//! A generated organisation for the `org` figures: `repos` workspaces under `out/repos/`, each
//! its own git repository with one commit, one team for every ten, each component `0` depending
//! on a component of the repository before it, and `out/org.toml` listing them all.

use super::{GenOptions, generate};
use crate::model::{Register, to_canonical};
use std::io;
use std::path::Path;
use std::process::Command;

/// What one repository of a generated organisation holds by default: 40 components and 800
/// risks, so 500 repositories are 20,000 components and 400,000 risks.
pub fn repo_defaults() -> GenOptions {
    GenOptions {
        components: 40,
        risks: 800,
        runbooks: 80,
        alerts: 200,
        alert_files: 8,
        timelines: 4,
        seed: 42,
    }
}

/// Writes the organisation: the repositories (generated on all cores), then `org.toml`.
pub fn generate_org(out: &Path, repos: usize, per_repo: GenOptions) -> io::Result<()> {
    let indices: Vec<usize> = (0..repos).collect();
    let results = crate::parallel::map(&indices, |&k| write_repo(out, k, per_repo));
    results.into_iter().collect::<io::Result<Vec<()>>>()?;
    let mut toml = String::new();
    for k in 0..repos {
        toml.push_str(&format!(
            "[[repo]]\nname = \"{}\"\nurl = \"repos/{}\"\nteam = \"team-{:02}\"\n\n",
            name(k),
            name(k),
            k / 10
        ));
    }
    std::fs::write(out.join("org.toml"), toml)
}

fn name(k: usize) -> String {
    format!("r{k:04}")
}

fn write_repo(out: &Path, k: usize, per_repo: GenOptions) -> io::Result<()> {
    let dir = out.join("repos").join(name(k));
    generate(
        &dir,
        GenOptions {
            seed: per_repo.seed + k as u64,
            ..per_repo
        },
    )?;
    if k > 0 && per_repo.components > 1 {
        // The first component depends on the second of the repository before: a reference
        // `org check` resolves and `org blast` follows.
        let ids = super::component_ids(per_repo.components);
        let path = dir.join("registers").join(format!("{}.json", ids[0]));
        let text = std::fs::read_to_string(&path)?;
        let mut register: Register = serde_json::from_str(&text).map_err(io::Error::other)?;
        register
            .depends_on
            .push(format!("{}:{}", name(k - 1), ids[1]));
        std::fs::write(&path, to_canonical(&register))?;
    }
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "generated register"],
    ] {
        let status = Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args([
                "-c",
                "user.name=faultline",
                "-c",
                "user.email=gen@faultline.invalid",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .status()?;
        if !status.success() {
            return Err(io::Error::other(format!(
                "git {args:?} failed in {}",
                dir.display()
            )));
        }
    }
    Ok(())
}
