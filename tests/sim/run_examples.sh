#!/bin/sh
# examples/ (built by `make examples`) against the mock clouds on 127.0.0.1.
set -u
cd "$(dirname "$0")" || exit 2
exec python3 unittest_runner.py test_examples
