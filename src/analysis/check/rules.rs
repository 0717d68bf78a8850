//! Every rule `check` reports, with what it means and how to fix it: one table, read by the
//! SARIF report (its rules and their help) and checked against the README's table by a test.

/// A rule of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    /// The level it is usually reported at.
    pub error: bool,
    /// What it means, in one sentence.
    pub summary: &'static str,
    /// What to do about it.
    pub help: &'static str,
}

const fn error(id: &'static str, summary: &'static str, help: &'static str) -> Rule {
    Rule {
        id,
        error: true,
        summary,
        help,
    }
}

const fn warning(id: &'static str, summary: &'static str, help: &'static str) -> Rule {
    Rule {
        id,
        error: false,
        summary,
        help,
    }
}

/// Every rule, in the README's order.
pub const RULES: &[Rule] = &[
    error(
        "json-syntax",
        "The register file is not valid JSON.",
        "Fix the syntax at the position given; the rest of the workspace is still checked.",
    ),
    error(
        "conflict-marker",
        "The file holds a git conflict marker.",
        "Finish the merge: keep one side (or both, merged) and remove the <<<<<<< ======= >>>>>>> lines.",
    ),
    error(
        "invalid-utf8",
        "The file is not UTF-8.",
        "Save the file as UTF-8. A runbook is still shown, with replacement characters.",
    ),
    error(
        "empty-file",
        "The register file is empty.",
        "Write the register (`faultline` creates one with `:new NAME`) or delete the file.",
    ),
    error(
        "file-too-large",
        "The file is over the 16 MiB limit and is not read.",
        "Split the component, or move large text out of the register.",
    ),
    error(
        "file-name",
        "The file's name is not UTF-8: it is not loaded, and never written.",
        "Rename the file.",
    ),
    error(
        "io-error",
        "The file could not be read.",
        "Check its permissions, and that it is a file.",
    ),
    error(
        "unknown-field",
        "A field name the register format does not have (often a typo).",
        "Rename it as the message suggests, or remove it.",
    ),
    error(
        "invalid-value",
        "A wrong level, status, date or number.",
        "Levels are very-low, low, medium, high, very-high; dates are YYYY-MM-DD.",
    ),
    error(
        "missing-field",
        "A field every register or risk must have is missing.",
        "Add the field named in the message.",
    ),
    warning(
        "future-date",
        "A date (a rehearsal, a review) later than today.",
        "Correct the date: a rehearsal cannot have happened yet.",
    ),
    error(
        "control-character",
        "Register text holds an escape sequence, another control character or a bidi control.",
        "Remove the character: it could rewrite a terminal or hide text in review. Newlines in prose are fine.",
    ),
    error(
        "id-format",
        "An id that is not lower-case letters, digits and dashes.",
        "Rename the id to [a-z0-9-] (the TUI does it when you edit the title of a new risk).",
    ),
    error(
        "component-mismatch",
        "The register's `component` differs from its file name.",
        "Make `component` equal the file name without `.json`.",
    ),
    error(
        "duplicate-risk-id",
        "Two risks of one register share an id.",
        "Give one of them another id; links and timelines refer to risks by id.",
    ),
    error(
        "empty-title",
        "A risk or register without a title.",
        "Write a title: it is what the finder, lists and reports show.",
    ),
    error(
        "unknown-dependency",
        "`depends_on` names no component of the workspace.",
        "Correct the name, or add the component's register.",
    ),
    warning(
        "malformed-reference",
        "A `depends_on` entry with a `:` that is neither `repo:component` nor a Backstage entity ref.",
        "Write `repo:component` (the repository's name in org.toml) or `component:namespace/name`.",
    ),
    error(
        "unknown-reference",
        "`faultline org check`: a `depends_on` entry names another repository's component that does not exist (or a repository the organisation file does not list).",
        "Correct the reference, or add the component's register in that repository.",
    ),
    error(
        "repo-not-fetched",
        "`faultline org …`: a repository of the organisation file has never been fetched, or its last fetch failed before it had a checkout.",
        "Run `faultline org fetch`; its message says why a repository could not be fetched.",
    ),
    warning(
        "self-dependency",
        "A component lists itself in `depends_on`.",
        "Remove it from its own `depends_on`.",
    ),
    error(
        "runbook-missing",
        "A risk's runbook link names a file that does not exist.",
        "Correct the path, or write the runbook (the TUI offers a stub).",
    ),
    error(
        "anchor-missing",
        "A runbook link's #anchor names no heading of the runbook.",
        "Link to an existing heading (the message suggests the closest), or add the heading.",
    ),
    error(
        "link-outside-workspace",
        "A link leads outside the workspace.",
        "Link to a runbook inside the repository, or use a web address.",
    ),
    error(
        "broken-link",
        "A link between runbooks does not resolve.",
        "Correct the link's path or anchor.",
    ),
    warning(
        "not-canonical",
        "The file is valid but not as `faultline fmt` writes it.",
        "Run `faultline fmt` so that diffs stay small.",
    ),
    warning(
        "no-mitigation",
        "A high or critical risk without mitigation (unless accepted).",
        "Write what mitigates it, or accept the risk with who accepted it and until when.",
    ),
    warning(
        "no-runbook",
        "A high or critical risk without a runbook.",
        "Link the runbook that says what to do when it happens.",
    ),
    error(
        "acceptance-incomplete",
        "An accepted risk that does not say who accepted it or until when.",
        "Fill in accepted_by and accepted_until (the TUI asks for both when the status becomes accepted).",
    ),
    error(
        "acceptance-expired",
        "A risk's acceptance has passed its accepted_until date.",
        "Decide again: mitigate the risk, or accept it anew with a new date.",
    ),
    warning(
        "acceptance-expiring",
        "A risk's acceptance ends within 14 days.",
        "Decide before it expires: mitigate the risk, or extend the acceptance.",
    ),
    warning(
        "unknown-category",
        "A risk's category is not one the workspace uses.",
        "Use one of faultline.toml's [register] categories (by default the production-readiness areas: scalability, resiliency, monitoring, recoverability, security, support, organisation, cost).",
    ),
    warning(
        "no-recovery-objectives",
        "A component with an availability objective and no rto_minutes.",
        "Say how fast it must recover (rto_minutes), and how much data it may lose (rpo_minutes) if it keeps any.",
    ),
    warning(
        "no-recoverability-risk",
        "A component with an availability objective and no risk in the recoverability category.",
        "Consider how it comes back from losing its data, its region or its provider.",
    ),
    warning(
        "security-never-rehearsed",
        "No security risk anywhere has been rehearsed.",
        "Run a game day on a security risk (a leaked credential, an expired certificate).",
    ),
    warning(
        "follow-up-overdue",
        "An open follow-up past its due date.",
        "Do it and mark it done (`d` on it in the TUI's risk form), or give it a new date.",
    ),
    warning(
        "no-follow-up",
        "A high or critical risk whose last resolved incident logged no follow-up.",
        "Log what will be done about it (`incident log --kind follow-up --risk …`) and write it back (`incident report --write-back`).",
    ),
    warning(
        "never-rehearsed",
        "A high or critical risk never rehearsed.",
        "Run a game day on it (`faultline gameday start`).",
    ),
    warning(
        "stale-rehearsal",
        "A high or critical risk not rehearsed for 180 days.",
        "Rehearse it again: runbooks and systems drift.",
    ),
    warning(
        "timeline-open",
        "An incident or game day neither resolved nor abandoned more than 7 days after it started.",
        "Resolve it (`faultline incident resolve`) or cancel it with a reason.",
    ),
    warning(
        "measured-over-estimate",
        "A rehearsal measured more than twice the risk's estimated minutes to detect or repair.",
        "Update the estimate, or improve detection and the runbook.",
    ),
    warning(
        "budget-share",
        "One risk's expected bad minutes exceed 25 % of its component's error budget.",
        "Mitigate the risk, or revisit the objective.",
    ),
    error(
        "alert-missing",
        "A risk names an alert the monitoring config does not define.",
        "Correct the name (the message suggests the closest: alerts get renamed), or define the alert.",
    ),
    warning(
        "alert-pattern",
        "An alert matched only by a name built from variables.",
        "Name the alert as deployed, or accept the pattern match.",
    ),
    warning(
        "alert-ambiguous",
        "An alert defined by several sources.",
        "Prefix the name with its source, e.g. `cloudwatch:NAME`.",
    ),
    warning(
        "alert-runbook-mismatch",
        "A risk and its alert link different runbooks.",
        "Make the alert's runbook_url and the risk's runbook agree.",
    ),
    warning(
        "alert-uncovered",
        "Alerts no risk names, one finding per file.",
        "Name them from the risks they detect, or list them under `ignore` in faultline.toml.",
    ),
    warning(
        "monitoring-unparseable",
        "A monitoring file that cannot be read; the rest are read.",
        "Fix the syntax, or leave the file out with `ignore` in faultline.toml.",
    ),
    error(
        "config-invalid",
        "faultline.toml has an unknown key or a wrong value (the defaults are used).",
        "Correct the key or value named in the message.",
    ),
    error(
        "timeline-header",
        "A timeline whose header does not read.",
        "Restore the first line from git; events are never rewritten.",
    ),
    error(
        "timeline-line",
        "A damaged event line in a timeline.",
        "Restore the line from git.",
    ),
    error(
        "timeline-torn",
        "A timeline's last line cut off mid-write.",
        "Remove the partial last line; the events before it are intact.",
    ),
    error(
        "timeline-time",
        "An event time that is not RFC 3339.",
        "Write the time as 2026-01-31T14:05:00Z.",
    ),
    error(
        "unknown-risk",
        "A timeline names a risk that is not in the register.",
        "Correct the reference, or restore the risk.",
    ),
];

/// The rule with id `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
