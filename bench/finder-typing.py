#!/usr/bin/env python3
"""The finder as a person types into it, timed from outside: opens `faultline --org` in tmux
(80x24) on a fetched organisation, waits until every repository is read, opens the finder and
types QUERY a key every GAP seconds, and prints how long each key took to show on the screen.

    python3 bench/finder-typing.py FAULTLINE ORG_DIR QUERY GAP
    python3 bench/finder-typing.py target/release/faultline /tmp/org500 "payments api" 0.15

ORG_DIR holds org.toml and the cache (`gen_workspace OUT --org N`, then
`faultline org fetch --cache cache` in OUT). Needs tmux. Each figure includes polling tmux
(a few ms)."""
import os
import shlex
import subprocess
import sys
import time

binary, org, query, gap = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
binary, org = os.path.abspath(binary), os.path.abspath(org)


def screen():
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", "ft"],
                          capture_output=True, text=True).stdout


subprocess.run(["tmux", "kill-session", "-t", "ft"], stderr=subprocess.DEVNULL)
subprocess.run(["tmux", "new", "-d", "-s", "ft", "-x", "80", "-y", "24",
                f"cd {shlex.quote(org)} && {shlex.quote(binary)} --org org.toml --cache cache"])
start = time.time()
while " repositories" not in screen() or "reading" in screen():
    time.sleep(0.05)
    if time.time() - start > 120:
        sys.exit("the organisation was never read")
time.sleep(1.0)
subprocess.run(["tmux", "send-keys", "-t", "ft", "C-p"])
time.sleep(0.5)
shown = []
for n in range(1, len(query) + 1):
    sent = time.time()
    subprocess.run(["tmux", "send-keys", "-t", "ft", "-l", query[n - 1]])
    want = "> " + query[:n]
    while time.time() - sent < 5:
        if any(want in line and line.split(want, 1)[1][:1] in ("", " ", "│")
               for line in screen().splitlines()):
            break
        time.sleep(0.003)
    shown.append((time.time() - sent) * 1000)
    time.sleep(max(0.0, gap - (time.time() - sent)))
print("ms until each key showed:", " ".join(f"{t:.0f}" for t in shown), f"(worst {max(shown):.0f})")
subprocess.run(["tmux", "send-keys", "-t", "ft", "Escape"])
time.sleep(0.2)
subprocess.run(["tmux", "send-keys", "-t", "ft", "q"])
time.sleep(0.5)
subprocess.run(["tmux", "kill-session", "-t", "ft"], stderr=subprocess.DEVNULL)
