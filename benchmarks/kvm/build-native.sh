#!/usr/bin/env bash
# Builds the KVM reference benchmark: the x86 guest and the C program that runs it on raw
# /dev/kvm (the reference the Java implementation is measured against, with the same guest).
#
#   benchmarks/kvm/build-native.sh <outdir>
#       <outdir>/bench.bin   the guest, a flat binary for guest physical 0x40000000
#       <outdir>/kvmbench    kvmbench <mmio_exit|ioeventfd|irqfd> <count> <outdir>/bench.bin
#       <outdir>/fncycle     fncycle <count>: KVM_IOEVENTFD assign + deassign per second
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 <outdir>" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$1

missing=()
for tool in gcc as ld; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "build-native.sh: missing ${missing[*]}: install gcc and binutils (GNU as, ld)" >&2
    exit 1
fi

mkdir -p "$out"
as --32 -o "$out/bench.o" "$here/guest/bench.S"
ld -m elf_i386 -Ttext=0x40000000 --oformat binary -o "$out/bench.bin" "$out/bench.o"
rm -f "$out/bench.o"
gcc -O2 -pthread -Wall -Wextra -o "$out/kvmbench" "$here/c/kvmbench.c"
gcc -O2 -Wall -Wextra -o "$out/fncycle" "$here/c/fncycle.c"
echo "build-native.sh: built $out/bench.bin and $out/kvmbench" >&2
