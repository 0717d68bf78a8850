//! A three-way merge of one register: the file as it was loaded (base), as edited here (mine)
//! and as it is on disk now (theirs). Risks are merged by id and the component's own fields one
//! by one; when both sides changed the same risk or field differently, that is a clash and
//! nothing is merged. Used when a file changed on disk while it had unsaved edits.

use crate::model::{Register, Risk};

/// The outcome of a merge.
#[derive(Debug, Clone, PartialEq)]
pub enum Merge {
    /// Both sides' changes, together.
    Clean(Register),
    /// What both sides changed differently (`payments-api/concurrency-limit`, `owner`).
    Clashes(Vec<String>),
}

/// One side's choice for a value changed on at most one side.
fn pick<'a, T: PartialEq>(base: &'a T, mine: &'a T, theirs: &'a T) -> Option<&'a T> {
    if mine == base || mine == theirs {
        Some(theirs)
    } else if theirs == base {
        Some(mine)
    } else {
        None
    }
}

/// Merges `mine` and `theirs`, both made from `base`.
pub fn merge(base: &Register, mine: &Register, theirs: &Register) -> Merge {
    let mut clashes = Vec::new();
    let mut out = theirs.clone();
    macro_rules! field {
        ($name:literal, $($f:tt)+) => {
            match pick(&base.$($f)+, &mine.$($f)+, &theirs.$($f)+) {
                Some(v) => out.$($f)+ = v.clone(),
                None => clashes.push($name.to_owned()),
            }
        };
    }
    field!("component id", component);
    field!("title", title);
    field!("owner", owner);
    field!("description", description);
    field!("depends_on", depends_on);
    field!("objectives", objectives);

    let find = |reg: &Register, id: &str| reg.risks.iter().find(|r| r.id == id).cloned();
    // Every id on any side, in the order the merged file will have them.
    let ids = merged_order(base, mine, theirs, &mut clashes);
    let mut risks: Vec<Risk> = Vec::new();
    for id in &ids {
        let (b, m, t) = (find(base, id), find(mine, id), find(theirs, id));
        match pick(&b, &m, &t) {
            Some(Some(risk)) => risks.push(risk.clone()),
            Some(None) => {}
            None => clashes.push(format!("{}/{id}", base.component)),
        }
    }
    out.risks = risks;
    if clashes.is_empty() {
        Merge::Clean(out)
    } else {
        Merge::Clashes(clashes)
    }
}

/// The order of the merged risks: the side that reordered the risks both keep gives the order
/// (both reordering differently is a clash); risks one side added follow where that side put
/// them, else at the end.
fn merged_order(
    base: &Register,
    mine: &Register,
    theirs: &Register,
    clashes: &mut Vec<String>,
) -> Vec<String> {
    let ids = |reg: &Register| reg.risks.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    let kept = |reg: &Register, others: [&Register; 2]| -> Vec<String> {
        reg.risks
            .iter()
            .map(|r| r.id.clone())
            .filter(|id| others.iter().all(|o| o.risks.iter().any(|r| &r.id == id)))
            .collect()
    };
    let (b, m, t) = (
        kept(base, [mine, theirs]),
        kept(mine, [base, theirs]),
        kept(theirs, [base, mine]),
    );
    let leader = if m != b && t != b && m != t {
        clashes.push("risk order".to_owned());
        theirs
    } else if m != b {
        mine
    } else {
        theirs
    };
    let mut order = ids(leader);
    for side in [theirs, mine, base] {
        for id in ids(side) {
            if !order.contains(&id) {
                order.push(id);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Level;

    fn base() -> Register {
        let mut reg = Register::new("api");
        for id in ["a", "b", "c"] {
            reg.risks.push(Risk::new(id, id));
        }
        reg
    }

    #[test]
    fn changes_to_different_risks_merge() {
        let base = base();
        let mut mine = base.clone();
        mine.risks[0].likelihood = Level::VeryHigh;
        mine.risks.push(Risk::new("mine", "Mine"));
        let mut theirs = base.clone();
        theirs.risks[2].mitigation = "Theirs".into();
        theirs.owner = "team-theirs".into();
        let Merge::Clean(merged) = merge(&base, &mine, &theirs) else {
            panic!("should merge");
        };
        assert_eq!(merged.risks[0].likelihood, Level::VeryHigh);
        assert_eq!(merged.risks[2].mitigation, "Theirs");
        assert_eq!(merged.owner, "team-theirs");
        assert_eq!(merged.risks[3].id, "mine");
    }

    #[test]
    fn the_same_risk_changed_on_both_sides_clashes() {
        let base = base();
        let mut mine = base.clone();
        mine.risks[1].title = "Mine".into();
        let mut theirs = base.clone();
        theirs.risks[1].title = "Theirs".into();
        assert_eq!(
            merge(&base, &mine, &theirs),
            Merge::Clashes(vec!["api/b".into()])
        );
        // The same change on both sides is no clash.
        assert!(matches!(merge(&base, &mine, &mine), Merge::Clean(_)));
    }

    #[test]
    fn a_risk_deleted_on_one_side_and_kept_on_the_other_goes() {
        let base = base();
        let mut mine = base.clone();
        mine.risks.remove(1);
        let mut theirs = base.clone();
        theirs.risks[0].status = crate::model::Status::Accepted;
        let Merge::Clean(merged) = merge(&base, &mine, &theirs) else {
            panic!("should merge");
        };
        let ids: Vec<&str> = merged.risks.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(merged.risks[0].status, crate::model::Status::Accepted);
    }
}
