#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after another, from the committed
# seeds (fuzz/seeds/TARGET) into a working corpus (fuzz/corpus/TARGET, not committed), and
# prints each target's executions and coverage. A crash stops the script with its input in
# fuzz/artifacts/TARGET: turn it into a regression test before fixing it.
#   bash scripts/fuzz.sh            # 10 minutes a target
#   bash scripts/fuzz.sh 30         # a smoke run
#   FUZZ_TARGETS=sanitize bash scripts/fuzz.sh
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets it use the stable compiler.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-600}"
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# FUZZ_TARGETS="monitoring sanitize" runs only those.
read -r -a targets <<<"${FUZZ_TARGETS:-parse_register render_markdown runbook_index timeline import_csv import_workbook monitoring yaml_aliases sanitize}"
cargo fuzz build
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log="$(mktemp)"
  cargo fuzz run "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$seconds" -max_len=65536 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || echo 'cov: ?')
  echo "$t: $runs runs in ${seconds}s, $cov, corpus $(ls "corpus/$t" | wc -l) inputs"
  rm -f "$log"
done
