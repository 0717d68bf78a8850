//! Canonical form round trips: parse → write → parse is the identity, and writing a canonical
//! file again gives the same bytes, for any register (proptest), and for the example workspace.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use faultline::model::timeline::TimelineKind;
use faultline::model::{
    Date, Estimate, FollowUp, FollowUpStatus, Level, Num, Objectives, Register, Rehearsal, Risk,
    Status, to_canonical,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

fn level() -> impl Strategy<Value = Level> {
    prop::sample::select(Level::ALL.to_vec())
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(Status::ALL.to_vec())
}

/// Numbers as a register holds them: integers, halves, decimals and the odd huge or tiny one.
fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        (0u32..100_000).prop_map(|n| Num(f64::from(n))),
        (0u32..10_000).prop_map(|n| Num(f64::from(n) / 10.0)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Num),
    ]
}

fn date() -> impl Strategy<Value = Date> {
    (2000i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date(jiff::civil::date(y, m, d)))
}

/// Any text, including quotes, backslashes, control characters and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,40}", "[a-z \"\\\\\n\t\u{1b}é✓]{0,20}"]
}

fn id() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,20}"
}

fn estimate() -> impl Strategy<Value = Estimate> {
    (
        option::of(num()),
        option::of(num()),
        option::of(num()),
        option::of(num()),
    )
        .prop_map(|(a, b, c, d)| Estimate {
            ettd_minutes: a,
            ettr_minutes: b,
            per_year: c,
            users_affected_percent: d,
        })
}

/// A rehearsal; `timeline` as faultline writes the paths (no spaces or newlines).
fn rehearsal() -> impl Strategy<Value = Rehearsal> {
    (
        date(),
        prop::sample::select(vec![TimelineKind::Gameday, TimelineKind::Incident]),
        option::of(num()),
        option::of(num()),
        option::of((0u32..50, 0u32..50)),
        "[a-z0-9/._-]{0,30}",
    )
        .prop_map(|(date, kind, detect, repair, steps, timeline)| Rehearsal {
            date,
            kind,
            detect_minutes: detect.map(|n| Num(n.0.abs())),
            repair_minutes: repair.map(|n| Num(n.0.abs())),
            steps_done: steps.map(|(d, _)| Num(f64::from(d))),
            steps_total: steps.map(|(_, t)| Num(f64::from(t))),
            timeline,
        })
}

/// A follow-up with any text (the canonical writer escapes it).
fn follow_up() -> impl Strategy<Value = FollowUp> {
    (
        text(),
        text(),
        option::of(date()),
        text(),
        any::<bool>(),
        "[a-z0-9/._-]{0,30}",
    )
        .prop_map(|(text, owner, due, ticket, done, timeline)| FollowUp {
            text,
            owner,
            due,
            ticket,
            status: if done {
                FollowUpStatus::Done
            } else {
                FollowUpStatus::Open
            },
            timeline,
        })
}

fn risk() -> impl Strategy<Value = Risk> {
    (
        (
            id(),
            text(),
            text(),
            level(),
            level(),
            text(),
            text(),
            text(),
        ),
        (
            status(),
            vec(text(), 0..3),
            vec(text(), 0..3),
            option::of(date()),
            estimate(),
            vec(text(), 0..3),
            vec(rehearsal(), 0..3),
        ),
        (text(), option::of(date()), vec(follow_up(), 0..3), text()),
    )
        .prop_map(
            |(
                (id, title, description, likelihood, impact, detection, mitigation, runbook),
                (status, tickets, questions, last_rehearsed, estimate, alerts, rehearsals),
                (accepted_by, accepted_until, follow_ups, category),
            )| Risk {
                id,
                title,
                description,
                category,
                likelihood,
                impact,
                detection,
                alerts,
                mitigation,
                runbook,
                status,
                accepted_by,
                accepted_until,
                tickets,
                questions,
                last_rehearsed,
                rehearsals,
                follow_ups,
                estimate,
            },
        )
}

fn register() -> impl Strategy<Value = Register> {
    (
        id(),
        text(),
        text(),
        text(),
        vec(id(), 0..4),
        (option::of(num()), option::of(num()), option::of(num())),
        vec(risk(), 0..5),
    )
        .prop_map(
            |(component, title, owner, description, depends_on, (a, rto, rpo), risks)| Register {
                component,
                title,
                owner,
                description,
                depends_on,
                objectives: Objectives {
                    availability: a,
                    rto_minutes: rto,
                    rpo_minutes: rpo,
                },
                risks,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A rehearsal as a spreadsheet cell's line (CSV export, textconv) reads back the same.
    #[test]
    fn rehearsal_lines_read_back(r in rehearsal()) {
        let line = r.to_line();
        prop_assert_eq!(Rehearsal::parse_line(&line).unwrap(), r);
    }

    #[test]
    fn write_then_parse_is_identity(reg in register()) {
        let text = to_canonical(&reg);
        let back: Register = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &reg);
        // Canonical text written again is byte-identical.
        prop_assert_eq!(to_canonical(&back), text);
    }

    /// The canonical writer gives serde_json's pretty printer's bytes exactly: every string
    /// (escaped or not), number, date, skipped field and empty list.
    #[test]
    fn the_canonical_writer_is_serde_json_pretty(reg in register()) {
        let serde = format!("{}\n", serde_json::to_string_pretty(&reg).unwrap());
        prop_assert_eq!(to_canonical(&reg), serde);
    }

    #[test]
    fn canonical_text_has_one_trailing_newline_and_no_fractions_on_integers(reg in register()) {
        let text = to_canonical(&reg);
        let ends_once = text.ends_with("}\n") && !text.ends_with("\n\n");
        prop_assert!(ends_once, "trailing newline");
        // Number values are the only unquoted values besides objects and arrays.
        let integer_with_fraction = text.lines().any(|line| {
            line.split_once("\": ").is_some_and(|(_, value)| {
                let value = value.trim_end_matches(',');
                value.parse::<f64>().is_ok() && value.ends_with(".0")
            })
        });
        prop_assert!(!integer_with_fraction, "an integer written with .0");
    }
}

#[test]
fn example_registers_are_byte_identical_after_a_round_trip() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("registers");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let reg: Register = serde_json::from_str(&text).unwrap();
        assert_eq!(to_canonical(&reg), text);
        seen += 1;
    }
    assert!(seen >= 8);
}

#[test]
fn empty_optionals_are_left_out() {
    let reg: Register = serde_json::from_str(
        r#"{"component":"a","title":"A","owner":"","depends_on":[],"objectives":{},"risks":[{"id":"r","title":"R","likelihood":"low","impact":"high","status":"open","tickets":[],"estimate":{}}]}"#,
    )
    .unwrap();
    assert_eq!(
        to_canonical(&reg),
        "{\n  \"component\": \"a\",\n  \"title\": \"A\",\n  \"risks\": [\n    {\n      \"id\": \"r\",\n      \"title\": \"R\",\n      \"likelihood\": \"low\",\n      \"impact\": \"high\",\n      \"status\": \"open\"\n    }\n  ]\n}\n"
    );
}
