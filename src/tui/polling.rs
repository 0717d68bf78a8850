//! Alertmanager polled while an open incident's or game day's view is on screen: a worker
//! thread per timeline (`alertmanager::Poller`), its answers handed to the app without waiting.

use crate::app::App;
use std::time::Duration;

/// Alertmanager polled while an open timeline is on screen: a worker thread per timeline,
/// its answers taken without waiting, stopped when the view closes or the timeline does.
pub struct AlertPolling {
    client: Option<std::result::Result<crate::alertmanager::Client, String>>,
    /// The timeline polled for, and its poller.
    poller: Option<(std::path::PathBuf, crate::alertmanager::Poller)>,
    /// The timeline a watch was last set up for (once, even when it names no alert).
    tried: Option<std::path::PathBuf>,
    every: Duration,
}

impl AlertPolling {
    pub fn new(root: &std::path::Path) -> AlertPolling {
        AlertPolling {
            client: crate::alertmanager::Client::from_workspace(root),
            poller: None,
            tried: None,
            every: crate::alertmanager::POLL_EVERY,
        }
    }

    /// Starts, feeds or stops the poller for what is on screen; never waits.
    pub fn sync(&mut self, app: &mut App) {
        let open = app
            .timeline
            .as_deref()
            .filter(|s| app.view == crate::app::View::Timeline && !s.timeline.is_closed())
            .map(|s| s.path.clone());
        if let Some((path, poller)) = &self.poller {
            if open.as_ref() != Some(path) {
                self.poller = None;
            } else {
                while let Ok(polled) = poller.answers.try_recv() {
                    app.alerts_polled(polled);
                }
                return;
            }
        }
        let Some(path) = open else { return };
        if self.tried.as_ref() == Some(&path) {
            return;
        }
        self.tried = Some(path.clone());
        match self.client.take() {
            None => {}
            Some(Err(reason)) => {
                // Said once; the view works without it.
                app.status = Some(reason);
            }
            Some(Ok(client)) => {
                if let Some(names) = app.start_alert_watch() {
                    let poller =
                        crate::alertmanager::Poller::spawn(client.clone(), names, self.every);
                    self.poller = Some((path, poller));
                }
                self.client = Some(Ok(client));
            }
        }
    }
}
