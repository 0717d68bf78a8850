//! A component's register file: the component, its objectives and its risks, exactly as PRODUCT §2
//! defines them. Field order here is the canonical key order of the file.

use super::level::{Band, Level, Status, score};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The categories a risk may have when `faultline.toml` names none: the production-readiness
/// areas, so the coverage view shows which a component has never considered.
pub const DEFAULT_CATEGORIES: [&str; 8] = [
    "scalability",
    "resiliency",
    "monitoring",
    "recoverability",
    "security",
    "support",
    "organisation",
    "cost",
];

/// Minutes in a (365-day) year, the period error budgets are counted over.
pub const MINUTES_PER_YEAR: f64 = 525_600.0;

/// A risk's expected bad minutes above this share of its component's error budget is a finding.
pub const BUDGET_SHARE_LIMIT: f64 = 0.25;

pub(super) fn is_false_or_empty(s: &str) -> bool {
    s.is_empty()
}

/// One component and the ways it can fail: the content of `registers/<component>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    pub component: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub owner: String,
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Objectives::is_empty")]
    pub objectives: Objectives,
    #[serde(default)]
    pub risks: Vec<Risk>,
}

/// What the component promises: availability in percent, recovery time and recovery point.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objectives {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto_minutes: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo_minutes: Option<Num>,
}

impl Objectives {
    pub fn is_empty(&self) -> bool {
        self.availability.is_none() && self.rto_minutes.is_none() && self.rpo_minutes.is_none()
    }
}

/// One way the component can fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub description: String,
    /// What kind of failure (scalability, security, recoverability, …): the coverage view
    /// shows which kinds a component has never considered.
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub category: String,
    pub likelihood: Level,
    pub impact: Level,
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub detection: String,
    /// The alerts that would fire, by name, with an optional `source:` prefix
    /// (`cloudwatch:orders-dlq-not-empty`): checked against the monitoring config.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub mitigation: String,
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub runbook: String,
    pub status: Status,
    /// Who accepted the risk (status `accepted`), and until when: an acceptance expires and is
    /// decided again.
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub accepted_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_until: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tickets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rehearsed: Option<Date>,
    /// Every rehearsal's measurements, oldest first: kept apart from the estimate, which one
    /// measurement does not replace.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rehearsals: Vec<Rehearsal>,
    /// What reviews and incidents decided someone will do about it, until done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<super::FollowUp>,
    #[serde(default, skip_serializing_if = "Estimate::is_empty")]
    pub estimate: Estimate,
}

/// One rehearsal of a risk as it was measured: a game day (or an incident that played it out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rehearsal {
    pub date: Date,
    pub kind: super::timeline::TimelineKind,
    /// Minutes from the start to detection, as measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detect_minutes: Option<Num>,
    /// Minutes from detection to resolution (else mitigation), as measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_minutes: Option<Num>,
    /// Whether the runbook worked: its steps ticked, of those it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps_done: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps_total: Option<Num>,
    /// The timeline it was measured in, workspace-relative.
    #[serde(default, skip_serializing_if = "is_false_or_empty")]
    pub timeline: String,
}

impl Rehearsal {
    /// One line: `2026-12-04 game day: detect 4 min, repair 12 min, 3 of 5 steps`.
    pub fn summary(&self) -> String {
        let minutes = |m: Option<Num>| m.map_or_else(|| "—".to_owned(), |m| format!("{m} min"));
        let mut out = format!(
            "{} {}: detect {}, repair {}",
            self.date,
            self.kind.name(),
            minutes(self.detect_minutes),
            minutes(self.repair_minutes)
        );
        if let (Some(done), Some(total)) = (self.steps_done, self.steps_total) {
            let _ = fmt::Write::write_fmt(&mut out, format_args!(", {done} of {total} steps"));
        }
        out
    }

    /// As a line of a spreadsheet cell, which `parse_line` reads back:
    /// `2026-12-04 gameday detect=4 repair=12 steps=3/5 timeline=gamedays/….jsonl`.
    pub fn to_line(&self) -> String {
        let mut out = format!("{} {}", self.date, self.kind.tag());
        let mut push = |key: &str, value: Option<Num>| {
            if let Some(v) = value {
                let _ = fmt::Write::write_fmt(&mut out, format_args!(" {key}={v}"));
            }
        };
        push("detect", self.detect_minutes);
        push("repair", self.repair_minutes);
        if let (Some(done), Some(total)) = (self.steps_done, self.steps_total) {
            let _ = fmt::Write::write_fmt(&mut out, format_args!(" steps={done}/{total}"));
        }
        if !self.timeline.is_empty() {
            out.push_str(" timeline=");
            out.push_str(&self.timeline);
        }
        out
    }

    /// Reads a line `to_line` wrote; the error says what is wrong with it.
    pub fn parse_line(line: &str) -> Result<Rehearsal, String> {
        let line = line.trim();
        let (head, timeline) = match line.split_once(" timeline=") {
            Some((head, timeline)) => (head, timeline.trim().to_owned()),
            None => (line, String::new()),
        };
        let mut words = head.split_whitespace();
        let date = words.next().unwrap_or_default();
        let date = Date::parse(date)
            .ok_or_else(|| format!("rehearsal `{line}` does not start with a date (YYYY-MM-DD)"))?;
        let kinds = [
            super::timeline::TimelineKind::Gameday,
            super::timeline::TimelineKind::Incident,
        ];
        let Some(kind) = words
            .next()
            .and_then(|w| kinds.into_iter().find(|k| k.tag() == w))
        else {
            return Err(format!(
                "rehearsal `{line}`: the date is followed by `gameday` or `incident`"
            ));
        };
        let mut r = Rehearsal {
            date,
            kind,
            detect_minutes: None,
            repair_minutes: None,
            steps_done: None,
            steps_total: None,
            timeline,
        };
        let number = |v: &str| -> Result<Num, String> {
            v.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(Num)
                .ok_or_else(|| {
                    format!("rehearsal `{line}`: `{v}` is not a number of minutes or steps")
                })
        };
        for word in words {
            match word.split_once('=') {
                Some(("detect", v)) => r.detect_minutes = Some(number(v)?),
                Some(("repair", v)) => r.repair_minutes = Some(number(v)?),
                Some(("steps", v)) => {
                    let (done, total) = v.split_once('/').ok_or_else(|| {
                        format!("rehearsal `{line}`: steps are written done/total")
                    })?;
                    r.steps_done = Some(number(done)?);
                    r.steps_total = Some(number(total)?);
                }
                _ => {
                    return Err(format!(
                        "rehearsal `{line}`: `{word}` is not detect=, repair=, steps= or timeline="
                    ));
                }
            }
        }
        Ok(r)
    }
}

/// The quantitative estimate of a risk, all optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ettd_minutes: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ettr_minutes: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_year: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_affected_percent: Option<Num>,
}

impl Estimate {
    pub fn is_empty(&self) -> bool {
        self.ettd_minutes.is_none()
            && self.ettr_minutes.is_none()
            && self.per_year.is_none()
            && self.users_affected_percent.is_none()
    }

    /// Expected bad minutes per year = (ettd + ettr) × per_year × users_affected_percent / 100.
    /// `None` unless every part is given.
    pub fn bad_minutes_per_year(&self) -> Option<f64> {
        let ettd = self.ettd_minutes?.0;
        let ettr = self.ettr_minutes?.0;
        let per_year = self.per_year?.0;
        let users = self.users_affected_percent?.0;
        Some((ettd + ettr) * per_year * users / 100.0)
    }
}

impl Register {
    /// Gives back the room its lists were read with. A list read from JSON grows by doubling
    /// from four: a risk's one alert and one ticket held room for four each, a quarter of an
    /// organisation's registers in memory.
    pub fn shrink_to_fit(&mut self) {
        self.depends_on.shrink_to_fit();
        self.risks.shrink_to_fit();
        for risk in &mut self.risks {
            risk.alerts.shrink_to_fit();
            risk.tickets.shrink_to_fit();
            risk.questions.shrink_to_fit();
            risk.rehearsals.shrink_to_fit();
            risk.follow_ups.shrink_to_fit();
        }
    }

    /// A new, empty register for a component id: its title is the id in words, to be edited.
    pub fn new(id: &str) -> Register {
        let mut title: String = id.replace('-', " ");
        if let Some(first) = title.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        Register {
            component: id.to_owned(),
            title,
            owner: String::new(),
            description: String::new(),
            depends_on: Vec::new(),
            objectives: Objectives::default(),
            risks: Vec::new(),
        }
    }

    /// The error budget in minutes a year: (100 − availability) / 100 × 525,600.
    pub fn error_budget_minutes(&self) -> Option<f64> {
        let availability = self.objectives.availability?.0;
        Some((100.0 - availability) / 100.0 * MINUTES_PER_YEAR)
    }

    /// The highest band among the component's risks, if it has any.
    /// The expected bad minutes a year of all its risks with estimates, and the share of the
    /// error budget they take (`None`s: no estimates, no availability objective).
    pub fn budget_use(&self) -> (Option<f64>, Option<f64>) {
        let minutes: Vec<f64> = self
            .risks
            .iter()
            .filter_map(|r| r.estimate.bad_minutes_per_year())
            .collect();
        if minutes.is_empty() {
            return (None, None);
        }
        let total: f64 = minutes.iter().sum();
        let share = self
            .error_budget_minutes()
            .filter(|b| *b > 0.0)
            .map(|b| total / b);
        (Some(total), share)
    }

    pub fn highest_band(&self) -> Option<Band> {
        self.risks.iter().map(Risk::band).max()
    }

    /// Indices of the risks, highest score first; ties keep the team's order.
    pub fn risks_by_score(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.risks.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.risks[i].score()));
        order
    }

    /// The share of the component's error budget one risk's expected bad minutes take (0.5 = 50 %).
    pub fn budget_share(&self, risk: &Risk) -> Option<f64> {
        let budget = self.error_budget_minutes()?;
        let bad = risk.estimate.bad_minutes_per_year()?;
        (budget > 0.0).then(|| bad / budget)
    }
}

impl Risk {
    /// A new risk: medium × medium, open, everything else empty.
    pub fn new(id: &str, title: &str) -> Risk {
        Risk {
            id: id.to_owned(),
            title: title.to_owned(),
            description: String::new(),
            category: String::new(),
            likelihood: Level::Medium,
            impact: Level::Medium,
            detection: String::new(),
            alerts: Vec::new(),
            mitigation: String::new(),
            runbook: String::new(),
            status: Status::Open,
            accepted_by: String::new(),
            accepted_until: None,
            tickets: Vec::new(),
            questions: Vec::new(),
            last_rehearsed: None,
            rehearsals: Vec::new(),
            follow_ups: Vec::new(),
            estimate: Estimate::default(),
        }
    }

    /// The latest rehearsal's measurements, if any (the list is kept oldest first; the latest
    /// date wins, then the later entry).
    pub fn latest_rehearsal(&self) -> Option<&Rehearsal> {
        self.latest_rehearsal_index().map(|i| &self.rehearsals[i])
    }

    /// Where the latest rehearsal is in `rehearsals` (the last of those on the latest date).
    pub fn latest_rehearsal_index(&self) -> Option<usize> {
        (0..self.rehearsals.len()).max_by_key(|&i| self.rehearsals[i].date)
    }

    /// Where the latest measurement is more than twice the estimate: (field, measured,
    /// estimate) for detection and repair.
    pub fn measured_over_estimate(&self) -> Vec<(&'static str, f64, f64)> {
        let Some(latest) = self.latest_rehearsal() else {
            return Vec::new();
        };
        [
            ("detect", latest.detect_minutes, self.estimate.ettd_minutes),
            ("repair", latest.repair_minutes, self.estimate.ettr_minutes),
        ]
        .into_iter()
        .filter_map(|(what, measured, estimate)| {
            let (m, e) = (measured?.0, estimate?.0);
            (m > 2.0 * e).then_some((what, m, e))
        })
        .collect()
    }

    /// Whether its category is `name` (spaces around and letter case aside, any script): how
    /// coverage, readiness and `check` all compare categories.
    pub fn in_category(&self, name: &str) -> bool {
        fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
            s.trim().chars().flat_map(char::to_lowercase)
        }
        folded(&self.category).eq(folded(name))
    }

    pub fn score(&self) -> u8 {
        score(self.likelihood, self.impact)
    }

    pub fn band(&self) -> Band {
        Band::of_score(self.score())
    }

    /// The runbook path without its `#anchor`, and the anchor if any.
    pub fn runbook_parts(&self) -> Option<(&str, Option<&str>)> {
        if self.runbook.is_empty() {
            return None;
        }
        Some(match self.runbook.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (self.runbook.as_str(), None),
        })
    }
}

/// A number as the register writes it: in its shortest form, `2` not `2.0`, `99.9` as `99.9`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Num(pub f64);

/// A whole f64 below 2^63 in size converts to i64 exactly, so it is written as an integer
/// (`9198577353371784`, not `9198577353371784.0`); larger ones are written in exponent form.
const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;

impl Num {
    /// The number as the integer it is written as, when it is whole and below 2^63 in size.
    pub(super) fn whole(self) -> Option<i64> {
        let v = self.0;
        #[allow(clippy::cast_possible_truncation)]
        (v.fract() == 0.0 && v.abs() < I64_LIMIT).then_some(v as i64)
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.whole() {
            Some(whole) => serializer.serialize_i64(whole),
            None => serializer.serialize_f64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        f64::deserialize(deserializer).map(Num)
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{}` on an f64 already prints the shortest form that round-trips, and no `.0`.
        write!(f, "{}", self.0)
    }
}

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        // jiff accepts a few more forms; a register holds exactly `YYYY-MM-DD`.
        let b = text.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return None;
        }
        text.parse::<jiff::civil::Date>().ok().map(Date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date `{text}`: expected a calendar date as YYYY-MM-DD"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_compare_without_case_or_spaces() {
        let mut risk = Risk::new("a", "A");
        assert!(!risk.in_category("security"));
        risk.category = " Security ".into();
        assert!(risk.in_category("security"));
        risk.category = "SÉCURITÉ".into();
        assert!(risk.in_category("sécurité") && !risk.in_category("security"));
    }

    fn risk_with(estimate: Estimate) -> Risk {
        Risk {
            id: "r".into(),
            title: "R".into(),
            description: String::new(),
            category: String::new(),
            likelihood: Level::Medium,
            impact: Level::High,
            detection: String::new(),
            alerts: Vec::new(),
            mitigation: String::new(),
            runbook: String::new(),
            status: Status::Open,
            accepted_by: String::new(),
            accepted_until: None,
            tickets: vec![],
            questions: vec![],
            last_rehearsed: None,
            rehearsals: vec![],
            follow_ups: vec![],
            estimate,
        }
    }

    #[test]
    fn bad_minutes_follow_the_formula() {
        let e = Estimate {
            ettd_minutes: Some(Num(5.0)),
            ettr_minutes: Some(Num(30.0)),
            per_year: Some(Num(2.0)),
            users_affected_percent: Some(Num(40.0)),
        };
        // (5 + 30) × 2 × 40 / 100 = 28
        assert_eq!(e.bad_minutes_per_year(), Some(28.0));
        let partial = Estimate {
            per_year: None,
            ..e
        };
        assert_eq!(partial.bad_minutes_per_year(), None);
    }

    #[test]
    fn error_budget_and_share() {
        let mut reg = Register {
            component: "c".into(),
            title: "C".into(),
            owner: String::new(),
            description: String::new(),
            depends_on: vec![],
            objectives: Objectives {
                availability: Some(Num(99.9)),
                ..Objectives::default()
            },
            risks: vec![],
        };
        let budget = reg.error_budget_minutes().unwrap();
        assert!((budget - 525.6).abs() < 1e-6, "{budget}");
        let risk = risk_with(Estimate {
            ettd_minutes: Some(Num(5.0)),
            ettr_minutes: Some(Num(30.0)),
            per_year: Some(Num(2.0)),
            users_affected_percent: Some(Num(40.0)),
        });
        let share = reg.budget_share(&risk).unwrap();
        assert!((share - 28.0 / 525.6).abs() < 1e-9);
        reg.objectives.availability = None;
        assert_eq!(reg.budget_share(&risk), None);
    }

    #[test]
    fn numbers_are_written_in_shortest_form() {
        let text = |v: f64| serde_json::to_string(&Num(v)).unwrap();
        assert_eq!(text(2.0), "2");
        assert_eq!(text(0.5), "0.5");
        assert_eq!(text(99.9), "99.9");
        assert_eq!(text(-0.0), "0");
        assert_eq!(text(1e20), "1e+20");
        // Found by proptest: a whole number above 2^53 was written with `.0`.
        assert_eq!(text(-9_198_577_353_371_784.0), "-9198577353371784");
    }

    #[test]
    fn dates_are_strict() {
        assert!(Date::parse("2026-09-14").is_some());
        assert!(Date::parse("2026-9-14").is_none());
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("20260914").is_none());
    }

    #[test]
    fn runbook_parts_split_the_anchor() {
        let mut r = risk_with(Estimate::default());
        assert_eq!(r.runbook_parts(), None);
        r.runbook = "runbooks/a.md#b".into();
        assert_eq!(r.runbook_parts(), Some(("runbooks/a.md", Some("b"))));
        r.runbook = "runbooks/a.md".into();
        assert_eq!(r.runbook_parts(), Some(("runbooks/a.md", None)));
    }
}
