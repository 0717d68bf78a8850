//! `check --format sarif`: a SARIF 2.1.0 log holding every finding `check` makes, with the
//! properties the SARIF 2.1.0 schema requires of each object it writes, and every rule `check`
//! can report described (the rules table and the README's table agree).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use serde_json::Value;
use std::path::Path;

fn sarif(dir: &Path) -> (Value, std::process::Output) {
    let out = harness::run_in(dir, &["check", "--format", "sarif"], &[]);
    (serde_json::from_slice(&out.stdout).unwrap(), out)
}

fn text<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} must be a string: {v}"))
}

/// The properties SARIF 2.1.0 requires of the objects faultline writes (sarifLog, run, tool,
/// toolComponent, reportingDescriptor, result, message, location, physicalLocation,
/// artifactLocation, region), and the values it allows.
fn assert_valid(log: &Value) {
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], faultline::check::sarif::SCHEMA);
    let runs = log["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(text(&driver["name"], "tool.driver.name"), "faultline");
    let rules = driver["rules"].as_array().expect("rules");
    for rule in rules {
        text(&rule["id"], "rule.id");
        assert!(!text(&rule["shortDescription"]["text"], "shortDescription").is_empty());
        assert!(!text(&rule["help"]["text"], "help").is_empty());
        assert!(matches!(
            text(&rule["defaultConfiguration"]["level"], "level"),
            "error" | "warning"
        ));
    }
    assert!(matches!(
        run["columnKind"].as_str(),
        Some("unicodeCodePoints" | "utf16CodeUnits")
    ));
    for result in run["results"].as_array().expect("results") {
        assert!(!text(&result["message"]["text"], "message.text").is_empty());
        let index = usize::try_from(result["ruleIndex"].as_u64().expect("ruleIndex")).unwrap();
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at ruleId"
        );
        assert!(matches!(
            text(&result["level"], "level"),
            "none" | "note" | "warning" | "error"
        ));
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = text(&physical["artifactLocation"]["uri"], "uri");
        assert!(
            !uri.starts_with('/') && !uri.contains('\\') && !uri.contains(':'),
            "a relative URI: {uri}"
        );
        let region = &physical["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(
            result["partialFingerprints"]
                .as_object()
                .is_some_and(|f| !f.is_empty())
        );
    }
}

#[test]
fn every_finding_is_a_sarif_result_where_check_puts_it() {
    let dir = harness::repo().join("tests/fixtures/broken");
    let (log, out) = sarif(&dir);
    assert_valid(&log);
    // The exit code is check's: errors were found.
    assert_eq!(out.status.code(), Some(1));
    let json = harness::run_in(&dir, &["check", "--format", "json"], &[]);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    assert!(findings.len() >= 8, "{findings:?}");
    for (f, r) in findings.iter().zip(results) {
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(location["artifactLocation"]["uri"], f["path"]);
        assert_eq!(location["region"]["startLine"], f["line"]);
        assert_eq!(location["region"]["startColumn"], f["column"]);
        assert_eq!(r["message"]["text"], f["message"]);
        assert_eq!(r["level"], f["severity"]);
    }
    // A clean workspace: no results, exit 0, still a valid log.
    let clean = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(clean.path().join("registers")).unwrap();
    std::fs::create_dir_all(clean.path().join("runbooks")).unwrap();
    let (log, out) = sarif(clean.path());
    assert_valid(&log);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
}

/// The same finding on another line keeps its fingerprint (code scanning tracks it); another
/// message gets another.
#[test]
fn a_finding_that_moves_keeps_its_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    let register = |pad: &str, file: &str| {
        format!(
            "{{\n  \"component\": \"api\",\n  \"title\": \"API\",{pad}\n  \"risks\": [\n    {{\n      \"id\": \"down\",\n      \"title\": \"Down\",\n      \"likelihood\": \"low\",\n      \"impact\": \"low\",\n      \"runbook\": \"runbooks/{file}.md\",\n      \"status\": \"open\"\n    }}\n  ]\n}}\n"
        )
    };
    let print = |pad: &str, file: &str| {
        std::fs::write(dir.path().join("registers/api.json"), register(pad, file)).unwrap();
        let (log, _) = sarif(dir.path());
        assert_valid(&log);
        let result = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "runbook-missing")
            .cloned()
            .expect("runbook-missing");
        (
            result["partialFingerprints"].clone(),
            result["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
        )
    };
    let (first, line) = print("", "missing");
    let (moved, moved_line) = print("\n  \"description\": \"x\",", "missing");
    assert_ne!(line, moved_line);
    assert_eq!(first, moved);
    let (other, _) = print("", "elsewhere");
    assert_ne!(first, other);
}

/// Text from files is escaped in the log like any JSON faultline writes: no raw escape
/// sequence, no line a CI runner would obey.
#[test]
fn hostile_text_in_a_finding_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::write(
        dir.path().join("registers/api.json"),
        "{\"component\": \"api\", \"title\": \"API\", \"risks\": [], \"\\u001b]52;c;x\\u0007\\n::error::owned\": 1}\n",
    )
    .unwrap();
    let (log, out) = sarif(dir.path());
    assert_valid(&log);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout}"
    );
    assert!(!stdout.lines().any(|l| l.starts_with("::")), "{stdout}");
    assert!(stdout.contains("unknown-field"), "{stdout}");
}

/// Every rule in the README's table of `check` rules has a SARIF description, and the other
/// way round.
#[test]
fn the_rules_table_and_the_readme_agree() {
    let readme = std::fs::read_to_string(harness::repo().join("README.md")).unwrap();
    let start = readme.find("### What `check` reports").unwrap();
    let table = &readme[start..];
    let table = &table[..table.find("\n\n###").unwrap_or(table.len())];
    let mut documented: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            l.split('|')
                .nth(1)
                .unwrap()
                .split('`')
                .skip(1)
                .step_by(2)
                .collect::<Vec<_>>()
        })
        .collect();
    documented.sort_unstable();
    let mut known: Vec<&str> = faultline::check::rules::RULES
        .iter()
        .map(|r| r.id)
        .collect();
    known.sort_unstable();
    assert_eq!(documented, known);
}
