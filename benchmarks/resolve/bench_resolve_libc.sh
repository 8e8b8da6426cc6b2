#!/bin/bash
# bench_resolve_libc.sh PROBEKIT CORPUS [TARGET]
#
# Resolution speed against perf 6.1 on a real corpus of perf-probe commands for glibc
# (/work/shared/bench/corpus/perf-probe.txt; TARGET defaults to the system libc, with its
# debug info installed). Not a test: it takes minutes, mostly perf's.
#
# Two sets: (a) the commands without arguments (FUNC:N lines), (b) the whole corpus.
# probekit resolves each set in one run (`-D` for every command); perf takes at most 127
# `-D` per run, so it runs in batches (times summed, peak RSS the largest batch's), with a
# temporary HOME because perf writes $HOME/.debug even for -D. Prints wall time and peak
# RSS (/usr/bin/time -f '%e %M') per side, the ratios, and whether both sides printed the
# same lines (sorted; a `_N` suffix of an event name is ignored, since perf only sees
# the names of its own batch when it makes names unique).
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 PROBEKIT CORPUS [TARGET]" >&2
    exit 2
fi
probekit=$(realpath "$1")
corpus=$(realpath "$2")
target=${3:-/lib/x86_64-linux-gnu/libc.so.6}
batch=127

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Reads commands from $1 into the array `specs`, one -D per command.
load_specs() {
    specs=()
    while IFS= read -r line; do
        [[ -n $line ]] && specs+=(-D "$line")
    done <"$1"
}

# probekit on all of $1 in one run: "<seconds> <KiB>" into $2.time, lines into $2.out.
run_probekit() {
    load_specs "$1"
    # an empty build-id directory, so that no cached answer can stand in for DWARF
    local home
    home=$(mktemp -d)
    HOME=$home PERF_BUILDID_DIR=$home/.debug /usr/bin/time -f '%e %M' -o "$2.time" \
        "$probekit" probe -x "$target" "${specs[@]}" >"$2.out" 2>"$2.err" || {
        echo "probekit failed on $1 (see below)" >&2
        tail -5 "$2.err" >&2
    }
    rm -rf "$home"
}

# perf on $1 in batches: summed seconds and largest peak into $2.time, lines into $2.out.
run_perf() {
    split -l "$batch" -d -a 3 "$1" "$work/batch."
    : >"$2.out"
    local seconds=0 peak=0
    for part in "$work"/batch.*; do
        load_specs "$part"
        local home
        home=$(mktemp -d)
        HOME=$home /usr/bin/time -f '%e %M' -o "$work/part.time" \
            perf probe -x "$target" "${specs[@]}" >>"$2.out" 2>>"$2.err" ||
            echo "perf failed on a batch of $1" >&2
        rm -rf "$home"
        read -r s k <"$work/part.time"
        seconds=$(echo "$seconds + $s" | bc)
        ((k > peak)) && peak=$k
    done
    rm -f "$work"/batch.*
    echo "$seconds $peak" >"$2.time"
}

normalized() {
    sed -E 's#^([pr]:[^/ ]+/[^ ]+)_[0-9]+ #\1 #' "$1" | sort
}

report() {
    local name=$1 count=$2 pk=$3 pf=$4
    read -r pk_s pk_k <"$pk.time"
    read -r pf_s pf_k <"$pf.time"
    printf '%s (%d commands)\n' "$name" "$count"
    printf '  probekit: %8.2f s  %7d KiB peak RSS  (%d lines)\n' "$pk_s" "$pk_k" \
        "$(wc -l <"$pk.out")"
    printf '  perf:     %8.2f s  %7d KiB peak RSS  (%d lines)\n' "$pf_s" "$pf_k" \
        "$(wc -l <"$pf.out")"
    # time(1) prints hundredths: a run under 10 ms counts as 10 ms
    [[ $pk_s == 0.00 ]] && pk_s=0.01
    printf '  speed-up: %.1fx   memory: probekit/perf = %.2f\n' \
        "$(echo "$pf_s / $pk_s" | bc -l)" "$(echo "$pk_k / $pf_k" | bc -l)"
    if cmp -s <(normalized "$pk.out") <(normalized "$pf.out"); then
        echo "  output: same lines on both sides"
    else
        echo "  output: DIFFERENT lines (- perf, + probekit):"
        diff <(normalized "$pf.out") <(normalized "$pk.out") | grep '^[<>]' | head -20 |
            sed 's/^</  -/; s/^>/  +/'
    fi
}

awk 'NF == 1' "$corpus" >"$work/noargs.txt"
for set in noargs all; do
    file=$work/noargs.txt
    [[ $set == all ]] && file=$corpus
    run_probekit "$file" "$work/$set.probekit"
    run_perf "$file" "$work/$set.perf"
    label="(a) commands without arguments"
    [[ $set == all ]] && label="(b) whole corpus"
    report "$label" "$(grep -c . "$file")" "$work/$set.probekit" "$work/$set.perf"
done
