//! Alerts in YAML (and JSON, which YAML reads): Prometheus rule files and the
//! prometheus-operator `PrometheusRule`, Grafana alert provisioning, Sloth SLO specs and
//! CloudFormation / SAM templates, every document of a multi-document file.

use super::{AlertDef, Source, unparseable};
use crate::finding::{Finding, Pos};
use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::Parser;
use std::borrow::Cow;

/// A node of a YAML document, with where it starts: what the scanners walk, whether the plain
/// block reader or saphyr read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node<'a> {
    pub(crate) pos: Pos,
    pub(crate) data: Data<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Data<'a> {
    /// A scalar as written (quotes removed), and its tag's suffix (`Sub` for `!Sub`).
    Scalar(Cow<'a, str>, Option<Cow<'a, str>>),
    /// Entries in the order written; a repeated key once, as saphyr keeps it.
    Mapping(Vec<(Node<'a>, Node<'a>)>),
    Sequence(Vec<Node<'a>>),
    /// A tagged collection (`!Join [...]`).
    Tagged(Cow<'a, str>, Box<Node<'a>>),
    /// An alias, or what saphyr could not represent.
    Other,
}

/// Deeper nesting than this is refused before parsing: the parser recurses once per level.
const MAX_DEPTH: usize = 200;

pub(super) fn scan(rel: &str, text: &str) -> (Vec<AlertDef>, Option<Finding>) {
    if let Some(line) = helm_line(text) {
        return (
            Vec::new(),
            Some(unparseable(
                rel,
                Pos { line, column: 1 },
                "a Helm template ({{ … }}), not YAML: render it (`helm template`) into a scanned path, or add it to `ignore` in faultline.toml".into(),
            )),
        );
    }
    let docs = match documents(text) {
        Ok(docs) => docs,
        Err((pos, message)) => return (Vec::new(), Some(unparseable(rel, pos, message))),
    };
    let mut out = Vec::new();
    for doc in &docs {
        let mut scan = Scan { rel, out: &mut out };
        scan.document(doc);
    }
    (out, None)
}

/// Every document of a YAML text, with positions; or where and why it is not read (nested
/// too deeply for the recursive parser, or not YAML). The plain block style rule files are
/// written in is read by `block::read`; the rest by saphyr.
pub(crate) fn documents(text: &str) -> Result<Vec<Node<'_>>, (Pos, String)> {
    check_depth(text)?;
    if let Some(docs) = super::block::read(text) {
        return Ok(docs);
    }
    check_aliases(text)?;
    saphyr_documents(text)
}

/// Bytes an alias may expand into, in all, beyond the file's own: this many times its size.
const ALIAS_EXPANSION_FACTOR: usize = 4;
/// A small file may expand this far whatever its size.
const ALIAS_EXPANSION_FLOOR: usize = 1024 * 1024;
/// What one node costs beside its text, counted so a tree of empty scalars is not free.
const NODE_BYTES: usize = 32;

/// The bytes a text's aliases may expand into.
pub(crate) fn alias_limit(text: &str) -> usize {
    text.len()
        .saturating_mul(ALIAS_EXPANSION_FACTOR)
        .max(ALIAS_EXPANSION_FLOOR)
}

/// A loaded tree's size as the alias budget counts it: text plus `NODE_BYTES` a node.
pub(crate) fn tree_bytes(node: &Node<'_>) -> usize {
    NODE_BYTES
        + match &node.data {
            Data::Scalar(text, _) => text.len(),
            Data::Mapping(entries) => entries
                .iter()
                .map(|(k, v)| tree_bytes(k) + tree_bytes(v))
                .sum(),
            Data::Sequence(items) => items.iter().map(tree_bytes).sum(),
            Data::Tagged(_, inner) => tree_bytes(inner),
            Data::Other => 0,
        }
}

/// Refuses a file whose aliases would expand past a few times its own size, before the loader
/// clones a byte of it. saphyr's own budget counts nodes, so one anchored 5 MB string aliased a
/// thousand times passed it and took gigabytes; this counts what each alias would copy, in
/// bytes, from the parser's events (an anchor's size includes the aliases inside it).
pub(crate) fn check_aliases(text: &str) -> Result<(), (Pos, String)> {
    // No `*`, no alias: nothing to count (nearly every file).
    if memchr::memchr(b'*', text.as_bytes()).is_none() {
        return Ok(());
    }
    let limit = alias_limit(text);
    // The size of each anchored node, by anchor id; a stack of open collections (anchor id,
    // size so far).
    let mut anchored: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut expanded = 0usize;
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        // A scan error is saphyr's to report, with its own message.
        let Ok((event, span)) = event else {
            return Ok(());
        };
        let (size, anchor) = match event {
            saphyr_parser::Event::Scalar(value, _, anchor, _) => (value.len() + NODE_BYTES, anchor),
            saphyr_parser::Event::Alias(id) => {
                let size = anchored.get(&id).copied().unwrap_or(NODE_BYTES);
                expanded = expanded.saturating_add(size);
                if expanded > limit {
                    return Err((
                        Pos {
                            line: span.start.line().max(1),
                            column: span.start.col() + 1,
                        },
                        format!(
                            "aliases expand to more than {} MiB ({ALIAS_EXPANSION_FACTOR} times the file's size, at least 1 MiB): not read",
                            limit / (1024 * 1024)
                        ),
                    ));
                }
                (size, 0)
            }
            saphyr_parser::Event::SequenceStart(anchor, _)
            | saphyr_parser::Event::MappingStart(anchor, _) => {
                open.push((anchor, NODE_BYTES));
                continue;
            }
            saphyr_parser::Event::SequenceEnd | saphyr_parser::Event::MappingEnd => {
                let Some((anchor, size)) = open.pop() else {
                    continue;
                };
                (size, anchor)
            }
            _ => continue,
        };
        if anchor != 0 {
            anchored.insert(anchor, size);
        }
        if let Some((_, parent)) = open.last_mut() {
            *parent = parent.saturating_add(size);
        }
    }
    Ok(())
}

/// The documents as saphyr reads them.
pub(crate) fn saphyr_documents(text: &str) -> Result<Vec<Node<'_>>, (Pos, String)> {
    let docs = load(text).map_err(|err| {
        let m = err.marker();
        (
            Pos {
                line: m.line().max(1),
                column: m.col() + 1,
            },
            format!("not read as YAML: {}", err.info()),
        )
    })?;
    Ok(docs.into_iter().map(from_saphyr).collect())
}

fn from_saphyr(node: MarkedYaml<'_>) -> Node<'_> {
    let pos = Pos {
        line: node.span.start.line().max(1),
        column: node.span.start.col() + 1,
    };
    let data = match node.data {
        YamlData::Representation(text, _, tag) => {
            Data::Scalar(text, tag.map(|t| Cow::Owned(t.suffix.clone())))
        }
        YamlData::Value(Scalar::String(text)) => Data::Scalar(text, None),
        YamlData::Mapping(map) => Data::Mapping(
            map.into_iter()
                .map(|(k, v)| (from_saphyr(k), from_saphyr(v)))
                .collect(),
        ),
        YamlData::Sequence(items) => Data::Sequence(items.into_iter().map(from_saphyr).collect()),
        YamlData::Tagged(tag, inner) => Data::Tagged(
            Cow::Owned(tag.suffix.clone()),
            Box::new(from_saphyr(*inner)),
        ),
        _ => Data::Other,
    };
    Node { pos, data }
}

/// Refuses nesting deeper than `MAX_DEPTH` before a parser that recurses once per level sees it
/// (saphyr's here, hcl-edit's for Terraform).
pub(crate) fn check_depth(text: &str) -> Result<(), (Pos, String)> {
    match too_deep(text) {
        Some(pos) => Err((
            pos,
            format!("nested more than {MAX_DEPTH} levels deep: not read"),
        )),
        None => Ok(()),
    }
}

fn load(text: &str) -> Result<Vec<MarkedYaml<'_>>, saphyr::ScanError> {
    let mut loader: YamlLoader<MarkedYaml<'_>> = YamlLoader::default();
    // Scalars stay as written, with their tags: `!Ref Name` is not the name `Name`.
    loader.early_parse(false);
    // A duplicated key is a mistake for the file's own tool to report, not a reason to skip it.
    loader.allow_duplicate_keys(true);
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut loader, true)?;
    if let Some(err) = loader.error() {
        return Err(err.clone());
    }
    Ok(loader.into_documents())
}

/// The first line that is Helm templating rather than YAML: a line that starts with `{{`, or
/// one using Helm's own functions. Go templates inside quoted values (`{{ $labels.instance }}` in
/// a Prometheus annotation) are ordinary strings and are not counted.
fn helm_line(text: &str) -> Option<usize> {
    const HELM: [&str; 7] = [
        "{{ .Values",
        "{{- ",
        "{{ include",
        "{{ template",
        "{{ .Release",
        "{{ .Chart",
        "{{- end",
    ];
    // Nearly every rule file has no `{{` at all, and every sign of Helm has one.
    memchr::memmem::find(text.as_bytes(), b"{{")?;
    text.lines()
        .position(|line| {
            line.contains("{{")
                && (line.trim_start().starts_with("{{") || HELM.iter().any(|h| line.contains(h)))
        })
        .map(|i| i + 1)
}

/// Where the nesting first goes deeper than `MAX_DEPTH`: brackets, or block indentation (one
/// level per two columns at most).
fn too_deep(text: &str) -> Option<Pos> {
    let mut depth = 0usize;
    for (i, line) in crate::finding::split_lines(text).enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '-', '\t']).len();
        if indent / 2 > MAX_DEPTH {
            return Some(Pos {
                line: i + 1,
                column: 1,
            });
        }
        // Brackets are ASCII, so bytes will do; the column is counted in characters.
        for (at, b) in line.bytes().enumerate() {
            match b {
                b'[' | b'{' | b'(' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(Pos {
                            line: i + 1,
                            column: line[..at].chars().count() + 1,
                        });
                    }
                }
                b']' | b'}' | b')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// A scalar's text and its tag suffix (`Sub` for `!Sub`), if it is a scalar.
pub(crate) fn scalar<'n>(node: &'n Node<'_>) -> Option<(&'n str, Option<&'n str>)> {
    match &node.data {
        Data::Scalar(text, tag) => Some((text.as_ref(), tag.as_deref())),
        _ => None,
    }
}

pub(crate) fn text<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    scalar(node).map(|(t, _)| t)
}

/// The value under `key` in a mapping.
pub(crate) fn get<'n, 'a>(node: &'n Node<'a>, key: &str) -> Option<&'n Node<'a>> {
    match &node.data {
        Data::Mapping(map) => map
            .iter()
            .find(|(k, _)| text(k) == Some(key))
            .map(|(_, v)| v),
        Data::Tagged(_, inner) => get(inner, key),
        _ => None,
    }
}

pub(crate) fn items<'n, 'a>(node: Option<&'n Node<'a>>) -> &'n [Node<'a>] {
    match node.map(|n| &n.data) {
        Some(Data::Sequence(items)) => items,
        _ => &[],
    }
}

pub(crate) fn pos(node: &Node<'_>) -> Pos {
    node.pos
}

struct Scan<'o> {
    rel: &'o str,
    out: &'o mut Vec<AlertDef>,
}

impl Scan<'_> {
    fn document(&mut self, doc: &Node<'_>) {
        if let Some(resources) = get(doc, "Resources") {
            self.cloudformation(resources);
            return;
        }
        let spec = get(doc, "spec");
        let groups = get(doc, "groups").or_else(|| spec.and_then(|s| get(s, "groups")));
        for group in items(groups) {
            for rule in items(get(group, "rules")) {
                self.rule(rule);
            }
        }
        let slos = get(doc, "slos").or_else(|| spec.and_then(|s| get(s, "slos")));
        for slo in items(slos) {
            if let Some(alerting) = get(slo, "alerting")
                && let Some(name) = get(alerting, "name")
            {
                self.push(Source::Sloth, name, None, runbook(alerting));
            }
        }
    }

    /// A Prometheus rule (`alert:`; recording rules have none) or a Grafana one (`title:`).
    fn rule(&mut self, rule: &Node<'_>) {
        if let Some(name) = get(rule, "alert") {
            self.push(Source::Prometheus, name, None, runbook(rule));
        } else if let Some(title) = get(rule, "title") {
            let uid = get(rule, "uid").and_then(text).map(str::to_owned);
            self.push(Source::Grafana, title, uid, runbook(rule));
        }
    }

    fn cloudformation(&mut self, resources: &Node<'_>) {
        let Data::Mapping(map) = &resources.data else {
            return;
        };
        for (logical_id, resource) in map {
            let kind = get(resource, "Type").and_then(text);
            if !matches!(
                kind,
                Some("AWS::CloudWatch::Alarm" | "AWS::CloudWatch::CompositeAlarm")
            ) {
                continue;
            }
            let named = get(resource, "Properties").and_then(|p| get(p, "AlarmName"));
            match named {
                Some(name) => self.push(Source::Cloudwatch, name, None, None),
                // Without a name CloudFormation makes one from the stack and the logical id;
                // the logical id is what the template's author knows it by.
                None => self.push(Source::Cloudwatch, logical_id, None, None),
            }
        }
    }

    fn push(
        &mut self,
        source: Source,
        name: &Node<'_>,
        uid: Option<String>,
        runbook: Option<(String, Pos)>,
    ) {
        let Some((name_text, pattern)) = name_of(name) else {
            return;
        };
        if name_text.trim().is_empty() {
            return;
        }
        let at = pos(name);
        let (runbook_url, runbook_pos) = match runbook {
            Some((url, p)) => (Some(url), p),
            None => (None, Pos::START),
        };
        self.out.push(AlertDef {
            source,
            pattern: pattern || name_text.contains("${") || name_text.contains("{{"),
            name: name_text,
            path: self.rel.to_owned(),
            line: at.line,
            column: at.column,
            uid,
            runbook_url,
            runbook_pos,
        });
    }
}

/// `annotations.runbook_url` (also `runbook`), with where it is written.
fn runbook(node: &Node<'_>) -> Option<(String, Pos)> {
    let annotations = get(node, "annotations")?;
    let url = get(annotations, "runbook_url").or_else(|| get(annotations, "runbook"))?;
    Some((text(url)?.trim().to_owned(), pos(url)))
}

/// A name as written, and whether it is a pattern: a plain scalar is a name; CloudFormation's
/// `!Sub` / `Fn::Sub` keep their `${…}` placeholders; `!Join` / `Fn::Join` join their literal
/// parts with placeholders for the rest; any other function (`!Ref`, `!GetAtt`…) is a value
/// only known at deploy time.
fn name_of(node: &Node<'_>) -> Option<(String, bool)> {
    if let Some((text, tag)) = scalar(node) {
        return Some(match tag {
            None | Some("str") => (text.to_owned(), false),
            Some("Sub") => (text.to_owned(), true),
            Some(other) => (format!("${{{other} {text}}}"), true),
        });
    }
    let (function, argument) = function_call(node)?;
    match function {
        "Sub" => {
            let template = match scalar(argument) {
                Some((t, _)) => t,
                None => items(Some(argument)).first().and_then(text)?,
            };
            Some((template.to_owned(), true))
        }
        "Join" => {
            let args = items(Some(argument));
            let separator = args.first().and_then(text).unwrap_or_default();
            let parts: Vec<String> = items(args.get(1))
                .iter()
                .map(|part| match scalar(part) {
                    Some((t, None)) => t.to_owned(),
                    _ => "${…}".to_owned(),
                })
                .collect();
            Some((parts.join(separator), true))
        }
        other => Some((format!("${{{other}}}"), true)),
    }
}

/// A CloudFormation function: `!Name argument` on a collection, or `{Fn::Name: argument}` /
/// `{Ref: argument}`.
fn function_call<'n, 'a>(node: &'n Node<'a>) -> Option<(&'n str, &'n Node<'a>)> {
    match &node.data {
        Data::Tagged(tag, inner) => Some((tag.as_ref(), inner)),
        Data::Mapping(map) if map.len() == 1 => {
            let (key, value) = map.first()?;
            let key = text(key)?;
            let function = key.strip_prefix("Fn::").unwrap_or(key);
            (key.starts_with("Fn::") || key == "Ref").then_some((function, value))
        }
        _ => None,
    }
}
