//! A fixture organisation of local git repositories, built by the test: `payments` (the
//! workspace at the top, team checkout), `search` (the workspace under `ops/`, code beside it,
//! team discovery, one reference to a component `payments` does not have), `broken` (a register
//! that does not parse) and `gone` (a path with no repository).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn org_file(&self) -> PathBuf {
        self.dir.path().join("org.toml")
    }

    pub fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn repo(&self, name: &str) -> PathBuf {
        self.dir.path().join("repos").join(name)
    }

    /// `faultline --org … --cache … ARGS` in the fixture's directory.
    pub fn args<'a>(&'a self, args: &[&'a str]) -> Vec<String> {
        let mut all = vec![
            "--org".to_owned(),
            self.org_file().display().to_string(),
            "--cache".to_owned(),
            self.cache().display().to_string(),
        ];
        all.extend(args.iter().map(|a| (*a).to_owned()));
        all
    }
}

pub fn register(component: &str, depends_on: &[&str], risks: &[(&str, &str, &str)]) -> String {
    let risks: Vec<serde_json::Value> = risks
        .iter()
        .map(|(id, title, runbook)| {
            serde_json::json!({
                "id": id, "title": title, "likelihood": "high", "impact": "very-high",
                "detection": "page", "mitigation": "failover", "runbook": runbook, "status": "open"
            })
        })
        .collect();
    let reg = serde_json::json!({
        "component": component,
        "title": format!("The {component}"),
        "owner": "team",
        "depends_on": depends_on,
        "risks": risks,
    });
    let reg: faultline::model::Register = serde_json::from_value(reg).unwrap();
    faultline::model::to_canonical(&reg)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn build() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let repos = dir.path().join("repos");
    let payments = repos.join("payments");
    write(
        &payments.join("registers/ledger.json"),
        &register(
            "ledger",
            &[],
            &[(
                "ledger-down",
                "Ledger database down",
                "runbooks/ledger.md#failover",
            )],
        ),
    );
    write(
        &payments.join("registers/payments-api.json"),
        &register(
            "payments-api",
            &["ledger"],
            &[("api-5xx", "Payments API returns 5xx", "runbooks/ledger.md")],
        ),
    );
    write(
        &payments.join("runbooks/ledger.md"),
        "# Ledger\n\n## Failover\n\n1. Promote the replica: `make promote`\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", payments.join("registers/passwd.json")).unwrap();
    let search = repos.join("search");
    write(
        &search.join("ops/registers/indexer.json"),
        &register(
            "indexer",
            &[
                "payments:ledger",
                "payments:ledger-archive",
                "component:default/payments-api",
            ],
            &[(
                "stale-index",
                "Search index is stale",
                "runbooks/indexer.md",
            )],
        ),
    );
    write(
        &search.join("ops/runbooks/indexer.md"),
        "# Indexer\n\nReindex.\n",
    );
    write(&search.join("src/main.rs"), "fn main() {}\n");
    let broken = repos.join("broken");
    write(
        &broken.join("registers/cache.json"),
        "{\"component\": \"cache\", oops\n",
    );
    for repo in [&payments, &search, &broken] {
        crate::harness::git(repo, &["init", "-q", "-b", "main"]);
        crate::harness::commit_all(repo, "register");
    }
    write(
        &dir.path().join("org.toml"),
        "[[repo]]\nname = \"payments\"\nurl = \"repos/payments\"\nteam = \"checkout\"\n\n\
         [[repo]]\nname = \"search\"\nurl = \"repos/search\"\npath = \"ops\"\nteam = \"discovery\"\n\n\
         [[repo]]\nname = \"broken\"\nurl = \"repos/broken\"\nref = \"main\"\n\n\
         [[repo]]\nname = \"gone\"\nurl = \"repos/gone\"\n",
    );
    Fixture { dir }
}
