//! Alertmanager's API v2, read-only: which of a set of alert names are firing now, and since
//! when. Polled by the game day / incident view on a worker thread (`Poller`), every few
//! seconds with timeouts, so the screen never waits on the network. The bearer token is read
//! from the environment variable `faultline.toml` names, sent, and never shown or written.

use crate::core::text::percent_encode;
use serde::Deserialize;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// The most of a response read (Alertmanager's answer for thousands of alerts is far less).
const BODY_LIMIT: u64 = 16 << 20;
/// Connecting, and the whole request, give up after these.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
/// How often the view asks.
pub const POLL_EVERY: Duration = Duration::from_secs(5);

/// One alert firing: its name (`labels.alertname`) and when it started (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    pub name: String,
    pub starts_at: String,
}

#[derive(Deserialize)]
struct Alert {
    #[serde(default)]
    labels: std::collections::BTreeMap<String, String>,
    #[serde(rename = "startsAt", default)]
    starts_at: String,
    #[serde(default)]
    status: Option<Status>,
}

#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    state: String,
}

/// A configured Alertmanager.
#[derive(Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token.
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The client `faultline.toml` asks for (`None`: no `[alertmanager] url`); an error says
    /// what is wrong with the setting.
    pub fn from_workspace(root: &std::path::Path) -> Option<Result<Client, String>> {
        let config = crate::monitoring::config::alertmanager(root);
        let url = config.url?;
        let token = match config.token_env.as_deref() {
            None => None,
            Some(name) => match std::env::var(name) {
                Ok(token) if !token.trim().is_empty() => Some(token.trim().to_owned()),
                _ => {
                    return Some(Err(format!(
                        "[alertmanager] token_env names {}, which is not set",
                        crate::sanitize::quote(name)
                    )));
                }
            },
        };
        Some(Client::new(&url, token))
    }

    /// A client for the Alertmanager at `url` (`http://` or `https://`).
    pub fn new(url: &str, token: Option<String>) -> Result<Client, String> {
        let base = url.trim().trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!(
                "[alertmanager] url {} is not an http:// or https:// address",
                crate::sanitize::quote(base)
            ));
        }
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .http_status_as_error(false)
            .build();
        Ok(Client {
            base: base.to_owned(),
            token,
            agent: config.into(),
        })
    }

    /// The alerts among `names` firing now (active, not silenced or inhibited), each once, at
    /// its earliest start. An alert is asked for by name (`source:` prefixes dropped).
    pub fn firing(&self, names: &[String]) -> Result<Vec<Firing>, String> {
        let wanted: Vec<&str> = names.iter().map(|n| alert_name(n)).collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut url = format!(
            "{}/api/v2/alerts?active=true&silenced=false&inhibited=false",
            self.base
        );
        // One filter when every name is plain; else all active alerts, matched here.
        if wanted.iter().all(|n| is_plain(n)) {
            let pattern = wanted
                .iter()
                .map(|n| n.replace('.', "\\."))
                .collect::<Vec<_>>()
                .join("|");
            url.push_str("&filter=");
            url.push_str(&percent_encode(&format!("alertname=~\"^({pattern})$\"")));
        }
        let mut request = self.agent.get(&url).header("Accept", "application/json");
        if let Some(token) = &self.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request.call().map_err(|e| plain_error(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("Alertmanager answered HTTP {}", status.as_u16()));
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec()
            .map_err(|e| plain_error(&e))?;
        let alerts: Vec<Alert> = serde_json::from_slice(&body)
            .map_err(|e| format!("Alertmanager's answer is not its alert list: {e}"))?;
        let mut out: Vec<Firing> = Vec::new();
        for alert in alerts {
            let Some(name) = alert.labels.get("alertname") else {
                continue;
            };
            let active = alert.status.as_ref().is_none_or(|s| s.state == "active");
            if !active || !wanted.contains(&name.as_str()) {
                continue;
            }
            match out.iter_mut().find(|f| f.name == *name) {
                Some(seen) if alert.starts_at < seen.starts_at => seen.starts_at = alert.starts_at,
                Some(_) => {}
                None => out.push(Firing {
                    name: name.clone(),
                    starts_at: alert.starts_at,
                }),
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}

/// A risk's alert as Alertmanager names it: without a `source:` prefix.
pub fn alert_name(name: &str) -> &str {
    name.split_once(':').map_or(name, |(_, n)| n)
}

fn is_plain(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// An HTTP error as one short line (no URL: it may carry credentials).
fn plain_error(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => format!("cannot reach Alertmanager: {io}"),
        ureq::Error::Timeout(_) => "Alertmanager did not answer in time".to_owned(),
        ureq::Error::HostNotFound => "Alertmanager's host is not found".to_owned(),
        ureq::Error::ConnectionFailed => "cannot connect to Alertmanager".to_owned(),
        ureq::Error::BodyExceedsLimit(_) => "Alertmanager's answer is too large".to_owned(),
        other => format!("Alertmanager: {other}"),
    }
}

/// One poll's answer, with how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polled {
    pub result: Result<Vec<Firing>, String>,
    pub took: Duration,
}

/// A worker thread asking Alertmanager every `POLL_EVERY` for `names`; its answers arrive on
/// `answers`. Dropping it stops the thread at its next wake.
pub struct Poller {
    pub answers: Receiver<Polled>,
    stop: Sender<()>,
}

impl Poller {
    pub fn spawn(client: Client, names: Vec<String>, every: Duration) -> Poller {
        let (tx, answers) = mpsc::channel();
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            loop {
                let start = Instant::now();
                let result = client.firing(&names);
                let polled = Polled {
                    result,
                    took: start.elapsed(),
                };
                if tx.send(polled).is_err() {
                    return;
                }
                match stopped.recv_timeout(every) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
            }
        });
        Poller { answers, stop }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        let _ = self.stop.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_source_and_filters_are_encoded() {
        assert_eq!(alert_name("cloudwatch:orders-dlq"), "orders-dlq");
        assert_eq!(alert_name("OrdersDown"), "OrdersDown");
        assert_eq!(
            percent_encode("alertname=~\"^(a|b)$\""),
            "alertname%3D~%22%5E%28a%7Cb%29%24%22"
        );
        assert!(is_plain("orders-db.conn_1"));
        assert!(!is_plain("a b"));
        assert!(Client::new("ftp://x", None).is_err());
    }
}
