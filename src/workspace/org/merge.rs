//! The organisation read as one workspace: every fetched repository's registers and runbooks,
//! component ids made `repo:component`, paths made `repo[/path]/…` under the cache's `repos/`,
//! `depends_on` resolved across repositories. Read-only: the register text each file was read
//! from is not kept (an organisation is ten times a workspace; `org check` reads each
//! repository on its own, with its text, instead).

use super::{Cache, Org, Repo, SEPARATOR, Stamp};
use crate::core::id::{External, external_reference};
use crate::finding::Finding;
use crate::model::Register;
use crate::store::{RunbookSet, Workspace};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The organisation, loaded.
#[derive(Debug)]
pub struct Loaded {
    pub org: Org,
    pub cache: Cache,
    /// Every repository's registers and runbooks; `root` is the cache's `repos/`.
    pub ws: Workspace,
    /// Each repository's last fetch, by the organisation file's order (`None`: never fetched).
    pub stamps: Vec<Option<Stamp>>,
}

impl Loaded {
    /// The repository a qualified component id (`repo:component`) belongs to.
    pub fn repo_of(&self, component: &str) -> Option<&Repo> {
        let (repo, _) = component.split_once(SEPARATOR)?;
        self.org.repo(repo)
    }

    /// A repository's last fetch (`None`: never fetched).
    pub fn stamp_of(&self, repo: &str) -> Option<&Stamp> {
        self.stamps[self.org.index(repo)?].as_ref()
    }

    /// The findings of repositories never fetched.
    pub fn not_fetched(&self) -> Vec<Finding> {
        self.org
            .repos
            .iter()
            .zip(&self.stamps)
            .filter(|(_, stamp)| stamp.is_none())
            .map(|(repo, _)| self.org.not_fetched(repo))
            .collect()
    }
}

/// The directory of a repository's workspace under the cache's `repos/`, `/`-separated.
pub fn prefix(repo: &Repo) -> String {
    if repo.path.is_empty() {
        repo.name.clone()
    } else {
        format!("{}/{}", repo.name, repo.path)
    }
}

/// Reads every fetched repository of the organisation into one workspace, several
/// repositories at once.
pub fn load(org: Org, cache: Cache) -> Loaded {
    let mut loaded = load_registers(org, cache, false);
    let runbooks = runbooks(&loaded.org, &loaded.cache, &loaded.stamps);
    loaded.ws.attach_runbooks(runbooks);
    loaded
}

/// Reads the registers (not the runbooks) of every fetched repository, or (`first_only`) of
/// the one whose components come first (paths sort by the repository's name first): the TUI's
/// first frame shows it while the rest are read.
pub fn load_registers(org: Org, cache: Cache, first_only: bool) -> Loaded {
    let stamps: Vec<Option<Stamp>> = org.repos.iter().map(|r| cache.stamp(r)).collect();
    let fetched: Vec<&Repo> = if first_only {
        fetched(&org, &stamps)
            .min_by(|a, b| a.name.cmp(&b.name))
            .into_iter()
            .collect()
    } else {
        fetched(&org, &stamps).collect()
    };
    // Each repository qualified on its own thread, its register text dropped there: at most a
    // thread's worth of repositories is held with its text.
    let parts = crate::parallel::map(&fetched, |repo| load_repo(&org, &cache, repo));
    let mut merged = Workspace::empty(&cache.repos_dir());
    for part in parts {
        merged.components.extend(part.components);
        merged.name_findings.extend(part.name_findings);
        merged.categories.extend(part.categories);
    }
    resolve_backstage(&mut merged);
    merged.components.sort_by(|a, b| a.path.cmp(&b.path));
    merged.categories.sort();
    merged.categories.dedup();
    Loaded {
        org,
        cache,
        ws: merged,
        stamps,
    }
}

/// The repositories fetched at least once, by the organisation file's order.
fn fetched<'a>(org: &'a Org, stamps: &'a [Option<Stamp>]) -> impl Iterator<Item = &'a Repo> {
    org.repos
        .iter()
        .zip(stamps)
        .filter(|(_, stamp)| stamp.is_some())
        .map(|(repo, _)| repo)
}

/// Every fetched repository's runbooks, their paths qualified, several repositories at once.
pub fn runbooks(org: &Org, cache: &Cache, stamps: &[Option<Stamp>]) -> RunbookSet {
    let fetched: Vec<&Repo> = fetched(org, stamps).collect();
    let mut runbooks = RunbookSet::default();
    for set in crate::parallel::map(&fetched, |repo| repo_runbooks(cache, repo)) {
        runbooks.docs.extend(set.docs);
        runbooks.findings.extend(set.findings);
    }
    runbooks
}

/// One repository's registers, qualified; or the finding of why it has none.
fn load_repo(org: &Org, cache: &Cache, repo: &Repo) -> Workspace {
    let prefix = prefix(repo);
    let mut part = Workspace::empty(&cache.repos_dir());
    match cache.registers(repo) {
        Ok(ws) => qualify(repo, &prefix, org, ws, &mut part),
        Err(why) => part.name_findings.push(Finding::error(
            PathBuf::from(&prefix),
            crate::finding::Pos { line: 1, column: 1 },
            "read-error",
            why,
        )),
    }
    part
}

/// One repository's runbooks, their paths qualified (none when it has no workspace).
fn repo_runbooks(cache: &Cache, repo: &Repo) -> RunbookSet {
    if cache.no_workspace(repo).is_some() {
        return RunbookSet::default();
    }
    let prefix = prefix(repo);
    let mut set = RunbookSet::index(&cache.workspace(repo));
    for doc in &mut set.docs {
        doc.path = format!("{prefix}/{}", doc.path);
        doc.path.shrink_to_fit();
    }
    set.findings = set
        .findings
        .into_iter()
        .map(|f| under(&prefix, f))
        .collect();
    set
}

/// A repository's finding, its path made the organisation's (`repo[/path]/…`).
pub fn under(prefix: &str, mut finding: Finding) -> Finding {
    finding.path = Path::new(prefix).join(&finding.path);
    finding
}

/// Moves one repository's workspace into the merged one, its ids and paths qualified.
fn qualify(repo: &Repo, prefix: &str, org: &Org, ws: Workspace, into: &mut Workspace) {
    into.name_findings
        .extend(ws.name_findings.into_iter().map(|f| under(prefix, f)));
    into.categories.extend(ws.categories);
    for mut file in ws.components {
        file.path = Path::new(prefix).join(&file.path);
        file.stem = format!("{}{SEPARATOR}{}", repo.name, file.stem);
        file.content = match file.content {
            Ok(loaded) => {
                let mut loaded = Arc::try_unwrap(loaded).unwrap_or_else(|shared| (*shared).clone());
                loaded.text = String::new();
                qualify_register(repo, prefix, org, &mut loaded.register);
                Ok(Arc::new(loaded))
            }
            Err(finding) => Err(under(prefix, finding)),
        };
        into.components.push(file);
    }
}

fn qualify_register(repo: &Repo, prefix: &str, org: &Org, reg: &mut Register) {
    reg.component = format!("{}{SEPARATOR}{}", repo.name, reg.component);
    for dep in &mut reg.depends_on {
        match external_reference(dep) {
            None => *dep = format!("{}{SEPARATOR}{dep}", repo.name),
            // `repo:component` of a listed repository is already qualified; anything else is
            // resolved by name once every repository is read.
            Some(Ok(External::Repo { repo, .. })) if org.repo(repo).is_some() => {}
            Some(_) => {}
        }
    }
    for risk in &mut reg.risks {
        if is_workspace_path(&risk.runbook) {
            risk.runbook = format!("{prefix}/{}", risk.runbook);
            risk.runbook.shrink_to_fit();
        }
    }
}

/// A runbook link that is a path in the workspace, not a web address.
fn is_workspace_path(link: &str) -> bool {
    !link.is_empty() && !link.contains("://") && !link.starts_with('#') && !link.starts_with('/')
}

/// Backstage refs (`component:default/ledger`) name a component by its id alone: resolved
/// when exactly one repository has it, left as written otherwise (`org check` says why).
fn resolve_backstage(ws: &mut Workspace) {
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for file in &ws.components {
        if let Some((_, id)) = file.stem.split_once(SEPARATOR) {
            by_name
                .entry(id.to_owned())
                .or_default()
                .push(file.stem.clone());
        }
    }
    for file in &mut ws.components {
        let Ok(loaded) = &mut file.content else {
            continue;
        };
        let Some(loaded) = Arc::get_mut(loaded) else {
            continue;
        };
        for dep in &mut loaded.register.depends_on {
            if let Some(Ok(External::Backstage { name, .. })) = external_reference(dep)
                && let Some([only]) = by_name.get(&name.to_ascii_lowercase()).map(Vec::as_slice)
            {
                *dep = only.clone();
            }
        }
    }
}
