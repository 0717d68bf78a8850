//! The organisation's analyses: `org check` (each repository checked as `check` checks it, then
//! the references between repositories resolved), the timelines of every repository for
//! `org stats`, readiness by team, and the HTML report's index page.

use crate::core::id::{External, external_reference};
use crate::finding::{Finding, LineIndex};
use crate::locate::Locator;
use crate::org::{Cache, Org, Repo, SEPARATOR};
use crate::readiness::{ComponentReadiness, Report};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// What `org check` found, and over how much.
#[derive(Debug, Default)]
pub struct Checked {
    pub findings: Vec<Finding>,
    pub repos: usize,
    pub registers: usize,
    pub runbooks: usize,
}

/// A `depends_on` entry naming another repository, where it was written.
struct Reference {
    path: std::path::PathBuf,
    pos: crate::finding::Pos,
    dep: String,
}

/// Checks every fetched repository as `faultline check` checks it (one at a time: the whole
/// organisation is never in memory at once), then resolves the references between them.
pub fn check(org: &Org, cache: &Cache, today: Date) -> Checked {
    let mut checked = Checked::default();
    // Every component of every repository: `repo:component`, and by id for Backstage refs.
    let mut components: HashSet<String> = HashSet::new();
    let mut by_id: HashMap<String, Vec<String>> = HashMap::new();
    let mut references: Vec<Reference> = Vec::new();
    // Read once here, not again for each reference into them.
    let mut unfetched: HashSet<&str> = HashSet::new();
    for repo in &org.repos {
        if cache.stamp(repo).is_none() {
            checked.findings.push(org.not_fetched(repo));
            unfetched.insert(&repo.name);
            continue;
        }
        let prefix = crate::org::prefix(repo);
        // Registers and runbooks only: the sparse checkout holds no monitoring config, so the
        // alert rules stay with each repository's own `check`.
        let root = cache.workspace(repo);
        let ws = match cache.registers(repo) {
            Ok(mut ws) => {
                ws.attach_runbooks(crate::store::RunbookSet::index(&root));
                ws
            }
            Err(why) => {
                checked.findings.push(Finding::error(
                    &prefix,
                    crate::finding::Pos { line: 1, column: 1 },
                    "read-error",
                    why,
                ));
                continue;
            }
        };
        checked.repos += 1;
        checked.registers += ws.components.len();
        checked.runbooks += ws.runbooks.len();
        checked.findings.extend(
            crate::check::check(&ws, today)
                .into_iter()
                .map(|finding| crate::org::under(&prefix, finding)),
        );
        for file in &ws.components {
            let Ok(loaded) = &file.content else { continue };
            components.insert(format!("{}{SEPARATOR}{}", repo.name, file.stem));
            by_id
                .entry(file.stem.clone())
                .or_default()
                .push(repo.name.clone());
            let mut located: Option<(Locator<'_>, LineIndex)> = None;
            for (i, dep) in loaded.register.depends_on.iter().enumerate() {
                if !matches!(external_reference(dep), Some(Ok(_))) {
                    continue;
                }
                let (locator, lines) = located.get_or_insert_with(|| {
                    (Locator::new(&loaded.text), LineIndex::new(&loaded.text))
                });
                let offset = locator
                    .value_offset(&format!("depends_on/{i}"))
                    .unwrap_or(0);
                references.push(Reference {
                    path: Path::new(&prefix).join(&file.path),
                    pos: lines.pos(&loaded.text, offset),
                    dep: dep.clone(),
                });
            }
        }
    }
    for reference in &references {
        if let Some(finding) = resolve(org, &unfetched, &components, &by_id, reference) {
            checked.findings.push(finding);
        }
    }
    checked.findings.sort_by(Finding::order);
    checked
}

/// The finding for a reference that does not resolve, if it does not.
fn resolve(
    org: &Org,
    unfetched: &HashSet<&str>,
    components: &HashSet<String>,
    by_id: &HashMap<String, Vec<String>>,
    reference: &Reference,
) -> Option<Finding> {
    let error = |message: String| {
        Some(Finding::error(
            &reference.path,
            reference.pos,
            "unknown-reference",
            message,
        ))
    };
    match external_reference(&reference.dep)?.ok()? {
        External::Repo { repo, component } => match org.repo(repo) {
            None => error(format!(
                "depends on `{}`, but the organisation file lists no repository `{repo}`",
                reference.dep
            )),
            // Said once, as `repo-not-fetched`.
            Some(_) if unfetched.contains(repo) => None,
            Some(_) if components.contains(&reference.dep) => None,
            Some(_) => {
                let known: Vec<String> = components
                    .iter()
                    .filter_map(|c| c.strip_prefix(repo)?.strip_prefix(SEPARATOR))
                    .map(str::to_owned)
                    .collect();
                let hint = crate::parse::closest(component, &known)
                    .map(|c| format!("; did you mean `{repo}{SEPARATOR}{c}`?"))
                    .unwrap_or_default();
                error(format!(
                    "depends on `{}`, but repository `{repo}` has no component `{component}`{hint}",
                    reference.dep
                ))
            }
        },
        External::Backstage { name, .. } => {
            match by_id.get(&name.to_ascii_lowercase()).map(Vec::as_slice) {
                None | Some([]) => error(format!(
                    "depends on `{}`, but no repository of the organisation has a component `{name}`",
                    reference.dep
                )),
                Some([_]) => None,
                Some(several) => Some(Finding::warning(
                    &reference.path,
                    reference.pos,
                    "unknown-reference",
                    format!(
                        "depends on `{}`, which several repositories define ({}): write `repo{SEPARATOR}{name}`",
                        reference.dep,
                        several.join(", ")
                    ),
                )),
            }
        }
    }
}

/// Every timeline of every fetched repository, measured, its paths and risk references
/// qualified with the repository; and the ones that do not read.
pub fn timelines(
    org: &Org,
    cache: &Cache,
    since: Option<Date>,
) -> (Vec<crate::stats::Measured>, Vec<String>) {
    let (mut measured, mut skipped) = (Vec::new(), Vec::new());
    for repo in &org.repos {
        if cache.stamp(repo).is_none() {
            continue;
        }
        let prefix = crate::org::prefix(repo);
        let (these, bad) = crate::stats::collect(&cache.workspace(repo), since);
        skipped.extend(bad.into_iter().map(|s| format!("{}: {s}", repo.name)));
        measured.extend(these.into_iter().map(|mut m| {
            m.path = format!("{prefix}/{}", m.path);
            for risk in &mut m.risks {
                *risk = format!("{}{SEPARATOR}{risk}", repo.name);
            }
            m
        }));
    }
    measured.sort_by(|a, b| a.started.cmp(&b.started).then(a.path.cmp(&b.path)));
    (measured, skipped)
}

/// One team's or repository's readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupReadiness {
    pub name: String,
    pub readiness: u32,
    pub components: usize,
    pub risks: usize,
    /// Risks below 100.
    pub not_ready: usize,
}

/// The organisation's readiness report: the whole, and by team and by repository.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgReadiness {
    pub readiness: u32,
    pub teams: Vec<GroupReadiness>,
    pub repos: Vec<GroupReadiness>,
    #[serde(flatten)]
    pub report: Report,
}

/// Readiness by team and by repository, lowest first, from the whole report.
pub fn readiness(loaded: &crate::org::Loaded, report: Report) -> OrgReadiness {
    let of = |key: &dyn Fn(&Repo) -> &str| -> Vec<GroupReadiness> {
        let mut members: std::collections::BTreeMap<&str, Vec<&ComponentReadiness>> = loaded
            .org
            .repos
            .iter()
            .map(|r| (key(r), Vec::new()))
            .collect();
        for c in &report.components {
            if let Some(repo) = loaded.repo_of(&c.component)
                && let Some(list) = members.get_mut(key(repo))
            {
                list.push(c);
            }
        }
        let mut groups: Vec<GroupReadiness> = members
            .into_iter()
            .map(|(name, members)| GroupReadiness {
                name: name.to_owned(),
                readiness: crate::readiness::overall(members.iter().flat_map(|c| &c.risks)),
                components: members.len(),
                risks: members.iter().map(|c| c.risks.len()).sum(),
                not_ready: members.iter().map(|c| c.not_ready()).sum(),
            })
            .collect();
        groups.sort_by(|a, b| a.readiness.cmp(&b.readiness).then(a.name.cmp(&b.name)));
        groups
    };
    OrgReadiness {
        readiness: report.readiness,
        teams: of(&|r: &Repo| r.team_or_name()),
        repos: of(&|r: &Repo| r.name.as_str()),
        report,
    }
}

/// The groups as text: readiness, name, components and risks not ready.
pub fn groups_text(title: &str, groups: &[GroupReadiness]) -> String {
    let clean = |t: &str| crate::sanitize::sanitize(t).into_owned();
    let width = groups
        .iter()
        .map(|g| g.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40);
    let mut out = format!("readiness  {title:<width$}  components  not ready\n");
    for g in groups {
        let _ = writeln!(
            out,
            "{:>9}  {:<width$}  {:>10}  {} of {}",
            figure(g),
            clean(&g.name),
            g.components,
            g.not_ready,
            g.risks
        );
    }
    out
}

/// A group's readiness, `—` when it has no risk to weigh (never fetched, or empty).
fn figure(group: &GroupReadiness) -> String {
    if group.risks == 0 {
        "—".to_owned()
    } else {
        group.readiness.to_string()
    }
}

/// A team's page's file name: `team-<slug>.html`, unique among the teams.
pub fn team_page(team: &str) -> String {
    let slug = crate::core::id::suggest_id(team);
    let hash = crate::store::hash_bytes(team.as_bytes()) & 0xffff;
    format!(
        "team-{}-{hash:04x}.html",
        if slug.is_empty() { "team" } else { &slug }
    )
}

/// The report's index page: the organisation's heat map, each team's readiness (each a link to
/// its page) and each repository's fetched commit.
pub fn html_index(loaded: &crate::org::Loaded, ready: &OrgReadiness, title: &str) -> String {
    use crate::export::escape;
    let registers: Vec<&crate::model::Register> = loaded.ws.registers().collect();
    let risks: usize = registers.iter().map(|r| r.risks.len()).sum();
    let mut out = crate::export::html_open(title);
    let _ = writeln!(
        out,
        "<p>{} repositories, {} teams, {} components, {risks} risks. Readiness {} of 100, weighted by score.</p>",
        loaded.org.repos.len(),
        ready.teams.len(),
        registers.len(),
        ready.readiness
    );
    out.push_str(&crate::export::html_heat_map(registers.iter().copied()));
    out.push_str("<h2>Teams</h2>\n<div class=\"scroll\"><table><tr><th>team</th><th>ready</th><th>components</th><th>risks not ready</th></tr>\n");
    for team in &ready.teams {
        let name = if team.components == 0 {
            escape(&team.name)
        } else {
            format!(
                "<a href=\"{}\">{}</a>",
                escape(&team_page(&team.name)),
                escape(&team.name)
            )
        };
        let _ = writeln!(
            out,
            "<tr><td>{name}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} of {}</td></tr>",
            figure(team),
            team.components,
            team.not_ready,
            team.risks
        );
    }
    out.push_str("</table></div>\n<h2>Repositories</h2>\n<div class=\"scroll\"><table><tr><th>repository</th><th>team</th><th>ready</th><th>commit</th></tr>\n");
    for (repo, stamp) in loaded.org.repos.iter().zip(&loaded.stamps) {
        let ready = ready
            .repos
            .iter()
            .find(|g| g.name == repo.name)
            .map_or_else(|| "—".to_owned(), figure);
        let commit = stamp.as_ref().map_or_else(
            || "never fetched".to_owned(),
            |s| s.commit.chars().take(12).collect(),
        );
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{ready}</td><td><code>{}</code></td></tr>",
            escape(&repo.name),
            escape(repo.team_or_name()),
            escape(&commit)
        );
    }
    out.push_str("</table></div>\n</body>\n</html>\n");
    out
}
