//! The escape audit: a workspace full of hostile strings (OSC 52, OSC 0, OSC 8, CSI clear,
//! DCS, BEL, C1, U+202E, NUL, `&#27;`) through every command that prints text from files. None
//! may reach stdout or stderr raw, in any format, terminal or not; markdown and HTML escape
//! them; and `check` names each as an error at its position.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

#[path = "support/harness.rs"]
mod harness;

/// Every kind of hostile text, as JSON string content (escaped).
const HOSTILE_JSON: &str = r"osc52\u001b]52;c;aGVsbG8=\u0007 osc0\u001b]0;pwned\u0007 osc8\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\ csi\u001b[2J dcs\u001bPq#0;2;0;0;0\u001b\\ bel\u0007 c1\u009b31m rlo\u202egnp.exe nul\u0000 entity&#27;[2J";

/// The same, as a YAML double-quoted string.
const HOSTILE_YAML: &str =
    r#""osc52\e]52;c;aGVsbG8=\a csi\e[2J c1\x9b31m rlo\u202Egnp nul\0 entity&#27;""#;

fn hostile_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["registers", "runbooks", "monitoring", "incidents"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    let h = HOSTILE_JSON;
    let register = format!(
        r#"{{
  "component": "hostile",
  "title": "T {h}",
  "owner": "O {h}",
  "description": "D {h}",
  "depends_on": [
    "dep-{h}"
  ],
  "risks": [
    {{
      "id": "evil",
      "title": "R {h}",
      "description": "RD {h}",
      "likelihood": "very-high",
      "impact": "very-high",
      "detection": "DET {h}",
      "alerts": [
        "A {h}"
      ],
      "mitigation": "M {h}",
      "runbook": "runbooks/evil.md#x{h}",
      "status": "open",
      "tickets": [
        "TK {h}"
      ],
      "questions": [
        "Q {h}"
      ]
    }}
  ]
}}
"#
    );
    std::fs::write(root.join("registers/hostile.json"), &register).unwrap();
    let plain: String = serde_json::from_str::<String>(&format!("\"{h}\"")).unwrap();
    std::fs::write(
        root.join("runbooks/evil.md"),
        format!("# Evil {plain}\n\n- [ ] step {plain}\n\n[link](other.md#{plain})\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("monitoring/evil.rules.yml"),
        format!(
            "groups:\n  - name: g\n    rules:\n      - alert: {HOSTILE_YAML}\n        annotations:\n          runbook_url: {HOSTILE_YAML}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("incidents/2026-11-24-evil.jsonl"),
        format!(
            "{{\"kind\":\"incident\",\"title\":\"I {h}\",\"started\":\"2026-11-24T10:00:00+00:00\",\"severity\":\"P2\",\"roles\":{{\"lead\":\"L {h}\"}},\"risks\":[\"hostile/evil\"]}}\n{{\"at\":\"2026-11-24T10:01:00+00:00\",\"kind\":\"hypothesis\",\"text\":\"H {h}\",\"by\":\"B {h}\"}}\n{{\"at\":\"2026-11-24T10:02:00+00:00\",\"kind\":\"weird-{h}\",\"text\":\"W {h}\"}}\n"
        ),
    )
    .unwrap();
    // The same workspace before the change, for `diff --files`.
    let old = root.join("old");
    std::fs::create_dir_all(old.join("registers")).unwrap();
    std::fs::write(
        old.join("registers/hostile.json"),
        register.replace("\"T ", "\"Old T ").replace(
            "\"very-high\",\n      \"impact\"",
            "\"low\",\n      \"impact\"",
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("evil.csv"),
        format!("Component,Risk,Likelihood,Impact,Detection\nnewcomp,\"R {plain}\",high,high,\"D {plain}\"\n"),
    )
    .unwrap();
    dir
}

/// The raw bytes no output may carry: ESC, BEL, NUL and every other C0 control but newline
/// and tab, DEL, C1 controls (UTF-8 `C2 80`–`C2 9F`) and bidi controls.
fn raw_controls(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.char_indices()
        .filter(|(_, c)| faultline::check::is_forbidden_control(*c))
        .map(|(i, c)| {
            let start = text[..i].char_indices().rev().nth(20).map_or(0, |(j, _)| j);
            format!("U+{:04X} after {:?}", u32::from(c), &text[start..i])
        })
        .collect()
}

fn run(root: &Path, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .arg("--workspace")
        .arg(root)
        .current_dir(root)
        .env("FAULTLINE_TODAY", "2026-11-24")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (out.stdout, out.stderr)
}

#[test]
fn no_output_carries_a_raw_control_character() {
    let dir = hostile_workspace();
    let root = dir.path();
    let old = root.join("old");
    let (old, new) = (old.to_str().unwrap(), root.to_str().unwrap());
    let commands: Vec<Vec<&str>> = vec![
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["check", "--format", "github"],
        vec!["list"],
        vec!["list", "--format", "csv"],
        vec!["list", "--format", "json"],
        vec!["diff", "--files", old, new],
        vec!["diff", "--files", old, new, "--format", "markdown"],
        vec!["diff", "--files", old, new, "--format", "json"],
        vec!["textconv", "registers/hostile.json"],
        vec!["incident", "report", "incidents/2026-11-24-evil.jsonl"],
        vec!["incident", "list"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "markdown"],
        vec!["export", "--format", "html"],
        vec!["alerts"],
        vec!["alerts", "--format", "json"],
        vec!["blast", "hostile"],
        vec!["blast", "hostile", "--format", "json"],
        vec!["blast", "hostile", "--format", "dot"],
        vec!["import", "evil.csv", "--dry-run"],
        vec!["fmt", "--check"],
    ];
    let mut leaks = Vec::new();
    for args in &commands {
        let (stdout, stderr) = run(root, args);
        assert!(
            !stdout.is_empty() || !stderr.is_empty(),
            "{args:?} printed nothing"
        );
        for (stream, bytes) in [("stdout", &stdout), ("stderr", &stderr)] {
            for leak in raw_controls(bytes) {
                leaks.push(format!("{} ({stream}): {leak}", args.join(" ")));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}

#[test]
fn markdown_and_html_escape_entities_and_markup() {
    let dir = hostile_workspace();
    let (html, _) = run(dir.path(), &["export", "--format", "html"]);
    let html = String::from_utf8(html).unwrap();
    assert!(
        !html.contains("&#27;"),
        "an entity from the register would be decoded"
    );
    assert!(html.contains("&amp;#27;"));
    let (markdown, _) = run(dir.path(), &["export", "--format", "markdown"]);
    let markdown = String::from_utf8(markdown).unwrap();
    assert!(!markdown.contains("entity&#27;"), "{markdown}");
    let root = dir.path().join("old");
    let (diff, _) = run(
        dir.path(),
        &[
            "diff",
            "--files",
            root.to_str().unwrap(),
            dir.path().to_str().unwrap(),
            "--format",
            "markdown",
        ],
    );
    let diff = String::from_utf8(diff).unwrap();
    assert!(!diff.contains("entity&#27;"), "{diff}");
}

#[test]
fn check_names_every_control_character_at_its_position() {
    let dir = hostile_workspace();
    let (stdout, _) = run(dir.path(), &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    let mut at: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "control-character")
        .map(|f| format!("{}:{}", f["line"], f["column"]))
        .collect();
    at.sort_by_key(|p| p.split(':').next().unwrap().parse::<usize>().unwrap());
    // title, owner, description, depends_on, then each text of the risk.
    assert_eq!(
        at,
        [
            "3:12", "4:12", "5:18", "7:5", "12:16", "13:22", "16:20", "18:9", "20:21", "21:18",
            "24:9", "27:9"
        ]
    );
}

/// A forged GitHub Actions workflow command: a newline, then `::`.
const FORGE: &str = "\n::error file=README.md,line=1::Security review PASSED\n::add-mask::hidden\n  ::warning title=x::y\n";

/// A workspace whose file names, JSON keys, values, timeline lines, CSV cells and Backstage
/// names carry newlines followed by workflow commands, and escapes beside them.
fn forging_workspace() -> tempfile::TempDir {
    let dir = hostile_workspace();
    let root = dir.path();
    let forge_json = serde_json::to_string(FORGE).unwrap();
    let forge_json = &forge_json[1..forge_json.len() - 1];
    let esc = "\u{1b}]52;c;aGk=\u{7}\u{1b}]0;title\u{7}";
    // A register named with newlines and workflow commands.
    std::fs::write(
        root.join(format!("registers/x{FORGE}{esc}.json")),
        "{\"component\": \"x\"}\n",
    )
    .unwrap();
    // An unknown key and a value that carry them.
    std::fs::write(
        root.join("registers/keyed.json"),
        format!(
            "{{\n  \"component\": \"keyed\",\n  \"title\": \"T{forge_json}\",\n  \"{forge_json}\": 1\n}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("registers/valued.json"),
        format!(
            "{{\n  \"component\": \"valued\",\n  \"title\": \"T{forge_json}\",\n  \"risks\": [\n    {{\n      \"id\": \"r\",\n      \"title\": \"R{forge_json}\",\n      \"likelihood\": \"low\",\n      \"impact\": \"low\",\n      \"status\": \"open\",\n      \"runbook\": \"runbooks/{forge_json}.md\"\n    }}\n  ]\n}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("incidents/2026-11-25-forge.jsonl"),
        format!(
            "{{\"kind\":\"incident\",\"title\":\"F{forge_json}\",\"started\":\"2026-11-25T10:00:00+00:00\",\"severity\":\"P2\",\"roles\":{{}},\"risks\":[]}}\n{{\"at\":\"{forge_json}{}\",\"kind\":\"note\",\"text\":\"N{forge_json}\"}}\n",
            serde_json::to_string(esc).unwrap().trim_matches('"')
        ),
    )
    .unwrap();
    let csv_forge = FORGE.replace('"', "\"\"");
    std::fs::write(
        root.join("forge.csv"),
        format!("Component,Risk,Likelihood,Impact\n\"c{csv_forge}\",\"R{csv_forge}\",high,\"hi{csv_forge}\"\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("catalog-info.yaml"),
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {}\n  title: {}\nspec:\n  dependsOn:\n    - component:{}\n",
            serde_json::to_string(FORGE).unwrap(),
            serde_json::to_string(&format!("{FORGE}{esc}")).unwrap(),
            serde_json::to_string(FORGE).unwrap(),
        ),
    )
    .unwrap();
    dir
}

/// Lines that a CI runner would obey as a workflow command (it trims leading spaces).
fn workflow_lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| l.trim_start().starts_with("::"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn no_output_line_is_a_workflow_command_from_file_text() {
    let dir = forging_workspace();
    let root = dir.path();
    let old = root.join("old");
    let (old, new) = (old.to_str().unwrap(), root.to_str().unwrap());
    let commands: Vec<Vec<&str>> = vec![
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["list"],
        vec!["list", "--format", "csv"],
        vec!["list", "--format", "json"],
        vec!["fmt", "--check"],
        vec!["diff", "--files", old, new],
        vec!["diff", "--files", old, new, "--format", "markdown"],
        vec!["textconv", "registers/valued.json"],
        vec!["textconv", "registers/keyed.json"],
        vec!["incident", "report", "incidents/2026-11-25-forge.jsonl"],
        vec!["incident", "list"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "markdown"],
        vec!["alerts"],
        vec!["import", "forge.csv", "--dry-run"],
        vec!["import", "backstage", "catalog-info.yaml", "--dry-run"],
        vec!["runbook", "Security review PASSED"],
        vec!["export", "--format", "html"],
        vec!["alerts", "--format", "json"],
        vec!["blast", "valued"],
        vec!["blast", "valued", "--format", "dot"],
        vec!["diff", "--files", old, new, "--format", "json"],
        vec!["gameday", "list"],
        vec!["incident", "log", "--kind", "note", "\n::error::forged"],
        vec!["new", "x\n::error::forged"],
        vec!["fmt"],
    ];
    let mut forged = Vec::new();
    for args in &commands {
        let (stdout, stderr) = run(root, args);
        for (stream, bytes) in [("stdout", &stdout), ("stderr", &stderr)] {
            for line in workflow_lines(bytes) {
                forged.push(format!("{} ({stream}): {line}", args.join(" ")));
            }
            for leak in raw_controls(bytes) {
                forged.push(format!("{} ({stream}): {leak}", args.join(" ")));
            }
        }
    }
    assert!(forged.is_empty(), "{}", forged.join("\n"));
    // `check --format github` writes workflow commands, its own only: one per finding, each
    // naming a file that exists, and none of the forged ones.
    let (stdout, _) = run(root, &["check", "--format", "github"]);
    let (json, _) = run(root, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let lines = workflow_lines(&stdout);
    assert_eq!(lines.len(), json["findings"].as_array().unwrap().len());
    for line in &lines {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
        let file = line.split(',').next().unwrap();
        assert!(!file.ends_with("file=README.md"), "{line}");
    }
}

#[test]
fn markdown_for_pull_requests_keeps_safe_links_only_and_mentions_nobody() {
    let dir = hostile_workspace();
    let root = dir.path();
    let bad = "click [here](javascript:alert(1)) ![pixel](https://t.example/p.gif) [ok](https://ok.example) cc @octocat";
    let register = format!(
        "{{\n  \"component\": \"md\",\n  \"title\": \"{bad}\",\n  \"risks\": [\n    {{\n      \"id\": \"r\",\n      \"title\": \"{bad}\",\n      \"likelihood\": \"low\",\n      \"impact\": \"low\",\n      \"status\": \"open\"\n    }}\n  ]\n}}\n"
    );
    fs_write(&root.join("registers/md.json"), &register);
    fs_write(
        &root.join("incidents/2026-11-26-md.jsonl"),
        &format!(
            "{{\"kind\":\"incident\",\"title\":\"{bad}\",\"started\":\"2026-11-26T10:00:00+00:00\",\"severity\":\"P2\",\"roles\":{{\"lead\":\"@octocat\"}},\"risks\":[]}}\n{{\"at\":\"2026-11-26T10:01:00+00:00\",\"kind\":\"note\",\"text\":\"{bad}\",\"by\":\"@hubot\"}}\n"
        ),
    );
    let old = root.join("old");
    for args in [
        vec!["export", "--format", "markdown"],
        vec![
            "diff",
            "--files",
            old.to_str().unwrap(),
            root.to_str().unwrap(),
            "--format",
            "markdown",
        ],
        vec!["incident", "report", "incidents/2026-11-26-md.jsonl"],
    ] {
        let (stdout, _) = run(root, &args);
        let md = String::from_utf8(stdout).unwrap();
        assert!(md.contains("click"), "{args:?}: {md}");
        assert!(!md.contains("[here](javascript:"), "{args:?}: {md}");
        assert!(!md.contains("![pixel]"), "{args:?}: {md}");
        assert!(
            md.contains("[pixel](https://t.example/p.gif)"),
            "{args:?}: {md}"
        );
        assert!(md.contains("[ok](https://ok.example)"), "{args:?}: {md}");
        assert!(!md.contains(" @octocat"), "{args:?}: {md}");
        assert!(
            !md.contains("@hubot") || md.contains("`@`hubot"),
            "{args:?}: {md}"
        );
    }
}

fn fs_write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}
