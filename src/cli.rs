//! The command line, as clap definitions only.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "faultline",
    version,
    about = "A terminal UI for a team's risk register and runbooks",
    long_about = "A terminal UI for a team's risk register and runbooks.\n\nWith no subcommand, opens the TUI on the workspace: the nearest directory, going up from here, that holds `registers/`."
)]
pub struct Cli {
    /// The workspace directory (default: found by walking up from the current directory)
    #[arg(long, short = 'w', global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,

    /// Open the TUI without any way to change the register (for incidents)
    #[arg(long)]
    pub read_only: bool,

    /// Edit the register even while an incident is open in the workspace (which otherwise
    /// opens the TUI read-only)
    #[arg(long, conflicts_with = "read_only")]
    pub edit: bool,

    /// Leave the mouse to the terminal (text selection), instead of clicks and the wheel (also
    /// on the commands that open the TUI: runbook, incident/gameday new and open)
    #[arg(long)]
    pub no_mouse: bool,

    /// Never run a runbook's shell steps (`x` in the viewer); `--read-only` implies it
    #[arg(long, global = true)]
    pub no_run: bool,

    /// The organisation file (default: org.toml here): with no command, opens the TUI
    /// read-only over every repository it lists; with `org …`, the file those commands read
    #[arg(long, global = true, value_name = "FILE")]
    pub org: Option<PathBuf>,

    /// Where `org` commands keep the fetched repositories (default: the platform's cache
    /// directory, e.g. ~/.cache/faultline/org)
    #[arg(long, global = true, value_name = "DIR")]
    pub cache: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Whether the mouse is left to the terminal: `--no-mouse` before the command or on a
    /// command that opens the TUI.
    pub fn no_mouse(&self) -> bool {
        let on_command = match &self.command {
            Some(Command::Runbook { no_mouse, .. }) => *no_mouse,
            Some(
                Command::Incident {
                    action:
                        IncidentCommand::New { no_mouse, .. }
                        | IncidentCommand::Common(TimelineCommand::Open { no_mouse, .. }),
                }
                | Command::Gameday {
                    action:
                        GamedayCommand::New { no_mouse, .. }
                        | GamedayCommand::Common(TimelineCommand::Open { no_mouse, .. }),
                },
            ) => *no_mouse,
            _ => false,
        };
        self.no_mouse || on_command
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every register and runbook and lint the register's policy
    #[command(
        long_about = "Validate every register and runbook (schema, ids, links and anchors, canonical form) and lint policy.\n\nExit status: 0 when there is no error-level finding, 1 when there is, 2 on a usage or I/O failure."
    )]
    Check {
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Only findings in files changed since this git revision (committed or not), and
        /// those the changes cause in other files (`BASE...HEAD`: since the merge base)
        #[arg(long, value_name = "BASE")]
        changed: Option<String>,
    },
    /// Rewrite register files in canonical form
    Fmt {
        /// List files that are not in canonical form, change nothing, exit 1 if any
        #[arg(long)]
        check: bool,
    },
    /// Semantic diff of the register between two git revisions (default: HEAD against the
    /// working tree)
    #[command(
        long_about = "Semantic diff of the register between two git revisions.\n\nWith no revision: HEAD against the working tree. With BASE alone: BASE against the working tree. BASE may be `A...B` (the merge base of A and B against B). `--files OLD NEW` compares two workspace directories instead.\n\nExit status: 0, or with --exit-code 1 when something changed; 2 on a usage error, an unknown revision or outside a git repository."
    )]
    Diff {
        /// The old revision (any revision git accepts; `A...B` uses the merge base)
        base: Option<String>,
        /// The new revision (default: the working tree)
        head: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit 1 when the register changed, like `git diff --exit-code`
        #[arg(long)]
        exit_code: bool,
        /// Compare two workspace directories instead of git revisions
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["base", "head"])]
        files: Option<Vec<PathBuf>>,
    },
    /// Print one register file as stable line-per-field text (a git textconv driver)
    #[command(
        long_about = "Print one register file as stable line-per-field text, so that `git diff` and `git log -p` show readable changes.\n\nSet it up with:\n  echo 'registers/*.json diff=faultline' >> .gitattributes\n  git config diff.faultline.textconv 'faultline textconv'"
    )]
    Textconv {
        /// The register file
        file: PathBuf,
    },
    /// Print the JSON Schema of a register file, for editors to validate while typing
    Schema {
        /// The schema of one line of a game day or incident timeline instead
        #[arg(long)]
        timeline: bool,
    },
    /// Print shell completions
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Open the runbook viewer at the best fuzzy match among runbook files and headings
    Runbook {
        /// What to look for, e.g. "aurora failover"
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Leave the mouse to the terminal (text selection), instead of clicks and the wheel
        #[arg(long)]
        no_mouse: bool,
        /// `open` shows the section (printed when not on a terminal); `json` prints the decision
        /// without opening anything: {"opened": {...} | null, "candidates": [...]}, exit 0 when
        /// it would open, 2 when not
        #[arg(long, value_enum, default_value_t = RunbookFormat::Open)]
        format: RunbookFormat,
    },
    /// Create registers/COMPONENT.json, an empty register for a new component
    New {
        /// The component id: lowercase letters, digits and hyphens
        component: String,
    },
    /// Run and review live incidents: an append-only timeline under incidents/
    Incident {
        #[command(subcommand)]
        action: IncidentCommand,
    },
    /// Rehearse a failure: a game day's timeline under gamedays/, its report and write-back
    Gameday {
        #[command(subcommand)]
        action: GamedayCommand,
    },
    /// Move in from a spreadsheet: create or extend registers from .csv, .tsv, .xlsx or .ods
    #[command(
        long_about = "Create or extend registers/<component>.json from a spreadsheet: .xlsx or .ods (the first sheet, or --sheet NAME), or .csv/.tsv (`,`, `;` or tab; a BOM, CRLF and quoted newlines are fine). Headers are matched loosely (Component/Service/System, Risk/Failure mode/Title, Likelihood/Probability, Impact/Severity, Detection/Monitoring, Mitigation/Controls, Runbook/Playbook, Owner, Status, Tickets, Last rehearsed, …); levels from L/M/H, words or 1–5 (a 1–3 scale maps to low, medium, high); a component written only on its first row is inherited by the rows under it.\n\nExisting risks are never overwritten unless --update. Each bad row is reported as FILE:row:column (FILE[sheet]:row:column for a workbook) and skipped; if bad rows outnumber good ones nothing is written unless --force.\n\nExit status: 0, 1 when a row was bad, 2 on a usage or I/O failure."
    )]
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Import {
        #[command(subcommand)]
        from: Option<ImportFrom>,
        /// The spreadsheet: .csv, .tsv, .xlsx or .ods
        #[arg(required = true)]
        file: Option<PathBuf>,
        /// The sheet of a workbook (default: the first)
        #[arg(long)]
        sheet: Option<String>,
        /// Print what would change (as `faultline diff` says it) and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Replace risks that already exist (by component and id)
        #[arg(long)]
        update: bool,
        /// Write even when bad rows outnumber good ones
        #[arg(long)]
        force: bool,
        /// The row holding the headers (default: the first of the first 20 rows holding two
        /// known headers)
        #[arg(long, value_name = "N")]
        header_row: Option<usize>,
        /// The likelihood of a risk whose sheet gives none (no column, or an empty cell);
        /// without it such a sheet or row is refused
        #[arg(long, value_name = "LEVEL")]
        default_likelihood: Option<String>,
        /// The impact of a risk whose sheet gives none; without it such a sheet or row is refused
        #[arg(long, value_name = "LEVEL")]
        default_impact: Option<String>,
    },
    /// The register as CSV (which import reads back), markdown, or a self-contained HTML page
    Export {
        /// Output format
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write here instead of printing
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The alerts defined in the repository's monitoring config (Prometheus, Grafana,
    /// Terraform, CloudFormation, Sloth), the risks naming each, and the coverage
    #[command(
        long_about = "The alerts defined in the repository's monitoring config, each with its source, name, path:line and runbook_url, the risks that name it, and the share of alerts named by a risk.\n\nFiles read by default: **/*.rules.y*ml, **/rules/**/*.y*ml, **/alerts/**/*.y*ml, **/alerting/**/*.y*ml, **/prometheus/**/*.y*ml, **/monitoring/**/*.y*ml, **/*.tf, **/provisioning/alerting/**, CloudFormation templates (**/*.template.*, **/template.y*ml, **/cloudformation/**, cdk.out/*.template.json), Sloth specs (**/slos/**, **/*.slo.y*ml); .git, target, node_modules and files over 16 MiB are skipped. faultline.toml's [monitoring] section sets paths, ignore and runbook_base_url.\n\nNames built from variables (${var.env}-…, !Sub) are patterns, marked ~, and match by their literal parts. CDK source cannot be read statically: run `cdk synth` and the templates in cdk.out are read."
    )]
    Alerts {
        /// Output format
        #[arg(long, value_enum, default_value_t = AlertsFormat::Text)]
        format: AlertsFormat,
        /// Only the alerts no risk names
        #[arg(long)]
        uncovered: bool,
    },
    /// How ready the team is for each component's risks, and what would raise it most
    #[command(
        long_about = "Readiness from facts the register already has, decaying with time. A risk: 100 when rehearsed within 90 days, 75 within 180, 50 after, 0 never; minus 25 each for a last rehearsal that did not get through its runbook's steps, a missing or broken runbook link, and (with monitoring config) no alert named or one not defined. A component: its risks' readiness weighted by score (likelihood × impact); the workspace: every risk's, likewise.\n\nExit status: 0, or 2 on a usage or I/O failure."
    )]
    Readiness {
        /// Output format
        #[arg(long, value_enum, default_value_t = ReadinessFormat::Text)]
        format: ReadinessFormat,
        /// How many actions to suggest
        #[arg(long, default_value_t = 3)]
        top: usize,
    },
    /// Time to detect, mitigate and resolve across incidents and, apart, drills (game days)
    #[command(
        long_about = "Time to detect, mitigate and resolve across incidents and, apart, drills (game days, and incidents marked as drills), for the workspace, per component and per risk, as the median and the worst. Each counts from the impact's start when the timeline logged one (`impact-started`), else from its start.\n\nExit status: 0, or 2 on a usage or I/O failure."
    )]
    Stats {
        /// Only timelines started on or after this date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
    },
    /// Follow-ups across the workspace: open ones first, the most overdue at the top
    #[command(
        long_about = "Follow-ups across the workspace, from every risk's follow_ups: open ones first, the most overdue at the top, then by due date.\n\nExit status: 0, or 2 on a usage or I/O failure. `check` warns on each open follow-up past its due date."
    )]
    Followups {
        /// Only those not done
        #[arg(long)]
        open: bool,
        /// Only those open and past their due date
        #[arg(long)]
        overdue: bool,
        /// Only this owner's (case-insensitive)
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = FollowupsFormat::Text)]
        format: FollowupsFormat,
    },
    /// Blast radius: every component a failure of COMPONENT reaches through depends_on
    Blast {
        /// The failing component
        component: String,
        /// Output format
        #[arg(long, value_enum, default_value_t = BlastFormat::Text)]
        format: BlastFormat,
    },
    /// The organisation: many repositories' registers, fetched with git and read together
    #[command(
        long_about = "The organisation: the repositories an organisation file lists (org.toml here, or --org FILE), each with its workspace, fetched with git into a cache (--cache DIR) and read together. Components are `repo:component`; `depends_on` may name another repository's component as `repo:component` or a Backstage entity ref (`component:default/name`).\n\n[[repo]]\nname = \"payments\"                          # used in references and reports\nurl = \"git@github.com:acme/payments.git\"   # or a local path\nref = \"main\"                               # optional: the remote's HEAD\npath = \"ops\"                               # optional: the workspace's subdirectory\nteam = \"checkout\"                          # optional\n\nExit status as each command's single-repository form; `fetch` exits 1 when a repository could not be fetched."
    )]
    Org {
        #[command(subcommand)]
        action: OrgCommand,
    },
    /// Print the register as a table, highest score first
    List {
        /// Sort order
        #[arg(long, value_enum, default_value_t = ListSort::Score)]
        sort: ListSort,
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Bring every repository up to date in the cache: a shallow, partial clone with a sparse
    /// checkout of the workspace (registers, runbooks, gamedays, incidents, faultline.toml)
    Fetch {
        /// How many repositories at once
        #[arg(long, short = 'j', default_value_t = 4, value_name = "N")]
        jobs: usize,
        /// Seconds each git command may take before it is stopped
        #[arg(long, default_value_t = 600, value_name = "SECONDS")]
        timeout: u64,
    },
    /// Every repository's register as one table, with a repository and team column
    List {
        /// Sort order
        #[arg(long, value_enum, default_value_t = ListSort::Score)]
        sort: ListSort,
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Check every repository as `check` does, and the references between repositories
    Check {
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Readiness of the organisation, each team, each repository and each component
    Readiness {
        /// Output format
        #[arg(long, value_enum, default_value_t = ReadinessFormat::Text)]
        format: ReadinessFormat,
        /// How many actions to suggest
        #[arg(long, default_value_t = 5)]
        top: usize,
    },
    /// Time to detect, mitigate and resolve across every repository's incidents and drills
    Stats {
        /// Only timelines started on or after this date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
    },
    /// Blast radius across repositories: COMPONENT as `repo:component` (or a component id
    /// only one repository has)
    Blast {
        /// The failing component
        component: String,
        /// Output format
        #[arg(long, value_enum, default_value_t = BlastFormat::Text)]
        format: BlastFormat,
    },
    /// The organisation's register: CSV, markdown or JSON (with repository and team), or an
    /// HTML site (an index with the organisation's heat map, and a page per team) in -o DIR
    Export {
        /// Output format
        #[arg(long, value_enum)]
        format: OrgExportFormat,
        /// Write here (a directory for html) instead of printing
        #[arg(long, short = 'o', value_name = "OUT")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrgExportFormat {
    Csv,
    Markdown,
    Json,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Start an incident: create incidents/<date>-<slug>.jsonl with its header
    New {
        /// What is happening, e.g. "Checkout returns 502"
        #[arg(required = true, num_args = 1..)]
        title: Vec<String>,
        /// P1 (worst) to P4
        #[arg(long, default_value = "P2")]
        severity: String,
        /// A risk in play, COMPONENT/ID (repeatable)
        #[arg(long = "risk", value_name = "COMPONENT/ID")]
        risks: Vec<String>,
        /// Who leads
        #[arg(long)]
        lead: Option<String>,
        /// A rehearsal run as an incident: kept out of incident statistics
        #[arg(long)]
        drill: bool,
        /// Leave the mouse to the terminal (text selection), instead of clicks and the wheel
        #[arg(long)]
        no_mouse: bool,
    },
    /// Write the review document as markdown (to stdout, or -o OUT)
    Report {
        /// The incident (default: the most recent)
        file: Option<PathBuf>,
        /// Write the markdown here instead of printing it
        #[arg(long, short = 'o', value_name = "OUT")]
        output: Option<PathBuf>,
        /// Record its follow-ups in the register: each on the risk it concerns, or as a new
        /// risk (written once: a second run adds nothing)
        #[arg(long)]
        write_back: bool,
    },
    #[command(flatten)]
    Common(TimelineCommand),
}

#[derive(Debug, Subcommand)]
pub enum GamedayCommand {
    /// Start a game day on a risk, chosen or drawn at random (weighted by score × staleness)
    New {
        /// The risk to rehearse, COMPONENT/ID
        #[arg(
            long = "risk",
            value_name = "COMPONENT/ID",
            required_unless_present = "draw",
            conflicts_with = "draw"
        )]
        risk: Option<String>,
        /// Draw the risk at random, weighted by score × days since last rehearsed
        #[arg(long)]
        draw: bool,
        /// The seed of the draw, to reproduce it
        #[arg(long, requires = "draw")]
        seed: Option<u64>,
        /// A title (default: "Game day: <risk title>")
        #[arg(long)]
        title: Option<String>,
        /// Who facilitates (leads)
        #[arg(long)]
        lead: Option<String>,
        /// Leave the mouse to the terminal (text selection), instead of clicks and the wheel
        #[arg(long)]
        no_mouse: bool,
    },
    /// Write the review; with --write-back, record the rehearsal in the register
    Report {
        /// The game day (default: the most recent)
        file: Option<PathBuf>,
        /// Write the markdown here instead of printing it
        #[arg(long, short = 'o', value_name = "OUT")]
        output: Option<PathBuf>,
        /// Record the rehearsal on each risk in play: last_rehearsed, the questions raised, and
        /// the measured minutes to detect and repair in its `rehearsals` (the estimate is kept);
        /// and its follow-ups, each on the risk it concerns or as a new risk
        #[arg(long)]
        write_back: bool,
        /// With --write-back: also replace the estimate (ettd/ettr minutes) with the measurement
        #[arg(long, requires = "write_back")]
        replace_estimate: bool,
    },
    #[command(flatten)]
    Common(TimelineCommand),
}

/// What incidents and game days share.
// `log` carries most flags; a command line is parsed once, so its size is of no matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum TimelineCommand {
    /// Open the view on a timeline (default: the most recent not resolved), to resume it
    Open {
        /// The timeline file
        file: Option<PathBuf>,
        /// Leave the mouse to the terminal (text selection), instead of clicks and the wheel
        #[arg(long)]
        no_mouse: bool,
    },
    /// Append one event from another terminal or a script
    #[command(
        long_about = "Append one event to a timeline, flushed to disk before this command returns. An open faultline showing the timeline picks it up.

FILE may come first; the default is the most recent timeline not resolved."
    )]
    Log {
        /// The kind: hypothesis, action, observation, decision, step-done, detected, mitigated,
        /// resolved, severity-changed, role-changed, question, note, follow-up (default: note,
        /// or what --severity, --role or the follow-up flags imply)
        #[arg(long)]
        kind: Option<String>,
        /// Who says so
        #[arg(long)]
        by: Option<String>,
        /// severity-changed: the new severity (P1–P4)
        #[arg(long)]
        severity: Option<String>,
        /// role-changed: the role (lead, communications, scribe) the TEXT's name now holds
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        follow_up: FollowUpArgs,
        /// When it happened, if not now: RFC 3339, or HH:MM[:SS] on the timeline's start date in
        /// its offset (`--kind impact-started --at 09:12`, logged after the fact)
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// role-changed for lead: the hand-off summary (what is known, what is being tried,
        /// what is next); asked for on a terminal when not given
        #[arg(long, value_name = "TEXT")]
        handoff: Option<String>,
        /// [FILE] TEXT: what happened
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// Drop a timeline without resolving it: appends an `abandoned` event, after which lists,
    /// `check` and the read-only rule treat it as closed
    Cancel {
        /// The timeline (default: the one still open)
        file: Option<PathBuf>,
        /// Why it is dropped (recorded as the event's text)
        #[arg(long)]
        reason: Option<String>,
    },
    /// Print the timelines, newest first
    List,
}

/// Where `import` reads from when it is not a spreadsheet.
#[derive(Debug, Subcommand)]
pub enum ImportFrom {
    /// Fill depends_on from Backstage catalog files (catalog-info.yaml, multi-document):
    /// spec.dependsOn of each Component and Resource, without its kind:namespace/ prefix;
    /// components without a register get an empty one
    Backstage {
        /// catalog-info.yaml files
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print what would change (as `faultline diff` says it) and write nothing
        #[arg(long)]
        dry_run: bool,
    },
}

/// What `faultline runbook QUERY` does with its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunbookFormat {
    Open,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlertsFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FollowupsFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReadinessFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BlastFormat {
    Text,
    Json,
    /// Graphviz (`faultline blast db --format dot | dot -Tsvg`)
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::message`)
    Github,
    /// SARIF 2.1.0, for GitHub code scanning (`github/codeql-action/upload-sarif`)
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
    Json,
}

pub use crate::list::{ListFormat, ListSort};

/// A follow-up's fields on `log` (each implies `--kind follow-up`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FollowUpArgs {
    /// follow-up: who will do it
    #[arg(long)]
    pub owner: Option<String>,
    /// follow-up: by when (YYYY-MM-DD)
    #[arg(long)]
    pub due: Option<String>,
    /// follow-up: its ticket id
    #[arg(long)]
    pub ticket: Option<String>,
    /// follow-up: the risk it concerns (component/risk-id), or a component to raise it there
    /// as a new risk (default: a new risk in the first risk in play's component)
    #[arg(long)]
    pub risk: Option<String>,
}

impl FollowUpArgs {
    pub fn any(&self) -> bool {
        self.owner.is_some() || self.due.is_some() || self.ticket.is_some() || self.risk.is_some()
    }
}
