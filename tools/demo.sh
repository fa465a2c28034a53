#!/bin/sh
# make demo - a simulated device revokes its own credentials.
#
# 1. Mock clouds (VOD, API Gateway, new-api) over TLS on 127.0.0.1, test CA
#    from tests/sim/certs.py, VOD listing lag 1 s, seed tests/sim/seed-demo.json.
# 2. The device (build/host-sim-demo: lwIP + libslirp in one process) is
#    provisioned with its three credentials, one storage record each, and
#    the keys it revokes them with.
# 3. Boot 1 revokes, confirms and wipes - until the power is cut at a
#    storage write in the middle of the job.
# 4. Boot 2 resumes the journal and finishes.
# 5. The mock's own state must show every credential revoked, and the
#    device's storage must hold no credential.
# Any failure: a message saying what, and a non-zero exit.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${BUILD:-build}
START=$(date +%s%N)
TMP=$(mktemp -d)
CERTS=$TMP/certs
. tests/sim/demo_lib.sh
D=$TMP/demo
cleanup() { demo_mock_stop "$D"; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo; echo "demo: FAILED: $*" >&2; exit 1; }

[ -x "$DEMO" ] || make --no-print-directory "$DEMO" || die "cannot build $DEMO"

echo "== mock clouds: TLS on 127.0.0.1, test CA, VOD listing lag 1 s"
demo_mock_start "$D" || die "mock clouds did not start"
echo "   listening on 127.0.0.1:$(cat "$D/port")"

echo
echo "== factory provisioning (device storage = $D/flash, one file per record)"
demo_provision "$D" | sed 's/^/   /'
[ -s "$D/flash/rvk-10.rec" ] || die "provisioning wrote no credential"

echo
echo "== boot 1: revoke ... and lose power at storage write 10 (the journal"
echo "   record saying the API Gateway key is REVOKED, after the service did it)"
demo_device "$D" --power-cut-at 9 >"$D/boot1.log" 2>&1
rc=$?
cat "$D/boot1.log"
[ $rc -eq 99 ] || die "boot 1 exited $rc, expected 99 (the simulated power cut)"

echo
echo "== boot 2: the journal resumes what boot 1 left unfinished"
demo_device "$D" >"$D/boot2.log" 2>&1
rc=$?
cat "$D/boot2.log"
[ $rc -eq 0 ] || die "boot 2 exited $rc (see its output above)"
grep -q 'resuming [1-9][0-9]* intent' "$D/boot2.log" || die "boot 2 did not resume the journal"

echo
echo "== the mock clouds' own state (GET /__mock/state)"
demo_state "$D" || die "the mock's state does not show every credential revoked"
demo_flash_empty "$D" || die "a credential record is still in the device's storage"
echo "  ok:   device storage: records 10, 11, 12 (credentials) and 20, 21 (signing key, PAT) empty"

END=$(date +%s%N)
echo
echo "demo: OK - boot 1 cut by a power loss mid-revocation, boot 2 resumed the journal;"
echo "      all three credentials revoked, confirmed and wiped in $(( (END - START) / 1000000 )) ms wall time"
