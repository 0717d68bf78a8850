//! `faultline stats` on timelines whose times are worked out by hand: medians and the worst,
//! incidents and drills apart, from the impact's start when logged (`--at` after the fact);
//! `--since`; the report's impact and hand-off lines; the HTML trend chart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use harness::run_in;
use std::path::Path;

const REGISTER: &str = r#"{
  "component": "db",
  "title": "DB",
  "risks": [
    {
      "id": "down",
      "title": "Down",
      "likelihood": "medium",
      "impact": "high",
      "status": "open",
      "last_rehearsed": "2026-11-15"
    }
  ]
}
"#;

fn timeline(header: &str, events: &[(&str, &str)]) -> String {
    let mut text = format!("{header}\n");
    for (at, kind) in events {
        text.push_str(&format!(
            "{{\"at\":\"{at}\",\"kind\":\"{kind}\",\"text\":\"\"}}\n"
        ));
    }
    text
}

/// Incident A (October): impact 09:50 (logged afterwards), detected 10:04, mitigated 10:20,
/// resolved 10:40. Incident B (November): detected after 10 min, resolved after 60. A drill
/// incident and a game day: detected after 5 and 2 min, resolved after 20 and 30.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["registers", "incidents", "gamedays"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    std::fs::write(d.join("registers/db.json"), REGISTER).unwrap();
    let header = |kind: &str, title: &str, started: &str, extra: &str| {
        format!(
            r#"{{"kind":"{kind}","title":"{title}","started":"{started}","severity":"P2","risks":["db/down"]{extra}}}"#
        )
    };
    let files = [
        (
            "incidents/2026-10-05-a.jsonl",
            timeline(
                &header("incident", "A", "2026-10-05T10:00:00+01:00", ""),
                &[
                    ("2026-10-05T10:04:00+01:00", "detected"),
                    ("2026-10-05T10:20:00+01:00", "mitigated"),
                    ("2026-10-05T10:40:00+01:00", "resolved"),
                ],
            ),
        ),
        (
            "incidents/2026-11-10-b.jsonl",
            timeline(
                &header("incident", "B", "2026-11-10T12:00:00+01:00", ""),
                &[
                    ("2026-11-10T12:10:00+01:00", "detected"),
                    ("2026-11-10T13:00:00+01:00", "resolved"),
                ],
            ),
        ),
        (
            "incidents/2026-11-12-c.jsonl",
            timeline(
                &header(
                    "incident",
                    "C",
                    "2026-11-12T09:00:00+01:00",
                    r#","drill":true"#,
                ),
                &[
                    ("2026-11-12T09:05:00+01:00", "detected"),
                    ("2026-11-12T09:20:00+01:00", "resolved"),
                ],
            ),
        ),
        (
            "gamedays/2026-11-15-d.jsonl",
            timeline(
                &header("gameday", "D", "2026-11-15T14:00:00+01:00", ""),
                &[
                    ("2026-11-15T14:02:00+01:00", "detected"),
                    ("2026-11-15T14:30:00+01:00", "resolved"),
                ],
            ),
        ),
    ];
    for (path, text) in files {
        std::fs::write(d.join(path), text).unwrap();
    }
    // The impact's start, noticed after the fact.
    let out = run_in(
        d,
        &[
            "incident",
            "log",
            "incidents/2026-10-05-a.jsonl",
            "--kind",
            "impact-started",
            "--at",
            "09:50",
            "cache",
            "emptied",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn stats(d: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["stats", "--format", "json"];
    all.extend_from_slice(args);
    let out = run_in(d, &all, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn medians_and_worst_from_the_impact_incidents_and_drills_apart() {
    let dir = workspace();
    let s = stats(dir.path(), &[]);
    let incidents = &s["groups"][0];
    assert_eq!(incidents["group"], "incidents");
    let all = &incidents["all"];
    assert_eq!(all["timelines"], 2);
    // Detect: A 14 min from the impact (09:50 → 10:04), B 10: median 12, worst 14.
    assert_eq!(all["detect"]["median"], 12 * 60);
    assert_eq!(all["detect"]["worst"], 14 * 60);
    // Mitigate: A only, 30 min from the impact.
    assert_eq!(all["mitigate"]["count"], 1);
    assert_eq!(all["mitigate"]["median"], 30 * 60);
    // Resolve: A 50, B 60.
    assert_eq!(all["resolve"]["median"], 55 * 60);
    assert_eq!(all["resolve"]["worst"], 60 * 60);
    assert_eq!(incidents["components"][0]["name"], "db");
    assert_eq!(incidents["risks"][0]["name"], "db/down");
    // The drill incident and the game day: detect 5 and 2, resolve 20 and 30.
    let drills = &s["groups"][1]["all"];
    assert_eq!(drills["timelines"], 2);
    assert_eq!(drills["detect"]["median"], 210);
    assert_eq!(drills["resolve"]["worst"], 30 * 60);

    let since = stats(dir.path(), &["--since", "2026-11-01"]);
    assert_eq!(since["groups"][0]["all"]["timelines"], 1);
    assert_eq!(since["groups"][0]["all"]["detect"]["median"], 10 * 60);

    let text = String::from_utf8(run_in(dir.path(), &["stats"], &[]).stdout).unwrap();
    assert!(text.contains("incidents (2 timelines)"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("db/down") && l.contains("12/14") && l.contains("55/60")),
        "{text}"
    );
}

#[test]
fn the_report_times_detection_from_the_impact_and_shows_hand_offs() {
    let dir = workspace();
    let d = dir.path();
    let out = run_in(
        d,
        &[
            "incident",
            "log",
            "incidents/2026-10-05-a.jsonl",
            "--role",
            "lead",
            "--handoff",
            "known: cache emptied; trying: warm it; next: page the vendor",
            "Bo",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Off a terminal and without --handoff: recorded, and said.
    let out = run_in(
        d,
        &[
            "incident",
            "log",
            "incidents/2026-10-05-a.jsonl",
            "--role",
            "lead",
            "Cy",
        ],
        &[],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no hand-off summary recorded"));
    let report = String::from_utf8(
        run_in(
            d,
            &["incident", "report", "incidents/2026-10-05-a.jsonl"],
            &[],
        )
        .stdout,
    )
    .unwrap();
    assert!(report.contains("| impact started | T-10:00 |"), "{report}");
    assert!(
        report.contains("| to detect, from the impact | 14:00 (14.0 min) |"),
        "{report}"
    );
    // The timeline reads in time order, the impact logged afterwards first.
    let first_event = report
        .lines()
        .skip_while(|l| !l.starts_with("## Timeline"))
        .find(|l| l.starts_with("| 2026"))
        .unwrap();
    assert!(first_event.contains("impact-started"), "{first_event}");
    assert!(report.contains("## Hand-offs"), "{report}");
    assert!(
        report.contains("lead → Bo: known: cache emptied; trying: warm it; next: page the vendor"),
        "{report}"
    );
    assert!(
        report.contains("lead → Cy: _no hand-off summary_"),
        "{report}"
    );
    let drill = String::from_utf8(
        run_in(
            d,
            &["incident", "report", "incidents/2026-11-12-c.jsonl"],
            &[],
        )
        .stdout,
    )
    .unwrap();
    assert!(
        drill.contains("A drill: kept out of incident statistics."),
        "{drill}"
    );
}

#[test]
fn the_html_report_draws_readiness_and_time_to_repair_by_month() {
    let dir = workspace();
    let out = run_in(dir.path(), &["export", "--format", "html"], &[]);
    let html = String::from_utf8(out.stdout).unwrap();
    let svg = &html[html.find("<svg").expect("a chart")..html.find("</svg>").unwrap()];
    assert!(svg.contains("<title>Readiness"), "{svg}");
    assert!(!html.contains("<script"), "no script");
    // Today is 2026-11-24 (pinned): twelve months, December 2025 to November 2026.
    assert!(
        svg.contains(">2025-12<") && svg.contains(">2026-11<"),
        "{svg}"
    );
    // October's incident A: detected 10:04 → resolved 10:40; November: B only (the drill
    // apart), 12:10 → 13:00.
    assert!(svg.contains(">36 min<"), "{svg}");
    assert!(svg.contains(">50 min<"), "{svg}");
    // Readiness in November: rehearsed on the 15th, no runbook (−25): 75.
    assert!(svg.contains(">75<"), "{svg}");
}
