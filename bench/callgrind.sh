#!/usr/bin/env bash
# Instruction counts of the hot paths with valgrind's callgrind: the same binary and inputs
# give the same count on a busy or a quiet machine, so a regression is countable where a
# wall-clock time is noise. Prints one line per path; `callgrind_annotate FILE` explains one.
#   bash bench/callgrind.sh            # about a minute and a half
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
cargo build --release --quiet --bin faultline --example gen_workspace --example finder_time --example first_frame
out=${CALLGRIND_OUT:-$(mktemp -d)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$repo/target/release/examples/gen_workspace" "$work/gen" >/dev/null
cd "$work/gen"
count() {
  local name=$1 file
  shift
  file="$out/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-')"
  valgrind --tool=callgrind --callgrind-out-file="$file.out" "$@" >/dev/null 2>"$file.log" || true
  printf '%-34s %15s instructions   (%s)\n' "$name" \
    "$(grep -oE 'Collected : [0-9]+' "$file.log" | grep -oE '[0-9]+$')" "$file.out"
}
count "load + check (generated)" "$repo/target/release/faultline" check
count "finder: index + 'payments api'" "$repo/target/release/examples/finder_time" . "payments api" --runs 1
count "finder: index only" "$repo/target/release/examples/finder_time" . "" --runs 1
count "1 MB runbook first frame" "$repo/target/release/examples/first_frame" runbooks/payments/concurrency-limit-reached-0.md
