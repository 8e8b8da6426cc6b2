#!/bin/sh
# Build the libFuzzer targets and run each for RUNS executions, one after another.
#
#   fuzz/run-all.sh [RUNS]           RUNS defaults to 1000000 (per target)
#
# Environment: BUILD (build-fuzz), CC/CXX (clang/clang++), TARGETS (all four),
# FUZZ_ARGS (extra libFuzzer flags, e.g. -max_total_time=600).
#
# The fuzzers are built with -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all,
# so an ASan, LeakSanitizer or UBSan report, or an abort() of a target's oracle, stops the
# run and leaves crash-*/leak-* files in $BUILD/fuzz-artifacts/. The corpora are seeded
# from the repository's own data (tests/data/corpus/*.tsv, benchmarks/corpus/, and the
# notes of tests/data/sdt/sdt_odd.c built with gcc) by fuzz/seed.py into $BUILD/fuzz-corpus/;
# nothing here writes into the source tree. Each run is a single process (no -jobs/-workers,
# which would fork workers logging to ./fuzz-N.log).
set -eu

RUNS=${1:-1000000}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-fuzz}
TARGETS=${TARGETS:-fuzz_perf_probe fuzz_trace_probe fuzz_cache_loader fuzz_sdt}
CORPUS=$BUILD/fuzz-corpus
ARTIFACTS=$BUILD/fuzz-artifacts

CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S "$SRC" -B "$BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE=Debug -DPROBEKIT_BUILD_FUZZERS=ON -DPROBEKIT_BUILD_TESTS=OFF \
    -DPROBEKIT_BUILD_BENCHMARKS=OFF -DPROBEKIT_BUILD_TOOL=OFF >/dev/null
cmake --build "$BUILD" --parallel 2

# ELF files with hand-written SDT notes, for fuzz_sdt (skipped without gcc).
bins=
if command -v gcc >/dev/null 2>&1; then
    mkdir -p "$BUILD/sdt-seeds"
    gcc -O0 -o "$BUILD/sdt-seeds/sdt-odd" "$SRC/tests/data/sdt/sdt_odd.c"
    gcc -O0 -DODD_BAD_SIZE -o "$BUILD/sdt-seeds/sdt-odd-bad" "$SRC/tests/data/sdt/sdt_odd.c"
    strip "$BUILD/sdt-seeds/sdt-odd" "$BUILD/sdt-seeds/sdt-odd-bad"
    bins="--sdt-bin $BUILD/sdt-seeds/sdt-odd $BUILD/sdt-seeds/sdt-odd-bad"
fi
# shellcheck disable=SC2086
python3 "$SRC/fuzz/seed.py" "$SRC" "$CORPUS" $bins

mkdir -p "$ARTIFACTS"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
for t in $TARGETS; do
    exe=$BUILD/fuzz/$t
    [ -x "$exe" ] || { echo "== $t: not built (no libdw?), skipped"; continue; }
    echo "== $t: $RUNS runs"
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$exe" -runs="$RUNS" -print_final_stats=1 \
        -artifact_prefix="$ARTIFACTS/$t-" ${FUZZ_ARGS:-} "$CORPUS/$t" \
        2>"$BUILD/$t.log" || { tail -n 60 "$BUILD/$t.log"; exit 1; }
    grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss' "$BUILD/$t.log" || true
    echo "   wall: $(($(date +%s) - start)) s, log: $BUILD/$t.log"
done
