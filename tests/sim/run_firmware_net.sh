#!/bin/sh
# The Cortex-M4 firmware doing real revocations over TLS on the emulated
# board: rvk-net.elf (boards/cortex-m4/net_main.c: revokit -> port/bearssl
# -> port/lwip -> lwIP -> LAN9118 driver) in QEMU mps2-an386 against the
# mock clouds on 127.0.0.1.
#
# Network: QEMU user mode, restrict=on (the guest reaches nothing on the
# host or beyond), plus one guestfwd: each guest connection to
# 10.0.2.100:443 spawns tests/sim/fw_relay.py, which connects to the mock
# on 127.0.0.1:PORT. QEMU runs under strace (connect() only) and every
# traced connect must go to 127.0.0.1: the run proves it stayed local.
#
# Steps (each one counted in the closing "firmware-net: N passed, N failed"):
#   1. the same image linked with anchors from another CA (other-ca.pem)
#      must fail: QEMU exits non-zero, the firmware reports tls-certificate
#      and the mock receives no request - a refused handshake cannot pass;
#   2. rvk-net.elf with anchors from this run's test CA: its own
#      "N passed, N failed" line (every firmware test) and exit status;
#   3. the mock's state and request log afterwards (tests/sim/fw_net_check.py);
#   4. QEMU's and the relays' connect() calls: 127.0.0.1 only.
# The firmware's metric lines go to $B/m4/net-metrics.txt for `make size`.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${BUILD:-build}
M4=$B/m4
D=$M4/net-run
CERTS=$D/certs
rm -rf "$D/ready" "$D"/*.log; mkdir -p "$D"
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
finish() {
    [ -s "$D/mock.pid" ] && kill "$(cat "$D/mock.pid")" 2>/dev/null
    rm -f "$D/mock.pid"
    echo "firmware-net: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}
# counts a helper's "N passed, N failed" line into ours
add_counts() { # log
    _l=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
    if [ -z "$_l" ]; then fail=$((fail + 1)); echo "FAIL no summary line in $1"; return; fi
    pass=$((pass + ${_l%% *})); _f=${_l#*, }; fail=$((fail + ${_f%% *}))
}

python3 tests/sim/mockcloud.py --seed tests/sim/seed-demo.json --certs "$CERTS" \
    --list-delay 1 --ready-file "$D/ready" >"$D/mock.log" 2>&1 &
echo $! >"$D/mock.pid"
n=0
while [ ! -s "$D/ready" ]; do
    n=$((n + 1))
    if [ $n -gt 150 ] || ! kill -0 "$(cat "$D/mock.pid")" 2>/dev/null; then
        cat "$D/mock.log"; ko "mock clouds did not start"; finish
    fi
    sleep 0.1
done
PORT=$(head -n 1 "$D/ready")

make -s --no-print-directory BUILD="$B" RVK_NET_CA="$CERTS/ca.pem" \
    RVK_NET_BAD_CA="$CERTS/other-ca.pem" firmware-net || { ko "build of rvk-net.elf"; finish; }

QEMU="qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none
      -semihosting-config enable=on,target=native -icount shift=0"
NIC="user,model=lan9118,restrict=on,guestfwd=tcp:10.0.2.100:443-cmd:python3 tests/sim/fw_relay.py $PORT"
STRACE=""
command -v strace >/dev/null 2>&1 && STRACE="strace -f -qq -e trace=connect -e signal=none -o $D/strace.log"
run() { # elf log [wrapper...]
    _elf=$1; _log=$2; shift 2
    # shellcheck disable=SC2086
    timeout 60 "$@" $QEMU -nic "$NIC" -kernel "$_elf" >"$_log" 2>&1
}

# 1. wrong trust anchors: the handshake is refused and the suite sees it
run "$M4/rvk-net-badca.elf" "$D/badca.log"
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'tls-certificate' "$D/badca.log" &&
   grep -Eq '^[0-9]+ passed, [1-9][0-9]* failed$' "$D/badca.log"; then
    ok "wrong anchors: handshake refused (tls-certificate), image fails (exit $rc)"
else
    sed 's/^/    /' "$D/badca.log"; ko "wrong anchors were not detected (exit $rc)"
fi
python3 tests/sim/fw_net_check.py state "$PORT" "$CERTS/ca.pem" intact >"$D/check-intact.log" 2>&1
sed 's/^/badca: /' "$D/check-intact.log" | grep -v passed
add_counts "$D/check-intact.log"

# 2. the real run
start=$(date +%s)
# shellcheck disable=SC2086
run "$M4/rvk-net.elf" "$D/net.log" $STRACE
rc=$?
end=$(date +%s)
grep -v '^metric ' "$D/net.log"
[ "$rc" -eq 124 ] && echo "firmware-net: QEMU timed out"
echo "firmware-net: QEMU run took $((end - start)) s (exit $rc)"
add_counts "$D/net.log"
[ "$rc" -eq 0 ] || ko "rvk-net.elf exit status $rc"
if [ "$rc" -eq 0 ]; then
    { echo "# firmware-net metrics ($(date -u +%Y-%m-%dT%H:%M:%SZ)), tests/sim/run_firmware_net.sh"
      grep '^metric ' "$D/net.log"; } >"$M4/net-metrics.txt"
fi

# 3. what the mock saw
python3 tests/sim/fw_net_check.py state "$PORT" "$CERTS/ca.pem" revoked >"$D/check.log" 2>&1
grep -v passed "$D/check.log"
add_counts "$D/check.log"

# 4. loopback only
if [ -n "$STRACE" ]; then
    python3 tests/sim/fw_net_check.py connects "$D/strace.log" >"$D/check-strace.log" 2>&1
    grep -v passed "$D/check-strace.log"
    add_counts "$D/check-strace.log"
else
    echo "note: strace not installed, connect() audit not run (restrict=on still applies)"
fi
finish
