//! `check --format sarif`: the findings as a SARIF 2.1.0 log, which GitHub code scanning shows
//! in a pull request's files and keeps the history of. Every rule is listed with its summary
//! and help (`rules.rs`); each result carries its level, message, file and region, and a
//! fingerprint of rule, file and message (not the line: a finding that moves down a file is
//! the same finding).

use super::rules::{RULES, Rule, rule};
use crate::finding::{Finding, Severity};
use serde::Serialize;
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

/// The SARIF log of `findings`, serialised as it is written: one result at a time, so 15,000
/// findings do not become a tree of 15,000 JSON objects first.
pub fn log(findings: &[Finding]) -> Log<'_> {
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
    let tool = json!({
        "driver": {
            "name": "faultline",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules.iter().map(descriptor).collect::<Vec<_>>(),
        },
    });
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool,
            column_kind: "unicodeCodePoints",
            results: Results { findings, rules },
        }],
    }
}

/// A SARIF log (`sarifLog`) of one run.
#[derive(Serialize)]
pub struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Value,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: Results<'a>,
}

/// The results, each made as it is written.
struct Results<'a> {
    findings: &'a [Finding],
    rules: Vec<Rule>,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq as _;
        let mut seq = serializer.serialize_seq(Some(self.findings.len()))?;
        for f in self.findings {
            seq.serialize_element(&result(f, &self.rules))?;
        }
        seq.end()
    }
}

/// One finding as a SARIF result.
fn result(f: &Finding, rules: &[Rule]) -> Value {
    let index = rules.iter().position(|r| r.id == f.rule).unwrap_or(0);
    let uri = f.path.to_string_lossy().replace('\\', "/");
    let fingerprint =
        crate::store::hash_bytes(format!("{}\u{0}{uri}\u{0}{}", f.rule, f.message).as_bytes());
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
}
