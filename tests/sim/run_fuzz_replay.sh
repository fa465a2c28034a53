#!/bin/sh
# Replays every fuzz seed (tests/fuzz/corpus/<h>/) and every crash
# reproducer ever found (tests/fuzz/regressions/<h>/) through the harnesses,
# built without libFuzzer under ASan+UBSan (make fuzz-replay). One process
# per input, so a crash names its file. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${BUILD:-build}
pass=0; fail=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for bin in "$B"/fuzz-replay/replay_*; do
    [ -x "$bin" ] || continue
    h=${bin##*/replay_}
    hp=0; hf=0
    for f in tests/fuzz/corpus/"$h"/* tests/fuzz/regressions/"$h"/*; do
        [ -f "$f" ] || continue
        if "$bin" "$f" >/dev/null 2>"$B/fuzz-replay/last.err"; then
            hp=$((hp + 1))
        else
            hf=$((hf + 1))
            echo "FAIL $h: $f"
            head -20 "$B/fuzz-replay/last.err" | sed 's/^/    /'
        fi
    done
    echo "  $h: $hp inputs replayed, $hf failed"
    if [ "$hp" -eq 0 ] && [ "$hf" -eq 0 ]; then
        echo "FAIL $h: no inputs"; hf=1
    fi
    pass=$((pass + hp)); fail=$((fail + hf))
done
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
    echo "FAIL: no replay drivers in $B/fuzz-replay (make fuzz-replay)"; fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
