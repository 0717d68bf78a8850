//! The IO edge of the TUI. `App::update` queues `Effect`s that carry all the data they need (the
//! canonical text to save, the stamps the files were read with, the journal entries, the
//! drafts); `perform` does the file work and returns an `Outcome`, never seeing the `App`;
//! `App::apply` (`app/apply.rs`) is the one place outcomes change state. So every outcome can be
//! tested without a disk, and every effect without an app.

use crate::model::timeline::{Event, Header};
use crate::recovery::{Draft, Entry, Journal};
use crate::store::{self, ComponentFile, DiskStamp};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Append a file's state (as edited, or with the text being typed) to the recovery journal.
    Journal(Box<Entry>),
    /// Keep the event being typed on a timeline's input line (an empty draft forgets it), so a
    /// kill loses none of it.
    SaveDraft(Draft),
    /// Forget a timeline's draft: what was typed is recorded now.
    ClearDraft(PathBuf),
    /// Read back a draft a previous session left for this timeline.
    ReadDraft(PathBuf),
    /// Write stubbed runbooks, then every changed register file (or remove it when `text` is
    /// `None`) unless it changed on disk since it was read; then keep only the unsaved files
    /// in the recovery journal.
    Save(Box<Save>),
    /// Read a register file again (`None` when it is gone).
    Reload(PathBuf),
    /// Look for register files changed, removed or added on disk: each known file with the
    /// stamp it was read with.
    CheckDisk(Vec<(PathBuf, Option<DiskStamp>)>),
    /// Forget the recovery journal (unsaved edits discarded on purpose).
    ClearJournal,
    /// Keep only these entries in the recovery journal (the files still unsaved).
    RetainJournal(Vec<Entry>),
    /// Read a runbook for the viewer (`draft` is a stub not yet written, read instead of the
    /// disk), then show it as `show` says.
    ReadRunbook {
        path: String,
        draft: Option<String>,
        show: Show,
    },
    /// Search every runbook's text for the finder's query (the stubs not yet written too).
    SearchText {
        query: String,
        drafts: Vec<(String, String)>,
    },
    /// Append an event to a timeline's file (fsync'd).
    AppendEvent { path: PathBuf, event: Box<Event> },
    /// Read a timeline again if its file is no longer `bytes` long (`incident log` from
    /// another terminal).
    ReloadTimeline { path: PathBuf, bytes: u64 },
    /// Create a timeline file with this header and open it; `risks` are the register's risks
    /// it names, for its checklist and card.
    StartTimeline(Box<Start>),
}

/// Where a runbook read for the viewer is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Show {
    /// At a heading (the top when `None`); `remember` puts the page shown now on the back stack.
    Anchor {
        anchor: Option<String>,
        remember: bool,
    },
    /// At a scroll position (going back or forward).
    At(usize),
    /// Edited meanwhile (in `$EDITOR`): indexed and checked again, shown where it was.
    Edited,
}

/// What a save writes, gathered when it is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Save {
    /// Stubbed runbooks (path, text), written first so a saved link never points at a file
    /// not yet written.
    pub drafts: Vec<(String, String)>,
    pub files: Vec<SaveFile>,
    /// Quit once everything is saved.
    pub then_quit: bool,
}

/// One changed register file.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveFile {
    pub path: PathBuf,
    /// The canonical text; `None` removes the file.
    pub text: Option<String>,
    /// The file on disk as it was read.
    pub known: Option<DiskStamp>,
    /// The user chose to write over a change on disk.
    pub overwrite: bool,
    /// Its recovery journal entry, kept if it is not saved.
    pub entry: Entry,
}

/// A timeline to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub header: Header,
    pub today: jiff::civil::Date,
    pub risks: Vec<(String, crate::model::Risk)>,
}

/// What an effect found or did, for `App::apply`.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to report.
    Done,
    /// A failure the status line says (the journal not written, …).
    Failed(String),
    Saved(Box<Saved>),
    /// A register file as read again (`None`: gone).
    Reloaded {
        path: PathBuf,
        file: Option<Box<ComponentFile>>,
    },
    /// Register files that differ from what was read, each as it is now (`None`: deleted).
    DiskChanged(Vec<(PathBuf, Option<ComponentFile>)>),
    RunbookRead {
        path: String,
        /// The text and a notice (a stub, replacement characters), or why it cannot be read.
        read: Result<(String, Option<String>), String>,
        show: Show,
    },
    TextHits(Result<crate::rank::Ranked, String>),
    /// An event appended (the file's new size), or why not.
    EventAppended {
        path: PathBuf,
        event: Box<Event>,
        written: Result<u64, String>,
    },
    /// A timeline that grew, read again, with its new size.
    TimelineRead {
        path: PathBuf,
        loaded: Box<crate::timeline::Loaded>,
        bytes: u64,
    },
    TimelineStarted {
        opened: Result<Box<crate::timeline::Opened>, String>,
        /// Why the risk was drawn, when it was.
        drawn: Option<String>,
        risk: String,
    },
    DraftRead {
        path: PathBuf,
        draft: Draft,
    },
}

/// What a save did, file by file.
#[derive(Debug, Default)]
pub struct Saved {
    /// Stubs written (path), and stubs dropped because a file appeared at their path.
    pub drafts_written: Vec<String>,
    pub drafts_dropped: Vec<String>,
    /// Register files written or removed, with their new stamp.
    pub files: Vec<(PathBuf, Option<DiskStamp>)>,
    /// Files changed on disk since they were read: not saved; each as it is now (`None`:
    /// deleted).
    pub conflicts: Vec<(PathBuf, Option<ComponentFile>)>,
    /// The first failure, said on the status line.
    pub failed: Option<String>,
    pub then_quit: bool,
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
    /// Hand the terminal to `$SHELL -c` for a runbook's step, its output logged.
    Run(Box<crate::app::run::RunStep>),
}

/// Where effects do their work: the workspace and the journals.
#[derive(Clone, Copy)]
pub struct Io<'a> {
    pub root: &'a Path,
    pub journal: Option<&'a Journal>,
    /// Where the event being typed into a timeline is kept.
    pub draft_journal: Option<&'a Journal>,
    /// The runbook search's index cache (`None`: built for each search).
    pub search_cache: Option<&'a Path>,
}

/// Sections the finder's ranked runbook search lists at most.
const TEXT_HITS: usize = 50;

/// Performs one effect.
pub fn perform(io: Io<'_>, effect: Effect) -> Outcome {
    match effect {
        Effect::Journal(entry) => match io.journal.map(|j| j.append(&entry)) {
            Some(Err(err)) => Outcome::Failed(format!("recovery journal not written: {err:#}")),
            _ => Outcome::Done,
        },
        Effect::SaveDraft(draft) => {
            match io
                .draft_journal
                .map(|j| j.save_draft(&draft.timeline, &draft))
            {
                Some(Err(err)) => {
                    Outcome::Failed(format!("what you type is not journaled: {err:#}"))
                }
                _ => Outcome::Done,
            }
        }
        Effect::ClearDraft(path) => {
            if let Some(journal) = io.draft_journal {
                let _ = journal.clear_draft(&path);
            }
            Outcome::Done
        }
        Effect::ReadDraft(path) => match io.draft_journal.and_then(|j| j.draft(&path)) {
            Some(draft) => Outcome::DraftRead { path, draft },
            None => Outcome::Done,
        },
        Effect::Save(request) => Outcome::Saved(Box::new(save(io, *request))),
        Effect::Reload(path) => Outcome::Reloaded {
            file: io
                .root
                .join(&path)
                .exists()
                .then(|| Box::new(store::reload_component(io.root, &path))),
            path,
        },
        Effect::CheckDisk(known) => Outcome::DiskChanged(check_disk(io.root, &known)),
        Effect::ClearJournal => {
            if let Some(journal) = io.journal {
                let _ = journal.clear();
            }
            Outcome::Done
        }
        Effect::RetainJournal(unsaved) => {
            if let Some(journal) = io.journal {
                let _ = journal.retain(&unsaved);
            }
            Outcome::Done
        }
        Effect::ReadRunbook { path, draft, show } => Outcome::RunbookRead {
            read: match draft {
                Some(draft) => Ok((
                    draft,
                    Some(format!("{path} is a stub, written when you save")),
                )),
                None => read_runbook(io.root, &path),
            },
            path,
            show,
        },
        Effect::SearchText { query, drafts } => {
            let options = crate::rank::Options {
                cache: io.search_cache,
                drafts: &drafts,
                typing: true,
                limit: TEXT_HITS,
            };
            Outcome::TextHits(
                crate::rank::find_with(io.root, &query, &options).map_err(|err| format!("{err:#}")),
            )
        }
        Effect::AppendEvent { path, event } => append_event(io.root, path, event),
        Effect::ReloadTimeline { path, bytes } => reload_timeline(io.root, path, bytes),
        Effect::StartTimeline(start) => start_timeline(io.root, *start),
    }
}

/// Appends an event to a timeline's file, fsync'd.
fn append_event(root: &Path, path: PathBuf, event: Box<Event>) -> Outcome {
    let absolute = root.join(&path);
    let written = crate::timeline::append(&absolute, &event)
        .map(|()| std::fs::metadata(&absolute).map_or(0, |m| m.len()))
        .map_err(|err| format!("{err:#}"));
    Outcome::EventAppended {
        path,
        event,
        written,
    }
}

/// Reads a timeline again when its size is no longer `bytes`.
fn reload_timeline(root: &Path, path: PathBuf, bytes: u64) -> Outcome {
    let len = std::fs::metadata(root.join(&path)).map_or(bytes, |m| m.len());
    if len == bytes {
        return Outcome::Done;
    }
    match crate::timeline::read(root, &path) {
        Ok(loaded) => Outcome::TimelineRead {
            path,
            loaded: Box::new(loaded),
            bytes: len,
        },
        Err(_) => Outcome::Done,
    }
}

/// Creates a timeline's file and opens it.
fn start_timeline(root: &Path, start: Start) -> Outcome {
    let Start {
        header,
        today,
        risks,
    } = start;
    let lookup = |reference: &str| {
        risks
            .iter()
            .find(|(r, _)| r == reference)
            .map(|(_, risk)| risk)
    };
    let opened = crate::timeline::create(root, &header, today)
        .and_then(|rel| crate::timeline::open(root, &rel, lookup))
        .map(Box::new)
        .map_err(|err| format!("{err:#}"));
    Outcome::TimelineStarted {
        opened,
        drawn: header.drawn,
        risk: header.risks.into_iter().next().unwrap_or_default(),
    }
}

/// Reads a runbook for the viewer: over the size limit it is refused; invalid UTF-8 opens with
/// replacement characters and a notice.
fn read_runbook(root: &Path, path: &str) -> Result<(String, Option<String>), String> {
    // The same size limit and messages as loading the workspace.
    let bytes = store::read_limited(root, &root.join(path))
        .map_err(|f| format!("{path}: {}", f.message))?;
    let (text, notice) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(err) => (
            String::from_utf8_lossy(err.as_bytes()).into_owned(),
            Some(format!(
                "{path} is not valid UTF-8: shown with replacement characters (�)"
            )),
        ),
    };
    // A step's output log is text, not markdown: shown as one block, as it was written (its
    // control characters made visible, as any runbook text).
    if path.ends_with(".log") {
        let fence = crate::core::text::backtick_fence(&text, 3);
        return Ok((format!("{fence}text\n{text}\n{fence}\n"), notice));
    }
    Ok((text, notice))
}

/// Saves every changed file, unless it changed on disk since it was read: that file is left
/// alone and reported, as it is now, for the user to decide.
fn save(io: Io<'_>, request: Save) -> Saved {
    let root = io.root;
    let nothing = request.drafts.is_empty() && request.files.is_empty();
    let mut saved = Saved {
        then_quit: request.then_quit,
        ..Saved::default()
    };
    for (path, text) in request.drafts {
        let absolute = root.join(&path);
        if absolute.exists() {
            saved.failed = Some(format!(
                "{path} appeared on disk meanwhile: the stub was not written over it"
            ));
            saved.drafts_dropped.push(path);
            continue;
        }
        // The stub's directories and file stay inside the workspace: a symlinked directory
        // that leads out is refused before anything is created.
        let written = absolute
            .parent()
            .map_or(Ok(()), |dir| {
                store::create_dir_inside(root, dir).map(|_| ())
            })
            .and_then(|()| store::save_inside(root, &absolute, text.as_bytes()));
        match written {
            Ok(()) => saved.drafts_written.push(path),
            Err(err) => saved.failed = Some(write_failure(&path, &err)),
        }
    }
    let mut unsaved = Vec::new();
    for file in request.files {
        let quoted = crate::sanitize::QuotedPath(&file.path).to_string();
        match save_file(root, &file) {
            Ok(Written::Saved(stamp)) => saved.files.push((file.path, stamp)),
            Ok(Written::Changed(now)) => {
                saved
                    .failed
                    .get_or_insert_with(|| format!("{quoted} changed on disk: not saved"));
                saved.conflicts.push((file.path, now));
                unsaved.push(file.entry);
            }
            Err(message) => {
                saved.failed = Some(message);
                unsaved.push(file.entry);
            }
        }
    }
    if let Some(journal) = io.journal
        && !nothing
        && let Err(err) = journal.retain(&unsaved)
    {
        saved
            .failed
            .get_or_insert_with(|| format!("recovery journal not updated: {err:#}"));
    }
    saved
}

enum Written {
    /// Written (or removed: no stamp).
    Saved(Option<DiskStamp>),
    /// Changed on disk since it was read: left alone; the file as it is now.
    Changed(Option<ComponentFile>),
}

fn save_file(root: &Path, file: &SaveFile) -> Result<Written, String> {
    let absolute = root.join(&file.path);
    let quoted = crate::sanitize::QuotedPath(&file.path).to_string();
    let on_disk = DiskStamp::read(&absolute, file.known)
        .map_err(|err| format!("cannot read {quoted}: {err}"))?;
    if on_disk.map(|s| s.hash) != file.known.map(|s| s.hash) && !file.overwrite {
        return Ok(Written::Changed(
            on_disk.map(|_| store::reload_component(root, &file.path)),
        ));
    }
    let result = match &file.text {
        Some(text) => store::save_inside(root, &absolute, text.as_bytes()).map(|()| {
            Some(DiskStamp::of(
                text.as_bytes(),
                std::fs::metadata(&absolute).ok().as_ref(),
            ))
        }),
        None => store::remove_durably(&absolute).map(|()| None),
    };
    result
        .map(Written::Saved)
        .map_err(|err| write_failure(&quoted, &err))
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

/// Every known register file whose contents differ from the stamp it was read with, and every
/// new one under `registers/`, each as it is now (`None`: deleted).
fn check_disk(
    root: &Path,
    known: &[(PathBuf, Option<DiskStamp>)],
) -> Vec<(PathBuf, Option<ComponentFile>)> {
    let mut changed = Vec::new();
    for (path, stamp) in known {
        let Ok(now) = DiskStamp::read(&root.join(path), *stamp) else {
            continue;
        };
        if now.map(|s| s.hash) != stamp.map(|s| s.hash) {
            changed.push((path.clone(), now.is_some()));
        }
    }
    // Files added underneath (a pull that brings a new component).
    if let Ok(entries) = std::fs::read_dir(root.join(store::REGISTERS_DIR)) {
        for entry in entries.flatten() {
            // A name that is not UTF-8 is never loaded (`check` names it).
            if !store::has_utf8_name(&entry.path()) {
                continue;
            }
            let path = PathBuf::from(store::relative(root, &entry.path()));
            if path.extension().is_some_and(|e| e == "json")
                && !known.iter().any(|(p, _)| *p == path)
            {
                changed.push((path, true));
            }
        }
    }
    changed
        .into_iter()
        .map(|(path, exists)| {
            let file = exists.then(|| store::reload_component(root, &path));
            (path, file)
        })
        .collect()
}
