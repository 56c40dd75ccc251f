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

# Scale: a 75,000-entry hide (1 MiB of xen-pciback groups in 13 arguments, each under the
# kernel's 128 KiB argument limit), domain start over 75,000 hidden entries, and the diff of a
# 20,000-line /etc/default/grub. Absolute figures (the targets), no reference program.
import shutil
scale_dir = os.path.join(tmp, "scale")
os.makedirs(os.path.join(scale_dir, "sys", "devices"), exist_ok=True)
os.makedirs(os.path.join(scale_dir, "sys", "bus", "pci", "devices"), exist_ok=True)
groups = [f"({d:04x}:{b:02x}:{s:02x}.{f})" for d in range(2) for b in range(256) for s in range(32) for f in range(8)][:75000]
hide_args = ["".join(groups[i:i + 6000]) for i in range(0, len(groups), 6000)]
scale_state = os.path.join(scale_dir, "state.json")
def fresh_state():
    for p in (scale_state, scale_state + ".history"):
        if os.path.exists(p):
            os.remove(p)
def hidden_state():
    fresh_state()
    r = subprocess.run([b, "hide", "--root", scale_dir, "--state", scale_state] + hide_args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("bench: the 75,000-entry hide failed: " + r.stderr[:300])
grub20k = os.path.join(scale_dir, "grub")
with open(grub20k, "w") as f:
    f.writelines(f"# line {i}\n" for i in range(19998))
    f.write("GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"quiet\"\n")
small_state = os.path.join(scale_dir, "small.json")
subprocess.run([b, "hide", "--root", scale_dir, "--state", small_state, "02:09.0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
scale = [
    ("hide, 75,000 entries", fresh_state, [b, "hide", "--root", scale_dir, "--state", scale_state] + hide_args, 2.0, 200),
    ("domain start, 75,000 hidden entries", hidden_state, [b, "domain", "start", "7", "--root", scale_dir, "--state", scale_state], 2.0, 200),
    ("grub diff, 20,000-line file", lambda: None, [b, "grub", "--root", scale_dir, "--state", small_state, "--default-file", grub20k], 1.0, 50),
]

# lspci's most used detailed listings on the 4096-function tree (the verbose body comes from
# the capability decoder), against lspci with the same options.
lspci_tree = ["lspci", "-A", "linux-sysfs", "-O", "sysfs.path=" + tree]
cases["list -nnk, 4096-function tree"] = ([b, "list", "--sysfs", tree, "-nnk"], lspci_tree + ["-nnk"], 0.7)
cases["list -v, 4096-function tree"] = ([b, "list", "--sysfs", tree, "-v"], lspci_tree + ["-v"], 0.7)
cases["list -vvv, 4096-function tree"] = ([b, "list", "--sysfs", tree, "-vvv"], lspci_tree + ["-vvv"], 0.7)
cases["list -b, 4096-function tree"] = ([b, "list", "--sysfs", tree, "-b"], lspci_tree + ["-b"], 0.7)
# The other lspci flag sets pcihide list reproduces (issue 13: every one <= 0.7 of lspci).
for flags in ["-vv", "-nnv", "-vmm", "-vmmm", "-vmmk", "-m", "-mm", "-k", "-x", "-xxx", "-xxxx", "-vvv -xxxx",
              "-t", "-tv", "-tvv", "-P", "-PP", "-bv", "-bvvv"]:
    cases[f"list {flags}, 4096-function tree"] = ([b, "list", "--sysfs", tree] + flags.split(), lspci_tree + flags.split(), 0.7)
