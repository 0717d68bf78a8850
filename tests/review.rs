//! Pull-request review against real git repositories built in temporary directories: the
//! semantic diff in three formats, revisions and exit codes, the textconv driver inside
//! `git diff`, GitHub annotations, the JSON Schema, completions and the CI recipe.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use harness::git;

fn faultline(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("FAULTLINE_TODAY", "2026-11-24")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Edits one register file as JSON.
fn edit(dir: &Path, component: &str, f: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join(format!("registers/{component}.json"));
    let mut value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    f(&mut value);
    fs::write(&path, serde_json::to_string_pretty(&value).unwrap() + "\n").unwrap();
}

fn risk<'a>(value: &'a mut serde_json::Value, id: &str) -> &'a mut serde_json::Value {
    value["risks"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["id"] == id)
        .unwrap()
}

/// A repository with the example workspace committed and nothing else.
fn committed_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    harness::copy_tree(
        &harness::repo().join("registers"),
        &dir.path().join("registers"),
    );
    harness::copy_tree(
        &harness::repo().join("runbooks"),
        &dir.path().join("runbooks"),
    );
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "register"]);
    dir
}

/// A repository with the example workspace committed, then one commit of typical changes.
fn repository() -> tempfile::TempDir {
    let dir = committed_example();
    edit(dir.path(), "payments-api", |v| {
        // A level change, a status transition, an answered question, an estimate change.
        let r = risk(v, "concurrency-limit");
        r["likelihood"] = "high".into();
        r["status"] = "mitigated".into();
        r["questions"] = serde_json::json!([]);
        r["estimate"]["per_year"] = 6.into();
        // A broken link.
        risk(v, "slow-provider-timeouts")["runbook"] =
            "runbooks/payments/provider-outage.md#degraded".into();
        // A renamed risk.
        risk(v, "cold-start-scale-out")["id"] = "cold-starts".into();
        // A new critical risk with nothing behind it.
        v["risks"].as_array_mut().unwrap().push(serde_json::json!({
            "id": "webhook-replay", "title": "Webhook replayed by an attacker",
            "likelihood": "high", "impact": "very-high", "status": "open"
        }));
        // A removed risk.
        v["risks"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["id"] != "idempotency-key-collision");
    });
    // A risk moved to another component.
    let mut moved = None;
    edit(dir.path(), "dns-certs", |v| {
        let risks = v["risks"].as_array_mut().unwrap();
        let i = risks
            .iter()
            .position(|r| r["id"] == "certificate-expires")
            .unwrap();
        moved = Some(risks.remove(i));
    });
    edit(dir.path(), "cdn-static", |v| {
        v["risks"].as_array_mut().unwrap().push(moved.unwrap());
    });
    git(dir.path(), &["commit", "-q", "-am", "workshop"]);
    dir
}

#[test]
fn text_diff_between_two_commits() {
    let repo = repository();
    let out = faultline(repo.path(), &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("diff_text", stdout(&out));
}

#[test]
fn markdown_diff_for_a_pr_comment() {
    let repo = repository();
    let out = faultline(
        repo.path(),
        &["diff", "HEAD~1", "HEAD", "--format", "markdown"],
    );
    insta::assert_snapshot!("diff_markdown", stdout(&out));
}

#[test]
fn json_diff_has_a_stable_shape() {
    let repo = repository();
    let out = faultline(repo.path(), &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_snapshot!("diff_json", serde_json::to_string_pretty(&json).unwrap());
    assert_eq!(json["summary"]["risks_moved"], 2);
    let moved: Vec<(String, String)> = json["risks_moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["from"].as_str().unwrap().to_owned(),
                m["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(moved.contains(&("dns-certs/certificate-expires".into(), "moved".into())));
    assert!(moved.contains(&("payments-api/cold-start-scale-out".into(), "renamed".into())));
    let flags: Vec<&str> = json["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        flags.contains(&"new critical risk (score 20) without mitigation or runbook"),
        "{flags:?}"
    );
    assert!(
        flags.iter().any(|f| f.contains("is now broken")),
        "{flags:?}"
    );
}

#[test]
fn working_tree_merge_base_and_exit_codes() {
    let repo = repository();
    // Clean working tree against HEAD: nothing changed.
    let clean = faultline(repo.path(), &["diff", "--exit-code"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    edit(repo.path(), "orders-db", |v| {
        v["owner"] = "team-storage".into();
    });
    let dirty = faultline(repo.path(), &["diff", "--exit-code"]);
    assert_eq!(dirty.status.code(), Some(1));
    assert!(
        stdout(&dirty).contains("owner team-data → team-storage"),
        "{}",
        stdout(&dirty)
    );
    // BASE alone compares with the working tree.
    let since = faultline(repo.path(), &["diff", "HEAD~1"]);
    assert!(stdout(&since).contains("team-storage") && stdout(&since).contains("webhook-replay"));
    // A...B: the merge base of A and B against B.
    git(repo.path(), &["checkout", "-q", "-b", "feature", "HEAD~1"]);
    git(repo.path(), &["checkout", "-q", "--", "."]);
    let range = faultline(repo.path(), &["diff", "feature...main"]);
    assert!(
        stdout(&range).contains("webhook-replay"),
        "{}",
        stdout(&range)
    );
}

#[test]
fn bad_revisions_and_no_repository_exit_2() {
    let repo = repository();
    let out = faultline(repo.path(), &["diff", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "faultline: unknown revision `no-such-branch`\n"
    );
    let plain = tempfile::tempdir().unwrap();
    fs::create_dir_all(plain.path().join("registers")).unwrap();
    let outside = faultline(plain.path(), &["diff"]);
    assert_eq!(outside.status.code(), Some(2));
    assert!(
        String::from_utf8(outside.stderr)
            .unwrap()
            .contains("is not in a git repository")
    );
}

#[test]
fn an_unreadable_file_at_one_revision_is_reported_and_the_rest_diffed() {
    let repo = repository();
    fs::write(
        repo.path().join("registers/orders-db.json"),
        "{\n  \"component\": \"orders-db\",\n<<<<<<< HEAD\n",
    )
    .unwrap();
    edit(repo.path(), "api-gateway", |v| {
        v["owner"] = "team-edge".into();
    });
    let out = faultline(repo.path(), &["diff"]);
    let text = stdout(&out);
    assert!(text.contains("? unreadable on the new side: registers/orders-db.json:3:1: error: git merge-conflict marker"), "{text}");
    assert!(text.contains("owner team-platform → team-edge"), "{text}");
}

#[test]
fn two_directories_with_files() {
    let repo = repository();
    let old = tempfile::tempdir().unwrap();
    harness::copy_tree(
        &harness::repo().join("registers"),
        &old.path().join("registers"),
    );
    harness::copy_tree(
        &harness::repo().join("runbooks"),
        &old.path().join("runbooks"),
    );
    let out = faultline(
        repo.path(),
        &[
            "diff",
            "--files",
            old.path().to_str().unwrap(),
            repo.path().to_str().unwrap(),
        ],
    );
    let committed = faultline(repo.path(), &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(stdout(&out), stdout(&committed));
}

#[test]
fn textconv_makes_git_diff_readable() {
    let repo = repository();
    fs::write(
        repo.path().join(".gitattributes"),
        "registers/*.json diff=faultline\n",
    )
    .unwrap();
    let driver = format!("{} textconv", env!("CARGO_BIN_EXE_faultline"));
    let out = git(
        repo.path(),
        &[
            "-c",
            &format!("diff.faultline.textconv={driver}"),
            "diff",
            "HEAD~1",
            "HEAD",
            "--",
            "registers/payments-api.json",
        ],
    );
    assert!(
        out.contains(
            "-concurrency-limit.likelihood: medium (3)\n+concurrency-limit.likelihood: high (4)"
        ),
        "{out}"
    );
    assert!(
        out.contains("+webhook-replay.score: 20 (critical)"),
        "{out}"
    );
    // A broken file still diffs: raw, after a notice.
    let broken = repo.path().join("registers/broken.json");
    fs::write(&broken, "{ not json").unwrap();
    let shown = faultline(repo.path(), &["textconv", broken.to_str().unwrap()]);
    assert_eq!(shown.status.code(), Some(0));
    let text = stdout(&shown);
    assert!(
        text.starts_with("# faultline textconv: not a readable register ("),
        "{text}"
    );
    assert!(text.ends_with("{ not json"));
}

#[test]
fn check_as_github_annotations() {
    let out = faultline(
        &harness::repo().join("tests/fixtures/semantic"),
        &["check", "--format", "github"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=registers/api.json,line=5,col=5,title=faultline unknown-dependency::depends on `databse`, but no register file defines it; did you mean `database`?"
    );
    assert!(text.lines().any(|l| l.starts_with(
        "::warning file=registers/api.json,line=6,col=5,title=faultline self-dependency::"
    )));
    assert_eq!(text.lines().count(), 18);
}

#[test]
fn annotations_escape_what_github_would_read() {
    let finding = faultline::finding::Finding::error(
        "registers/a,b:c.json",
        faultline::finding::Pos { line: 1, column: 2 },
        "json-syntax",
        "100% broken\nsecond line".into(),
    );
    assert_eq!(
        faultline::commands::github_annotation(&finding),
        "::error file=registers/a%2Cb%3Ac.json,line=1,col=2,title=faultline json-syntax::100%25 broken%0Asecond line"
    );
}

/// A small validator for the subset of JSON Schema the register schema uses.
fn validate(
    schema: &serde_json::Value,
    root: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
    errors: &mut Vec<String>,
) {
    if let Some(reference) = schema.get("$ref").and_then(|r| r.as_str()) {
        let name = reference.trim_start_matches("#/$defs/");
        return validate(&root["$defs"][name], root, value, at, errors);
    }
    if let Some(options) = schema.get("enum").and_then(|e| e.as_array())
        && !options.contains(value)
    {
        errors.push(format!("{at}: {value} not in enum"));
    }
    match schema.get("type").and_then(|t| t.as_str()) {
        Some("object") => {
            let Some(object) = value.as_object() else {
                return errors.push(format!("{at}: not an object"));
            };
            let properties = schema["properties"].as_object().unwrap();
            for key in schema
                .get("required")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
            {
                if !object.contains_key(key.as_str().unwrap()) {
                    errors.push(format!("{at}: missing {key}"));
                }
            }
            for (key, v) in object {
                match properties.get(key) {
                    Some(s) => validate(s, root, v, &format!("{at}/{key}"), errors),
                    None => errors.push(format!("{at}: unknown property {key}")),
                }
            }
        }
        Some("array") => {
            for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                validate(&schema["items"], root, item, &format!("{at}/{i}"), errors);
            }
        }
        Some("string") if !value.is_string() => errors.push(format!("{at}: not a string")),
        Some("number") => {
            let Some(n) = value.as_f64() else {
                return errors.push(format!("{at}: not a number"));
            };
            if schema
                .get("minimum")
                .and_then(serde_json::Value::as_f64)
                .is_some_and(|m| n < m)
                || schema
                    .get("maximum")
                    .and_then(serde_json::Value::as_f64)
                    .is_some_and(|m| n > m)
                || schema
                    .get("exclusiveMinimum")
                    .and_then(serde_json::Value::as_f64)
                    .is_some_and(|m| n <= m)
            {
                errors.push(format!("{at}: {n} out of range"));
            }
        }
        _ => {}
    }
}

#[test]
fn the_example_workspace_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(faultline::commands::SCHEMA).unwrap();
    let printed = faultline(&harness::repo(), &["schema"]);
    assert_eq!(
        stdout(&printed),
        faultline::commands::SCHEMA,
        "`faultline schema` prints the embedded schema"
    );
    let mut checked = 0;
    for entry in fs::read_dir(harness::repo().join("registers")).unwrap() {
        let value: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        let mut errors = Vec::new();
        validate(&schema, &schema, &value, "", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        checked += 1;
    }
    assert_eq!(checked, 10);
    // And a typo is caught, as serde catches it.
    let mut errors = Vec::new();
    validate(
        &schema,
        &schema,
        &serde_json::json!({"component": "a", "title": "A", "risks": [{"id": "r", "title": "R", "likelyhood": "high", "impact": "low", "status": "open"}]}),
        "",
        &mut errors,
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("unknown property likelyhood")),
        "{errors:?}"
    );
}

#[test]
fn schema_enums_match_the_model() {
    let schema: serde_json::Value = serde_json::from_str(faultline::commands::SCHEMA).unwrap();
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    let levels: Vec<String> = faultline::model::Level::ALL
        .iter()
        .map(|l| l.name().to_owned())
        .collect();
    assert_eq!(names(&schema["$defs"]["level"]["enum"]), levels);
    let statuses: Vec<String> = faultline::model::Status::ALL
        .iter()
        .map(|s| s.name().to_owned())
        .collect();
    assert_eq!(
        names(&schema["$defs"]["risk"]["properties"]["status"]["enum"]),
        statuses
    );
    // Every field the model writes is a property of the schema, in the same order.
    let reg: faultline::model::Register = serde_json::from_str(
        &fs::read_to_string(harness::repo().join("registers/payments-api.json")).unwrap(),
    )
    .unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&faultline::model::to_canonical(&reg)).unwrap();
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    for key in keys(&written) {
        assert!(schema["properties"].get(&key).is_some(), "{key}");
    }
    for key in keys(&written["risks"][0]) {
        assert!(
            schema["$defs"]["risk"]["properties"].get(&key).is_some(),
            "{key}"
        );
    }
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = faultline(&harness::repo(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        assert!(
            text.contains("faultline") && text.contains("textconv"),
            "{shell}"
        );
    }
}

#[test]
fn the_ci_workflow_is_valid_yaml_and_runs_the_checks() {
    let text = fs::read_to_string(harness::repo().join("docs/faultline-workflow.yml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
    let workflow = &docs[0];
    let steps = workflow["jobs"]["register"]["steps"].as_vec().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.iter().any(|r| r.contains("faultline fmt --check")));
    assert!(
        runs.iter()
            .any(|r| r.contains("faultline check --format github"))
    );
    assert!(runs.iter().any(|r| r.contains("--format markdown")));
}

#[test]
fn reordering_risks_is_a_change() {
    let repo = committed_example();
    edit(repo.path(), "payments-api", |v| {
        v["risks"].as_array_mut().unwrap().reverse();
    });
    let out = faultline(repo.path(), &["diff", "--exit-code"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("1 component changed"), "{text}");
    assert!(
        text.contains("risk order changed: idempotency-key-collision 5 → 1"),
        "{text}"
    );
    let md = stdout(&faultline(repo.path(), &["diff", "--format", "markdown"]));
    assert!(md.contains("risk order changed"), "{md}");
    let json = stdout(&faultline(repo.path(), &["diff", "--format", "json"]));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let order = &value["components_changed"][0]["risk_order"];
    assert_eq!(order["after"][0], "idempotency-key-collision");
}

#[test]
fn long_text_changes_are_shown_whole_with_the_changed_words_marked() {
    let repo = committed_example();
    let old = "Key kept in Secrets Manager, rotated by hand every year after the audit; gitleaks pre-commit hook and a CI scan";
    let new = "Key kept in Secrets Manager, rotated by hand every year after the audit; gitleaks pre-commit hook, a CI scan and a weekly history scan";
    edit(repo.path(), "card-provider", |v| {
        risk(v, "api-key-leak")["mitigation"] = old.into();
    });
    git(repo.path(), &["commit", "-q", "-am", "mitigation"]);
    edit(repo.path(), "card-provider", |v| {
        risk(v, "api-key-leak")["mitigation"] = new.into();
    });
    let text = stdout(&faultline(repo.path(), &["diff"]));
    assert!(!text.contains('…'), "nothing cut off: {text}");
    assert!(
        text.contains("      mitigation:\n        − Key kept in Secrets Manager"),
        "{text}"
    );
    assert!(
        text.contains("hook and a [-CI-] scan"),
        "removed words marked: {text}"
    );
    assert!(
        text.contains("hook{+, a CI scan+} and a {+weekly history+} scan"),
        "added words marked as phrases: {text}"
    );
    for line in text.lines().filter(|l| l.starts_with("        ")) {
        assert!(line.chars().count() <= 100, "wrapped: {line}");
    }
    let md = stdout(&faultline(repo.path(), &["diff", "--format", "markdown"]));
    assert!(md.contains("a <del>CI</del> scan"), "{md}");
    assert!(
        md.contains("hook<ins>, a CI scan</ins> and a <ins>weekly history</ins> scan"),
        "{md}"
    );
    insta::assert_snapshot!("diff_word_level", text);
}

#[test]
fn coloured_text_never_carries_escape_sequences_from_the_register() {
    let file = |mitigation: &str| {
        let json = serde_json::json!({
            "component": "api", "title": "API", "risks": [{
                "id": "r", "title": "R", "likelihood": "low", "impact": "low",
                "mitigation": mitigation, "status": "open"
            }]
        });
        vec![(
            "registers/api.json".to_owned(),
            json.to_string().into_bytes(),
        )]
    };
    let old =
        faultline::diff::Snapshot::from_files(file("plain text that is long enough to be a block"));
    let new = faultline::diff::Snapshot::from_files(file(
        "plain text \u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7} that is long \u{E000}31\u{E001}enough",
    ));
    let d = faultline::diff::diff(&old, &new);
    let text = faultline::diff::format::text(&d, true);
    assert!(
        !text.contains("\u{1b}[2J") && !text.contains("\u{1b}]52"),
        "{text:?}"
    );
    assert!(text.contains("␛[2J"), "{text:?}");
    assert!(
        !text.contains("\u{1b}[31m"),
        "forged colour codes are not turned into escapes"
    );
}
