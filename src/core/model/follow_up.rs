//! A follow-up: what a review or an incident decided someone will do, with an owner, a due
//! date and a ticket. It is logged in a timeline (`follow-up` event), written back to the risk
//! it concerns when the timeline closes, and comes back in `check` and `followups` until done.

use super::register::{Date, is_false_or_empty};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a follow-up is still to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FollowUpStatus {
    #[default]
    Open,
    Done,
}

impl FollowUpStatus {
    pub fn name(self) -> &'static str {
        match self {
            FollowUpStatus::Open => "open",
            FollowUpStatus::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<FollowUpStatus> {
        [FollowUpStatus::Open, FollowUpStatus::Done]
            .into_iter()
            .find(|s| s.name() == text.trim())
    }
}

impl fmt::Display for FollowUpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One follow-up on a risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub text: String,
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub ticket: String,
    #[serde(default)]
    pub status: FollowUpStatus,
    /// The timeline it was decided in, workspace-relative.
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub timeline: String,
}

/// Between a line's parts.
const BAR: &str = " | ";

impl FollowUp {
    pub fn is_open(&self) -> bool {
        self.status == FollowUpStatus::Open
    }

    /// Open and due before `today`.
    pub fn is_overdue(&self, today: jiff::civil::Date) -> bool {
        self.days_overdue(today).is_some()
    }

    /// How many days past its due date an open follow-up is (`None`: done, undated, or not
    /// yet due).
    pub fn days_overdue(&self, today: jiff::civil::Date) -> Option<i32> {
        let due = self.due.filter(|d| self.is_open() && d.0 < today)?;
        Some((today - due.0).get_days())
    }

    /// As one line of a spreadsheet cell or of the review's text, which `parse_line` reads
    /// back: `open | due 2026-12-20 | owner Ana | ticket OPS-1 | from incidents/x.jsonl | text`.
    /// Every part is always there (`-` when empty) so the text, last, may hold anything but a
    /// line break (written as a space).
    pub fn to_line(&self) -> String {
        let or_dash = |s: &str| {
            let s = one_line(s);
            if s.trim().is_empty() {
                "-".to_owned()
            } else {
                s
            }
        };
        let due = self.due.map_or_else(|| "-".to_owned(), |d| d.to_string());
        [
            self.status.name().to_owned(),
            format!("due {due}"),
            format!("owner {}", or_dash(&self.owner)),
            format!("ticket {}", or_dash(&self.ticket)),
            format!("from {}", or_dash(&self.timeline)),
            one_line(&self.text),
        ]
        .join(BAR)
    }

    /// Reads a line `to_line` wrote; the error says what is wrong with it.
    pub fn parse_line(line: &str) -> Result<FollowUp, String> {
        let line = line.trim();
        let parts: Vec<&str> = line.splitn(6, BAR).collect();
        let shape = || {
            format!(
                "follow-up `{line}`: write `open|done | due YYYY-MM-DD | owner NAME | ticket ID | from TIMELINE | text` (`-` for none)"
            )
        };
        let [status, due, owner, ticket, from, text] = parts.as_slice() else {
            return Err(shape());
        };
        let part = |text: &str, key: &str| -> Result<String, String> {
            let value = text
                .strip_prefix(key)
                .and_then(|v| v.strip_prefix(' '))
                .ok_or_else(shape)?
                .trim();
            Ok(if value == "-" {
                String::new()
            } else {
                value.to_owned()
            })
        };
        let status = FollowUpStatus::parse(status).ok_or_else(shape)?;
        let due = part(due, "due")?;
        let due = if due.is_empty() {
            None
        } else {
            Some(Date::parse(&due).ok_or_else(|| {
                format!("follow-up `{line}`: due `{due}` is not a date (YYYY-MM-DD)")
            })?)
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("follow-up `{line}` says nothing to do"));
        }
        Ok(FollowUp {
            text: text.to_owned(),
            owner: part(owner, "owner")?,
            due,
            ticket: part(ticket, "ticket")?,
            status,
            timeline: part(from, "from")?,
        })
    }

    /// One line for a person: `open, due 2026-12-20, Ana, OPS-1: add the reconnect test`.
    pub fn summary(&self) -> String {
        let mut head = vec![self.status.name().to_owned()];
        if let Some(due) = self.due {
            head.push(format!("due {due}"));
        }
        if !self.owner.is_empty() {
            head.push(self.owner.clone());
        }
        if !self.ticket.is_empty() {
            head.push(self.ticket.clone());
        }
        format!("{}: {}", head.join(", "), self.text)
    }
}

/// A follow-up a timeline logged, and where it goes: a risk of `component`, or (`risk: None`)
/// a new risk there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub component: String,
    pub risk: Option<String>,
    pub follow_up: FollowUp,
}

/// Whether a follow-up's `risk` names one as the event may: `component/risk-id`, or a
/// component alone (a new risk there), each part a valid id.
pub fn is_risk_reference(text: &str) -> bool {
    text.split('/').count() <= 2 && text.split('/').all(super::is_valid_id)
}

impl super::timeline::Timeline {
    /// Its `follow-up` events as follow-ups from the timeline at `path` (workspace-relative),
    /// each placed: on the risk the event names (`component/risk-id`); in a component the
    /// event names alone, as a new risk; when it names nothing, as a new risk in the first risk
    /// in play's component. Those with nowhere to go (nothing named, no risk in play) come back
    /// as their texts.
    pub fn follow_ups(&self, path: &str) -> (Vec<Placed>, Vec<String>) {
        use super::timeline::EventKind;
        let fallback = self
            .header
            .risks
            .first()
            .and_then(|r| r.split_once('/'))
            .map(|(component, _)| component.to_owned());
        let (mut placed, mut lost) = (Vec::new(), Vec::new());
        for event in &self.events {
            if event.known_kind() != Some(EventKind::FollowUp) || event.text.trim().is_empty() {
                continue;
            }
            let follow_up = FollowUp {
                text: event.text.trim().to_owned(),
                owner: event.owner.clone().unwrap_or_default(),
                due: event.due.as_deref().and_then(Date::parse),
                ticket: event.ticket.clone().unwrap_or_default(),
                status: FollowUpStatus::Open,
                timeline: path.to_owned(),
            };
            let named = event
                .risk
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty());
            let target = match named {
                Some(r) => match r.split_once('/') {
                    Some((component, id)) => Some((component.to_owned(), Some(id.to_owned()))),
                    None => Some((r.to_owned(), None)),
                },
                None => fallback.clone().map(|c| (c, None)),
            };
            match target {
                Some((component, risk)) => placed.push(Placed {
                    component,
                    risk,
                    follow_up,
                }),
                None => lost.push(follow_up.text),
            }
        }
        (placed, lost)
    }
}

impl Placed {
    /// `component/risk-id`, or `component (new risk)`.
    pub fn target(&self) -> String {
        match &self.risk {
            Some(id) => format!("{}/{id}", self.component),
            None => format!("{} (new risk)", self.component),
        }
    }

    /// `reg` (the component's register) with the follow-up recorded, or `Ok(None)` when it is
    /// there already (the same text from the same timeline: writing back twice adds nothing).
    /// A new risk takes its id and title from the text, medium likelihood and impact, open.
    pub fn apply(&self, reg: &super::Register) -> Result<Option<super::Register>, String> {
        let same =
            |f: &FollowUp| f.text == self.follow_up.text && f.timeline == self.follow_up.timeline;
        let mut reg = reg.clone();
        match &self.risk {
            Some(id) => {
                let risk = reg
                    .risks
                    .iter_mut()
                    .find(|r| r.id == *id)
                    .ok_or_else(|| format!("{} has no risk `{id}`", self.component))?;
                if risk.follow_ups.iter().any(same) {
                    return Ok(None);
                }
                risk.follow_ups.push(self.follow_up.clone());
            }
            None => {
                if reg.risks.iter().any(|r| r.follow_ups.iter().any(same)) {
                    return Ok(None);
                }
                let taken: Vec<&str> = reg.risks.iter().map(|r| r.id.as_str()).collect();
                let id = crate::core::id::unique_id(&self.follow_up.text, &taken);
                let mut risk = super::Risk::new(&id, &self.follow_up.text);
                risk.description = format!(
                    "Raised as a follow-up in {}: estimate its likelihood and impact.",
                    self.follow_up.timeline
                );
                risk.follow_ups.push(self.follow_up.clone());
                reg.risks.push(risk);
            }
        }
        Ok(Some(reg))
    }
}

/// Line breaks as spaces, so one follow-up stays one line.
fn one_line(text: &str) -> String {
    text.split(['\n', '\r']).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_back_what_it_wrote() {
        let f = FollowUp {
            text: "add | the reconnect test".into(),
            owner: "Ana Lima".into(),
            due: Date::parse("2026-12-20"),
            ticket: "OPS-1".into(),
            status: FollowUpStatus::Done,
            timeline: "incidents/a.jsonl".into(),
        };
        assert_eq!(
            f.to_line(),
            "done | due 2026-12-20 | owner Ana Lima | ticket OPS-1 | from incidents/a.jsonl | add | the reconnect test"
        );
        assert_eq!(FollowUp::parse_line(&f.to_line()), Ok(f));
        let bare = FollowUp::parse_line("open | due - | owner - | ticket - | from - | x").unwrap();
        assert_eq!((bare.due, bare.owner.as_str()), (None, ""));
        assert!(FollowUp::parse_line("open | x").is_err());
        assert!(is_risk_reference("db/failover") && is_risk_reference("db"));
        assert!(!is_risk_reference("db/x/y") && !is_risk_reference("Bad Id"));
        assert!(FollowUp::parse_line("open | due soon | owner - | ticket - | from - | x").is_err());
    }
}
