//! `faultline check`: every file validated (schema, ids, links and anchors, canonical form) and
//! the register's policy linted, each finding at `path:line:column`.

use crate::finding::{Finding, LineIndex, Pos};
use crate::locate::Locator;
use crate::model::{BUDGET_SHARE_LIMIT, Register, to_canonical};
use crate::parse::closest;
use crate::runbook::RunbookDoc;
use crate::store::{Loaded, Workspace};
use jiff::civil::Date;
use std::cell::OnceCell;
use std::collections::HashSet;
use std::path::Path;

mod alerts;
pub mod coverage;
mod links;
pub mod rules;
pub mod sarif;
pub use links::resolve_link;
use links::{check_runbook_links, with_hint_budget};

/// How many days before an acceptance ends `check` warns of it.
const ACCEPTANCE_NOTICE_DAYS: i32 = 14;
/// Days after which a high or critical risk's rehearsal is stale.
pub const STALE_REHEARSAL_DAYS: i32 = 180;

/// Checks the whole workspace. `today` decides which rehearsals are stale.
pub fn check(ws: &Workspace, today: Date) -> Vec<Finding> {
    let names = ComponentNames::of(ws);
    // Files are checked on all cores: each file's findings are its own.
    let per_file = crate::parallel::map(&ws.components, |file| {
        let mut found = Vec::new();
        with_hint_budget(|| check_file(ws, file, &names, today, &mut found));
        // Sorted here, on all cores: the files come in path order, so the sort of everything
        // below finds one long sorted run instead of sorting ten thousand findings itself.
        found.sort_by(Finding::order);
        found
    });
    let mut findings: Vec<Finding> = per_file.into_iter().flatten().collect();
    findings.extend(ws.runbook_findings.iter().cloned());
    findings.extend(ws.name_findings.iter().cloned());
    let per_runbook = crate::parallel::map(&ws.runbooks, |doc| {
        let mut found = Vec::new();
        with_hint_budget(|| check_runbook_links(ws, doc, &mut found));
        found
    });
    findings.extend(per_runbook.into_iter().flatten());
    alerts::inventory(ws, &mut findings);
    findings.extend(coverage::security_rehearsed(ws, &names.categories));
    // The timelines too: one definition of what `check` runs, for the CLI and the TUI alike.
    findings.extend(crate::timeline::check_all(ws, today));
    findings.sort_by(Finding::order);
    findings
}

/// Checks one register file, for a re-check after an edit.
pub fn check_component(ws: &Workspace, path: &Path, today: Date) -> Vec<Finding> {
    let names = ComponentNames::of(ws);
    let mut findings = Vec::new();
    if let Some(file) = ws.components.iter().find(|c| c.path == path) {
        check_file(ws, file, &names, today, &mut findings);
    }
    findings.sort_by(Finding::order);
    findings
}

/// Checks one runbook's links, for a re-check after it was written or stubbed.
pub fn check_runbook(ws: &Workspace, path: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(doc) = ws.runbook(path) {
        check_runbook_links(ws, doc, &mut findings);
    }
    findings
}

/// The component ids that exist, for `depends_on`, as a set and as a sorted list for
/// "did you mean".
struct ComponentNames<'a> {
    ids: HashSet<&'a str>,
    known: Vec<String>,
    categories: coverage::Categories,
}

impl<'a> ComponentNames<'a> {
    fn of(ws: &'a Workspace) -> Self {
        let ids: HashSet<&str> = ws
            .components
            .iter()
            .filter(|c| c.content.is_ok())
            .map(|c| c.stem.as_str())
            .collect();
        let mut known: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
        known.sort();
        ComponentNames {
            ids,
            known,
            categories: coverage::Categories::of(ws),
        }
    }
}

fn check_file(
    ws: &Workspace,
    file: &crate::store::ComponentFile,
    names: &ComponentNames<'_>,
    today: Date,
    findings: &mut Vec<Finding>,
) {
    match &file.content {
        Err(finding) => findings.push(finding.clone()),
        Ok(loaded) => {
            let mut ctx = FileCheck {
                ws,
                path: &file.path,
                text: &loaded.text,
                located: OnceCell::new(),
                findings,
            };
            ctx.register(&file.stem, loaded, (&names.ids, &names.known), today);
            ctx.coverage(&loaded.register, &names.categories);
        }
    }
}

/// `component/risk`, written out only into a message: the checks run on every risk, and most
/// risks have nothing to report.
#[derive(Clone, Copy)]
pub(super) struct RiskName<'a>(pub &'a str, pub &'a str);

impl std::fmt::Display for RiskName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.0, self.1)
    }
}

/// Checks for one register file; positions are found only when there is something to report.
struct FileCheck<'a> {
    ws: &'a Workspace,
    path: &'a Path,
    text: &'a str,
    /// Built on the first finding: where each value is, and where each line starts.
    located: OnceCell<(Locator<'a>, LineIndex)>,
    findings: &'a mut Vec<Finding>,
}

impl FileCheck<'_> {
    fn pos(&self, json_path: &str) -> Pos {
        let (locator, lines) = self
            .located
            .get_or_init(|| (Locator::new(self.text), LineIndex::new(self.text)));
        locator
            .value_offset(json_path)
            .map_or(Pos::START, |o| lines.pos(self.text, o))
    }

    fn error(&mut self, json_path: &str, rule: &'static str, message: String) {
        let pos = self.pos(json_path);
        self.findings
            .push(Finding::error(self.path, pos, rule, message));
    }

    fn warning(&mut self, json_path: &str, rule: &'static str, message: String) {
        let pos = self.pos(json_path);
        self.findings
            .push(Finding::warning(self.path, pos, rule, message));
    }

    fn register(
        &mut self,
        stem: &str,
        loaded: &Loaded,
        (ids, known): (&HashSet<&str>, &[String]),
        today: Date,
    ) {
        let reg = &loaded.register;
        if !is_valid_id(&reg.component) {
            self.error(
                "component",
                "id-format",
                id_message("component id", &reg.component),
            );
        }
        if reg.component != stem {
            self.error(
                "component",
                "component-mismatch",
                format!(
                    "component `{}` does not match its file name: expected `{stem}` (rename the file or the component)",
                    reg.component
                ),
            );
        }
        if reg.title.trim().is_empty() {
            self.error("title", "empty-title", "the component has no title".into());
        }
        self.dependencies(reg, ids, known);
        self.objectives(reg);
        let mut seen = HashSet::new();
        for (i, risk) in reg.risks.iter().enumerate() {
            let at = |field: &str| format!("risks/{i}/{field}");
            let name = RiskName(&reg.component, &risk.id);
            if !is_valid_id(&risk.id) {
                self.error(&at("id"), "id-format", id_message("risk id", &risk.id));
            }
            if !seen.insert(risk.id.as_str()) {
                self.error(
                    &at("id"),
                    "duplicate-risk-id",
                    format!("risk id `{}` is used twice in this component", risk.id),
                );
            }
            if risk.title.trim().is_empty() {
                self.error(
                    &at("title"),
                    "empty-title",
                    format!("risk `{name}` has no title"),
                );
            }
            if !risk.runbook.is_empty()
                && let Err((rule, message)) = resolve_link(self.ws, "", &risk.runbook)
            {
                self.error(&at("runbook"), rule, message);
            }
            self.estimate(i, risk);
            self.policy(reg, i, today);
            self.acceptance(reg, i, today);
            self.follow_ups(reg, i, today);
            self.alerts(reg, i);
        }
        self.control_characters(reg);
        self.canonical(loaded);
    }

    /// Text with escape sequences or other control characters in it (a newline in prose is
    /// fine) is an error: it came from somewhere it should not have, and it must not reach a
    /// repository unnoticed, nor a terminal that reads the file with `cat`.
    fn control_characters(&mut self, reg: &Register) {
        // Paths are spelled out only for the rare value that holds one: this runs on every
        // string of every risk.
        if !may_hold_controls(self.text) {
            return;
        }
        let has = |v: &str| crate::sanitize::has_unsafe(v, true);
        let mut fields: Vec<(String, &str)> = Vec::new();
        for (name, value) in [
            ("component", &reg.component),
            ("title", &reg.title),
            ("owner", &reg.owner),
            ("description", &reg.description),
        ] {
            if has(value) {
                fields.push((name.to_owned(), value.as_str()));
            }
        }
        for (i, dep) in reg.depends_on.iter().enumerate() {
            if has(dep) {
                fields.push((format!("depends_on/{i}"), dep));
            }
        }
        for (i, risk) in reg.risks.iter().enumerate() {
            for (name, value) in [
                ("id", &risk.id),
                ("title", &risk.title),
                ("description", &risk.description),
                ("detection", &risk.detection),
                ("mitigation", &risk.mitigation),
                ("runbook", &risk.runbook),
            ] {
                if has(value) {
                    fields.push((format!("risks/{i}/{name}"), value.as_str()));
                }
            }
            for (list, values) in [
                ("alerts", &risk.alerts),
                ("tickets", &risk.tickets),
                ("questions", &risk.questions),
            ] {
                for (j, value) in values.iter().enumerate() {
                    if has(value) {
                        fields.push((format!("risks/{i}/{list}/{j}"), value.as_str()));
                    }
                }
            }
        }
        for (at, value) in fields {
            if let Some(c) = value.chars().find(|&c| is_forbidden_control(c)) {
                let shown = crate::sanitize::sanitize(value);
                let shown: String = shown.chars().take(60).collect();
                self.error(
                    &at,
                    "control-character",
                    format!(
                        "`{at}` holds the control character U+{:04X} (`{shown}`): escape sequences and invisible controls are not allowed in a register",
                        u32::from(c)
                    ),
                );
            }
        }
    }

    fn dependencies(&mut self, reg: &Register, ids: &HashSet<&str>, known: &[String]) {
        for (i, dep) in reg.depends_on.iter().enumerate() {
            let at = format!("depends_on/{i}");
            if let Some(external) = crate::core::id::external_reference(dep) {
                // Another repository's component: `faultline org check` resolves it.
                if let Err(why) = external {
                    self.warning(
                        &at,
                        "malformed-reference",
                        format!("depends on `{dep}`, which is not `repo:component` nor a Backstage ref: {why}"),
                    );
                }
            } else if dep == &reg.component {
                self.warning(&at, "self-dependency", format!("`{dep}` depends on itself"));
            } else if !ids.contains(dep.as_str()) {
                let hint = closest(dep, known)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                self.error(
                    &at,
                    "unknown-dependency",
                    format!("depends on `{dep}`, but no register file defines it{hint}"),
                );
            }
        }
    }

    fn objectives(&mut self, reg: &Register) {
        let o = &reg.objectives;
        if let Some(a) = o.availability
            && !(a.0 > 0.0 && a.0 <= 100.0)
        {
            self.error(
                "objectives/availability",
                "invalid-value",
                format!("availability {a} is not a percentage above 0 and at most 100"),
            );
        }
        for (field, value) in [
            ("rto_minutes", o.rto_minutes),
            ("rpo_minutes", o.rpo_minutes),
        ] {
            if let Some(v) = value
                && v.0 < 0.0
            {
                self.error(
                    &format!("objectives/{field}"),
                    "invalid-value",
                    format!("{field} is {v}; it cannot be negative"),
                );
            }
        }
    }

    fn estimate(&mut self, index: usize, risk: &crate::model::Risk) {
        let e = &risk.estimate;
        for (field, value) in [
            ("ettd_minutes", e.ettd_minutes),
            ("ettr_minutes", e.ettr_minutes),
            ("per_year", e.per_year),
            ("users_affected_percent", e.users_affected_percent),
        ] {
            let Some(v) = value else { continue };
            let at = || format!("risks/{index}/estimate/{field}");
            if v.0 < 0.0 {
                self.error(
                    &at(),
                    "invalid-value",
                    format!("{field} is {v}; it cannot be negative"),
                );
            } else if field == "users_affected_percent" && v.0 > 100.0 {
                self.error(
                    &at(),
                    "invalid-value",
                    format!("users_affected_percent is {v}; a share of users is at most 100"),
                );
            }
        }
    }

    /// An accepted risk says who accepted it and until when; an acceptance past that date is
    /// an error (decide again), one ending within `ACCEPTANCE_NOTICE_DAYS` a warning.
    fn acceptance(&mut self, reg: &Register, index: usize, today: Date) {
        let risk = &reg.risks[index];
        if risk.status != crate::model::Status::Accepted {
            return;
        }
        let name = RiskName(&reg.component, &risk.id);
        let missing: Vec<&str> = [
            ("accepted_by", risk.accepted_by.trim().is_empty()),
            ("accepted_until", risk.accepted_until.is_none()),
        ]
        .iter()
        .filter(|(_, missing)| *missing)
        .map(|(key, _)| *key)
        .collect();
        if !missing.is_empty() {
            self.error(
                &format!("risks/{index}/status"),
                "acceptance-incomplete",
                format!(
                    "`{name}` is accepted without {}: say who accepts it and until when",
                    missing.join(" and ")
                ),
            );
        }
        let Some(until) = risk.accepted_until else {
            return;
        };
        let by = if risk.accepted_by.trim().is_empty() {
            "nobody named"
        } else {
            risk.accepted_by.trim()
        };
        let days = (until.0 - today).get_days();
        let at = format!("risks/{index}/accepted_until");
        if days < 0 {
            self.error(
                &at,
                "acceptance-expired",
                format!(
                    "`{name}` was accepted by {by} until {until}, {} ago: decide again",
                    crate::finding::plural(usize::try_from(-days).unwrap_or(0), "day")
                ),
            );
        } else if days <= ACCEPTANCE_NOTICE_DAYS {
            self.warning(
                &at,
                "acceptance-expiring",
                format!(
                    "`{name}` is accepted by {by} until {until}, {} from now: decide again",
                    crate::finding::plural(usize::try_from(days).unwrap_or(0), "day")
                ),
            );
        }
    }

    /// An open follow-up past its due date is a warning, each.
    fn follow_ups(&mut self, reg: &Register, index: usize, today: Date) {
        let risk = &reg.risks[index];
        let name = RiskName(&reg.component, &risk.id);
        for (k, f) in risk.follow_ups.iter().enumerate() {
            let (Some(due), Some(days)) = (f.due, f.days_overdue(today)) else {
                continue;
            };
            let days = usize::try_from(days).unwrap_or(0);
            let owner = if f.owner.trim().is_empty() {
                "nobody named".to_owned()
            } else {
                f.owner.trim().to_owned()
            };
            self.warning(
                &format!("risks/{index}/follow_ups/{k}/due"),
                "follow-up-overdue",
                format!(
                    "`{name}`: follow-up `{}` (owner: {owner}) was due {due}, {} ago: do it, mark it done, or give it a new date",
                    crate::core::text::truncate(&f.text, 60),
                    crate::finding::plural(days, "day")
                ),
            );
        }
    }

    fn policy(&mut self, reg: &Register, index: usize, today: Date) {
        let risk = &reg.risks[index];
        let at = |field: &str| format!("risks/{index}/{field}");
        let name = RiskName(&reg.component, &risk.id);
        let band = risk.band();
        if band.is_severe() {
            if risk.mitigation.trim().is_empty() && risk.status != crate::model::Status::Accepted {
                self.warning(
                    &at("id"),
                    "no-mitigation",
                    format!(
                        "{band} risk `{name}` (score {}) has no mitigation",
                        risk.score()
                    ),
                );
            }
            if risk.runbook.trim().is_empty() {
                self.warning(
                    &at("id"),
                    "no-runbook",
                    format!(
                        "{band} risk `{name}` (score {}) has no runbook",
                        risk.score()
                    ),
                );
            }
            match risk.last_rehearsed {
                None => self.warning(
                    &at("id"),
                    "never-rehearsed",
                    format!("{band} risk `{name}` has never been rehearsed"),
                ),
                Some(date) => {
                    let days = (today - date.0).get_days();
                    if days > STALE_REHEARSAL_DAYS {
                        self.warning(
                            &at("last_rehearsed"),
                            "stale-rehearsal",
                            format!(
                                "{band} risk `{name}` was last rehearsed {days} days ago (more than {STALE_REHEARSAL_DAYS})"
                            ),
                        );
                    }
                }
            }
        }
        if let Some(k) = risk.latest_rehearsal_index() {
            for (what, measured, estimate) in risk.measured_over_estimate() {
                self.warning(
                    &format!("risks/{index}/rehearsals/{k}"),
                    "measured-over-estimate",
                    format!(
                        "`{name}`: the rehearsal of {} measured {measured} min to {what}, more than twice the estimate of {estimate} min: estimate again",
                        risk.rehearsals[k].date
                    ),
                );
            }
        }
        if let Some(date) = risk.last_rehearsed
            && date.0 > today
        {
            self.warning(
                &at("last_rehearsed"),
                "future-date",
                format!("last_rehearsed {date} is in the future"),
            );
        }
        if let (Some(share), Some(bad)) =
            (reg.budget_share(risk), risk.estimate.bad_minutes_per_year())
            && share > BUDGET_SHARE_LIMIT
        {
            self.warning(
                &at("estimate"),
                "budget-share",
                format!(
                    "`{name}` alone is expected to cost {bad:.0} bad minutes a year, {:.0}% of the component's error budget (limit {:.0}%)",
                    share * 100.0,
                    BUDGET_SHARE_LIMIT * 100.0
                ),
            );
        }
    }

    fn canonical(&mut self, loaded: &Loaded) {
        let canonical = to_canonical(&loaded.register);
        if canonical == loaded.text {
            return;
        }
        let line = first_difference_line(&loaded.text, &canonical);
        let why = if loaded.text.contains("\r\n") {
            " (CRLF line endings)"
        } else {
            ""
        };
        self.findings.push(Finding::warning(
            self.path,
            Pos { line, column: 1 },
            "not-canonical",
            format!("not in canonical form{why}: run `faultline fmt`"),
        ));
    }
}

/// Whether a register's JSON text could hold a forbidden control in a value: raw, or written as
/// an escape (`\u001b`, `\b`, `\f`, `\r`). Most files hold neither, and then no value needs a
/// look.
fn may_hold_controls(text: &str) -> bool {
    let bytes = text.as_bytes();
    crate::sanitize::has_unsafe(text, true)
        || memchr::memchr_iter(b'\\', bytes)
            .any(|i| matches!(bytes.get(i + 1), Some(b'u' | b'b' | b'f' | b'r')))
}

/// A control character a register must not hold: every C0 control but newline and tab, DEL,
/// the C1 controls and the bidi controls.
pub fn is_forbidden_control(c: char) -> bool {
    c != '\n' && c != '\t' && crate::sanitize::is_unsafe(c)
}

/// The first 1-based line where two texts differ.
pub fn first_difference_line(a: &str, b: &str) -> usize {
    a.split('\n')
        .zip(b.split('\n'))
        .position(|(x, y)| x != y)
        .map_or_else(|| a.lines().count().min(b.lines().count()) + 1, |i| i + 1)
}

fn id_message(what: &str, id: &str) -> String {
    format!(
        "{what} `{}` is not valid: use lowercase letters, digits and hyphens (e.g. `{}`)",
        crate::sanitize::sanitize(id),
        suggest_id(id)
    )
}

pub use crate::core::id::{is_valid_id, suggest_id};
pub use crate::core::links::normalize;

#[cfg(test)]
mod tests {
    use super::links::{HINT_BUDGET_PER_FILE, check_anchor};
    use super::*;

    fn linked_runbook(headings: usize) -> RunbookDoc {
        let mut text = String::new();
        for i in 0..headings {
            text.push_str(&format!(
                "## Heading {i}\n\n[typo](#heding-{i})\n\n## Heading {i}\n\n"
            ));
        }
        RunbookDoc::index("runbooks/long.md".into(), &text)
    }

    #[test]
    fn anchors_of_a_long_runbook_resolve_through_the_index_as_the_scan_did() {
        let doc = linked_runbook(100);
        // Duplicates take -1: the index finds each one, and the first of equal anchors.
        assert_eq!(doc.heading("heading-7").map(|h| h.line), Some(6 * 7 + 1));
        assert_eq!(doc.heading("heading-7-1").map(|h| h.line), Some(6 * 7 + 5));
        assert!(doc.heading("heading-100").is_none());
        assert!(
            doc.anchor_index.get().is_some(),
            "a long runbook is indexed"
        );
    }

    #[test]
    fn hints_stop_when_a_file_has_spent_its_budget() {
        // 3,000 headings (two per i), each hint comparing with their anchors and their words:
        // 333 hints cost all of the budget.
        let doc = linked_runbook(1_500);
        let hints = |doc: &RunbookDoc| {
            doc.links
                .iter()
                .filter_map(|l| check_anchor(doc, &l.dest[1..]).err())
                .filter(|(_, m)| m.contains("did you mean"))
                .count()
        };
        assert_eq!(
            with_hint_budget(|| hints(&doc)),
            HINT_BUDGET_PER_FILE / 6_000
        );
        assert_eq!(hints(&linked_runbook(50)), 50, "outside check, no limit");
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("payments-api"));
        assert!(is_valid_id("s3"));
        assert!(!is_valid_id("Payments"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id(""));
        assert_eq!(suggest_id("Payments API (v2)"), "payments-api-v2");
    }

    #[test]
    fn normalize_stays_inside() {
        assert_eq!(
            normalize("runbooks/db", "../x.md").as_deref(),
            Some("runbooks/x.md")
        );
        assert_eq!(
            normalize("", "runbooks/./a.md").as_deref(),
            Some("runbooks/a.md")
        );
        assert_eq!(normalize("runbooks", "../../etc/passwd"), None);
        assert_eq!(normalize("", "/etc/passwd"), None);
        assert_eq!(normalize("", "C:/x"), None);
    }

    #[test]
    fn first_difference() {
        assert_eq!(first_difference_line("a\nb\nc\n", "a\nB\nc\n"), 2);
        assert_eq!(first_difference_line("a\n", "a\nb\n"), 2);
    }
}
