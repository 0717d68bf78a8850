//! The IO edge of the TUI: `App::update` queues effects; `run` performs them (atomic saves,
//! removals, the recovery journal, reloading and watching files on disk) and reports back into
//! the app's state. Tests run the same code.

use crate::app::{App, Overlay};
use crate::model::to_canonical;
use crate::store::{self, DiskStamp};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Append the file's current state to the recovery journal.
    Journal(PathBuf),
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
    /// Write a runbook from the template and link a risk to it.
    StubRunbook {
        path: PathBuf,
        id: String,
        file: String,
    },
    /// Read a runbook again after it was edited.
    ReloadRunbook(String),
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
            app.status = Some(format!("reloaded {} from disk", path.display()));
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
        Effect::StubRunbook { path, id, file } => stub_runbook(app, &path, &id, &file),
        Effect::ReloadRunbook(path) => reload_runbook(app, &path),
    }
}

/// Reads a runbook for the viewer: over the size limit it is refused; invalid UTF-8 opens with
/// replacement characters and a notice.
fn read_runbook(app: &App, path: &str) -> Result<(String, Option<String>), String> {
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
    let viewer = match app.viewer.as_mut() {
        Some(viewer) => {
            viewer.replace(path.to_owned(), source, width, height);
            viewer
        }
        None => app.viewer.insert(crate::viewer::Viewer::new(
            path.to_owned(),
            source,
            width,
            height,
            app.theme,
        )),
    };
    viewer.notice = notice;
    viewer.backlink_count = backlink_count;
    if remember && let Some(previous) = previous {
        viewer.back.push(previous);
        viewer.forward.clear();
    }
    if let Some(scroll) = scroll {
        viewer.scroll = scroll.min(viewer.max_scroll());
    }
    let missing = anchor.filter(|a| !a.is_empty() && !viewer.jump_to_anchor(a));
    app.view = crate::app::View::Runbook;
    app.status = match missing {
        Some(anchor) => Some(format!("{path} has no heading #{anchor}: showing the top")),
        None => viewer.notice.clone(),
    };
}

/// The template a stubbed runbook starts from: what the risk already says, and empty steps.
pub fn runbook_template(reg: &crate::model::Register, risk: &crate::model::Risk) -> String {
    let or_todo = |text: &str, what: &str| {
        if text.trim().is_empty() {
            format!("_No {what} recorded yet._")
        } else {
            text.to_owned()
        }
    };
    format!(
        "# {title}

Runbook for `{component}/{id}` ({component_title}). Score {score} ({band}).

## Detection

{detection}

## Mitigation

{mitigation}

## Steps

- [ ] 

## Escalation

- [ ] Page {owner} and follow [incident roles and severity](../incident/roles-and-severity.md) if it exists
",
        title = risk.title,
        component = reg.component,
        id = risk.id,
        component_title = reg.title,
        score = risk.score(),
        band = risk.band(),
        detection = or_todo(&risk.detection, "detection"),
        mitigation = or_todo(&risk.mitigation, "mitigation"),
        owner = if reg.owner.is_empty() { "the owning team" } else { reg.owner.as_str() },
    )
}

/// Writes a runbook from the template (never over an existing file) and links the risk to it.
fn stub_runbook(app: &mut App, path: &std::path::Path, id: &str, file: &str) {
    let Some(reg) = app.current(path).cloned() else {
        return;
    };
    let Some(risk) = reg.risks.iter().find(|r| r.id == id) else {
        return;
    };
    let absolute = app.ws.root.join(file);
    if !absolute.exists() {
        let text = runbook_template(&reg, risk);
        let written = absolute
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| store::save_atomic(&absolute, text.as_bytes()));
        if let Err(err) = written {
            app.status = Some(format!("cannot write {file}: {err}"));
            return;
        }
        let doc = crate::runbook::RunbookDoc::index(file.to_owned(), &text);
        app.ws.add_runbook(doc);
    }
    app.link_runbook(path, id, file);
    open_runbook(app, file, None, true, None);
    app.status = Some(format!(
        "wrote {file} and linked {}/{id} to it (save the register to keep the link)",
        reg.component
    ));
}

/// Reads a runbook again after `$EDITOR`: the viewer, the index and the link checks follow.
fn reload_runbook(app: &mut App, path: &str) {
    let scroll = app.viewer.as_ref().map_or(0, |v| v.scroll);
    if let Ok((text, _)) = read_runbook(app, path) {
        app.ws
            .add_runbook(crate::runbook::RunbookDoc::index(path.to_owned(), &text));
        app.refresh_all_links();
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
    if dirty.is_empty() {
        app.status = Some("nothing to save".into());
        if then_quit {
            app.should_quit = true;
        }
        return;
    }
    let mut saved = Vec::new();
    let mut failed = None;
    for path in dirty {
        let absolute = app.ws.root.join(&path);
        let known = app.baseline.get(&path).and_then(|b| b.stamp);
        let on_disk = match DiskStamp::read(&absolute, known) {
            Ok(stamp) => stamp,
            Err(err) => {
                failed = Some(format!("cannot read {}: {err}", path.display()));
                continue;
            }
        };
        if on_disk.map(|s| s.hash) != known.map(|s| s.hash) && overwrite != Some(&path) {
            if app.overlay.is_none() {
                app.overlay = Some(Overlay::Conflict {
                    path: path.clone(),
                    deleted: on_disk.is_none(),
                });
            }
            failed.get_or_insert_with(|| format!("{} changed on disk: not saved", path.display()));
            continue;
        }
        let result = match app.current(&path).map(to_canonical) {
            Some(text) => store::save_atomic(&absolute, text.as_bytes()).map(|()| {
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
                saved.push(path.display().to_string());
            }
            Err(err) => failed = Some(format!("cannot write {}: {err}", path.display())),
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
                app.overlay = Some(Overlay::Conflict { path, deleted });
            }
        } else {
            let file = (!deleted).then(|| store::reload_component(&app.ws.root, &path));
            app.replace_from_disk(file, &path);
            app.status = Some(format!(
                "{} {} on disk: reloaded",
                path.display(),
                if deleted { "was deleted" } else { "changed" }
            ));
        }
    }
}
