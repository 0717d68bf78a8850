#!/usr/bin/env bash
# Regenerates the README's pictures: the HTML report and the TUI at 100×30, both rendered by
# headless Chromium. Needs Debian's chromium, aha and tmux (installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v aha >/dev/null || need+=(aha)
command -v tmux >/dev/null || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi

cargo build --release --quiet
bin="$PWD/target/release/faultline"
out="$PWD/assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"; tmux kill-session -t shot 2>/dev/null || true' EXIT

shoot() { # html-file png-file width height
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars \
    --window-size="$3,$4" --screenshot="$2" "file://$1" >/dev/null 2>&1
}

# The HTML report of the example workspace, on a laptop (1280 px) and a phone (390 px): prose
# wraps between words, narrow columns keep their width, and on the phone each table scrolls
# sideways. Look at both after a change to the report's layout.
"$bin" export --format html -o "$work/report.html" >/dev/null
shoot "$work/report.html" "$out/report.png" 1280 1300
shoot "$work/report.html" "$out/report-phone.png" 390 844

# The TUI at 100×30, on payments-api's risks, through tmux and aha.
tmux new-session -d -s shot -x 100 -y 30 "FAULTLINE_TODAY=2026-11-24 $bin"
sleep 1
tmux send-keys -t shot j j j j j j j j Tab
sleep 0.5
{
  echo '<html><head><meta charset="utf-8"><style>body{margin:0;background:#000;color:#ddd}pre{font:15px/1.2 "DejaVu Sans Mono",monospace;margin:8px}</style></head><body>'
  echo '<pre>'
  tmux capture-pane -e -p -t shot | aha --no-header --black
  echo '</pre></body></html>'
} > "$work/tui.html"
tmux send-keys -t shot q
shoot "$work/tui.html" "$out/tui.png" 920 580
echo "wrote assets/report.png, assets/report-phone.png and assets/tui.png"
