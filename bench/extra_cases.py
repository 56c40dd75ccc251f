# Extra benchmark cases, loaded by bench.py: (pcihide command, reference command, target ratio).
# The reference of an ownership case is pcihide itself on a small state, so the ratio shows how
# the cost grows with 4096 hidden devices and 1000 dead domains in the history.
import json, os, subprocess

def make_state(path, hidden):
    entries = []
    for i in range(hidden):
        bus, dev, fn = (i >> 8) & 0xff, (i >> 3) & 0x1f, i & 7
        entries.append({"device": f"{1 + (i >> 16):04x}:{bus:02x}:{dev:02x}.{fn}", "since": "2026-01-01T00:00:00Z", "policy": "auto"})
    doc = {"format": "pcihide-state", "version": 3, "hidden": entries, "domains": []}
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
    with open(path + ".history", "w") as f:
        for d in range(1, 1001):
            f.write(f"2026-01-01T00:00:00Z domain-start {d}\n2026-01-01T00:00:01Z domain-kill {d}\n")

small = os.path.join(tmp, "small.json")
big = os.path.join(tmp, "big.json")
make_state(small, 16)
make_state(big, 4096)
# Alternate between two domains so that every run changes (and so writes) the state.
assign = "for d in 5 6; do \"$0\" assign 0001:00:00.0 --domain $d --state \"$1\" >/dev/null; done"
cases = {
    "assign x2, 4096 hidden vs 16 (+1000 dead)": (["sh", "-c", assign, b, big], ["sh", "-c", assign, b, small], 2.0),
}

# One completion request as bash sends it (TAB after `pcihide hide --sysfs TREE 0000:01:0`), on the
# 4096-function tree, against pcihide's own start-up.
cases["completion, 4096-function tree"] = (
    [b, "---completion", "hide", "--", "positional@0", "4", "9", "pcihide", "hide", "--sysfs", tree, "0000:01:0"],
    [b, "--version"], 2.0)
