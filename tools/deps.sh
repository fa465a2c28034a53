#!/bin/sh
# Fetch and verify everything revokit builds against.
#
#   tools/deps.sh DEPS_DIR
#
# 1. Debian packages (compiler, test libraries, libslirp, jsmn header) are
#    installed with apt-get when running as root; otherwise the exact
#    apt-get command is printed and the script fails.
# 2. Upstream BearSSL 0.6 and lwIP 2.1.3 come from Debian *source* packages.
#    A private apt configuration under DEPS_DIR/apt carries the deb-src line,
#    so /etc/apt is never modified. The mirror is taken from the machine's
#    own apt configuration. Only the .orig tarballs are used, each checked
#    against the SHA-256 pinned below before it is unpacked.
# 3. jsmn 1.1.0 is header-only; Debian's libjsmn-dev header is copied in and
#    checked against its pinned SHA-256, so every target (host and
#    cross-compiled firmware) uses exactly the same file.
set -eu

DEPS=${1:?usage: tools/deps.sh DEPS_DIR}
mkdir -p "$DEPS"
DEPS=$(cd "$DEPS" && pwd)

BEARSSL_TAR=bearssl_0.6+dfsg.1.orig.tar.xz
BEARSSL_SHA=102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004
LWIP_TAR=lwip_2.1.3+dfsg1.orig.tar.xz
LWIP_SHA=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
JSMN_SHA=1ed6154dedf009212a08a397e9c4ed50a0ce31d5a8301bb294e137ae3188c13b

PACKAGES="build-essential python3 openssl ca-certificates libcmocka-dev libjsmn-dev libslirp-dev strace xz-utils dpkg-dev time ${RVK_EXTRA_PACKAGES:-}"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps: missing Debian packages:$missing" >&2
        echo "deps: run as root:  apt-get update && apt-get install -y$missing" >&2
        exit 1
    fi
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The mirror named in the machine's own apt sources (deb822 or one-line form).
mirror() {
    uri=""
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk '/^URIs:/ { print $2; exit }' "$f")
        [ -n "$uri" ] && break
    done
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
    fi
    [ -n "$uri" ] || { echo "deps: no Debian mirror found in /etc/apt" >&2; exit 1; }
    echo "$uri"
}

verify() { # file sha
    echo "$2  $1" | sha256sum -c --status || {
        echo "deps: SHA-256 mismatch for $1" >&2
        rm -f "$1"
        exit 1
    }
}

fetch_sources() {
    . /etc/os-release
    apt="$DEPS/apt"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$DEPS/dl"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) ${VERSION_CODENAME:-bookworm} main" > "$apt/sources.list"
    set -- -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
           -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" \
           -o APT::Sandbox::User=root
    apt-get "$@" -qq update
    (cd "$DEPS/dl" && apt-get "$@" -qq source --download-only --tar-only bearssl lwip >/dev/null)
}

if [ ! -f "$DEPS/dl/$BEARSSL_TAR" ] || [ ! -f "$DEPS/dl/$LWIP_TAR" ]; then
    fetch_sources
fi
verify "$DEPS/dl/$BEARSSL_TAR" "$BEARSSL_SHA"
verify "$DEPS/dl/$LWIP_TAR" "$LWIP_SHA"

if [ ! -d "$DEPS/bearssl-0.6" ]; then
    tar -C "$DEPS" -xJf "$DEPS/dl/$BEARSSL_TAR"
fi
if [ ! -d "$DEPS/lwip-2.1.3" ]; then
    tar -C "$DEPS" -xJf "$DEPS/dl/$LWIP_TAR"
fi

mkdir -p "$DEPS/jsmn"
cp /usr/include/jsmn.h "$DEPS/jsmn/jsmn.h"
verify "$DEPS/jsmn/jsmn.h" "$JSMN_SHA"
echo "deps: BearSSL 0.6, lwIP 2.1.3, jsmn 1.1.0 ready in $DEPS"
