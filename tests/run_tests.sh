#!/bin/sh
# Runs every test suite and prints one closing line: "N passed, N failed".
#
# A suite is a command. Its passes and failures are read from what it
# prints: cmocka's "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)"
# lines, or a plain "N passed, N failed" line. A suite that exits non-zero
# without reporting a failure counts as one failure, so a crash can never
# pass unnoticed.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${BUILD:-build}
LOG=$B/test-logs
rm -rf "$LOG"; mkdir -p "$LOG"

total_pass=0
total_fail=0
failed_suites=""

run_suite() { # name command...
    name=$1; shift
    out="$LOG/$name.log"
    mkdir -p "$(dirname "$out")"
    "$@" >"$out" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
    pp=$(sed -n 's/^\([A-Za-z-]*: \)\{0,1\}\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*$/\2 \3/p' "$out" | tail -n 1)
    if [ -n "$pp" ]; then
        p=$((p + ${pp% *})); f=$((f + ${pp#* }))
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
    if [ "$f" -ne 0 ]; then
        failed_suites="$failed_suites $name"
        printf '  FAIL  %-32s %4d passed, %d failed (log: %s)\n' "$name" "$p" "$f" "$out"
        grep -E '^\[  FAILED  \]|^\[  ERROR   \]|FAIL|Error|error:' "$out" | head -20 | sed 's/^/        /'
    else
        printf '  ok    %-32s %4d passed\n' "$name" "$p"
    fi
}

for t in "$B"/unit/test_*; do
    [ -x "$t" ] && run_suite "unit/$(basename "$t")" "$t"
done
for t in "$B"/asan/unit/test_*; do
    [ -x "$t" ] && run_suite "asan/$(basename "$t")" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$t"
done
run_suite "no-heap" tests/check_no_heap.sh "$B"
for t in tests/sim/run_*.sh; do
    [ -x "$t" ] && run_suite "sim/$(basename "$t" .sh)" "$t"
done

echo
[ -n "$failed_suites" ] && echo "failed suites:$failed_suites"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
