#!/usr/bin/env python3
"""pcihide benchmarks against lspci, measured alternately in the same run.

Prints the median wall time of each command and the ratio pcihide/lspci.
Usage: bench/bench.py [--runs N] [--binary PATH] [--fixture PATH] [--only NAME...]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

def median_times(cmds, runs):
    times = [[] for _ in cmds]
    devnull = subprocess.DEVNULL
    for _ in range(3):  # warm-up
        for c in cmds:
            subprocess.run(c, stdout=devnull, stderr=devnull)
    for _ in range(runs):
        for i, c in enumerate(cmds):  # alternate, so drift hits both sides alike
            t = time.perf_counter()
            subprocess.run(c, stdout=devnull, stderr=devnull)
            times[i].append(time.perf_counter() - t)
    return [statistics.median(t) for t in times]

def report(name, ours, theirs, target):
    ratio = ours / theirs
    verdict = "ok" if ratio <= target else "over target"
    print(f"{name:38s} pcihide {ours*1e3:8.2f} ms   reference {theirs*1e3:8.2f} ms   ratio {ratio:5.2f} (target <= {target}) {verdict}")
    return ratio

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--binary", default=".build/release/pcihide")
    ap.add_argument("--fixture", default=".build/release/pcihide-fixture")
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="pcihide-bench-")
    tree = os.path.join(tmp, "tree")
    subprocess.run([a.fixture, tree, "4096", "1"], check=True, stdout=subprocess.DEVNULL)
    env_state = os.path.join(tmp, "state.json")
    os.environ["PCIHIDE_STATE"] = env_state
    b = a.binary
    cases = {
        "list, live machine": ([b, "list"], ["lspci"], 0.5),
        "list, 4096-function tree": ([b, "list", "--sysfs", tree], ["lspci", "-A", "linux-sysfs", "-O", "sysfs.path=" + tree], 0.7),
        "start-up (--version)": ([b, "--version"], ["lspci", "--version"], 1.0),
    }
    extra = os.path.join(os.path.dirname(os.path.abspath(__file__)), "extra_cases.py")
    if os.path.exists(extra):
        scope = {"b": b, "tree": tree, "tmp": tmp}
        exec(open(extra).read(), scope)
        cases.update(scope.get("cases", {}))
    print(f"pcihide benchmarks ({a.runs} alternating runs each, medians; tree: 4096 functions)")
    for name, (ours, ref, target) in cases.items():
        if a.only and not any(o in name for o in a.only):
            continue
        o, r = median_times([ours, ref], a.runs)
        report(name, o, r, target)
    scale_cases = scope.get("scale", []) if os.path.exists(extra) else []
    if scale_cases and (not a.only or any("scale" in o for o in a.only)):
        scale(scale_cases)
    if not a.only or any("emu" in o for o in a.only):
        emulation(os.path.join(os.path.dirname(b), "pcihide-emubench"))

def scale(cases):
    """Absolute figures for large inputs: median wall time of 3 runs and peak memory (GNU time)."""
    print("\nscale (3 runs each, median time, largest peak resident memory):")
    for name, prepare, cmd, max_s, max_mb in cases:
        secs, mbs = [], []
        for _ in range(3):
            prepare()
            r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            e, m = r.stderr.strip().splitlines()[-1].split()
            secs.append(float(e)); mbs.append(int(m) / 1024)
        t, mb = statistics.median(secs), max(mbs)
        ok = t <= max_s and mb <= max_mb
        print(f"{name:46s} {t:6.2f} s (target <= {max_s}) {mb:7.1f} MB (target <= {max_mb}) {'ok' if ok else 'over target'}")

def emulation(emubench):
    """ns per emulated access, and instructions per outl+inl pair from callgrind (two counts, differenced)."""
    if not os.path.exists(emubench):
        return
    print("\nemulated config accesses (pcihide-emubench, 20M iterations each):")
    print(subprocess.run([emubench, "20000000"], capture_output=True, text=True).stdout, end="")
    if subprocess.run(["which", "valgrind"], capture_output=True).returncode != 0:
        print("valgrind not installed: no instruction counts")
        return
    totals = []
    for n in (100000, 200000):
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", emubench, str(n), "pair"],
                           capture_output=True, text=True)
        line = [l for l in r.stderr.splitlines() if "Collected" in l][0]
        totals.append(int(line.split(":")[-1].strip()))
    # Each run does n iterations plus n/10 of warm-up.
    per_pair = (totals[1] - totals[0]) / 110000
    verdict = "ok" if per_pair <= 50 else "over target"
    print(f"callgrind: {per_pair:.1f} instructions per outl 0xcf8 + inl 0xcfc pair, loop included (target <= 50) {verdict}")

if __name__ == "__main__":
    sys.exit(main())
