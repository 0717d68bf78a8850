//! The diff as text for a terminal, as markdown for a pull-request comment.

use super::{Diff, FieldChange, RiskDiff};
use crate::sanitize::sanitize;
use std::fmt::Write as _;

fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{:.1}%", s * 100.0))
}

fn minutes(m: Option<f64>) -> String {
    m.map_or_else(|| "—".into(), |m| format!("{m:.0}"))
}

fn shorten(text: &str, max: usize) -> String {
    let one_line = text.replace('\n', " ");
    crate::list::truncate(&one_line, max)
}

fn field_text(f: &FieldChange) -> String {
    let show = |v: &str| {
        if v.is_empty() {
            "∅".to_owned()
        } else {
            shorten(v, 60)
        }
    };
    format!("{} {} → {}", f.field, show(&f.old), show(&f.new))
}

/// One line per change of a risk: "likelihood medium → high, score 9 → 12 (medium → high)".
pub fn risk_changes(r: &RiskDiff) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for f in &r.fields {
        let mut text = field_text(f);
        if f.field == "impact"
            || (f.field == "likelihood" && !r.fields.iter().any(|g| g.field == "impact"))
        {
            if let Some((a, b)) = r.score {
                let _ = write!(text, ", score {a} → {b}");
            }
            if let Some((a, b)) = r.band {
                let _ = write!(text, " ({a} → {b})");
            }
        }
        parts.push(text);
    }
    for (label, questions) in [
        ("question added", &r.questions_added),
        ("question answered", &r.questions_answered),
    ] {
        if !questions.is_empty() {
            let shown: Vec<String> = questions.iter().map(|q| shorten(q, 60)).collect();
            parts.push(format!("{label}: {}", shown.join("; ")));
        }
    }
    if !r.tickets_added.is_empty() {
        parts.push(format!("tickets + {}", r.tickets_added.join(", ")));
    }
    if !r.tickets_removed.is_empty() {
        parts.push(format!("tickets − {}", r.tickets_removed.join(", ")));
    }
    if let Some((a, b)) = r.bad_minutes {
        let mut text = format!("bad minutes/year {} → {}", minutes(a), minutes(b));
        if let Some((x, y)) = r.budget_share {
            let _ = write!(text, ", budget share {} → {}", pct(x), pct(y));
        }
        parts.push(text);
    } else if let Some((x, y)) = r.budget_share {
        parts.push(format!("budget share {} → {}", pct(x), pct(y)));
    }
    parts
}

/// Plain text (coloured when `color`), ordered and stable.
pub fn text(d: &Diff, color: bool) -> String {
    let paint = |code: &str, t: &str| {
        if color {
            format!("\x1b[{code}m{t}\x1b[0m")
        } else {
            t.to_owned()
        }
    };
    let mut out = String::new();
    for f in &d.flags {
        let _ = writeln!(out, "{} {}: {}", paint("1;31", "!"), f.risk, f.message);
    }
    if !d.flags.is_empty() {
        out.push('\n');
    }
    for (list, sign, code) in [
        (&d.components_added, "+", "32"),
        (&d.components_removed, "-", "31"),
    ] {
        for c in list {
            let _ = writeln!(
                out,
                "{} component {} ({}), {} risks",
                paint(code, sign),
                c.component,
                c.title,
                c.risks
            );
        }
    }
    for m in &d.risks_moved {
        let _ = writeln!(out, "{} {} {} → {}", paint("36", "→"), m.kind, m.from, m.to);
    }
    for c in &d.components_changed {
        let _ = writeln!(out, "{} ({})", paint("1", &c.component), c.title);
        for f in &c.fields {
            let _ = writeln!(out, "  {} {}", paint("33", "~"), field_text(f));
        }
        for r in &c.risks_added {
            let runbook = if r.runbook.is_empty() {
                ", no runbook"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {} {}: “{}” score {} {}{runbook}",
                paint("32", "+"),
                r.risk,
                shorten(&r.title, 60),
                r.score,
                r.band
            );
        }
        for r in &c.risks_removed {
            let _ = writeln!(
                out,
                "  {} {}: “{}” score {}",
                paint("31", "-"),
                r.risk,
                shorten(&r.title, 60),
                r.score
            );
        }
        for r in &c.risks_changed {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                paint("33", "~"),
                r.risk,
                risk_changes(r).join("; ")
            );
        }
    }
    for u in &d.unreadable {
        let _ = writeln!(
            out,
            "{} unreadable on the {} side: {}",
            paint("1;31", "?"),
            u.side,
            u.finding
        );
    }
    let s = &d.summary;
    let _ = writeln!(
        out,
        "{} component{} changed ({} added, {} removed); risks: {} added, {} removed, {} changed, {} moved; net score {:+} ({} → {})",
        s.components_changed,
        if s.components_changed == 1 { "" } else { "s" },
        s.components_added,
        s.components_removed,
        s.risks_added,
        s.risks_removed,
        s.risks_changed,
        s.risks_moved,
        s.net_score_change,
        s.score_before,
        s.score_after
    );
    // Register text comes from pull requests: nothing in it may act on the terminal.
    out.lines()
        .map(|l| {
            if color {
                l.to_owned()
            } else {
                sanitize(l).into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Markdown table cells: pipes escaped, newlines flattened, HTML neutralised.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Sections with more rows than this go inside `<details>`.
const DETAILS_FROM: usize = 10;

/// Markdown for a pull-request comment: a summary table, flags, then a table per component.
pub fn markdown(d: &Diff) -> String {
    let s = &d.summary;
    let mut out = String::from("### faultline: register changes\n\n");
    out.push_str("| components changed | added | removed | risks added | removed | changed | moved | net score |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {:+} ({} → {}) |\n",
        s.components_changed,
        s.components_added,
        s.components_removed,
        s.risks_added,
        s.risks_removed,
        s.risks_changed,
        s.risks_moved,
        s.net_score_change,
        s.score_before,
        s.score_after
    );
    if !d.flags.is_empty() {
        out.push_str("**Look at these first**\n\n");
        for f in &d.flags {
            let _ = writeln!(out, "- ⚠️ `{}`: {}", cell(&f.risk), cell(&f.message));
        }
        out.push('\n');
    }
    for (list, what) in [
        (&d.components_added, "➕ new"),
        (&d.components_removed, "➖ removed"),
    ] {
        for c in list {
            let _ = writeln!(
                out,
                "- {what} component `{}` ({}), {} risks",
                cell(&c.component),
                cell(&c.title),
                c.risks
            );
        }
    }
    for m in &d.risks_moved {
        let _ = writeln!(
            out,
            "- ↪️ {} `{}` → `{}`",
            m.kind,
            cell(&m.from),
            cell(&m.to)
        );
    }
    if !(d.components_added.is_empty()
        && d.components_removed.is_empty()
        && d.risks_moved.is_empty())
    {
        out.push('\n');
    }
    for c in &d.components_changed {
        let mut rows = Vec::new();
        for f in &c.fields {
            rows.push(format!("| component | {} |", cell(&field_text(f))));
        }
        for r in &c.risks_added {
            let runbook = if r.runbook.is_empty() {
                "no runbook".to_owned()
            } else {
                format!("runbook `{}`", cell(&r.runbook))
            };
            rows.push(format!(
                "| ➕ `{}` | {} · score {} ({}) · {runbook} |",
                cell(&r.risk),
                cell(&r.title),
                r.score,
                r.band
            ));
        }
        for r in &c.risks_removed {
            rows.push(format!(
                "| ➖ `{}` | {} · score {} |",
                cell(&r.risk),
                cell(&r.title),
                r.score
            ));
        }
        for r in &c.risks_changed {
            rows.push(format!(
                "| `{}` | {} |",
                cell(&r.risk),
                risk_changes(r)
                    .iter()
                    .map(|t| cell(t))
                    .collect::<Vec<_>>()
                    .join("<br>")
            ));
        }
        let table = format!("| risk | change |\n|---|---|\n{}\n", rows.join("\n"));
        let heading = format!("#### `{}` — {}", cell(&c.component), cell(&c.title));
        if rows.len() > DETAILS_FROM {
            let _ = write!(
                out,
                "<details><summary>{} ({} changes)</summary>\n\n{heading}\n\n{table}\n</details>\n\n",
                cell(&c.component),
                rows.len()
            );
        } else {
            let _ = write!(out, "{heading}\n\n{table}\n");
        }
    }
    for u in &d.unreadable {
        let _ = writeln!(
            out,
            "- ❓ unreadable on the {} side: `{}`",
            u.side,
            cell(&u.finding)
        );
    }
    out
}
