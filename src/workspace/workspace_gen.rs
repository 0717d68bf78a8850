//! A deterministic generator of large, valid workspaces for benchmarks and tests: components with
//! realistic text, risks whose runbook links resolve, runbooks of varied size (a few large ones)
//! with task lists, code blocks, tables and links between them, and monitoring config (Prometheus
//! rules, Terraform alarms, CloudFormation templates) defining the alerts the risks name.

use crate::model::{Date, Estimate, Level, Num, Objectives, Register, Risk, Status, to_canonical};
use crate::runbook::slug;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    pub components: usize,
    pub risks: usize,
    pub runbooks: usize,
    /// Alerts defined in the monitoring config, spread over `alert_files` files; risks name
    /// them in turn (one risk in `risks / alerts`).
    pub alerts: usize,
    pub alert_files: usize,
    /// Closed incidents and game days on the generated risks (none by default).
    pub timelines: usize,
    pub seed: u64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            components: 1000,
            risks: 20_000,
            runbooks: 2000,
            alerts: 5000,
            alert_files: 200,
            timelines: 0,
            seed: 42,
        }
    }
}

/// SplitMix64: tiny, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const AREAS: [&str; 12] = [
    "payments",
    "orders",
    "search",
    "catalog",
    "identity",
    "billing",
    "shipping",
    "notify",
    "ledger",
    "pricing",
    "inventory",
    "reporting",
];
const KINDS: [&str; 10] = [
    "api",
    "db",
    "cache",
    "queue",
    "worker",
    "gateway",
    "cdn",
    "scheduler",
    "stream",
    "store",
];
const FAILURES: [&str; 16] = [
    "Concurrency limit reached",
    "Cold starts delay a scale-out",
    "Failover without reconnect",
    "Backup never restored",
    "Certificate expires",
    "Credentials committed to a repository",
    "Wrong artifact deployed by hand",
    "Disk fills up",
    "Dependency times out",
    "Queue backlog grows",
    "Cache eviction storm",
    "DNS record deleted",
    "Rate limit from a provider",
    "Schema migration locks a table",
    "Clock skew breaks tokens",
    "Region outage",
];
const SIGNALS: [&str; 8] = [
    "Error rate above 2 % for five minutes pages on-call",
    "p99 latency above 3 s on the main endpoint",
    "Synthetic check fails twice in a row",
    "Queue age above ten minutes",
    "Alarm on the provider's status feed",
    "Throttles metric above 0 for one minute",
    "Support tickets tagged with the component",
    "Expiry check 30 days ahead",
];
const MITIGATIONS: [&str; 8] = [
    "Reserved capacity and an alarm at 80 %",
    "Automatic failover with connection pools recycled every minute",
    "Quarterly restore rehearsal; snapshots copied to a second account",
    "Deploys only through the pipeline; console access denied by policy",
    "Timeouts of 3 s with a circuit breaker and a degraded mode",
    "Auto scaling on queue depth",
    "Secrets only in the secrets manager; scanning in CI",
    "Infrastructure changes only through reviewed Terraform plans",
];
const WORDS: [&str; 24] = [
    "the",
    "service",
    "retries",
    "with",
    "backoff",
    "and",
    "the",
    "operator",
    "checks",
    "the",
    "dashboard",
    "before",
    "changing",
    "capacity",
    "so",
    "that",
    "customers",
    "see",
    "no",
    "errors",
    "during",
    "the",
    "incident",
    "window",
];

/// A sentence of `min` to `min + spread - 1` words.
fn sentence(rng: &mut Rng, min: usize, spread: usize) -> String {
    let words = min + rng.below(spread.max(1));
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(&WORDS));
    }
    s.push('.');
    s
}

/// One generated runbook: its workspace-relative path and the anchors of its headings.
struct RunbookPlan {
    path: String,
    anchors: Vec<String>,
}

/// Writes a workspace under `out` (creating `registers/` and `runbooks/`).
pub fn generate(out: &Path, options: GenOptions) -> io::Result<()> {
    let mut rng = Rng(options.seed);
    fs::create_dir_all(out.join("registers"))?;
    let plans = write_runbooks(out, options.runbooks, &mut rng)?;
    let ids = component_ids(options.components);
    let base = options.risks / options.components.max(1);
    let extra = options.risks % options.components.max(1);
    let alerts = AlertPlan::new(&options, &ids);
    write_alerts(out, &alerts)?;
    let mut first_risk = 0;
    let mut references = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let count = base + usize::from(i < extra);
        let mut register = component(&mut rng, i, id, &ids, count, &plans);
        for (r, risk) in register.risks.iter_mut().enumerate() {
            if let Some(name) = alerts.named_by(first_risk + r) {
                risk.alerts.push(name);
            }
        }
        first_risk += count;
        references.extend(register.risks.iter().map(|r| format!("{id}/{}", r.id)));
        fs::write(
            out.join("registers").join(format!("{id}.json")),
            to_canonical(&register),
        )?;
    }
    timelines::write(out, options.timelines, &references, &mut rng)
}

mod org;
mod timelines;
pub use org::{generate_org, repo_defaults};

/// The generated components' ids, in order.
fn component_ids(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            format!(
                "{}-{}-{i}",
                AREAS[i % AREAS.len()],
                KINDS[(i / AREAS.len()) % KINDS.len()]
            )
        })
        .collect()
}

/// When a generated acceptance ends: in 2028 or 2029 (a generated workspace checks clean).
fn acceptance_end(rng: &mut Rng) -> Date {
    let year = if rng.chance(50) { 2028 } else { 2029 };
    let month = i8::try_from(1 + rng.below(12)).unwrap_or(1);
    Date(jiff::civil::date(year, month, 1))
}

/// A risk's estimate, all four numbers drawn.
fn estimate(rng: &mut Rng) -> Estimate {
    let mut n = |base: usize, span: usize| {
        Some(Num(f64::from(
            u32::try_from(base + rng.below(span)).unwrap_or(1),
        )))
    };
    let ettd_minutes = n(1, 30);
    let ettr_minutes = n(5, 120);
    let per_year = Some(Num([0.5, 1.0, 2.0, 4.0][rng.below(4)]));
    Estimate {
        ettd_minutes,
        ettr_minutes,
        per_year,
        users_affected_percent: Some(Num(f64::from(
            u32::try_from(1 + rng.below(100)).unwrap_or(1),
        ))),
    }
}

/// One risk in seven has a follow-up from an incident review, due between October 2026 and
/// March 2027, one in three of them done: without drawing, so the rest of the workspace is as
/// before.
fn follow_ups(component: usize, risk: usize) -> Vec<crate::model::FollowUp> {
    let n = component * 31 + risk;
    if !n.is_multiple_of(7) {
        return Vec::new();
    }
    let month = [10, 11, 12, 1, 2, 3][n % 6];
    let year = if month >= 10 { 2026 } else { 2027 };
    let day = i8::try_from(1 + n % 28).unwrap_or(1);
    vec![crate::model::FollowUp {
        text: format!("Add an alert and a runbook step for case {n}"),
        owner: format!("owner-{}", n % 17),
        due: Some(Date(jiff::civil::date(year, month, day))),
        ticket: format!("OPS-{}", 5000 + n),
        status: if n.is_multiple_of(3) {
            crate::model::FollowUpStatus::Done
        } else {
            crate::model::FollowUpStatus::Open
        },
        timeline: String::new(),
    }]
}

fn component(
    rng: &mut Rng,
    index: usize,
    id: &str,
    ids: &[String],
    risk_count: usize,
    plans: &[RunbookPlan],
) -> Register {
    let depends_on = if index > 0 && rng.chance(70) {
        let mut deps: Vec<String> = (0..=rng.below(3))
            .map(|_| ids[rng.below(index)].clone())
            .collect();
        deps.sort();
        deps.dedup();
        deps
    } else {
        Vec::new()
    };
    let risks = (0..risk_count)
        .map(|r| {
            let failure = rng.pick(&FAILURES);
            let likelihood = Level::ALL[rng.below(5)];
            let impact = Level::ALL[rng.below(5)];
            let runbook = if plans.is_empty() || rng.chance(15) {
                String::new()
            } else {
                let plan = &plans[rng.below(plans.len())];
                let anchor = &plan.anchors[rng.below(plan.anchors.len())];
                format!("{}#{anchor}", plan.path)
            };
            let status = Status::ALL[rng.below(4)];
            Risk {
                id: format!("{}-{r}", slug(failure)),
                title: format!("{failure} in {id}"),
                description: if rng.chance(60) {
                    sentence(rng, 12, 20)
                } else {
                    String::new()
                },
                // Not drawn, so the rest of the workspace is as before; a component's risks
                // leave some categories out, as real ones do.
                category: crate::model::DEFAULT_CATEGORIES[(index + r * 3) % 8].to_owned(),
                likelihood,
                impact,
                detection: rng.pick(&SIGNALS).to_owned(),
                alerts: Vec::new(),
                mitigation: if rng.chance(85) {
                    rng.pick(&MITIGATIONS).to_owned()
                } else {
                    String::new()
                },
                runbook,
                status,
                accepted_by: if status == Status::Accepted {
                    format!("owner-{}", index % 17)
                } else {
                    String::new()
                },
                accepted_until: (status == Status::Accepted).then(|| acceptance_end(rng)),
                tickets: (0..rng.below(3))
                    .map(|t| format!("OPS-{}", 100 + index * 7 + t))
                    .collect(),
                questions: (0..rng.below(2))
                    .map(|_| format!("Do we know whether {}", sentence(rng, 8, 1)))
                    .collect(),
                rehearsals: Vec::new(),
                follow_ups: follow_ups(index, r),
                last_rehearsed: rng.chance(60).then(|| {
                    let day = i8::try_from(1 + rng.below(28)).unwrap_or(1);
                    let month = i8::try_from(1 + rng.below(10)).unwrap_or(1);
                    Date(jiff::civil::date(2026, month, day))
                }),
                estimate: if rng.chance(50) {
                    estimate(rng)
                } else {
                    Estimate::default()
                },
            }
        })
        .collect();
    Register {
        component: id.to_owned(),
        title: format!(
            "{} {}",
            AREAS[index % AREAS.len()],
            KINDS[(index / AREAS.len()) % KINDS.len()]
        ),
        owner: format!("team-{}", AREAS[index % AREAS.len()]),
        description: sentence(rng, 10, 15),
        depends_on,
        objectives: Objectives {
            availability: Some(Num([99.0, 99.5, 99.9, 99.95, 99.99][rng.below(5)])),
            rto_minutes: Some(Num(f64::from(
                u32::try_from(15 * (1 + rng.below(8))).unwrap_or(15),
            ))),
            rpo_minutes: rng
                .chance(50)
                .then(|| Num(f64::from(u32::try_from(rng.below(30)).unwrap_or(0)))),
        },
        risks,
    }
}

/// Which alert each risk names, and the alerts' names.
struct AlertPlan {
    names: Vec<String>,
    files: usize,
    /// One risk in `step` names an alert.
    step: usize,
}

impl AlertPlan {
    fn new(options: &GenOptions, ids: &[String]) -> AlertPlan {
        let names = (0..options.alerts)
            .map(|k| {
                let id = &ids[k % ids.len().max(1)];
                let camel: String = id
                    .split('-')
                    .map(|part| {
                        let mut chars = part.chars();
                        chars.next().map_or_else(String::new, |c| {
                            c.to_ascii_uppercase().to_string() + chars.as_str()
                        })
                    })
                    .collect();
                format!(
                    "{camel}{}{k}",
                    ["HighErrorRate", "LatencyHigh", "Saturated", "Down"][k % 4]
                )
            })
            .collect();
        AlertPlan {
            names,
            files: options.alert_files.max(1),
            step: (options.risks / options.alerts.max(1)).max(1),
        }
    }

    /// The file alert `k` is defined in: Prometheus rules for half, Terraform and
    /// CloudFormation for a quarter each.
    fn file(&self, k: usize) -> usize {
        k % self.files
    }

    /// Whether alert `k` is a Terraform name built from a variable (one in ten there).
    fn is_pattern(&self, k: usize) -> bool {
        self.file(k) % 4 == 2 && k.is_multiple_of(10)
    }

    /// The name the `g`-th risk of the workspace writes in its `alerts`, if it names one.
    fn named_by(&self, g: usize) -> Option<String> {
        if !g.is_multiple_of(self.step) {
            return None;
        }
        let k = g / self.step;
        let name = self.names.get(k)?;
        Some(if self.is_pattern(k) {
            format!("prod-{name}")
        } else {
            name.clone()
        })
    }
}

/// Writes the monitoring config: `monitoring/prometheus/*.rules.yml`, `monitoring/terraform/*.tf`
/// and `monitoring/cloudformation/*.template.yaml`.
fn write_alerts(out: &Path, plan: &AlertPlan) -> io::Result<()> {
    let mut texts: Vec<String> = vec![String::new(); plan.files.min(plan.names.len())];
    for (k, name) in plan.names.iter().enumerate() {
        let f = plan.file(k);
        let text = &mut texts[f];
        match f % 4 {
            0 | 1 => {
                if text.is_empty() {
                    let _ = writeln!(text, "groups:\n  - name: generated-{f}\n    rules:");
                }
                let _ = write!(
                    text,
                    "      - alert: {name}\n        expr: sum(rate(errors_total{{alert=\"{k}\"}}[5m])) > 0.05\n        for: 5m\n        labels:\n          severity: page\n        annotations:\n          summary: \"{name} fired\"\n"
                );
            }
            2 => {
                if text.is_empty() {
                    text.push_str("variable \"env\" {\n  type = string\n}\n");
                }
                let alarm = if plan.is_pattern(k) {
                    format!("${{var.env}}-{name}")
                } else {
                    name.clone()
                };
                let _ = write!(
                    text,
                    "\nresource \"aws_cloudwatch_metric_alarm\" \"alarm_{k}\" {{\n  alarm_name          = \"{alarm}\"\n  namespace           = \"AWS/Lambda\"\n  metric_name         = \"Errors\"\n  comparison_operator = \"GreaterThanThreshold\"\n  threshold           = 0\n}}\n"
                );
            }
            _ => {
                if text.is_empty() {
                    text.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
                }
                let _ = write!(
                    text,
                    "  Alarm{k}:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmName: {name}\n      Threshold: 1\n"
                );
            }
        }
    }
    for (f, text) in texts.iter().enumerate() {
        let path = match f % 4 {
            0 | 1 => format!("monitoring/prometheus/generated-{f}.rules.yml"),
            2 => format!("monitoring/terraform/generated-{f}.tf"),
            _ => format!("monitoring/cloudformation/generated-{f}.template.yaml"),
        };
        let file = out.join(path);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(file, text)?;
    }
    Ok(())
}

/// Writes the runbooks: most 1–8 KB, one in a hundred around 200 KB, and the first about 1 MB.
fn write_runbooks(out: &Path, count: usize, rng: &mut Rng) -> io::Result<Vec<RunbookPlan>> {
    let mut plans: Vec<RunbookPlan> = Vec::with_capacity(count);
    for i in 0..count {
        let area = AREAS[i % AREAS.len()];
        let failure = FAILURES[i % FAILURES.len()];
        let path = format!("runbooks/{area}/{}-{i}.md", slug(failure));
        let target_bytes = if i == 0 {
            1_000_000
        } else if i % 100 == 50 {
            200_000
        } else {
            1000 + rng.below(7000)
        };
        let mut text = format!("# {failure} ({area} #{i})\n\n{}\n\n", sentence(rng, 30, 1));
        let mut anchors = vec![slug(&format!("{failure} ({area} #{i})"))];
        let mut section = 0;
        while text.len() < target_bytes {
            section += 1;
            let heading = format!(
                "Step {section}: {}",
                rng.pick(&["Confirm", "Mitigate", "Recover", "Verify", "Escalate"])
            );
            anchors.push(slug(&heading));
            let _ = write!(text, "## {heading}\n\n{}\n\n", sentence(rng, 20, 40));
            for step in 0..3 + rng.below(5) {
                let _ = writeln!(
                    text,
                    "- [ ] Step {section}.{step}: {}",
                    sentence(rng, 6, 10)
                );
            }
            text.push_str("\n```sh\naws cloudwatch get-metric-statistics --namespace AWS/Lambda --metric-name Errors\n```\n\n");
            if rng.chance(30) {
                text.push_str("| Signal | Threshold | Action |\n|---|---|---|\n| errors | 2 % | page |\n| latency | 3 s | warn |\n\n");
            }
            if let Some(other) =
                (!plans.is_empty() && rng.chance(40)).then(|| &plans[rng.below(plans.len())])
            {
                let name = other.path.trim_start_matches("runbooks/");
                let _ = write!(
                    text,
                    "See [the related runbook](../{name}#{}).\n\n",
                    other.anchors[0]
                );
            }
        }
        let file = out.join(&path);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&file, &text)?;
        plans.push(RunbookPlan { path, anchors });
    }
    Ok(plans)
}
