//! The editable fields of a component and of a risk: their labels, how each is shown, and how a
//! typed value is validated and written back. Pure model code: no IO, no drawing.

use crate::check::{is_valid_id, suggest_id};
use crate::model::{Date, Level, Num, Register, Status};

/// One editable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    RiskId,
    RiskTitle,
    RiskDescription,
    Likelihood,
    Impact,
    Detection,
    Alerts,
    Mitigation,
    Runbook,
    Status,
    Tickets,
    Questions,
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
}

/// The fields of a risk, in file order.
pub const RISK_FIELDS: [Field; 17] = [
    Field::RiskTitle,
    Field::RiskId,
    Field::Likelihood,
    Field::Impact,
    Field::Status,
    Field::RiskDescription,
    Field::Detection,
    Field::Alerts,
    Field::Mitigation,
    Field::Runbook,
    Field::Questions,
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
            Field::RiskId | Field::ComponentId => "Id",
            Field::RiskTitle | Field::ComponentTitle => "Title",
            Field::RiskDescription | Field::ComponentDescription => "About",
            Field::Likelihood => "Likelihood",
            Field::Impact => "Impact",
            Field::Detection => "Detection",
            Field::Alerts => "Alerts",
            Field::Mitigation => "Mitigation",
            Field::Runbook => "Runbook",
            Field::Status => "Status",
            Field::Tickets => "Tickets",
            Field::Questions => "Questions",
            Field::LastRehearsed => "Rehearsed",
            Field::Ettd => "Detect min",
            Field::Ettr => "Repair min",
            Field::PerYear => "Per year",
            Field::UsersPercent => "Users %",
            Field::Owner => "Owner",
            Field::DependsOn => "Depends on",
            Field::Availability => "Avail. %",
            Field::Rto => "RTO min",
            Field::Rpo => "RPO min",
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
            Field::Alerts => "alerts",
            Field::Mitigation => "mitigation",
            Field::Runbook => "runbook",
            Field::Status => "status",
            Field::Tickets => "tickets",
            Field::Questions => "questions",
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
            Field::RiskDescription | Field::ComponentDescription => Kind::Multiline,
            Field::Likelihood | Field::Impact => Kind::Level,
            Field::Status => Kind::Status,
            Field::Tickets | Field::Questions | Field::Alerts | Field::DependsOn => Kind::List,
            Field::LastRehearsed => Kind::Date,
            Field::Ettd
            | Field::Ettr
            | Field::PerYear
            | Field::UsersPercent
            | Field::Availability
            | Field::Rto
            | Field::Rpo => Kind::Number,
            _ => Kind::Line,
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
    for &field in fields {
        if field.kind() == Kind::List {
            let len = list(reg, risk, field).map_or(0, <[String]>::len);
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
    match field {
        Field::DependsOn => Some(&reg.depends_on),
        Field::Tickets => Some(&reg.risks.get(risk?)?.tickets),
        Field::Alerts => Some(&reg.risks.get(risk?)?.alerts),
        Field::Questions => Some(&reg.risks.get(risk?)?.questions),
        _ => None,
    }
}

fn num_text(n: Option<Num>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The value of a row as text, as it is shown and as an editor starts with it.
pub fn value(reg: &Register, risk: Option<usize>, row: Row) -> String {
    let r = risk.and_then(|i| reg.risks.get(i));
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
        (Field::RiskId, Some(r)) => r.id.clone(),
        (Field::RiskTitle, Some(r)) => r.title.clone(),
        (Field::RiskDescription, Some(r)) => r.description.clone(),
        (Field::Likelihood, Some(r)) => format!("{} ({})", r.likelihood, r.likelihood.value()),
        (Field::Impact, Some(r)) => format!("{} ({})", r.impact, r.impact.value()),
        (Field::Detection, Some(r)) => r.detection.clone(),
        (Field::Mitigation, Some(r)) => r.mitigation.clone(),
        (Field::Runbook, Some(r)) => r.runbook.clone(),
        (Field::Status, Some(r)) => r.status.name().to_owned(),
        (Field::LastRehearsed, Some(r)) => {
            r.last_rehearsed.map(|d| d.to_string()).unwrap_or_default()
        }
        (Field::Ettd, Some(r)) => num_text(r.estimate.ettd_minutes),
        (Field::Ettr, Some(r)) => num_text(r.estimate.ettr_minutes),
        (Field::PerYear, Some(r)) => num_text(r.estimate.per_year),
        (Field::UsersPercent, Some(r)) => num_text(r.estimate.users_affected_percent),
        _ => String::new(),
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
    let max = match field {
        Field::Availability | Field::UsersPercent => Some(100.0),
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
    match field.kind() {
        Kind::List => return set_list_item(reg, risk, row, text),
        Kind::Number => {
            let value = parse_number(field, text)?;
            let slot = match (field, risk) {
                (Field::Availability, _) => &mut reg.objectives.availability,
                (Field::Rto, _) => &mut reg.objectives.rto_minutes,
                (Field::Rpo, _) => &mut reg.objectives.rpo_minutes,
                (_, Some(i)) => {
                    let e = &mut reg.risks.get_mut(i).ok_or("no such risk")?.estimate;
                    match field {
                        Field::Ettd => &mut e.ettd_minutes,
                        Field::Ettr => &mut e.ettr_minutes,
                        Field::PerYear => &mut e.per_year,
                        _ => &mut e.users_affected_percent,
                    }
                }
                _ => return Err("no risk selected".into()),
            };
            *slot = value;
            return Ok(());
        }
        _ => {}
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
        _ => {
            let index = risk.ok_or("no risk selected")?;
            let id = crate::check::suggest_id(text_trimmed);
            if field == Field::RiskId {
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
            }
            let r = reg.risks.get_mut(index).ok_or("no such risk")?;
            match field {
                Field::RiskId => r.id = id,
                Field::RiskTitle => r.title = non_empty(text_trimmed, "title")?,
                Field::RiskDescription => r.description = text.trim_end().to_owned(),
                Field::Detection => r.detection = text_trimmed.to_owned(),
                Field::Mitigation => r.mitigation = text_trimmed.to_owned(),
                Field::Runbook => r.runbook = text_trimmed.to_owned(),
                Field::Likelihood => r.likelihood = parse_level(text_trimmed)?,
                Field::Impact => r.impact = parse_level(text_trimmed)?,
                Field::Status => r.status = parse_status(text_trimmed)?,
                Field::LastRehearsed => r.last_rehearsed = parse_date(text_trimmed, today)?,
                _ => return Err(format!("{} cannot be edited here", field.key())),
            }
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
        match row.field {
            Field::Tickets => &mut r.tickets,
            Field::Alerts => &mut r.alerts,
            _ => &mut r.questions,
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
        assert!(refuse(&mut r, Field::LastRehearsed, "2026-13-01").contains("not a date"));
        assert!(refuse(&mut r, Field::RiskTitle, "  ").contains("cannot be empty"));
        assert_eq!(r, reg(), "nothing changed");
    }

    #[test]
    fn values_are_written() {
        let mut r = reg();
        set(&mut r, Some(0), row(Field::Ettd), "2.5", today()).unwrap();
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
