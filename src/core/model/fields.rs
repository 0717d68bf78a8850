//! A risk's fields as one table: each field's key (in the register file and as a CSV column),
//! its label (in the form), what kind of value it holds, and where that value lives in a
//! `Risk`. The form, the CSV export and import, and the review's diff all read it, so adding a
//! field is one entry here plus the model (the struct, its canonical writer and the schema).
//! Each reader keeps its own way of reading text: the form is strict, a spreadsheet lenient.

use super::{Date, FollowUp, Level, Num, Rehearsal, Risk, Status};

/// Where a field's value lives, by its type.
#[derive(Clone, Copy)]
pub enum Slot {
    /// One line of text.
    Line(fn(&Risk) -> &String, fn(&mut Risk) -> &mut String),
    /// Text of several lines.
    Multiline(fn(&Risk) -> &String, fn(&mut Risk) -> &mut String),
    Level(fn(&Risk) -> &Level, fn(&mut Risk) -> &mut Level),
    Status(fn(&Risk) -> &Status, fn(&mut Risk) -> &mut Status),
    /// A list of texts, written in one cell with `separator` between items.
    List {
        get: fn(&Risk) -> &Vec<String>,
        get_mut: fn(&mut Risk) -> &mut Vec<String>,
        separator: &'static str,
    },
    Date(
        fn(&Risk) -> &Option<Date>,
        fn(&mut Risk) -> &mut Option<Date>,
    ),
    /// A non-negative number, at most `max` when there is one.
    Number {
        get: fn(&Risk) -> &Option<Num>,
        get_mut: fn(&mut Risk) -> &mut Option<Num>,
        max: Option<f64>,
    },
    /// Measured rehearsals, one line each (`Rehearsal::to_line`).
    Rehearsals(
        fn(&Risk) -> &Vec<Rehearsal>,
        fn(&mut Risk) -> &mut Vec<Rehearsal>,
    ),
    /// Follow-ups, one line each (`FollowUp::to_line`).
    FollowUps(
        fn(&Risk) -> &Vec<FollowUp>,
        fn(&mut Risk) -> &mut Vec<FollowUp>,
    ),
}

/// One field of a risk.
#[derive(Clone, Copy)]
pub struct RiskField {
    /// The key in the register file (an estimate's without `estimate.`), the CSV column.
    pub key: &'static str,
    /// How the form names it.
    pub label: &'static str,
    /// The names a spreadsheet's header may give it (lower-case, without spaces, `_`, `-`,
    /// `(`, `)`, `%`), its key's among them.
    pub headers: &'static [&'static str],
    pub slot: Slot,
}

impl std::fmt::Debug for RiskField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key)
    }
}

impl PartialEq for RiskField {
    fn eq(&self, other: &RiskField) -> bool {
        self.key == other.key
    }
}

impl Eq for RiskField {}

impl RiskField {
    /// The value as one text, as a CSV cell and the review's diff write it: a level or status
    /// by name, a list with its separator, nothing for an empty date or number.
    pub fn text(&self, risk: &Risk) -> String {
        match self.slot {
            Slot::Line(get, _) | Slot::Multiline(get, _) => get(risk).clone(),
            Slot::Level(get, _) => get(risk).to_string(),
            Slot::Status(get, _) => get(risk).to_string(),
            Slot::List { get, separator, .. } => get(risk).join(separator),
            Slot::Date(get, _) => get(risk).map(|d| d.to_string()).unwrap_or_default(),
            Slot::Number { get, .. } => get(risk).map(|n| n.to_string()).unwrap_or_default(),
            Slot::Rehearsals(get, _) => get(risk)
                .iter()
                .map(Rehearsal::to_line)
                .collect::<Vec<_>>()
                .join("\n"),
            Slot::FollowUps(get, _) => get(risk)
                .iter()
                .map(FollowUp::to_line)
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// A single value (not a list of them): the diff says how it changed.
    pub fn is_scalar(&self) -> bool {
        !matches!(
            self.slot,
            Slot::List { .. } | Slot::Rehearsals(..) | Slot::FollowUps(..)
        )
    }
}

/// The risk's fields, in the order of the CSV columns.
pub static RISK_FIELDS: [RiskField; 22] = [
    RiskField {
        key: "id",
        label: "Id",
        headers: &["id", "riskid"],
        slot: Slot::Line(|r| &r.id, |r| &mut r.id),
    },
    RiskField {
        key: "title",
        label: "Title",
        headers: &["risk", "failuremode", "title", "threat", "risktitle"],
        slot: Slot::Line(|r| &r.title, |r| &mut r.title),
    },
    RiskField {
        key: "description",
        label: "About",
        headers: &["description", "details"],
        slot: Slot::Multiline(|r| &r.description, |r| &mut r.description),
    },
    RiskField {
        key: "category",
        label: "Category",
        headers: &["category", "pillar", "riskcategory", "area"],
        slot: Slot::Line(|r| &r.category, |r| &mut r.category),
    },
    RiskField {
        key: "likelihood",
        label: "Likelihood",
        headers: &["likelihood", "probability", "frequency"],
        slot: Slot::Level(|r| &r.likelihood, |r| &mut r.likelihood),
    },
    RiskField {
        key: "impact",
        label: "Impact",
        headers: &["impact", "severity", "consequence"],
        slot: Slot::Level(|r| &r.impact, |r| &mut r.impact),
    },
    RiskField {
        key: "status",
        label: "Status",
        headers: &["status", "state"],
        slot: Slot::Status(|r| &r.status, |r| &mut r.status),
    },
    RiskField {
        key: "accepted_by",
        label: "Accepted",
        headers: &["acceptedby", "riskowneracceptance", "acceptance"],
        slot: Slot::Line(|r| &r.accepted_by, |r| &mut r.accepted_by),
    },
    RiskField {
        key: "accepted_until",
        label: "Until",
        headers: &["accepteduntil", "acceptanceexpires", "reviewby"],
        slot: Slot::Date(|r| &r.accepted_until, |r| &mut r.accepted_until),
    },
    RiskField {
        key: "detection",
        label: "Detection",
        headers: &[
            "detection",
            "monitoring",
            "alerting",
            "detect",
            "howwouldwenotice?",
            "howwouldwenotice",
        ],
        slot: Slot::Line(|r| &r.detection, |r| &mut r.detection),
    },
    RiskField {
        key: "alerts",
        label: "Alerts",
        headers: &["alerts", "alert", "alertnames"],
        slot: Slot::List {
            get: |r| &r.alerts,
            get_mut: |r| &mut r.alerts,
            separator: "; ",
        },
    },
    RiskField {
        key: "mitigation",
        label: "Mitigation",
        headers: &[
            "mitigation",
            "controls",
            "countermeasure",
            "countermeasures",
        ],
        slot: Slot::Line(|r| &r.mitigation, |r| &mut r.mitigation),
    },
    RiskField {
        key: "runbook",
        label: "Runbook",
        headers: &["runbook", "playbook", "action"],
        slot: Slot::Line(|r| &r.runbook, |r| &mut r.runbook),
    },
    RiskField {
        key: "tickets",
        label: "Tickets",
        headers: &["ticket", "tickets"],
        slot: Slot::List {
            get: |r| &r.tickets,
            get_mut: |r| &mut r.tickets,
            separator: "; ",
        },
    },
    RiskField {
        key: "questions",
        label: "Questions",
        headers: &["questions", "openquestions"],
        slot: Slot::List {
            get: |r| &r.questions,
            get_mut: |r| &mut r.questions,
            separator: "\n",
        },
    },
    RiskField {
        key: "last_rehearsed",
        label: "Rehearsed",
        headers: &["lastrehearsed", "rehearsed", "lasttested"],
        slot: Slot::Date(|r| &r.last_rehearsed, |r| &mut r.last_rehearsed),
    },
    RiskField {
        key: "rehearsals",
        label: "Rehearsals",
        headers: &["rehearsals", "measurements"],
        slot: Slot::Rehearsals(|r| &r.rehearsals, |r| &mut r.rehearsals),
    },
    RiskField {
        key: "follow_ups",
        label: "Follow-ups",
        headers: &["followups", "actionitems"],
        slot: Slot::FollowUps(|r| &r.follow_ups, |r| &mut r.follow_ups),
    },
    RiskField {
        key: "ettd_minutes",
        label: "Detect min",
        headers: &["ettd", "ettdminutes", "timetodetect"],
        slot: Slot::Number {
            get: |r| &r.estimate.ettd_minutes,
            get_mut: |r| &mut r.estimate.ettd_minutes,
            max: None,
        },
    },
    RiskField {
        key: "ettr_minutes",
        label: "Repair min",
        headers: &["ettr", "ettrminutes", "timetorepair"],
        slot: Slot::Number {
            get: |r| &r.estimate.ettr_minutes,
            get_mut: |r| &mut r.estimate.ettr_minutes,
            max: None,
        },
    },
    RiskField {
        key: "per_year",
        label: "Per year",
        headers: &["peryear", "occurrencesperyear"],
        slot: Slot::Number {
            get: |r| &r.estimate.per_year,
            get_mut: |r| &mut r.estimate.per_year,
            max: None,
        },
    },
    RiskField {
        key: "users_affected_percent",
        label: "Users %",
        headers: &["usersaffected", "usersaffectedpercent", "users"],
        slot: Slot::Number {
            get: |r| &r.estimate.users_affected_percent,
            get_mut: |r| &mut r.estimate.users_affected_percent,
            max: Some(100.0),
        },
    },
];

/// The risk field with this key.
pub fn risk_field(key: &str) -> Option<&'static RiskField> {
    RISK_FIELDS.iter().find(|f| f.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_reads_back_what_it_writes() {
        let mut risk = Risk::new("a", "A");
        for field in &RISK_FIELDS {
            match field.slot {
                Slot::Line(_, set) | Slot::Multiline(_, set) => *set(&mut risk) = field.key.into(),
                Slot::List { get_mut, .. } => get_mut(&mut risk).push(field.key.into()),
                Slot::Number { get_mut, .. } => *get_mut(&mut risk) = Some(Num(7.0)),
                _ => {}
            }
        }
        for field in &RISK_FIELDS {
            let text = field.text(&risk);
            match field.slot {
                Slot::Line(..) | Slot::Multiline(..) | Slot::List { .. } => {
                    assert_eq!(text, field.key);
                }
                Slot::Number { .. } => assert_eq!(text, "7"),
                _ => {}
            }
        }
    }

    #[test]
    fn keys_are_unique_and_name_the_file_and_the_csv() {
        for (i, a) in RISK_FIELDS.iter().enumerate() {
            assert!(RISK_FIELDS[i + 1..].iter().all(|b| b.key != a.key));
            assert_eq!(risk_field(a.key), Some(a));
            // A CSV written by export reads back by its own header.
            assert!(
                a.headers.contains(&a.key.replace('_', "").as_str()),
                "{}",
                a.key
            );
        }
    }
}
