#!/bin/sh
# make bench: revokit side by side with the official Node SDK and curl.
#
#   bench/run.sh [--smoke]
#
# 1. Debian packages the benchmark needs (gnuplot for the chart, OpenSSL
#    headers for the stand-in server, curl, Node.js) go through the
#    project's own installer, tools/deps.sh, via RVK_EXTRA_PACKAGES.
# 2. tencentcloud-sdk-nodejs is installed from npm at a pinned version into
#    build/bench/node_modules (the version the signing spec was checked
#    against).
# 3. bench/bench.py measures and writes bench/results.md and results.png.
set -eu
cd "$(dirname "$0")/.."
SDK_VERSION=4.1.313
export RVK_BENCH_SDK_VERSION=$SDK_VERSION

BENCH_PACKAGES="gnuplot-nox libssl-dev curl"
command -v node >/dev/null 2>&1 || BENCH_PACKAGES="$BENCH_PACKAGES nodejs npm"
RVK_EXTRA_PACKAGES="${RVK_EXTRA_PACKAGES:-} $BENCH_PACKAGES" tools/deps.sh build/deps
make -s --no-print-directory bench-tools

SDK_DIR=build/bench/node_modules/tencentcloud-sdk-nodejs
have=$(node -p "require('./$SDK_DIR/package.json').version" 2>/dev/null || true)
if [ "$have" != "$SDK_VERSION" ]; then
    echo "bench: npm install tencentcloud-sdk-nodejs@$SDK_VERSION into build/bench"
    npm install --prefix build/bench --no-audit --no-fund --silent \
        "tencentcloud-sdk-nodejs@$SDK_VERSION" >/dev/null
fi
exec python3 bench/bench.py "$@"
