#!/bin/sh
# Host simulator (boards/host-sim): lwIP over libslirp, end to end.
#
#  1. 1 MiB GET from python3 http.server on 127.0.0.1, byte-identical.
#  2. The same under faults, all cases in parallel, each with a fixed seed
#     and a time bound measured on a 2-vCPU VM (see BOUNDS below).
#  3. strace: the simulator's only bind/connect addresses are 127.0.0.1
#     or Unix sockets.
#  4. Connections to anything but a forwarded service (gateway port, public
#     address, slirp DNS, another port on the service address) are dropped
#     in the netif, counted by reason, and make no host connect().
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${BUILD:-build}
SIM=$B/host-sim
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok:   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
finish() {
    [ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null
    [ -n "${TMP:-}" ] && rm -rf "$TMP"
}
trap finish EXIT

if [ ! -x "$SIM" ]; then
    bad "$SIM not built"; echo "$pass passed, $fail failed"; exit 1
fi
TMP=$(mktemp -d)
head -c 1048576 /dev/urandom > "$TMP/file.bin"
WANT=$(sha256sum < "$TMP/file.bin" | cut -d' ' -f1)

# A free port on 127.0.0.1 (the kernel picks it; a race is harmless here).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$TMP" "$PORT" >"$TMP/http.log" 2>&1 &
SRV=$!
i=0
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/', timeout=1)" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 50 ] && { bad "http.server did not start"; echo "$pass passed, $fail failed"; exit 1; }
    sleep 0.1
done

FWD="--forward 10.0.2.100:80=127.0.0.1:$PORT"
counter() { sed -n "s/^counter $2 //p" "$1"; }
elapsed() { sed -n 's/^get: .* elapsed_ms \([0-9]*\) .*/\1/p' "$1"; }

check_get() { # name outfile log bound_ms
    name=$1; out=$2; log=$3; bound=$4
    got=$(sha256sum < "$out" 2>/dev/null | cut -d' ' -f1)
    ms=$(elapsed "$log")
    drops=$(counter "$log" drop_total)
    if ! grep -q '^get: .* OK$' "$log"; then
        bad "$name: GET failed: $(grep '^get:' "$log")"
    elif [ "$got" != "$WANT" ]; then
        bad "$name: body differs from the served file"
    elif [ "${ms:-999999}" -gt "$bound" ]; then
        bad "$name: took ${ms} ms, bound ${bound} ms"
    else
        ok "$name: 1 MiB intact in ${ms} ms (bound ${bound} ms), frames dropped ${drops}"
    fi
    grep '^counter' "$log" | grep -v ' 0$' | sed 's/^/        /'
}

# ---- 1. clean link ----------------------------------------------------------
"$SIM" $FWD --get 10.0.2.100:80/file.bin --out "$TMP/clean.out" --pools >"$TMP/clean.log" 2>&1
check_get "clean" "$TMP/clean.out" "$TMP/clean.log" 5000
echo "        lwIP static memory (pools + heap):"
grep '^pool' "$TMP/clean.log" | sed 's/^/        /'
if command -v nm >/dev/null; then
    nm -S -t d "$SIM" | awk '$4 ~ /^(memp_memory_.*_base|ram_heap)$/ { s += $2 } END { printf "        nm: memp_memory_*_base + ram_heap = %d bytes\n", s }'
fi

# ---- 2. faults (in parallel) -----------------------------------------------
# name | bound ms | flags. Bounds are about 3x the worst of 5+ runs measured:
# 5% loss 4-17 s, delay 12 s, reorder 0.9 s, dup 0.02 s, corrupt 22 s,
# link down 4-7 s. slirp's clock runs 5x (a 200 ms minimum RTO, like the
# real services' Linux servers) so each lost segment does not cost 1.5 s.
CASES="loss5|60000|--loss 5
delay|40000|--delay 200 --jitter 100
reorder|20000|--reorder 10 --reorder-ms 20
dup|20000|--dup 10
corrupt|60000|--corrupt 5
linkdown|25000|--rate-kbit 4000 --link-down 800:2000"
echo "$CASES" | while IFS='|' read -r name bound flags; do
    # shellcheck disable=SC2086
    timeout 100 "$SIM" $FWD --seed 42 --slirp-clock-scale 5 --timeout-ms 90000 $flags \
        --get 10.0.2.100:80/file.bin --out "$TMP/$name.out" >"$TMP/$name.log" 2>&1 &
done
wait_for=$(echo "$CASES" | wc -l)
# `wait` cannot see the pipeline subshell's children: poll their logs.
n=0
while [ "$(grep -l '^counter lwip_tcp_drop' "$TMP"/*.log 2>/dev/null | grep -vc clean.log)" -lt "$wait_for" ]; do
    n=$((n + 1)); [ $n -gt 1100 ] && break
    sleep 0.1
done
sleep 0.2
echo "$CASES" | while IFS='|' read -r name bound flags; do
    check_get "faults $name ($flags)" "$TMP/$name.out" "$TMP/$name.log" "$bound"
done > "$TMP/faults.txt"
cat "$TMP/faults.txt"
pass=$((pass + $(grep -c '^ok:' "$TMP/faults.txt"))); fail=$((fail + $(grep -c '^FAIL:' "$TMP/faults.txt")))

# Each fault really happened (else the case above proved nothing).
nz() { v=$(counter "$TMP/$1.log" "$2"); [ "${v:-0}" -gt 0 ]; }
if nz loss5 drop_loss_tx && nz loss5 drop_loss_rx; then ok "loss: frames lost in both directions"; else bad "loss: no frames lost"; fi
if nz reorder reordered; then ok "reorder: frames reordered"; else bad "reorder: none"; fi
if nz dup duplicated; then ok "dup: frames duplicated"; else bad "dup: none"; fi
if nz corrupt corrupted && { nz corrupt lwip_tcp_chkerr || nz corrupt lwip_ip_chkerr; }; then
    ok "corrupt: bit flips injected and dropped by lwIP's checksums ($(counter "$TMP/corrupt.log" lwip_tcp_chkerr) TCP, $(counter "$TMP/corrupt.log" lwip_ip_chkerr) IP)"
else bad "corrupt: no corruption seen or lwIP did not catch it"; fi
if nz linkdown drop_link_down; then ok "link down: frames dropped while down, mid-transfer"; else bad "link down: no frame hit the outage"; fi
d=$(elapsed "$TMP/delay.log"); if [ "${d:-0}" -ge 400 ]; then ok "delay: took ${d} ms (>= one 400 ms RTT)"; else bad "delay: ${d} ms is too fast for 200 ms each way"; fi

# ---- 3 + 4. strace: loopback only; foreign destinations never leave ----------
if command -v strace >/dev/null; then
    strace -f -qq -e trace=connect,bind -o "$TMP/strace.txt" \
        "$SIM" $FWD --get 10.0.2.100:80/file.bin --out "$TMP/st.out" --probe-timeout-ms 1000 \
        --probe 10.0.2.2:22 --probe 1.1.1.1:443 --probe 10.0.2.3:53 --probe 10.0.2.100:81 \
        >"$TMP/st.log" 2>&1
    st_rc=$?
    sed 's/^/        strace: /' "$TMP/strace.txt"
    nbad=$(grep -E 'connect\(|bind\(' "$TMP/strace.txt" | grep -v 'sa_family=AF_UNIX' \
           | grep -vc 'sa_family=AF_INET, sin_port=htons([0-9]*), sin_addr=inet_addr("127.0.0.1")')
    nall=$(grep -Ec 'connect\(|bind\(' "$TMP/strace.txt")
    if [ "$nall" -gt 0 ] && [ "$nbad" -eq 0 ]; then
        ok "strace: all $nall bind/connect addresses are 127.0.0.1 or AF_UNIX"
    else
        bad "strace: $nbad of $nall bind/connect calls use another address"
    fi
    ninet=$(grep -c 'connect(.*sa_family=AF_INET' "$TMP/strace.txt")
    relay=$(counter "$TMP/st.log" relay_connects)
    if [ "$ninet" -eq 1 ] && [ "$relay" = 1 ] && grep -q '^get: .* OK$' "$TMP/st.log"; then
        ok "strace: exactly one AF_INET connect (the GET's relay); the 4 probes made none"
    else
        bad "strace: $ninet AF_INET connects for 1 GET + 4 blocked probes (relay $relay)"
    fi
    for p in 10.0.2.2:22 1.1.1.1:443 10.0.2.3:53 10.0.2.100:81; do
        if grep -q "^probe: $p result net-timeout .* BLOCKED" "$TMP/st.log"; then
            ok "probe $p: blocked inside the simulator"
        else
            bad "probe $p: $(grep "^probe: $p" "$TMP/st.log")"
        fi
    done
    nf=$(counter "$TMP/st.log" drop_not_forwarded)
    if [ "${nf:-0}" -ge 4 ] && [ "$st_rc" -eq 0 ]; then
        ok "probes: $nf SYN frames dropped as not_forwarded"
    else
        bad "probes: not_forwarded=$nf, exit $st_rc"
    fi
else
    bad "strace not installed"
fi

# ---- configuration refuses anything but 127.0.0.1 ---------------------------
"$SIM" --forward 10.0.2.100:80=192.168.1.1:80 >/dev/null 2>&1
rc1=$?
"$SIM" --forward 10.0.2.2:80=127.0.0.1:80 >/dev/null 2>&1
rc2=$?
if [ $rc1 -eq 2 ] && [ $rc2 -eq 2 ]; then ok "forwards to a non-loopback host or from the gateway address are refused (exit 2)"
else bad "bad forwards accepted (exit $rc1, $rc2)"; fi

echo "host-sim: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
