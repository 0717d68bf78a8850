//! The organisation over local git repositories the test builds: fetch (shallow, partial,
//! sparse; an unreachable repository reported while the rest go on), fetch again when nothing
//! changed and after a new commit, then check, list, blast, readiness and export across them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;
#[path = "support/org.rs"]
mod org;

use serde_json::Value;

fn run(fixture: &org::Fixture, args: &[&str]) -> (i32, String, String) {
    let args = fixture.args(args);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = harness::run_in(fixture.dir.path(), &args, &[]);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn fetch_brings_each_workspace_and_nothing_else_and_reports_the_unreachable_one() {
    let fixture = org::build();
    let (code, out, _) = run(&fixture, &["org", "fetch", "--jobs", "2"]);
    assert_eq!(code, 1, "{out}");
    for name in ["payments", "search", "broken"] {
        assert!(out.contains(&format!("cloned      {name} ")), "{out}");
    }
    let failed = out
        .lines()
        .find(|l| l.starts_with("FAILED      gone: "))
        .unwrap();
    assert!(
        failed.contains("does not appear to be a git repository"),
        "{failed}"
    );
    assert!(
        out.contains("4 repositories: 3 cloned, 0 updated, 0 up to date, 1 failed"),
        "{out}"
    );
    // A symbolic link in a repository is checked out as a file holding its text: nothing of
    // this machine is read through it.
    let linked = fixture.cache().join("repos/payments/registers/passwd.json");
    assert!(!linked.is_symlink());
    assert_eq!(std::fs::read_to_string(&linked).unwrap(), "/etc/passwd");
    // The sparse checkout holds the workspace, not the code beside it; the clone is shallow.
    let search = fixture.cache().join("repos/search");
    assert!(search.join("ops/registers/indexer.json").is_file());
    assert!(search.join("ops/runbooks/indexer.md").is_file());
    assert!(!search.join("src").exists());
    assert!(search.join(".git/shallow").is_file());
    assert_eq!(
        harness::git(&search, &["config", "remote.origin.promisor"]).trim(),
        "true"
    );

    // Nothing changed: every repository is up to date.
    let (_, out, _) = run(&fixture, &["org", "fetch"]);
    assert!(
        out.contains("0 cloned, 0 updated, 3 up to date, 1 failed"),
        "{out}"
    );

    // A new commit in one repository: only it is updated, and the new risk is read.
    let payments = fixture.repo("payments");
    std::fs::write(
        payments.join("registers/ledger.json"),
        org::register(
            "ledger",
            &[],
            &[
                (
                    "ledger-down",
                    "Ledger database down",
                    "runbooks/ledger.md#failover",
                ),
                ("ledger-full", "Ledger disk full", "runbooks/ledger.md"),
            ],
        ),
    )
    .unwrap();
    harness::commit_all(&payments, "a risk");
    let (_, out, _) = run(&fixture, &["org", "fetch"]);
    assert!(out.contains("updated     payments "), "{out}");
    assert!(
        out.contains("0 cloned, 1 updated, 2 up to date, 1 failed"),
        "{out}"
    );
    let (code, list, stderr) = run(&fixture, &["org", "list", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("repository `gone` has not been fetched"),
        "{stderr}"
    );
    let rows: Vec<Value> = serde_json::from_str(&list).unwrap();
    let full = rows
        .iter()
        .find(|r| r["reference"] == "payments:ledger/ledger-full")
        .expect("the new risk is listed");
    assert_eq!(full["repo"], "payments");
    assert_eq!(full["team"], "checkout");
    assert!(
        rows.iter()
            .any(|r| r["reference"] == "search:indexer/stale-index" && r["team"] == "discovery")
    );
}

#[test]
fn check_resolves_references_across_repositories_and_places_the_missing_one() {
    let fixture = org::build();
    run(&fixture, &["org", "fetch"]);
    let (code, out, _) = run(&fixture, &["org", "check", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let of_rule =
        |rule: &str| -> Vec<&Value> { findings.iter().filter(|f| f["rule"] == rule).collect() };
    let missing = of_rule("unknown-reference");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0]["path"], "search/ops/registers/indexer.json");
    assert_eq!(missing[0]["line"], 7);
    assert!(
        missing[0]["message"]
            .as_str()
            .unwrap()
            .contains("repository `payments` has no component `ledger-archive`"),
        "{missing:?}"
    );
    let broken: Vec<&str> = of_rule("json-syntax")
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // The symbolic link's text is what is read, not the file it named.
    assert_eq!(
        broken,
        [
            "broken/registers/cache.json",
            "payments/registers/passwd.json"
        ]
    );
    let gone = of_rule("repo-not-fetched");
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0]["line"], 18, "the `[[repo]]` of gone: {gone:?}");
    assert!(of_rule("unknown-dependency").is_empty(), "{findings:?}");

    // Each repository's own `check` leaves the references to `org check`, and says when one
    // is malformed.
    let search = fixture.cache().join("repos/search/ops");
    let (code, out) = {
        let out = harness::run_in(&search, &["check", "--format", "json"], &[]);
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    assert!(
        !out.contains("unknown-dependency") && !out.contains("malformed-reference"),
        "{out}"
    );
    assert_eq!(code, 0, "{out}");
    let register = search.join("registers/indexer.json");
    let text = std::fs::read_to_string(&register).unwrap();
    std::fs::write(
        &register,
        text.replace("payments:ledger-archive", "Payments:Ledger Archive"),
    )
    .unwrap();
    let out = harness::run_in(&search, &["check"], &[]);
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.contains("registers/indexer.json:7:5: warning: depends on `Payments:Ledger Archive`"),
        "{out}"
    );
}

#[test]
fn blast_readiness_and_exports_span_the_organisation() {
    let fixture = org::build();
    run(&fixture, &["org", "fetch"]);
    // A failure of the ledger reaches the other repository's indexer, by `repo:component` and
    // by a Backstage ref to the payments API.
    let (code, out, _) = run(&fixture, &["org", "blast", "ledger", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let blast: Value = serde_json::from_str(&out).unwrap();
    let reached: Vec<&str> = blast["reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["component"].as_str().unwrap())
        .collect();
    assert_eq!(reached, ["payments:payments-api", "search:indexer"]);

    let (_, out, _) = run(&fixture, &["org", "readiness", "--format", "json"]);
    let ready: Value = serde_json::from_str(&out).unwrap();
    let teams: Vec<&str> = ready["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        teams.contains(&"checkout") && teams.contains(&"discovery"),
        "{teams:?}"
    );

    let (_, csv, _) = run(&fixture, &["org", "export", "--format", "csv"]);
    assert!(csv.starts_with("repo,team,component,"), "{csv}");
    assert!(csv.contains("\nsearch,discovery,search:indexer,"), "{csv}");

    let site = fixture.dir.path().join("site");
    let (code, out, _) = run(
        &fixture,
        &[
            "org",
            "export",
            "--format",
            "html",
            "-o",
            site.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("wrote index.html and 2 team pages"), "{out}");
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("<h2>Heat map</h2>"), "{index}");
    assert!(
        index.contains(">checkout</a>") && index.contains(">discovery</a>"),
        "{index}"
    );
    assert!(index.contains("never fetched"), "{index}");
    let pages: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("team-checkout"))
        .collect();
    let checkout = std::fs::read_to_string(site.join(&pages[0])).unwrap();
    assert!(checkout.contains("payments:ledger") && !checkout.contains("search:indexer"));

    let (_, md, _) = run(&fixture, &["org", "export", "--format", "markdown"]);
    assert!(md.contains("| `search` | discovery |"), "{md}");
    // Written to a file as the single-repository export writes it, and said so.
    let file = fixture.dir.path().join("org.md");
    let (code, out, _) = run(
        &fixture,
        &[
            "org",
            "export",
            "--format",
            "markdown",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("wrote "), "{out}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), md);
}

#[test]
fn without_an_organisation_file_the_commands_say_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = harness::run_in(dir.path(), &["org", "list"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no organisation file") && stderr.contains("org.toml"),
        "{stderr}"
    );
}

#[test]
fn a_generated_organisation_fetches_and_checks_with_its_references_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let per_repo = faultline::workspace_gen::GenOptions {
        components: 4,
        risks: 12,
        runbooks: 4,
        alerts: 4,
        alert_files: 1,
        timelines: 2,
        seed: 7,
    };
    faultline::workspace_gen::generate_org(dir.path(), 3, per_repo).unwrap();
    let cache = dir.path().join("cache");
    let run = |args: &[&str]| {
        let mut all = vec!["--cache", cache.to_str().unwrap()];
        all.extend(args);
        harness::run_in(dir.path(), &all, &[])
    };
    let fetch = run(&["org", "fetch"]);
    assert_eq!(fetch.status.code(), Some(0), "{fetch:?}");
    let check = run(&["org", "check", "--format", "json"]);
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "unknown-reference"),
        "{report}"
    );
    assert_eq!(report["registers"], 12);
    let blast = run(&["org", "blast", "r0001:", "--format", "json"]);
    assert_ne!(
        blast.status.code(),
        Some(0),
        "an empty component id is no component"
    );
    let list = run(&["org", "list", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows.len(), 36);
    let stats = run(&["org", "stats", "--format", "json"]);
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    let measured: u64 = stats["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["all"]["timelines"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(measured, 6, "{stats}");
    // Risk references carry their repository.
    assert!(stats.to_string().contains("\"name\":\"r0002:"), "{stats}");
}

#[test]
fn the_tui_shows_each_repository_above_its_components_and_clicks_land_on_them() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let click = |app: &mut faultline::app::App, row: u16| {
        faultline::mouse::handle(
            app,
            MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: 5,
                row,
                modifiers: KeyModifiers::NONE,
            },
        );
        app.run_effects();
    };
    let fixture = org::build();
    run(&fixture, &["org", "fetch"]);
    let mut app = faultline::tui::org::app(&fixture.org_file(), Some(&fixture.cache())).unwrap();
    app.today = harness::today();
    // The first frame holds the first repository alone; the rest is read in the background.
    let first = harness::screen(&app);
    assert!(first.contains("▾ broken"), "{first}");
    assert!(!first.contains("payments"), "{first}");
    assert!(first.contains("reading 4 repositories…"), "{first}");
    let loading = faultline::tui::check_in_background(&mut app);
    let registers = loading.recv().unwrap();
    assert!(matches!(
        registers,
        faultline::app::Loading::Registers { .. }
    ));
    app.attach(registers);
    let read = harness::screen(&app);
    assert!(read.contains("▾ payments"), "{read}");
    assert!(read.contains("3 of 4 repositories fetched"), "{read}");
    assert!(app.checking, "runbooks and findings are still to come");
    // The finder already finds the components and risks of every repository.
    assert!(app.search.texts().any(|t| t.starts_with("search:indexer")));
    app.attach(loading.recv().unwrap());
    assert!(!app.checking);
    assert!(
        app.search
            .texts()
            .any(|t| t.starts_with("search/ops/runbooks/"))
    );
    assert!(app.read_only);
    insta::assert_snapshot!("org_register_80x24", harness::screen(&app));
    // Down from the broken file: the selection moves over components, not headings.
    harness::press(&mut app, "j");
    assert_eq!(app.selected_file().unwrap().stem, "payments:ledger");
    harness::press(&mut app, "j j j");
    assert_eq!(app.selected_file().unwrap().stem, "search:indexer");
    // Rows: 1 `▾ broken`, 2 cache, 3 `▾ payments`, 4 ledger, 5 passwd, 6 payments-api.
    click(&mut app, 6);
    assert_eq!(app.selected_file().unwrap().stem, "payments:payments-api");
    // A click on a repository's heading selects its first component.
    click(&mut app, 3);
    assert_eq!(app.selected_file().unwrap().stem, "payments:ledger");
    // `e` changes nothing: the organisation is read-only.
    harness::press(&mut app, "e");
    assert!(app.editing.is_none());
    // The finder lands on a risk and a component of another repository.
    harness::press(&mut app, "ctrl-p");
    harness::type_text(&mut app, "search index is stale");
    harness::press(&mut app, "enter");
    assert_eq!(app.selected_file().unwrap().stem, "search:indexer");
    assert_eq!(app.selected_risk_id().as_deref(), Some("stale-index"));
    harness::press(&mut app, "ctrl-p");
    harness::type_text(&mut app, "payments:ledger  The");
    harness::press(&mut app, "enter");
    assert_eq!(app.selected_file().unwrap().stem, "payments:ledger");
}

#[test]
fn a_repository_without_a_workspace_at_its_path_is_said_so_and_the_rest_is_read() {
    let fixture = org::build();
    let mut toml = std::fs::read_to_string(fixture.org_file()).unwrap();
    toml.push_str(
        "\n[[repo]]\nname = \"misplaced\"\nurl = \"repos/payments\"\npath = \"ops/none\"\n",
    );
    std::fs::write(fixture.org_file(), toml).unwrap();
    run(&fixture, &["org", "fetch"]);
    let (code, out, _) = run(&fixture, &["org", "check"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("misplaced/ops/none:1:1: error: repository `misplaced` has no `ops/none/registers/` directory at its fetched commit: is its `path` in the organisation file right? [read-error]"),
        "{out}"
    );
    let (code, list, stderr) = run(&fixture, &["org", "list", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("repository `misplaced` has no `ops/none/registers/`"),
        "{stderr}"
    );
    assert!(list.contains("payments:ledger/ledger-down"), "{list}");
}
