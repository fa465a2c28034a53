#!/bin/sh
# Smoke run of the benchmark scripts (make bench) with tiny N and one
# repeat, so they cannot rot: every contender (rvkctl batch and per call,
# in-process revokit, the Node SDK, curl) must be accepted by the mock
# cloud's signature check and then complete against the bench server.
# Writes nothing into bench/.
set -u
cd "$(dirname "$0")/../.." || exit 2
if bench/run.sh --smoke; then
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
    exit 1
fi
