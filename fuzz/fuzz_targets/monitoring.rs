//! Any bytes as monitoring config: the YAML scanners (Prometheus, Grafana, Sloth,
//! CloudFormation), the JSON template path, the Terraform scanner, faultline.toml and a
//! Backstage catalog must never panic, and every alert found has a real position. The plain
//! block YAML reader reads only what saphyr reads, and reads it the same.
#![no_main]

use faultline::monitoring::scan_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A lone carriage return ends a line too (saphyr counts it, as editors do).
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count().max(1);
    for path in ["a.rules.yml", "cdk.out/a.template.json", "main.tf"] {
        let (alerts, _) = scan_text(path, &text);
        for alert in alerts {
            assert!(alert.line >= 1 && alert.line <= lines + 1, "{alert:?}");
            assert!(alert.column >= 1, "{alert:?}");
        }
    }
    assert!(faultline::monitoring::block_reader_agrees_with_saphyr(&text), "{text:?}");
    let _ = faultline::monitoring::config::parse(&text);
    let _ = faultline::backstage::read("catalog-info.yaml", &text);
});
