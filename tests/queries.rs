//! Ranked runbook search against queries written from symptoms, the way an on-call engineer
//! types them, not from the headings. Never is a wrong runbook opened; most answerable queries
//! open the right runbook, and the figures are printed (`cargo test --test queries -- --nocapture`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::rank::Options;
use std::path::Path;

/// (query, the runbook it should open and the section, or `None` when no runbook fits). An
/// empty section means the runbook's top or any section of it.
const EXAMPLE: &[(&str, Option<(&str, &str)>)] = &[
    // Paraphrases of a symptom.
    (
        "redis evicting keys",
        Some(("cache/redis-eviction-storm.md", "")),
    ),
    (
        "sessions lost cache memory full",
        Some(("cache/redis-eviction-storm.md", "")),
    ),
    ("payments down", Some(("payments/provider-outage.md", ""))),
    (
        "db too many connections",
        Some(("database/aurora-failover.md", "")),
    ),
    (
        "browser says connection not secure",
        Some(("certificates/renew-certificate.md", "")),
    ),
    ("users cannot log in", Some(("identity/idp-outage.md", ""))),
    (
        "customers cannot sign in",
        Some(("identity/idp-outage.md", "customers-cannot-log-in")),
    ),
    (
        "lambda throttled",
        Some(("lambda/lambda-throttling.md", "")),
    ),
    (
        "leaked aws key",
        Some(("security/rotate-leaked-credentials.md", "")),
    ),
    (
        "queue growing",
        Some(("queue/dlq-redrive.md", "backlog-growing")),
    ),
    (
        "messages processed twice",
        Some(("queue/dlq-redrive.md", "duplicate-processing")),
    ),
    ("roll back bad deploy", Some(("deploy/rollback.md", ""))),
    (
        "restore orders database",
        Some(("database/restore-from-backup.md", "")),
    ),
    (
        "who is incident commander",
        Some(("incident/roles-and-severity.md", "roles")),
    ),
    (
        "dns records wrong",
        Some(("dns/dns-misconfiguration.md", "")),
    ),
    (
        "acm certificate stuck pending validation",
        Some((
            "certificates/renew-certificate.md",
            "acm-certificate-not-renewing",
        )),
    ),
    (
        "switch to degraded mode",
        Some(("payments/provider-outage.md", "switch-to-degraded-mode")),
    ),
    (
        "cold start latency",
        Some((
            "lambda/lambda-throttling.md",
            "cold-starts-during-scale-out",
        )),
    ),
    (
        "raise concurrency limit",
        Some(("lambda/lambda-throttling.md", "raise-the-limit")),
    ),
    (
        "snapshot restore verify data",
        Some(("database/restore-from-backup.md", "verify-the-data")),
    ),
    (
        "dead letter queue redrive",
        Some(("queue/dlq-redrive.md", "")),
    ),
    (
        "revoke access keys",
        Some(("security/rotate-leaked-credentials.md", "revoke-first")),
    ),
    (
        "severity levels",
        Some(("incident/roles-and-severity.md", "")),
    ),
    (
        "mtls client certificate",
        Some((
            "certificates/renew-certificate.md",
            "renew-the-mutual-tls-client-certificate",
        )),
    ),
    (
        "card provider timing out",
        Some(("payments/provider-outage.md", "")),
    ),
    (
        "bad migration",
        Some(("deploy/rollback.md", "roll-back-a-database-migration")),
    ),
    (
        "staff cannot log in okta",
        Some(("identity/idp-outage.md", "staff-cannot-log-in")),
    ),
    (
        "writer instance failed over",
        Some(("database/aurora-failover.md", "")),
    ),
    (
        "hand over incident",
        Some(("incident/roles-and-severity.md", "hand-over")),
    ),
    (
        "wrong artifact deployed",
        Some(("deploy/rollback.md", "wrong-artifact-deployed-by-hand")),
    ),
    // An alert's exact name, pasted from the page: its risk's section, first.
    (
        "cloudwatch:prod-orders-queue-backlog",
        Some(("queue/dlq-redrive.md", "backlog-growing")),
    ),
    (
        "OrdersDbLockWaits",
        Some(("deploy/rollback.md", "roll-back-a-database-migration")),
    ),
    // An alert whose risk links no runbook: said, and nothing else opened in its place.
    ("api-gateway-429-rate", None),
    // Nothing in the runbooks fits.
    ("weather forecast", None),
    ("printer out of paper", None),
    ("coffee machine broken", None),
    ("quarterly sales report", None),
    ("kubernetes node not ready", None),
];

/// Written after the weights and rules were tuned on the two sets above, as a held-out set;
/// measured 6 of 10 so, and then tuned on (the primary/writer synonyms), so no longer held out.
const THIRD: &[(&str, Option<(&str, &str)>)] = &[
    (
        "site certificate expired yesterday",
        Some((
            "certificates/renew-certificate.md",
            "certificate-already-expired",
        )),
    ),
    // First written as the provider outage; corrected after reading both: the provider runbook
    // never says 502, the throttling one says "API Gateway returns … 502" of `payments-api`.
    (
        "checkout returns 502",
        Some(("lambda/lambda-throttling.md", "")),
    ),
    ("orders stuck in queue", Some(("queue/dlq-redrive.md", ""))),
    (
        "secret pushed to github",
        Some(("security/rotate-leaked-credentials.md", "")),
    ),
    (
        "who declares sev1",
        Some(("incident/roles-and-severity.md", "")),
    ),
    (
        "redis out of memory",
        Some(("cache/redis-eviction-storm.md", "")),
    ),
    (
        "static site rollback",
        Some(("deploy/rollback.md", "roll-back-the-static-site")),
    ),
    (
        "domain not resolving",
        Some(("dns/dns-misconfiguration.md", "")),
    ),
    (
        "too many lambda invocations throttled",
        Some(("lambda/lambda-throttling.md", "")),
    ),
    (
        "which database instance is primary",
        Some((
            "database/aurora-failover.md",
            "confirm-which-instance-is-the-writer",
        )),
    ),
    ("disk full on jenkins", None),
    ("s3 bucket public", None),
    ("vpn not connecting", None),
    ("elasticsearch cluster red", None),
];

/// Written once the rules and vocabulary were final and not tuned on: the honest estimate.
const HELD_OUT: &[(&str, Option<(&str, &str)>)] = &[
    (
        "redis keys disappearing",
        Some(("cache/redis-eviction-storm.md", "")),
    ),
    (
        "tls handshake failing",
        Some(("certificates/renew-certificate.md", "")),
    ),
    (
        "aurora writer down",
        Some(("database/aurora-failover.md", "")),
    ),
    (
        "point in time recovery",
        Some(("database/restore-from-backup.md", "")),
    ),
    ("undo last release", Some(("deploy/rollback.md", ""))),
    (
        "nxdomain for api",
        Some(("dns/dns-misconfiguration.md", "")),
    ),
    ("okta outage", Some(("identity/idp-outage.md", ""))),
    (
        "messages in dead letter queue",
        Some(("queue/dlq-redrive.md", "")),
    ),
    (
        "aws access key exposed",
        Some(("security/rotate-leaked-credentials.md", "")),
    ),
    (
        "raise reserved concurrency",
        Some(("lambda/lambda-throttling.md", "raise-the-limit")),
    ),
    ("cdn purge cache", None),
    ("kafka consumer lag", None),
    ("ldap password reset", None),
    ("gpu driver crash", None),
];

/// A second workspace, flat `runbooks/`, other names, and a risk whose detection text is the
/// only place a symptom is written.
fn second_workspace(dir: &Path) {
    std::fs::create_dir_all(dir.join("registers")).unwrap();
    std::fs::create_dir_all(dir.join("runbooks")).unwrap();
    std::fs::write(
        dir.join("runbooks/dispatch.md"),
        "# Dispatch service\n\n## Matching stalls\n\nRestart the matcher pods; check the geo index.\n\n## Surge pricing stuck\n\nReset the surge multiplier from the admin console.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("runbooks/maps.md"),
        "# Maps provider\n\n## Tiles fail to load\n\nSwitch the tile provider in the feature flags.\n\n## Routing returns detours\n\nClear the routing cache.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("runbooks/psp.md"),
        "# Payment provider\n\n## Charges declined\n\nFail over to the backup acquirer.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("registers/dispatch.json"),
        r#"{
  "component": "dispatch",
  "title": "Dispatch",
  "risks": [
    {
      "id": "matcher-stalls",
      "title": "Matcher stops assigning trips",
      "likelihood": "medium",
      "impact": "very-high",
      "detection": "Riders see no drivers although drivers are online",
      "alerts": ["DispatchMatchRateLow"],
      "runbook": "runbooks/dispatch.md#matching-stalls",
      "status": "open"
    }
  ]
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("faultline.toml"),
        "[search]\nsynonyms = [[\"acquirer\", \"psp\"]]\n",
    )
    .unwrap();
}

const SECOND: &[(&str, Option<(&str, &str)>)] = &[
    // Found only through the risk's detection text.
    (
        "riders see no drivers",
        Some(("dispatch.md", "matching-stalls")),
    ),
    (
        "DispatchMatchRateLow",
        Some(("dispatch.md", "matching-stalls")),
    ),
    (
        "map tiles not loading",
        Some(("maps.md", "tiles-fail-to-load")),
    ),
    (
        "routes take detours",
        Some(("maps.md", "routing-returns-detours")),
    ),
    (
        "surge multiplier stuck",
        Some(("dispatch.md", "surge-pricing-stuck")),
    ),
    ("cards declined", Some(("psp.md", ""))),
    // A synonym from faultline.toml: "psp" is in no runbook's text but the acquirer is.
    ("psp failing over acquirer", Some(("psp.md", ""))),
    ("elevator stuck", None),
];

/// Runs a query set: (right section, right runbook elsewhere, refused, wrong opened, none right).
fn run(root: &Path, queries: &[(&str, Option<(&str, &str)>)]) -> [usize; 5] {
    let mut tally = [0usize; 5];
    for (query, expected) in queries {
        let ranked = faultline::rank::find_with(root, query, &Options::default()).unwrap();
        let opened = ranked.opened.as_ref();
        let outcome = match (expected, opened) {
            (None, None) => 4,
            (None, Some(hit)) => {
                panic!(
                    "“{query}” opened {}#{} though no runbook fits",
                    hit.path, hit.anchor
                )
            }
            (Some(_), None) => 2,
            (Some((path, anchor)), Some(hit)) => {
                assert!(
                    hit.path.ends_with(path),
                    "“{query}” opened the wrong runbook: {}#{} (wanted {path})",
                    hit.path,
                    hit.anchor
                );
                usize::from(!(anchor.is_empty() || hit.anchor == *anchor))
            }
        };
        tally[outcome] += 1;
        println!(
            "{:<42} {}",
            query,
            match outcome {
                0 => "right section",
                1 => "right runbook, other place",
                2 => "refused",
                _ => "none, rightly",
            }
        );
    }
    tally
}

#[test]
fn symptoms_open_the_right_runbook_and_never_a_wrong_one() {
    let example = run(&harness::repo(), EXAMPLE);
    let dir = tempfile::tempdir().unwrap();
    second_workspace(dir.path());
    let second = run(dir.path(), SECOND);
    let third = run(&harness::repo(), THIRD);
    let held_out = run(&harness::repo(), HELD_OUT);
    for (name, t, set) in [
        ("example", example, EXAMPLE),
        ("second", second, SECOND),
        ("third", third, THIRD),
        ("held out", held_out, HELD_OUT),
    ] {
        let answerable = set.iter().filter(|(_, e)| e.is_some()).count();
        let unanswerable = set.len() - answerable;
        println!(
            "{name}: {} of {answerable} answerable open the right runbook ({} at the right section, {} elsewhere in it), {} refused; {} of {unanswerable} with no answer refused",
            t[0] + t[1],
            t[0],
            t[1],
            t[2],
            t[4]
        );
        assert_eq!(
            t[4], unanswerable,
            "{name}: every query with no answer is refused"
        );
        // At least four in five answerable queries open the right runbook (half of the third
        // set and the held-out one, which were written after the tuning).
        if matches!(name, "third" | "held out") {
            assert!((t[0] + t[1]) * 2 >= answerable, "{name}: {t:?}");
        } else {
            assert!((t[0] + t[1]) * 5 >= answerable * 4, "{name}: {t:?}");
        }
    }
    // Over both, nine in ten answerable queries open the right section.
    let answerable = [EXAMPLE, SECOND]
        .iter()
        .flat_map(|set| set.iter())
        .filter(|(_, e)| e.is_some())
        .count();
    assert!(
        (example[0] + second[0]) * 10 >= answerable * 9,
        "{example:?} {second:?} of {answerable}"
    );
}

/// Every answer of a query set, as JSON: what `--format json` prints.
fn answers(root: &Path, cache: Option<&Path>, queries: &[&str]) -> Vec<String> {
    let options = Options {
        cache,
        ..Options::default()
    };
    queries
        .iter()
        .map(|q| {
            serde_json::to_string(&faultline::rank::find_with(root, q, &options).unwrap()).unwrap()
        })
        .collect()
}

/// The index kept in the cache answers exactly as one built afresh; a runbook or register
/// changed on disk is searched as it now is; a damaged cache file is rebuilt, never trusted.
#[test]
fn the_cached_index_answers_as_a_fresh_one_and_follows_changes() {
    let dir = tempfile::tempdir().unwrap();
    second_workspace(dir.path());
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = cache_dir.path().join("nested/search-0123.bin");
    // The heading cache of earlier versions, beside it: removed once the index is written.
    let old = cache_dir.path().join("nested/headings-0123.txt");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(&old, "faultline-headings 1\n").unwrap();
    let queries: Vec<&str> = SECOND.iter().map(|(q, _)| *q).collect();
    let fresh = answers(dir.path(), None, &queries);
    // The first run writes the cache; the second reads it.
    assert_eq!(answers(dir.path(), Some(&cache), &queries), fresh);
    assert!(cache.exists());
    assert!(!old.exists());
    let written = std::fs::read(&cache).unwrap();
    assert_eq!(answers(dir.path(), Some(&cache), &queries), fresh);
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        written,
        "read, not rewritten"
    );
    // A runbook changes: the cached index is not used for it.
    std::fs::write(
        dir.path().join("runbooks/maps.md"),
        "# Maps provider\n\n## Geocoder returns the ocean\n\nPin the geocoder version.\n",
    )
    .unwrap();
    let ranked = faultline::rank::find_with(
        dir.path(),
        "geocoder ocean",
        &Options {
            cache: Some(&cache),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(
        ranked.opened.map(|h| h.anchor),
        Some("geocoder-returns-the-ocean".to_owned())
    );
    // A register changes: its risk's words now lead to the section.
    let register = dir.path().join("registers/dispatch.json");
    let text = std::fs::read_to_string(&register).unwrap();
    std::fs::write(
        &register,
        text.replace("Riders see no drivers", "Passengers wait forever"),
    )
    .unwrap();
    let ranked = faultline::rank::find_with(
        dir.path(),
        "passengers wait forever",
        &Options {
            cache: Some(&cache),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(
        ranked.opened.map(|h| h.anchor),
        Some("matching-stalls".to_owned())
    );
    let fresh = answers(dir.path(), None, &queries);
    // Damaged caches: cut short, scribbled over, a count far larger than the file, emptied.
    let good = std::fs::read(&cache).unwrap();
    let mut huge_count = good.clone();
    huge_count[27..31].copy_from_slice(&u32::MAX.to_le_bytes());
    let mut scribbled = good.clone();
    for b in scribbled.iter_mut().skip(40).step_by(7) {
        *b = b.wrapping_add(0x5a);
    }
    for damaged in [
        good[..good.len() / 2].to_vec(),
        good[..good.len() - 3].to_vec(),
        scribbled,
        huge_count,
        Vec::new(),
    ] {
        std::fs::write(&cache, &damaged).unwrap();
        assert_eq!(answers(dir.path(), Some(&cache), &queries), fresh);
    }
}

/// The word being typed (the finder's last word, no space after it) matches as a prefix; a
/// finished word does not.
#[test]
fn the_word_being_typed_matches_as_a_prefix() {
    let dir = tempfile::tempdir().unwrap();
    second_workspace(dir.path());
    let typing = Options {
        typing: true,
        ..Options::default()
    };
    let ranked = faultline::rank::find_with(dir.path(), "surge multi", &typing).unwrap();
    assert_eq!(
        ranked.opened.map(|h| h.anchor),
        Some("surge-pricing-stuck".to_owned())
    );
    let ranked = faultline::rank::find_with(dir.path(), "geo", &typing).unwrap();
    assert_eq!(
        ranked.candidates.first().map(|h| h.path.as_str()),
        Some("runbooks/dispatch.md")
    );
    let ranked = faultline::rank::find_with(dir.path(), "multi", &Options::default()).unwrap();
    assert!(ranked.candidates.is_empty(), "{ranked:?}");
}

/// An alert no risk names opens the section its own `runbook_url` points to (relative to the
/// rules file, or from the workspace's root); a risk that names the alert but links no runbook
/// gives way to the alert's `runbook_url`; an alert with neither opens nothing.
#[test]
fn an_alerts_runbook_url_opens_its_section() {
    let dir = tempfile::tempdir().unwrap();
    second_workspace(dir.path());
    std::fs::create_dir_all(dir.path().join("monitoring/prometheus")).unwrap();
    std::fs::write(
        dir.path().join("monitoring/prometheus/maps.rules.yml"),
        "groups:\n  - name: maps\n    rules:\n      - alert: MapsTileErrors\n        expr: rate(tile_errors[5m]) > 1\n        annotations:\n          runbook_url: ../../runbooks/maps.md#tiles-fail-to-load\n      - alert: MapsRoutingDetours\n        expr: detours > 1\n        annotations:\n          runbook_url: runbooks/maps.md#routing-returns-detours\n      - alert: MapsNoRunbook\n        expr: up == 0\n",
    )
    .unwrap();
    let register = dir.path().join("registers/dispatch.json");
    let text = std::fs::read_to_string(&register).unwrap().replace(
        r#""status": "open"
    }"#,
        r#""status": "open"
    },
    {
      "id": "detours",
      "title": "Routes take detours",
      "likelihood": "low",
      "impact": "low",
      "alerts": ["MapsRoutingDetours"],
      "status": "open"
    }"#,
    );
    std::fs::write(&register, text).unwrap();
    let open = |q: &str| {
        faultline::rank::find_with(dir.path(), q, &Options::default())
            .unwrap()
            .opened
            .map(|h| (h.path, h.anchor, h.why))
    };
    let (path, anchor, why) = open("mapstileerrors").unwrap();
    assert_eq!(
        (path.as_str(), anchor.as_str()),
        ("runbooks/maps.md", "tiles-fail-to-load")
    );
    assert!(
        why.contains("runbook_url of the alert MapsTileErrors"),
        "{why}"
    );
    let (path, anchor, _) = open("MapsRoutingDetours").unwrap();
    assert_eq!(
        (path.as_str(), anchor.as_str()),
        ("runbooks/maps.md", "routing-returns-detours")
    );
    assert_eq!(open("MapsNoRunbook"), None);
}
