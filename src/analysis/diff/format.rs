//! The diff as text for a terminal, as markdown for a pull-request comment.

use super::{Diff, FieldChange, RiskDiff};
use std::fmt::Write as _;

mod cell;
pub use cell::{cell, code};

fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{:.1}%", s * 100.0))
}

fn minutes(m: Option<f64>) -> String {
    m.map_or_else(|| "—".into(), |m| format!("{m:.0}"))
}

/// Fields whose values are prose: shown whole, and as a word diff on lines of their own when
/// they are long, so the words that changed are never the ones cut off.
const PROSE: [&str; 5] = ["title", "owner", "description", "detection", "mitigation"];

/// Prose up to this many characters on both sides stays on the change's line.
const INLINE_UP_TO: usize = 40;

/// Columns the text format wraps long values at.
const WIDTH: usize = 100;

/// Whether a field change is shown as a block (old and new on lines of their own).
pub fn is_block(f: &FieldChange) -> bool {
    PROSE.contains(&f.field.as_str())
        && [&f.old, &f.new]
            .iter()
            .any(|v| v.chars().count() > INLINE_UP_TO || v.contains('\n'))
}

fn one_line(text: &str) -> String {
    text.split('\n').collect::<Vec<_>>().join(" ⏎ ")
}

fn field_text(f: &FieldChange) -> String {
    let show = |v: &str| {
        if v.is_empty() {
            "∅".to_owned()
        } else {
            one_line(v)
        }
    };
    format!("{} {} → {}", f.field, show(&f.old), show(&f.new))
}

/// Colour (or plain markers) in the text format. Colour codes are written as private-use
/// characters first and turned into escape sequences only after the line was sanitised, so
/// nothing from a register can act on the terminal.
struct Paint {
    color: bool,
}

const START: char = '\u{E000}';
const END_CODE: char = '\u{E001}';
const RESET: char = '\u{E002}';

impl Paint {
    fn paint(&self, code: &str, t: &str) -> String {
        if self.color {
            format!("{START}{code}{END_CODE}{t}{RESET}")
        } else {
            t.to_owned()
        }
    }

    /// A changed word run: coloured, or marked as `git diff --word-diff` does.
    fn changed(&self, added: bool, t: &str) -> String {
        match (self.color, added) {
            (true, true) => self.paint("1;32", t),
            (true, false) => self.paint("1;31;9", t),
            (false, true) => format!("{{+{t}+}}"),
            (false, false) => format!("[-{t}-]"),
        }
    }

    fn finish(&self, line: &str) -> String {
        let safe = crate::sanitize::sanitize(line);
        if self.color {
            safe.replace(START, "\x1b[")
                .replace(END_CODE, "m")
                .replace(RESET, "\x1b[0m")
        } else {
            safe.into_owned()
        }
    }
}

/// One side of a block change, wrapped: `        − text` with continuation lines indented.
/// Neighbouring changed words are marked as one phrase.
fn block_lines(paint: &Paint, sign: &str, side: &super::words::Side, added: bool) -> Vec<String> {
    let indent = "        ";
    let hang = format!("{indent}  ");
    // Words (with the space after them) and whether each changed.
    let mut words: Vec<(String, String, bool)> = Vec::new();
    for (text, changed) in &side.pieces {
        for word in text.split_inclusive(char::is_whitespace) {
            let trimmed = word.trim_end();
            let space = if word.len() > trimmed.len() { " " } else { "" };
            match words.last_mut() {
                // A space alone (between two changes) belongs to the word before it.
                Some(last) if trimmed.is_empty() => last.1 = space.to_owned(),
                _ => words.push((trimmed.replace('\n', " ⏎ "), space.to_owned(), *changed)),
            }
        }
    }
    if words.is_empty() {
        words.push(("∅".into(), String::new(), false));
    }
    // Greedy line filling.
    let mut lines: Vec<Vec<(String, String, bool)>> = vec![Vec::new()];
    let mut width = indent.len() + 2;
    for word in words {
        let w = unicode_width::UnicodeWidthStr::width(word.0.as_str());
        if width + w > WIDTH && lines.last().is_some_and(|l| !l.is_empty()) {
            lines.push(Vec::new());
            width = hang.len();
        }
        width += w + word.1.len();
        if let Some(line) = lines.last_mut() {
            line.push(word);
        }
    }
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let mut text = if n == 0 {
            format!("{indent}{sign} ")
        } else {
            hang.clone()
        };
        let mut k = 0;
        while k < line.len() {
            let changed = line[k].2;
            let mut end = k;
            while end + 1 < line.len() && line[end + 1].2 == changed {
                end += 1;
            }
            let mut phrase = String::new();
            for (i, (word, space, _)) in line[k..=end].iter().enumerate() {
                phrase.push_str(word);
                if i + k < end {
                    phrase.push_str(space);
                }
            }
            if changed && !phrase.is_empty() {
                text.push_str(&paint.changed(added, &phrase));
            } else {
                text.push_str(&phrase);
            }
            text.push_str(&line[end].1);
            k = end + 1;
        }
        out.push(text.trim_end().to_owned());
    }
    out
}

/// A long prose change as text: the field's name, then the whole old and new values with the
/// changed words marked.
fn block_text(paint: &Paint, f: &FieldChange) -> Vec<String> {
    let (old, new) = super::words::sides(&f.old, &f.new);
    let mut lines = vec![format!("      {}:", f.field)];
    lines.extend(block_lines(paint, "−", &old, false));
    lines.extend(block_lines(paint, "+", &new, true));
    lines
}

/// A long prose change as markdown: the whole old and new values, removed words in `<del>` and
/// added words in `<ins>` (GitHub renders both; `**` would not open after a word, before a comma).
fn block_markdown(f: &FieldChange) -> String {
    let (old, new) = super::words::sides(&f.old, &f.new);
    let side = |s: &super::words::Side, tag: &str| -> String {
        let mut out = String::new();
        for (text, changed) in &s.pieces {
            let text = text.replace('\n', " ");
            let trimmed = text.trim();
            if *changed && !trimmed.is_empty() {
                let lead = &text[..text.len() - text.trim_start().len()];
                let tail = &text[text.trim_end().len()..];
                let _ = write!(out, "{lead}<{tag}>{}</{tag}>{tail}", cell(trimmed));
            } else {
                out.push_str(&cell(&text));
            }
        }
        if out.is_empty() { "∅".into() } else { out }
    };
    format!(
        "{}:<br>− {}<br>+ {}",
        f.field,
        side(&old, "del"),
        side(&new, "ins")
    )
}

/// One line per change of a risk: "likelihood medium → high, score 9 → 12 (medium → high)".
/// Long prose changes are left to `block_text` and `block_markdown`.
pub fn risk_changes(r: &RiskDiff) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for f in r.fields.iter().filter(|f| !is_block(f)) {
        let mut text = field_text(f);
        if f.field == "impact"
            || (f.field == "likelihood" && !r.fields.iter().any(|g| g.field == "impact"))
        {
            if let Some((a, b)) = r.score {
                let _ = write!(text, ", score {a} → {b}");
            }
            if let Some((a, b)) = r.band {
                let _ = write!(text, " ({a} → {b})");
            }
        }
        parts.push(text);
    }
    for (label, questions) in [
        ("question added", &r.questions_added),
        ("question answered", &r.questions_answered),
    ] {
        if !questions.is_empty() {
            let shown: Vec<String> = questions.iter().map(|q| one_line(q)).collect();
            parts.push(format!("{label}: {}", shown.join("; ")));
        }
    }
    for change in &r.follow_ups {
        parts.push(format!("follow-up {}", one_line(change)));
    }
    for (label, added, removed) in [
        ("tickets", &r.tickets_added, &r.tickets_removed),
        ("alerts", &r.alerts_added, &r.alerts_removed),
        ("rehearsals", &r.rehearsals_added, &r.rehearsals_removed),
    ] {
        if !added.is_empty() {
            parts.push(format!("{label} + {}", added.join(", ")));
        }
        if !removed.is_empty() {
            parts.push(format!("{label} − {}", removed.join(", ")));
        }
    }
    if let Some((a, b)) = r.bad_minutes {
        let mut text = format!("bad minutes/year {} → {}", minutes(a), minutes(b));
        if let Some((x, y)) = r.budget_share {
            let _ = write!(text, ", budget share {} → {}", pct(x), pct(y));
        }
        parts.push(text);
    } else if let Some((x, y)) = r.budget_share {
        parts.push(format!("budget share {} → {}", pct(x), pct(y)));
    }
    parts
}

/// The changes as short lines, one per change, without flags or summary: for a prompt that
/// shows what changed on each side of a file.
pub fn change_lines(d: &Diff) -> Vec<String> {
    let mut out = Vec::new();
    for c in &d.components_added {
        out.push(format!(
            "+ component {} ({})",
            c.component,
            crate::finding::plural(c.risks, "risk")
        ));
    }
    for c in &d.components_removed {
        out.push(format!("- component {}", c.component));
    }
    for m in &d.risks_moved {
        out.push(format!("{} {} → {}", m.kind, m.from, m.to));
    }
    for c in &d.components_changed {
        for f in &c.fields {
            out.push(field_text(f));
        }
        if let Some(order) = &c.risk_order {
            out.push(format!("risk order: {}", order.describe(str::to_owned)));
        }
        for r in &c.risks_added {
            out.push(format!("+ {} “{}”", r.risk, one_line(&r.title)));
        }
        for r in &c.risks_removed {
            out.push(format!("- {}", r.risk));
        }
        for r in &c.risks_changed {
            let mut parts = risk_changes(r);
            parts.extend(r.fields.iter().filter(|f| is_block(f)).map(field_text));
            out.push(format!("{}: {}", r.risk, parts.join("; ")));
        }
    }
    out
}

/// One changed component in the text diff: its fields, risk order, and risks added, removed
/// and changed.
fn component_text(out: &mut String, painter: &Paint, c: &super::ComponentDiff) {
    let paint = |code: &str, t: &str| painter.paint(code, t);
    let _ = writeln!(*out, "{} ({})", paint("1", &c.component), c.title);
    for f in &c.fields {
        if is_block(f) {
            let _ = writeln!(*out, "  {} component:", paint("33", "~"));
            for line in block_text(painter, f) {
                let _ = writeln!(*out, "{line}");
            }
        } else {
            let _ = writeln!(*out, "  {} {}", paint("33", "~"), field_text(f));
        }
    }
    if let Some(order) = &c.risk_order {
        let _ = writeln!(
            *out,
            "  {} risk order changed: {}",
            paint("36", "↕"),
            order.describe(str::to_owned)
        );
    }
    for r in &c.risks_added {
        let runbook = if r.runbook.is_empty() {
            ", no runbook"
        } else {
            ""
        };
        let _ = writeln!(
            *out,
            "  {} {}: “{}” score {} {}{runbook}",
            paint("32", "+"),
            r.risk,
            one_line(&r.title),
            r.score,
            r.band
        );
    }
    for r in &c.risks_removed {
        let _ = writeln!(
            *out,
            "  {} {}: “{}” score {}",
            paint("31", "-"),
            r.risk,
            one_line(&r.title),
            r.score
        );
    }
    for r in &c.risks_changed {
        let inline = risk_changes(r);
        let sep = if inline.is_empty() { "" } else { " " };
        let _ = writeln!(
            *out,
            "  {} {}:{sep}{}",
            paint("33", "~"),
            r.risk,
            inline.join("; ")
        );
        for f in r.fields.iter().filter(|f| is_block(f)) {
            for line in block_text(painter, f) {
                let _ = writeln!(*out, "{line}");
            }
        }
    }
}

/// Plain text (coloured when `color`), ordered and stable.
pub fn text(d: &Diff, color: bool) -> String {
    // A register that carries the private-use characters colour is built from gets no colour.
    let forged =
        serde_json::to_string(d).map_or(true, |json| json.contains([START, END_CODE, RESET]));
    let painter = Paint {
        color: color && !forged,
    };
    let paint = |code: &str, t: &str| painter.paint(code, t);
    let mut out = String::new();
    for f in &d.flags {
        let _ = writeln!(out, "{} {}: {}", paint("1;31", "!"), f.risk, f.message);
    }
    if !d.flags.is_empty() {
        out.push('\n');
    }
    for (list, sign, code) in [
        (&d.components_added, "+", "32"),
        (&d.components_removed, "-", "31"),
    ] {
        for c in list {
            let _ = writeln!(
                out,
                "{} component {} ({}), {}",
                paint(code, sign),
                c.component,
                c.title,
                crate::finding::plural(c.risks, "risk")
            );
        }
    }
    for m in &d.risks_moved {
        let _ = writeln!(out, "{} {} {} → {}", paint("36", "→"), m.kind, m.from, m.to);
    }
    for c in &d.components_changed {
        component_text(&mut out, &painter, c);
    }
    for u in &d.unreadable {
        let _ = writeln!(
            out,
            "{} unreadable on the {} side: {}",
            paint("1;31", "?"),
            u.side,
            u.finding
        );
    }
    let s = &d.summary;
    let _ = writeln!(
        out,
        "{} changed ({} added, {} removed); risks: {} added, {} removed, {} changed, {} moved; net score {:+} ({} → {})",
        crate::finding::plural(s.components_changed, "component"),
        s.components_added,
        s.components_removed,
        s.risks_added,
        s.risks_removed,
        s.risks_changed,
        s.risks_moved,
        s.net_score_change,
        s.score_before,
        s.score_after
    );
    // Register text comes from pull requests: nothing in it may act on the terminal.
    out.lines()
        .map(|l| painter.finish(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Sections with more rows than this go inside `<details>`.
const DETAILS_FROM: usize = 10;

/// One changed component in the markdown diff: a table of its changes (inside `<details>`
/// when long).
fn component_markdown(out: &mut String, c: &super::ComponentDiff) {
    let mut rows = Vec::new();
    for f in &c.fields {
        let change = if is_block(f) {
            block_markdown(f)
        } else {
            cell(&field_text(f))
        };
        rows.push(format!("| component | {change} |"));
    }
    if let Some(order) = &c.risk_order {
        let moved: Vec<String> = order
            .moved()
            .iter()
            .map(|(id, from, to)| format!("{} {from} → {to}", code(id)))
            .collect();
        rows.push(format!(
            "| ↕ order | risk order changed: {} |",
            moved.join(", ")
        ));
    }
    for r in &c.risks_added {
        let runbook = if r.runbook.is_empty() {
            "no runbook".to_owned()
        } else {
            format!("runbook {}", code(&r.runbook))
        };
        rows.push(format!(
            "| ➕ {} | {} · score {} ({}) · {runbook} |",
            code(&r.risk),
            cell(&r.title),
            r.score,
            r.band
        ));
    }
    for r in &c.risks_removed {
        rows.push(format!(
            "| ➖ {} | {} · score {} |",
            code(&r.risk),
            cell(&r.title),
            r.score
        ));
    }
    for r in &c.risks_changed {
        let mut changes: Vec<String> = risk_changes(r).iter().map(|t| cell(t)).collect();
        changes.extend(r.fields.iter().filter(|f| is_block(f)).map(block_markdown));
        rows.push(format!("| {} | {} |", code(&r.risk), changes.join("<br>")));
    }
    let table = format!("| risk | change |\n|---|---|\n{}\n", rows.join("\n"));
    let heading = format!("#### {} — {}", code(&c.component), cell(&c.title));
    if rows.len() > DETAILS_FROM {
        let _ = write!(
            *out,
            "<details><summary>{} ({} changes)</summary>\n\n{heading}\n\n{table}\n</details>\n\n",
            cell(&c.component),
            rows.len()
        );
    } else {
        let _ = write!(*out, "{heading}\n\n{table}\n");
    }
}

/// Markdown for a pull-request comment: a summary table, flags, then a table per component.
pub fn markdown(d: &Diff) -> String {
    let s = &d.summary;
    let mut out = String::from("### faultline: register changes\n\n");
    out.push_str("| components changed | added | removed | risks added | removed | changed | moved | net score |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {:+} ({} → {}) |\n",
        s.components_changed,
        s.components_added,
        s.components_removed,
        s.risks_added,
        s.risks_removed,
        s.risks_changed,
        s.risks_moved,
        s.net_score_change,
        s.score_before,
        s.score_after
    );
    if !d.flags.is_empty() {
        out.push_str("**Look at these first**\n\n");
        for f in &d.flags {
            let _ = writeln!(out, "- ⚠️ {}: {}", code(&f.risk), cell(&f.message));
        }
        out.push('\n');
    }
    for (list, what) in [
        (&d.components_added, "➕ new"),
        (&d.components_removed, "➖ removed"),
    ] {
        for c in list {
            let _ = writeln!(
                out,
                "- {what} component {} ({}), {}",
                code(&c.component),
                cell(&c.title),
                crate::finding::plural(c.risks, "risk")
            );
        }
    }
    for m in &d.risks_moved {
        let _ = writeln!(out, "- ↪️ {} {} → {}", m.kind, code(&m.from), code(&m.to));
    }
    if !(d.components_added.is_empty()
        && d.components_removed.is_empty()
        && d.risks_moved.is_empty())
    {
        out.push('\n');
    }
    for c in &d.components_changed {
        component_markdown(&mut out, c);
    }
    for u in &d.unreadable {
        let _ = writeln!(
            out,
            "- ❓ unreadable on the {} side: {}",
            u.side,
            code(&u.finding)
        );
    }
    // File text in markdown: controls shown, character references kept as text.
    crate::sanitize::safe_markdown(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_safe_links_only_and_mention_nobody() {
        assert_eq!(
            cell("see [docs](https://x.example/a b)"),
            "see [docs](https://x.example/a%20b)"
        );
        assert_eq!(
            cell("[rb](runbooks/db.md#fail)"),
            "[rb](runbooks/db.md#fail)"
        );
        assert_eq!(cell("[m](mailto:a@b.c)"), "[m](mailto:a@b.c)");
        assert_eq!(
            cell("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(cell("[x](JavaScript:alert)"), "\\[x\\](JavaScript:alert)");
        assert_eq!(cell("[x](data:text/html,hi)"), "\\[x\\](data:text/html,hi)");
        assert_eq!(
            cell("![pixel](https://t.example/p.gif)"),
            "[pixel](https://t.example/p.gif)"
        );
        assert_eq!(
            cell("![p](//t.example/p.gif)"),
            "!\\[p\\](//t.example/p.gif)"
        );
        assert_eq!(
            cell("ping @octocat and @team/sre"),
            "ping `@`octocat and `@`team/sre"
        );
        assert_eq!(cell("x | <img src=x> `c`"), "x \\| &lt;img src=x&gt; `c`");
        assert_eq!(cell("[ref]: javascript:x"), "\\[ref\\]: javascript:x");
    }

    #[test]
    fn code_spans_hold_any_text_whole() {
        assert_eq!(
            code("a.json:1:1: error [rule]"),
            "`a.json:1:1: error [rule]`"
        );
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b\nc"), "`a\\|b c`");
    }
}
