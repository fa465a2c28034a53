#!/bin/sh
# Device-grade revocation (issue 6) end to end: clock skew and no RTC,
# batches, the client-side rate limit over 500 deletions, keep-alive and
# TLS session resumption; build/rvkctl against the mock on 127.0.0.1.
set -u
cd "$(dirname "$0")" || exit 2
exec python3 unittest_runner.py test_clock test_batch
