//! Alerts watched during an open incident or game day: the alerts the risks in play name (the
//! first to fire records `detected`, timed by the alert's own start), and for a game day the
//! stop conditions, the alerts of the components its failure reaches (one that fires is shown
//! loudly and logged). The answers come from a worker thread (`alertmanager::Poller`); here
//! they only change state and queue events, so nothing waits on the network.

use super::App;
use crate::alertmanager::{Firing, Polled, alert_name};
use crate::model::timeline::{Event, EventKind, TimelineKind};

/// What the view knows of the alerts in play.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertWatch {
    /// The alerts the risks in play name, as Alertmanager names them.
    pub watched: Vec<String>,
    /// A game day's stop conditions: (alert, component it belongs to).
    pub stops: Vec<(String, String)>,
    /// Firing at the last answer.
    pub firing: Vec<Firing>,
    /// An answer has come.
    pub polled: bool,
    /// Why the last poll failed (said once until one succeeds).
    pub unreachable: Option<String>,
    /// Stop conditions already logged, and whether `detected` was asked for.
    pub stopped: Vec<String>,
    pub detected_sent: bool,
}

impl AlertWatch {
    /// Every alert to ask for, once.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.watched.clone();
        for (alert, _) in &self.stops {
            if !names.contains(alert) {
                names.push(alert.clone());
            }
        }
        names
    }

    pub fn firing(&self, name: &str) -> Option<&Firing> {
        self.firing.iter().find(|f| f.name == name)
    }
}

impl App {
    /// The alerts to watch for the open timeline (none when it is closed or names no alert);
    /// installed on the view, which then shows them.
    pub fn start_alert_watch(&mut self) -> Option<Vec<String>> {
        let state = self.timeline.as_ref()?;
        if state.timeline.is_closed() {
            return None;
        }
        let registers: Vec<&crate::model::Register> = self.ws.registers().collect();
        let mut watch = AlertWatch::default();
        let mut reached: Vec<String> = Vec::new();
        for reference in &state.timeline.header.risks {
            let Some(risk) = self.ws.risk(reference) else {
                continue;
            };
            for alert in &risk.alerts {
                let name = alert_name(alert).to_owned();
                if !watch.watched.contains(&name) {
                    watch.watched.push(name);
                }
            }
            let component = reference.split_once('/').map_or("", |(c, _)| c);
            if let Some(blast) = crate::blast::blast(&registers, component) {
                reached.extend(blast.reached.into_iter().map(|r| r.component));
            }
        }
        if state.timeline.header.kind == TimelineKind::Gameday {
            for reg in registers.iter().filter(|r| reached.contains(&r.component)) {
                for alert in reg.risks.iter().flat_map(|r| &r.alerts) {
                    let name = alert_name(alert).to_owned();
                    let known = watch.watched.contains(&name)
                        || watch.stops.iter().any(|(a, _)| *a == name);
                    if !known {
                        watch.stops.push((name, reg.component.clone()));
                    }
                }
            }
        }
        let names = watch.names();
        if names.is_empty() {
            return None;
        }
        self.timeline.as_mut()?.alerts = Some(watch);
        Some(names)
    }

    /// An answer from Alertmanager: the view shows what fires; the first watched alert to fire
    /// records `detected` (at the alert's start, not before the timeline's); a stop condition
    /// that fires is said loudly and logged once. A failure is said once; the view goes on.
    pub fn alerts_polled(&mut self, polled: Polled) {
        let Some(state) = self.timeline.as_mut() else {
            return;
        };
        let closed = state.timeline.is_closed();
        let detected = state.timeline.first(EventKind::Detected).is_some();
        let started = state.timeline.started();
        let Some(watch) = state.alerts.as_mut() else {
            return;
        };
        let firing = match polled.result {
            Err(reason) => {
                if watch.unreachable.is_none() {
                    self.status = Some(format!(
                        "Alertmanager: {reason}; the view goes on, asking again every few seconds"
                    ));
                }
                watch.unreachable = Some(reason);
                return;
            }
            Ok(firing) => firing,
        };
        if watch.unreachable.take().is_some() {
            self.status = Some("Alertmanager answers again".to_owned());
        }
        watch.polled = true;
        watch.firing = firing;
        if closed {
            return;
        }
        let mut events = Vec::new();
        let first = watch
            .watched
            .iter()
            .filter_map(|name| watch.firing.iter().find(|f| f.name == *name))
            .min_by(|a, b| a.starts_at.cmp(&b.starts_at))
            .cloned();
        if let Some(f) = first.filter(|_| !detected && !watch.detected_sent) {
            watch.detected_sent = true;
            let at = match (f.starts_at.parse::<jiff::Timestamp>(), started) {
                (Ok(t), Some(s)) if t < s => s,
                (Ok(t), _) => t,
                (Err(_), _) => crate::clock::now(),
            };
            let mut event = Event::new(
                crate::clock::rfc3339(at),
                EventKind::Detected,
                format!("alert {} fired", f.name),
            );
            event.extra.insert("source".into(), "alertmanager".into());
            event.extra.insert("alert".into(), f.name.clone().into());
            event
                .extra
                .insert("starts_at".into(), f.starts_at.clone().into());
            events.push(event);
        }
        for (alert, component) in &watch.stops {
            if watch.firing(alert).is_none() || watch.stopped.contains(alert) {
                continue;
            }
            watch.stopped.push(alert.clone());
            let text = format!(
                "STOP CONDITION: {alert} is firing on {component}, in the blast radius: stop the experiment"
            );
            let mut event = Event::new(
                crate::clock::rfc3339(crate::clock::now()),
                EventKind::Observation,
                text.clone(),
            );
            event.extra.insert("source".into(), "alertmanager".into());
            event.extra.insert("alert".into(), alert.clone().into());
            events.push(event);
            self.status = Some(text);
        }
        for event in events {
            self.append_event(event);
        }
    }
}
