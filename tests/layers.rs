//! The layering of `src/`, checked: a module names only modules of its own layer or below.
//! Bottom to top: `core`, `workspace`, `analysis`, then `tui` beside `cli`/`commands` (which name
//! each other only through what `main.rs` wires). `tests/layers.allow` lists the arrows that
//! still point up, one `FILE -> MODULE` a line, while they are being taken down: an arrow not
//! listed fails, and so does a listed one that is gone (the list only shrinks).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each layer and the top-level modules it holds, by their old flat names too (`lib.rs`
/// re-exports them), bottom first.
const LAYERS: [(&str, &[&str]); 5] = [
    (
        "core",
        &[
            "model", "runbook", "finding", "locate", "parse", "sanitize", "clock", "parallel",
            "merge", "blast", "history", "draw",
        ],
    ),
    (
        "workspace",
        &[
            "store",
            "recovery",
            "git",
            "timeline",
            "monitoring",
            "org",
            "alertmanager",
            "backstage",
            "workspace_gen",
        ],
    ),
    (
        "analysis",
        &[
            "check",
            "diff",
            "search",
            "rank",
            "list",
            "report",
            "export",
            "import",
            "workbook",
            "readiness",
            "followups",
            "stats",
            "coverage",
            "org_view",
        ],
    ),
    (
        "tui",
        &[
            "terminal", "keymap", "action", "app", "effects", "screen", "ui", "viewer", "editor",
            "run", "markdown", "mouse", "form",
        ],
    ),
    ("commands", &["cli"]),
];

/// The layer a top-level module name belongs to, and its rank (`tui` and `commands` share one).
fn layer_of(name: &str) -> Option<(&'static str, usize)> {
    LAYERS.iter().enumerate().find_map(|(rank, (layer, mods))| {
        (*layer == name || mods.contains(&name)).then_some((*layer, rank.min(3)))
    })
}

/// The layer a source file is in, from its path under `src/`.
fn file_layer(rel: &Path) -> Option<(&'static str, usize)> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let first = first.strip_suffix(".rs").unwrap_or(first);
    layer_of(first)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module names a source text names through `crate::`, comments left out.
fn named(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d}`: each name at the group's top level.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
            out.insert(ident(&item));
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

fn ident(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Every arrow from a file to a module of a higher layer (and between `tui` and `commands`).
fn arrows_up(src: &Path) -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out = BTreeSet::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let Some((from_layer, from_rank)) = file_layer(rel) else {
            continue; // lib.rs and main.rs wire the layers together.
        };
        for name in named(&std::fs::read_to_string(&file).unwrap()) {
            let Some((to_layer, to_rank)) = layer_of(&name) else {
                continue;
            };
            let sideways = from_rank == 3 && to_rank == 3 && from_layer != to_layer;
            if to_rank > from_rank || sideways {
                out.insert(format!("src/{} -> {name}", rel.display()));
            }
        }
    }
    out
}

#[test]
fn every_import_points_down_the_layers() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = arrows_up(&repo.join("src"));
    let allowed: BTreeSet<String> = std::fs::read_to_string(repo.join("tests/layers.allow"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let new: Vec<&String> = found.difference(&allowed).collect();
    let gone: Vec<&String> = allowed.difference(&found).collect();
    assert!(
        new.is_empty(),
        "imports that point up the layers (take them down, or move the module):\n{}",
        new.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        gone.is_empty(),
        "fixed: remove these lines from tests/layers.allow:\n{}",
        gone.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_scanner_reads_grouped_and_plain_paths() {
    let names = named(
        "use crate::{model::Risk, store::{self, x}, check};\nlet a = crate::tui::run(); // crate::commands\n",
    );
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(names, ["check", "model", "store", "tui"]);
}
