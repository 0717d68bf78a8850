//! Detection as code: the inventory read from each monitoring format (exact names and
//! `path:line`), the findings `check` makes of it, `faultline alerts`, and scanners that never
//! panic on random bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use faultline::monitoring::{Inventory, scan_text};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

#[path = "support/harness.rs"]
mod harness;

fn fixture() -> PathBuf {
    harness::repo().join("tests/fixtures/monitoring")
}

/// One line per alert: source, name (`~` for a pattern), `path:line:column`, runbook URL.
fn listing(inventory: &Inventory) -> Vec<String> {
    inventory
        .alerts
        .iter()
        .map(|a| {
            let mut line = format!(
                "{} {}{} {}:{}:{}",
                a.source.name(),
                if a.pattern { "~" } else { "" },
                a.name,
                a.path,
                a.line,
                a.column
            );
            if let Some(uid) = &a.uid {
                line.push_str(&format!(" uid={uid}"));
            }
            if let Some(url) = &a.runbook_url {
                line.push_str(&format!(" runbook={url}"));
            }
            line
        })
        .collect()
}

#[test]
fn every_format_gives_its_exact_inventory() {
    let inventory = Inventory::scan(&fixture());
    assert_eq!(
        listing(&inventory),
        [
            "cloudwatch certificate-expires-soon cdk.out/Shop.template.json:6:22",
            "cloudwatch ~${AWS::StackName}-lambda-concurrency cloudformation/template.yaml:7:18",
            "cloudwatch ~payments-errors-${Stage} cloudformation/template.yaml:13:9",
            "cloudwatch UnnamedAlarm cloudformation/template.yaml:14:3",
            "cloudwatch ~${Ref AlarmNameParam} cloudformation/template.yaml:21:18",
            "grafana CDN 5xx rate high grafana/provisioning/alerting/rules.yml:9:16 uid=cdn-5xx-rate runbook=runbooks/payments.md",
            "cloudwatch orders-dlq-not-empty infra/alarms.tf:6:25 runbook=runbooks/payments.md#high-error-rate",
            "cloudwatch ~${var.env}-payments-throttles infra/alarms.tf:15:16",
            "datadog ~${…} checkout latency infra/alarms.tf:19:13",
            "cloudwatch ~${local.alarm_name} infra/alarms.tf:25:16",
            "prometheus AuroraReplicaLag k8s/rules/prometheusrule.yaml:9:18 runbook=../../runbooks/payments.md#no-such-anchor",
            "prometheus certificate-expires-soon k8s/rules/prometheusrule.yaml:13:18",
            "prometheus PaymentsApiHighErrorRate monitoring/prometheus/api.rules.yml:7:16 runbook=runbooks/payments.md#high-error-rate",
            "prometheus OrdersQueueBacklog monitoring/prometheus/api.rules.yml:19:16 runbook=https://wiki.example.com/orders",
            "sloth PaymentsAvailabilityBurn slos/payments.yml:7:13 runbook=runbooks/payments.md#high-error-rate",
        ]
    );
    // The vendored copy under node_modules is never read; the three broken files are findings.
    let problems: Vec<String> = inventory
        .problems
        .iter()
        .map(|f| format!("{}:{} {}", f.path.display(), f.line, f.rule))
        .collect();
    assert_eq!(
        problems,
        [
            "chart/prometheus.rules.yml:2 monitoring-unparseable",
            "infra/broken.tf:4 monitoring-unparseable",
            "monitoring/prometheus/broken.rules.yml:7 monitoring-unparseable",
        ]
    );
    assert!(inventory.problems[0].message.contains("Helm template"));
    assert_eq!(inventory.files_scanned, 10);
}

fn check_lines(root: &Path) -> Vec<String> {
    let ws = faultline::store::Workspace::load(root).unwrap();
    faultline::check::check(&ws, harness::today())
        .iter()
        .filter(|f| f.rule.starts_with("alert") || f.path.starts_with("k8s"))
        .map(|f| {
            format!(
                "{}:{}:{} {} {}",
                f.path.display(),
                f.line,
                f.column,
                f.rule,
                f.message
            )
        })
        .collect()
}

#[test]
fn check_reports_each_alert_finding_at_its_position() {
    let lines = check_lines(&fixture());
    let expected_start = [
        "cloudformation/template.yaml:7:18 alert-uncovered 4 alerts no risk names: `${AWS::StackName}-lambda-concurrency` (line 7), `payments-errors-${Stage}` (line 13), `UnnamedAlarm` (line 14), `${Ref AlarmNameParam}` (line 21)",
        "grafana/provisioning/alerting/rules.yml:9:16 alert-uncovered 1 alert no risk names: `CDN 5xx rate high` (line 9)",
        "infra/alarms.tf:19:13 alert-uncovered 2 alerts no risk names: `${…} checkout latency` (line 19), `${local.alarm_name}` (line 25)",
        // OrdersQueueBacklog is uncovered too, but faultline.toml's `ignore` excuses it.
        "k8s/rules/prometheusrule.yaml:9:18 alert-uncovered 1 alert no risk names: `AuroraReplicaLag` (line 9)",
        "k8s/rules/prometheusrule.yaml:12:26 anchor-missing alert `AuroraReplicaLag`'s runbook_url: `runbooks/payments.md` has no heading with anchor `#no-such-anchor`",
        "registers/payments.json:23:9 alert-missing risk `payments/renamed` names alert `PaymentsApiHighErrorRates`, but it is not defined in the monitoring config (15 alerts in 10 files read); did you mean `PaymentsApiHighErrorRate` (prometheus, monitoring/prometheus/api.rules.yml:7)?",
        "registers/payments.json:33:9 alert-pattern alert `prod-payments-throttles` matches only the pattern `${var.env}-payments-throttles` (infra/alarms.tf:15)",
        "registers/payments.json:44:9 alert-runbook-mismatch risk `payments/dlq` links `runbooks/other.md` but its alert `orders-dlq-not-empty` (infra/alarms.tf:6) links `runbooks/payments.md#high-error-rate`",
        "registers/payments.json:45:9 alert-ambiguous alert `certificate-expires-soon` is defined by cloudwatch (cdk.out/Shop.template.json:6) and prometheus (k8s/rules/prometheusrule.yaml:13)",
    ];
    assert_eq!(lines.len(), expected_start.len(), "{lines:#?}");
    for (line, start) in lines.iter().zip(expected_start) {
        assert!(
            line.starts_with(start),
            "{line}\n  expected to start with\n{start}"
        );
    }
    // The prefixed name (`cloudwatch:`) settles the ambiguity; the sloth alert and the exact
    // names are found and say nothing.
    assert!(!lines.iter().any(|l| l.contains("payments.json:34:")));
}

#[test]
fn a_typo_in_faultline_toml_is_an_error_and_the_defaults_still_apply() {
    let dir = tempfile::tempdir().unwrap();
    harness::copy_tree(&fixture(), dir.path());
    std::fs::write(
        dir.path().join("faultline.toml"),
        "[monitoring]\nignored = [\"x\"]\n",
    )
    .unwrap();
    let inventory = Inventory::scan(dir.path());
    assert_eq!(inventory.problems[0].rule, "config-invalid");
    assert_eq!(inventory.problems[0].line, 2);
    assert!(inventory.problems[0].is_error());
    assert_eq!(inventory.alerts.len(), 15);
}

#[test]
fn files_git_ignores_are_not_monitoring_config() {
    let dir = tempfile::tempdir().unwrap();
    harness::copy_tree(&fixture(), dir.path());
    let before = Inventory::scan(dir.path());
    // A generated copy of the rules, ignored by the repository as build output is.
    let generated = dir.path().join("generated/prometheus");
    std::fs::create_dir_all(&generated).unwrap();
    std::fs::write(
        generated.join("copy.rules.yml"),
        "groups:\n- name: g\n  rules:\n  - alert: OnlyInTheGeneratedCopy\n    expr: up == 0\n",
    )
    .unwrap();
    let names = |inventory: &Inventory| -> Vec<String> {
        inventory.alerts.iter().map(|a| a.name.clone()).collect()
    };
    assert!(names(&Inventory::scan(dir.path())).contains(&"OnlyInTheGeneratedCopy".to_owned()));
    std::fs::write(dir.path().join(".gitignore"), "/generated/\n").unwrap();
    let after = Inventory::scan(dir.path());
    assert!(!names(&after).contains(&"OnlyInTheGeneratedCopy".to_owned()));
    assert_eq!(
        names(&after),
        names(&before),
        "everything else is read as before"
    );
}

fn faultline(root: &Path, args: &[&str]) -> (i32, String) {
    let out = run(root, args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// The binary on the workspace at `root` (the harness's way to run it).
fn run(root: &Path, args: &[&str]) -> std::process::Output {
    let mut args = args.to_vec();
    args.extend(["--workspace", root.to_str().unwrap()]);
    harness::run_in(root, &args, &[])
}

#[test]
fn alerts_lists_the_inventory_with_its_risks_and_coverage() {
    let (code, text) = faultline(&harness::repo(), &["alerts"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("prometheus  PaymentsApiLambdaThrottles")
                && l.contains("monitoring/prometheus/payments-api.rules.yml:5")
                && l.ends_with("payments-api/concurrency-limit")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("~${var.env}-orders-queue-backlog")
                && l.ends_with("order-queue/backlog")),
        "{text}"
    );
    assert!(
        text.ends_with("13 alerts in 2 files read; 12 of 13 named by a risk (92.3%); ~ marks 1 name built from variables (patterns)\n"),
        "{text}"
    );
    let (_, uncovered) = faultline(&harness::repo(), &["alerts", "--uncovered"]);
    let names: Vec<&str> = uncovered
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1))
        .take(1)
        .collect();
    assert_eq!(names, ["PaymentsApiHighMemory"], "{uncovered}");
    let (_, json) = faultline(&fixture(), &["alerts", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["files_scanned"], 10);
    assert_eq!(json["counted"], 14);
    assert_eq!(json["covered"], 6);
    let first = &json["alerts"][0];
    assert_eq!(first["source"], "cloudwatch");
    assert_eq!(first["name"], "certificate-expires-soon");
    assert_eq!(first["path"], "cdk.out/Shop.template.json");
    assert_eq!(first["line"], 6);
    assert_eq!(
        first["risks"],
        serde_json::json!(["payments/throttles", "payments/dlq"])
    );
    assert_eq!(json["problems"].as_array().unwrap().len(), 3);
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep_yaml = format!("groups:\n{}x\n", "- ".repeat(50_000));
    let (alerts, problem) = scan_text("deep.rules.yml", &deep_yaml);
    assert!(alerts.is_empty());
    assert!(problem.unwrap().message.contains("nested"));
    let deep_flow = format!("a: {}", "[".repeat(100_000));
    assert!(scan_text("deep.rules.yml", &deep_flow).1.is_some());
    let deep_hcl = format!("x = {}", "(".repeat(100_000));
    assert!(scan_text("deep.tf", &deep_hcl).1.is_some());
}

proptest! {
    #[test]
    fn random_bytes_never_panic_the_scanners(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = scan_text("x.rules.yml", &text);
        let _ = scan_text("x.template.json", &text);
        let _ = scan_text("x.tf", &text);
    }

    #[test]
    fn mangled_monitoring_files_never_panic(
        cut in 0usize..2000,
        insert in proptest::collection::vec(prop::sample::select(vec![
            "{", "}", "[", "]", "\"", "'", ":", "- ", "\n", "  ", "${", "!Sub ", "#", "&a", "*a", "%{", "<<EOT\n",
        ]), 0..8),
        which in 0usize..4,
    ) {
        let files = [
            "monitoring/prometheus/api.rules.yml",
            "infra/alarms.tf",
            "cloudformation/template.yaml",
            "cdk.out/Shop.template.json",
        ];
        let text = std::fs::read_to_string(fixture().join(files[which])).unwrap();
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mangled = format!("{}{}{}", &text[..at], insert.concat(), &text[at..]);
        let _ = scan_text(files[which], &mangled);
    }
}
