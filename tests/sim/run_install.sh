#!/bin/sh
# make install into a temporary prefix, build an example against it with
# nothing but `pkg-config --cflags --libs revokit`, run it, then make
# uninstall and check that not one file is left behind.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
B=${BUILD:-build}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rvk-install.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM
PREFIX=$TMP/prefix
pass=0; fail=0
check() { # description command...
    d=$1; shift
    if "$@" >"$TMP/out" 2>&1; then
        pass=$((pass + 1)); echo "ok   $d"
    else
        fail=$((fail + 1)); echo "FAIL $d"; sed 's/^/     /' "$TMP/out"
    fi
}

check "make install PREFIX=<tmp>" make -s --no-print-directory install PREFIX="$PREFIX"
(cd "$PREFIX" && find . ! -type d | sort) >"$TMP/installed"
check "installs rvkctl, three libraries and revokit.pc" sh -c "
    for f in bin/rvkctl lib/librevokit.a lib/librevokit-posix.a lib/librevokit-bearssl.a \
             lib/pkgconfig/revokit.pc include/revokit/rvk_ops.h include/revokit/rvk_tls.h \
             include/revokit/bearssl/bearssl.h; do
        grep -qx \"./\$f\" '$TMP/installed' || { echo \"missing \$f\"; exit 1; }
    done"
check "installed rvkctl --version prints RVK_VERSION" sh -c "
    v=\$(sed -n 's/^#define RVK_VERSION \"\\([^\"]*\\)\".*/\\1/p' include/revokit/rvk_version.h)
    '$PREFIX/bin/rvkctl' --version | grep -F \"\$v\""
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
check "pkg-config --modversion revokit is RVK_VERSION" sh -c "
    v=\$(sed -n 's/^#define RVK_VERSION \"\\([^\"]*\\)\".*/\\1/p' include/revokit/rvk_version.h)
    test \"\$(pkg-config --modversion revokit)\" = \"\$v\""
# Compiled outside the tree: only the installed headers can be found.
cp examples/vod_list_tokens.c examples/example_port.c examples/example_port.h "$TMP/"
check "example builds with pkg-config flags only (-Wall -Wextra -Werror)" sh -c "
    cd '$TMP' && cc -std=c99 -Wall -Wextra -Werror -Wundef -D_POSIX_C_SOURCE=200809L \
        vod_list_tokens.c example_port.c \$(pkg-config --cflags --libs revokit) -o vod_list_tokens"
check "example built against the install lists tokens from the mock" python3 - "$TMP/vod_list_tokens" <<'PY'
import os, subprocess, sys
sys.path.insert(0, "tests/sim")
import harness as h
ca = h.ensure_certs()
m = h.MockCloud()
try:
    env = dict(h.tencent_env(), PATH=os.environ["PATH"], RVK_CA_FILE=ca,
               RVK_CONNECT="127.0.0.1:%d" % m.port)
    p = subprocess.run([sys.argv[1], "1500000002"], env=env, capture_output=True, text=True,
                       timeout=60)
    print(p.stdout, p.stderr)
    sys.exit(0 if p.returncode == 0 and p.stdout.split() == ["vodTokenDelta0004"] else 1)
finally:
    m.stop()
PY
check "make uninstall PREFIX=<tmp>" make -s --no-print-directory uninstall PREFIX="$PREFIX"
check "uninstall leaves no file behind" sh -c "
    left=\$(cd '$PREFIX' && find . ! -type d); test -z \"\$left\" || { echo \"\$left\"; exit 1; }"
check "uninstall leaves revokit's include directory gone" test ! -e "$PREFIX/include/revokit"
# a file of the user's own next to ours must survive uninstall
mkdir -p "$PREFIX/lib" && echo keep >"$PREFIX/lib/libother.a"
make -s --no-print-directory install PREFIX="$PREFIX" >/dev/null 2>&1
make -s --no-print-directory uninstall PREFIX="$PREFIX" >/dev/null 2>&1
check "uninstall removes only revokit's files" test -f "$PREFIX/lib/libother.a"

cd "$ROOT" || exit 2
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
