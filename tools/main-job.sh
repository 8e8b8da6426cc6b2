#!/usr/bin/env bash
# The main job on real input: installs what is missing, builds the tool, then does what
# `perf probe --cache` does for glibc (debug information from libc6-dbg):
#   1. resolves every command of benchmarks/corpus/perf-probe.txt (real commands, all
#      accepted by perf 6.1) through DWARF and records them in libc's probe cache
#      (`probe --cache -n --add`: -n, so no root and no kernel events are needed);
#   2. prints their trace commands (`probe -D`), now answered from the cache;
#   3. lists the cache (`probe --cache -l`).
# The cache goes to build/main-job/.debug (perf's layout), or to $PERF_BUILDID_DIR if set.
# Usage: tools/main-job.sh [COMMANDS_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build --target probekit_tool >&2

libc=/lib/x86_64-linux-gnu/libc.so.6
commands=${1:-benchmarks/corpus/perf-probe.txt}
export PERF_BUILDID_DIR=${PERF_BUILDID_DIR:-$PWD/build/main-job/.debug}
mkdir -p "$PERF_BUILDID_DIR"

add=() define=()
while IFS= read -r spec; do
    [ -n "$spec" ] || continue
    add+=(--add "$spec")
    define+=(-D "$spec")
done < "$commands"

echo "probekit: caching $(( ${#define[@]} / 2 )) commands for $libc in $PERF_BUILDID_DIR" >&2
build/probekit probe -x "$libc" --cache -n -q "${add[@]}"
build/probekit probe -x "$libc" "${define[@]}"
build/probekit probe --cache -l
