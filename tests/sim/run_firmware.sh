#!/bin/sh
# Runs the Cortex-M4 test firmware in QEMU (mps2-an386, no network) and
# passes on its "N passed, N failed" line; exits non-zero unless every
# on-target test passed.
#
# First a self-check: an image with one planted failing test must make
# QEMU exit non-zero and report exactly that failure - otherwise a broken
# exit path could turn every run green, and this script says so and fails.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${BUILD:-build}
M4=$B/m4
QEMU="qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none
      -semihosting-config enable=on,target=native -icount shift=0"

make -s --no-print-directory BUILD="$B" firmware-test || { echo "firmware: build failed"; exit 1; }

run() { # elf log
    # shellcheck disable=SC2086
    timeout 60 $QEMU -kernel "$1" >"$2" 2>&1
}

run "$M4/rvk-test-planted.elf" "$M4/planted.log"
rc=$?
if [ "$rc" -eq 0 ] || ! grep -q '^FAIL planted_failure$' "$M4/planted.log" ||
   ! grep -Eq '^[0-9]+ passed, 1 failed$' "$M4/planted.log"; then
    echo "firmware self-check FAILED: a planted failing test was not reported (exit $rc)"
    sed 's/^/    /' "$M4/planted.log" | grep -v passed
    exit 1
fi
echo "self-check: planted failing test detected (QEMU exit $rc)"

run "$M4/rvk-test.elf" "$M4/rvk-test.log"
rc=$?
cat "$M4/rvk-test.log"
if [ "$rc" -eq 124 ]; then
    echo "firmware: QEMU timed out"
fi
grep -Eq '^[0-9]+ passed, [0-9]+ failed$' "$M4/rvk-test.log" || { echo "firmware: no summary line"; exit 1; }
[ "$rc" -eq 0 ] || exit "$rc"

# The same tests built with the small-RAM profile (rvk_small_profile.h).
run "$M4/rvk-test-small.elf" "$M4/rvk-test-small.log"
rc=$?
grep -v '^ok ' "$M4/rvk-test-small.log" | grep -v '^metric ' | sed 's/^/small profile: /'
grep -Eq '^[0-9]+ passed, [0-9]+ failed$' "$M4/rvk-test-small.log" || { echo "firmware (small profile): no summary line"; exit 1; }
[ "$rc" -eq 0 ] || exit "$rc"

# The whole firmware (scheduler, lwIP, TLS port) runs the same tests in a
# thread, plus its end-to-end checks; its summary line is the one counted.
run "$M4/rvk-full.elf" "$M4/rvk-full.log"
rc=$?
grep -v '^ok ' "$M4/rvk-full.log" | grep -v '^metric ' | sed 's/^/full: /'
if [ "$rc" -eq 124 ]; then
    echo "firmware (full image): QEMU timed out"
fi
grep -Eq '^[0-9]+ passed, [0-9]+ failed$' "$M4/rvk-full.log" || { echo "firmware (full image): no summary line"; exit 1; }
tail -n 1 "$M4/rvk-full.log"
exit "$rc"
