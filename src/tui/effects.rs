//! The IO edge of the TUI: `App::update` queues effects; `run` performs them (atomic saves,
//! removals, the recovery journal, reloading and watching files on disk) and reports back into
//! the app's state. Tests run the same code.

use crate::app::{App, Overlay};
use crate::model::to_canonical;
use crate::store::{self, DiskStamp};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Append the file's current state to the recovery journal.
    Journal(PathBuf),
    /// Append the file as it would be with the text typed so far in the open field, so a kill
    /// while typing loses nothing.
    JournalTyping,
    /// Keep the event being typed on the timeline's input line (or forget it when the line is
    /// closed), so a kill loses none of it.
    JournalDraft,
    /// Save every changed file; `overwrite` is one whose change on disk the user chose to
    /// overwrite; `then_quit` quits when everything saved.
    Save {
        overwrite: Option<PathBuf>,
        then_quit: bool,
    },
    /// Replace a file's edits with what is on disk.
    Reload(PathBuf),
    /// Look for files changed on disk underneath.
    CheckDisk,
    /// Forget the recovery journal (unsaved edits discarded on purpose).
    ClearJournal,
    /// Read a runbook and show it at an anchor; `remember` puts the current page on the back
    /// stack.
    OpenRunbook {
        path: String,
        anchor: Option<String>,
        remember: bool,
    },
    /// Show a runbook at a scroll position (going back or forward).
    OpenRunbookAt { location: crate::viewer::Location },
    /// Read a runbook again after it was edited.
    ReloadRunbook(String),
    /// Search every runbook's text for the finder's query (read from disk, drafts included).
    SearchText(String),
    /// Append an event to the open timeline's file (fsync'd), then show it.
    AppendEvent {
        path: PathBuf,
        event: Box<crate::model::timeline::Event>,
    },
    /// Read the open timeline again if its file grew (`incident log` from another terminal).
    ReloadTimeline,
    /// Start an incident or a game day (on a risk, or drawn when `risk` is `None`) and show it.
    StartTimeline {
        kind: crate::model::timeline::TimelineKind,
        title: Option<String>,
        risk: Option<String>,
    },
}

/// What only the terminal owner can do: it holds the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerminalRequest {
    /// Put text on the clipboard with OSC 52.
    Clipboard(String),
    /// Hand the terminal to `$VISUAL`/`$EDITOR` on this file, then take it back.
    Editor(PathBuf),
    /// Open a web address with the system opener.
    OpenUrl(String),
}

/// Performs queued effects until none are left.
pub fn run(app: &mut App) {
    while let Some(effect) = app.effects.pop_front() {
        perform(app, effect);
    }
}

fn perform(app: &mut App, effect: Effect) {
    match effect {
        Effect::Journal(path) => {
            let entry = app.journal_entry(&path);
            if let Some(journal) = &app.journal
                && let Err(err) = journal.append(&entry)
            {
                app.status = Some(format!("recovery journal not written: {err:#}"));
            }
        }
        Effect::JournalTyping => {
            if let Some(entry) = app.typing_entry()
                && let Some(journal) = &app.journal
                && let Err(err) = journal.append(&entry)
            {
                app.status = Some(format!("recovery journal not written: {err:#}"));
            }
        }
        Effect::JournalDraft => journal_draft(app),
        Effect::Save {
            overwrite,
            then_quit,
        } => save(app, overwrite.as_ref(), then_quit),
        Effect::Reload(path) => {
            let file = app
                .ws
                .root
                .join(&path)
                .exists()
                .then(|| store::reload_component(&app.ws.root, &path));
            app.replace_from_disk(file, &path);
            let unsaved = app.unsaved_entries();
            if let Some(journal) = &app.journal {
                let _ = journal.retain(&unsaved);
            }
            app.status = Some(format!(
                "reloaded {} from disk",
                crate::sanitize::QuotedPath(&path)
            ));
        }
        Effect::CheckDisk => check_disk(app),
        Effect::ClearJournal => {
            if let Some(journal) = &app.journal {
                let _ = journal.clear();
            }
        }
        Effect::OpenRunbook {
            path,
            anchor,
            remember,
        } => open_runbook(app, &path, anchor.as_deref(), remember, None),
        Effect::OpenRunbookAt { location } => {
            open_runbook(app, &location.path, None, false, Some(location.scroll));
        }
        Effect::ReloadRunbook(path) => reload_runbook(app, &path),
        Effect::AppendEvent { path, event } => append_event(app, &path, *event),
        Effect::ReloadTimeline => reload_timeline(app),
        Effect::StartTimeline { kind, title, risk } => start_timeline(app, kind, title, risk),
        Effect::SearchText(query) => {
            let mut texts = store::runbook_texts(&app.ws.root);
            texts.extend(app.drafts.iter().map(|(p, t)| (p.clone(), t.clone())));
            // Every section holding every word; when none does, the closest.
            let all = crate::runbook_find::find_all(&texts, &query, TEXT_HITS);
            if all.is_empty() {
                app.show_text_hits(crate::runbook_find::find(&texts, &query));
            } else {
                app.show_all_text_hits(all);
            }
        }
    }
}

/// Writes the timeline's input line to the recovery journal's draft (or removes the draft when
/// the line is closed without recording).
fn journal_draft(app: &mut App) {
    let (Some(journal), Some(state)) = (&app.draft_journal, app.timeline.as_deref()) else {
        return;
    };
    // No input line: an empty draft, which removes the file.
    let (kind, text) = state
        .input
        .as_ref()
        .map_or_else(Default::default, |(kind, input)| {
            (kind.name().to_owned(), input.text().to_owned())
        });
    let draft = crate::recovery::Draft {
        timeline: state.path.clone(),
        kind,
        text,
    };
    if let Err(err) = journal.save_draft(&state.path, &draft) {
        app.status = Some(format!("what you type is not journaled: {err:#}"));
    }
}

/// Offers back an event a previous session was typing into this timeline and never recorded
/// (killed, or the terminal closed): it is on the input line again, Enter records it.
pub fn restore_draft(app: &mut App) {
    let (Some(journal), Some(state)) = (&app.draft_journal, app.timeline.as_deref_mut()) else {
        return;
    };
    if state.input.is_some() {
        return;
    }
    let Some(draft) = journal.draft(&state.path) else {
        return;
    };
    let kind = crate::model::timeline::EventKind::parse(&draft.kind)
        .unwrap_or(crate::model::timeline::EventKind::Note);
    state.input = Some((kind, crate::editor::TextInput::new(&draft.text, false)));
    state.restored = true;
}

/// Sections the finder's full-text search lists at most.
const TEXT_HITS: usize = 200;

/// Appends an event; only once it is on disk is it shown, and the status line says so.
fn append_event(app: &mut App, path: &std::path::Path, event: crate::model::timeline::Event) {
    let absolute = app.ws.root.join(path);
    match crate::timeline::append(&absolute, &event) {
        Ok(()) => {
            let Some(state) = app.timeline.as_mut() else {
                return;
            };
            let at = match (state.timeline.started(), event.timestamp()) {
                (Some(s), Some(t)) => crate::clock::elapsed(t.duration_since(s).as_secs()),
                _ => String::new(),
            };
            let kind = event.kind.clone();
            let resolved = event.known_kind() == Some(crate::model::timeline::EventKind::Resolved);
            state.timeline.events.push(event);
            state.bytes = std::fs::metadata(&absolute).map_or(state.bytes, |m| m.len());
            // Recorded: what was being typed for it is on disk in the timeline now.
            if let Some(journal) = &app.draft_journal
                && state.input.is_none()
            {
                let _ = journal.clear_draft(path);
            }
            app.status = Some(format!("{kind} recorded at {at}, on disk"));
            if resolved {
                app.offer_write_back();
            }
        }
        Err(err) => app.status = Some(format!("NOT recorded: {err:#}")),
    }
}

/// Starts a timeline from the TUI (`:incident TITLE`, `:gameday [draw]`) and opens its view.
fn start_timeline(
    app: &mut App,
    kind: crate::model::timeline::TimelineKind,
    title: Option<String>,
    risk: Option<String>,
) {
    use crate::model::timeline::{Header, Roles, Severity, TimelineKind};
    let now = crate::clock::now();
    let (risk, drawn) = match risk {
        Some(risk) => (risk, None),
        None => {
            let drawn = crate::draw::draw_risk(
                app.ws
                    .components
                    .iter()
                    .filter_map(store::ComponentFile::register),
                app.today,
                crate::draw::seed_from_clock(),
            );
            let Some((reference, why)) = drawn else {
                app.status = Some("the register has no risk to draw".into());
                return;
            };
            (reference, Some(why))
        }
    };
    let risk_title = app.ws.risk(&risk).map(|r| r.title.clone());
    let header = Header {
        kind,
        title: title
            .unwrap_or_else(|| format!("Game day: {}", risk_title.unwrap_or_else(|| risk.clone()))),
        started: crate::clock::rfc3339(now),
        severity: if kind == TimelineKind::Incident {
            Severity::P2
        } else {
            Severity::P3
        },
        roles: Roles::default(),
        risks: vec![risk.clone()],
        drawn: drawn.clone(),
    };
    let opened = crate::timeline::create(&app.ws.root, &header, app.today)
        .and_then(|rel| load_timeline(&app.ws, &rel));
    match opened {
        Ok(state) => {
            let path = crate::sanitize::QuotedPath(&state.path).to_string();
            let hidden = state.card.is_some();
            app.open_timeline(state);
            // A game day's file name and risk would give its answer away on a projector.
            app.status = Some(match (drawn, hidden) {
                (Some(reason), true) => {
                    format!("drew a risk: {reason}; the answers stay hidden until v")
                }
                (None, true) => "game day started; the answers stay hidden until v".to_owned(),
                (Some(reason), false) => format!("drew {risk}: {reason}; {path}"),
                (None, false) => format!("started {path}"),
            });
        }
        Err(err) => app.status = Some(format!("cannot start: {err:#}")),
    }
}

/// Picks up events appended by another process.
fn reload_timeline(app: &mut App) {
    let Some(state) = app.timeline.as_mut() else {
        return;
    };
    let len = std::fs::metadata(app.ws.root.join(&state.path)).map_or(state.bytes, |m| m.len());
    if len == state.bytes {
        return;
    }
    if let Ok(loaded) = crate::timeline::read(&app.ws.root, &state.path) {
        let added = loaded
            .timeline
            .events
            .len()
            .saturating_sub(state.timeline.events.len());
        state.timeline = loaded.timeline;
        state.problems = loaded.problems;
        state.bytes = len;
        if added > 0 {
            app.status = Some(format!(
                "{} recorded elsewhere",
                crate::finding::plural(added, "event")
            ));
        }
    }
}

/// Loads a timeline for the game day / incident view: its events, the first runbook of the
/// risks in play as a checklist, and (game days) the facilitator's card.
pub fn load_timeline(
    ws: &crate::store::Workspace,
    rel: &std::path::Path,
) -> anyhow::Result<crate::app::timeline::TimelineState> {
    use crate::app::timeline::{Card, Checklist, TimelineState};
    let loaded = crate::timeline::read(&ws.root, rel)?;
    let bytes = std::fs::metadata(ws.root.join(rel)).map_or(0, |m| m.len());
    let mut checklist = Checklist {
        runbook: None,
        steps: Vec::new(),
    };
    let mut card = None;
    for reference in &loaded.timeline.header.risks {
        let Some(risk) = ws.risk(reference) else {
            continue;
        };
        if card.is_none()
            && loaded.timeline.header.kind == crate::model::timeline::TimelineKind::Gameday
        {
            card = Some(Card {
                reference: reference.clone(),
                title: risk.title.clone(),
                detection: risk.detection.clone(),
                description: risk.description.clone(),
                mitigation: risk.mitigation.clone(),
                drawn: loaded.timeline.header.drawn.clone(),
            });
        }
        if checklist.runbook.is_none()
            && let Some((file, _)) = risk.runbook_parts()
            && let Some(path) = crate::check::normalize("", file)
            && let Ok(bytes) = store::read_limited(&ws.root, &ws.root.join(&path))
        {
            // The steps of the section the risk links to (its subsections too), up to the
            // next heading of the same or a higher level.
            let anchor = risk.runbook_parts().and_then(|(_, a)| a);
            checklist.steps = crate::runbook::steps_in(&String::from_utf8_lossy(&bytes), anchor);
            checklist.runbook = Some(path);
        }
    }
    let step = 0;
    Ok(TimelineState {
        path: rel.to_path_buf(),
        timeline: loaded.timeline,
        bytes,
        problems: loaded.problems,
        checklist,
        step,
        input: None,
        show_events: false,
        card,
        revealed: false,
        reading: None,
        restored: false,
    })
}

/// Reads a runbook for the viewer: over the size limit it is refused; invalid UTF-8 opens with
/// replacement characters and a notice.
fn read_runbook(app: &App, path: &str) -> Result<(String, Option<String>), String> {
    if let Some(draft) = app.drafts.get(path) {
        return Ok((
            draft.clone(),
            Some(format!("{path} is a stub, written when you save")),
        ));
    }
    // The same size limit and messages as loading the workspace.
    let bytes = store::read_limited(&app.ws.root, &app.ws.root.join(path))
        .map_err(|f| format!("{path}: {}", f.message))?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(err) => (
            String::from_utf8_lossy(err.as_bytes()).into_owned(),
            Some(format!(
                "{path} is not valid UTF-8: shown with replacement characters (�)"
            )),
        ),
    })
}

fn open_runbook(
    app: &mut App,
    path: &str,
    anchor: Option<&str>,
    remember: bool,
    scroll: Option<usize>,
) {
    let (source, notice) = match read_runbook(app, path) {
        Ok(read) => read,
        Err(message) => {
            app.status = Some(message);
            return;
        }
    };
    let (width, height) = crate::app::runbook::viewer_size(app.area);
    let backlink_count = app.backlinks(path).len();
    let previous = app
        .viewer_location()
        .filter(|_| app.view == crate::app::View::Runbook);
    // In the terminal, a large runbook's first frame renders only the window it shows; the
    // event loop renders the rest right after drawing it.
    let lazy = app.preview_large_runbooks && scroll.is_none();
    let viewer = match app.viewer.as_mut() {
        Some(viewer) if lazy => {
            viewer.replace_unrendered(path.to_owned(), source, width, height);
            viewer
        }
        Some(viewer) => {
            viewer.replace(path.to_owned(), source, width, height);
            viewer
        }
        None if lazy => app.viewer.insert(crate::viewer::Viewer::unrendered(
            path.to_owned(),
            source,
            width,
            height,
            app.theme,
        )),
        None => app.viewer.insert(crate::viewer::Viewer::new(
            path.to_owned(),
            source,
            width,
            height,
            app.theme,
        )),
    };
    if lazy && !viewer.start_preview(anchor) {
        viewer.complete();
    }
    viewer.notice = notice;
    viewer.backlink_count = backlink_count;
    if remember && let Some(previous) = previous {
        viewer.back.push(previous);
        viewer.forward.clear();
    }
    if let Some(scroll) = scroll {
        viewer.scroll = scroll.min(viewer.max_scroll());
    }
    // A preview already landed on its anchor (found by the same slugs as the full document's).
    let previewing = viewer.preview.as_ref().is_some_and(|p| p.anchor.is_some());
    let missing = anchor.filter(|a| !previewing && !a.is_empty() && !viewer.jump_to_anchor(a));
    app.view = crate::app::View::Runbook;
    app.status = match missing {
        Some(anchor) => Some(format!("{path} has no heading #{anchor}: showing the top")),
        None => viewer.notice.clone(),
    };
}

/// Reads a runbook again after `$EDITOR`: the viewer, the index and the link checks follow.
fn reload_runbook(app: &mut App, path: &str) {
    let scroll = app.viewer.as_ref().map_or(0, |v| v.scroll);
    if let Ok((text, _)) = read_runbook(app, path) {
        app.ws
            .add_runbook(crate::runbook::RunbookDoc::index(path.to_owned(), &text));
        app.recheck_runbook(path);
    }
    let message = app.status.take();
    open_runbook(app, path, None, false, Some(scroll));
    if app.status.is_none() {
        app.status = message;
    }
}

/// Saves every changed file, unless it changed on disk since it was read: then the user is asked
/// (reload, overwrite, keep editing) and that file is left alone.
fn save(app: &mut App, overwrite: Option<&PathBuf>, then_quit: bool) {
    let dirty = app.dirty_paths();
    let mut saved = Vec::new();
    let mut failed = None;
    // Stubbed runbooks first, so a saved link never points at a file not yet written.
    let mut drafts: Vec<String> = app.drafts.keys().cloned().collect();
    drafts.sort();
    for path in drafts {
        let absolute = app.ws.root.join(&path);
        if absolute.exists() {
            failed = Some(format!(
                "{path} appeared on disk meanwhile: the stub was not written over it"
            ));
            app.drafts.remove(&path);
            continue;
        }
        let text = app.drafts[&path].clone();
        // The stub's directories and file stay inside the workspace: a symlinked directory
        // that leads out is refused before anything is created.
        let root = app.ws.root.clone();
        let written = absolute
            .parent()
            .map_or(Ok(()), |dir| {
                store::create_dir_inside(&root, dir).map(|_| ())
            })
            .and_then(|()| store::save_inside(&root, &absolute, text.as_bytes()));
        match written {
            Ok(()) => {
                app.drafts.remove(&path);
                saved.push(path);
            }
            Err(err) => failed = Some(write_failure(&path, &err)),
        }
    }
    if dirty.is_empty() && saved.is_empty() && failed.is_none() {
        app.status = Some("nothing to save".into());
        if then_quit {
            app.should_quit = true;
        }
        return;
    }
    for path in dirty {
        let absolute = app.ws.root.join(&path);
        let known = app.baseline.get(&path).and_then(|b| b.stamp);
        let on_disk = match DiskStamp::read(&absolute, known) {
            Ok(stamp) => stamp,
            Err(err) => {
                failed = Some(format!(
                    "cannot read {}: {err}",
                    crate::sanitize::QuotedPath(&path)
                ));
                continue;
            }
        };
        if on_disk.map(|s| s.hash) != known.map(|s| s.hash) && overwrite != Some(&path) {
            if app.overlay.is_none() {
                app.overlay = Some(conflict(app, &path, on_disk.is_none()));
            }
            failed.get_or_insert_with(|| {
                format!(
                    "{} changed on disk: not saved",
                    crate::sanitize::QuotedPath(&path)
                )
            });
            continue;
        }
        let result = match app.current(&path).map(to_canonical) {
            Some(text) => store::save_inside(&app.ws.root, &absolute, text.as_bytes()).map(|()| {
                Some(DiskStamp::of(
                    text.as_bytes(),
                    std::fs::metadata(&absolute).ok().as_ref(),
                ))
            }),
            None => store::remove_durably(&absolute).map(|()| None),
        };
        match result {
            Ok(stamp) => {
                app.mark_saved(&path, stamp);
                saved.push(crate::sanitize::QuotedPath(&path).to_string());
            }
            Err(err) => {
                failed = Some(write_failure(
                    &crate::sanitize::QuotedPath(&path).to_string(),
                    &err,
                ));
            }
        }
    }
    let unsaved = app.unsaved_entries();
    if let Some(journal) = &app.journal
        && let Err(err) = journal.retain(&unsaved)
    {
        failed.get_or_insert_with(|| format!("recovery journal not updated: {err:#}"));
    }
    app.status = Some(match (&failed, saved.len()) {
        (Some(reason), _) => reason.clone(),
        (None, 1) => format!("saved {}", saved[0]),
        (None, n) => format!("saved {n} files"),
    });
    if then_quit && failed.is_none() {
        app.should_quit = true;
    }
}

/// Why a save failed, and what is safe: the file on disk is as it was, and the edits are still
/// here and in the recovery journal.
fn write_failure(path: &str, err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let why = match err.kind() {
        ErrorKind::StorageFull => "the disk is full",
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only",
        ErrorKind::PermissionDenied => "permission denied",
        _ => "write failed",
    };
    format!(
        "NOT saved {path}: {why} ({err}); the file is unchanged, your edits are kept here and in the recovery journal"
    )
}

/// The conflict prompt for a file changed on disk while it had unsaved edits: what changed on
/// each side since it was read, field by field as `faultline diff` says it, and a merge when
/// the two sides touch different risks and fields.
fn conflict(app: &App, path: &std::path::Path, deleted: bool) -> Overlay {
    use crate::diff::{Snapshot, diff, format};
    let mut details = crate::app::ConflictDetails::default();
    let base = app.baseline.get(path).and_then(|b| b.register.clone());
    let mine = app.current(path).cloned();
    if !deleted {
        let file = store::reload_component(&app.ws.root, path);
        details.stamp = file.disk;
        match &file.content {
            Ok(loaded) => details.on_disk = Some(loaded.register.clone()),
            Err(finding) => details.unreadable = Some(finding.to_string()),
        }
    }
    let changes = |from: &Option<crate::model::Register>, to: &Option<crate::model::Register>| {
        let snapshot = |reg: &Option<crate::model::Register>| {
            let mut s = Snapshot::default();
            if let Some(reg) = reg {
                s.registers.insert(reg.component.clone(), reg.clone());
            }
            s
        };
        format::change_lines(&diff(&snapshot(from), &snapshot(to)))
    };
    details.theirs = if deleted {
        vec!["the file was deleted".to_owned()]
    } else if let Some(reason) = &details.unreadable {
        vec![format!("the file no longer reads as a register: {reason}")]
    } else {
        changes(&base, &details.on_disk)
    };
    details.mine = changes(&base, &mine);
    if let (Some(base), Some(mine), Some(theirs)) = (&base, &mine, &details.on_disk) {
        match crate::merge::merge(base, mine, theirs) {
            crate::merge::Merge::Clean(merged) => details.merged = Some(merged),
            crate::merge::Merge::Clashes(clashes) => details.clashes = clashes,
        }
    }
    Overlay::Conflict {
        path: path.to_path_buf(),
        deleted,
        details: Box::new(details),
    }
}

/// Compares every register file with what was read: a file without unsaved edits is reloaded
/// (nothing can be lost); one with edits raises the conflict prompt; new files appear.
fn check_disk(app: &mut App) {
    let mut changed = Vec::new();
    let known: Vec<(PathBuf, Option<DiskStamp>)> = app
        .ws
        .components
        .iter()
        .map(|c| {
            (
                c.path.clone(),
                app.baseline.get(&c.path).map_or(c.disk, |b| b.stamp),
            )
        })
        .chain(
            app.baseline
                .iter()
                .filter(|(p, _)| app.current(p).is_none())
                .map(|(p, b)| (p.clone(), b.stamp)),
        )
        .collect();
    for (path, stamp) in &known {
        let Ok(now) = DiskStamp::read(&app.ws.root.join(path), *stamp) else {
            continue;
        };
        if now.map(|s| s.hash) != stamp.map(|s| s.hash) {
            changed.push((path.clone(), now.is_none()));
        }
    }
    // Files added underneath (a pull that brings a new component).
    if let Ok(entries) = std::fs::read_dir(app.ws.root.join(store::REGISTERS_DIR)) {
        for entry in entries.flatten() {
            // A name that is not UTF-8 is never loaded (`check` names it).
            if !store::has_utf8_name(&entry.path()) {
                continue;
            }
            let path = PathBuf::from(store::relative(&app.ws.root, &entry.path()));
            if path.extension().is_some_and(|e| e == "json")
                && !known.iter().any(|(p, _)| *p == path)
            {
                changed.push((path, false));
            }
        }
    }
    for (path, deleted) in changed {
        if app.is_dirty(&path) {
            if app.overlay.is_none() && app.editing.is_none() {
                app.overlay = Some(conflict(app, &path, deleted));
            }
        } else {
            let file = (!deleted).then(|| store::reload_component(&app.ws.root, &path));
            app.replace_from_disk(file, &path);
            app.status = Some(format!(
                "{} {} on disk: reloaded",
                crate::sanitize::QuotedPath(&path),
                if deleted { "was deleted" } else { "changed" }
            ));
        }
    }
}
