#!/usr/bin/env bash
# Installs, through apt, whatever probekit's build, tests and oracle need and this machine
# lacks. Safe to run again: it installs nothing that is already there.
set -euo pipefail

packages=(
    cmake ninja-build g++ clang pkg-config
    libboost1.81-dev libboost-test1.81-dev libboost-json1.81-dev
    libboost-program-options1.81-dev
    libdw-dev libelf-dev systemtap-sdt-dev libbenchmark-dev libiberty-dev
    libc6-dbg linux-perf python3
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "probekit: installing ${missing[*]}" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
