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
