//! `faultline org fetch`: each repository brought up to date in the cache with the real `git`,
//! as a shallow, partial clone (`--depth 1 --filter=blob:none`) with a sparse checkout of the
//! workspace's `registers/`, `runbooks/`, `gamedays/`, `incidents/` (and, cone mode being what
//! it is, the files beside them: `faultline.toml`). Later runs fetch the one new commit. Several
//! repositories at once, each git bounded by a timeout. Credentials are git's own: faultline
//! passes none and reads none, and git is told never to prompt.

use super::{Cache, Org, Repo, Stamp};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// The workspace directories a checkout holds.
pub const SPARSE_DIRS: [&str; 4] = ["registers", "runbooks", "gamedays", "incidents"];
/// The most of git's error output kept for a message.
const MAX_MESSAGE: usize = 64 * 1024;

/// How a repository's fetch went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Cloned { commit: String },
    Updated { from: String, to: String },
    UpToDate { commit: String },
    Failed { message: String },
}

impl Outcome {
    pub fn failed(&self) -> bool {
        matches!(self, Outcome::Failed { .. })
    }
}

/// One repository's fetch, done.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Its index in the organisation file.
    pub repo: usize,
    pub outcome: Outcome,
    /// How much its git directory grew.
    pub bytes: u64,
    pub took: Duration,
}

/// What the fetch reports as it goes.
#[derive(Debug, Clone)]
pub enum Event {
    Started { repo: usize, at: Instant },
    Done(Fetched),
}

/// Fetches every repository, `jobs` at once, each git command stopped after `timeout`; an
/// event for each start and end goes to `events`. Returns when all are done.
pub fn fetch_all(org: &Org, cache: &Cache, jobs: usize, timeout: Duration, events: &Sender<Event>) {
    let next = AtomicUsize::new(0);
    let base = org
        .file
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, 64).min(org.repos.len().max(1)) {
            let events = events.clone();
            let (next, base) = (&next, &base);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(repo) = org.repos.get(i) else { break };
                    let at = Instant::now();
                    let _ = events.send(Event::Started { repo: i, at });
                    let before = dir_size(&cache.checkout(repo).join(".git"));
                    let outcome = fetch_one(repo, cache, base, timeout);
                    let after = dir_size(&cache.checkout(repo).join(".git"));
                    let bytes = match outcome {
                        Outcome::Cloned { .. } => after,
                        _ => after.saturating_sub(before),
                    };
                    let _ = events.send(Event::Done(Fetched {
                        repo: i,
                        outcome,
                        bytes,
                        took: at.elapsed(),
                    }));
                }
            });
        }
    });
}

/// The URL git is given: a local path made absolute (relative to the organisation file) as a
/// `file://` URL, so that `--depth` and `--filter` apply as they do to a remote.
pub fn git_url(base: &Path, url: &str) -> String {
    if is_remote(url) {
        return url.to_owned();
    }
    let path = base.join(url);
    let path = path.canonicalize().unwrap_or_else(|_| {
        std::env::current_dir().map_or_else(|_| path.clone(), |cwd| cwd.join(&path))
    });
    format!("file://{}", path.display())
}

/// `scheme://…` or scp-like `user@host:path`.
fn is_remote(url: &str) -> bool {
    url.contains("://")
        || url
            .split_once(':')
            .is_some_and(|(host, _)| !host.contains('/') && host.len() > 1)
}

fn fetch_one(repo: &Repo, cache: &Cache, base: &Path, timeout: Duration) -> Outcome {
    let url = git_url(base, &repo.url);
    let dir = cache.checkout(repo);
    // The checkout to update, if there is one of this URL; else a fresh clone.
    let previous = cache.stamp(repo).filter(|stamp| stamp.url == url);
    let fetched = match &previous {
        Some(stamp) => update(repo, stamp, &dir, timeout),
        None => clone(repo, &url, cache, &dir, timeout),
    };
    let commit = match fetched {
        Ok(commit) => commit,
        Err(message) => return Outcome::Failed { message },
    };
    let stamp = Stamp {
        url,
        commit: commit.clone(),
        path: repo.path.clone(),
        fetched_at: jiff::Timestamp::now().to_string(),
    };
    if let Err(err) = cache.write_stamp(repo, &stamp) {
        return Outcome::Failed {
            message: format!("cannot write to the cache: {err}"),
        };
    }
    match previous {
        None => Outcome::Cloned { commit },
        Some(before) if before.commit == commit => Outcome::UpToDate { commit },
        Some(before) => Outcome::Updated {
            from: before.commit,
            to: commit,
        },
    }
}

/// The `--upload-pack` a local repository is read with: its own config decides whether it
/// serves a partial clone, and a repository on disk has no reason to refuse one.
fn local_upload_pack(url: &str) -> Option<&'static str> {
    url.starts_with("file://")
        .then_some("--upload-pack=git -c uploadpack.allowFilter=true upload-pack")
}

fn clone(
    repo: &Repo,
    url: &str,
    cache: &Cache,
    dir: &Path,
    timeout: Duration,
) -> Result<String, String> {
    let repos = cache.repos_dir();
    std::fs::create_dir_all(&repos).map_err(|e| format!("cannot create the cache: {e}"))?;
    if dir.exists() {
        // A checkout of another URL, or one a failed clone left: this repository's only.
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot clear the old checkout: {e}"))?;
    }
    let mut args: Vec<String> = [
        "clone",
        "--quiet",
        "--no-checkout",
        "--depth",
        "1",
        "--filter=blob:none",
    ]
    .map(str::to_owned)
    .to_vec();
    if let Some(reference) = &repo.reference {
        args.extend(["--branch".to_owned(), reference.clone()]);
    }
    args.extend(local_upload_pack(url).map(str::to_owned));
    args.extend(["--".to_owned(), url.to_owned(), dir.display().to_string()]);
    git(&repos, &args, timeout)?;
    sparse(repo, dir, timeout)?;
    git(dir, &["checkout", "--quiet", "--force"], timeout)?;
    git(dir, &["rev-parse", "HEAD"], timeout)
}

fn update(repo: &Repo, stamp: &Stamp, dir: &Path, timeout: Duration) -> Result<String, String> {
    let reference = repo.reference.as_deref().unwrap_or("HEAD");
    let mut args = vec!["fetch", "--quiet", "--depth", "1", "--filter=blob:none"];
    args.extend(local_upload_pack(&stamp.url));
    args.extend(["origin", "--", reference]);
    git(dir, &args, timeout)?;
    // Nothing new, and the same workspace directory: the checkout is already right.
    let fetched = git(dir, &["rev-parse", "FETCH_HEAD"], timeout)?;
    if fetched == stamp.commit && stamp.path == repo.path {
        return Ok(fetched);
    }
    sparse(repo, dir, timeout)?;
    git(
        dir,
        &["checkout", "--quiet", "--force", "--detach", "FETCH_HEAD"],
        timeout,
    )?;
    git(dir, &["rev-parse", "HEAD"], timeout)
}

fn sparse(repo: &Repo, dir: &Path, timeout: Duration) -> Result<String, String> {
    let mut args = vec![
        "sparse-checkout".to_owned(),
        "set".to_owned(),
        "--cone".to_owned(),
        "--".to_owned(),
    ];
    for d in SPARSE_DIRS {
        args.push(if repo.path.is_empty() {
            d.to_owned()
        } else {
            format!("{}/{d}", repo.path)
        });
    }
    git(dir, &args, timeout)
}

/// Runs git in `dir`, never prompting, stopped after `timeout`; its trimmed output, or its
/// error output's last lines.
fn git<S: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    args: &[S],
    timeout: Duration,
) -> Result<String, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "advice.detachedHead=false"])
        // A repository is someone else's: a symbolic link in it is checked out as a file
        // holding the link's text, never as a link to a file of this machine.
        .args(["-c", "core.symlinks=false"])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git (is it installed?): {e}"))?;
    let out = child
        .stdout
        .take()
        .map(|s| std::thread::spawn(move || tail(s)));
    let err = child
        .stderr
        .take()
        .map(|s| std::thread::spawn(move || tail(s)));
    let started = Instant::now();
    let mut pause = Duration::from_micros(500);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("git: {e}")),
        }
    };
    let join = |h: Option<std::thread::JoinHandle<String>>| {
        h.and_then(|h| h.join().ok()).unwrap_or_default()
    };
    let (stdout, stderr) = (join(out), join(err));
    match status {
        None => Err(format!("git did not finish within {} s", timeout.as_secs())),
        Some(status) if status.success() => Ok(stdout.trim().to_owned()),
        Some(status) => {
            let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
            // git's own verdicts say why; the advice after them does not.
            let verdicts: Vec<&str> = lines
                .iter()
                .copied()
                .filter(|l| l.starts_with("fatal:") || l.starts_with("error:"))
                .collect();
            let lines = if verdicts.is_empty() { lines } else { verdicts };
            let last = lines[lines.len().saturating_sub(3)..].join(" / ");
            Err(if last.is_empty() {
                format!("git failed ({status})")
            } else {
                last
            })
        }
    }
}

/// A stream's text, keeping at most its last `MAX_MESSAGE` bytes.
fn tail(mut stream: impl Read) -> String {
    let mut kept: Vec<u8> = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        kept.extend_from_slice(&buf[..n]);
        if kept.len() > MAX_MESSAGE * 2 {
            kept.drain(..kept.len() - MAX_MESSAGE);
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

/// The bytes of the files under `dir` (0 when it is not there).
pub fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&at) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_file() => total += entry.metadata().map_or(0, |m| m.len()),
                _ => {}
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_become_file_urls_and_remotes_stay() {
        let base = Path::new("/srv/org");
        assert_eq!(
            git_url(base, "git@github.com:acme/a.git"),
            "git@github.com:acme/a.git"
        );
        assert_eq!(git_url(base, "https://x/a.git"), "https://x/a.git");
        assert_eq!(git_url(base, "repos/a"), "file:///srv/org/repos/a");
        assert_eq!(git_url(base, "/abs/a"), "file:///abs/a");
    }
}
