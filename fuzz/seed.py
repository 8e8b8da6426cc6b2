#!/usr/bin/env python3
"""Seed the libFuzzer corpora from the repository's own data.

    seed.py SOURCE_DIR OUT_DIR [--sdt-bin FILE ...]

Writes OUT_DIR/<target>/ for fuzz_perf_probe, fuzz_trace_probe, fuzz_cache_loader and
fuzz_sdt, one seed per file, named by content hash (so re-seeding is idempotent):

  perf_probe   the commands and canonical forms of tests/data/corpus/perf-probe-*.tsv
               (`--line X` rows give X) and every line of benchmarks/corpus/perf-probe.txt
  trace_probe  one kind byte (the trace_kind enumerator: 0 automatic, 1 kprobe, ...) and a
               line: the commands and kernel read-backs of trace-*.tsv with their kind and
               with automatic, the lines of benchmarks/corpus/trace.txt with automatic/uprobe
  cache_loader benchmarks/corpus/*.probes cut into blocks of whole entries (<= 4 KiB, the
               fuzzer's -max_len), plus a few entries on their own
  sdt          0/1 + an argument string of sdt-args.tsv (x86_64/aarch64, both for the rest),
               2 + a `.note.stapsdt` built from each row, 2 + the notes of each --sdt-bin
               file and 3 + the file itself
"""
import hashlib
import os
import struct
import subprocess
import sys

KINDS = {"automatic": 0, "kprobe": 1, "uprobe": 2, "eprobe": 3, "fprobe": 4, "tprobe": 5}
MAX_LEN = 4096  # per seed; libFuzzer takes -max_len from the largest seed


def tsv(path):
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    header, body = rows[0], rows[1:]
    return [dict(zip(header, r)) for r in body]


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip()]


class Corpus:
    def __init__(self, root, name, max_len=MAX_LEN):
        self.dir = os.path.join(root, name)
        self.max_len = max_len
        os.makedirs(self.dir, exist_ok=True)
        self.count = 0

    def add(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not data or len(data) > self.max_len:
            return
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.count += 1


def note(provider, name, args, pc=0x1130, base=0x2004, semaphore=0):
    """One stapsdt ELF note, as <sys/sdt.h> lays it out (4-byte aligned)."""
    desc = struct.pack("<QQQ", pc, base, semaphore)
    desc += provider.encode() + b"\0" + name.encode() + b"\0" + args.encode() + b"\0"
    out = struct.pack("<III", 8, len(desc), 3) + b"stapsdt\0" + desc
    return out + b"\0" * (-len(out) % 4)


def main():
    src, out = sys.argv[1], sys.argv[2]
    sdt_bins = sys.argv[4:] if len(sys.argv) > 3 and sys.argv[3] == "--sdt-bin" else []
    data = os.path.join(src, "tests", "data", "corpus")
    bench = os.path.join(src, "benchmarks", "corpus")

    perf = Corpus(out, "fuzz_perf_probe")
    for f in ("perf-probe-valid.tsv", "perf-probe-invalid.tsv"):
        for row in tsv(os.path.join(data, f)):
            for col in ("command", "expected_canonical"):
                text = row.get(col, "")
                perf.add(text[len("--line "):] if text.startswith("--line ") else text)
    for l in lines(os.path.join(bench, "perf-probe.txt")):
        perf.add(l)

    trace = Corpus(out, "fuzz_trace_probe")
    for f in ("trace-valid.tsv", "trace-invalid.tsv"):
        for row in tsv(os.path.join(data, f)):
            kind = KINDS.get(row.get("kind", ""), 0)
            texts = [row["command"]]
            if f == "trace-valid.tsv" and "notes" in row:
                texts += [n.strip() for n in row["notes"].split("||") if ":" in n]
            for t in texts:
                trace.add(bytes([kind]) + t.encode())
                trace.add(bytes([0]) + t.encode())
    for l in lines(os.path.join(bench, "trace.txt")):
        trace.add(b"\0" + l.encode())
        trace.add(b"\2" + l.encode())

    cache = Corpus(out, "fuzz_cache_loader")
    for f in sorted(os.listdir(bench)):
        if not f.endswith(".probes"):
            continue
        with open(os.path.join(bench, f), "rb") as fh:
            text = fh.read()
        # Cut at entry headers (# or %) so that every block is a sound cache on its own.
        entries, cur = [], b""
        for l in text.splitlines(keepends=True):
            if l[:1] in (b"#", b"%") and cur:
                entries.append(cur)
                cur = b""
            cur += l
        entries.append(cur)
        for e in entries[:64]:
            cache.add(e)
        block = b""
        for e in entries:
            if len(block) + len(e) > MAX_LEN:
                cache.add(block)
                block = b""
            block += e
        cache.add(block)

    sdt = Corpus(out, "fuzz_sdt", max_len=1 << 16)  # whole ELF files
    arch_byte = {"x86_64": 0, "aarch64": 1}
    for row in tsv(os.path.join(data, "sdt-args.tsv")):
        args = row["sdt_arg"]
        for b in ({arch_byte[row["arch"]]} if row["arch"] in arch_byte else {0, 1}):
            sdt.add(bytes([b]) + args.encode())
        sdt.add(b"\2" + note("fuzz", "probe", args))
        sdt.add(b"\2" + note("fuzz", "one", args) + note("fuzz", "two", args, semaphore=0x4008))
    for path in sdt_bins:
        with open(path, "rb") as fh:
            sdt.add(b"\3" + fh.read())
        section = path + ".note"
        subprocess.run(["objcopy", "-O", "binary", "--only-section=.note.stapsdt",
                        path, section], check=True)
        with open(section, "rb") as fh:
            sdt.add(b"\2" + fh.read())
        os.remove(section)

    for c in (perf, trace, cache, sdt):
        print(f"{os.path.basename(c.dir)}: {len(os.listdir(c.dir))} seeds ({c.count} new)")


if __name__ == "__main__":
    main()
