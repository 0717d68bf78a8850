//! Generated timelines for the statistics' figures: closed incidents (one in ten a drill) and
//! game days over 2026, on the generated risks, with detection, mitigation and resolution a
//! few minutes apart, an impact start logged on one incident in four, and a follow-up on one
//! in three.

use super::Rng;
use crate::model::timeline::{Event, EventKind, Header, Roles, Severity, TimelineKind};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Writes `count` timelines under `out` (`incidents/`, `gamedays/`) on risks of `references`.
pub(super) fn write(
    out: &Path,
    count: usize,
    references: &[String],
    rng: &mut Rng,
) -> io::Result<()> {
    if references.is_empty() {
        return Ok(());
    }
    for k in 0..count {
        let kind = if k % 3 == 0 {
            TimelineKind::Gameday
        } else {
            TimelineKind::Incident
        };
        let day = i8::try_from(1 + rng.below(28)).unwrap_or(1);
        let month = i8::try_from(1 + rng.below(11)).unwrap_or(1);
        let date = jiff::civil::date(2026, month, day);
        let hour = 8 + rng.below(10);
        let start = format!("{date}T{hour:02}:00:00+00:00");
        let started: jiff::Timestamp = start
            .parse()
            .map_err(|e| io::Error::other(format!("{e}")))?;
        let risk = references[rng.below(references.len())].clone();
        let header = Header {
            kind,
            title: format!("Generated {} {k}", kind.tag()),
            started: start,
            severity: Severity::ALL[rng.below(4)],
            roles: Roles::default(),
            risks: vec![risk.clone()],
            drawn: None,
            drill: kind == TimelineKind::Incident && k % 10 == 1,
        };
        let at = |minutes: usize| {
            let secs = i64::try_from(minutes * 60).unwrap_or(0);
            crate::clock::rfc3339(started + jiff::SignedDuration::from_secs(secs))
        };
        let detect = 1 + rng.below(30);
        let mitigate = detect + 5 + rng.below(55);
        let resolve = mitigate + 5 + rng.below(115);
        let mut events = Vec::new();
        if kind == TimelineKind::Incident && rng.chance(25) {
            let before = i64::try_from(1 + rng.below(20)).unwrap_or(1) * 60;
            events.push(Event::new(
                crate::clock::rfc3339(started - jiff::SignedDuration::from_secs(before)),
                EventKind::ImpactStarted,
                "",
            ));
        }
        events.push(Event::new(at(detect), EventKind::Detected, ""));
        events.push(Event::new(at(mitigate), EventKind::Mitigated, ""));
        if rng.chance(33) {
            let mut f = Event::new(at(mitigate + 1), EventKind::FollowUp, "Add a test for it");
            f.risk = Some(risk.clone());
            f.owner = Some(format!("owner-{}", k % 17));
            events.push(f);
        }
        events.push(Event::new(at(resolve), EventKind::Resolved, ""));
        let mut text = serde_json::to_string(&header).map_err(io::Error::other)?;
        text.push('\n');
        for e in &events {
            let _ = writeln!(
                text,
                "{}",
                serde_json::to_string(e).map_err(io::Error::other)?
            );
        }
        let dir = out.join(kind.dir());
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{date}-generated-{k}.jsonl")), text)?;
    }
    Ok(())
}
