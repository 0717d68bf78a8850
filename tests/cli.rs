//! The command line as a user runs it: `check`, `fmt` and `list` on the example workspace and on
//! fixture workspaces with every kind of broken input, asserting exact `path:line:col`, messages
//! and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

fn faultline(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .arg("--workspace")
        .arg(workspace)
        .env("FAULTLINE_TODAY", "2026-11-24")
        .env("NO_COLOR", "1")
        .output()
        .expect("run faultline")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Copies a directory tree, for tests that change files.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn example_workspace_passes_its_own_check() {
    // The repository is the example a newcomer copies, and the first thing CI runs `check` on:
    // warnings, no errors.
    let out = faultline(&repo(), &["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.ends_with("0 errors, 11 warnings in 10 registers and 12 runbooks\n"),
        "{text}"
    );
    assert!(text.contains("[alert-pattern]"), "{text}");
    assert!(
        text.contains("monitoring/prometheus/payments-api.rules.yml:38:16: warning: 1 alert no risk names: `PaymentsApiHighMemory` (line 38)"),
        "{text}"
    );
}

#[test]
fn a_renamed_alert_is_an_error_with_the_name_it_now_has() {
    // The example with the mistake the alert check is for: a risk naming an alert that was
    // renamed in the Prometheus rules.
    let dir = tempfile::tempdir().unwrap();
    for sub in ["registers", "runbooks", "monitoring"] {
        copy_tree(&repo().join(sub), &dir.path().join(sub));
    }
    fs::copy(
        repo().join("faultline.toml"),
        dir.path().join("faultline.toml"),
    )
    .unwrap();
    let path = dir.path().join("registers/orders-db.json");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("\"OrdersDbLockWaits\"", "\"OrdersDbLockWaitsHigh\"");
    fs::write(&path, text).unwrap();
    let out = faultline(dir.path(), &["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error:")).collect();
    assert_eq!(
        errors,
        [
            "registers/orders-db.json:70:9: error: risk `orders-db/bad-migration` names alert `OrdersDbLockWaitsHigh`, but it is not defined in the monitoring config (13 alerts in 2 files read); did you mean `OrdersDbLockWaits` (prometheus, monitoring/prometheus/payments-api.rules.yml:45)? [alert-missing]"
        ],
        "{text}"
    );
    assert!(text.contains("[alert-pattern]"), "{text}");
    assert!(
        text.contains("monitoring/prometheus/payments-api.rules.yml:38:16: warning: 2 alerts no risk names: `PaymentsApiHighMemory` (line 38), `OrdersDbLockWaits` (line 45)"),
        "{text}"
    );
}

#[test]
fn example_workspace_is_canonical() {
    let out = faultline(&repo(), &["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn broken_files_name_path_line_and_column() {
    let out = faultline(&fixture("broken"), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let expected = "\
registers/bad-date.json:11:25: error: `last_rehearsed` of risk #1: invalid date `2026-02-30`: expected a calendar date as YYYY-MM-DD [invalid-value]
registers/bad-level.json:8:21: error: `hihg` is not a valid `likelihood` of risk #1: expected one of very-low, low, medium, high, very-high [invalid-value]
registers/bad-utf8.json:3:16: error: not valid UTF-8: byte 0xE9 at offset 44 (save the file as UTF-8) [invalid-utf8]
registers/bom-crlf.json:1:1: warning: not in canonical form (CRLF line endings): run `faultline fmt` [not-canonical]
registers/conflict.json:3:1: error: git merge-conflict marker `<<<<<<<`: resolve the conflict in this file, then run `faultline check` [conflict-marker]
registers/empty.json:1:1: error: file is empty: a register needs at least `component`, `title` and `risks` (`faultline new COMPONENT` writes one) [empty-file]
registers/missing-quote.json:3:27: error: invalid JSON: a string is not closed before the end of the line (missing `\"`?) [json-syntax]
registers/trailing-comma.json:4:14: error: invalid JSON: trailing comma after the last item (remove it) [json-syntax]
registers/unknown-field.json:8:7: error: unknown field `likelyhood` in risk #1: did you mean `likelihood`? [unknown-field]
8 errors, 1 warning in 10 registers and 1 runbook
";
    assert_eq!(stdout(&out), expected);
}

#[test]
fn semantic_findings_and_policy() {
    let out = faultline(&fixture("semantic"), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let expected = "\
registers/api.json:5:5: error: depends on `databse`, but no register file defines it; did you mean `database`? [unknown-dependency]
registers/api.json:6:5: warning: `api` depends on itself [self-dependency]
registers/api.json:8:17: warning: `api` promises availability but not how fast it recovers: set rto_minutes (and rpo_minutes, how much data it may lose, if it keeps any) [no-recovery-objectives]
registers/api.json:18:18: error: `runbooks/nope.md` does not exist [runbook-missing]
registers/api.json:27:18: error: `runbooks/db/failover.md` has no heading with anchor `#reconect` [anchor-missing]
registers/api.json:35:18: error: link `../../etc/passwd` leads outside the workspace [link-outside-workspace]
registers/api.json:39:13: error: risk id `escape` is used twice in this component [duplicate-risk-id]
registers/api.json:43:18: error: link `/etc/passwd` leads outside the workspace [link-outside-workspace]
registers/api.json:47:13: error: risk id `Bad Id` is not valid: use lowercase letters, digits and hyphens (e.g. `bad-id`) [id-format]
registers/api.json:47:13: warning: critical risk `api/Bad Id` has never been rehearsed [never-rehearsed]
registers/api.json:47:13: warning: critical risk `api/Bad Id` (score 25) has no mitigation [no-mitigation]
registers/api.json:47:13: warning: critical risk `api/Bad Id` (score 25) has no runbook [no-runbook]
registers/api.json:52:19: warning: `api/Bad Id` alone is expected to cost 240 bad minutes a year, 46% of the component's error budget (limit 25%) [budget-share]
registers/api.json:67:25: warning: high risk `api/stale` was last rehearsed 692 days ago (more than 180) [stale-rehearsal]
registers/database.json:2:16: error: component `db` does not match its file name: expected `database` (rename the file or the component) [component-mismatch]
runbooks/db/failover.md:5:5: error: `runbooks/backup.md` does not exist [broken-link]
runbooks/db/failover.md:6:1: error: `runbooks/db/failover.md` has no heading with anchor `#nowhere` [anchor-missing]
runbooks/db/failover.md:6:25: error: link `../../../secret.md` leads outside the workspace [link-outside-workspace]
11 errors, 7 warnings in 2 registers and 2 runbooks
";
    assert_eq!(stdout(&out), expected);
}

#[test]
fn check_json_is_machine_readable() {
    let out = faultline(&fixture("broken"), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 8);
    assert_eq!(report["warnings"], 1);
    let first = &report["findings"][0];
    assert_eq!(first["path"], "registers/bad-date.json");
    assert_eq!(first["line"], 11);
    assert_eq!(first["column"], 25);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["rule"], "invalid-value");
}

#[test]
fn a_huge_file_is_refused_and_the_rest_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("registers")).unwrap();
    fs::copy(
        fixture("broken/registers/good.json"),
        dir.path().join("registers/good.json"),
    )
    .unwrap();
    copy_tree(&fixture("broken/runbooks"), &dir.path().join("runbooks"));
    // A sparse 17 MiB file: refused by size, never read.
    let huge = fs::File::create(dir.path().join("registers/huge.json")).unwrap();
    huge.set_len(17 * 1024 * 1024).unwrap();
    let out = faultline(dir.path(), &["check"]);
    assert_eq!(
        stdout(&out),
        "registers/huge.json:1:1: error: file is 17.0 MiB, over the 16 MiB limit: not read [file-too-large]\n\
         1 error, 0 warnings in 2 registers and 1 runbook\n"
    );
    let list = faultline(dir.path(), &["list", "--format", "csv"]);
    assert!(stdout(&list).contains("good/fine,good,fine,Nothing wrong here"));
}

#[test]
fn fmt_rewrites_to_canonical_and_refuses_broken_files() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("broken"), dir.path());
    let broken_before = fs::read(dir.path().join("registers/trailing-comma.json")).unwrap();

    let check = faultline(dir.path(), &["fmt", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(stdout(&check), "registers/bom-crlf.json\n");

    let fmt = faultline(dir.path(), &["fmt"]);
    assert_eq!(fmt.status.code(), Some(1), "broken files make fmt fail");
    assert_eq!(stdout(&fmt), "formatted registers/bom-crlf.json\n");
    let stderr = String::from_utf8(fmt.stderr).unwrap();
    assert!(
        stderr.contains("registers/trailing-comma.json:4:14: error: invalid JSON"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("registers/bom-crlf.json")).unwrap(),
        "{\n  \"component\": \"bom-crlf\",\n  \"title\": \"BOM and CRLF\",\n  \"risks\": []\n}\n"
    );
    assert_eq!(
        fs::read(dir.path().join("registers/trailing-comma.json")).unwrap(),
        broken_before,
        "an unparseable file is never rewritten"
    );
    // Idempotent: a second run changes nothing.
    let again = faultline(dir.path(), &["fmt"]);
    assert_eq!(stdout(&again), "");
}

#[test]
fn list_sorts_by_score_and_prints_whole_rows_into_a_pipe() {
    let out = faultline(&repo(), &["list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("SCORE BAND"));
    assert!(
        !text.contains('…'),
        "nothing cut when the output is not a terminal"
    );
    assert!(lines.iter().any(|l| l.chars().count() > 80));
    let scores: Vec<u8> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn list_json_and_rehearsed_sort() {
    let out = faultline(
        &repo(),
        &["list", "--sort", "rehearsed", "--format", "json"],
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 32);
    assert!(rows[0]["last_rehearsed"].is_null(), "never rehearsed first");
    let dates: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["last_rehearsed"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
}

#[test]
fn list_into_a_closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    faultline::workspace_gen::generate(
        dir.path(),
        faultline::workspace_gen::GenOptions {
            components: 20,
            risks: 3000,
            runbooks: 0,
            alerts: 0,
            alert_files: 0,
            timelines: 0,
            seed: 1,
        },
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["list", "--workspace"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, as `head -1` would, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    let n = stdout.read(&mut first).unwrap();
    assert!(n > 0);
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
}

#[test]
fn usage_and_io_failures_exit_2() {
    let out = faultline(&repo(), &["check", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let missing = faultline(Path::new("/nonexistent/place"), &["check"]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8(missing.stderr).unwrap();
    assert!(
        stderr.starts_with("faultline: cannot open workspace /nonexistent/place"),
        "{stderr}"
    );
}

#[test]
fn every_command_has_help() {
    for command in ["check", "fmt", "list"] {
        let out = faultline(&repo(), &[command, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("--workspace"), "{command}");
    }
    // --no-mouse belongs to the commands that open the TUI, not to every command's help.
    for (args, has) in [
        (&["import", "--help"][..], false),
        (&["check", "--help"][..], false),
        (&["runbook", "--help"][..], true),
        (&["incident", "open", "--help"][..], true),
        (&["gameday", "new", "--help"][..], true),
        (&["--help"][..], true),
    ] {
        let out = faultline(&repo(), args);
        assert_eq!(stdout(&out).contains("--no-mouse"), has, "{args:?}");
    }
}

#[test]
fn the_alerts_table_has_a_runbook_url_column() {
    let text = stdout(&faultline(&repo(), &["alerts"]));
    let header = text.lines().next().unwrap();
    assert!(header.contains("RUNBOOK_URL"), "{header}");
    let row = text
        .lines()
        .find(|l| l.contains("PaymentsApiLambdaThrottles"))
        .unwrap();
    assert!(
        row.contains("runbooks/lambda/lambda-throttling.md#raise-the-limit"),
        "{row}"
    );
}

#[test]
fn runbook_query_without_a_match_exits_2() {
    let out = faultline(&repo(), &["runbook", "zzqqxx"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "faultline: no runbook matches “zzqqxx” well enough to open it\n  no runbook (nor any risk linking to one) holds any of its words\n"
    );
}

#[test]
fn an_unsure_runbook_match_lists_candidates_with_why_and_opens_nothing() {
    // "kubernetes" is in no runbook: the Redis runbook holds "node" and "ready", and a section
    // holding two ordinary words is not opened in silence.
    let out = faultline(&repo(), &["runbook", "kubernetes", "node", "not", "ready"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no TUI was started");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no runbook matches “kubernetes node not ready” well enough"),
        "{stderr}"
    );
    assert!(stderr.contains("no runbook holds: kubernetes"), "{stderr}");
    assert!(
        stderr.contains("of 3 words:"),
        "each candidate says why: {stderr}"
    );
}

#[test]
fn runbook_query_as_json_says_what_it_would_open() {
    let out = faultline(
        &repo(),
        &[
            "runbook",
            "db",
            "too",
            "many",
            "connections",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["opened"]["path"],
        "runbooks/database/aurora-failover.md"
    );
    assert!(json["candidates"].as_array().unwrap().len() > 1);
    // The risk linking to the section is part of why.
    let why = json["candidates"][0]["why"].as_str().unwrap();
    assert!(why.contains("via the risk orders-db/"), "{why}");
    let none = faultline(
        &repo(),
        &["runbook", "weather", "forecast", "--format", "json"],
    );
    assert_eq!(none.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&none.stdout).unwrap();
    assert!(json["opened"].is_null());
}

#[test]
fn new_creates_an_empty_register_once() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("registers")).unwrap();
    let out = faultline(dir.path(), &["new", "search-api"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(dir.path().join("registers/search-api.json")).unwrap(),
        "{\n  \"component\": \"search-api\",\n  \"title\": \"Search api\",\n  \"risks\": []\n}\n"
    );
    let again = faultline(dir.path(), &["new", "search-api"]);
    assert_eq!(again.status.code(), Some(2));
    let bad = faultline(dir.path(), &["new", "Search API"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8(bad.stderr)
            .unwrap()
            .contains("e.g. `search-api`")
    );
}

#[test]
fn blast_radius_as_text_json_and_dot() {
    let text = stdout(&faultline(&repo(), &["blast", "orders-db"]));
    assert!(
        text.starts_with("a failure of orders-db reaches 3 components:"),
        "{text}"
    );
    assert!(
        text.contains(
            "api-gateway                  depth 2  via orders-db ← payments-api ← api-gateway"
        ),
        "{text}"
    );
    assert!(
        text.contains("cycle: payments-api ← api-gateway ← payments-api"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&faultline(
        &repo(),
        &["blast", "orders-db", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(json["reached"].as_array().unwrap().len(), 3);
    assert_eq!(json["risks_by_band"]["high"], 5);
    let dot = stdout(&faultline(
        &repo(),
        &["blast", "orders-db", "--format", "dot"],
    ));
    assert!(dot.contains("\"payments-api\" -> \"orders-db\";"), "{dot}");
    let missing = faultline(&repo(), &["blast", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn runbook_query_off_a_terminal_prints_the_section_as_text() {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .current_dir(repo())
        .args(["runbook", "aurora", "reconnect", "applications"])
        .env("COLUMNS", "60")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "runbooks/database/aurora-failover.md");
    assert_eq!(lines[1], "▌ Reconnect the applications");
    assert!(lines.iter().all(|l| l.chars().count() <= 60), "{text}");
    assert!(
        text.contains("☐ Record in the timeline when writes succeeded again"),
        "{text}"
    );
    // The section ends where the next heading of its level begins.
    assert!(!text.contains("Fail over by hand"), "{text}");
    assert!(!text.contains('\u{1b}'), "no escapes in a pipe");
}
