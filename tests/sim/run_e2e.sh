#!/bin/sh
# End-to-end: build/rvkctl against the mock clouds and the hostile server,
# all on 127.0.0.1.
set -u
cd "$(dirname "$0")" || exit 2
exec python3 unittest_runner.py test_rvkctl test_client_vs_hostile
