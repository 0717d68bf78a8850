//! Coverage: components × categories, the number of risks each component has in each, so the
//! categories a component has never considered stand out (teams list the failures they have
//! seen). Shown in the TUI (`C`) and the HTML report.

use crate::store::Workspace;
use serde::Serialize;

/// One component's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub component: String,
    /// Risks per category, in the order of `Coverage::categories`.
    pub counts: Vec<usize>,
    /// Risks with no category, or one the workspace does not use.
    pub other: usize,
}

impl Row {
    /// Categories with no risk.
    pub fn gaps(&self) -> usize {
        self.counts.iter().filter(|n| **n == 0).count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub categories: Vec<String>,
    /// Whether any risk has a category (until one does, every cell is empty).
    pub used: bool,
    /// By component id.
    pub rows: Vec<Row>,
}

pub fn of(ws: &Workspace) -> Coverage {
    let (categories, used) = ws.category_names();
    let mut rows: Vec<Row> = ws
        .registers()
        .map(|reg| {
            let mut counts = vec![0; categories.len()];
            let mut other = 0;
            for risk in &reg.risks {
                match categories.iter().position(|c| risk.in_category(c)) {
                    Some(i) => counts[i] += 1,
                    None => other += 1,
                }
            }
            Row {
                component: reg.component.clone(),
                counts,
                other,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.component.cmp(&b.component));
    Coverage {
        categories,
        used,
        rows,
    }
}

/// The HTML report's coverage table: a cell per component and category, the empty ones
/// marked "never" (readable without colour).
pub fn html(coverage: &Coverage) -> String {
    use crate::export::escape;
    use std::fmt::Write as _;
    let mut out = String::from("<h2>Coverage</h2>\n");
    if !coverage.used {
        out.push_str("<p>No risk has a <code>category</code> yet: give each one (");
        out.push_str(&escape(&coverage.categories.join(", ")));
        out.push_str(") to see which kinds of failure each component has never considered.</p>\n");
        return out;
    }
    out.push_str("<p>Risks per category; <em>never</em>: a kind of failure the component has not considered.</p>\n<div class=\"scroll\"><table><tr><th>component</th>");
    for c in &coverage.categories {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("<th>other</th></tr>\n");
    for row in &coverage.rows {
        let _ = write!(out, "<tr><td><code>{}</code></td>", escape(&row.component));
        for n in &row.counts {
            if *n == 0 {
                out.push_str("<td class=\"n empty\">never</td>");
            } else {
                let _ = write!(out, "<td class=\"n\">{n}</td>");
            }
        }
        let _ = writeln!(out, "<td class=\"n\">{}</td></tr>", row.other);
    }
    out.push_str("</table></div>\n");
    out
}
