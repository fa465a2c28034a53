#!/bin/sh
# Self-test of the mock clouds and the hostile server (Python, stdlib only).
# Last line: "N passed, N failed"; exit status non-zero on any failure.
cd "$(dirname "$0")" || exit 2
exec python3 unittest_runner.py test_mockcloud test_hostile
