//! Timeline files (`incidents/<date>-<slug>.jsonl`, `gamedays/…`): JSON Lines, append-only. The
//! header is written once, with the file created exclusively; every event is one `write` of a
//! whole line on an `O_APPEND` descriptor, `fsync`'d before the caller says it is recorded.
//! Reading tolerates damage: a torn last line (a crash mid-write) or a corrupt line in the
//! middle is reported with its line number, and every valid event still loads.

use crate::finding::{Finding, Pos};
use crate::model::timeline::{Event, EventKind, Header, Timeline, TimelineKind};
use anyhow::{Context, Result, bail};
use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Timeline files over this size are not read.
pub const MAX_TIMELINE_BYTES: u64 = 64 * 1024 * 1024;

/// A timeline as read from its file, with what could not be read.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub timeline: Timeline,
    /// Damaged lines, each at its `path:line`.
    pub problems: Vec<Finding>,
}

/// Creates `dir/<date>-<slug>.jsonl` under the workspace (a `-2`, `-3` … suffix when taken) with
/// the header as line 1, durably; returns the workspace-relative path.
pub fn create(root: &Path, header: &Header, date: jiff::civil::Date) -> Result<PathBuf> {
    let dir = crate::store::create_dir_inside(root, &root.join(header.kind.dir()))
        .with_context(|| format!("cannot create {}/", header.kind.dir()))?;
    let stem = format!("{date}-{}", crate::model::timeline::slug(&header.title));
    let mut line = serde_json::to_string(header)?;
    line.push('\n');
    for n in 1.. {
        let name = if n == 1 {
            format!("{stem}.jsonl")
        } else {
            format!("{stem}-{n}.jsonl")
        };
        let path = dir.join(&name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                let written = crate::store::injected_write_error()
                    .and_then(|()| file.write_all(line.as_bytes()))
                    .and_then(|()| file.sync_all())
                    .and_then(|()| fs::File::open(&dir).and_then(|d| d.sync_all()));
                let rel = PathBuf::from(header.kind.dir()).join(name);
                if let Err(e) = written {
                    // A header that did not reach the disk leaves no empty timeline behind.
                    drop(file);
                    let _ = fs::remove_file(&path);
                    return Err(e).with_context(|| {
                        format!(
                            "cannot write {}: nothing was created",
                            crate::sanitize::QuotedPath(&rel)
                        )
                    });
                }
                return Ok(rel);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot create {}", crate::sanitize::QuotedPath(&path))
                });
            }
        }
    }
    unreachable!("1.. never ends")
}

/// Appends one event as one line, and flushes it to disk before returning. A file whose last
/// line was torn (no final newline) gets one first, so the event starts on a line of its own.
pub fn append(path: &Path, event: &Event) -> Result<()> {
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", crate::sanitize::QuotedPath(path)))?;
    let mut line = serde_json::to_string(event)?;
    line.push('\n');
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            line.insert(0, '\n');
        }
    }
    // One write of the whole line: with O_APPEND two writers never interleave inside a line.
    let written =
        crate::store::injected_write_error().and_then(|()| file.write_all(line.as_bytes()));
    if let Err(err) = written {
        // A full disk can take part of the line: take it back, so the file is as it was.
        if file
            .metadata()
            .is_ok_and(|m| m.len() > len && m.len() <= len + line.len() as u64)
        {
            let _ = file.set_len(len);
        }
        return Err(err)
            .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(path)));
    }
    file.sync_data()
        .with_context(|| format!("cannot flush {}", crate::sanitize::QuotedPath(path)))?;
    Ok(())
}

/// Reads a timeline file. Only an unreadable file or header is an error; damaged event lines
/// are problems, and every other event loads.
pub fn read(root: &Path, rel: &Path) -> Result<Loaded> {
    let path = root.join(rel);
    let meta = fs::metadata(&path)
        .with_context(|| format!("cannot read {}", crate::sanitize::QuotedPath(rel)))?;
    if meta.len() > MAX_TIMELINE_BYTES {
        bail!(
            "{}: {} bytes is over the {} MiB a timeline may have",
            crate::sanitize::QuotedPath(rel),
            meta.len(),
            MAX_TIMELINE_BYTES / 1024 / 1024
        );
    }
    let bytes = fs::read(&path)
        .with_context(|| format!("cannot read {}", crate::sanitize::QuotedPath(rel)))?;
    parse(rel, &String::from_utf8_lossy(&bytes))
}

/// One checklist row: a runbook step, and whether the timeline has it done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    /// The runbook the steps come from (workspace-relative), if a risk in play has one.
    pub runbook: Option<String>,
    /// The section of it the risk links to (`#anchor`), if the link names one.
    pub anchor: Option<String>,
    pub steps: Vec<crate::runbook::Step>,
}

/// What the facilitator sees about the risk being rehearsed (game days).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Card {
    pub reference: String,
    pub title: String,
    pub detection: String,
    /// Hidden until revealed: what responders should find out themselves.
    pub description: String,
    pub mitigation: String,
    /// Why the risk was drawn, when it was.
    pub drawn: Option<String>,
}

/// A timeline opened for its view: its events, the first runbook of the risks in play as a
/// checklist, and (game days) the facilitator's card.
#[derive(Debug, Clone)]
pub struct Opened {
    pub path: PathBuf,
    pub loaded: Loaded,
    /// The file's size as read, to notice events appended by another process.
    pub bytes: u64,
    pub checklist: Checklist,
    pub card: Option<Card>,
}

/// Reads the timeline `rel` and what its view shows beside it; `risk` looks up a reference of
/// the header (`component/id`) in the register.
pub fn open<'r>(
    root: &Path,
    rel: &Path,
    risk: impl Fn(&str) -> Option<&'r crate::model::Risk>,
) -> Result<Opened> {
    let loaded = read(root, rel)?;
    let bytes = fs::metadata(root.join(rel)).map_or(0, |m| m.len());
    let mut checklist = Checklist {
        runbook: None,
        anchor: None,
        steps: Vec::new(),
    };
    let mut card = None;
    let header = &loaded.timeline.header;
    for reference in &header.risks {
        let Some(risk) = risk(reference) else {
            continue;
        };
        if card.is_none() && header.kind == TimelineKind::Gameday {
            card = Some(Card {
                reference: reference.clone(),
                title: risk.title.clone(),
                detection: risk.detection.clone(),
                description: risk.description.clone(),
                mitigation: risk.mitigation.clone(),
                drawn: header.drawn.clone(),
            });
        }
        if checklist.runbook.is_none()
            && let Some((file, anchor)) = risk.runbook_parts()
            && let Some(path) = crate::core::links::normalize("", file)
            && let Ok(bytes) = crate::store::read_limited(root, &root.join(&path))
        {
            // The steps of the section the risk links to (its subsections too), up to the
            // next heading of the same or a higher level.
            checklist.steps = crate::runbook::steps_in(&String::from_utf8_lossy(&bytes), anchor);
            checklist.runbook = Some(path);
            checklist.anchor = anchor.map(str::to_owned);
        }
    }
    Ok(Opened {
        path: rel.to_path_buf(),
        loaded,
        bytes,
        checklist,
        card,
    })
}

/// Parses a timeline's text (see `read`).
pub fn parse(rel: &Path, text: &str) -> Result<Loaded> {
    let mut lines = text.split('\n').enumerate();
    let header: Header = match lines.next() {
        Some((_, first)) if !first.trim().is_empty() => {
            serde_json::from_str(first).with_context(|| {
                format!(
                    "{}:1: the header does not read",
                    crate::sanitize::QuotedPath(rel)
                )
            })?
        }
        _ => bail!("{}:1: no header line", crate::sanitize::QuotedPath(rel)),
    };
    let mut events = Vec::new();
    let mut problems = Vec::new();
    let ends_with_newline = text.ends_with('\n');
    let total = text.split('\n').count();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let number = i + 1;
        match serde_json::from_str::<Event>(line) {
            Ok(event) if event.timestamp().is_some() => events.push(event),
            Ok(event) => problems.push(Finding::error(
                rel,
                Pos {
                    line: number,
                    column: 1,
                },
                "timeline-time",
                format!("event time `{}` is not an RFC 3339 time", event.at),
            )),
            Err(err) => {
                let torn = i + 1 == total && !ends_with_newline;
                let message = if torn {
                    format!("the last line was cut off mid-write (skipped): {err}")
                } else {
                    format!("a damaged line (skipped): {err}")
                };
                problems.push(Finding::error(
                    rel,
                    Pos {
                        line: number,
                        column: err.column().max(1),
                    },
                    if torn {
                        "timeline-torn"
                    } else {
                        "timeline-line"
                    },
                    message,
                ));
            }
        }
    }
    Ok(Loaded {
        timeline: Timeline { header, events },
        problems,
    })
}

/// Every timeline file of a kind, newest first: by the date in its name, then (several on one
/// day) by when it was last written.
pub fn list(root: &Path, kind: TimelineKind) -> Vec<PathBuf> {
    let mut files: Vec<(String, std::time::SystemTime, PathBuf)> =
        fs::read_dir(root.join(kind.dir()))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl") && p.is_file())
            .filter_map(|p| {
                let name = p.file_name()?.to_string_lossy().into_owned();
                let modified = fs::metadata(&p).and_then(|m| m.modified()).ok()?;
                let date = name.get(..10).unwrap_or("").to_owned();
                Some((date, modified, PathBuf::from(kind.dir()).join(name)))
            })
            .collect();
    files.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| b.1.cmp(&a.1))
            .then_with(|| b.2.cmp(&a.2))
    });
    files.into_iter().map(|(_, _, path)| path).collect()
}

/// Checks every timeline of the workspace: a header that does not read, damaged lines, and
/// risk references to no risk of the register, each at `path:line`.
pub fn check_all(ws: &crate::store::Workspace, today: jiff::civil::Date) -> Vec<Finding> {
    let mut findings = Vec::new();
    // Each closed incident's start, file, risks in play and whether it logged a follow-up.
    let mut incidents: Vec<(String, PathBuf, Vec<String>, bool)> = Vec::new();
    for kind in [TimelineKind::Incident, TimelineKind::Gameday] {
        for rel in list(&ws.root, kind) {
            match read(&ws.root, &rel) {
                Err(err) => findings.push(Finding::error(
                    &rel,
                    Pos::START,
                    "timeline-header",
                    format!("{err:#}"),
                )),
                Ok(loaded) => {
                    if let Some(finding) = left_open(&rel, &loaded.timeline, today) {
                        findings.push(finding);
                    }
                    findings.extend(loaded.problems);
                    let t = &loaded.timeline;
                    if kind == TimelineKind::Incident && t.is_resolved() {
                        let followed = t
                            .events
                            .iter()
                            .any(|e| e.known_kind() == Some(EventKind::FollowUp));
                        incidents.push((
                            t.header.started.clone(),
                            rel.clone(),
                            t.header.risks.clone(),
                            followed,
                        ));
                    }
                    for reference in &loaded.timeline.header.risks {
                        if ws.risk(reference).is_none() {
                            findings.push(Finding::error(
                                &rel,
                                Pos::START,
                                "unknown-risk",
                                format!("risk `{reference}` is not in the register"),
                            ));
                        }
                    }
                }
            }
        }
    }
    findings.extend(without_follow_ups(ws, &incidents));
    findings
}

/// A high or critical risk whose latest resolved incident logged no follow-up, and which has
/// none from it: the incident's lessons are nowhere to come back from.
fn without_follow_ups(
    ws: &crate::store::Workspace,
    incidents: &[(String, PathBuf, Vec<String>, bool)],
) -> Vec<Finding> {
    let mut latest: std::collections::BTreeMap<&str, &(String, PathBuf, Vec<String>, bool)> =
        std::collections::BTreeMap::new();
    for incident in incidents {
        for reference in &incident.2 {
            let newer = latest
                .get(reference.as_str())
                .is_none_or(|seen| seen.0 < incident.0);
            if newer {
                latest.insert(reference, incident);
            }
        }
    }
    let mut findings = Vec::new();
    for (reference, (_, rel, _, followed)) in latest {
        let Some(risk) = ws.risk(reference) else {
            continue;
        };
        let path = rel.to_string_lossy().replace('\\', "/");
        let written_back = risk.follow_ups.iter().any(|f| f.timeline == path);
        if *followed || written_back || !risk.band().is_severe() {
            continue;
        }
        findings.push(Finding::warning(
            rel,
            Pos::START,
            "no-follow-up",
            format!(
                "`{reference}` is {} and its last incident left no follow-up: log what will be done (`faultline incident log {} --kind follow-up --risk {reference} --owner … --due … TEXT`)",
                risk.band(),
                crate::sanitize::quote(&path)
            ),
        ));
    }
    findings
}

/// Days a timeline may stay open before `check` asks for it to be closed.
pub const OPEN_DAYS: i32 = 7;

/// A timeline neither resolved nor abandoned more than `OPEN_DAYS` after it started: it keeps
/// the register read-only (incidents) and the default of `log`, so it is worth a warning.
fn left_open(rel: &Path, timeline: &Timeline, today: jiff::civil::Date) -> Option<Finding> {
    if timeline.is_closed() {
        return None;
    }
    let started = crate::model::Date::parse(timeline.header.started.get(..10)?)?;
    let days = (today - started.0).get_days();
    let kind = timeline.header.kind;
    (days > OPEN_DAYS).then(|| {
        Finding::warning(
            rel,
            Pos::START,
            "timeline-open",
            format!(
                "this {} started {days} days ago and is still open: resolve it, or drop it with `faultline {} cancel`",
                kind.name(),
                kind.tag()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timeline::{EventKind, Roles, Severity};

    fn header() -> Header {
        Header {
            kind: TimelineKind::Incident,
            title: "Payments down".into(),
            started: "2026-11-24T10:00:00+01:00".into(),
            severity: Severity::P2,
            roles: Roles::default(),
            risks: vec!["payments-api/concurrency-limit".into()],
            drawn: None,
            drill: false,
        }
    }

    #[test]
    fn create_append_read() {
        let dir = tempfile::tempdir().unwrap();
        let date = jiff::civil::date(2026, 11, 24);
        let rel = create(dir.path(), &header(), date).unwrap();
        assert_eq!(rel, Path::new("incidents/2026-11-24-payments-down.jsonl"));
        let again = create(dir.path(), &header(), date).unwrap();
        assert_eq!(
            again,
            Path::new("incidents/2026-11-24-payments-down-2.jsonl")
        );
        let event = Event::new(
            "2026-11-24T10:01:00+01:00".into(),
            EventKind::Hypothesis,
            "DNS",
        );
        append(&dir.path().join(&rel), &event).unwrap();
        let loaded = read(dir.path(), &rel).unwrap();
        assert_eq!(loaded.timeline.events, [event]);
        assert!(loaded.problems.is_empty());
    }

    #[test]
    fn a_torn_last_line_is_reported_and_the_next_event_starts_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let rel = create(dir.path(), &header(), jiff::civil::date(2026, 11, 24)).unwrap();
        let path = dir.path().join(&rel);
        let event = Event::new("2026-11-24T10:01:00+01:00".into(), EventKind::Action, "a");
        append(&path, &event).unwrap();
        // A crash mid-write.
        OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(br#"{"at":"2026-11-24T10:0"#)
            .unwrap();
        let loaded = read(dir.path(), &rel).unwrap();
        assert_eq!(loaded.timeline.events.len(), 1);
        assert_eq!(loaded.problems[0].rule, "timeline-torn");
        assert_eq!(loaded.problems[0].line, 3);
        append(&path, &event).unwrap();
        let loaded = read(dir.path(), &rel).unwrap();
        assert_eq!(loaded.timeline.events.len(), 2, "the next event is whole");
        assert_eq!(
            loaded.problems[0].rule, "timeline-line",
            "the torn line is now in the middle"
        );
    }

    #[test]
    fn a_missing_or_broken_header_names_the_file() {
        let err = parse(Path::new("incidents/x.jsonl"), "").unwrap_err();
        assert!(format!("{err:#}").contains("incidents/x.jsonl:1: no header line"));
        let err = parse(Path::new("incidents/x.jsonl"), "{\"kind\":\"nope\"}\n").unwrap_err();
        assert!(format!("{err:#}").contains("the header does not read"));
    }
}
