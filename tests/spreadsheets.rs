//! Moving in from spreadsheets and reporting out: CSV round trip, a messy sheet, formula
//! injection, the HTML report's escaping, and the error-budget maths.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use std::path::Path;
use std::process::Output;

fn faultline(dir: &Path, args: &[&str]) -> Output {
    harness::run_in(dir, args, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn empty_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    dir
}

#[test]
fn export_csv_then_import_gives_identical_register_files() {
    let csv = stdout(&faultline(&harness::repo(), &["export", "--format", "csv"]));
    let dir = empty_workspace();
    std::fs::write(dir.path().join("register.csv"), &csv).unwrap();
    let out = faultline(dir.path(), &["import", "register.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for entry in std::fs::read_dir(harness::repo().join("registers")).unwrap() {
        let entry = entry.unwrap();
        let theirs = std::fs::read_to_string(entry.path()).unwrap();
        let ours =
            std::fs::read_to_string(dir.path().join("registers").join(entry.file_name())).unwrap();
        assert_eq!(ours, theirs, "{:?}", entry.file_name());
    }
}

const MESSY: &str = "\u{feff}Service;Failure mode;Probability;Severity;Monitoring;Controls;Playbook;Owner;Colour\r\n\
Search;Index corrupted by a bad reindex;M;H;Write latency p99 > 2 s;\"Nightly snapshot;\r\nreindex into a new alias\";;team-discovery;blue\r\n\
;Replica lags behind the primary;high;very high;Replication lag alarm;Read from primary;;;\r\n\
;;;;;;;;\r\n\
Billing;Card provider times out;3;5;p99 above 5 s;Timeout 8 s;runbooks/payments.md;team-payments;\r\n\
;Invoices sent twice;hihg;2;Support tickets;Idempotency keys;;;\r\n";

#[test]
fn a_messy_sheet_imports_with_exactly_the_expected_row_errors() {
    let dir = empty_workspace();
    std::fs::write(dir.path().join("risks.csv"), MESSY).unwrap();
    let out = faultline(dir.path(), &["import", "risks.csv"]);
    assert_eq!(out.status.code(), Some(1), "a bad row: {}", stdout(&out));
    let errors = stderr(&out);
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(
        lines,
        [
            "risks.csv:1:9: warning: column `Colour` is not a register field: ignored [import-column]",
            "risks.csv:6:3: error: `hihg` is not a level (very-low, low, medium, high, very-high, or 1–5); did you mean high?: row skipped [import-row]",
        ],
        "{errors}"
    );
    let search: faultline::model::Register = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("registers/search.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(search.title, "Search");
    assert_eq!(search.owner, "team-discovery");
    assert_eq!(
        search.risks.len(),
        2,
        "the blank component cell inherits Search"
    );
    assert_eq!(search.risks[0].id, "index-corrupted-bad-reindex");
    assert_eq!(
        search.risks[0].mitigation,
        "Nightly snapshot;\nreindex into a new alias"
    );
    assert_eq!(search.risks[1].impact, faultline::model::Level::VeryHigh);
    let billing: faultline::model::Register = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("registers/billing.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(billing.risks.len(), 1);
    assert_eq!(
        billing.risks[0].likelihood,
        faultline::model::Level::Medium,
        "3 of 5"
    );
    assert_eq!(billing.risks[0].runbook, "runbooks/payments.md");
    // Imported files are canonical.
    let fmt = faultline(dir.path(), &["fmt", "--check"]);
    assert_eq!(fmt.status.code(), Some(0), "{}", stdout(&fmt));
}

#[test]
fn dry_run_update_and_force() {
    let dir = empty_workspace();
    std::fs::write(dir.path().join("risks.csv"), MESSY).unwrap();
    let dry = faultline(dir.path(), &["import", "risks.csv", "--dry-run"]);
    assert!(
        stdout(&dry).contains("+ component search (Search), 2 risks"),
        "{}",
        stdout(&dry)
    );
    assert!(stdout(&dry).contains("dry run: nothing written"));
    assert!(!dir.path().join("registers/search.json").exists());
    faultline(dir.path(), &["import", "risks.csv"]);
    // An edited title in the sheet does not overwrite the register without --update.
    let edited = MESSY.replace("Write latency p99 > 2 s", "Write latency p99 > 3 s");
    std::fs::write(dir.path().join("risks.csv"), &edited).unwrap();
    let again = faultline(dir.path(), &["import", "risks.csv"]);
    assert!(
        stdout(&again).contains("already in the register kept"),
        "{}",
        stdout(&again)
    );
    let text = std::fs::read_to_string(dir.path().join("registers/search.json")).unwrap();
    assert!(text.contains("> 2 s"));
    faultline(dir.path(), &["import", "risks.csv", "--update"]);
    let text = std::fs::read_to_string(dir.path().join("registers/search.json")).unwrap();
    assert!(text.contains("> 3 s"));
    // More bad rows than good: nothing written unless --force.
    let other = empty_workspace();
    std::fs::write(
        other.path().join("bad.csv"),
        "Component,Risk,Likelihood,Impact\napi,A,nope,low\napi,B,nope,low\napi,C,high,low\n",
    )
    .unwrap();
    let refused = faultline(other.path(), &["import", "bad.csv"]);
    assert!(
        stdout(&refused).contains("nothing written"),
        "{}",
        stdout(&refused)
    );
    assert!(!other.path().join("registers/api.json").exists());
    faultline(other.path(), &["import", "bad.csv", "--force"]);
    assert!(other.path().join("registers/api.json").exists());
}

#[test]
fn formula_cells_survive_the_round_trip_and_are_not_formulas() {
    let dir = empty_workspace();
    std::fs::write(
        dir.path().join("registers/web.json"),
        faultline::model::to_canonical(&{
            let mut reg = faultline::model::Register::new("web");
            let mut risk = faultline::model::Risk::new("link", "=HYPERLINK(\"http://x\")");
            risk.mitigation = "@SUM(A1:A9)".into();
            reg.risks.push(risk);
            reg
        }),
    )
    .unwrap();
    let csv = stdout(&faultline(dir.path(), &["export", "--format", "csv"]));
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    assert!(csv.contains(",'@SUM(A1:A9),"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(',') {
            assert!(
                !cell.trim_start_matches('"').starts_with(['=', '+', '@']),
                "{cell}"
            );
        }
    }
    let other = empty_workspace();
    std::fs::write(other.path().join("web.csv"), &csv).unwrap();
    faultline(other.path(), &["import", "web.csv"]);
    assert_eq!(
        std::fs::read_to_string(other.path().join("registers/web.json")).unwrap(),
        std::fs::read_to_string(dir.path().join("registers/web.json")).unwrap()
    );
}

#[test]
fn the_html_report_is_self_contained_and_escapes_every_string() {
    let dir = harness::example_copy();
    let path = dir.path().join("registers/api-gateway.json");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "WAF rule blocks legitimate traffic",
        "<script>alert(1)</script> & \\\"quotes\\\"",
    );
    std::fs::write(&path, text).unwrap();
    let html = stdout(&faultline(dir.path(), &["export", "--format", "html"]));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.to_lowercase().contains("<script"),
        "no script element"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing from the network"
    );
    assert!(html.contains("@media print"));
    // Every risk is in it, and the heat map reads without colour.
    let ws = faultline::store::Workspace::load(dir.path()).unwrap();
    for reg in ws.components.iter().filter_map(|c| c.register()) {
        for risk in &reg.risks {
            assert!(
                html.contains(&format!("<code>{}</code>", risk.id)),
                "{}",
                risk.id
            );
        }
    }
    assert!(html.contains("2 CRIT"), "the band's word beside the count");
    // The budget bar, over 100 % in red.
    assert!(html.contains("class=\"bar"), "budget bars");
    // Layout: words never break mid-letter (the trial read "miti/gati/ng" and "20 / CRI / T"):
    // prose wraps between words, the score and status cells keep their width, and on a phone
    // each table scrolls sideways in its own box.
    assert!(
        !html.contains("overflow-wrap:anywhere"),
        "no mid-word breaks"
    );
    assert!(html.contains("overflow-wrap:break-word"));
    assert!(html.contains("td.n{white-space:nowrap}"));
    assert!(
        html.contains("<td class=\"n critical\">20 CRIT</td><td class=\"n\">mitigating</td>"),
        "{html}"
    );
    assert_eq!(
        html.matches("<div class=\"scroll\"><table").count(),
        html.matches("<table").count(),
        "every table in a sideways-scrolling box"
    );
    assert!(html.contains("@media (max-width:40rem)"));
    let md = stdout(&faultline(dir.path(), &["export", "--format", "markdown"]));
    assert!(
        md.contains("| **high** | · | · | 1 HIGH | · | 2 CRIT |"),
        "{md}"
    );
}

/// The messy sheet's rows as cells (the CSV parsed), for writing a workbook.
fn messy_cells() -> Vec<Vec<String>> {
    faultline::import::csv_rows(MESSY)
        .unwrap()
        .into_iter()
        .map(|(_, cells)| cells)
        .collect()
}

#[test]
fn the_same_sheet_as_xlsx_gives_the_same_registers() {
    let csv_dir = empty_workspace();
    std::fs::write(csv_dir.path().join("risks.csv"), MESSY).unwrap();
    faultline(csv_dir.path(), &["import", "risks.csv"]);

    let dir = empty_workspace();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "Not the risks").unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Risks").unwrap();
    for (r, row) in messy_cells().iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            // Numbers as numbers, as a spreadsheet holds them.
            match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(r, c, n).unwrap(),
                Err(_) if cell.is_empty() => sheet,
                Err(_) => sheet
                    .write_string(r, c, cell.trim_start_matches('\u{feff}'))
                    .unwrap(),
            };
        }
    }
    workbook.save(dir.path().join("risks.xlsx")).unwrap();
    let out = faultline(dir.path(), &["import", "risks.xlsx", "--sheet", "risks"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("risks.xlsx[Risks]:6:3: error: `hihg` is not a level"),
        "{}",
        stderr(&out)
    );
    for name in ["search.json", "billing.json"] {
        assert_eq!(
            std::fs::read_to_string(dir.path().join("registers").join(name)).unwrap(),
            std::fs::read_to_string(csv_dir.path().join("registers").join(name)).unwrap(),
            "{name}"
        );
    }
    let missing = faultline(dir.path(), &["import", "risks.xlsx", "--sheet", "Nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no sheet `Nope` (it has: Notes, Risks)"));
}

/// Imports `csv` into a fresh workspace with `args`: (exit code, stdout, stderr).
fn import_csv(csv: &str, args: &[&str]) -> (tempfile::TempDir, Option<i32>, String, String) {
    let dir = empty_workspace();
    std::fs::write(dir.path().join("sheet.csv"), csv).unwrap();
    let mut all = vec!["import", "sheet.csv"];
    all.extend_from_slice(args);
    let out = faultline(dir.path(), &all);
    let (code, so, se) = (out.status.code(), stdout(&out), stderr(&out));
    (dir, code, so, se)
}

#[test]
fn headers_with_a_scale_in_brackets_are_read_and_levels_are_never_invented() {
    // `Impact (1-5)` and `Likelihood [1–5]` are the level columns: 5 × 5 is critical.
    let (dir, code, _, err) = import_csv(
        "Component,Risk,Likelihood [1–5],Impact (1-5),How would we notice?\nkafka,Consumer lag,5,5,Lag alert\n",
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(dir.path().join("registers/kafka.json")).unwrap();
    assert!(text.contains("\"likelihood\": \"very-high\""), "{text}");
    assert!(text.contains("\"impact\": \"very-high\""), "{text}");
    assert!(text.contains("\"detection\": \"Lag alert\""), "{text}");
    // No impact column: refused, naming what was read and what was tried.
    let (dir, code, _, err) = import_csv("Component,Risk,Likelihood\nkafka,Consumer lag,5\n", &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("no impact column: read `Component`, `Risk`, `Likelihood`; tried impact, severity, consequence"),
        "{err}"
    );
    assert!(err.contains("--default-impact LEVEL"), "{err}");
    assert!(!dir.path().join("registers/kafka.json").exists());
    // Unless a default says what it is.
    let (dir, code, _, err) = import_csv(
        "Component,Risk,Likelihood\nkafka,Consumer lag,5\n",
        &["--default-impact", "high"],
    );
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(dir.path().join("registers/kafka.json")).unwrap();
    assert!(text.contains("\"impact\": \"high\""), "{text}");
    // An empty level cell is not a medium either.
    let (_, code, _, err) = import_csv(
        "Component,Risk,Likelihood,Impact\nkafka,Consumer lag,5,\nkafka,Rebalance storm,4,4\n",
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("sheet.csv:2:4: error: no impact given: row skipped"),
        "{err}"
    );
}

#[test]
fn a_title_row_above_the_header_is_skipped_and_said() {
    let csv = "Ride-hailing workshop,,,\nDecember,,,\nService,Failure mode,Probability,Severity\ndispatch,Matching stalls,H,Hgih\npricing,Surge stuck,M,H\n";
    let (dir, code, _, err) = import_csv(csv, &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("sheet.csv:3:1: warning: header read from row 3"),
        "{err}"
    );
    assert!(
        err.contains("sheet.csv:4:4: error: `Hgih` is not a level (very-low, low, medium, high, very-high, or 1–5); did you mean high?"),
        "{err}"
    );
    assert!(dir.path().join("registers/pricing.json").exists());
    // --header-row names it.
    let (_, _, _, err) = import_csv(csv, &["--header-row", "1"]);
    assert!(err.contains("no component column"), "{err}");
}

#[test]
fn an_xlsx_with_a_title_row_and_bracketed_headers_imports_the_same() {
    let dir = empty_workspace();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Risk workshop").unwrap();
    for (c, h) in ["Component", "Risk", "Likelihood (1-5)", "Impact (1-5)"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string(2, u16::try_from(c).unwrap(), *h)
            .unwrap();
    }
    sheet.write_string(3, 0, "kafka").unwrap();
    sheet.write_string(3, 1, "Consumer lag").unwrap();
    sheet.write_number(3, 2, 5).unwrap();
    sheet.write_number(3, 3, 4).unwrap();
    workbook.save(dir.path().join("w.xlsx")).unwrap();
    let out = faultline(dir.path(), &["import", "w.xlsx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("w.xlsx[Sheet1]:3:1: warning: header read from row 3"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(dir.path().join("registers/kafka.json")).unwrap();
    assert!(text.contains("\"likelihood\": \"very-high\""), "{text}");
    assert!(text.contains("\"impact\": \"high\""), "{text}");
}

#[test]
fn notes_are_kept_and_ids_keep_five_significant_words() {
    let (dir, code, _, err) = import_csv(
        "Service,Failure mode,Likelihood,Impact,How would we notice?,Notes\n\
         payments,Payment service provider outage,4,5,Provider error rate alarm,Second provider under review\n\
         payments,Eviction drops the drivers GEO set,3,4,Geo lookups empty,\n",
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    let reg: faultline::model::Register = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("registers/payments.json")).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = reg.risks.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "payment-service-provider-outage",
            "eviction-drops-drivers-geo-set"
        ]
    );
    assert_eq!(reg.risks[0].detection, "Provider error rate alarm");
    assert_eq!(reg.risks[0].description, "Second provider under review");
    assert!(!err.contains("not a register field"), "{err}");
}
