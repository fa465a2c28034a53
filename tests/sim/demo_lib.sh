# demo_lib.sh - shared by tools/demo.sh (make demo) and tests/sim/run_demo.sh.
# Source it from the repository root with B (build dir) and CERTS (a test
# certificate directory, shared by every mock: certs.py locks it) set.
#
# Variables of these functions start with _dl_ (sh has no locals).
# Each scenario lives in its own directory D: D/port, D/mock.pid,
# D/mock.log, D/flash (the device's storage), D/boot*.log.

DEMO=${DEMO:-$B/host-sim-demo}
SEED=${SEED:-tests/sim/seed-demo.json}

# demo_mock_start D [mockcloud args...] - mock clouds on an ephemeral port,
# listing lag 1 s; waits until they listen (15 s bound: the first run makes
# the certificates).
demo_mock_start() {
    _dl_d=$1; shift
    mkdir -p "$_dl_d"
    rm -f "$_dl_d/ready"
    python3 tests/sim/mockcloud.py --seed "$SEED" --certs "$CERTS" --list-delay 1 \
        --ready-file "$_dl_d/ready" "$@" >"$_dl_d/mock.log" 2>&1 &
    echo $! > "$_dl_d/mock.pid"
    _dl_n=0
    while [ ! -s "$_dl_d/ready" ]; do
        _dl_n=$((_dl_n + 1))
        if [ $_dl_n -gt 150 ] || ! kill -0 "$(cat "$_dl_d/mock.pid")" 2>/dev/null; then
            echo "mock clouds did not start:" >&2; cat "$_dl_d/mock.log" >&2
            return 1
        fi
        sleep 0.1
    done
    head -n 1 "$_dl_d/ready" > "$_dl_d/port"
}

demo_mock_stop() {
    [ -s "$1/mock.pid" ] && kill "$(cat "$1/mock.pid")" 2>/dev/null
    rm -f "$1/mock.pid"
}

# demo_provision D - factory provisioning of D/flash from the seed; the
# provisioning file (secrets) is removed right after.
demo_provision() {
    mkdir -p "$1/flash"
    python3 tests/sim/demo_check.py provision "$SEED" "$1/provision.txt" &&
        "$DEMO" provision --storage "$1/flash" --from "$1/provision.txt"
    _dl_rc=$?
    rm -f "$1/provision.txt"
    return $_dl_rc
}

# demo_device D [device args...] - boot the device once against D's mock
# ($DEMO_WRAP, if set, is put in front: "timeout 90", "strace ...").
demo_device() {
    _dl_d=$1; shift
    ${DEMO_WRAP:-} "$DEMO" run --storage "$_dl_d/flash" --ca-file "$CERTS/ca.pem" --port "$(cat "$_dl_d/port")" "$@"
}

# demo_state D [--expect revoked|intact] - check the mock's state.
demo_state() {
    _dl_d=$1; shift
    python3 tests/sim/demo_check.py state "$SEED" "$(cat "$_dl_d/port")" "$CERTS/ca.pem" "$@"
}

# demo_flash_empty D - every credential record of the device is erased.
demo_flash_empty() {
    for _dl_r in 10 11 12 20 21; do
        [ -s "$1/flash/rvk-$_dl_r.rec" ] && return 1
    done
    return 0
}

# demo_post D PATH JSON - a control call to D's mock (/__mock/...).
demo_post() {
    python3 tests/sim/demo_check.py post "$(cat "$1/port")" "$CERTS/ca.pem" "$2" "$3"
}
