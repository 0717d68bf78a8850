//! The canonical writer of a register file (the fast path beside serde_json). Its contract:
//! the bytes are serde_json's pretty printer's for the same `Register` (keys in model order,
//! two-space indents, one trailing newline), which `tests/canonical.rs` checks by property.

use super::FollowUp;
use super::register::{Num, Register, Rehearsal, Risk};
use std::fmt;

/// The register in canonical form: serde_json's pretty printer, keys in model order, one
/// trailing newline. Written here rather than through serde: `check` writes every register
/// again to compare, and serde_json's byte-at-a-time string escaping was most of that. A
/// string with nothing to escape (nearly all) is copied whole and a whole number written as
/// the integer `Num` serialises as; escaped strings and fractional numbers go through
/// serde_json, so the bytes are its own (`tests/canonical.rs` compares the two).
pub fn to_canonical(register: &Register) -> String {
    let mut w = Canonical {
        out: String::with_capacity(4096 + register.risks.len() * 640),
    };
    w.register(register);
    w.out.push('\n');
    w.out
}

/// serde_json's pretty layout: two-space indents, `"key": value`, a comma ending every line but
/// an object's or array's last.
struct Canonical {
    out: String,
}

impl Canonical {
    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    /// Opens the next field of an object at `depth`: the comma after the one before, a new line,
    /// the key.
    fn key(&mut self, first: &mut bool, depth: usize, key: &str) {
        if !*first {
            self.out.push(',');
        }
        *first = false;
        self.out.push('\n');
        self.indent(depth);
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\": ");
    }

    // `|`, not `||`, in the test for escapes: without a branch per byte the loop vectorises.
    #[allow(clippy::needless_bitwise_bool)]
    fn string(&mut self, text: &str) {
        let escapes = text.bytes().fold(false, |any, b| {
            any | (b < 0x20) | (b == b'"') | (b == b'\\')
        });
        if escapes {
            self.out
                .push_str(&serde_json::to_string(text).unwrap_or_default());
        } else {
            self.out.push('"');
            self.out.push_str(text);
            self.out.push('"');
        }
    }

    fn num(&mut self, n: Num) {
        match n.whole() {
            Some(whole) => {
                let _ = fmt::Write::write_fmt(&mut self.out, format_args!("{whole}"));
            }
            None => self
                .out
                .push_str(&serde_json::to_string(&n).unwrap_or_default()),
        }
    }

    fn strings(&mut self, first: &mut bool, depth: usize, key: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        self.key(first, depth, key);
        self.out.push('[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push('\n');
            self.indent(depth + 1);
            self.string(value);
        }
        self.out.push('\n');
        self.indent(depth);
        self.out.push(']');
    }

    fn text(&mut self, first: &mut bool, depth: usize, key: &str, value: &str) {
        if !value.is_empty() {
            self.key(first, depth, key);
            self.string(value);
        }
    }

    fn nums(&mut self, first: &mut bool, depth: usize, fields: &[(&str, Option<Num>)]) {
        for &(key, value) in fields {
            if let Some(n) = value {
                self.key(first, depth, key);
                self.num(n);
            }
        }
    }

    fn close(&mut self, depth: usize, c: char) {
        self.out.push('\n');
        self.indent(depth);
        self.out.push(c);
    }

    fn register(&mut self, r: &Register) {
        let first = &mut true;
        self.out.push('{');
        self.key(first, 1, "component");
        self.string(&r.component);
        self.key(first, 1, "title");
        self.string(&r.title);
        self.text(first, 1, "owner", &r.owner);
        self.text(first, 1, "description", &r.description);
        self.strings(first, 1, "depends_on", &r.depends_on);
        if !r.objectives.is_empty() {
            self.key(first, 1, "objectives");
            self.out.push('{');
            let o = &r.objectives;
            let inner = &mut true;
            self.nums(
                inner,
                2,
                &[
                    ("availability", o.availability),
                    ("rto_minutes", o.rto_minutes),
                    ("rpo_minutes", o.rpo_minutes),
                ],
            );
            self.close(1, '}');
        }
        self.key(first, 1, "risks");
        self.out.push('[');
        for (i, risk) in r.risks.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push('\n');
            self.indent(2);
            self.risk(risk);
        }
        if !r.risks.is_empty() {
            self.close(1, ']');
        } else {
            self.out.push(']');
        }
        self.close(0, '}');
    }

    fn risk(&mut self, risk: &Risk) {
        let first = &mut true;
        let depth = 3;
        self.out.push('{');
        self.key(first, depth, "id");
        self.string(&risk.id);
        self.key(first, depth, "title");
        self.string(&risk.title);
        self.text(first, depth, "description", &risk.description);
        self.text(first, depth, "category", &risk.category);
        self.key(first, depth, "likelihood");
        self.string(risk.likelihood.name());
        self.key(first, depth, "impact");
        self.string(risk.impact.name());
        self.text(first, depth, "detection", &risk.detection);
        self.strings(first, depth, "alerts", &risk.alerts);
        self.text(first, depth, "mitigation", &risk.mitigation);
        self.text(first, depth, "runbook", &risk.runbook);
        self.key(first, depth, "status");
        self.string(risk.status.name());
        self.text(first, depth, "accepted_by", &risk.accepted_by);
        if let Some(date) = risk.accepted_until {
            self.key(first, depth, "accepted_until");
            // `YYYY-MM-DD`: nothing to escape.
            let _ = fmt::Write::write_fmt(&mut self.out, format_args!("\"{date}\""));
        }
        self.strings(first, depth, "tickets", &risk.tickets);
        self.strings(first, depth, "questions", &risk.questions);
        if let Some(date) = risk.last_rehearsed {
            self.key(first, depth, "last_rehearsed");
            // `YYYY-MM-DD`: nothing to escape.
            let _ = fmt::Write::write_fmt(&mut self.out, format_args!("\"{date}\""));
        }
        if !risk.rehearsals.is_empty() {
            self.key(first, depth, "rehearsals");
            self.out.push('[');
            for (i, r) in risk.rehearsals.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.out.push('\n');
                self.indent(depth + 1);
                self.rehearsal(r, depth + 2);
            }
            self.close(depth, ']');
        }
        if !risk.follow_ups.is_empty() {
            self.key(first, depth, "follow_ups");
            self.out.push('[');
            for (i, f) in risk.follow_ups.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.out.push('\n');
                self.indent(depth + 1);
                self.follow_up(f, depth + 2);
            }
            self.close(depth, ']');
        }
        if !risk.estimate.is_empty() {
            self.key(first, depth, "estimate");
            self.out.push('{');
            let e = &risk.estimate;
            let inner = &mut true;
            self.nums(
                inner,
                depth + 1,
                &[
                    ("ettd_minutes", e.ettd_minutes),
                    ("ettr_minutes", e.ettr_minutes),
                    ("per_year", e.per_year),
                    ("users_affected_percent", e.users_affected_percent),
                ],
            );
            self.close(depth, '}');
        }
        self.close(2, '}');
    }

    fn follow_up(&mut self, f: &FollowUp, depth: usize) {
        let first = &mut true;
        self.out.push('{');
        self.key(first, depth, "text");
        self.string(&f.text);
        self.text(first, depth, "owner", &f.owner);
        if let Some(date) = f.due {
            self.key(first, depth, "due");
            // `YYYY-MM-DD`: nothing to escape.
            let _ = fmt::Write::write_fmt(&mut self.out, format_args!("\"{date}\""));
        }
        self.text(first, depth, "ticket", &f.ticket);
        self.key(first, depth, "status");
        self.string(f.status.name());
        self.text(first, depth, "timeline", &f.timeline);
        self.close(depth - 1, '}');
    }

    fn rehearsal(&mut self, r: &Rehearsal, depth: usize) {
        let first = &mut true;
        self.out.push('{');
        self.key(first, depth, "date");
        let _ = fmt::Write::write_fmt(&mut self.out, format_args!("\"{}\"", r.date));
        self.key(first, depth, "kind");
        self.string(r.kind.tag());
        self.nums(
            first,
            depth,
            &[
                ("detect_minutes", r.detect_minutes),
                ("repair_minutes", r.repair_minutes),
                ("steps_done", r.steps_done),
                ("steps_total", r.steps_total),
            ],
        );
        self.text(first, depth, "timeline", &r.timeline);
        self.close(depth - 1, '}');
    }
}
