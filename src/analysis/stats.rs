//! `faultline stats`: how long detection, mitigation and resolution took, across incidents and,
//! apart, drills (game days, and incidents marked `drill`), for the workspace, per component
//! and per risk, as the median and the worst. Each duration counts from the impact's start
//! when the timeline logged one, else from the timeline's start. Also the monthly trend the
//! HTML report draws: readiness and the median time to repair.

use crate::model::timeline::{EventKind, Timeline, TimelineKind};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One timeline's measurements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    pub path: String,
    pub started: jiff::Timestamp,
    /// The start's date as the timeline writes it (in its own offset).
    pub day: jiff::civil::Date,
    pub drill: bool,
    pub risks: Vec<String>,
    pub detect: Option<i64>,
    pub mitigate: Option<i64>,
    pub resolve: Option<i64>,
    /// Detected → resolved (else mitigated).
    pub repair: Option<i64>,
}

impl Measured {
    pub fn of(path: &str, t: &Timeline) -> Option<Measured> {
        Some(Measured {
            path: path.to_owned(),
            started: t.started()?,
            day: crate::model::Date::parse(t.header.started.get(..10)?)?.0,
            drill: t.header.is_drill(),
            risks: t.header.risks.clone(),
            detect: t.seconds_from_impact(EventKind::Detected),
            mitigate: t.seconds_from_impact(EventKind::Mitigated),
            resolve: t.seconds_from_impact(EventKind::Resolved),
            repair: t.measured_seconds().1,
        })
    }
}

/// Every timeline of the workspace started on or after `since` that reads, measured; and the
/// ones that do not read, as messages.
pub fn collect(root: &Path, since: Option<jiff::civil::Date>) -> (Vec<Measured>, Vec<String>) {
    let (mut measured, mut skipped) = (Vec::new(), Vec::new());
    for kind in [TimelineKind::Incident, TimelineKind::Gameday] {
        for rel in crate::timeline::list(root, kind) {
            let path = rel.to_string_lossy().replace('\\', "/");
            match crate::timeline::read(root, &rel) {
                Err(e) => skipped.push(format!("{e:#}")),
                Ok(loaded) => {
                    let Some(m) = Measured::of(&path, &loaded.timeline) else {
                        skipped.push(format!("{path}: its start is not a time"));
                        continue;
                    };
                    if since.is_none_or(|s| m.day >= s) {
                        measured.push(m);
                    }
                }
            }
        }
    }
    measured.sort_by(|a, b| a.started.cmp(&b.started).then(a.path.cmp(&b.path)));
    (measured, skipped)
}

/// Seconds: how many timelines measured it, the median and the worst.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Measure {
    pub count: usize,
    pub median: Option<i64>,
    pub worst: Option<i64>,
}

impl Measure {
    fn of(mut values: Vec<i64>) -> Measure {
        values.sort_unstable();
        let n = values.len();
        let median = match n {
            0 => None,
            _ if n % 2 == 1 => Some(values[n / 2]),
            _ => Some(i64::midpoint(values[n / 2 - 1], values[n / 2])),
        };
        Measure {
            count: n,
            median,
            worst: values.last().copied(),
        }
    }
}

/// The measures of one set of timelines: all of them, a component's or a risk's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub name: String,
    pub timelines: usize,
    pub detect: Measure,
    pub mitigate: Measure,
    pub resolve: Measure,
}

impl Row {
    fn of(name: &str, items: &[&Measured]) -> Row {
        let measure = |f: fn(&Measured) -> Option<i64>| {
            Measure::of(items.iter().filter_map(|m| f(m)).collect())
        };
        Row {
            name: name.to_owned(),
            timelines: items.len(),
            detect: measure(|m| m.detect),
            mitigate: measure(|m| m.mitigate),
            resolve: measure(|m| m.resolve),
        }
    }
}

/// Incidents, or drills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub group: &'static str,
    pub all: Row,
    pub components: Vec<Row>,
    pub risks: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    pub groups: Vec<Group>,
    /// Timelines that did not read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

/// The statistics of `measured`: incidents first, then drills; components and risks by name.
pub fn stats(
    measured: &[Measured],
    since: Option<jiff::civil::Date>,
    skipped: Vec<String>,
) -> Stats {
    let groups = [("incidents", false), ("drills", true)]
        .into_iter()
        .map(|(group, drill)| {
            let items: Vec<&Measured> = measured.iter().filter(|m| m.drill == drill).collect();
            let mut by_component: BTreeMap<&str, Vec<&Measured>> = BTreeMap::new();
            let mut by_risk: BTreeMap<&str, Vec<&Measured>> = BTreeMap::new();
            for m in &items {
                let mut components: Vec<&str> = Vec::new();
                for r in &m.risks {
                    by_risk.entry(r).or_default().push(m);
                    let c = r.split_once('/').map_or(r.as_str(), |(c, _)| c);
                    if !components.contains(&c) {
                        components.push(c);
                    }
                }
                for c in components {
                    by_component.entry(c).or_default().push(m);
                }
            }
            Group {
                group,
                all: Row::of(group, &items),
                components: by_component.iter().map(|(c, i)| Row::of(c, i)).collect(),
                risks: by_risk.iter().map(|(r, i)| Row::of(r, i)).collect(),
            }
        })
        .collect();
    Stats {
        since: since.map(|d| d.to_string()),
        groups,
        skipped,
    }
}

/// Minutes, rounded up, or `—`.
fn minutes(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "—".to_owned(), |s| format!("{}", (s + 59) / 60))
}

fn cells(m: &Measure) -> (String, String) {
    (minutes(m.median), minutes(m.worst))
}

/// As text: per group, a table (minutes: median / worst) of all, each component, each risk.
pub fn text(stats: &Stats) -> String {
    let mut out = String::new();
    if let Some(since) = &stats.since {
        let _ = writeln!(out, "since {since}");
    }
    for g in &stats.groups {
        let _ = writeln!(
            out,
            "\n{} ({}); minutes, median/worst, from the impact's start when logged",
            g.group,
            crate::finding::plural(g.all.timelines, "timeline")
        );
        if g.all.timelines == 0 {
            continue;
        }
        let _ = writeln!(
            out,
            "  {:<40} {:>4} {:>13} {:>13} {:>13}",
            "", "n", "detect", "mitigate", "resolve"
        );
        for row in std::iter::once(&g.all).chain(&g.components).chain(&g.risks) {
            let shown = |m: &Measure| {
                let (a, b) = cells(m);
                format!("{a}/{b}")
            };
            let _ = writeln!(
                out,
                "  {:<40} {:>4} {:>13} {:>13} {:>13}",
                crate::core::text::truncate(&crate::sanitize::sanitize(&row.name), 40),
                row.timelines,
                shown(&row.detect),
                shown(&row.mitigate),
                shown(&row.resolve)
            );
        }
    }
    for s in &stats.skipped {
        let _ = writeln!(out, "skipped: {}", crate::sanitize::sanitize(s));
    }
    out
}

/// As markdown: one table per group.
pub fn markdown(stats: &Stats) -> String {
    use crate::diff::format::cell;
    let mut out = String::from("# Time to detect, mitigate and resolve\n\n");
    if let Some(since) = &stats.since {
        let _ = writeln!(out, "Since {since}.\n");
    }
    out.push_str(
        "Minutes, from the impact's start when the timeline logged one, else from its start.\n\n",
    );
    for g in &stats.groups {
        let _ = writeln!(out, "## {}\n", g.group);
        if g.all.timelines == 0 {
            out.push_str("_None._\n\n");
            continue;
        }
        out.push_str("| | timelines | detect: median | worst | mitigate: median | worst | resolve: median | worst |\n|---|---|---|---|---|---|---|---|\n");
        for row in std::iter::once(&g.all).chain(&g.components).chain(&g.risks) {
            let (d, dw) = cells(&row.detect);
            let (m, mw) = cells(&row.mitigate);
            let (r, rw) = cells(&row.resolve);
            let _ = writeln!(
                out,
                "| {} | {} | {d} | {dw} | {m} | {mw} | {r} | {rw} |",
                cell(&row.name),
                row.timelines
            );
        }
        out.push('\n');
    }
    crate::sanitize::safe_markdown(&out)
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Point {
    /// `YYYY-MM`.
    pub month: String,
    /// The workspace's readiness at the month's end (today for this month).
    pub readiness: u32,
    /// The median time to repair of the month's incidents (drills apart), in minutes.
    pub repair_minutes: Option<i64>,
}

/// The last `months` months, oldest first.
pub fn trend(
    ws: &crate::store::Workspace,
    measured: &[Measured],
    today: jiff::civil::Date,
    months: i32,
) -> Vec<Point> {
    let first_of_month = today.first_of_month();
    let spans: Vec<(jiff::civil::Date, jiff::civil::Date)> = (0..months)
        .rev()
        .filter_map(|back| {
            let start = first_of_month
                .checked_sub(jiff::Span::new().months(back))
                .ok()?;
            Some((start, start.last_of_month().min(today)))
        })
        .collect();
    let ends: Vec<jiff::civil::Date> = spans.iter().map(|(_, end)| *end).collect();
    let readiness = crate::readiness::history(ws, &ends, today);
    spans
        .iter()
        .zip(readiness)
        .map(|(&(start, end), readiness)| {
            let repairs: Vec<i64> = measured
                .iter()
                .filter(|m| !m.drill)
                .filter(|m| m.day >= start && m.day <= end)
                .filter_map(|m| m.repair)
                .collect();
            Point {
                month: format!("{:04}-{:02}", start.year(), start.month()),
                readiness,
                repair_minutes: Measure::of(repairs).median.map(|s| (s + 59) / 60),
            }
        })
        .collect()
}

/// The trend as an inline SVG chart: readiness (0–100, left axis) as a solid line with round
/// marks, the median time to repair (minutes, right axis) as a dashed line with square marks,
/// every point labelled with its value: readable without colour, no script.
pub fn svg(points: &[Point]) -> String {
    let (left, right, top, bottom) = (56.0, 664.0, 24.0, 200.0);
    let n = points.len().max(1);
    let x = |i: usize| {
        let step = (right - left) / f64::from(u32::try_from(n.max(2) - 1).unwrap_or(1));
        left + step * f64::from(u32::try_from(i).unwrap_or(0))
    };
    let worst = points
        .iter()
        .filter_map(|p| p.repair_minutes)
        .max()
        .unwrap_or(0)
        .max(1);
    // A round top for the minutes' axis, in quarters: 20, 40, 100, 200, 400, 1000, …
    let mut scale = 20i64;
    while scale < worst {
        scale = if scale.to_string().starts_with('4') {
            scale / 4 * 10
        } else {
            scale * 2
        };
    }
    #[allow(clippy::cast_precision_loss)] // minutes and percents, small
    let y = |value: i64, max: i64| bottom - (bottom - top) * (value as f64) / (max as f64);
    let mut out = String::from(
        "<svg viewBox=\"0 0 720 250\" width=\"100%\" role=\"img\" aria-label=\"Readiness and median time to repair by month\" style=\"max-width:45rem;font:11px system-ui,sans-serif\">\n<title>Readiness (solid line, round marks, left axis) and median time to repair in minutes (dashed line, square marks, right axis), by month</title>\n",
    );
    for i in 0..=4 {
        let v = i * 25;
        let yy = y(v, 100);
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{right}\" y2=\"{yy:.1}\" stroke=\"#ccc\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left - 6.0,
            yy + 4.0,
            right + 6.0,
            yy + 4.0,
            scale * i / 4
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{left}\" y=\"14\">readiness ● (solid)</text><text x=\"{right}\" y=\"14\" text-anchor=\"end\">median minutes to repair ■ (dashed)</text>"
    );
    let mut ready_line = Vec::new();
    let mut repair_line = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let xx = x(i);
        let _ = writeln!(
            out,
            "<text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            bottom + 18.0,
            crate::export::escape(&p.month)
        );
        let ry = y(i64::from(p.readiness), 100);
        ready_line.push(format!("{xx:.1},{ry:.1}"));
        let _ = writeln!(
            out,
            "<circle cx=\"{xx:.1}\" cy=\"{ry:.1}\" r=\"3.5\" fill=\"#264\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            ry - 7.0,
            p.readiness
        );
        if let Some(m) = p.repair_minutes {
            let my = y(m, scale);
            repair_line.push(format!("{xx:.1},{my:.1}"));
            let _ = writeln!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\" fill=\"#933\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{m} min</text>",
                xx - 3.5,
                my - 3.5,
                my + 16.0
            );
        }
    }
    let _ = writeln!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#264\" stroke-width=\"2\"/>",
        ready_line.join(" ")
    );
    if repair_line.len() > 1 {
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#933\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
            repair_line.join(" ")
        );
    }
    out.push_str("</svg>\n");
    out
}
