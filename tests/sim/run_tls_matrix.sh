#!/bin/sh
# TLS refusal matrix through build/rvkctl (tests/sim/test_tls_matrix.py),
# and rvkctl's process hygiene (test_process_hygiene.py: no core dumps).
set -u
cd "$(dirname "$0")" || exit 2
exec python3 unittest_runner.py test_tls_matrix test_process_hygiene
