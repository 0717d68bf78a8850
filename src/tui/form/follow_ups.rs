//! A risk's follow-ups in the form: one row each (and an "add" row), typed as one line,
//! `text; owner: NAME; due: YYYY-MM-DD; ticket: ID`, and marked done with a key.

use crate::model::{Date, FollowUp, FollowUpStatus, Register};

/// The line the editor starts with for a follow-up: its text, then the fields it has.
pub fn line(f: &FollowUp) -> String {
    let mut out = f.text.clone();
    if !f.owner.is_empty() {
        out.push_str("; owner: ");
        out.push_str(&f.owner);
    }
    if let Some(due) = f.due {
        out.push_str(&format!("; due: {due}"));
    }
    if !f.ticket.is_empty() {
        out.push_str("; ticket: ");
        out.push_str(&f.ticket);
    }
    out
}

/// A follow-up as typed on one line.
#[derive(Debug, Default, PartialEq)]
pub struct Typed {
    pub text: String,
    pub owner: String,
    pub due: Option<Date>,
    pub ticket: String,
    /// `risk:` (the timeline view's line only): the risk it concerns, or a component.
    pub risk: String,
}

/// Reads a typed line: parts after `;` that start with `owner:`, `due:`, `ticket:` or `risk:`
/// set those; the rest is the text (its own `;` kept).
pub fn parse(typed: &str, today: jiff::civil::Date) -> Result<Typed, String> {
    let mut out = Typed::default();
    let mut text = Vec::new();
    for (i, part) in typed.split(';').enumerate() {
        let trimmed = part.trim();
        let key = ["owner:", "due:", "ticket:", "risk:"]
            .into_iter()
            .find(|k| i > 0 && trimmed.starts_with(k));
        let Some(key) = key else {
            text.push(part);
            continue;
        };
        let value = trimmed[key.len()..].trim().to_owned();
        match key {
            "owner:" => out.owner = value,
            "ticket:" => out.ticket = value,
            "risk:" => out.risk = value,
            _ if value.is_empty() => out.due = None,
            _ => {
                out.due = Some(super::parse_date(&value, today)?.ok_or("due: a date, YYYY-MM-DD")?);
            }
        }
    }
    out.text = text.join(";").trim().to_owned();
    Ok(out)
}

/// Sets follow-up `item` of risk `risk` (`None`: adds one) from a typed line; an emptied one
/// is removed, an empty new one not added. Its status and timeline are kept.
pub fn set(
    reg: &mut Register,
    risk: usize,
    item: Option<usize>,
    typed: &str,
    today: jiff::civil::Date,
) -> Result<(), String> {
    let Typed {
        text,
        owner,
        due,
        ticket,
        ..
    } = parse(typed, today)?;
    let items = &mut reg.risks.get_mut(risk).ok_or("no such risk")?.follow_ups;
    match item {
        Some(i) if text.is_empty() => {
            if i < items.len() {
                items.remove(i);
            }
        }
        Some(i) => {
            let f = items.get_mut(i).ok_or("no such follow-up")?;
            f.text = text;
            f.owner = owner;
            f.due = due;
            f.ticket = ticket;
        }
        None if text.is_empty() => {}
        None => items.push(FollowUp {
            text,
            owner,
            due,
            ticket,
            status: FollowUpStatus::Open,
            timeline: String::new(),
        }),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_line_sets_its_fields_and_reads_back() {
        let today = jiff::civil::date(2026, 12, 4);
        let Typed {
            text,
            owner,
            due,
            ticket,
            risk,
        } = parse(
            "add a test; keep it; owner: Ana Lima; due: 2026-12-20; ticket: OPS-1; risk: db/x",
            today,
        )
        .unwrap();
        assert_eq!(risk, "db/x");
        assert_eq!(text, "add a test; keep it");
        assert_eq!(owner, "Ana Lima");
        assert_eq!(due, Date::parse("2026-12-20"));
        assert_eq!(ticket, "OPS-1");
        let f = FollowUp {
            text,
            owner,
            due,
            ticket,
            status: FollowUpStatus::Open,
            timeline: String::new(),
        };
        let again = parse(&line(&f), today).unwrap();
        assert_eq!(again.text, f.text);
        assert!(parse("x; due: soon", today).is_err());
    }
}
