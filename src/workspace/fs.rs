//! Files inside the workspace: paths relative to it, reads bounded by the size limit (the
//! refusal is a finding), the containment rule (nothing is written through a link that leads
//! out), and the atomic, durable save every writer uses (a temporary file, fsync, rename,
//! fsync of the directory).

use crate::finding::{Finding, Pos};
use crate::parse::MAX_FILE_BYTES;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A relative path with `/` separators.
pub fn relative_components(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The finding for a file (on disk or a git blob) of `size` bytes, over the size limit.
pub fn too_large(rel: &str, size: u64) -> Finding {
    #[allow(clippy::cast_precision_loss)]
    let mib = size as f64 / (1024.0 * 1024.0);
    Finding::error(
        rel,
        Pos::START,
        "file-too-large",
        format!(
            "file is {mib:.1} MiB, over the {} MiB limit: not read",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// A file named on the command line (a sheet, a catalog, git's textconv copy of a blob), read
/// within the same size limit as the workspace's files; the refusal names it.
pub fn read_named_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    read_limited(Path::new(""), path).map_err(|finding| anyhow::anyhow!("{finding}"))
}

/// Reads a file unless it is over the size limit; the refusal is a finding.
pub fn read_limited(root: &Path, path: &Path) -> Result<Vec<u8>, Finding> {
    read_limited_with_metadata(root, path).map(|(bytes, _)| bytes)
}

/// `read_limited`, with the metadata of the file as it was opened: one `stat` of the open file
/// serves the size limit, the buffer's size and the caller.
pub(crate) fn read_limited_with_metadata(
    root: &Path,
    path: &Path,
) -> Result<(Vec<u8>, fs::Metadata), Finding> {
    let rel = relative(root, path);
    let io_finding = |err: io::Error| {
        Finding::error(
            &rel,
            Pos::START,
            "io-error",
            format!("cannot read file: {err}"),
        )
    };
    let file = fs::File::open(path).map_err(io_finding)?;
    let meta = file.metadata().map_err(io_finding)?;
    let too_large = |size: u64| too_large(&rel, size);
    let size = meta.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    // The size `stat` gave is read in one call, and one more call sees the end (or what was
    // added since, up to the limit). `File`'s own `read_to_end` would ask for the size and
    // position again.
    let mut bytes = vec![0; usize::try_from(size).unwrap_or(0)];
    let mut filled = 0;
    while filled < bytes.len() {
        match io::Read::read(&mut &file, &mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_finding(e)),
        }
    }
    bytes.truncate(filled);
    io::Read::read_to_end(
        &mut io::Read::take(&file, MAX_FILE_BYTES + 1 - filled as u64),
        &mut bytes,
    )
    .map_err(io_finding)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok((bytes, meta))
}

/// Removes a file durably: the directory is flushed so the removal survives a crash.
pub fn remove_durably(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        other => other?,
    }
    if let Some(dir) = path.parent() {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// The one containment rule for every path faultline writes in a workspace: `path` (absolute,
/// or relative to `root`) resolved through every symbolic link, which must stay inside the
/// workspace. Returns the real path to write: the file itself, or, for a link, its target (so
/// a save writes through the link and the link stays). A part that does not exist yet is
/// checked through its nearest existing ancestor, and may not be `..`.
pub fn contained(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let outside = || {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} leads outside the workspace (through a symbolic link): not written",
                crate::sanitize::quote(&relative(root, path))
            ),
        )
    };
    let root_real = root.canonicalize()?;
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    while fs::symlink_metadata(existing).is_err() {
        let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
            return Err(outside());
        };
        missing.push(name);
        existing = parent;
    }
    // A link whose target does not exist is followed as far as it resolves.
    let mut real = match existing.canonicalize() {
        Ok(real) => real,
        Err(_) => {
            let target = fs::read_link(existing)?;
            let base = existing.parent().unwrap_or(Path::new("/"));
            let target = base.join(target);
            let parent = target.parent().ok_or_else(outside)?.canonicalize()?;
            parent.join(target.file_name().ok_or_else(outside)?)
        }
    };
    for name in missing.into_iter().rev() {
        if name == ".." {
            return Err(outside());
        }
        real.push(name);
    }
    if real.starts_with(&root_real) {
        Ok(real)
    } else {
        Err(outside())
    }
}

/// Saves `contents` to `path` in the workspace at `root` through `contained`: atomically, in the
/// real file's directory; a symbolic link is written through (never replaced) when its target
/// is inside the workspace, and refused when it is not.
pub fn save_inside(root: &Path, path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = contained(root, path)?;
    save_atomic(&target, contents)
}

/// Creates `dir` and its missing parents inside the workspace at `root`, after `contained`
/// accepted it (a symlinked directory that leads out is refused before anything is created).
pub fn create_dir_inside(root: &Path, dir: &Path) -> io::Result<PathBuf> {
    let real = contained(root, dir)?;
    fs::create_dir_all(&real)?;
    Ok(real)
}

/// Writes `contents` to `path` so that a crash at any instant leaves the old file or the new one,
/// never a torn one: a temporary file in the same directory, written, flushed to disk, renamed
/// over the target, then the directory flushed so the rename itself is durable.
pub fn save_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    save_atomic_with_mode(path, contents, None)
}

/// `save_atomic`, the new file created with `mode` (e.g. 0o600 for a file only its owner may
/// read) instead of the old file's permissions: it has that mode from its first byte.
pub fn save_atomic_with_mode(path: &Path, contents: &[u8], mode: Option<u32>) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let prefix = format!(".{}.", name.to_string_lossy());
    remove_stale_temporaries(dir, &prefix);
    let tmp = dir.join(format!(
        "{prefix}{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let write = || -> io::Result<()> {
        injected_write_error()?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        if let Some(mode) = mode {
            options.mode(mode);
        }
        let mut file = options.open(&tmp)?;
        if let (None, Ok(meta)) = (mode, fs::metadata(path)) {
            file.set_permissions(meta.permissions())?;
        }
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        fs::File::open(dir)?.sync_all()
    };
    let result = write();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes the temporary files that saves of this file by processes no longer running left
/// behind (a kill mid-save leaves its temporary; the target itself is always whole). A
/// temporary of a live process is another save in progress and is left alone; where liveness
/// cannot be known (no `/proc`), only temporaries older than an hour are removed.
fn remove_stale_temporaries(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let own = std::process::id();
    let procfs = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(rest) = name
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest
            .split_once('-')
            .and_then(|(p, _)| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == own {
            continue;
        }
        let stale = if procfs {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600)
        };
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

static FAIL_WRITES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes every save and timeline append of this process fail as on a full disk: for the tests
/// of a full disk on machines where they cannot mount a small file system.
pub fn inject_write_errors(on: bool) {
    FAIL_WRITES.store(on, Ordering::SeqCst);
}

/// A write error on demand (`inject_write_errors`, or `FAULTLINE_TEST_WRITE_ERROR=1` for a
/// whole process), for the tests of a full disk where no small file system can be mounted.
pub fn injected_write_error() -> io::Result<()> {
    if FAIL_WRITES.load(Ordering::SeqCst)
        || std::env::var_os("FAULTLINE_TEST_WRITE_ERROR").is_some()
    {
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            "No space left on device (injected by FAULTLINE_TEST_WRITE_ERROR)",
        ));
    }
    Ok(())
}
