#!/bin/sh
# Line and branch coverage of src/ and port/ from the unit tests and the
# CLI end-to-end suites (make coverage). Everything is rebuilt with
# --coverage under build/coverage; the HTML report is
# build/coverage/html/index.html, the summaries build/coverage/*.txt.
set -eu
cd "$(dirname "$0")/.."
C=build/coverage
MAKEVARS="BUILD=$C DEPS=build/deps OPT=-O0 -g --coverage"
rm -rf "$C"
make -s "BUILD=$C" DEPS=build/deps "OPT=-O0 -g --coverage" "$C/librevokit.a" \
    "$C/librevokit-posix.a" "$C/rvkctl" >/dev/null
units=$(ls tests/unit/test_*.c | sed "s|tests/unit/\(.*\)\.c|$C/unit/\1|")
# shellcheck disable=SC2086
make -s "BUILD=$C" DEPS=build/deps "OPT=-O0 -g --coverage" $units >/dev/null
: "$MAKEVARS"

log=$C/run.log
: > "$log"
for t in $units; do "$t" >>"$log" 2>&1 || echo "coverage: $t failed" >&2; done
# end to end through the instrumented rvkctl (no ASan build in $C, so the
# suites fall back to $C/rvkctl)
for s in run_e2e run_tls_matrix; do
    BUILD=$(pwd)/$C tests/sim/$s.sh >>"$log" 2>&1 || echo "coverage: $s failed" >&2
done

RC="--rc lcov_branch_coverage=1"
# shellcheck disable=SC2086
lcov -q $RC --capture --directory "$C/obj" --output-file "$C/all.info" 2>/dev/null
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
