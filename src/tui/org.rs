//! `faultline --org FILE`: the organisation in the TUI, read-only.

use super::{Options, app_over, event_loop};
use crate::app::{App, Checked, OrgPending};
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

/// The app over the organisation, its background load still to run
/// (`tui::check_in_background`).
pub fn app(file: &std::path::Path, cache: Option<&std::path::Path>) -> Result<App> {
    let org = crate::org::Org::load(file)?;
    let cache = crate::org::Cache::at(cache)?;
    let mut loaded = crate::org::load(org, cache);
    let runbooks = loaded.ws.take_runbooks();
    let mut findings = loaded.ws.load_findings();
    findings.extend(loaded.not_fetched());
    let fetched = loaded.stamps.iter().filter(|s| s.is_some()).count();
    let repos = loaded.org.repos.len();
    let crate::org::Loaded { org, cache, ws, .. } = loaded;
    let mut app = app_over(ws, findings);
    app.read_only = true;
    app.read_only_asked = true;
    app.org_view = true;
    app.run = Err("organisation view: no step is run".to_owned());
    app.theme = app.theme.with_runs(false);
    app.status = Some(if fetched < repos {
        format!(
            "organisation: {fetched} of {} fetched (faultline org fetch)",
            crate::finding::plural(repos, "repository")
        )
    } else {
        format!(
            "organisation: {}",
            crate::finding::plural(repos, "repository")
        )
    });
    app.org_pending = Some(crate::app::OrgPending {
        org,
        cache,
        runbooks,
    });
    Ok(app)
}

/// The organisation's background load: `org check`'s findings (each repository read and checked
/// as its own `check` does) and the finder's index over every runbook.
pub fn check_in_background(app: &App, pending: OrgPending, send: mpsc::Sender<Checked>) {
    let mut ws = app.ws.share_registers();
    let today = app.today;
    std::thread::spawn(move || {
        ws.attach_runbooks(pending.runbooks);
        let findings = crate::org_view::check(&pending.org, &pending.cache, today).findings;
        let search = crate::search::SearchIndex::build(&ws);
        let _ = send.send(Checked {
            components: None,
            runbooks: ws.take_runbooks(),
            monitoring: None,
            findings,
            search,
        });
    });
}
