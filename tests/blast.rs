//! Blast radius over a graph with a diamond and a cycle, and dependencies filled from a
//! Backstage catalog.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use faultline::blast::blast;
use faultline::model::Register;

#[path = "support/harness.rs"]
mod harness;

fn reg(id: &str, deps: &[&str]) -> Register {
    let mut reg = Register::new(id);
    reg.depends_on = deps.iter().map(|d| (*d).to_owned()).collect();
    reg
}

#[test]
fn a_diamond_is_reached_once_and_a_cycle_is_named() {
    // b and c depend on a; d depends on both (a diamond); e on d; and a on e (a cycle back).
    let registers = [
        reg("a", &["e"]),
        reg("b", &["a"]),
        reg("c", &["a"]),
        reg("d", &["b", "c"]),
        reg("e", &["d"]),
        reg("unrelated", &[]),
    ];
    let refs: Vec<&Register> = registers.iter().collect();
    let b = blast(&refs, "a").unwrap();
    let reached: Vec<(String, usize, String)> = b
        .reached
        .iter()
        .map(|r| (r.component.clone(), r.depth, r.path.join(" ← ")))
        .collect();
    assert_eq!(
        reached,
        [
            ("b".to_owned(), 1, "a ← b".to_owned()),
            ("c".to_owned(), 1, "a ← c".to_owned()),
            ("d".to_owned(), 2, "a ← b ← d".to_owned()),
            ("e".to_owned(), 3, "a ← b ← d ← e".to_owned()),
        ]
    );
    assert_eq!(b.cycles, [vec!["a", "b", "d", "e", "a"]]);
    // From d, the loop is reached whole, and both loops through the diamond's sides are met.
    let from_d = blast(&refs, "d").unwrap();
    let names: Vec<&str> = from_d
        .reached
        .iter()
        .map(|r| r.component.as_str())
        .collect();
    assert_eq!(names, ["e", "a", "b", "c"]);
    assert_eq!(
        from_d.cycles,
        [vec!["d", "e", "a", "b", "d"], vec!["d", "e", "a", "c", "d"]]
    );
    assert!(blast(&refs, "unrelated").unwrap().reached.is_empty());
    assert!(blast(&refs, "missing").is_none());
}

fn faultline(root: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut args = args.to_vec();
    args.extend(["--workspace", root.to_str().unwrap()]);
    let out = harness::run_in(root, &args, &[]);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn backstage_catalog_fills_depends_on_and_creates_missing_registers() {
    let dir = harness::example_copy();
    let catalog = harness::repo().join("tests/fixtures/backstage/catalog-info.yaml");
    let catalog = catalog.to_str().unwrap();
    let before = std::fs::read_to_string(dir.path().join("registers/payments-api.json")).unwrap();
    let (code, text, _) = faultline(dir.path(), &["import", "backstage", catalog, "--dry-run"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("+ component checkout-web (Checkout web app), 0 risks"),
        "{text}"
    );
    assert!(
        text.contains("+ component fraud-scores (Fraud scores), 0 risks"),
        "{text}"
    );
    assert!(
        text.contains("card-provider → api-gateway, orders-db, session-cache, order-queue, card-provider, fraud-scores"),
        "{text}"
    );
    assert!(text.ends_with("dry run: nothing written\n"), "{text}");
    assert!(!dir.path().join("registers/checkout-web.json").exists());

    let (code, text, _) = faultline(dir.path(), &["import", "backstage", catalog]);
    assert_eq!(code, 0, "{text}");
    assert!(text.ends_with("wrote 3 register files\n"), "{text}");
    // checkout_web becomes a valid id; its two spellings of one dependency become one; the
    // owner loses its group: prefix.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("registers/checkout-web.json")).unwrap(),
        "{\n  \"component\": \"checkout-web\",\n  \"title\": \"Checkout web app\",\n  \"owner\": \"team-web\",\n  \"description\": \"The storefront's checkout pages.\",\n  \"depends_on\": [\n    \"payments-api\"\n  ],\n  \"risks\": []\n}\n"
    );
    // payments-api keeps everything it had: only the new dependency line is added.
    let after = std::fs::read_to_string(dir.path().join("registers/payments-api.json")).unwrap();
    let added: Vec<&str> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    assert_eq!(added, ["    \"card-provider\",", "    \"fraud-scores\""]);
    // The new dependencies resolve: no unknown-dependency.
    let (_, check, _) = faultline(dir.path(), &["check"]);
    assert!(!check.contains("unknown-dependency"), "{check}");
    // A second import changes nothing.
    let (_, again, _) = faultline(dir.path(), &["import", "backstage", catalog]);
    assert!(again.ends_with("wrote 0 register files\n"), "{again}");
}

#[test]
fn a_broken_catalog_is_reported_and_exits_1() {
    let dir = harness::example_copy();
    let bad = dir.path().join("bad-catalog.yaml");
    std::fs::write(&bad, "kind: Component\nmetadata: [unclosed\n").unwrap();
    let (code, _, stderr) = faultline(dir.path(), &["import", "backstage", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("bad-catalog.yaml:"), "{stderr}");
    assert!(stderr.contains("catalog-unparseable"), "{stderr}");
}
