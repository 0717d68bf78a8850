//! Effects asked for with the data they need, and `apply`, the one place their outcomes change
//! the app: saved files marked, conflicts raised, runbooks shown, events listed, timelines
//! opened. `run_effects` drives the two through `effects::perform`.

use super::timeline::TimelineState;
use super::{App, ConflictDetails, Overlay, View};
use crate::effects::{self, Effect, Io, Outcome, Save, SaveFile, Show, Start};
use crate::model::timeline::{EventKind, TimelineKind};
use crate::sanitize::QuotedPath;
use crate::store::{ComponentFile, DiskStamp};
use std::path::{Path, PathBuf};

impl App {
    /// Performs queued effects until none are left, applying each outcome.
    pub fn run_effects(&mut self) {
        while let Some(effect) = self.effects.pop_front() {
            let io = Io {
                root: &self.ws.root,
                journal: self.journal.as_ref(),
                draft_journal: self.draft_journal.as_ref(),
                search_cache: self.search_cache.as_deref(),
            };
            let outcome = effects::perform(io, effect);
            self.apply(outcome);
        }
        // Under the event loop, the finder searches after the keys typed are drawn.
        if self.input_pending.is_none() {
            self.refresh_stale_finder();
        }
    }

    /// Changes the app by what an effect did.
    pub fn apply(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Done => {}
            Outcome::Failed(message) => self.status = Some(message),
            Outcome::Saved(saved) => self.saved(*saved),
            Outcome::Reloaded { path, file } => {
                self.replace_from_disk(file.map(|f| *f), &path);
                let unsaved = self.unsaved_entries();
                self.effects.push_back(Effect::RetainJournal(unsaved));
                self.status = Some(format!("reloaded {} from disk", QuotedPath(&path)));
            }
            Outcome::DiskChanged(changed) => self.disk_changed(changed),
            Outcome::RunbookRead { path, read, show } => self.runbook_read(&path, read, show),
            Outcome::TextHits(Ok(ranked)) => self.show_text_hits(ranked),
            Outcome::TextHits(Err(message)) => self.status = Some(message),
            Outcome::EventAppended {
                path,
                event,
                written,
            } => self.event_appended(&path, *event, written),
            Outcome::TimelineRead {
                path,
                loaded,
                bytes,
            } => self.timeline_read(&path, *loaded, bytes),
            Outcome::TimelineStarted {
                opened,
                drawn,
                risk,
            } => self.timeline_started(opened, drawn, &risk),
            Outcome::DraftRead { path, draft } => {
                let Some(state) = self.timeline.as_deref_mut().filter(|s| s.path == path) else {
                    return;
                };
                if state.input.is_some() {
                    return;
                }
                let kind = EventKind::parse(&draft.kind).unwrap_or(EventKind::Note);
                state.input = Some((kind, crate::editor::TextInput::new(&draft.text, false)));
                state.restored = true;
            }
        }
    }

    /// Saves every changed file and the stubbed runbooks; `overwrite` is a file whose change
    /// on disk the user chose to write over; `then_quit` quits once everything is saved.
    pub fn save(&mut self, overwrite: Option<&Path>, then_quit: bool) {
        let drafts = self.draft_files();
        let files = self
            .dirty_paths()
            .into_iter()
            .map(|path| SaveFile {
                text: self.current(&path).map(crate::model::to_canonical),
                known: self.baseline.get(&path).and_then(|b| b.stamp),
                overwrite: overwrite == Some(path.as_path()),
                entry: self.journal_entry(&path),
                path,
            })
            .collect();
        self.effects.push_back(Effect::Save(Box::new(Save {
            drafts,
            files,
            then_quit,
        })));
    }

    /// The runbooks stubbed and not yet written, (path, text) in path order, for the effects
    /// that write or search them.
    pub(super) fn draft_files(&self) -> Vec<(String, String)> {
        let mut drafts: Vec<(String, String)> = self
            .drafts
            .iter()
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        drafts.sort();
        drafts
    }

    /// Journals a file's state as it is now.
    pub(super) fn journal_file(&mut self, path: &Path) {
        let entry = self.journal_entry(path);
        self.effects.push_back(Effect::Journal(Box::new(entry)));
    }

    /// Journals the selected file with the text being typed in its field.
    pub(super) fn journal_typing(&mut self) {
        if let Some(entry) = self.typing_entry() {
            self.effects.push_back(Effect::Journal(Box::new(entry)));
        }
    }

    /// Journals the timeline's input line (an empty draft when it is closed, which forgets it).
    pub(super) fn journal_draft(&mut self) {
        let Some(state) = self.timeline.as_deref() else {
            return;
        };
        let (kind, text) = state
            .input
            .as_ref()
            .map_or_else(Default::default, |(kind, input)| {
                (kind.name().to_owned(), input.text().to_owned())
            });
        self.effects
            .push_back(Effect::SaveDraft(crate::recovery::Draft {
                timeline: state.path.clone(),
                kind,
                text,
            }));
    }

    /// Offers back an event a previous session was typing into the open timeline and never
    /// recorded (killed, or the terminal closed): it is on the input line again.
    pub fn restore_draft(&mut self) {
        if let Some(state) = self.timeline.as_deref() {
            self.effects
                .push_back(Effect::ReadDraft(state.path.clone()));
        }
    }

    /// Reads a runbook (a stub not yet written from its draft) and shows it.
    pub(crate) fn read_runbook(&mut self, path: &str, show: Show) {
        self.effects.push_back(Effect::ReadRunbook {
            path: path.to_owned(),
            draft: self.drafts.get(path).cloned(),
            show,
        });
    }

    /// Reads a register file again, dropping its edits (after `$EDITOR`, or chosen over a
    /// change on disk).
    pub fn reload_file(&mut self, path: PathBuf) {
        self.effects.push_back(Effect::Reload(path));
    }

    /// Looks for register files changed underneath (a `git pull`, another editor).
    pub fn check_disk(&mut self) {
        let known: Vec<(PathBuf, Option<DiskStamp>)> = self
            .ws
            .components
            .iter()
            .map(|c| {
                (
                    c.path.clone(),
                    self.baseline.get(&c.path).map_or(c.disk, |b| b.stamp),
                )
            })
            .chain(
                self.baseline
                    .iter()
                    .filter(|(p, _)| self.current(p).is_none())
                    .map(|(p, b)| (p.clone(), b.stamp)),
            )
            .collect();
        self.effects.push_back(Effect::CheckDisk(known));
    }

    /// Reads the open timeline again if its file grew (another terminal logged an event).
    pub fn watch_timeline(&mut self) {
        if let Some(state) = self.timeline.as_deref() {
            self.effects.push_back(Effect::ReloadTimeline {
                path: state.path.clone(),
                bytes: state.bytes,
            });
        }
    }

    /// Starts a timeline (`:incident TITLE`, `:gameday [draw]`) on a risk, or on one drawn
    /// when `risk` is `None`.
    pub(super) fn start_timeline(
        &mut self,
        kind: TimelineKind,
        title: Option<String>,
        risk: Option<String>,
    ) {
        use crate::model::timeline::{Header, Roles, Severity};
        let (risk, drawn) = match risk {
            Some(risk) => (risk, None),
            None => {
                let drawn = crate::gameday_pick::draw_risk(
                    self.ws.registers(),
                    self.today,
                    crate::gameday_pick::seed_from_clock(),
                );
                let Some((reference, why)) = drawn else {
                    self.say("the register has no risk to draw");
                    return;
                };
                (reference, Some(why))
            }
        };
        let found = self.ws.risk(&risk).cloned();
        let header = Header {
            kind,
            title: title.unwrap_or_else(|| {
                format!(
                    "Game day: {}",
                    found.as_ref().map_or(risk.as_str(), |r| r.title.as_str())
                )
            }),
            started: crate::clock::rfc3339(crate::clock::now()),
            severity: if kind == TimelineKind::Incident {
                Severity::P2
            } else {
                Severity::P3
            },
            roles: Roles::default(),
            risks: vec![risk.clone()],
            drawn,
            drill: false,
        };
        self.effects
            .push_back(Effect::StartTimeline(Box::new(Start {
                header,
                today: self.today,
                risks: found.map(|r| (risk, r)).into_iter().collect(),
            })));
    }

    fn saved(&mut self, saved: effects::Saved) {
        for path in saved.drafts_written.iter().chain(&saved.drafts_dropped) {
            self.drafts.remove(path);
        }
        let nothing = saved.drafts_written.is_empty()
            && saved.drafts_dropped.is_empty()
            && saved.files.is_empty()
            && saved.conflicts.is_empty()
            && saved.failed.is_none();
        if nothing {
            self.say("nothing to save");
            self.should_quit |= saved.then_quit;
            return;
        }
        let mut names: Vec<String> = saved.drafts_written;
        for (path, stamp) in saved.files {
            self.mark_saved(&path, stamp);
            names.push(QuotedPath(&path).to_string());
        }
        if let Some((path, now)) = saved.conflicts.into_iter().next()
            && self.overlay.is_none()
        {
            self.overlay = Some(self.conflict(&path, now));
        }
        self.status = Some(match (&saved.failed, names.len()) {
            (Some(reason), _) => reason.clone(),
            (None, 1) => format!("saved {}", names[0]),
            (None, n) => format!("saved {n} files"),
        });
        if saved.then_quit && saved.failed.is_none() {
            self.should_quit = true;
        }
    }

    /// Register files changed on disk: one without unsaved edits is reloaded (nothing can be
    /// lost); one with edits raises the conflict prompt.
    fn disk_changed(&mut self, changed: Vec<(PathBuf, Option<ComponentFile>)>) {
        for (path, file) in changed {
            if self.is_dirty(&path) {
                if self.overlay.is_none() && self.editing.is_none() {
                    self.overlay = Some(self.conflict(&path, file));
                }
            } else {
                let deleted = file.is_none();
                self.replace_from_disk(file, &path);
                self.status = Some(format!(
                    "{} {} on disk: reloaded",
                    QuotedPath(&path),
                    if deleted { "was deleted" } else { "changed" }
                ));
            }
        }
    }

    /// The conflict prompt for a file changed on disk (`on_disk`, `None` when deleted) while
    /// it had unsaved edits: what changed on each side since it was read, field by field as
    /// `faultline diff` says it, and a merge when the two sides touch different risks and
    /// fields.
    fn conflict(&self, path: &Path, on_disk: Option<ComponentFile>) -> Overlay {
        use crate::diff::{Snapshot, diff, format};
        use crate::model::Register;
        let deleted = on_disk.is_none();
        let mut details = ConflictDetails::default();
        let base = self.baseline.get(path).and_then(|b| b.register.clone());
        let mine = self.current(path).cloned();
        if let Some(file) = on_disk {
            details.stamp = file.disk;
            match &file.content {
                Ok(loaded) => details.on_disk = Some(loaded.register.clone()),
                Err(finding) => details.unreadable = Some(finding.to_string()),
            }
        }
        let changes = |from: &Option<Register>, to: &Option<Register>| {
            let snapshot = |reg: &Option<Register>| {
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

    fn runbook_read(
        &mut self,
        path: &str,
        read: Result<(String, Option<String>), String>,
        show: Show,
    ) {
        match show {
            Show::Anchor { anchor, remember } => {
                self.show_runbook(path, read, anchor.as_deref(), remember, None);
                if let Some(query) = self.find_after_open.take() {
                    self.land_on_match(&query);
                }
            }
            Show::At(scroll) => self.show_runbook(path, read, None, false, Some(scroll)),
            Show::Edited => {
                // Read again after `$EDITOR`: the viewer, the index and the link checks follow.
                let scroll = self.viewer.as_ref().map_or(0, |v| v.scroll);
                if let Ok((text, _)) = &read {
                    self.ws
                        .add_runbook(crate::runbook::RunbookDoc::index(path.to_owned(), text));
                    self.recheck_runbook(path);
                }
                let message = self.status.take();
                self.show_runbook(path, read, None, false, Some(scroll));
                if self.status.is_none() {
                    self.status = message;
                }
            }
        }
    }

    /// After a text search opened a section: the first line below it holding one of the
    /// query's words (or, for a word the text has in another form, its first five letters),
    /// marked as a search match; `n` goes on.
    fn land_on_match(&mut self, query: &str) {
        let Some(viewer) = self.viewer.as_mut() else {
            return;
        };
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect();
        let tries = words.iter().flat_map(|w| {
            let short: String = w.chars().take(5).collect();
            [w.clone(), short]
        });
        let top = viewer.scroll;
        for word in tries {
            if viewer.find(&word) > 0 && viewer.current_match().is_some_and(|m| m.line >= top) {
                let count = viewer.search.as_ref().map_or(0, |s| s.matches.len());
                self.status = Some(format!(
                    "“{word}” marked · n next ({count} in this runbook)"
                ));
                return;
            }
            // Only above the section: stay where it opened.
            viewer.scroll = top;
        }
        viewer.search = None;
    }

    fn show_runbook(
        &mut self,
        path: &str,
        read: Result<(String, Option<String>), String>,
        anchor: Option<&str>,
        remember: bool,
        scroll: Option<usize>,
    ) {
        let (source, notice) = match read {
            Ok(read) => read,
            Err(message) => {
                self.status = Some(message);
                return;
            }
        };
        let (width, height) = super::runbook::viewer_size(self.area);
        let backlink_count = self.backlinks(path).len();
        let previous = self
            .viewer_location()
            .filter(|_| self.view == View::Runbook);
        // In the terminal, a large runbook's first frame renders only the window it shows; the
        // event loop renders the rest right after drawing it.
        let lazy = self.preview_large_runbooks && scroll.is_none();
        let theme = self.theme;
        let viewer = match self.viewer.as_mut() {
            Some(viewer) if lazy => {
                viewer.replace_unrendered(path.to_owned(), source, width, height);
                viewer
            }
            Some(viewer) => {
                viewer.replace(path.to_owned(), source, width, height);
                viewer
            }
            None if lazy => self.viewer.insert(crate::viewer::Viewer::unrendered(
                path.to_owned(),
                source,
                width,
                height,
                theme,
            )),
            None => self.viewer.insert(crate::viewer::Viewer::new(
                path.to_owned(),
                source,
                width,
                height,
                theme,
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
        // A preview already landed on its anchor (found by the same slugs as the full
        // document's).
        let previewing = viewer.preview.as_ref().is_some_and(|p| p.anchor.is_some());
        let missing = anchor.filter(|a| !previewing && !a.is_empty() && !viewer.jump_to_anchor(a));
        self.status = match missing {
            Some(anchor) => Some(format!("{path} has no heading #{anchor}: showing the top")),
            None => viewer.notice.clone(),
        };
        self.view = View::Runbook;
    }

    /// An event is on disk: only now is it shown, and the status line says so.
    fn event_appended(
        &mut self,
        path: &Path,
        event: crate::model::timeline::Event,
        written: Result<u64, String>,
    ) {
        let bytes = match written {
            Ok(bytes) => bytes,
            Err(err) => {
                self.status = Some(format!("NOT recorded: {err}"));
                return;
            }
        };
        let Some(state) = self.timeline.as_mut().filter(|s| s.path == path) else {
            return;
        };
        let at = match (state.timeline.started(), event.timestamp()) {
            (Some(s), Some(t)) => crate::clock::elapsed(t.duration_since(s).as_secs()),
            _ => String::new(),
        };
        let kind = event.kind.clone();
        let resolved = event.known_kind() == Some(EventKind::Resolved);
        state.timeline.events.push(event);
        if bytes > 0 {
            state.bytes = bytes;
        }
        // Recorded: what was being typed for it is on disk in the timeline now.
        if state.input.is_none() {
            self.effects
                .push_back(Effect::ClearDraft(path.to_path_buf()));
        }
        self.status = Some(format!("{kind} recorded at {at}, on disk"));
        if resolved {
            // The incident that made the register read-only is over (unless --read-only).
            if state.timeline.header.kind == crate::model::timeline::TimelineKind::Incident
                && !self.read_only_asked
            {
                self.read_only = false;
            }
            self.offer_write_back();
        }
    }

    /// Events appended by another process.
    fn timeline_read(&mut self, path: &Path, loaded: crate::timeline::Loaded, bytes: u64) {
        let Some(state) = self.timeline.as_mut().filter(|s| s.path == path) else {
            return;
        };
        let added = loaded
            .timeline
            .events
            .len()
            .saturating_sub(state.timeline.events.len());
        state.timeline = loaded.timeline;
        state.problems = loaded.problems;
        state.bytes = bytes;
        if added > 0 {
            self.status = Some(format!(
                "{} recorded elsewhere",
                crate::finding::plural(added, "event")
            ));
        }
    }

    fn timeline_started(
        &mut self,
        opened: Result<Box<crate::timeline::Opened>, String>,
        drawn: Option<String>,
        risk: &str,
    ) {
        let opened = match opened {
            Ok(opened) => opened,
            Err(err) => {
                self.status = Some(format!("cannot start: {err}"));
                return;
            }
        };
        let state = TimelineState::new(*opened);
        let path = QuotedPath(&state.path).to_string();
        let hidden = state.card.is_some();
        self.open_timeline(state);
        // A game day's file name and risk would give its answer away on a projector.
        self.status = Some(match (drawn, hidden) {
            (Some(reason), true) => {
                format!("drew a risk: {reason}; the answers stay hidden until v")
            }
            (None, true) => "game day started; the answers stay hidden until v".to_owned(),
            (Some(reason), false) => format!("drew {risk}: {reason}; {path}"),
            (None, false) => format!("started {path}"),
        });
    }
}
