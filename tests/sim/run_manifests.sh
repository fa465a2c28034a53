#!/bin/sh
# PlatformIO library.json and the Zephyr module match the tree and version.
cd "$(dirname "$0")" || exit 2
exec python3 check_manifests.py
