//! Writes a generated workspace for benchmarks:
//! `cargo run --release --example gen_workspace -- OUT [--components N] [--risks N] [--runbooks N] [--alerts N] [--alert-files N] [--timelines N] [--seed N]`
//!
//! With `--org N`: an organisation of N git repositories under OUT/repos and OUT/org.toml, the
//! other options then per repository (default 40 components, 800 risks, 80 runbooks each).

use faultline::workspace_gen::{GenOptions, generate};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let mut options = GenOptions::default();
    let mut org = None;
    if std::env::args().any(|a| a == "--org") {
        options = faultline::workspace_gen::repo_defaults();
    }
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> anyhow::Result<u64> {
            let v = args
                .next()
                .ok_or_else(|| anyhow::anyhow!("{name} needs a value"))?;
            Ok(v.parse()?)
        };
        match arg.as_str() {
            "--components" => options.components = usize::try_from(value("--components")?)?,
            "--risks" => options.risks = usize::try_from(value("--risks")?)?,
            "--runbooks" => options.runbooks = usize::try_from(value("--runbooks")?)?,
            "--alerts" => options.alerts = usize::try_from(value("--alerts")?)?,
            "--alert-files" => options.alert_files = usize::try_from(value("--alert-files")?)?,
            "--timelines" => options.timelines = usize::try_from(value("--timelines")?)?,
            "--seed" => options.seed = value("--seed")?,
            "--org" => org = Some(usize::try_from(value("--org")?)?),
            other if !other.starts_with('-') => out = Some(PathBuf::from(other)),
            other => anyhow::bail!("unknown option {other}"),
        }
    }
    let out = out.ok_or_else(|| {
        anyhow::anyhow!(
            "usage: gen_workspace OUT [--components N] [--risks N] [--runbooks N] [--alerts N] [--alert-files N] [--timelines N] [--seed N]"
        )
    })?;
    if let Some(repos) = org {
        faultline::workspace_gen::generate_org(&out, repos, options)?;
        println!(
            "wrote {repos} repositories of {} components and {} risks each, and org.toml, to {}",
            options.components,
            options.risks,
            out.display()
        );
        return Ok(());
    }
    generate(&out, options)?;
    println!(
        "wrote {} components, {} risks, {} runbooks, {} alerts in {} files to {}",
        options.components,
        options.risks,
        options.runbooks,
        options.alerts,
        options.alert_files,
        out.display()
    );
    Ok(())
}
