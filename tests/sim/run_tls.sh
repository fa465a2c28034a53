#!/bin/sh
# TLS transport tests: a test PKI made now with the openssl CLI, local TLS
# servers on 127.0.0.1 (tests/sim/tls_server.py and openssl s_server), and
# build/sim/tls_probe driving port/bearssl over port/posix.
# Prints "N passed, N failed"; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${BUILD:-build}
NAME=vod.intl.tencentcloudapi.com
# The probe runs with the ports built under ASan+UBSan.
PROBE=$B/asan/sim/tls_probe
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

make -s "$PROBE" || { echo "0 passed, 1 failed"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/rvk-tls.XXXXXX")
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

pass=0
fail=0
check() { # description, command...
    desc=$1; shift
    if "$@" >"$W/out" 2>&1; then
        pass=$((pass + 1)); echo "ok    $desc"
    else
        fail=$((fail + 1)); echo "FAIL  $desc"; sed 's/^/      /' "$W/out"
    fi
}
die() { echo "run_tls: $*" >&2; echo "$pass passed, $((fail + 1)) failed"; exit 1; }

# ---- test PKI ---------------------------------------------------------------
utc() { date -u -d "$1" +%y%m%d%H%M%SZ; }
NOW_M1H=$(utc '-1 hour'); NOW_P30D=$(utc '+30 days'); NOW_P2D=$(utc '+2 days')

new_ca() { # dir keyspec cn
    mkdir -p "$W/$1/new" && : > "$W/$1/index.txt" && echo 1000 > "$W/$1/serial"
    cat > "$W/$1/ca.cnf" <<EOF
[ ca ]
default_ca = ca_default
[ ca_default ]
database = $W/$1/index.txt
new_certs_dir = $W/$1/new
serial = $W/$1/serial
default_md = sha256
policy = policy_any
unique_subject = no
[ policy_any ]
commonName = supplied
[ server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = \${ENV::SAN}
EOF
    openssl req -x509 -newkey "$2" -nodes -keyout "$W/$1/ca.key" -out "$W/$1/ca.pem" \
        -subj "/CN=$3" -days 3650 -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

leaf() { # ca out keyspec cn start end [san, default DNS:cn]
    openssl req -new -newkey "$3" -nodes -keyout "$W/$2.key" -out "$W/$2.csr" \
        -subj "/CN=$4" 2>/dev/null &&
    SAN=${7:-DNS:$4} openssl ca -batch -config "$W/$1/ca.cnf" -cert "$W/$1/ca.pem" \
        -keyfile "$W/$1/ca.key" -in "$W/$2.csr" -out "$W/$2.pem" -notext \
        -startdate "$5" -enddate "$6" -extensions server >/dev/null 2>&1
}

RSA=rsa:2048
openssl genpkey -genparam -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$W/p256.param" 2>/dev/null || die "cannot make P-256 parameters"
P256="ec:$W/p256.param"
new_ca ca_rsa "$RSA" "revokit test RSA CA" &&
new_ca ca_ec "$P256" "revokit test EC CA" &&
new_ca ca_other "$P256" "revokit unknown CA" || die "cannot create test CAs"
cat "$W/ca_rsa/ca.pem" "$W/ca_ec/ca.pem" > "$W/trust.pem"

leaf ca_rsa good_rsa "$RSA" "$NAME" "$NOW_M1H" "$NOW_P30D" &&
leaf ca_ec good_ec "$P256" "$NAME" "$NOW_M1H" "$NOW_P30D" &&
leaf ca_rsa wrong_name "$RSA" "wrong.example.com" "$NOW_M1H" "$NOW_P30D" &&
leaf ca_rsa expired "$RSA" "$NAME" 200101000000Z 210101000000Z &&
leaf ca_ec not_yet "$P256" "$NAME" "$NOW_P2D" "$NOW_P30D" &&
leaf ca_other unknown_ca "$P256" "$NAME" "$NOW_M1H" "$NOW_P30D" &&
leaf ca_ec ip_san "$P256" "$NAME" "$NOW_M1H" "$NOW_P30D" "DNS:$NAME,IP:127.0.0.1,IP:::1" &&
leaf ca_ec ip_as_dns "$P256" 127.0.0.1 "$NOW_M1H" "$NOW_P30D" "DNS:127.0.0.1" &&
leaf ca_other ip_unknown_ca "$P256" 127.0.0.1 "$NOW_M1H" "$NOW_P30D" "IP:127.0.0.1" ||
    die "cannot issue test certificates"
openssl req -x509 -newkey "$RSA" -nodes -keyout "$W/self_signed.key" -out "$W/self_signed.pem" \
    -subj "/CN=$NAME" -addext "subjectAltName=DNS:$NAME" -days 30 2>/dev/null ||
    die "cannot make self-signed certificate"

# ---- servers ----------------------------------------------------------------
PORT=0
start_server() { # id cert mode
    python3 tests/sim/tls_server.py --cert "$W/$2.pem" --key "$W/$2.key" \
        --port-file "$W/$1.port" --log "$W/$1.log" --mode "$3" 2>"$W/$1.err" &
    PIDS="$PIDS $!"
    i=0
    while [ ! -s "$W/$1.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s "$W/$1.port" ] || die "server $1 did not start: $(cat "$W/$1.err")"
    PORT=$(cat "$W/$1.port")
}

probe() { # port args...
    p=$1; shift
    "$PROBE" --port "$p" --name "$NAME" --ca "$W/trust.pem" "$@"
}

ECHO="--send ping\\n --reply-prefix ping"

start_server rsa good_rsa echo; P_RSA=$PORT
start_server ec good_ec echo; P_EC=$PORT
start_server name wrong_name echo; P_NAME=$PORT
start_server expired expired echo; P_EXP=$PORT
start_server notyet not_yet echo; P_NOTYET=$PORT
start_server self self_signed echo; P_SELF=$PORT
start_server other unknown_ca echo; P_OTHER=$PORT
start_server unclean good_rsa unclean; P_UNCLEAN=$PORT
start_server tls11 good_rsa tls11; P_TLS11=$PORT
start_server silent good_rsa silent; P_SILENT=$PORT
start_server eof good_rsa eof; P_EOF=$PORT
start_server ipsan ip_san echo; P_IPSAN=$PORT
start_server ipdns ip_as_dns echo; P_IPDNS=$PORT
start_server ipother ip_unknown_ca echo; P_IPOTHER=$PORT

# shellcheck disable=SC2086
{
check "RSA-2048 server: handshake, echo, close_notify gives got=0" probe $P_RSA $ECHO --end ok
check "ECDSA P-256 server: handshake, echo, close_notify gives got=0" probe $P_EC $ECHO --end ok
check "64 KB response in 16 KB records through the mono buffer" probe $P_EC --bulk 65536 --end ok
check "a read reply's plaintext is not left in the rvk_tls (record buffer wiped)" \
    probe $P_EC --send 'reply-marker-4f1d9c2a7e\n' --reply-prefix reply-marker-4f1d9c2a7e \
    --no-plaintext-left --end ok
check "wrong host name -> tls-name-mismatch" probe $P_NAME --expect tls-name-mismatch
check "expired certificate -> tls-certificate-time" probe $P_EXP --expect tls-certificate-time
check "not yet valid certificate -> tls-certificate-time" probe $P_NOTYET --expect tls-certificate-time
check "self-signed certificate -> tls-certificate" probe $P_SELF --expect tls-certificate
check "certificate from an unknown CA -> tls-certificate" probe $P_OTHER --expect tls-certificate
check "close without close_notify -> net-unclean-close" probe $P_UNCLEAN $ECHO --end net-unclean-close
check "TLS 1.0/1.1-only server -> tls-handshake" probe $P_TLS11 --expect tls-handshake
check "silent server: handshake deadline -> net-timeout" probe $P_SILENT --timeout-ms 300 --expect net-timeout
check "server closes during handshake -> tls-handshake" probe $P_EOF --expect tls-handshake
check "nothing listening -> net-connect" probe 1 --expect net-connect
check "fixed clock after expiry -> tls-certificate-time" probe $P_RSA --time 4102444800 --expect tls-certificate-time
check "no RTC, floor inside validity -> ok" probe $P_RSA --no-rtc --floor "$(date -u +%s)" $ECHO
check "no RTC, build-date floor, cert issued later -> tls-certificate-time" probe $P_NOTYET --no-rtc --expect tls-certificate-time
check "server named 127.0.0.1, IP SAN 127.0.0.1 -> ok" probe $P_IPSAN --name 127.0.0.1 $ECHO --end ok
check "server named ::1, IP SAN ::1 -> ok" probe $P_IPSAN --name ::1 $ECHO --end ok
check "same certificate by its DNS name -> ok" probe $P_IPSAN $ECHO --end ok
check "server named 127.0.0.2, IP SANs 127.0.0.1 and ::1 -> tls-name-mismatch" probe $P_IPSAN --name 127.0.0.2 --expect tls-name-mismatch
check "DNS SAN and CN spelling 127.0.0.1 -> tls-name-mismatch" probe $P_IPDNS --name 127.0.0.1 --expect tls-name-mismatch
check "IP SAN from an unknown CA -> tls-certificate" probe $P_IPOTHER --name 127.0.0.1 --expect tls-certificate
}

# Resumption: the probe checks that BearSSL got its session ID accepted on
# reconnect and not after forget_session; the server log must agree.
: > "$W/rsa.log"
check "reconnect resumes the session (abbreviated handshake)" probe $P_RSA $ECHO --resume
check "server saw full, resumed, full handshakes" sh -c \
    "sed -n 's/.*reused=\([01]\).*/\1/p' '$W/rsa.log' | tr -d '\n' | grep -qx 010 || { cat '$W/rsa.log'; exit 1; }"
check "TLS 1.2 with an ECDHE+AEAD suite was negotiated" \
    grep -Eq "version=TLSv1.2 cipher=ECDHE-RSA-(AES128-GCM-SHA256|AES256-GCM-SHA384)" "$W/rsa.log"

# Compiled-in anchors from tools/pem2c.py, built with the library's flags.
if tools/pem2c.py -o "$W/anchors.c" "$W/trust.pem" >"$W/pem2c.out" 2>&1 &&
   make -s "$B/sim/tls_probe_builtin" ANCHORS_C="$W/anchors.c" >>"$W/pem2c.out" 2>&1; then
    check "pem2c.py anchors compiled in: RSA chain" "$B/sim/tls_probe_builtin" --port "$P_RSA" --name "$NAME" --builtin $ECHO
    check "pem2c.py anchors compiled in: ECDSA chain" "$B/sim/tls_probe_builtin" --port "$P_EC" --name "$NAME" --builtin $ECHO
    check "pem2c.py anchors compiled in: unknown CA refused" "$B/sim/tls_probe_builtin" --port "$P_OTHER" --name "$NAME" --builtin --expect tls-certificate
else
    fail=$((fail + 1)); echo "FAIL  pem2c.py table generation/compilation"; sed 's/^/      /' "$W/pem2c.out"
fi
check "pem2c.py refuses a truncated PEM" sh -c \
    "head -c 300 '$W/trust.pem' > '$W/trunc.pem'; ! tools/pem2c.py '$W/trunc.pem' >/dev/null 2>&1"

# openssl s_server, serving a 100 KB file over HTTP/1.0 (-WWW), checks the
# half-duplex buffer against OpenSSL's record sizes.
head -c 102400 /dev/zero | tr '\0' 'r' > "$W/big.txt"
(cd "$W" && exec openssl s_server -accept 127.0.0.1:0 -cert good_rsa.pem -key good_rsa.key \
    -WWW -naccept 1 -tls1_2 </dev/null >"$W/s_server.out" 2>&1) &
PIDS="$PIDS $!"
i=0
while ! grep -q '^ACCEPT' "$W/s_server.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
P_OSSL=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$W/s_server.out")
check "openssl s_server: 100 KB HTTP response through the mono buffer" \
    probe "${P_OSSL:-1}" --send 'GET /big.txt HTTP/1.0\n\n' --reply-prefix 'HTTP/1.0 200 ok' --end any

echo "tls: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
