//! `check --format sarif`: the findings as a SARIF 2.1.0 log, which GitHub code scanning shows
//! in a pull request's files and keeps the history of. Every rule is listed with its summary
//! and help (`rules.rs`); each result carries its level, message, file and region, and a
//! fingerprint of rule, file and message (not the line: a finding that moves down a file is
//! the same finding).

use super::rules::{RULES, Rule, rule};
use crate::finding::{Finding, Severity};
use serde_json::{Value, json};

/// The SARIF schema this log follows.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn descriptor(rule: &Rule) -> Value {
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.summary },
        "help": {
            "text": rule.help,
            "markdown": format!("{}\n\n{}", rule.summary, rule.help),
        },
        "defaultConfiguration": { "level": if rule.error { "error" } else { "warning" } },
    })
}

/// The SARIF log of `findings`.
pub fn log(findings: &[Finding]) -> Value {
    // Every known rule, then any a finding names that the table lacks (never, if the table's
    // test holds), so each result's `ruleIndex` points at its rule.
    let mut rules: Vec<Rule> = RULES.to_vec();
    for f in findings {
        if rule(f.rule).is_none() && !rules.iter().any(|r| r.id == f.rule) {
            rules.push(Rule {
                id: f.rule,
                error: f.severity == Severity::Error,
                summary: "A finding of faultline check.",
                help: "See the message.",
            });
        }
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let uri = f.path.to_string_lossy().replace('\\', "/");
            let fingerprint = crate::store::hash_bytes(
                format!("{}\u{0}{uri}\u{0}{}", f.rule, f.message).as_bytes(),
            );
            json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": if f.severity == Severity::Error { "error" } else { "warning" },
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": f.line.max(1),
                            "startColumn": f.column.max(1),
                        },
                    },
                }],
                "partialFingerprints": { "faultlineFinding/v1": format!("{fingerprint:016x}") },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "faultline",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(descriptor).collect::<Vec<_>>(),
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
