#!/usr/bin/env bash
# Builds every libFuzzer target in .build-fuzz and runs each for RUNS executions (default 1e6).
# Usage: scripts/fuzz.sh [RUNS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(SpecFuzz StateFuzz DumpFuzz TraceFuzz PersistFuzz CapabilityFuzz)
export PCIHIDE_FUZZ=1
# Swift's own crash reporter trips over ASan's stack poisoning; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
failed=()
for t in "${targets[@]}"; do
    swift build --scratch-path .build-fuzz -c debug --product "$t" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
    corpus=".build-fuzz/corpus/$t"
    mkdir -p "$corpus"
    seeds="Fuzz/$t/seeds"
    echo "== $t: $runs runs" >&2
    mkdir -p .build-fuzz/artifacts
    # A config space is up to 4096 bytes; the other inputs are short.
    max_len=256; [ "$t" = CapabilityFuzz ] && max_len=4400
    ".build-fuzz/debug/$t" -runs="$runs" -max_len=$max_len -artifact_prefix=".build-fuzz/artifacts/$t-" -print_final_stats=1 "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) > ".build-fuzz/$t.log" 2>&1 \
        || failed+=("$t")
    grep -E 'Precondition|Fatal error|ERROR|artifact|number_of_executed_units' ".build-fuzz/$t.log" >&2 || true
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in ${failed[*]}; inputs are in .build-fuzz/artifacts (keep each as a seed once fixed)" >&2
    exit 1
fi
