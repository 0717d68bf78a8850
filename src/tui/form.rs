//! The editable fields of a component and of a risk: their labels, how each is shown, and how a
//! typed value is validated and written back. Pure model code: no IO, no drawing.

use crate::check::{is_valid_id, suggest_id};
use crate::model::fields::{RiskField, Slot};
use crate::model::{Date, Level, Num, Register, Status};

pub mod follow_ups;

/// One editable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    RiskId,
    RiskTitle,
    RiskDescription,
    Category,
    Likelihood,
    Impact,
    Detection,
    Alerts,
    Mitigation,
    Runbook,
    Status,
    AcceptedBy,
    AcceptedUntil,
    Tickets,
    Questions,
    FollowUps,
    LastRehearsed,
    Ettd,
    Ettr,
    PerYear,
    UsersPercent,
    ComponentId,
    ComponentTitle,
    Owner,
    ComponentDescription,
    DependsOn,
    Availability,
    Rto,
    Rpo,
}

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Multiline,
    Level,
    Status,
    List,
    Date,
    Number,
    /// A follow-up: typed as one line, marked done with a key.
    FollowUp,
}

/// The fields of a risk, in file order.
pub const RISK_FIELDS: [Field; 21] = [
    Field::RiskTitle,
    Field::RiskId,
    Field::Likelihood,
    Field::Impact,
    Field::Status,
    Field::AcceptedBy,
    Field::AcceptedUntil,
    Field::Category,
    Field::RiskDescription,
    Field::Detection,
    Field::Alerts,
    Field::Mitigation,
    Field::Runbook,
    Field::Questions,
    Field::FollowUps,
    Field::Tickets,
    Field::LastRehearsed,
    Field::Ettd,
    Field::Ettr,
    Field::PerYear,
    Field::UsersPercent,
];

/// The fields of a component.
pub const COMPONENT_FIELDS: [Field; 8] = [
    Field::ComponentTitle,
    Field::ComponentId,
    Field::Owner,
    Field::ComponentDescription,
    Field::DependsOn,
    Field::Availability,
    Field::Rto,
    Field::Rpo,
];

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::ComponentId => "Id",
            Field::ComponentTitle => "Title",
            Field::ComponentDescription => "About",
            Field::Owner => "Owner",
            Field::DependsOn => "Depends on",
            Field::Availability => "Avail. %",
            Field::Rto => "RTO min",
            Field::Rpo => "RPO min",
            _ => self.risk_field().map_or("", |f| f.label),
        }
    }

    /// The risk's field in the table of them (`None` for a component's field).
    pub fn risk_field(self) -> Option<&'static RiskField> {
        if self.is_component_field() {
            None
        } else {
            crate::model::fields::risk_field(self.key())
        }
    }

    /// The field's name in the register file, for messages.
    pub fn key(self) -> &'static str {
        match self {
            Field::RiskId => "id",
            Field::ComponentId => "component",
            Field::RiskTitle | Field::ComponentTitle => "title",
            Field::RiskDescription | Field::ComponentDescription => "description",
            Field::Likelihood => "likelihood",
            Field::Impact => "impact",
            Field::Detection => "detection",
            Field::Category => "category",
            Field::Alerts => "alerts",
            Field::Mitigation => "mitigation",
            Field::Runbook => "runbook",
            Field::Status => "status",
            Field::AcceptedBy => "accepted_by",
            Field::AcceptedUntil => "accepted_until",
            Field::Tickets => "tickets",
            Field::Questions => "questions",
            Field::FollowUps => "follow_ups",
            Field::LastRehearsed => "last_rehearsed",
            Field::Ettd => "ettd_minutes",
            Field::Ettr => "ettr_minutes",
            Field::PerYear => "per_year",
            Field::UsersPercent => "users_affected_percent",
            Field::Owner => "owner",
            Field::DependsOn => "depends_on",
            Field::Availability => "availability",
            Field::Rto => "rto_minutes",
            Field::Rpo => "rpo_minutes",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Field::ComponentDescription => Kind::Multiline,
            Field::DependsOn => Kind::List,
            Field::Availability | Field::Rto | Field::Rpo => Kind::Number,
            Field::ComponentId | Field::ComponentTitle | Field::Owner => Kind::Line,
            _ => match self.risk_field().map(|f| f.slot) {
                Some(Slot::Multiline(..)) => Kind::Multiline,
                Some(Slot::Level(..)) => Kind::Level,
                Some(Slot::Status(..)) => Kind::Status,
                Some(Slot::List { .. }) => Kind::List,
                Some(Slot::Date(..)) => Kind::Date,
                Some(Slot::Number { .. }) => Kind::Number,
                Some(Slot::FollowUps(..)) => Kind::FollowUp,
                _ => Kind::Line,
            },
        }
    }

    pub fn is_component_field(self) -> bool {
        COMPONENT_FIELDS.contains(&self)
    }
}

/// One row of a form: a field, and for list fields the item (`None` is the "add" row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub field: Field,
    pub item: Option<usize>,
}

/// The rows of a form over `fields`: list fields get one row per item plus an "add" row.
pub fn rows(reg: &Register, risk: Option<usize>, fields: &[Field]) -> Vec<Row> {
    let mut rows = Vec::new();
    // Who accepted a risk and until when are shown for an accepted risk (or one that still
    // says), not on every form.
    let acceptance = risk.and_then(|i| reg.risks.get(i)).is_some_and(|r| {
        r.status == Status::Accepted || !r.accepted_by.is_empty() || r.accepted_until.is_some()
    });
    for &field in fields {
        if matches!(field, Field::AcceptedBy | Field::AcceptedUntil) && !acceptance {
            continue;
        }
        if matches!(field.kind(), Kind::List | Kind::FollowUp) {
            let len = if field == Field::FollowUps {
                risk.and_then(|i| reg.risks.get(i))
                    .map_or(0, |r| r.follow_ups.len())
            } else {
                list(reg, risk, field).map_or(0, <[String]>::len)
            };
            rows.extend((0..len).map(|i| Row {
                field,
                item: Some(i),
            }));
        }
        rows.push(Row { field, item: None });
    }
    rows
}

fn list(reg: &Register, risk: Option<usize>, field: Field) -> Option<&[String]> {
    if field == Field::DependsOn {
        return Some(&reg.depends_on);
    }
    match field.risk_field()?.slot {
        Slot::List { get, .. } => Some(get(reg.risks.get(risk?)?)),
        _ => None,
    }
}

fn num_text(n: Option<Num>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The value of a row as text, as it is shown and as an editor starts with it.
pub fn value(reg: &Register, risk: Option<usize>, row: Row) -> String {
    let r = risk.and_then(|i| reg.risks.get(i));
    if row.field == Field::FollowUps {
        return row
            .item
            .and_then(|i| r?.follow_ups.get(i))
            .map(crate::model::FollowUp::summary)
            .unwrap_or_default();
    }
    if row.field.kind() == Kind::List {
        return row
            .item
            .and_then(|i| list(reg, risk, row.field)?.get(i).cloned())
            .unwrap_or_default();
    }
    match (row.field, r) {
        (Field::ComponentId, _) => reg.component.clone(),
        (Field::ComponentTitle, _) => reg.title.clone(),
        (Field::Owner, _) => reg.owner.clone(),
        (Field::ComponentDescription, _) => reg.description.clone(),
        (Field::Availability, _) => num_text(reg.objectives.availability),
        (Field::Rto, _) => num_text(reg.objectives.rto_minutes),
        (Field::Rpo, _) => num_text(reg.objectives.rpo_minutes),
        (_, None) => String::new(),
        (field, Some(r)) => match field.risk_field() {
            Some(f) => match f.slot {
                Slot::Level(get, _) => format!("{} ({})", get(r), get(r).value()),
                Slot::Status(get, _) => get(r).name().to_owned(),
                _ => f.text(r),
            },
            None => String::new(),
        },
    }
}

/// Parses a number field: empty clears it; otherwise a finite, non-negative number, with the
/// field's own upper bound.
fn parse_number(field: Field, text: &str) -> Result<Option<Num>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value: f64 = text
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("`{text}` is not a number"))?;
    if value < 0.0 {
        return Err(format!("{} cannot be negative", field.key()));
    }
    let max = match field.risk_field().map(|f| f.slot) {
        _ if field == Field::Availability => Some(100.0),
        Some(Slot::Number { max, .. }) => max,
        _ => None,
    };
    if let Some(max) = max
        && value > max
    {
        return Err(format!("{} is a percentage: at most {max}", field.key()));
    }
    if field == Field::Availability && value == 0.0 {
        return Err("availability must be above 0".into());
    }
    Ok(Some(Num(value)))
}

/// Checks a typed value without changing anything: the reason it would be refused, if any.
pub fn validate(
    reg: &Register,
    risk: Option<usize>,
    row: Row,
    text: &str,
    today: jiff::civil::Date,
) -> Result<(), String> {
    let mut copy = reg.clone();
    set(&mut copy, risk, row, text, today)
}

/// Writes a typed value into the register, or says why it cannot be taken.
pub fn set(
    reg: &mut Register,
    risk: Option<usize>,
    row: Row,
    text: &str,
    today: jiff::civil::Date,
) -> Result<(), String> {
    let field = row.field;
    if field.kind() == Kind::List {
        return set_list_item(reg, risk, row, text);
    }
    if field == Field::FollowUps {
        return follow_ups::set(reg, risk.ok_or("no risk selected")?, row.item, text, today);
    }
    let text_trimmed = text.trim();
    match field {
        Field::ComponentId => {
            // "Search API" is taken as `search-api`: an id is made, not refused.
            let id = crate::check::suggest_id(text_trimmed);
            check_id(&id)?;
            reg.component = id;
        }
        Field::ComponentTitle => reg.title = non_empty(text_trimmed, "title")?,
        Field::Owner => reg.owner = text_trimmed.to_owned(),
        Field::ComponentDescription => reg.description = text.trim_end().to_owned(),
        Field::Availability => reg.objectives.availability = parse_number(field, text)?,
        Field::Rto => reg.objectives.rto_minutes = parse_number(field, text)?,
        Field::Rpo => reg.objectives.rpo_minutes = parse_number(field, text)?,
        _ => {
            let index = risk.ok_or("no risk selected")?;
            let value = if field == Field::RiskId {
                unique_risk_id(reg, index, text_trimmed)?
            } else {
                text.to_owned()
            };
            let r = reg.risks.get_mut(index).ok_or("no such risk")?;
            set_risk_field(r, field, &value, today)?;
        }
    }
    Ok(())
}

/// An id typed for the risk at `index`: made from the text, and not another risk's.
fn unique_risk_id(reg: &Register, index: usize, text: &str) -> Result<String, String> {
    let id = crate::check::suggest_id(text);
    check_id(&id)?;
    if reg
        .risks
        .iter()
        .enumerate()
        .any(|(i, r)| i != index && r.id == id)
    {
        return Err(format!(
            "another risk in {} already has id `{id}`",
            reg.component
        ));
    }
    Ok(id)
}

/// Writes a typed value into one of a risk's fields (through the table of them).
fn set_risk_field(
    r: &mut crate::model::Risk,
    field: Field,
    text: &str,
    today: jiff::civil::Date,
) -> Result<(), String> {
    let Some(def) = field.risk_field() else {
        return Err(format!("{} cannot be edited here", field.key()));
    };
    let trimmed = text.trim();
    match def.slot {
        Slot::Line(_, set) if field == Field::RiskTitle => *set(r) = non_empty(trimmed, "title")?,
        Slot::Line(_, set) => trimmed.clone_into(set(r)),
        Slot::Multiline(_, set) => text.trim_end().clone_into(set(r)),
        Slot::Level(_, set) => *set(r) = parse_level(trimmed)?,
        Slot::Status(_, set) => *set(r) = parse_status(trimmed)?,
        Slot::Date(_, set) => *set(r) = parse_date(trimmed, today)?,
        Slot::Number { get_mut, .. } => *get_mut(r) = parse_number(field, text)?,
        Slot::List { .. } | Slot::Rehearsals(..) | Slot::FollowUps(..) => {
            return Err(format!("{} cannot be edited here", field.key()));
        }
    }
    Ok(())
}

fn set_list_item(
    reg: &mut Register,
    risk: Option<usize>,
    row: Row,
    text: &str,
) -> Result<(), String> {
    let text = text.trim().to_owned();
    if row.field == Field::DependsOn && !text.is_empty() {
        check_id(&text)?;
    }
    let items = if row.field == Field::DependsOn {
        &mut reg.depends_on
    } else {
        let r = reg
            .risks
            .get_mut(risk.ok_or("no risk selected")?)
            .ok_or("no such risk")?;
        match row.field.risk_field().map(|f| f.slot) {
            Some(Slot::List { get_mut, .. }) => get_mut(r),
            _ => return Err(format!("{} is not a list", row.field.key())),
        }
    };
    match row.item {
        // An emptied item is removed; an empty new item is not added.
        Some(i) if text.is_empty() => {
            if i < items.len() {
                items.remove(i);
            }
        }
        Some(i) => *items.get_mut(i).ok_or("no such item")? = text,
        None if text.is_empty() => {}
        None => items.push(text),
    }
    Ok(())
}

/// Removes one item of a list field.
pub fn remove_item(reg: &mut Register, risk: Option<usize>, row: Row) -> bool {
    let Some(item) = row.item else { return false };
    if row.field == Field::FollowUps {
        let Some(r) = risk.and_then(|i| reg.risks.get_mut(i)) else {
            return false;
        };
        return item < r.follow_ups.len() && !r.follow_ups.remove(item).text.is_empty();
    }
    set_list_item(
        reg,
        risk,
        Row {
            field: row.field,
            item: Some(item),
        },
        "",
    )
    .is_ok()
}

fn check_id(id: &str) -> Result<(), String> {
    if is_valid_id(id) {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not a valid id: lowercase letters, digits and hyphens (e.g. `{}`)",
            suggest_id(id)
        ))
    }
}

fn non_empty(text: &str, what: &str) -> Result<String, String> {
    if text.is_empty() {
        Err(format!("the {what} cannot be empty"))
    } else {
        Ok(text.to_owned())
    }
}

/// A level by name (`high`) or weight (`4`).
pub fn parse_level(text: &str) -> Result<Level, String> {
    let by_digit = text.parse::<u8>().ok().and_then(Level::from_value);
    by_digit
        .or_else(|| Level::ALL.into_iter().find(|l| l.name() == text))
        .ok_or_else(|| {
            format!("`{text}` is not a level: 1–5 or very-low, low, medium, high, very-high")
        })
}

fn parse_status(text: &str) -> Result<Status, String> {
    Status::ALL
        .into_iter()
        .find(|s| s.name() == text)
        .ok_or_else(|| format!("`{text}` is not a status: open, mitigating, mitigated, accepted"))
}

/// A date as `YYYY-MM-DD`, `today`, or empty for never.
fn parse_date(text: &str, today: jiff::civil::Date) -> Result<Option<Date>, String> {
    match text {
        "" => Ok(None),
        "today" => Ok(Some(Date(today))),
        _ => Date::parse(text)
            .map(Some)
            .ok_or_else(|| format!("`{text}` is not a date: YYYY-MM-DD, or `today`")),
    }
}

/// What the line editor says under a field being typed into; `categories` are asked for only
/// when the field is a category.
pub fn editor_hint(
    field: Field,
    multiline: bool,
    categories: impl FnOnce() -> Vec<String>,
) -> String {
    let keys = if multiline {
        "Enter keep · Esc cancel · Alt-Enter new line"
    } else {
        "Enter keep · Esc cancel"
    };
    match field.kind() {
        _ if field == Field::Category => {
            format!("one of: {} · {keys}", categories().join(", "))
        }
        Kind::FollowUp => {
            "text; owner: NAME; due: YYYY-MM-DD; ticket: ID · empty removes it".to_owned()
        }
        Kind::Date if field == Field::AcceptedUntil => {
            format!("YYYY-MM-DD: check warns 14 days before · {keys}")
        }
        Kind::Date => format!("YYYY-MM-DD or `today`, empty for never · {keys}"),
        Kind::List => format!("an empty value removes the item · {keys}"),
        _ => keys.to_owned(),
    }
}

/// The next status in the cycle open → mitigating → mitigated → accepted → open.
pub fn next_status(status: Status) -> Status {
    let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
    Status::ALL[(i + 1) % Status::ALL.len()]
}

pub use crate::core::id::unique_id;

/// A short id from a title: its first significant words (`Lambda concurrency limit reached`
/// → `lambda-concurrency-limit-reached`), as `model::short_name` makes them.
pub fn short_id(title: &str) -> String {
    crate::model::short_name(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> Register {
        serde_json::from_str(
            r#"{"component":"api","title":"API","risks":[
                {"id":"a","title":"A","likelihood":"low","impact":"high","status":"open"},
                {"id":"b","title":"B","likelihood":"low","impact":"low","status":"open","tickets":["T-1"]}]}"#,
        )
        .unwrap()
    }

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 24)
    }

    fn row(field: Field) -> Row {
        Row { field, item: None }
    }

    #[test]
    fn invalid_values_are_refused_with_a_reason() {
        let mut r = reg();
        let refuse =
            |r: &mut Register, f, text| set(r, Some(0), row(f), text, today()).unwrap_err();
        assert!(refuse(&mut r, Field::RiskId, "!!!").contains("not a valid id"));
        assert!(refuse(&mut r, Field::RiskId, "b").contains("already has id"));
        assert!(refuse(&mut r, Field::Ettd, "ten").contains("not a number"));
        assert!(refuse(&mut r, Field::Availability, "100.5").contains("at most 100"));
        // A risk field's bound comes from the field table (users % at most 100).
        assert!(refuse(&mut r, Field::UsersPercent, "101").contains("at most 100"));
        assert!(refuse(&mut r, Field::UsersPercent, "-1").contains("cannot be negative"));
        assert!(refuse(&mut r, Field::LastRehearsed, "2026-13-01").contains("not a date"));
        assert!(refuse(&mut r, Field::RiskTitle, "  ").contains("cannot be empty"));
        assert_eq!(r, reg(), "nothing changed");
    }

    #[test]
    fn values_are_written() {
        let mut r = reg();
        set(&mut r, Some(0), row(Field::Ettd), "2.5", today()).unwrap();
        set(&mut r, Some(0), row(Field::UsersPercent), "50", today()).unwrap();
        set(&mut r, Some(0), row(Field::LastRehearsed), "today", today()).unwrap();
        set(&mut r, Some(0), row(Field::Likelihood), "5", today()).unwrap();
        set(&mut r, None, row(Field::Availability), "99.95", today()).unwrap();
        assert_eq!(r.risks[0].estimate.ettd_minutes, Some(Num(2.5)));
        assert_eq!(r.risks[0].last_rehearsed.unwrap().to_string(), "2026-11-24");
        assert_eq!(r.risks[0].likelihood, Level::VeryHigh);
        assert_eq!(r.objectives.availability, Some(Num(99.95)));
        set(&mut r, Some(0), row(Field::Ettd), "", today()).unwrap();
        assert_eq!(r.risks[0].estimate.ettd_minutes, None);
    }

    #[test]
    fn list_items_add_edit_remove() {
        let mut r = reg();
        let tickets = |r: &Register| r.risks[1].tickets.clone();
        set(
            &mut r,
            Some(1),
            Row {
                field: Field::Tickets,
                item: None,
            },
            "T-2",
            today(),
        )
        .unwrap();
        assert_eq!(tickets(&r), ["T-1", "T-2"]);
        set(
            &mut r,
            Some(1),
            Row {
                field: Field::Tickets,
                item: Some(0),
            },
            "T-0",
            today(),
        )
        .unwrap();
        assert_eq!(tickets(&r), ["T-0", "T-2"]);
        assert!(remove_item(
            &mut r,
            Some(1),
            Row {
                field: Field::Tickets,
                item: Some(1)
            }
        ));
        assert_eq!(tickets(&r), ["T-0"]);
        let rows = rows(&r, Some(1), &RISK_FIELDS);
        assert!(rows.contains(&Row {
            field: Field::Tickets,
            item: Some(0)
        }));
        assert!(rows.contains(&Row {
            field: Field::Tickets,
            item: None
        }));
    }

    #[test]
    fn unique_ids_from_titles() {
        assert_eq!(unique_id("Disk fills up!", &[]), "disk-fills-up");
        assert_eq!(
            unique_id("Disk fills up", &["disk-fills-up"]),
            "disk-fills-up-2"
        );
        assert_eq!(unique_id("!!!", &[]), "risk");
        assert_eq!(
            unique_id("Backup that was never restored", &[]),
            "backup-never-restored"
        );
        assert_eq!(
            unique_id("Lambda concurrency limit reached", &[]),
            "lambda-concurrency-limit-reached"
        );
        // Five significant words, as the trial's `payment-service-provider` lost "outage".
        assert_eq!(
            unique_id("Payment service provider outage", &[]),
            "payment-service-provider-outage"
        );
    }
}
