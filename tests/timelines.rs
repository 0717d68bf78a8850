//! Game days and incidents from the command line: starting one, appending from another process
//! (crash-safe: killed at random moments it never loses or tears an earlier event; two writers
//! never interleave), the weighted draw, the review reports, and the write-back to the register.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn faultline(dir: &Path, args: &[&str], now: &str) -> Output {
    harness::run_in(dir, args, &[("FAULTLINE_NOW", now)])
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The example workspace with the fixture timelines.
fn workspace() -> tempfile::TempDir {
    let dir = harness::example_copy();
    harness::copy_tree(
        &harness::repo().join("tests/fixtures/timelines"),
        dir.path(),
    );
    dir
}

const NOW: &str = "2026-11-24T10:00:00+01:00";

#[test]
fn an_incident_is_started_logged_and_listed() {
    let dir = harness::example_copy();
    let out = faultline(
        dir.path(),
        &[
            "incident",
            "new",
            "Checkout",
            "returns",
            "502",
            "--severity",
            "P1",
            "--risk",
            "payments-api/concurrency-limit",
            "--lead",
            "Ana",
        ],
        NOW,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let file = "incidents/2026-11-24-checkout-returns-502.jsonl";
    assert!(stdout(&out).contains(file), "{}", stdout(&out));
    let log = faultline(
        dir.path(),
        &[
            "incident",
            "log",
            "--kind",
            "hypothesis",
            "--by",
            "Ben",
            "Lambda",
            "throttling",
        ],
        "2026-11-24T10:03:00+01:00",
    );
    assert_eq!(log.status.code(), Some(0), "{log:?}");
    // FILE first works too.
    let log = faultline(
        dir.path(),
        &[
            "incident",
            "log",
            file,
            "--kind",
            "resolved",
            "Limit raised",
        ],
        "2026-11-24T10:30:00+01:00",
    );
    assert_eq!(log.status.code(), Some(0), "{log:?}");
    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("\"severity\":\"P1\"") && lines[0].contains("\"lead\":\"Ana\""));
    assert!(lines[1].contains("\"kind\":\"hypothesis\"") && lines[1].contains("\"by\":\"Ben\""));
    let list = stdout(&faultline(dir.path(), &["incident", "list"], NOW));
    assert!(
        list.contains("P1  resolved   2 events  Checkout returns 502"),
        "{list}"
    );
    // Nothing still open: a log without FILE says so.
    let none = faultline(dir.path(), &["incident", "log", "more"], NOW);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no incident still open"));
    // A risk that is not in the register is refused.
    let bad = faultline(
        dir.path(),
        &["incident", "new", "X", "--risk", "payments-api/nope"],
        NOW,
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_draw_is_reproducible_with_a_seed_and_says_why() {
    let dir = harness::example_copy();
    let first = stdout(&faultline(
        dir.path(),
        &["gameday", "new", "--draw", "--seed", "7"],
        NOW,
    ));
    let other = harness::example_copy();
    let second = stdout(&faultline(
        other.path(),
        &["gameday", "new", "--draw", "--seed", "7"],
        NOW,
    ));
    assert_eq!(first, second);
    assert!(
        first.starts_with("drew ") && first.contains("(seed 7): score "),
        "{first}"
    );
    assert!(first.contains("% chance among 32 risks"), "{first}");
}

#[test]
fn review_reports() {
    let dir = workspace();
    let incident = faultline(
        dir.path(),
        &[
            "incident",
            "report",
            "incidents/2026-11-20-checkout-returns-502.jsonl",
        ],
        NOW,
    );
    assert_eq!(incident.status.code(), Some(0), "{incident:?}");
    insta::assert_snapshot!("incident_report", stdout(&incident));
    let gameday = faultline(
        dir.path(),
        &[
            "gameday",
            "report",
            "gamedays/2026-11-18-game-day-staff-locked-out.jsonl",
        ],
        NOW,
    );
    insta::assert_snapshot!("gameday_report", stdout(&gameday));
}

/// The lines of `a` that `b` lacks, counting repeats (a multiset difference, in `a`'s order).
fn lines_not_in<'a>(a: &'a str, b: &str) -> Vec<&'a str> {
    let mut left: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in b.lines() {
        *left.entry(line).or_default() += 1;
    }
    a.lines()
        .filter(|line| match left.get_mut(line) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

#[test]
fn write_back_changes_exactly_the_rehearsal_lines_and_clears_the_warning() {
    let dir = workspace();
    let register = dir.path().join("registers/identity-provider.json");
    let before = std::fs::read_to_string(&register).unwrap();
    let check = |dir: &Path| stdout(&faultline(dir, &["check"], NOW));
    let warning = "`identity-provider/staff-locked-out` has never been rehearsed";
    assert!(check(dir.path()).contains(warning), "warned before");
    let out = faultline(
        dir.path(),
        &[
            "gameday",
            "report",
            "gamedays/2026-11-18-game-day-staff-locked-out.jsonl",
            "--write-back",
            "-o",
            "review.md",
        ],
        NOW,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(dir.path().join("review.md").exists());
    let after = std::fs::read_to_string(&register).unwrap();
    let removed = lines_not_in(&before, &after);
    let added = lines_not_in(&after, &before);
    assert_eq!(
        removed,
        ["        \"Has anyone opened the envelope since it was sealed?\""]
    );
    // One rehearsal is a measurement, not a new estimate: it is kept in `rehearsals`, and the
    // risk (which had no estimate) gets none.
    assert_eq!(
        added,
        [
            "        \"Has anyone opened the envelope since it was sealed?\",",
            "        \"Who holds the safe's key at night?\"",
            "      ],",
            "      \"last_rehearsed\": \"2026-11-18\",",
            "      \"rehearsals\": [",
            "        {",
            "          \"date\": \"2026-11-18\",",
            "          \"kind\": \"gameday\",",
            "          \"detect_minutes\": 6,",
            "          \"repair_minutes\": 46,",
            "          \"steps_done\": 0,",
            "          \"steps_total\": 2,",
            "          \"timeline\": \"gamedays/2026-11-18-game-day-staff-locked-out.jsonl\"",
            "        }",
            // (its closing `]` matches the questions' old one)
        ]
    );
    let after_check = check(dir.path());
    assert!(
        !after_check.contains("staff-locked-out` has never"),
        "{after_check}"
    );
    assert!(
        !after_check.contains("staff-locked-out` was last"),
        "{after_check}"
    );
    // A second write-back changes nothing.
    faultline(
        dir.path(),
        &[
            "gameday",
            "report",
            "gamedays/2026-11-18-game-day-staff-locked-out.jsonl",
            "--write-back",
            "-o",
            "review.md",
        ],
        NOW,
    );
    assert_eq!(std::fs::read_to_string(&register).unwrap(), after);
}

/// The risk `id` of a register file, read back.
fn risk_in(register: &Path, id: &str) -> faultline::model::Risk {
    let reg: faultline::model::Register =
        serde_json::from_str(&std::fs::read_to_string(register).unwrap()).unwrap();
    reg.risks.into_iter().find(|r| r.id == id).unwrap()
}

#[test]
fn write_back_keeps_the_estimate_unless_told_and_check_flags_a_measurement_far_over_it() {
    let dir = workspace();
    let register = dir.path().join("registers/identity-provider.json");
    // The team's estimate: 2 minutes to detect, 20 to repair. The game day measured 6 and 46.
    let text = std::fs::read_to_string(&register).unwrap();
    let mut reg: faultline::model::Register = serde_json::from_str(&text).unwrap();
    let risk = reg
        .risks
        .iter_mut()
        .find(|r| r.id == "staff-locked-out")
        .unwrap();
    risk.estimate.ettd_minutes = Some(faultline::model::Num(2.0));
    risk.estimate.ettr_minutes = Some(faultline::model::Num(20.0));
    std::fs::write(&register, faultline::model::to_canonical(&reg)).unwrap();
    let game_day = "gamedays/2026-11-18-game-day-staff-locked-out.jsonl";
    let out = faultline(
        dir.path(),
        &["gameday", "report", game_day, "--write-back", "-o", "r.md"],
        NOW,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("estimate kept (ettd_minutes 2, ettr_minutes 20)"),
        "{said}"
    );
    let risk = risk_in(&register, "staff-locked-out");
    assert_eq!(risk.estimate.ettd_minutes, Some(faultline::model::Num(2.0)));
    assert_eq!(
        risk.estimate.ettr_minutes,
        Some(faultline::model::Num(20.0))
    );
    assert_eq!(risk.rehearsals.len(), 1);
    assert_eq!(
        risk.rehearsals[0].detect_minutes,
        Some(faultline::model::Num(6.0))
    );
    assert_eq!(risk.rehearsals[0].timeline, game_day);
    // 6 > 2 × 2 and 46 > 2 × 20: both measurements are far over the estimate.
    let check = stdout(&faultline(dir.path(), &["check"], NOW));
    assert_eq!(
        check.matches("[measured-over-estimate]").count(),
        2,
        "{check}"
    );
    assert!(
        check.contains("the rehearsal of 2026-11-18 measured 6 min to detect, more than twice the estimate of 2 min"),
        "{check}"
    );
    // The CSV export carries the rehearsal and import reads it back.
    let csv = stdout(&faultline(dir.path(), &["export", "--format", "csv"], NOW));
    assert!(
        csv.contains("2026-11-18 gameday detect=6 repair=46 steps=0/2 timeline=gamedays/2026-11-18-game-day-staff-locked-out.jsonl"),
        "{csv}"
    );
    // The facilitator chooses to replace the estimate: the same rehearsal is not added twice.
    let out = faultline(
        dir.path(),
        &[
            "gameday",
            "report",
            game_day,
            "--write-back",
            "--replace-estimate",
            "-o",
            "r.md",
        ],
        NOW,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("estimate replaced: ettd_minutes 2 → 6, ettr_minutes 20 → 46"),
        "{said}"
    );
    let risk = risk_in(&register, "staff-locked-out");
    assert_eq!(risk.estimate.ettd_minutes, Some(faultline::model::Num(6.0)));
    assert_eq!(
        risk.estimate.ettr_minutes,
        Some(faultline::model::Num(46.0))
    );
    assert_eq!(risk.rehearsals.len(), 1, "recorded once");
    let check = stdout(&faultline(dir.path(), &["check"], NOW));
    assert!(!check.contains("[measured-over-estimate]"), "{check}");
}

#[test]
fn check_reports_damaged_timelines_by_line_and_unknown_risks() {
    let dir = workspace();
    let file = dir
        .path()
        .join("gamedays/2026-11-18-game-day-staff-locked-out.jsonl");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text = text.replacen(
        "identity-provider/staff-locked-out",
        "identity-provider/gone",
        1,
    );
    text = text.replace(
        "{\"at\":\"2026-11-18T14:10:00+01:00\"",
        "{\"at\":\"2026-11-18T14:10:00+01:00\" oops",
    );
    text.push_str("{\"at\":\"2026-11-18T15:00");
    std::fs::write(&file, text).unwrap();
    let out = stdout(&faultline(dir.path(), &["check"], NOW));
    let rel = "gamedays/2026-11-18-game-day-staff-locked-out.jsonl";
    assert!(
        out.contains(&format!(
            "{rel}:1:1: error: risk `identity-provider/gone` is not in the register [unknown-risk]"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("{rel}:3:")) && out.contains("[timeline-line]"),
        "{out}"
    );
    assert!(
        out.contains(&format!("{rel}:6:")) && out.contains("[timeline-torn]"),
        "{out}"
    );
}

/// A child appending events in a loop, killed with SIGKILL at random moments, 100 times: every
/// complete line parses and no event written before is ever lost.
#[test]
fn appends_survive_sigkill_at_any_moment() {
    use std::os::unix::process::CommandExt;
    let dir = harness::example_copy();
    faultline(dir.path(), &["incident", "new", "Kill", "test"], NOW);
    let file = dir.path().join("incidents/2026-11-24-kill-test.jsonl");
    let bin = env!("CARGO_BIN_EXE_faultline");
    let mut seen = 0;
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for round in 0..100 {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while :; do '{bin}' incident log --kind note round-{round}; done"
            ))
            .current_dir(dir.path())
            .env("FAULTLINE_NOW", NOW)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(std::time::Duration::from_millis(5 + seed % 40));
        let group = format!("-{}", child.id());
        Command::new("kill")
            .args(["-KILL", "--", &group])
            .status()
            .unwrap();
        child.wait().unwrap();
        let loaded = faultline::timeline::read(
            dir.path(),
            Path::new("incidents/2026-11-24-kill-test.jsonl"),
        )
        .unwrap();
        // A kill can tear only the line being written, the last one.
        assert!(
            loaded.problems.iter().all(|p| p.rule == "timeline-torn"),
            "round {round}: {:?}",
            loaded.problems
        );
        assert!(
            loaded.timeline.events.len() >= seen,
            "round {round}: an event was lost"
        );
        seen = loaded.timeline.events.len();
    }
    assert!(seen > 50, "the loop appended ({seen} events)");
    let _ = file;
}

#[test]
fn two_writers_never_interleave_inside_a_line() {
    let dir = harness::example_copy();
    faultline(dir.path(), &["incident", "new", "Two", "writers"], NOW);
    let bin = env!("CARGO_BIN_EXE_faultline");
    let writers: Vec<_> = ["a", "b"]
        .iter()
        .map(|name| {
            Command::new("sh")
                .arg("-c")
                .arg(format!("i=0; while [ $i -lt 60 ]; do '{bin}' incident log --kind note {name}-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done"))
                .current_dir(dir.path())
                .env("FAULTLINE_NOW", NOW)
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut w in writers {
        assert!(w.wait().unwrap().success());
    }
    let loaded = faultline::timeline::read(
        dir.path(),
        Path::new("incidents/2026-11-24-two-writers.jsonl"),
    )
    .unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.timeline.events.len(), 120);
    for name in ["a", "b"] {
        let texts: Vec<&str> = loaded
            .timeline
            .events
            .iter()
            .map(|e| e.text.as_str())
            .filter(|t| t.starts_with(name))
            .collect();
        assert_eq!(texts.len(), 60, "{name}");
    }
}

#[test]
fn the_timeline_schema_names_every_kind_and_severity() {
    let dir = harness::example_copy();
    let out = faultline(dir.path(), &["schema", "--timeline"], NOW);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let header = &schema["oneOf"][0]["properties"];
    let severities: Vec<String> = faultline::model::timeline::Severity::ALL
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(header["severity"]["enum"], serde_json::json!(severities));
    let kinds: Vec<&str> = faultline::model::timeline::EventKind::ALL
        .iter()
        .map(|k| k.name())
        .collect();
    assert_eq!(
        schema["oneOf"][1]["properties"]["kind"]["examples"],
        serde_json::json!(kinds)
    );
    // Every line of the fixtures is a header or an event the model reads.
    for kind in [
        faultline::model::timeline::TimelineKind::Incident,
        faultline::model::timeline::TimelineKind::Gameday,
    ] {
        let root = harness::repo().join("tests/fixtures/timelines");
        for rel in faultline::timeline::list(&root, kind) {
            let loaded = faultline::timeline::read(&root, &rel).unwrap();
            assert!(loaded.problems.is_empty(), "{rel:?}: {:?}", loaded.problems);
        }
    }
}

#[test]
fn severity_and_role_changes_from_the_command_line() {
    let dir = harness::example_copy();
    faultline(
        dir.path(),
        &["incident", "new", "Slow", "checkout", "--lead", "Ana"],
        NOW,
    );
    let missing = faultline(
        dir.path(),
        &["incident", "log", "--kind", "severity-changed", "worse"],
        NOW,
    );
    assert_eq!(missing.status.code(), Some(2), "needs --severity");
    for args in [
        &[
            "incident",
            "log",
            "--kind",
            "severity-changed",
            "--severity",
            "P1",
            "more regions",
        ][..],
        &[
            "incident",
            "log",
            "--kind",
            "role-changed",
            "--role",
            "lead",
            "Ben",
        ][..],
    ] {
        let out = faultline(dir.path(), args, NOW);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    }
    let loaded = faultline::timeline::read(
        dir.path(),
        Path::new("incidents/2026-11-24-slow-checkout.jsonl"),
    )
    .unwrap();
    assert_eq!(
        loaded.timeline.severity(),
        faultline::model::timeline::Severity::P1
    );
    assert_eq!(loaded.timeline.lead(), "Ben");
}

#[test]
fn a_flag_that_implies_a_kind_sets_it_or_is_refused() {
    let dir = harness::example_copy();
    let out = faultline(dir.path(), &["incident", "new", "Checkout down"], NOW);
    assert!(out.status.success(), "{out:?}");
    let file = "incidents/2026-11-24-checkout-down.jsonl";
    // --severity alone records a severity change.
    let out = faultline(
        dir.path(),
        &["incident", "log", file, "--severity", "P3", "downgraded"],
        NOW,
    );
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["kind"], "severity-changed");
    assert_eq!(last["severity"], "P3");
    // --severity with a kind it contradicts is refused, and nothing is written.
    let out = faultline(
        dir.path(),
        &[
            "incident",
            "log",
            file,
            "--kind",
            "note",
            "--severity",
            "P2",
            "again",
        ],
        NOW,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--severity records a severity-changed event, not a note"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(file)).unwrap(),
        text
    );
    // --role alone records a role change.
    let out = faultline(
        dir.path(),
        &["incident", "log", file, "--role", "scribe", "Ana"],
        NOW,
    );
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["kind"], "role-changed");
}

#[test]
fn cancel_appends_abandoned_and_the_timeline_counts_as_closed() {
    let dir = workspace();
    let started = faultline(
        dir.path(),
        &["incident", "new", "False", "alarm", "--severity", "P3"],
        "2026-11-24T10:00:00+01:00",
    );
    assert_eq!(started.status.code(), Some(0), "{started:?}");
    assert!(faultline::tui::open_incident(dir.path()).is_some());
    let out = faultline(
        dir.path(),
        &["incident", "cancel", "--reason", "the alarm was a test"],
        "2026-11-24T10:05:00+01:00",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout(&out).contains("abandoned"), "{out:?}");
    let file = dir.path().join("incidents/2026-11-24-false-alarm.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(harness::event_kinds(&text), ["abandoned"]);
    assert!(text.contains("the alarm was a test"));
    // Closed: no read-only banner, not the default for log, listed as abandoned.
    assert!(faultline::tui::open_incident(dir.path()).is_none());
    let list = stdout(&faultline(dir.path(), &["incident", "list"], NOW));
    assert!(list.contains("P3  abandoned"), "{list}");
    let log = faultline(dir.path(), &["incident", "log", "more"], NOW);
    assert_eq!(log.status.code(), Some(2), "{log:?}");
    // A second cancel names the file and records nothing.
    let again = faultline(
        dir.path(),
        &[
            "incident",
            "cancel",
            "incidents/2026-11-24-false-alarm.jsonl",
        ],
        NOW,
    );
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already abandoned"),
        "{again:?}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn check_warns_on_a_game_day_left_open_until_it_is_cancelled() {
    let dir = workspace();
    let started = faultline(
        dir.path(),
        &["gameday", "new", "--risk", "orders-db/bad-migration"],
        "2026-11-01T10:00:00+01:00",
    );
    assert_eq!(started.status.code(), Some(0), "{started:?}");
    let check = |dir: &Path| {
        harness::run_in(
            dir,
            &["check"],
            &[("FAULTLINE_NOW", NOW), ("FAULTLINE_TODAY", "2026-11-24")],
        )
    };
    let text = stdout(&check(dir.path()));
    assert!(
        text.contains("started 23 days ago and is still open") && text.contains("[timeline-open]"),
        "{text}"
    );
    // The TUI's check is the same check: it finds it too.
    let ws = faultline::store::Workspace::load(dir.path()).unwrap();
    let findings = faultline::check::check(&ws, jiff::civil::date(2026, 11, 24));
    assert!(
        findings.iter().any(|f| f.rule == "timeline-open"),
        "{findings:#?}"
    );
    faultline(dir.path(), &["gameday", "cancel"], NOW);
    let text = stdout(&check(dir.path()));
    assert!(!text.contains("[timeline-open]"), "{text}");
}
