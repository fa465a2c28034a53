#!/bin/sh
# The "Use it in your firmware" snippet of README.md is extracted, compiled
# with the library's own strict warnings against the staged SDK headers
# (build/sdk, what `make install` writes), linked, and run against the mock
# cloud: it can never rot.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${BUILD:-build}
SDK=$B/sdk
OUT=$B/readme
mkdir -p "$OUT"
pass=0; fail=0
check() { # description command...
    d=$1; shift
    if "$@" >"$OUT/out" 2>&1; then
        pass=$((pass + 1)); echo "ok   $d"
    else
        fail=$((fail + 1)); echo "FAIL $d"; sed 's/^/     /' "$OUT/out" | head -30
    fi
}
extract() {
    awk '/<!-- snippet: firmware -->/ { want = 1; next }
         want && /^```c$/ { on = 1; next }
         on && /^```$/ { exit }
         on { print }' README.md >"$OUT/snippet.c"
    n=$(wc -l <"$OUT/snippet.c")
    echo "$n lines"
    [ "$n" -ge 10 ] && [ "$n" -le 40 ]
}
STRICT="-std=c99 -Wall -Wextra -Werror -Wshadow -Wconversion -Wstrict-prototypes \
  -Wmissing-prototypes -Wcast-qual -Wvla -Wformat=2 -Wundef -Wold-style-definition"
check "README has a 10..40 line firmware snippet" extract
check "snippet compiles with the library's strict warnings" \
    sh -c "cc $STRICT -I$SDK/include -isystem $SDK/include/revokit/bearssl \
           -Wno-missing-prototypes -c $OUT/snippet.c -o $OUT/snippet.o"
check "snippet links into a program" \
    sh -c "cc -std=c99 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Iexamples \
           -I$SDK/include -isystem $SDK/include/revokit/bearssl tests/sim/readme/snippet_main.c \
           examples/example_port.c $OUT/snippet.o -L$SDK/lib -lrevokit-posix -lrevokit \
           -lrevokit-bearssl -o $OUT/snippet"
check "snippet revokes a token on the mock cloud" python3 - "$OUT/snippet" <<'PY'
import os, subprocess, sys
sys.path.insert(0, "tests/sim")
import harness as h
ca = h.ensure_certs()
m = h.MockCloud()
try:
    env = dict(h.tencent_env(), PATH=os.environ["PATH"], RVK_CA_FILE=ca,
               RVK_CONNECT="127.0.0.1:%d" % m.port)
    runs = [subprocess.run([sys.argv[1], "1500000002", "vodTokenDelta0004"], env=env,
                           capture_output=True, text=True, timeout=60) for _ in range(2)]
    for p in runs:
        print(p.returncode, p.stdout, p.stderr)
    live = [t if isinstance(t, str) else t["token"]
            for t in m.control("state")["vod"]["apps"]["1500000002"]
            if isinstance(t, str) or not t.get("deleted")]
    ok = (runs[0].returncode == 0 and runs[0].stdout.strip() == "ok" and live == [] and
          runs[1].returncode == 1 and "not-found" in runs[1].stdout)
    sys.exit(0 if ok else 1)
finally:
    m.stop()
PY
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
