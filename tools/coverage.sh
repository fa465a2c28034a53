#!/bin/sh
# Line and branch coverage of src/ and port/ from the unit tests and the
# CLI end-to-end suites (make coverage). Everything is rebuilt with
# --coverage under build/coverage; the HTML report is
# build/coverage/html/index.html, the summaries build/coverage/*.txt.
set -eu
cd "$(dirname "$0")/.."
C=build/coverage
rm -rf "$C"
make -s "BUILD=$C" DEPS=build/deps "OPT=-O0 -g --coverage" "$C/librevokit.a" \
    "$C/librevokit-posix.a" "$C/rvkctl" >/dev/null
units=$(ls tests/unit/test_*.c | sed "s|tests/unit/\(.*\)\.c|$C/unit/\1|")
# the TLS probe of run_tls.sh (its ASan variant is the one the suite runs)
# shellcheck disable=SC2086
make -s "BUILD=$C" DEPS=build/deps "OPT=-O0 -g --coverage" $units "$C/asan/sim/tls_probe" >/dev/null

log=$C/run.log
: > "$log"
for t in $units; do "$t" >>"$log" 2>&1 || echo "coverage: $t failed" >&2; done
# end to end through the instrumented rvkctl (no ASan rvkctl in $C, so the
# CLI suites fall back to $C/rvkctl), and the port-level TLS suite
for s in run_e2e run_tls_matrix; do
    BUILD=$(pwd)/$C tests/sim/$s.sh >>"$log" 2>&1 || echo "coverage: $s failed" >&2
done
# run_tls.sh (run from the top, relative BUILD) builds a probe itself: its
# make must see the same variables
BUILD=$C MAKEFLAGS="BUILD=$C DEPS=build/deps OPT=-O0\\ -g\\ --coverage" \
    tests/sim/run_tls.sh >>"$log" 2>&1 || echo "coverage: run_tls failed" >&2

RC="--rc lcov_branch_coverage=1"
# shellcheck disable=SC2086
lcov -q $RC --capture --directory "$C" --output-file "$C/all.info" 2>/dev/null
for part in src port; do
    # shellcheck disable=SC2086
    lcov -q $RC --extract "$C/all.info" "$(pwd)/$part/*" --output-file "$C/$part.info"
    # shellcheck disable=SC2086
    lcov $RC --summary "$C/$part.info" 2>&1 | grep -E 'lines|branches' > "$C/$part.txt"
    echo "$part/:"; sed 's/^/  /' "$C/$part.txt"
done
# shellcheck disable=SC2086
genhtml -q $RC --output-directory "$C/html" "$C/src.info" "$C/port.info" >/dev/null
echo "report: $C/html/index.html"
