//! The TUI's screens through ratatui's `TestBackend`: scripted keys, `insta` snapshots of what a
//! person sees at 80×24, and checks that colour is never the only signal and that text from
//! files cannot reach the terminal as control characters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use harness::{app_for, example, press, repo, screen, terminal};
use ratatui::style::Color;

#[test]
fn start_screen() {
    let app = example();
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn moving_to_a_risk_shows_it_in_full() {
    let mut app = example();
    // payments-api is the ninth component; its risks sorted by score.
    press(&mut app, "j j j j j j j j tab");
    let text = screen(&app);
    assert!(text.contains("payments-api/concurrency-limit"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn detail_scrolls_to_the_estimate() {
    let mut app = example();
    press(&mut app, "j j j j j j j j tab tab G");
    let text = screen(&app);
    assert!(text.contains("bad minutes a year"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn arrow_keys_and_hjkl_agree() {
    let mut vim = example();
    let mut arrows = example();
    press(&mut vim, "j j l j j");
    press(&mut arrows, "down down right down down");
    assert_eq!(screen(&vim), screen(&arrows));
    assert_eq!(vim.register.component, 2);
    assert_eq!(vim.register.risk, 2);
}

#[test]
fn help_lists_every_binding_from_the_keymap() {
    let mut app = example();
    press(&mut app, "?");
    let text = screen(&app);
    insta::assert_snapshot!(text);
    press(&mut app, "esc");
    assert!(app.overlay.is_none(), "Esc closes help");
    assert!(!app.should_quit, "and does not quit");
}

#[test]
fn help_starts_with_the_current_view_and_hides_edits_when_read_only() {
    let mut app = example();
    press(&mut app, "m ?");
    let text = screen(&app);
    assert!(text.contains("Help · Heat map"), "{text}");
    assert!(
        text.lines().nth(2).unwrap_or_default().contains("Heat map"),
        "the heat map's keys first: {text}"
    );
    let mut app = example();
    app.open_runbook("runbooks/database/aurora-failover.md", None);
    app.run_effects();
    press(&mut app, "?");
    let text = screen(&app);
    assert!(text.contains("Runbook viewer"), "{text}");
    for line in text.lines() {
        assert_eq!(
            line.chars().count(),
            82,
            "fits 80 columns (and quotes): {line}"
        );
    }
    // Read-only: no editing keys at all.
    let mut app = example();
    app.read_only = true;
    let help = help_text(&app);
    for action in faultline::action::Action::ALL {
        if action.is_edit() {
            assert!(
                !help.contains(action.describe()),
                "{action:?} shown under --read-only"
            );
        }
    }
    assert!(help.contains("quit faultline"));
}

/// Help as asked for from the register, 76 columns wide, as text.
fn help_text(app: &faultline::app::App) -> String {
    faultline::screen::help::help_lines(app, faultline::keymap::Context::Register, 76)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn help_mentions_every_action() {
    let app = example();
    let help = help_text(&app);
    for action in faultline::action::Action::ALL {
        assert!(
            help.contains(action.describe()),
            "{action:?} missing from help"
        );
    }
}

#[test]
fn findings_popup_lists_and_jumps() {
    let mut app = app_for(&repo().join("tests/fixtures/broken"), false);
    press(&mut app, "!");
    insta::assert_snapshot!("findings_popup", screen(&app));
    // Errors first, then warnings: the ninth finding is bom-crlf.json's warning; Enter selects
    // that component.
    press(&mut app, "j j j j j j j j enter");
    assert!(app.overlay.is_none());
    assert_eq!(app.selected_file().unwrap().stem, "bom-crlf");
}

#[test]
fn broken_files_still_open_with_their_finding() {
    let mut app = app_for(&repo().join("tests/fixtures/broken"), false);
    // bad-level.json is second in the list.
    press(&mut app, "j");
    let text = screen(&app);
    assert!(text.contains("ERR!"), "{text}");
    assert!(text.contains("good"), "the good file is listed too: {text}");
    insta::assert_snapshot!(text);
}

#[test]
fn q_and_ctrl_c_quit_but_esc_never_does() {
    let mut app = example();
    press(&mut app, "q");
    assert!(app.should_quit);
    let mut app = example();
    press(&mut app, "ctrl-c");
    assert!(app.should_quit);
    let mut app = example();
    for keys in [
        "esc",
        "m esc esc",
        "j tab esc esc esc",
        "ctrl-p esc esc",
        "? esc esc",
    ] {
        press(&mut app, keys);
        assert!(!app.should_quit, "{keys}");
    }
    assert!(app.status.clone().unwrap().contains("q quits"));
}

#[test]
fn bands_read_without_colour() {
    let app = example();
    let terminal = terminal(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        assert_eq!(cell.fg, Color::Reset, "no colour with NO_COLOR");
        assert_eq!(cell.bg, Color::Reset, "no colour with NO_COLOR");
    }
    let text = terminal.backend().to_string();
    for marker in ["CRIT", "HIGH", "MED "] {
        assert!(text.contains(marker), "{marker} missing: {text}");
    }
}

#[test]
fn bands_are_coloured_when_colour_is_on() {
    let app = app_for(&repo(), true);
    let terminal = terminal(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(
        buffer.content.iter().any(|c| c.bg == Color::Red),
        "critical is red"
    );
}

#[test]
fn tiny_and_huge_terminals_do_not_panic() {
    let mut app = example();
    press(&mut app, "j tab");
    for (w, h) in [(1, 1), (20, 5), (40, 12), (200, 60)] {
        app.area = ratatui::layout::Rect::new(0, 0, w, h);
        let _ = terminal(&app, w, h);
        press(&mut app, "tab G ?");
        let _ = terminal(&app, w, h);
        press(&mut app, "esc");
    }
}

#[test]
fn control_characters_from_files_never_reach_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    let register = serde_json::json!({
        "component": "evil",
        "title": "Evil \u{1b}[2J\u{1b}]0;pwned\u{7}title",
        "description": "bidi \u{202e}txet\u{202c} and C1 \u{9b}31m",
        "risks": [{
            "id": "r",
            "title": "Risk \u{1b}]52;c;aGVsbG8=\u{7}",
            "likelihood": "high",
            "impact": "high",
            "detection": "tab\there\u{0}nul",
            "status": "open"
        }]
    });
    std::fs::write(
        dir.path().join("registers/evil.json"),
        serde_json::to_string_pretty(&register).unwrap(),
    )
    .unwrap();
    let mut app = app_for(dir.path(), false);
    for keys in ["", "tab", "tab"] {
        press(&mut app, keys);
        let terminal = terminal(&app, 80, 24);
        for cell in &terminal.backend().buffer().content {
            for c in cell.symbol().chars() {
                assert!(
                    !c.is_control() && !('\u{202a}'..='\u{202e}').contains(&c),
                    "control character U+{:04X} reached the screen",
                    u32::from(c)
                );
            }
        }
        let text = terminal.backend().to_string();
        assert!(text.contains('␛'), "escape shown visibly: {text}");
    }
}

#[test]
fn small_screens_keep_titles_and_the_finder_input() {
    let mut app = example();
    app.resize(40, 12);
    let text = terminal(&app, 40, 12).backend().to_string();
    insta::assert_snapshot!("at_40x12", text);
    let mut app = example();
    app.resize(20, 5);
    press(&mut app, "ctrl-p");
    harness::type_text(&mut app, "aurora");
    let text = terminal(&app, 20, 5).backend().to_string();
    assert!(
        text.contains("> aurora"),
        "the finder's input line is visible: {text}"
    );
}

#[test]
fn counts_follow_filters_and_long_status_messages_end_with_an_ellipsis() {
    let mut app = example();
    press(&mut app, "/");
    harness::type_text(&mut app, "maxLifetime");
    press(&mut app, "enter");
    let text = screen(&app);
    assert!(text.contains("Components (1 of 10)"), "{text}");
    press(&mut app, "tab");
    let text = screen(&app);
    assert!(
        text.contains("(1 of 5)"),
        "the risks pane counts what it shows: {text}"
    );
    app.status = Some("a very long message ".repeat(10));
    let text = screen(&app);
    let status = text.lines().last().unwrap();
    assert!(
        status.trim_end_matches([' ', '"']).ends_with('…'),
        "{status}"
    );
}

#[test]
fn the_heat_map_names_its_axes() {
    let mut app = example();
    press(&mut app, "m");
    let text = screen(&app);
    assert!(
        text.contains("likelihood ↑") && text.contains("impact →"),
        "{text}"
    );
    assert!(text.contains("↑ L    I →"), "{text}");
}

#[test]
fn on_a_wide_screen_t_moves_into_the_side_contents_instead_of_a_second_one() {
    let mut app = example();
    app.resize(130, 30);
    app.open_runbook("runbooks/database/aurora-failover.md", None);
    app.run_effects();
    press(&mut app, "t j");
    let text = terminal(&app, 130, 30).backend().to_string();
    assert_eq!(
        text.matches(" Contents ").count(),
        0,
        "no popup over the side pane: {text}"
    );
    assert!(
        app.viewer.as_ref().unwrap().popup.is_some(),
        "the side pane has the choice"
    );
    press(&mut app, "enter");
    let viewer = app.viewer.as_ref().unwrap();
    assert_eq!(
        viewer.current_section(),
        Some(1),
        "Enter went to the chosen heading"
    );
}

#[test]
fn esc_then_a_key_sent_together_is_both_keys() {
    // Over SSH (or typed fast) Esc and q arrive as one Alt-q.
    let mut app = example();
    press(&mut app, "?");
    press(&mut app, "alt-q");
    assert!(app.overlay.is_none(), "Esc closed help");
    assert!(app.should_quit, "and q quit");
}

#[test]
fn a_component_shows_its_bad_minutes_against_the_error_budget() {
    let mut app = example();
    // cdn-static is the third component: 50 expected bad minutes of a 52.6-minute budget.
    press(&mut app, "j j");
    let text = screen(&app);
    assert!(text.contains("Budget"), "{text}");
    assert!(text.contains("95% of 53 min"), "{text}");
    assert!(!text.contains("OVER"), "{text}");
}

#[test]
fn b_shows_the_blast_radius_and_enter_goes_to_a_component() {
    let mut app = example();
    // orders-db is the eighth component.
    press(&mut app, "j j j j j j j B");
    let text = screen(&app);
    assert!(text.contains("Blast radius · orders-db"), "{text}");
    assert!(text.contains("A failure reaches 3 components"), "{text}");
    assert!(
        text.contains("cycle: payments-api ← api-gateway ← payments-api"),
        "{text}"
    );
    insta::assert_snapshot!("blast_radius", text);
    press(&mut app, "j j enter");
    assert!(app.overlay.is_none());
    assert_eq!(app.selected_file().unwrap().stem, "api-gateway");
    press(&mut app, "B esc");
    assert!(app.overlay.is_none() && !app.should_quit);
}

#[test]
fn the_heat_map_can_be_limited_to_a_blast_radius() {
    let mut app = example();
    press(&mut app, "j j j j j j j B m");
    assert_eq!(app.view, faultline::app::View::HeatMap);
    let text = screen(&app);
    assert!(text.contains("blast radius of orders-db"), "{text}");
    let counted: usize = faultline::screen::heatmap::counts(&app)
        .iter()
        .flatten()
        .sum();
    assert_eq!(
        counted,
        5 + 3 + 5 + 3,
        "orders-db, order-queue, payments-api, api-gateway"
    );
    press(&mut app, "esc");
    assert!(screen(&app).contains("Components (4 of 10)"));
    press(&mut app, "esc");
    assert!(screen(&app).contains("Components (10)"));
    assert!(!app.should_quit);
}

#[test]
fn the_components_pane_grows_with_the_width_and_marks_cut_names() {
    let dir = harness::example_copy();
    std::fs::write(
        dir.path().join("registers/driver-location-ingest.json"),
        "{\n  \"component\": \"driver-location-ingest\",\n  \"title\": \"Driver location ingest\",\n  \"risks\": []\n}\n",
    )
    .unwrap();
    let app = harness::app_for(dir.path(), false);
    let wide = harness::terminal(&app, 160, 30).backend().to_string();
    assert!(wide.contains("driver-location-ingest"), "{wide}");
    let narrow = harness::terminal(&app, 80, 24).backend().to_string();
    assert!(!narrow.contains("driver-location-ingest"), "{narrow}");
    assert!(
        narrow.contains("driver-location-in…"),
        "a cut name ends in …: {narrow}"
    );
}

/// A large workspace's first frame holds its first registers; keys wait while the background
/// load reads the rest, which keeps the registers already read (the same values, not read
/// again) and the selection; then the check follows. A small one is read whole at once.
#[test]
fn a_large_workspace_shows_its_first_registers_then_all() {
    use faultline::app::Loading;
    let dir = tempfile::tempdir().unwrap();
    let registers = dir.path().join("registers");
    std::fs::create_dir_all(&registers).unwrap();
    let write = |n: usize| {
        for i in 0..n {
            let id = format!("c{i:03}");
            let text = format!(
                "{{\n  \"component\": \"{id}\",\n  \"title\": \"{id}\",\n  \"owner\": \"team\",\n  \"risks\": []\n}}\n"
            );
            std::fs::write(registers.join(format!("{id}.json")), text).unwrap();
        }
    };
    let opts = faultline::tui::Options {
        root: dir.path().to_path_buf(),
        read_only: false,
        edit: false,
        mouse: false,
        no_run: false,
    };
    write(faultline::tui::FIRST_REGISTERS);
    let app = faultline::tui::load_app_first(&opts).unwrap();
    assert_eq!(app.ws.components.len(), faultline::tui::FIRST_REGISTERS);
    assert!(app.takes_keys(), "every register read: nothing to wait for");
    let all = faultline::tui::FIRST_REGISTERS + 20;
    write(all);
    let mut app = faultline::tui::load_app_first(&opts).unwrap();
    app.resize(80, 24);
    assert_eq!(app.ws.components.len(), faultline::tui::FIRST_REGISTERS);
    assert!(!app.takes_keys(), "keys wait for the rest");
    assert!(screen(&app).contains("reading every register…"));
    press(&mut app, "j j");
    let first = app.ws.components[0].content.as_ref().unwrap().clone();
    let loading = faultline::tui::check_in_background(&mut app);
    let wait = std::time::Duration::from_secs(60);
    let registers = loading.recv_timeout(wait).unwrap();
    assert!(matches!(registers, Loading::Registers { .. }));
    app.attach(registers);
    assert_eq!(app.ws.components.len(), all);
    assert!(app.takes_keys());
    assert!(
        std::sync::Arc::ptr_eq(&first, app.ws.components[0].content.as_ref().unwrap()),
        "a register read for the first frame is not read again"
    );
    assert_eq!(
        app.selected_file().unwrap().stem,
        "c002",
        "the selection stays"
    );
    let text = screen(&app);
    assert!(text.contains(&format!("Components ({all})")), "{text}");
    assert!(text.contains("checking runbooks and links…"), "{text}");
    let checked = loading.recv_timeout(wait).unwrap();
    assert!(matches!(checked, Loading::Checked(_)));
    app.attach(checked);
    assert!(!app.checking);
}

/// The finder opened before the background load brought its index searches that index once it
/// comes, for the query typed so far and what is typed after (it narrowed from the matches in
/// the empty index before: nothing, whatever was typed).
#[test]
fn a_finder_opened_before_its_index_came_searches_it_when_it_does() {
    let mut app = example();
    app.search = faultline::search::SearchIndex::default();
    press(&mut app, "ctrl-p");
    harness::type_text(&mut app, "pay");
    let found = |app: &faultline::app::App| harness::finder(app).matches.items.len();
    assert_eq!(found(&app), 0);
    let loading = faultline::tui::check_in_background(&mut app);
    let checked = loading
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap();
    app.attach(checked);
    app.run_effects();
    let with_pay = found(&app);
    assert!(with_pay > 0, "searched in the index that came");
    harness::type_text(&mut app, "ments-api");
    app.run_effects();
    assert!(found(&app) > 0 && found(&app) <= with_pay);
    press(&mut app, "enter");
    assert_eq!(app.selected_file().unwrap().stem, "payments-api");
}
