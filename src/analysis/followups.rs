//! `faultline followups`: every follow-up on every risk, open ones first and the most overdue
//! at the top, filtered by state and owner, as a table, JSON or CSV.

use crate::list::{csv_cell, csv_field, truncate};
use crate::model::FollowUp;
use crate::monitoring::config::TicketsConfig;
use crate::sanitize::sanitize;
use crate::store::Workspace;
use serde::Serialize;
use std::io::{self, Write};

/// Which follow-ups to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those not done.
    pub open: bool,
    /// Only those open and past their due date.
    pub overdue: bool,
    /// Only this owner's (compared without case).
    pub owner: Option<String>,
}

/// One follow-up with the risk it is on.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `component/risk-id`.
    pub risk: String,
    pub risk_title: String,
    pub text: String,
    pub owner: String,
    pub due: Option<String>,
    pub ticket: String,
    /// The ticket's address, through `faultline.toml` `[tickets] url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_url: Option<String>,
    pub status: &'static str,
    pub overdue: bool,
    /// Days past due (open ones only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
    /// The timeline it came from.
    pub timeline: String,
}

/// The follow-ups `filter` keeps: open before done, then the longest overdue, then by due date
/// (none last), then by risk.
pub fn rows(ws: &Workspace, filter: &Filter, today: jiff::civil::Date) -> Vec<Row> {
    let tickets = crate::monitoring::config::tickets(&ws.root);
    let mut rows = Vec::new();
    for reg in ws.components.iter().filter_map(|c| c.register()) {
        for risk in &reg.risks {
            for f in &risk.follow_ups {
                if !keeps(filter, f, today) {
                    continue;
                }
                rows.push(row(
                    &format!("{}/{}", reg.component, risk.id),
                    &risk.title,
                    f,
                    today,
                    &tickets,
                ));
            }
        }
    }
    rows.sort_by(|a, b| {
        (a.status != "open")
            .cmp(&(b.status != "open"))
            .then(b.days_overdue.cmp(&a.days_overdue))
            .then(a.due.is_none().cmp(&b.due.is_none()))
            .then(a.due.cmp(&b.due))
            .then(a.risk.cmp(&b.risk))
    });
    rows
}

fn keeps(filter: &Filter, f: &FollowUp, today: jiff::civil::Date) -> bool {
    (!filter.open || f.is_open())
        && (!filter.overdue || f.is_overdue(today))
        && filter
            .owner
            .as_deref()
            .is_none_or(|o| o.trim().eq_ignore_ascii_case(f.owner.trim()))
}

fn row(
    risk: &str,
    title: &str,
    f: &FollowUp,
    today: jiff::civil::Date,
    tickets: &TicketsConfig,
) -> Row {
    let days_overdue = f.days_overdue(today).map(i64::from);
    Row {
        risk: risk.to_owned(),
        risk_title: title.to_owned(),
        text: f.text.clone(),
        owner: f.owner.clone(),
        due: f.due.map(|d| d.to_string()),
        ticket: f.ticket.clone(),
        ticket_url: tickets.link(&f.ticket),
        status: f.status.name(),
        overdue: days_overdue.is_some(),
        days_overdue,
        timeline: f.timeline.clone(),
    }
}

/// The formats `followups` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
}

/// Writes the rows; text from files is sanitised in every format (`terminal`: CSV too).
pub fn write(out: &mut dyn Write, rows: &[Row], format: Format, terminal: bool) -> io::Result<()> {
    match format {
        Format::Json => {
            crate::sanitize::write_json_pretty(&mut *out, rows)?;
            writeln!(out)
        }
        Format::Csv => {
            writeln!(
                out,
                "risk,status,overdue,due,owner,ticket,ticket_url,text,timeline"
            )?;
            for r in rows {
                let cells = [
                    r.risk.as_str(),
                    r.status,
                    if r.overdue { "yes" } else { "no" },
                    r.due.as_deref().unwrap_or(""),
                    &r.owner,
                    &r.ticket,
                    r.ticket_url.as_deref().unwrap_or(""),
                    &r.text,
                    &r.timeline,
                ]
                .map(|c| {
                    if terminal {
                        csv_field(&crate::import::escape_formula(&sanitize(c)))
                    } else {
                        csv_cell(c)
                    }
                });
                writeln!(out, "{}", cells.join(","))?;
            }
            Ok(())
        }
        Format::Text => write_text(out, rows),
    }
}

/// One line each: state (`OVERDUE 12d` when late), due, owner, ticket, risk and text; then a
/// count.
fn write_text(out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
    for r in rows {
        let state = match r.days_overdue {
            Some(days) => format!("OVERDUE {days}d"),
            None => r.status.to_owned(),
        };
        let owner = if r.owner.is_empty() {
            "no owner"
        } else {
            &r.owner
        };
        let ticket = if r.ticket.is_empty() { "-" } else { &r.ticket };
        writeln!(
            out,
            "{:<11} {:<10} {:<14} {:<10} {}: {}",
            state,
            r.due.as_deref().unwrap_or("no date"),
            truncate(&sanitize(owner), 14),
            truncate(&sanitize(ticket), 10),
            sanitize(&r.risk),
            sanitize(&r.text)
        )?;
    }
    let open = rows.iter().filter(|r| r.status == "open").count();
    let overdue = rows.iter().filter(|r| r.overdue).count();
    writeln!(
        out,
        "{}, {open} open, {overdue} overdue",
        crate::finding::plural(rows.len(), "follow-up")
    )
}

/// The open follow-ups as an HTML section (the report's), each ticket a link when
/// `[tickets] url` is set.
pub fn html(rows: &[Row]) -> String {
    use crate::export::escape;
    use std::fmt::Write as _;
    let open: Vec<&Row> = rows.iter().filter(|r| r.status == "open").collect();
    let mut out = format!(
        "<h2>Open follow-ups</h2>\n<p>{}, {} overdue.</p>\n",
        crate::finding::plural(open.len(), "open follow-up"),
        open.iter().filter(|r| r.overdue).count()
    );
    if open.is_empty() {
        return out;
    }
    out.push_str("<div class=\"scroll\"><table><tr><th>follow-up</th><th>risk</th><th>owner</th><th>due</th><th>ticket</th></tr>\n");
    for r in open {
        let ticket = match &r.ticket_url {
            Some(url) => format!("<a href=\"{}\">{}</a>", escape(url), escape(&r.ticket)),
            None => escape(&r.ticket),
        };
        let due = match (&r.due, r.days_overdue) {
            (Some(due), Some(days)) => {
                format!("{} <strong>({days} days overdue)</strong>", escape(due))
            }
            (Some(due), None) => escape(due),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"prose\">{}</td><td><code>{}</code></td><td>{}</td><td class=\"n\">{due}</td><td>{ticket}</td></tr>",
            escape(&r.text),
            escape(&r.risk),
            escape(&r.owner)
        );
    }
    out.push_str("</table></div>\n");
    out
}

/// The open follow-ups as a markdown section, each ticket a link when `[tickets] url` is set.
pub fn markdown(rows: &[Row]) -> String {
    use crate::diff::format::{cell, code};
    use std::fmt::Write as _;
    let open: Vec<&Row> = rows.iter().filter(|r| r.status == "open").collect();
    let mut out = String::from("## Open follow-ups\n\n");
    if open.is_empty() {
        out.push_str("_None._\n\n");
        return out;
    }
    out.push_str("| follow-up | risk | owner | due | ticket |\n|---|---|---|---|---|\n");
    for r in open {
        let ticket = match &r.ticket_url {
            Some(url) => format!("[{}]({url})", cell(&r.ticket)),
            None => cell(&r.ticket),
        };
        let due = match (&r.due, r.days_overdue) {
            (Some(due), Some(days)) => format!("{due} (**{days} days overdue**)"),
            (Some(due), None) => due.clone(),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {due} | {ticket} |",
            cell(&r.text),
            code(&r.risk),
            cell(&r.owner)
        );
    }
    out.push('\n');
    out
}
