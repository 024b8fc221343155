#!/usr/bin/env bash
# Fetches Debian's arm64 Linux kernel (linux-image-cloud-arm64, an uncompressed arm64 Image) and
# busybox-static into a cache the tests share, unpacked:
#   <cache>/kernel/Image          the kernel, as the boot loader would load it
#   <cache>/kernel/modules/       its modules (lib/modules/<version>)
#   <cache>/busybox/busybox       the static busybox
#   <cache>/VERSIONS              the package versions fetched
# Usage: tools/debian-arm64/fetch.sh [<cache>]   (default: ~/.cache/gunyah-vmm/debian-arm64)
# Needs apt with the arm64 architecture added (done here when running as root) and Debian's
# mirrors; prints one line saying why when it cannot, and exits non-zero.
set -euo pipefail
cache=${1:-${GUNYAH_DEBIAN_CACHE:-$HOME/.cache/gunyah-vmm/debian-arm64}}
if [ -f "$cache/VERSIONS" ] && [ -f "$cache/kernel/Image" ] && [ -x "$cache/busybox/busybox" ]; then
    exit 0
fi
command -v apt-get >/dev/null || { echo "fetch.sh: apt-get is missing: not a Debian system"; exit 1; }
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    if [ "$(id -u)" != 0 ]; then
        echo "fetch.sh: apt lacks the arm64 architecture; as root: dpkg --add-architecture arm64 && apt-get update"
        exit 1
    fi
    dpkg --add-architecture arm64
    apt-get update -q >/dev/null
fi
kernel=$(apt-cache depends linux-image-cloud-arm64:arm64 | sed -n 's/^ *Depends: \(linux-image-[^ ]*\):arm64$/\1/p' | head -1)
if [ -z "$kernel" ]; then
    [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null
    kernel=$(apt-cache depends linux-image-cloud-arm64:arm64 | sed -n 's/^ *Depends: \(linux-image-[^ ]*\):arm64$/\1/p' | head -1)
fi
[ -n "$kernel" ] || { echo "fetch.sh: apt knows no linux-image-cloud-arm64:arm64 (run apt-get update)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q "$kernel:arm64" busybox-static:arm64 >/dev/null) \
    || { echo "fetch.sh: apt-get download of $kernel and busybox-static (arm64) failed"; exit 1; }
mkdir -p "$work/k" "$work/b"
dpkg -x "$work"/linux-image-*.deb "$work/k"
dpkg -x "$work"/busybox-static_*.deb "$work/b"
rm -rf "$cache.tmp" && mkdir -p "$cache.tmp/kernel" "$cache.tmp/busybox"
cp "$work"/k/boot/vmlinuz-* "$cache.tmp/kernel/Image"
cp -r "$work"/k/lib/modules "$cache.tmp/kernel/modules"
cp "$work"/b/bin/busybox "$cache.tmp/busybox/busybox"
{
    dpkg-deb -f "$work"/linux-image-*.deb Package Version
    dpkg-deb -f "$work"/busybox-static_*.deb Package Version
} > "$cache.tmp/VERSIONS"
rm -rf "$cache" && mv "$cache.tmp" "$cache"
