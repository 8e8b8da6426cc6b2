#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite
# (tests labelled `kernel` skip themselves where tracefs is not writable).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --parallel "$(nproc)"
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
