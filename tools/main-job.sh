#!/usr/bin/env bash
# The main job on real input: installs what is missing, builds the tool, then reads every
# real perf-probe command of the glibc corpus (benchmarks/corpus/perf-probe.txt, all accepted
# by perf 6.1) and prints perf's canonical form of each (`ok<TAB>canonical`), as perf would
# write it into the probe cache of libc.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build --target probekit_tool
build/probekit parse perf-probe -x /usr/lib/x86_64-linux-gnu/libc.so.6 \
    --file benchmarks/corpus/perf-probe.txt
