#!/bin/sh
# TLS refusal matrix through build/rvkctl (tests/sim/test_tls_matrix.py).
set -u
cd "$(dirname "$0")" || exit 2
exec python3 unittest_runner.py test_tls_matrix
