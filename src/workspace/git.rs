//! Reading a workspace at a git revision through the `git` command: one `git ls-tree`, then every
//! file through a single `git cat-file --batch`, not one process per file.

use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}

/// The repository holding `workspace`, and the workspace's path inside it (`""` at the top).
pub fn repository(workspace: &Path) -> Result<(PathBuf, String)> {
    let top = git(workspace, &["rev-parse", "--show-toplevel"])
        .map_err(|_| anyhow::anyhow!("{} is not in a git repository: `faultline diff` compares git revisions (or use --files OLD NEW)", crate::sanitize::QuotedPath(workspace)))?;
    let top = PathBuf::from(top).canonicalize()?;
    let inside = workspace
        .canonicalize()?
        .strip_prefix(&top)
        .map(crate::store::relative_components)
        .unwrap_or_default();
    Ok((top, inside))
}

/// The commit a revision names; an unknown revision is an error naming it.
pub fn resolve(repo: &Path, rev: &str) -> Result<String> {
    git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .ok()
    .filter(|s| !s.is_empty())
    .ok_or_else(|| anyhow::anyhow!("unknown revision `{rev}`"))
}

/// The merge base of two revisions (for `A...B`).
pub fn merge_base(repo: &Path, a: &str, b: &str) -> Result<String> {
    git(repo, &["merge-base", a, b])
        .with_context(|| format!("no merge base between `{a}` and `{b}`"))
}

/// A workspace-relative path and its git blob id.
pub type PathAndBlob = (String, String);

/// The registers (with their blob ids, so that a file unchanged between two revisions is read
/// and parsed once) and runbooks of the workspace at `commit` (one `git ls-tree`).
pub fn list_with_blobs(
    repo: &Path,
    commit: &str,
    inside: &str,
) -> Result<(Vec<PathAndBlob>, Vec<PathAndBlob>)> {
    let mut registers = Vec::new();
    let mut runbooks = Vec::new();
    for entry in tree(repo, commit, inside, &["registers", "runbooks"])? {
        let rel = entry.path;
        if rel.starts_with("registers/") && rel.ends_with(".json") && rel.matches('/').count() == 1
        {
            registers.push((rel, entry.blob));
        } else if rel.starts_with("runbooks/") && rel.ends_with(".md") {
            runbooks.push((rel, entry.blob));
        }
    }
    Ok((registers, runbooks))
}

/// `inside/`, the prefix of the workspace's paths in the repository (`""` at the top).
fn prefix(inside: &str) -> String {
    if inside.is_empty() {
        String::new()
    } else {
        format!("{inside}/")
    }
}

/// One entry of `git ls-tree -r`, its path relative to the workspace.
struct TreeEntry {
    mode: String,
    kind: String,
    blob: String,
    path: String,
}

/// Every entry of the workspace at `commit` (one `git ls-tree -r`), under the workspace's
/// `dirs` (relative to it; none: all of it).
fn tree(repo: &Path, commit: &str, inside: &str, dirs: &[&str]) -> Result<Vec<TreeEntry>> {
    let prefix = prefix(inside);
    let specs: Vec<String> = if dirs.is_empty() && !inside.is_empty() {
        vec![inside.to_owned()]
    } else {
        dirs.iter().map(|d| format!("{prefix}{d}")).collect()
    };
    let mut args = vec!["ls-tree", "-r", "-z", commit];
    if !specs.is_empty() {
        args.push("--");
        args.extend(specs.iter().map(String::as_str));
    }
    let listing = git(repo, &args)?;
    Ok(listing
        .split('\0')
        .filter_map(|entry| {
            // `<mode> <type> <object>\t<path>`
            let (meta, path) = entry.split_once('\t')?;
            let mut meta = meta.split(' ');
            Some(TreeEntry {
                mode: meta.next()?.to_owned(),
                kind: meta.next()?.to_owned(),
                blob: meta.next()?.to_owned(),
                path: path.strip_prefix(&prefix).unwrap_or(path).to_owned(),
            })
        })
        .collect())
}

/// The contents of files by their blob ids (from `list_with_blobs`), through one
/// `git cat-file --batch`. By id, not by `commit:path`: a path makes git read the trees above the
/// file again for every request, which took most of `faultline diff`'s time.
/// A blob over the size limit is left out (its finding comes from the register side).
pub fn read(repo: &Path, files: &[PathAndBlob]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut contents = Vec::with_capacity(files.len());
    read_each(repo, files, |path, blob| {
        if let Ok(bytes) = blob {
            contents.push((path, bytes));
        }
    })?;
    Ok(contents)
}

/// Like `read`, handing each file to `each` as it arrives: its bytes, or, for a blob over the
/// size limit (`parse::MAX_FILE_BYTES`, the limit on files on disk), the refusal as a finding.
/// A blob's size is checked from git's answer before it is read: a committed 1 GiB register is
/// skipped, never held.
pub fn read_each(
    repo: &Path,
    files: &[PathAndBlob],
    mut each: impl FnMut(String, Result<Vec<u8>, crate::finding::Finding>),
) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "--batch", "--buffer"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run git cat-file")?;
    let mut stdin = child.stdin.take().context("git stdin")?;
    let requests = files.iter().fold(String::new(), |mut requests, (_, blob)| {
        let _ = writeln!(requests, "{blob}");
        requests
    });
    // Write on another thread so a large answer cannot block the request.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut reader = BufReader::new(child.stdout.take().context("git stdout")?);
    for (path, _) in files {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let size: u64 = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .with_context(|| {
                format!(
                    "git cat-file: unexpected answer for {}: {}",
                    crate::sanitize::quote(path),
                    crate::sanitize::quote(&header)
                )
            })?;
        let blob = if size > crate::parse::MAX_FILE_BYTES {
            std::io::copy(&mut (&mut reader).take(size), &mut std::io::sink())?;
            Err(crate::store::too_large(path, size))
        } else {
            let mut bytes = Vec::new();
            (&mut reader).take(size).read_to_end(&mut bytes)?;
            anyhow::ensure!(
                bytes.len() as u64 == size,
                "git cat-file: {} cut short",
                crate::sanitize::quote(path)
            );
            Ok(bytes)
        };
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        each(path.clone(), blob);
    }
    let _ = writer.join();
    child.wait()?;
    Ok(())
}

/// The extensions of the files `check` reads: registers, runbooks, timelines, monitoring
/// config and `faultline.toml`.
const CHECKED_EXTENSIONS: &[&str] = &["json", "md", "jsonl", "yml", "yaml", "tf", "toml"];

/// Writes the workspace as it was at `commit` (the files `check` reads, regular files only:
/// no links, nothing over the size limit) into `dest`, an empty directory, so that it can be
/// loaded and checked like any workspace. Paths come from git and are checked again: one that
/// would leave `dest` is skipped.
pub fn export_workspace(repo: &Path, commit: &str, inside: &str, dest: &Path) -> Result<usize> {
    let mut files = Vec::new();
    for entry in tree(repo, commit, inside, &[])? {
        // Regular files only: a link (120000) or a submodule is not followed.
        if entry.kind != "blob" || !matches!(entry.mode.as_str(), "100644" | "100755") {
            continue;
        }
        let rel = Path::new(&entry.path);
        let checked = rel
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| CHECKED_EXTENSIONS.contains(&e));
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if checked && plain {
            files.push((entry.path, entry.blob));
        }
    }
    let mut written = 0;
    let mut failed = None;
    read_each(repo, &files, |rel, blob| {
        let Ok(bytes) = blob else { return };
        let target = dest.join(&rel);
        let result = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, bytes));
        match result {
            Ok(()) => written += 1,
            Err(err) => {
                failed.get_or_insert(format!("{}: {err}", crate::sanitize::quote(&rel)));
            }
        }
    })?;
    if let Some(err) = failed {
        bail!("cannot write the workspace at {commit}: {err}");
    }
    Ok(written)
}

/// The workspace-relative paths of files changed between `commit` and the working tree
/// (committed or not), and of files git does not track yet.
pub fn changed_since(repo: &Path, commit: &str, inside: &str) -> Result<Vec<String>> {
    let prefix = prefix(inside);
    let pathspec = if inside.is_empty() { "." } else { inside };
    let changed = git(
        repo,
        &[
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            commit,
            "--",
            pathspec,
        ],
    )?;
    let untracked = git(
        repo,
        &[
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--",
            pathspec,
        ],
    )?;
    let mut paths: Vec<String> = changed
        .split('\0')
        .chain(untracked.split('\0'))
        .filter(|p| !p.is_empty())
        .map(|p| p.strip_prefix(&prefix).unwrap_or(p).to_owned())
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}
