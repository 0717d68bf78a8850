//! Alerts in Terraform: `aws_cloudwatch_metric_alarm` and `aws_cloudwatch_composite_alarm`
//! (`alarm_name`), `datadog_monitor` (`name`) and `grafana_rule_group` (`rule { name }`).
//! A name with interpolations (`"${var.env}-orders-dlq"`, `format("%s-dlq", var.env)`) is kept
//! as a pattern.

use super::{AlertDef, Source, unparseable};
use crate::finding::{Finding, LineIndex, Pos};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Body};

pub(super) fn scan(rel: &str, text: &str) -> (Vec<AlertDef>, Option<Finding>) {
    if let Err((pos, message)) = super::yaml::check_depth(text) {
        return (Vec::new(), Some(unparseable(rel, pos, message)));
    }
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => body,
        Err(err) => {
            let at = err.location();
            let message = err.message().lines().next().unwrap_or("syntax error");
            return (
                Vec::new(),
                Some(unparseable(
                    rel,
                    Pos {
                        line: at.line().max(1),
                        column: at.column().max(1),
                    },
                    format!("not read as HCL: {message}"),
                )),
            );
        }
    };
    let lines = LineIndex::new(text);
    let mut scan = Scan {
        rel,
        text,
        lines,
        out: Vec::new(),
    };
    scan.body(&body);
    (scan.out, None)
}

struct Scan<'a> {
    rel: &'a str,
    text: &'a str,
    lines: LineIndex,
    out: Vec<AlertDef>,
}

fn label(label: &BlockLabel) -> &str {
    match label {
        BlockLabel::Ident(ident) => ident.as_str(),
        BlockLabel::String(s) => s.as_str(),
    }
}

impl Scan<'_> {
    fn body(&mut self, body: &Body) {
        for block in body.blocks() {
            if block.ident.as_str() != "resource" {
                continue;
            }
            let kind = block.labels.first().map(label);
            match kind {
                Some("aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm") => {
                    self.alert(Source::Cloudwatch, block, "alarm_name");
                }
                Some("datadog_monitor") => self.alert(Source::Datadog, block, "name"),
                Some("grafana_rule_group") => {
                    for rule in block.body.get_blocks("rule") {
                        self.alert(Source::Grafana, rule, "name");
                    }
                }
                _ => {}
            }
        }
    }

    fn alert(&mut self, source: Source, block: &Block, key: &str) {
        let Some(attr) = block.body.get_attribute(key) else {
            return;
        };
        let Some((name, pattern)) = self.name_of(&attr.value) else {
            return;
        };
        if name.trim().is_empty() {
            return;
        }
        let at = self.pos(attr.value.span());
        let runbook = self.runbook(block);
        let (runbook_url, runbook_pos) = match runbook {
            Some((url, p)) => (Some(url), p),
            None => (None, Pos::START),
        };
        self.out.push(AlertDef {
            source,
            name,
            path: self.rel.to_owned(),
            line: at.line,
            column: at.column,
            pattern,
            uid: None,
            runbook_url,
            runbook_pos,
        });
    }

    fn pos(&self, span: Option<std::ops::Range<usize>>) -> Pos {
        span.map_or(Pos::START, |s| self.lines.pos(self.text, s.start))
    }

    /// The source text of an expression.
    fn source(&self, expr: &Expression) -> String {
        expr.span()
            .and_then(|s| self.text.get(s))
            .unwrap_or("…")
            .to_owned()
    }

    /// A literal string is a name; a template keeps its `${…}` parts; `format("%s-x", …)`
    /// turns its verbs into placeholders; anything else is a value known only at plan time.
    fn name_of(&self, expr: &Expression) -> Option<(String, bool)> {
        match expr {
            Expression::String(s) => Some((s.as_str().to_owned(), false)),
            Expression::StringTemplate(_) => {
                let source = self.source(expr);
                let inner = source
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .unwrap_or(&source);
                Some((inner.to_owned(), true))
            }
            Expression::FuncCall(call) if call.name.name.as_str() == "format" => {
                let first = call.args.iter().next()?;
                let Expression::String(template) = first else {
                    return Some((format!("${{{}}}", self.source(expr)), true));
                };
                Some((format_verbs(template.as_str()), true))
            }
            Expression::Null(_) => None,
            other => Some((format!("${{{}}}", self.source(other)), true)),
        }
    }

    /// `tags = { runbook_url = "…" }` (or `runbook`), as teams tag alarms with their runbook.
    fn runbook(&self, block: &Block) -> Option<(String, Pos)> {
        let tags = block.body.get_attribute("tags")?;
        let Expression::Object(object) = &tags.value else {
            return None;
        };
        object.iter().find_map(|(key, value)| {
            let name = match key {
                ObjectKey::Ident(ident) => ident.as_str().to_owned(),
                ObjectKey::Expression(Expression::String(s)) => s.as_str().to_owned(),
                ObjectKey::Expression(_) => return None,
            };
            let wanted = matches!(name.to_lowercase().as_str(), "runbook_url" | "runbook");
            match value.expr() {
                Expression::String(url) if wanted => Some((
                    url.as_str().trim().to_owned(),
                    self.pos(value.expr().span()),
                )),
                _ => None,
            }
        })
    }
}

/// `%s-orders-%d` → `${…}-orders-${…}`; `%%` stays a percent sign.
fn format_verbs(template: &str) -> String {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        // Flags, width and precision, then the verb letter.
        while chars
            .peek()
            .is_some_and(|c| !c.is_ascii_alphabetic() && "+-#0123456789.".contains(*c))
        {
            chars.next();
        }
        chars.next();
        out.push_str("${…}");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn format_verbs_become_placeholders() {
        assert_eq!(super::format_verbs("%s-orders-%03d"), "${…}-orders-${…}");
        assert_eq!(super::format_verbs("100%% %v"), "100% ${…}");
    }
}
