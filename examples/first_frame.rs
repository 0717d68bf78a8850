//! A runbook's first frame as the terminal gets it, without a terminal: read the file, render
//! the window the first screen shows (the preview), draw it at 80×24. For counting instructions
//! (`bench/callgrind.sh`); the whole-process time is `examples/first_screen`'s job.
//!
//! `cargo run --release --example first_frame -- FILE.md`

use faultline::ui::theme::Theme;
use faultline::viewer::Viewer;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: first_frame FILE.md"))?;
    let text = std::fs::read_to_string(&path)?;
    let mut viewer = Viewer::unrendered(path, text, 79, 22, Theme::new(true));
    if !viewer.start_preview(None) {
        viewer.complete();
    }
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24))?;
    terminal.draw(|frame| {
        let end = (viewer.scroll + viewer.height).min(viewer.doc.lines.len());
        let lines = viewer.doc.lines[viewer.scroll..end].to_vec();
        frame.render_widget(ratatui::widgets::Paragraph::new(lines), frame.area());
    })?;
    println!(
        "{} lines rendered for the first frame",
        viewer.doc.lines.len()
    );
    Ok(())
}
