//! `faultline --org FILE`: the organisation in the TUI, read-only.

use super::{Options, app_over, event_loop};
use crate::app::{App, Checked, Loading, OrgPending};
use anyhow::Result;
use std::sync::mpsc;

/// `faultline --org FILE`: every fetched repository of the organisation in one read-only TUI,
/// components named `repo:component`, runbooks opened from the cache; the background check is
/// `org check`'s.
pub fn run(opts: &Options, file: &std::path::Path, cache: Option<&std::path::Path>) -> Result<i32> {
    let app = app(file, cache)?;
    let opts = Options {
        root: app.ws.root.clone(),
        read_only: true,
        no_run: true,
        ..opts.clone()
    };
    event_loop(&opts, app, None)
}

/// The app over the organisation's first repository (the first frame is drawn at once),
/// the rest of its background load still to run (`tui::check_in_background`).
pub fn app(file: &std::path::Path, cache: Option<&std::path::Path>) -> Result<App> {
    let org = crate::org::Org::load(file)?;
    let cache = crate::org::Cache::at(cache)?;
    let loaded = crate::org::load_registers(org, cache, true);
    let findings = org_findings(&loaded);
    let repos = loaded.org.repos.len();
    let crate::org::Loaded { org, cache, ws, .. } = loaded;
    let mut app = app_over(ws, findings);
    app.read_only = true;
    app.read_only_asked = true;
    app.org_view = true;
    app.run = Err("organisation view: no step is run".to_owned());
    app.theme = app.theme.with_runs(false);
    app.status = Some(format!(
        "organisation: reading {}…",
        crate::finding::plural(repos, "repository")
    ));
    app.org_pending = Some(OrgPending { org, cache });
    Ok(app)
}

/// The findings of reading the organisation: unreadable registers, repositories never fetched.
fn org_findings(loaded: &crate::org::Loaded) -> Vec<crate::finding::Finding> {
    let mut findings = loaded.ws.load_findings();
    findings.extend(loaded.not_fetched());
    findings
}

/// What the status line says once every repository is read.
fn read_status(loaded: &crate::org::Loaded) -> String {
    let fetched = loaded.stamps.iter().filter(|s| s.is_some()).count();
    let repos = crate::finding::plural(loaded.org.repos.len(), "repository");
    if fetched < loaded.org.repos.len() {
        format!("organisation: {fetched} of {repos} fetched (faultline org fetch)")
    } else {
        format!("organisation: {repos}")
    }
}

/// The organisation's background load: every repository's registers (sent at once, with the
/// finder's index over them), then their runbooks, `org check`'s findings (each repository
/// read and checked as its own `check` does) and the finder's index over the runbooks.
pub fn check_in_background(
    pending: OrgPending,
    today: jiff::civil::Date,
    send: mpsc::Sender<Loading>,
) {
    std::thread::spawn(move || {
        let OrgPending { org, cache } = pending;
        let loaded = crate::org::load_registers(org, cache, false);
        let mut ws = loaded.ws.share_registers();
        let _ = send.send(Loading::Registers {
            findings: org_findings(&loaded),
            search: Some(crate::search::SearchIndex::build(&loaded.ws)),
            status: Some(read_status(&loaded)),
            ws: loaded.ws,
        });
        let crate::org::Loaded {
            org, cache, stamps, ..
        } = loaded;
        ws.attach_runbooks(crate::org::runbooks(&org, &cache, &stamps));
        let findings = crate::org_view::check(&org, &cache, today).findings;
        let search = crate::search::SearchIndex::of_runbooks(&ws.runbooks);
        let _ = send.send(Loading::Checked(Checked {
            runbooks: ws.take_runbooks(),
            monitoring: None,
            findings,
            search,
            search_adds: true,
        }));
    });
}
