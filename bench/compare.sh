#!/usr/bin/env bash
# faultline side by side with the tools a person would use instead, on the same files, in one
# run, on this machine: whole processes, from spawn to the first screen (a pseudo-terminal of
# 80×24, medians of 9 interleaved runs) or to exit (hyperfine). Prints times and ratios.
#   bash bench/compare.sh            # about three minutes after the builds
# Needs hyperfine, lowdown and fzf (installed with apt-get when missing and allowed); mdcat is
# timed when it is on the PATH; the termimad viewer is built from bench/termimad-view.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
missing=()
for tool in hyperfine lowdown fzf git python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cargo build --release --quiet --bin faultline --example gen_workspace --example first_screen --example finder_time
(cd bench/termimad-view && cargo build --release --quiet)
fl="$repo/target/release/faultline"
first="$repo/target/release/examples/first_screen"
termimad="$repo/bench/termimad-view/target/release/termimad-view"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$repo/target/release/examples/gen_workspace" "$work/gen" >/dev/null
cd "$work/gen"
export RUST_BACKTRACE=0 XDG_CACHE_HOME="$work/cache"

ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}×')" "$1" "$2"; }
median_of() { awk '{print $1}' <<<"$1" | sed -n "${2}p"; }

echo "# faultline beside the alternatives — $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
echo
echo "## A 1 MB runbook alone in a workspace, spawn to first screen at 80×24"
# The generated workspace's first runbook (tables, code, task lists, links), in a workspace of
# its own so that only the runbook is measured.
mkdir -p "$work/mb/registers" "$work/mb/runbooks"
cp runbooks/payments/concurrency-limit-reached-0.md "$work/mb/runbooks/big.md"
cd "$work/mb"
big=runbooks/big.md
# The first words of its text: every tool shows them on its first screen (headings are styled
# differently by each).
title="errors no changing"
"$fl" runbook concurrency limit reached payments 0 </dev/null >/dev/null 2>&1 || true   # warm the heading cache
cases=("$title" -- "$fl" runbook concurrency limit reached payments 0 -- "$title" -- lowdown -Tterm "$big" -- "$title" -- "$termimad" "$big")
if command -v mdcat >/dev/null; then cases+=(-- "$title" -- mdcat "$big"); fi
cases+=(-- "$title" -- cat "$big")
out=$("$first" --runs 9 "${cases[@]}")
echo "$out"
fl_ms=$(median_of "$out" 1)
echo "faultline / lowdown -Tterm: $(ratio "$fl_ms" "$(median_of "$out" 2)"), faultline / termimad: $(ratio "$fl_ms" "$(median_of "$out" 3)")"
cd "$work/gen"
echo
echo "## faultline runbook QUERY over 2,000 runbooks (18 MB), spawn to first screen"
# A query the ranked search opens outright (the generated runbooks share 25 titles, and step
# numbers collide with many runbooks' ids: a title with its id opens only where they do not).
rm -rf "$work/cache"
cold=$("$first" --runs 1 '▶' -- "$fl" runbook cold starts delay a scale-out billing 1169)
warm=$("$first" --runs 9 '▶' -- "$fl" runbook cold starts delay a scale-out billing 1169)
echo "first run, no search index: $cold"
echo "with the search index:      $warm"
echo
echo "## The TUI on 1,000 components, spawn to first frame, then to every register read"
# The first frame shows the first 100 registers; the count reads 1000 once all are in.
"$first" --runs 9 'Components (' -- "$fl" -- 'Components (1000)' -- "$fl"
echo
echo "## check against reading every file"
# hyperfine first, then the two interleaved (one of each per round, 21 rounds counted): on a
# machine whose speed drifts, runs taken one command after the other drift apart, interleaved
# runs do not. `true` is run in each round too, and its median (the cost of starting a
# process from Python) is taken off both, as hyperfine takes off the shell's.
hyperfine -w 2 -r 15 -i \
  "$fl check > /dev/null" \
  "cat registers/* runbooks/*/*.md monitoring/*/* faultline.toml > /dev/null 2>&1" 2>/dev/null | grep -E '^Benchmark|Time \(mean'
python3 - "$fl" <<'PY'
import glob, statistics, subprocess, sys, time
files = sorted(glob.glob("registers/*") + glob.glob("runbooks/*/*.md") + glob.glob("monitoring/*/*")
               + glob.glob("faultline.toml"))
commands = {"check": [sys.argv[1], "check"], "cat": ["cat", *files], "true": ["true"]}
times = {name: [] for name in commands}
for _ in range(23):
    for name, argv in commands.items():
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[name].append((time.perf_counter() - start) * 1000)
check, cat, spawn = (statistics.median(times[name][2:]) for name in commands)
print(f"check / cat of every file, interleaved, less {spawn:.1f} ms of process start: "
      f"{(check - spawn) / (cat - spawn):.2f}× ({check - spawn:.0f} ms / {cat - spawn:.1f} ms)")
PY
echo
echo "## The finder per keystroke (typed, each key narrowing the last) against fzf --filter"
times=$("$repo/target/release/examples/finder_time" . "payments api 3" --runs 15 --entries "$work/entries")
echo "the same $(echo "$times" | head -1): components, risks, runbooks, headings, alerts"
query="payments api 3"
printf '%-6s %-16s %12s %14s %8s\n' length query faultline_ms fzf_filter_ms ratio
for n in $(seq 1 12); do
  q=${query:0:$n}
  ours=$(echo "$times" | awk -v n="$n" '$1 == n {print $2}')
  fzf_ms=$(hyperfine -w 2 -r 10 --export-json "$work/fzf.json" "fzf --filter '$q' < $work/entries > /dev/null" >/dev/null 2>&1 &&
    python3 -c "import json; print(json.load(open('$work/fzf.json'))['results'][0]['median'] * 1000)")
  printf '%-6s %-16s %12.2f %14.1f %8s\n' "$n" "'$q'" "$ours" "$fzf_ms" "$(ratio "$ours" "$fzf_ms")"
done
echo
echo "## diff between two commits, 1 % of risks changed (hyperfine)"
git init -q . && git add -A && git -c user.email=b@example.com -c user.name=bench commit -qm base
python3 - <<'PY'
import json, glob
files = sorted(glob.glob("registers/*.json"))
n = 0
for path in files:
    reg = json.load(open(path))
    for risk in reg["risks"]:
        n += 1
        if n % 100 == 0:
            risk["likelihood"] = "very-high" if risk["likelihood"] != "very-high" else "low"
    json.dump(reg, open(path, "w"), indent=2)
PY
"$fl" fmt >/dev/null
git add -A && git -c user.email=b@example.com -c user.name=bench commit -qm change
hyperfine -N -w 2 -r 10 -i "$fl diff HEAD~1 HEAD" 2>/dev/null | grep -E 'Time \(mean'
echo
echo "## Peak memory (resident, KB)"
for cmd in "check" "list" "alerts" "diff HEAD~1 HEAD" "diff HEAD~1" "export --format html"; do
  # shellcheck disable=SC2086 # the words of the command
  /usr/bin/time -f '%M' -o "$work/rss" "$fl" $cmd >/dev/null 2>&1 || true
  printf '%-22s %s\n' "$cmd" "$(tail -1 "$work/rss")"
done
