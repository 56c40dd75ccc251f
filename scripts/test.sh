#!/usr/bin/env bash
# make test / make test-fast: build the tests, then run them with the temporary files of the run
# under one directory that is removed afterwards (the tests write thousands of host roots).
#
# Swift Testing runs tests on the cooperative thread pool, one thread per core (two here), and a
# test waiting on a child process or a shell holds its thread. The shell-completion suite does
# little but wait for tmux panes (about 70 s, 5 s of CPU) and the lspci differential is half the
# CPU work, so each runs in a process of its own beside the rest instead of starving them; the
# whole suite then takes about as long as its CPU work. `scripts/test.sh --fast` runs the
# library tests alone.
set -uo pipefail
cd "$(dirname "$0")/.."
swift=${SWIFT:-swift}
start=$(date +%s%N)
elapsed() { awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
$swift build --build-tests >&2 || exit 1
bin="$($swift build --show-bin-path)/pcihidePackageTests.xctest"
# On a tmpfs when there is one with room (the tests create and remove some 100,000 small files:
# on this machine's virtual disk that is most of the suite's system time), else in $TMPDIR.
base=${TMPDIR:-/tmp}
if [[ -z "${PCIHIDE_TEST_TMP:-}" && -d /dev/shm && -w /dev/shm ]] && (( $(df -Pk /dev/shm | awk 'NR==2 { print $4 }') > 2097152 )); then
    base=/dev/shm
fi
run=$(mktemp -d "${PCIHIDE_TEST_TMP:-$base}/pcihide-test.XXXXXX")
# Some tests run pcihide as nobody (setpriv) on host roots in here.
chmod 0755 "$run"
trap 'rm -rf "$run"' EXIT
export TMPDIR="$run"
if [[ "${1:-}" == "--fast" ]]; then
    "$bin" --testing-library swift-testing --skip CLITests
    status=$?
    printf 'make test-fast: %s in %s s\n' "$([[ $status == 0 ]] && echo passed || echo FAILED)" "$(elapsed)"
    exit $status
fi
# Three processes, each with its own pool: the shells (waiting on tmux panes), the lspci
# differential (CPU), and the rest (a mix); the kernel shares the cores between them.
"$bin" --testing-library swift-testing --filter CompletionShellTests > "$run/shells.log" 2>&1 &
shells=$!
"$bin" --testing-library swift-testing --filter LspciDifferentialTests > "$run/differential.log" 2>&1 &
differential=$!
"$bin" --testing-library swift-testing --skip CompletionShellTests --skip LspciDifferentialTests
rest=$?
wait $shells; shell_status=$?
wait $differential; differential_status=$?
cat "$run/differential.log" "$run/shells.log"
ok=$([[ $rest == 0 && $shell_status == 0 && $differential_status == 0 ]] && echo passed || echo FAILED)
printf 'make test: %s in %s s (the shells, the lspci differential and the rest in three processes)\n' "$ok" "$(elapsed)"
[[ $ok == passed ]]
