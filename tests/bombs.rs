//! Files that declare more than they hold (spreadsheet dimensions and repeats, YAML aliases,
//! a huge committed blob, long runbooks), each generated here and each refused or read within
//! a bounded amount of memory. Peak memory is read from the children's `getrusage`: every
//! child this test binary waits for must stay under the bar, so the largest of them is checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use harness::git;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// The bar for any single input of at most 16 MiB.
const PEAK_LIMIT_MB: i64 = 200;

/// The largest resident set of any child this process has waited for, in MB.
fn children_peak_mb() -> i64 {
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    // Linux reports ru_maxrss in KiB.
    usage.max_rss() / 1024
}

fn faultline(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("FAULTLINE_TODAY", "2026-11-24")
        .output()
        .unwrap();
    let peak = children_peak_mb();
    assert!(
        peak < PEAK_LIMIT_MB,
        "faultline {args:?} (or an earlier child) peaked at {peak} MB"
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["registers", "runbooks"] {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    fs::write(
        dir.path().join("registers/api.json"),
        "{\n  \"component\": \"api\"\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_huge_register_committed_to_git_is_refused_by_its_blob_size() {
    let dir = workspace();
    let root = dir.path();
    let _ = git(root, &["init", "-q"]);
    let _ = git(root, &["add", "."]);
    let _ = git(root, &["commit", "-qm", "base"]);
    // 64 MiB of one repeated byte: a few KB in .git, four times the limit once read.
    let mut big = String::from("{\n  \"component\": \"api\",\n  \"description\": \"");
    big.push_str(&"a".repeat(64 * 1024 * 1024));
    big.push_str("\"\n}\n");
    fs::write(root.join("registers/api.json"), &big).unwrap();
    drop(big);
    let _ = git(root, &["commit", "-qam", "huge"]);
    let out = faultline(root, &["diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    let text = stdout(&out);
    assert!(
        text.contains("file-too-large") || text.contains("over the 16 MiB limit"),
        "{text}\n{}",
        stderr(&out)
    );
    // textconv gets the blob as a file from git: the same limit.
    let out = faultline(root, &["textconv", "registers/api.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("over the 16 MiB limit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn one_big_string_aliased_a_thousand_times_is_refused_at_its_alias() {
    let dir = workspace();
    let root = dir.path();
    fs::create_dir_all(root.join("monitoring/prometheus")).unwrap();
    // 5.5 MB anchored once, aliased 1,000 times: 5.5 GB once expanded.
    let mut yaml = String::from("groups:\n  - name: big\n    big: &big \"");
    yaml.push_str(&"x".repeat(5_500_000));
    yaml.push_str("\"\n    rules:\n");
    for i in 0..1_000 {
        yaml.push_str(&format!("      - alert: A{i}\n        expr: *big\n"));
    }
    fs::write(root.join("monitoring/prometheus/big.rules.yml"), &yaml).unwrap();
    let out = faultline(root, &["check"]);
    let text = stdout(&out);
    let finding = text
        .lines()
        .find(|l| l.contains("monitoring-unparseable"))
        .unwrap_or_else(|| panic!("{text}\n{}", stderr(&out)));
    assert!(
        finding.starts_with("monitoring/prometheus/big.rules.yml:")
            && finding.contains("aliases expand to more than"),
        "{finding}"
    );
    // The first aliases fit in the budget (4 × 5.5 MB); a later one is named.
    let line: usize = finding.split(':').nth(1).unwrap().parse().unwrap();
    assert!(line > 5, "{finding}");
    let out = faultline(root, &["alerts"]);
    assert!(out.status.code().is_some(), "{}", stderr(&out));
}

#[test]
fn a_backstage_catalog_with_an_alias_bomb_is_refused() {
    let dir = workspace();
    let root = dir.path();
    let mut yaml = String::from(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n  description: &d \"",
    );
    yaml.push_str(&"y".repeat(2_000_000));
    yaml.push_str("\"\nspec:\n  dependsOn:\n");
    for _ in 0..500 {
        yaml.push_str("    - *d\n");
    }
    fs::write(root.join("catalog-info.yaml"), &yaml).unwrap();
    let out = faultline(
        root,
        &["import", "backstage", "catalog-info.yaml", "--dry-run"],
    );
    assert!(
        stderr(&out).contains("catalog-info.yaml:") && stderr(&out).contains("aliases expand"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// Writes a zip of `(name, bytes)` parts, deflated.
fn write_zip(path: &Path, parts: &[(&str, &[u8])]) {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// A minimal xlsx whose one sheet's XML is `sheet_data` (the inside of `<sheetData>`).
fn xlsx(path: &Path, dimension: &str, sheet_data: &[u8]) {
    let mut sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><dimension ref=\"{dimension}\"/><sheetData>"
    )
    .into_bytes();
    sheet.extend_from_slice(sheet_data);
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    write_zip(
        path,
        &[
            ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
            ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Risks" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/sheet1.xml", &sheet),
        ],
    );
}

fn inline(cell: &str, text: &str) -> String {
    format!("<c r=\"{cell}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
}

/// Asserts `import --dry-run FILE` refuses it as too large, exit 2, naming the file.
fn refused_as_too_large(root: &Path, file: &str) -> String {
    let out = faultline(root, &["import", file, "--dry-run"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(file) && err.contains("too large"), "{err}");
    assert!(err.contains("limit"), "{err}");
    err
}

#[test]
fn an_xlsx_declaring_the_whole_grid_is_refused_without_allocating_it() {
    let dir = workspace();
    let root = dir.path();
    let corner = format!(
        "<row r=\"1\">{}</row><row r=\"1048576\">{}</row>",
        inline("A1", "Component"),
        inline("XFD1048576", "x")
    );
    xlsx(&root.join("grid.xlsx"), "A1:XFD1048576", corner.as_bytes());
    let err = refused_as_too_large(root, "grid.xlsx");
    assert!(
        err.contains("row 1048576") || err.contains("column 16384"),
        "{err}"
    );
    // The same, ending at row 4,000: a column past the limit.
    let corner = format!(
        "<row r=\"1\">{}</row><row r=\"4000\">{}</row>",
        inline("A1", "Component"),
        inline("XFD4000", "x")
    );
    xlsx(&root.join("rows.xlsx"), "A1:XFD4000", corner.as_bytes());
    let err = refused_as_too_large(root, "rows.xlsx");
    assert!(err.contains("column 16384 (limit 64 columns)"), "{err}");
}

#[test]
fn an_xlsx_holding_one_huge_inline_string_is_refused() {
    let dir = workspace();
    let root = dir.path();
    let big = format!(
        "<row r=\"1\">{}</row>",
        inline("A1", &"a".repeat(24 * 1024 * 1024))
    );
    xlsx(&root.join("string.xlsx"), "A1", big.as_bytes());
    assert!(fs::metadata(root.join("string.xlsx")).unwrap().len() < 1024 * 1024);
    let err = refused_as_too_large(root, "string.xlsx");
    assert!(err.contains("a cell or tag of more than 1 MiB"), "{err}");
}

/// A minimal ods whose one sheet, "Risks", holds `rows` (the inside of `<table:table>`).
fn ods(path: &Path, rows: &str) {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:spreadsheet><table:table table:name=\"Risks\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    );
    write_zip(
        path,
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", content.as_bytes()),
        ],
    );
}

#[test]
fn an_ods_repeating_one_cell_over_the_whole_grid_is_refused() {
    let dir = workspace();
    let root = dir.path();
    ods(
        &root.join("repeat.ods"),
        "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>",
    );
    assert!(fs::metadata(root.join("repeat.ods")).unwrap().len() < 2048);
    let err = refused_as_too_large(root, "repeat.ods");
    assert!(err.contains("column 16384 (limit 64 columns)"), "{err}");
    // Rows repeated past the limit, one column: refused at the row limit.
    ods(
        &root.join("rows.ods"),
        "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>",
    );
    let err = refused_as_too_large(root, "rows.ods");
    assert!(err.contains("row 200001 (limit 200000 rows)"), "{err}");
}

#[test]
fn an_ods_is_read_with_its_repeats_paragraphs_and_typed_values() {
    let dir = workspace();
    let root = dir.path();
    ods(
        &root.join("risks.ods"),
        concat!(
            "<table:table-row>",
            "<table:table-cell office:value-type=\"string\"><text:p>Component</text:p></table:table-cell>",
            "<table:table-cell office:value-type=\"string\"><text:p>Risk</text:p></table:table-cell>",
            "<table:table-cell office:value-type=\"string\"><text:p>Likelihood</text:p></table:table-cell>",
            "<table:table-cell office:value-type=\"string\"><text:p>Impact</text:p></table:table-cell>",
            "<table:table-cell office:value-type=\"string\"><text:p>Mitigation</text:p></table:table-cell>",
            "<table:table-cell table:number-columns-repeated=\"1019\"/>",
            "</table:table-row>",
            "<table:table-row table:number-rows-repeated=\"2\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>",
            "<table:table-row>",
            "<table:table-cell office:value-type=\"string\"><text:p>db</text:p></table:table-cell>",
            "<table:table-cell office:value-type=\"string\"><text:p>Failover &amp; <text:s text:c=\"2\"/>no reconnect</text:p></table:table-cell>",
            "<table:table-cell office:value-type=\"float\" office:value=\"4\"><text:p>4.00</text:p></table:table-cell>",
            "<table:table-cell office:value-type=\"float\" office:value=\"5\"><text:p>5.00</text:p></table:table-cell>",
            "<table:table-cell office:value-type=\"string\"><text:p>Retry</text:p><text:p>Re-resolve DNS</text:p></table:table-cell>",
            "</table:table-row>",
            "<table:table-row table:number-rows-repeated=\"1048571\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>",
        ),
    );
    let out = faultline(root, &["import", "risks.ods"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let db = fs::read_to_string(root.join("registers/db.json")).unwrap();
    assert!(
        db.contains("\"title\": \"Failover &   no reconnect\""),
        "{db}"
    );
    assert!(db.contains("\"likelihood\": \"high\""), "{db}");
    assert!(db.contains("\"impact\": \"very-high\""), "{db}");
    assert!(
        db.contains("\"mitigation\": \"Retry\\nRe-resolve DNS\""),
        "{db}"
    );
}

#[test]
fn a_csv_past_the_limits_is_refused() {
    let dir = workspace();
    let root = dir.path();
    let mut csv = String::from("Component,Risk,Likelihood,Impact\n");
    csv.push_str(&"a,b,high,high\n".repeat(200_001));
    fs::write(root.join("rows.csv"), csv).unwrap();
    let err = refused_as_too_large(root, "rows.csv");
    assert!(err.contains("limit 200000 rows"), "{err}");
    fs::write(
        root.join("wide.csv"),
        format!("Component,Risk{}x\n", ",".repeat(100)),
    )
    .unwrap();
    let err = refused_as_too_large(root, "wide.csv");
    assert!(err.contains("column 102 (limit 64 columns)"), "{err}");
}
