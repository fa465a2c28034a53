#!/bin/sh
# Run each libFuzzer harness for a fixed time, one after the other.
#   tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS HARNESS...
# Seeds: tests/fuzz/corpus/<h> (read only). New inputs: BUILD/fuzz/corpus/<h>.
# Crashes: BUILD/fuzz/artifacts/<h>/ - minimise one, then keep it in
# tests/fuzz/regressions/<h>/ so `make test` replays it forever.
set -eu
B=$1; SECS=$2; shift 2
status=0
for h in "$@"; do
    mkdir -p "$B/fuzz/corpus/$h" "$B/fuzz/artifacts/$h"
    dict=""
    [ -f "tests/fuzz/$h.dict" ] && dict="-dict=tests/fuzz/$h.dict"
    echo "fuzz: $h for ${SECS}s"
    # shellcheck disable=SC2086
    if ! "$B/fuzz/fuzz_$h" -max_total_time="$SECS" -max_len=8192 -timeout=10 \
            -rss_limit_mb=1024 -print_final_stats=1 $dict \
            -artifact_prefix="$B/fuzz/artifacts/$h/" \
            "$B/fuzz/corpus/$h" "tests/fuzz/corpus/$h" >"$B/fuzz/$h.log" 2>&1; then
        echo "fuzz: $h FAILED, see $B/fuzz/$h.log and $B/fuzz/artifacts/$h/"
        status=1
    fi
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$B/fuzz/$h.log" | tail -2 || true
done
exit $status
