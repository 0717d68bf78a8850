//! Blast radius: which components a failure of one reaches through `depends_on` (everything
//! that depends on it, directly or through others), with the depth and one path to each, the
//! cycles met on the way, and the risks of the components reached, by band.

use crate::model::{Band, Register};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// One component a failure reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reached {
    pub component: String,
    /// 1: depends on it directly.
    pub depth: usize,
    /// One shortest path, from the failing component to this one.
    pub path: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blast {
    pub component: String,
    pub reached: Vec<Reached>,
    /// Each cycle met, as the components around it (first repeated at the end).
    pub cycles: Vec<Vec<String>>,
    /// Risks of the reached components, by band: critical, high, medium, low.
    pub risks_by_band: BTreeMap<String, usize>,
}

/// The blast radius of `component`; `None` when no register has that id.
pub fn blast(registers: &[&Register], component: &str) -> Option<Blast> {
    if !registers.iter().any(|r| r.component == component) {
        return None;
    }
    // Who depends on whom, reversed: component → the components that depend on it.
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for reg in registers {
        for dep in &reg.depends_on {
            dependents
                .entry(dep.as_str())
                .or_default()
                .push(reg.component.as_str());
        }
    }
    for list in dependents.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    let mut paths: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    paths.insert(component, vec![component.to_owned()]);
    let mut queue = VecDeque::from([component]);
    let mut reached = Vec::new();
    let mut cycles: Vec<Vec<String>> = Vec::new();
    while let Some(at) = queue.pop_front() {
        let path = paths[at].clone();
        for &next in dependents.get(at).map(Vec::as_slice).unwrap_or_default() {
            if let Some(seen) = paths.get(next) {
                // Back to a component on this very path: a cycle.
                if let Some(start) = path.iter().position(|p| p == next) {
                    let mut cycle = path[start..].to_vec();
                    cycle.push(next.to_owned());
                    if !cycles.iter().any(|c| same_cycle(c, &cycle)) {
                        cycles.push(cycle);
                    }
                }
                let _ = seen;
                continue;
            }
            let mut next_path = path.clone();
            next_path.push(next.to_owned());
            reached.push(Reached {
                component: next.to_owned(),
                depth: next_path.len() - 1,
                path: next_path.clone(),
            });
            paths.insert(next, next_path);
            queue.push_back(next);
        }
    }
    let mut risks_by_band: BTreeMap<String, usize> =
        Band::ALL.iter().map(|b| (b.to_string(), 0)).collect();
    for r in &reached {
        if let Some(reg) = registers.iter().find(|reg| reg.component == r.component) {
            for risk in &reg.risks {
                *risks_by_band.entry(risk.band().to_string()).or_default() += 1;
            }
        }
    }
    Some(Blast {
        component: component.to_owned(),
        reached,
        cycles,
        risks_by_band,
    })
}

/// Two cycles are the same when one is a rotation of the other.
fn same_cycle(a: &[String], b: &[String]) -> bool {
    let (a, b) = (&a[..a.len() - 1], &b[..b.len() - 1]);
    a.len() == b.len() && (0..a.len()).any(|k| a.iter().cycle().skip(k).take(a.len()).eq(b.iter()))
}

/// Plain text: one line per component reached, with its path.
pub fn text(b: &Blast) -> String {
    let mut out = String::new();
    if b.reached.is_empty() {
        out.push_str(&format!("nothing depends on {}\n", b.component));
    } else {
        out.push_str(&format!(
            "a failure of {} reaches {}:\n",
            b.component,
            crate::finding::plural(b.reached.len(), "component")
        ));
        for r in &b.reached {
            out.push_str(&format!(
                "  {:<28} depth {}  via {}\n",
                r.component,
                r.depth,
                r.path.join(" ← ")
            ));
        }
        let bands: Vec<String> = ["critical", "high", "medium", "low"]
            .iter()
            .map(|band| {
                format!(
                    "{} {band}",
                    b.risks_by_band.get(*band).copied().unwrap_or(0)
                )
            })
            .collect();
        out.push_str(&format!("their risks: {}\n", bands.join(", ")));
    }
    for cycle in &b.cycles {
        out.push_str(&format!("cycle: {}\n", cycle.join(" ← ")));
    }
    out
}

/// Graphviz: the failing component and every edge on the way to what it reaches.
pub fn dot(b: &Blast) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from("digraph blast {\n  rankdir=LR;\n");
    out.push_str(&format!(
        "  {} [style=filled, fillcolor=\"#ffb3b3\"];\n",
        quote(&b.component)
    ));
    let mut edges: Vec<(String, String)> = Vec::new();
    for r in &b.reached {
        for pair in r.path.windows(2) {
            let edge = (pair[1].clone(), pair[0].clone());
            if !edges.contains(&edge) {
                edges.push(edge);
            }
        }
    }
    for (from, to) in edges {
        out.push_str(&format!("  {} -> {};\n", quote(&from), quote(&to)));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(id: &str, deps: &[&str]) -> Register {
        let mut r = Register::new(id);
        r.depends_on = deps.iter().map(|d| (*d).to_owned()).collect();
        r
    }

    #[test]
    fn a_diamond_reaches_each_component_once_at_its_shortest_depth() {
        // api and worker depend on db; web depends on api and worker; edge on web.
        let regs = [
            reg("db", &[]),
            reg("api", &["db"]),
            reg("worker", &["db"]),
            reg("web", &["api", "worker"]),
            reg("edge", &["web"]),
        ];
        let refs: Vec<&Register> = regs.iter().collect();
        let b = blast(&refs, "db").unwrap();
        let depth: Vec<(&str, usize)> = b
            .reached
            .iter()
            .map(|r| (r.component.as_str(), r.depth))
            .collect();
        assert_eq!(depth, [("api", 1), ("worker", 1), ("web", 2), ("edge", 3)]);
        assert_eq!(b.reached[3].path, ["db", "api", "web", "edge"]);
        assert!(b.cycles.is_empty());
    }

    #[test]
    fn a_cycle_is_reported_once_and_ends_the_walk() {
        let regs = [reg("a", &["c"]), reg("b", &["a"]), reg("c", &["b"])];
        let refs: Vec<&Register> = regs.iter().collect();
        let b = blast(&refs, "a").unwrap();
        assert_eq!(b.reached.len(), 2);
        assert_eq!(b.cycles, [vec!["a", "b", "c", "a"]]);
        assert!(blast(&refs, "nope").is_none());
    }
}
