//! The semantic diff of a register between two states (two git revisions, a revision and the
//! working tree, or two directories): components matched by id, risks by `component/id`, moves
//! and renames recognised, and the changes a reviewer should see first flagged.

mod flags;
pub mod format;
mod snapshot;
pub mod words;

pub use snapshot::{Snapshot, runbooks_to_check};

use crate::model::fields::RISK_FIELDS;
use crate::model::{Band, Register, Risk, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole diff, in the shape `--format json` prints (see docs/diff-json.md).
#[derive(Debug, Default, Serialize)]
pub struct Diff {
    pub summary: Summary,
    /// What a reviewer should look at first.
    pub flags: Vec<Flag>,
    pub components_added: Vec<ComponentSummary>,
    pub components_removed: Vec<ComponentSummary>,
    pub components_changed: Vec<ComponentDiff>,
    /// Risks whose reference changed with the same content (or the same id in another
    /// component).
    pub risks_moved: Vec<Moved>,
    /// Files that could not be read on either side, with the finding.
    pub unreadable: Vec<Unreadable>,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub components_changed: usize,
    pub components_added: usize,
    pub components_removed: usize,
    pub risks_added: usize,
    pub risks_removed: usize,
    pub risks_changed: usize,
    pub risks_moved: usize,
    pub score_before: i64,
    pub score_after: i64,
    pub net_score_change: i64,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Flag {
    pub risk: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct ComponentSummary {
    pub component: String,
    pub title: String,
    pub risks: usize,
}

#[derive(Debug, Serialize)]
pub struct ComponentDiff {
    pub component: String,
    pub title: String,
    pub fields: Vec<FieldChange>,
    pub risks_added: Vec<RiskSummary>,
    pub risks_removed: Vec<RiskSummary>,
    pub risks_changed: Vec<RiskDiff>,
    /// The risks kept on both sides, in each side's file order, when that order changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_order: Option<Reorder>,
}

/// A change in the order of a component's risks (the order the team gave them in the file).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Reorder {
    pub before: Vec<String>,
    pub after: Vec<String>,
}

impl Reorder {
    /// The risks whose place changed: (id, place before, place after), 1-based.
    pub fn moved(&self) -> Vec<(&str, usize, usize)> {
        self.after
            .iter()
            .enumerate()
            .filter_map(|(to, id)| {
                let from = self.before.iter().position(|x| x == id)?;
                (from != to).then_some((id.as_str(), from + 1, to + 1))
            })
            .collect()
    }

    /// The moves as text: `a 1 → 3, b 3 → 1`, each id through `show`.
    pub fn describe(&self, show: impl Fn(&str) -> String) -> String {
        self.moved()
            .iter()
            .map(|(id, from, to)| format!("{} {from} → {to}", show(id)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Serialize)]
pub struct RiskSummary {
    pub risk: String,
    pub title: String,
    pub score: u8,
    pub band: Band,
    pub status: Status,
    pub runbook: String,
}

#[derive(Debug, Serialize)]
pub struct RiskDiff {
    pub risk: String,
    pub title: String,
    pub fields: Vec<FieldChange>,
    /// Score and band before → after, when likelihood or impact changed.
    pub score: Option<(u8, u8)>,
    pub band: Option<(Band, Band)>,
    pub questions_added: Vec<String>,
    /// Questions gone from the list: answered (or dropped).
    pub questions_answered: Vec<String>,
    pub tickets_added: Vec<String>,
    pub tickets_removed: Vec<String>,
    pub alerts_added: Vec<String>,
    pub alerts_removed: Vec<String>,
    /// Rehearsals recorded (or removed), one line each: date, kind, measured minutes.
    pub rehearsals_added: Vec<String>,
    pub rehearsals_removed: Vec<String>,
    /// Follow-ups added, done, reopened, changed or removed, one line each
    /// (`done: add the reconnect test`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<String>,
    /// Expected bad minutes a year before → after, when the estimate changed.
    pub bad_minutes: Option<(Option<f64>, Option<f64>)>,
    /// Share of the component's error budget before → after (0.25 = 25 %).
    pub budget_share: Option<(Option<f64>, Option<f64>)>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Moved {
    pub from: String,
    pub to: String,
    /// `renamed` (same component) or `moved` (another component).
    pub kind: String,
}

#[derive(Debug, Serialize)]
pub struct Unreadable {
    /// `old` or `new`.
    pub side: String,
    pub finding: String,
}

fn summary_of(reg: &Register, risk: &Risk) -> RiskSummary {
    RiskSummary {
        risk: format!("{}/{}", reg.component, risk.id),
        title: risk.title.clone(),
        score: risk.score(),
        band: risk.band(),
        status: risk.status,
        runbook: risk.runbook.clone(),
    }
}

/// The same risk apart from its id.
fn same_content(a: &Risk, b: &Risk) -> bool {
    let mut a = a.clone();
    a.id.clone_from(&b.id);
    a == *b
}

/// Risks by reference (`component/id`): the component id and the risk.
type Refs<'a> = BTreeMap<String, (&'a str, &'a Risk)>;

/// Every risk by reference in the registers of `side` that differ in `other`: a register the
/// same on both sides has no risk added, removed, moved or changed.
fn refs<'a>(side: &'a Snapshot, other: &Snapshot) -> Refs<'a> {
    side.registers
        .iter()
        .filter(|(id, reg)| other.registers.get(*id) != Some(*reg))
        .flat_map(|(id, reg)| {
            reg.risks
                .iter()
                .map(move |r| (format!("{id}/{}", r.id), (id.as_str(), r)))
        })
        .collect()
}

/// Computes the diff from `old` to `new`.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Diff {
    let mut out = Diff::default();
    for (side, snapshot) in [("old", old), ("new", new)] {
        out.unreadable
            .extend(snapshot.unreadable.iter().map(|f| Unreadable {
                side: side.into(),
                finding: f.to_string(),
            }));
    }
    let old_refs = refs(old, new);
    let new_refs = refs(new, old);
    let mut removed: Vec<&String> = old_refs
        .keys()
        .filter(|k| !new_refs.contains_key(*k))
        .collect();
    let mut added: Vec<&String> = new_refs
        .keys()
        .filter(|k| !old_refs.contains_key(*k))
        .collect();
    let moved_pairs = pair_moves(&mut removed, &mut added, &old_refs, &new_refs);
    for (from, to) in &moved_pairs {
        let same_component = old_refs[from].0 == new_refs[to].0;
        out.risks_moved.push(Moved {
            from: from.clone(),
            to: to.clone(),
            kind: if same_component { "renamed" } else { "moved" }.into(),
        });
    }
    let ids: std::collections::BTreeSet<&String> =
        old.registers.keys().chain(new.registers.keys()).collect();
    for id in ids {
        match (old.registers.get(id), new.registers.get(id)) {
            (None, Some(reg)) => out.components_added.push(ComponentSummary {
                component: id.clone(),
                title: reg.title.clone(),
                risks: reg.risks.len(),
            }),
            (Some(reg), None) => out.components_removed.push(ComponentSummary {
                component: id.clone(),
                title: reg.title.clone(),
                risks: reg.risks.len(),
            }),
            (Some(a), Some(b)) if a != b => {
                let component = component_diff(a, b, &removed, &added);
                if !component.fields.is_empty()
                    || !component.risks_added.is_empty()
                    || !component.risks_removed.is_empty()
                    || !component.risks_changed.is_empty()
                    || component.risk_order.is_some()
                {
                    out.components_changed.push(component);
                }
            }
            _ => {}
        }
    }
    // Risks changed in a move are reported with the move's destination.
    for (from, to) in &moved_pairs {
        let (_, old_risk) = &old_refs[from];
        let (comp, new_risk) = &new_refs[to];
        let (Some(old_reg), Some(new_reg)) = (
            old.registers.get(old_refs[from].0),
            new.registers.get(*comp),
        ) else {
            continue;
        };
        let mut renamed = (*old_risk).clone();
        renamed.id.clone_from(&new_risk.id);
        if renamed != **new_risk {
            let change = risk_diff(old_reg, old_risk, new_reg, new_risk);
            if let Some(c) = out
                .components_changed
                .iter_mut()
                .find(|c| &c.component == comp)
            {
                c.risks_changed.push(change);
            }
        }
    }
    flag_risks(&mut out, old, new, &old_refs, &new_refs);
    // A component counts as changed when its fields or risks changed, or a risk moved in or out.
    let mut touched: std::collections::BTreeSet<&str> = out
        .components_changed
        .iter()
        .map(|c| c.component.as_str())
        .collect();
    for m in &out.risks_moved {
        for reference in [&m.from, &m.to] {
            if let Some((component, _)) = reference.split_once('/')
                && old.registers.contains_key(component)
                && new.registers.contains_key(component)
            {
                touched.insert(component);
            }
        }
    }
    out.summary = summary(&out, touched.len(), old, new);
    out
}

/// Moves and renames: a removed risk and an added one with the same id in another component,
/// or the same content under another id. Paired risks leave `removed` and `added`.
fn pair_moves(
    removed: &mut Vec<&String>,
    added: &mut Vec<&String>,
    old_refs: &Refs<'_>,
    new_refs: &Refs<'_>,
) -> Vec<(String, String)> {
    let mut moved_pairs: Vec<(String, String)> = Vec::new();
    for by_id in [true, false] {
        let mut i = 0;
        while i < removed.len() {
            let (old_comp, old_risk) = &old_refs[removed[i]];
            let found = added.iter().position(|a| {
                let (new_comp, new_risk) = &new_refs[*a];
                if by_id {
                    new_risk.id == old_risk.id && new_comp != old_comp
                } else {
                    same_content(old_risk, new_risk)
                }
            });
            match found {
                Some(j) => {
                    moved_pairs.push((removed.remove(i).clone(), added.remove(j).clone()));
                }
                None => i += 1,
            }
        }
    }
    moved_pairs
}

/// Flags what a reviewer should see first about risks added (to a component, or with a new
/// component) and changed.
fn flag_risks(
    out: &mut Diff,
    old: &Snapshot,
    new: &Snapshot,
    old_refs: &Refs<'_>,
    new_refs: &Refs<'_>,
) {
    // Risks of whole new components count too.
    for c in &out.components_added {
        if let Some(reg) = new.registers.get(&c.component) {
            for risk in &reg.risks {
                flags::new_risk(&mut out.flags, reg, risk, new);
            }
        }
    }
    for c in &out.components_changed {
        for r in &c.risks_added {
            if let (Some(reg), Some((_, risk))) =
                (new.registers.get(&c.component), new_refs.get(&r.risk))
            {
                flags::new_risk(&mut out.flags, reg, risk, new);
            }
        }
        for r in &c.risks_changed {
            flags::changed_risk(&mut out.flags, old_refs, new_refs, old, new, r);
        }
    }
}

/// The counts at the top of a review; `touched` components changed (a move in or out counts).
fn summary(out: &Diff, touched: usize, old: &Snapshot, new: &Snapshot) -> Summary {
    Summary {
        components_changed: touched,
        components_added: out.components_added.len(),
        components_removed: out.components_removed.len(),
        risks_added: out
            .components_changed
            .iter()
            .map(|c| c.risks_added.len())
            .sum::<usize>()
            + out.components_added.iter().map(|c| c.risks).sum::<usize>(),
        risks_removed: out
            .components_changed
            .iter()
            .map(|c| c.risks_removed.len())
            .sum::<usize>()
            + out
                .components_removed
                .iter()
                .map(|c| c.risks)
                .sum::<usize>(),
        risks_changed: out
            .components_changed
            .iter()
            .map(|c| c.risks_changed.len())
            .sum(),
        risks_moved: out.risks_moved.len(),
        score_before: old.total_score(),
        score_after: new.total_score(),
        net_score_change: new.total_score() - old.total_score(),
    }
}

fn list_text(items: &[String]) -> String {
    items.join(", ")
}

fn push_change(fields: &mut Vec<FieldChange>, field: &str, old: String, new: String) {
    if old != new {
        fields.push(FieldChange {
            field: field.into(),
            old,
            new,
        });
    }
}

fn num(n: Option<crate::model::Num>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn component_diff(
    a: &Register,
    b: &Register,
    removed: &[&String],
    added: &[&String],
) -> ComponentDiff {
    let mut fields = Vec::new();
    push_change(&mut fields, "title", a.title.clone(), b.title.clone());
    push_change(&mut fields, "owner", a.owner.clone(), b.owner.clone());
    push_change(
        &mut fields,
        "description",
        a.description.clone(),
        b.description.clone(),
    );
    push_change(
        &mut fields,
        "depends_on",
        list_text(&a.depends_on),
        list_text(&b.depends_on),
    );
    push_change(
        &mut fields,
        "availability",
        num(a.objectives.availability),
        num(b.objectives.availability),
    );
    push_change(
        &mut fields,
        "rto_minutes",
        num(a.objectives.rto_minutes),
        num(b.objectives.rto_minutes),
    );
    push_change(
        &mut fields,
        "rpo_minutes",
        num(a.objectives.rpo_minutes),
        num(b.objectives.rpo_minutes),
    );
    let prefix = format!("{}/", b.component);
    let risks_added = b
        .risks
        .iter()
        .filter(|r| added.iter().any(|x| **x == format!("{prefix}{}", r.id)))
        .map(|r| summary_of(b, r))
        .collect();
    let risks_removed = a
        .risks
        .iter()
        .filter(|r| removed.iter().any(|x| **x == format!("{prefix}{}", r.id)))
        .map(|r| summary_of(a, r))
        .collect();
    let mut risks_changed: Vec<RiskDiff> = Vec::new();
    for old_risk in &a.risks {
        if let Some(new_risk) = b.risks.iter().find(|r| r.id == old_risk.id)
            && old_risk != new_risk
        {
            risks_changed.push(risk_diff(a, old_risk, b, new_risk));
        }
    }
    // The order of the risks both sides keep: a reordering is a change a reviewer should see
    // (it is most of the lines of `git diff`).
    let before: Vec<String> = a
        .risks
        .iter()
        .filter(|r| b.risks.iter().any(|x| x.id == r.id))
        .map(|r| r.id.clone())
        .collect();
    let after: Vec<String> = b
        .risks
        .iter()
        .filter(|r| a.risks.iter().any(|x| x.id == r.id))
        .map(|r| r.id.clone())
        .collect();
    let risk_order = (before != after).then_some(Reorder { before, after });
    ComponentDiff {
        component: b.component.clone(),
        title: b.title.clone(),
        fields,
        risks_added,
        risks_removed,
        risks_changed,
        risk_order,
    }
}

/// How a risk's follow-ups changed, matched by their text: `added: …` (with owner and due),
/// `done: …`, `reopened: …`, `changed: …` (owner, due or ticket), `removed: …`.
fn follow_up_changes(
    old: &[crate::model::FollowUp],
    new: &[crate::model::FollowUp],
) -> Vec<String> {
    use crate::model::FollowUpStatus;
    let mut out = Vec::new();
    for b in new {
        match old.iter().find(|a| a.text == b.text) {
            None => out.push(format!("added: {}", b.summary())),
            Some(a) if a == b => {}
            Some(a) if a.status != b.status => out.push(match b.status {
                FollowUpStatus::Done => format!("done: {}", b.text),
                FollowUpStatus::Open => format!("reopened: {}", b.text),
            }),
            Some(_) => out.push(format!("changed: {}", b.summary())),
        }
    }
    for a in old {
        if !new.iter().any(|b| b.text == a.text) {
            out.push(format!("removed: {}", a.text));
        }
    }
    out
}

fn risk_diff(old_reg: &Register, a: &Risk, new_reg: &Register, b: &Risk) -> RiskDiff {
    let mut fields = Vec::new();
    // Each single value by the field table, in its order; the lists below, item by item.
    for field in RISK_FIELDS
        .iter()
        .filter(|f| f.is_scalar() && f.key != "id")
    {
        push_change(&mut fields, field.key, field.text(a), field.text(b));
    }
    let diff_list = |x: &[String], y: &[String]| -> (Vec<String>, Vec<String>) {
        (
            y.iter().filter(|q| !x.contains(q)).cloned().collect(),
            x.iter().filter(|q| !y.contains(q)).cloned().collect(),
        )
    };
    let (questions_added, questions_answered) = diff_list(&a.questions, &b.questions);
    let (tickets_added, tickets_removed) = diff_list(&a.tickets, &b.tickets);
    let (alerts_added, alerts_removed) = diff_list(&a.alerts, &b.alerts);
    let lines = |r: &Risk| -> Vec<String> {
        r.rehearsals
            .iter()
            .map(crate::model::Rehearsal::summary)
            .collect()
    };
    let (rehearsals_added, rehearsals_removed) = diff_list(&lines(a), &lines(b));
    let levels_changed = a.likelihood != b.likelihood || a.impact != b.impact;
    let bad = (
        a.estimate.bad_minutes_per_year(),
        b.estimate.bad_minutes_per_year(),
    );
    let share = (old_reg.budget_share(a), new_reg.budget_share(b));
    RiskDiff {
        risk: format!("{}/{}", new_reg.component, b.id),
        title: b.title.clone(),
        fields,
        score: levels_changed.then(|| (a.score(), b.score())),
        band: (a.band() != b.band()).then(|| (a.band(), b.band())),
        questions_added,
        questions_answered,
        tickets_added,
        tickets_removed,
        alerts_added,
        alerts_removed,
        rehearsals_added,
        rehearsals_removed,
        follow_ups: follow_up_changes(&a.follow_ups, &b.follow_ups),
        bad_minutes: (bad.0 != bad.1).then_some(bad),
        budget_share: (share.0 != share.1).then_some(share),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(files: &[(&str, &str)]) -> Snapshot {
        Snapshot::from_files(
            files
                .iter()
                .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec())),
        )
    }

    /// A directory read for a diff finds the same registers and resolves links the same way as
    /// the workspace loaded whole: into a hidden folder, a missing file or a missing anchor, no;
    /// into a runbook over the size limit, only without an anchor.
    #[test]
    fn a_directory_side_resolves_links_as_the_loaded_workspace_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("registers/api.json", BASE),
            ("registers/broken.json", "{"),
            ("runbooks/a.md", "# A\n\n## Raise\n"),
            ("runbooks/.hidden/b.md", "# B\n"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        let big = std::fs::File::create(root.join("runbooks/big.md")).unwrap();
        big.set_len(crate::parse::MAX_FILE_BYTES + 1).unwrap();
        let on_disk = Snapshot::from_dir(root).unwrap();
        let loaded = Snapshot::from_workspace(&crate::store::Workspace::load(root).unwrap());
        assert_eq!(on_disk.registers, loaded.registers);
        assert_eq!(on_disk.unreadable, loaded.unreadable);
        for (link, resolves) in [
            ("runbooks/a.md", true),
            ("runbooks/a.md#raise", true),
            ("runbooks/./a.md#raise", true),
            ("runbooks/a.md#lower", false),
            ("runbooks/big.md", true),
            ("runbooks/big.md#a", false),
            ("runbooks/.hidden/b.md", false),
            ("runbooks/missing.md", false),
        ] {
            assert_eq!(on_disk.resolves(link), resolves, "{link}");
            assert_eq!(loaded.resolves(link), resolves, "{link}");
        }
    }

    const BASE: &str = r#"{"component":"api","title":"API","objectives":{"availability":99.9},"risks":[
        {"id":"limit","title":"Limit reached","likelihood":"medium","impact":"medium","mitigation":"Raise it","runbook":"runbooks/a.md#raise","status":"open","questions":["Retries?"]},
        {"id":"cert","title":"Certificate expires","likelihood":"low","impact":"high","status":"open"}]}"#;

    #[test]
    fn level_change_reports_score_band_and_flags() {
        let old = snapshot(&[
            ("registers/api.json", BASE),
            ("runbooks/a.md", "# A\n\n## Raise\n"),
        ]);
        let raised = BASE
            .replace(
                r#""likelihood":"medium","impact":"medium""#,
                r#""likelihood":"high","impact":"high""#,
            )
            .replace(r#""runbook":"runbooks/a.md#raise","#, "")
            .replace(r#""questions":["Retries?"]"#, r#""questions":[]"#);
        let new = snapshot(&[
            ("registers/api.json", &raised),
            ("runbooks/a.md", "# A\n\n## Raise\n"),
        ]);
        let d = diff(&old, &new);
        let change = &d.components_changed[0].risks_changed[0];
        assert_eq!(change.risk, "api/limit");
        assert_eq!(change.score, Some((9, 16)));
        assert_eq!(change.band, Some((Band::Medium, Band::High)));
        assert_eq!(change.questions_answered, ["Retries?"]);
        assert_eq!(
            d.flags,
            [Flag {
                risk: "api/limit".into(),
                message: "raised to high (score 16) without runbook".into()
            }]
        );
        assert_eq!(d.summary.net_score_change, 7);
    }

    #[test]
    fn renames_and_moves_are_not_add_and_remove() {
        let old = snapshot(&[
            ("registers/api.json", BASE),
            (
                "registers/web.json",
                r#"{"component":"web","title":"Web","risks":[]}"#,
            ),
        ]);
        let renamed = BASE.replace(r#""id":"cert""#, r#""id":"cert-expiry""#);
        let new = snapshot(&[
            ("registers/api.json", &renamed),
            (
                "registers/web.json",
                r#"{"component":"web","title":"Web","risks":[]}"#,
            ),
        ]);
        let d = diff(&old, &new);
        assert_eq!(
            d.risks_moved,
            [Moved {
                from: "api/cert".into(),
                to: "api/cert-expiry".into(),
                kind: "renamed".into()
            }]
        );
        assert_eq!(d.summary.risks_added, 0);
        assert_eq!(d.summary.risks_removed, 0);
    }

    #[test]
    fn broken_links_on_the_new_side_are_flagged() {
        let old = snapshot(&[
            ("registers/api.json", BASE),
            ("runbooks/a.md", "# A\n\n## Raise\n"),
        ]);
        let new = snapshot(&[
            ("registers/api.json", BASE),
            ("runbooks/a.md", "# A\n\n## Raised limit\n"),
        ]);
        // The register did not change, but its link broke: only a changed risk is reported.
        assert!(diff(&old, &new).flags.is_empty());
        let relinked = BASE.replace("#raise", "#raise-it");
        let new = snapshot(&[
            ("registers/api.json", &relinked),
            ("runbooks/a.md", "# A\n\n## Raise\n"),
        ]);
        let d = diff(&old, &new);
        assert_eq!(
            d.flags[0].message,
            "runbook link `runbooks/a.md#raise-it` is now broken"
        );
    }
}
