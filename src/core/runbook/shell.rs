//! A runbook's shell steps: which fenced blocks may be run from the viewer (`sh`, `bash`,
//! `shell`, `console`, `zsh`; never one whose info string says `norun` or that follows a
//! `<!-- faultline: no-run -->` comment), the command a block runs (a `console` block's
//! `$ ` lines, without their prompts), and the environment variables it uses.

/// The languages a step may be run in.
pub const SHELLS: [&str; 5] = ["sh", "bash", "shell", "console", "zsh"];

/// The comment that keeps the next block from ever being offered.
pub const NO_RUN_MARK: &str = "faultline: no-run";

/// Whether a fenced block with this info string is a shell step.
pub fn is_shell(info: &str) -> bool {
    let mut words = info.split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}');
    let lang = words.next().unwrap_or("").to_ascii_lowercase();
    SHELLS.contains(&lang.as_str()) && !info.to_ascii_lowercase().contains("norun")
}

/// The command a block runs: its text; for `console`, only the lines typed after a `$ `
/// prompt (the rest is output shown in the runbook).
pub fn command(lang: &str, text: &str) -> String {
    if !lang.eq_ignore_ascii_case("console") {
        return text.trim_end().to_owned();
    }
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("$ "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The variables the command reads (`$NAME`, `${NAME}`), once each, in order; positional and
/// special parameters (`$1`, `$?`, `$$`) are not variables to ask for.
pub fn variables(command: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bytes = command.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let braced = bytes.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        let name = &command[start..end];
        let is_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if is_name && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
        i = end.max(i + 1);
    }
    out
}

/// A file name's words from a command's first line: `kubectl rollout restart` →
/// `kubectl-rollout-restart` (at most 40 characters; `step` when it has none).
pub fn slug(command: &str) -> String {
    let first = command.lines().next().unwrap_or("");
    let mut id = crate::core::id::suggest_id(first);
    if let Some((i, _)) = id.char_indices().nth(40) {
        id.truncate(i);
    }
    let id = id.trim_end_matches('-').to_owned();
    if id.is_empty() { "step".to_owned() } else { id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_blocks_commands_and_variables() {
        assert!(is_shell("bash"));
        assert!(is_shell("console"));
        assert!(!is_shell("bash norun"));
        assert!(!is_shell("python"));
        assert!(!is_shell(""));
        assert_eq!(
            command("console", "$ kubectl get pods\nNAME READY\n$ echo done\n"),
            "kubectl get pods\necho done"
        );
        assert_eq!(command("bash", "echo hi\n"), "echo hi");
        assert_eq!(
            variables("echo $CLUSTER ${REGION} $1 $? \\$NOT $CLUSTER-x"),
            ["CLUSTER", "REGION"]
        );
        assert_eq!(
            slug("aws rds failover-db-cluster --id $DB"),
            "aws-rds-failover-db-cluster-id-db"
        );
        assert_eq!(slug("!!"), "step");
    }
}
