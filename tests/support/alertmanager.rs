//! A real Alertmanager (Debian's `prometheus-alertmanager`, which `.ci/run` installs) on a free
//! loopback port, with its own config and data directory, stopped when dropped.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Alertmanager {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

const BINARY: &str = "prometheus-alertmanager";

impl Alertmanager {
    /// Starts one and waits (at most 30 s) until it answers.
    pub fn start() -> Alertmanager {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("alertmanager.yml");
        std::fs::write(
            &config,
            "route:\n  receiver: nobody\n  group_wait: 1s\nreceivers:\n  - name: nobody\n",
        )
        .unwrap();
        let port = free_port();
        let child = Command::new(BINARY)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", dir.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {BINARY} ({e}): `.ci/run` installs it (apt-get install prometheus-alertmanager)")
            });
        let am = Alertmanager {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = ureq::get(&format!("{}/-/ready", am.url))
                .call()
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return am;
            }
            assert!(
                Instant::now() < deadline,
                "Alertmanager did not start in 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Posts alerts firing now: (name, started that many seconds ago).
    pub fn fire(&self, alerts: &[(&str, i64)]) {
        let now = jiff::Timestamp::now();
        let body: Vec<serde_json::Value> = alerts
            .iter()
            .map(|(name, ago)| {
                let start = now - jiff::SignedDuration::from_secs(*ago);
                serde_json::json!({
                    "labels": {"alertname": name, "severity": "page"},
                    "annotations": {"summary": format!("{name} is firing")},
                    "startsAt": start.to_string(),
                })
            })
            .collect();
        let response = ureq::post(&format!("{}/api/v2/alerts", self.url))
            .header("Content-Type", "application/json")
            .send(serde_json::to_vec(&body).unwrap().as_slice())
            .unwrap();
        assert!(response.status().is_success());
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `db` (its risk names `DbDown`) and `api`, which depends on it (its risk names `Api5xx`).
pub fn workspace(url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("registers")).unwrap();
    let register = |id: &str, depends: &str, risk: &str, alert: &str| {
        format!(
            r#"{{
  "component": "{id}",
  "title": "{id}",
  "depends_on": [{depends}],
  "risks": [
    {{
      "id": "{risk}",
      "title": "{risk}",
      "likelihood": "medium",
      "impact": "high",
      "alerts": ["{alert}"],
      "status": "open"
    }}
  ]
}}
"#
        )
    };
    std::fs::write(
        d.join("registers/db.json"),
        register("db", "", "down", "prometheus:DbDown"),
    )
    .unwrap();
    std::fs::write(
        d.join("registers/api.json"),
        register("api", "\"db\"", "errors", "Api5xx"),
    )
    .unwrap();
    std::fs::write(
        d.join("faultline.toml"),
        format!("[alertmanager]\nurl = \"{url}\"\n"),
    )
    .unwrap();
    dir
}
