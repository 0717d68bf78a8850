//! Reporting out: the register as CSV that `import` reads back to the same files (cells that a
//! spreadsheet would run as formulas are escaped), as markdown with the heat map, and as one
//! self-contained HTML page (inline CSS, no scripts, nothing from the network) with the heat
//! map coloured by band and readable without colour, the risks, and each component's error
//! budget as a bar.

use crate::model::fields::RISK_FIELDS;
use crate::model::{Band, Level, Num, Register, score};
use std::fmt::Write as _;

/// The component's CSV columns; the risk's follow, one per entry of `RISK_FIELDS`.
pub const COMPONENT_COLUMNS: [&str; 8] = [
    "component",
    "component_title",
    "component_description",
    "owner",
    "depends_on",
    "availability",
    "rto_minutes",
    "rpo_minutes",
];

/// The CSV columns, in order: everything a register holds.
pub fn csv_header() -> Vec<&'static str> {
    COMPONENT_COLUMNS
        .into_iter()
        .chain(RISK_FIELDS.iter().map(|f| f.key))
        .collect()
}

fn num(n: Option<Num>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The register as CSV: one row per risk, a component with no risks as one row of its own.
/// The component's fields are on its first row only (as in a spreadsheet with merged cells).
pub fn csv<'a>(registers: impl IntoIterator<Item = &'a Register>) -> String {
    csv_with(registers, &[], &|_| Vec::new())
}

/// `csv` with leading columns of its own on every row (the organisation's repository and
/// team): `lead_header` names them, `lead` gives a register's cells.
pub fn csv_with<'a>(
    registers: impl IntoIterator<Item = &'a Register>,
    lead_header: &[&str],
    lead: &dyn Fn(&Register) -> Vec<String>,
) -> String {
    let mut out = String::new();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .map(|c| crate::list::csv_cell(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    let header = csv_header();
    out.push_str(&line(
        &lead_header
            .iter()
            .chain(&header)
            .map(|h| (*h).to_owned())
            .collect::<Vec<_>>(),
    ));
    out.push('\n');
    for reg in registers {
        let lead = lead(reg);
        let component = [
            reg.component.clone(),
            reg.title.clone(),
            reg.description.clone(),
            reg.owner.clone(),
            reg.depends_on.join("; "),
            num(reg.objectives.availability),
            num(reg.objectives.rto_minutes),
            num(reg.objectives.rpo_minutes),
        ];
        if reg.risks.is_empty() {
            let mut cells = component.to_vec();
            cells.resize(header.len(), String::new());
            out.push_str(&line(&[lead.clone(), cells].concat()));
            out.push('\n');
        }
        for (i, risk) in reg.risks.iter().enumerate() {
            let mut cells = if i == 0 {
                component.to_vec()
            } else {
                let mut blank = vec![String::new(); component.len()];
                blank[0].clone_from(&reg.component);
                blank
            };
            cells.extend(RISK_FIELDS.iter().map(|f| f.text(risk)));
            out.push_str(&line(&[lead.clone(), cells].concat()));
            out.push('\n');
        }
    }
    out
}

/// Risks per heat-map cell, `[likelihood - 1][impact - 1]`.
fn grid<'a>(registers: impl IntoIterator<Item = &'a Register>) -> [[usize; 5]; 5] {
    let mut grid = [[0usize; 5]; 5];
    for reg in registers {
        for r in &reg.risks {
            grid[usize::from(r.likelihood.value() - 1)][usize::from(r.impact.value() - 1)] += 1;
        }
    }
    grid
}

/// Estimated minutes to detect and to repair beside the latest rehearsal's measured ones:
/// `10 · measured 14 (2026-11-24)`; `!` marks a measurement more than twice the estimate.
fn estimate_and_measured(r: &crate::model::Risk) -> [String; 2] {
    let latest = r.latest_rehearsal();
    let over = r.measured_over_estimate();
    let one = |what: &str, estimate: Option<Num>, measured: Option<Num>| {
        let mut text = estimate.map_or_else(|| "—".to_owned(), |e| e.to_string());
        if let (Some(latest), Some(m)) = (latest, measured) {
            let flag = if over.iter().any(|(w, _, _)| *w == what) {
                " ⚠ over 2×"
            } else {
                ""
            };
            let _ = write!(text, " · measured {m} ({}){flag}", latest.date);
        }
        text
    };
    [
        one(
            "detect",
            r.estimate.ettd_minutes,
            latest.and_then(|l| l.detect_minutes),
        ),
        one(
            "repair",
            r.estimate.ettr_minutes,
            latest.and_then(|l| l.repair_minutes),
        ),
    ]
}

fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{:.1} %", s * 100.0))
}

fn minutes(m: Option<f64>) -> String {
    m.map_or_else(|| "—".into(), |m| format!("{m:.0}"))
}

/// Markdown: the heat map as a table, then a section per component.
pub fn markdown(registers: &[&Register]) -> String {
    let cell = crate::diff::format::cell;
    let code = crate::diff::format::code;
    let mut out = String::from(
        "# Risk register\n\n## Heat map\n\nRisks per cell: likelihood down the side, impact along the top.\n\n",
    );
    out.push_str("| likelihood ↓ · impact → | very-low | low | medium | high | very-high |\n|---|---:|---:|---:|---:|---:|\n");
    let g = grid(registers.iter().copied());
    for l in Level::ALL.iter().rev() {
        let _ = write!(out, "| **{l}** |");
        for i in Level::ALL {
            let n = g[usize::from(l.value() - 1)][usize::from(i.value() - 1)];
            let band = Band::of_score(score(*l, i)).marker().trim().to_owned();
            if n == 0 {
                let _ = write!(out, " · |");
            } else {
                let _ = write!(out, " {n} {band} |");
            }
        }
        out.push('\n');
    }
    out.push('\n');
    for reg in registers {
        let _ = writeln!(out, "## {} — {}\n", code(&reg.component), cell(&reg.title));
        let (total, share) = reg.budget_use();
        if let Some(budget) = reg.error_budget_minutes() {
            let _ = writeln!(
                out,
                "Error budget {budget:.1} min a year ({}% availability); the risks' expected bad minutes {} ({}).\n",
                num(reg.objectives.availability),
                minutes(total),
                pct(share)
            );
        }
        if reg.risks.is_empty() {
            out.push_str("_No risks recorded._\n\n");
            continue;
        }
        out.push_str("| risk | score | status | detect min | repair min | bad min/yr | budget share | runbook |\n|---|---:|---|---|---|---:|---:|---|\n");
        for i in reg.risks_by_score() {
            let r = &reg.risks[i];
            let [detect, repair] = estimate_and_measured(r);
            let _ = writeln!(
                out,
                "| {} ({}) | {} {} | {} | {detect} | {repair} | {} | {} | {} |",
                cell(&r.title),
                code(&r.id),
                r.score(),
                r.band().marker().trim(),
                r.status,
                minutes(r.estimate.bad_minutes_per_year()),
                pct(reg.budget_share(r)),
                if r.runbook.is_empty() {
                    "—".to_owned()
                } else {
                    code(&r.runbook)
                }
            );
        }
        out.push('\n');
    }
    // File text in markdown: controls shown, character references kept as text.
    crate::sanitize::safe_markdown(&out)
}

/// A path, escaped, that may break after each `/` and before a `#` on a narrow screen (and
/// nowhere else): `runbooks/<wbr>db/<wbr>failover.md<wbr>#promote`.
fn breakable_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 32);
    let mut piece = String::new();
    for c in path.chars() {
        if c == '#' {
            out.push_str(&escape(&piece));
            out.push_str("<wbr>");
            piece.clear();
        }
        piece.push(c);
        if c == '/' {
            out.push_str(&escape(&piece));
            out.push_str("<wbr>");
            piece.clear();
        }
    }
    out.push_str(&escape(&piece));
    out
}

/// HTML-escapes text.
pub fn escape(text: &str) -> String {
    let text = crate::sanitize::sanitize_keep_newlines(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Prose columns wrap between words (a word longer than its cell breaks only then); the narrow
/// columns (scores, levels, status, numbers) keep their natural width and never break; on a
/// narrow screen (a phone) each table scrolls sideways in its own box instead of squeezing
/// every column to a letter.
const CSS: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#111;padding:0 1rem}
h1,h2{margin-top:2rem}.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0}
table{border-collapse:collapse}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word;hyphens:manual}
th{white-space:nowrap}td.n{white-space:nowrap}td.path{font-size:90%}
.heat td{width:5.5rem;text-align:center;font-weight:600;white-space:nowrap}.low{background:#d9f2d9}.medium{background:#fff3c4}.high{background:#ffd6a5}.critical{background:#ffb3b3}
.empty{color:#888}.bar{background:#eee;border:1px solid #999;height:1rem;width:20rem;max-width:100%;position:relative}.bar span{display:block;height:100%;background:#4a7}
.bar.over span{background:#c33}code{font-size:90%}
@media (max-width:40rem){body{margin:1rem auto;padding:0 .5rem;font-size:14px}td.prose{min-width:14rem}.heat th{white-space:normal}.heat td{width:auto;padding:.3rem .25rem}}
@media print{body{margin:0;max-width:none}.scroll{overflow:visible}h2{page-break-before:auto}.bar{border-color:#000}a{color:inherit}}";

/// One self-contained page: heat map, readiness (each component's, lowest first, and what would
/// raise it most), every risk with its readiness, each component with its budget bar.
pub fn html(
    registers: &[&Register],
    title: &str,
    ready: &crate::readiness::Report,
    trend: &[crate::stats::Point],
    coverage: &crate::coverage::Coverage,
    follow_ups: &[crate::followups::Row],
) -> String {
    html_linked(
        registers,
        title,
        &HtmlParts {
            ready,
            trend,
            coverage,
            follow_ups,
        },
        &|_| None,
    )
}

/// What the HTML page shows besides the registers.
pub struct HtmlParts<'a> {
    pub ready: &'a crate::readiness::Report,
    pub trend: &'a [crate::stats::Point],
    pub coverage: &'a crate::coverage::Coverage,
    pub follow_ups: &'a [crate::followups::Row],
}

/// `html`, each component's name linked to `link(component)` where it gives an address (the
/// register file on its forge, at the commit read).
pub fn html_linked(
    registers: &[&Register],
    title: &str,
    parts: &HtmlParts<'_>,
    link: &dyn Fn(&str) -> Option<String>,
) -> String {
    let HtmlParts {
        ready,
        trend,
        coverage,
        follow_ups,
    } = *parts;
    let named = |component: &str| -> String {
        match link(component) {
            Some(url) => format!("<a href=\"{}\">{}</a>", escape(&url), escape(component)),
            None => escape(component),
        }
    };
    let mut out = html_open(title);
    let risks: usize = registers.iter().map(|r| r.risks.len()).sum();
    let _ = writeln!(out, "<p>{} components, {risks} risks.</p>", registers.len());
    out.push_str(&html_heat_map(registers.iter().copied()));
    html_readiness(&mut out, ready);
    out.push_str(&crate::followups::html(follow_ups));
    out.push_str(&crate::coverage::html(coverage));
    if !trend.is_empty() {
        out.push_str("<h2>Trend</h2>\n<p>Readiness at each month's end (rehearsals as they were then; runbooks and alerts as they are now) and the median time from detection to repair of that month's incidents (drills apart).</p>\n");
        out.push_str(&crate::stats::svg(trend));
    }
    let readiness: std::collections::HashMap<(&str, &str), u32> = ready
        .components
        .iter()
        .flat_map(|c| &c.risks)
        .map(|r| ((r.component.as_str(), r.id.as_str()), r.readiness))
        .collect();
    out.push_str("<h2>Risks by score</h2>\n<div class=\"scroll\"><table><tr><th>risk</th><th>component</th><th>score</th><th>status</th><th>ready</th><th>detection</th><th>mitigation</th><th>runbook</th></tr>\n");
    let mut all: Vec<(&Register, &crate::model::Risk)> = registers
        .iter()
        .flat_map(|reg| reg.risks.iter().map(move |r| (*reg, r)))
        .collect();
    all.sort_by(|a, b| {
        b.1.score()
            .cmp(&a.1.score())
            .then_with(|| a.0.component.cmp(&b.0.component))
    });
    for (reg, r) in &all {
        let _ = writeln!(
            out,
            "<tr><td class=\"prose\">{} <code>{}</code></td><td class=\"n\">{}</td><td class=\"n {}\">{} {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"prose\">{}</td><td class=\"prose\">{}</td><td class=\"path\">{}</td></tr>",
            escape(&r.title),
            escape(&r.id),
            named(&reg.component),
            r.band(),
            r.score(),
            r.band().marker().trim(),
            r.status,
            readiness
                .get(&(reg.component.as_str(), r.id.as_str()))
                .map_or_else(|| "—".to_owned(), u32::to_string),
            escape(&r.detection),
            escape(&r.mitigation),
            breakable_path(&r.runbook)
        );
    }
    out.push_str("</table></div>\n");
    for reg in registers {
        html_component(&mut out, reg, &named(&reg.component));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A self-contained HTML page's head and title heading, with the report's style.
pub fn html_open(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    )
}

/// The heat map as an HTML table: risks per likelihood × impact cell, each band's word printed
/// so that it reads without colour.
pub fn html_heat_map<'a>(registers: impl IntoIterator<Item = &'a Register>) -> String {
    let mut out = String::new();
    out.push_str("<h2>Heat map</h2>\n<div class=\"scroll\"><table class=\"heat\"><tr><th>likelihood ↓ · impact →</th>");
    for i in Level::ALL {
        let _ = write!(out, "<th>{i}</th>");
    }
    out.push_str("</tr>\n");
    let g = grid(registers);
    for l in Level::ALL.iter().rev() {
        let _ = write!(out, "<tr><th>{l}</th>");
        for i in Level::ALL {
            let n = g[usize::from(l.value() - 1)][usize::from(i.value() - 1)];
            let band = Band::of_score(score(*l, i));
            let class = band.to_string();
            // The band's word is printed too, so the map reads without colour (and in print).
            let text = if n == 0 {
                format!("<span class=\"empty\">· {}</span>", band.marker().trim())
            } else {
                format!("{n} {}", band.marker().trim())
            };
            let _ = write!(out, "<td class=\"{class}\">{text}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></div>\n");
    out
}

/// The readiness section: the workspace's figure, each component's (lowest first, as a bar
/// that reads without colour: the number is printed), and the actions that would raise it most.
fn html_readiness(out: &mut String, ready: &crate::readiness::Report) {
    let _ = writeln!(
        out,
        "<h2>Readiness</h2>\n<p>Readiness {} of 100, weighted by score: a risk rehearsed within 90 days with a working runbook and its alerts defined is 100 (see the README's formula). Lowest first.</p>",
        ready.readiness
    );
    out.push_str("<div class=\"scroll\"><table><tr><th>component</th><th>ready</th><th>risks not ready</th><th>first gap</th></tr>\n");
    for c in &ready.components {
        let gap = c
            .risks
            .iter()
            .filter(|r| r.readiness < 100)
            .max_by_key(|r| r.score)
            .and_then(|r| Some(format!("{}: {}", r.id, r.gaps.first()?)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{} of {}</td><td class=\"prose\">{}</td></tr>",
            escape(&c.component),
            c.readiness,
            c.not_ready(),
            c.risks.len(),
            escape(&gap)
        );
    }
    out.push_str("</table></div>\n");
    if !ready.actions.is_empty() {
        out.push_str("<p>What would raise it most:</p>\n<ol>\n");
        for a in &ready.actions {
            let _ = writeln!(
                out,
                "<li>+{} {} (<code>{}</code> +{})</li>",
                a.workspace_gain,
                escape(&a.action),
                escape(&a.component),
                a.component_gain
            );
        }
        out.push_str("</ol>\n");
    }
}

/// One component's section of the HTML page: its description, its error-budget bar, and its
/// risks with estimate and measurement side by side.
fn html_component(out: &mut String, reg: &Register, named: &str) {
    let _ = writeln!(
        out,
        "<h2><code>{}</code> — {}</h2>",
        named,
        escape(&reg.title)
    );
    if !reg.description.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(&reg.description));
    }
    let (total, share) = reg.budget_use();
    if let (Some(budget), Some(share)) = (reg.error_budget_minutes(), share) {
        let width = (share * 100.0).clamp(0.0, 100.0);
        let over = if share > 1.0 { " over" } else { "" };
        let _ = writeln!(
            out,
            "<p>Error budget {budget:.1} min a year; expected bad minutes {} ({}).</p>\n<div class=\"bar{over}\" role=\"img\" aria-label=\"{} of the error budget\"><span style=\"width:{width:.1}%\"></span></div>",
            minutes(total),
            pct(Some(share)),
            pct(Some(share))
        );
    }
    if reg.risks.is_empty() {
        out.push_str("<p><em>No risks recorded.</em></p>\n");
        return;
    }
    out.push_str("<div class=\"scroll\"><table><tr><th>risk</th><th>L × I</th><th>score</th><th>detect min:<br>estimate · measured</th><th>repair min:<br>estimate · measured</th><th>bad min/yr</th><th>budget share</th></tr>\n");
    for i in reg.risks_by_score() {
        let r = &reg.risks[i];
        let [detect, repair] = estimate_and_measured(r);
        let _ = writeln!(
            out,
            "<tr><td class=\"prose\">{}</td><td class=\"n\">{} × {}</td><td class=\"n {}\">{} {}</td><td>{detect}</td><td>{repair}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&r.title),
            r.likelihood,
            r.impact,
            r.band(),
            r.score(),
            r.band().marker().trim(),
            minutes(r.estimate.bad_minutes_per_year()),
            pct(reg.budget_share(r))
        );
    }
    out.push_str("</table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_break_after_slashes_and_stay_escaped() {
        assert_eq!(
            breakable_path("runbooks/db/fail'over.md#promote"),
            "runbooks/<wbr>db/<wbr>fail&#39;over.md<wbr>#promote"
        );
        assert_eq!(breakable_path("<b>"), "&lt;b&gt;");
    }

    #[test]
    fn the_budget_maths_of_the_example() {
        // ETTD 5 + ETTR 30 min, twice a year, 40 % of users: 28 bad minutes a year; 99.9 %
        // availability gives 525.6 budget minutes, so 5.3 %.
        let reg: Register = serde_json::from_str(
            r#"{"component":"p","title":"P","objectives":{"availability":99.9},"risks":[
            {"id":"c","title":"C","likelihood":"medium","impact":"high","status":"open",
             "estimate":{"ettd_minutes":5,"ettr_minutes":30,"per_year":2,"users_affected_percent":40}}]}"#,
        )
        .unwrap();
        let (total, share) = reg.budget_use();
        assert!((total.unwrap() - 28.0).abs() < 1e-9);
        assert!((reg.error_budget_minutes().unwrap() - 525.6).abs() < 1e-6);
        assert_eq!(pct(share), "5.3 %");
    }
}
