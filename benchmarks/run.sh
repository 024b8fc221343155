#!/usr/bin/env bash
# Runs a benchmark of the Gunyah VMM runtime, building what it needs first.
#
#   benchmarks/run.sh soak [--vms <n>] [--cycles <n>] [--minutes <m>] [--hypervisor <name>]
#       16 VMs x 4 vCPUs (by default; on the preferred backend, KVM where /dev/kvm works, or
#       the one named) whose guests ring ioeventfd doorbells and take irqfd
#       interrupts without pause, in a copy of the runtime, while every function bundle is
#       replaced in turn (forced undeploy + redeploy, Bundle.update, package refresh). Ends with
#       one line:
#       soak: backend=... cycles=... vms=... guest_writes=... signals=... lost_signals=0 ...
#       and exit status 0 when nothing was lost, leaked or failed. Without --cycles or --minutes
#       it makes 200 replacements.
#
#   benchmarks/run.sh kvm [--runs <n>] [--count <n>]
#       The KVM backend against C on raw /dev/kvm, with one guest (benchmarks/kvm/guest/bench.S)
#       for both, alternating Java and C processes <n> times (5) and printing medians of <count>
#       operations each (100,000; 1,000,000 in-kernel ioeventfd writes), one line
#       per measure: kvm.mmio_exit (guest MMIO write -> userspace -> resume), kvm.ioeventfd
#       (guest write matched in the kernel, read from the eventfd), kvm.irqfd (host signals,
#       guest handler acknowledges, host sees it):
#       kvm.<measure>: java=<ns> c=<ns> unit=ns ratio=<java/c>
#
#   benchmarks/run.sh all          every measure below and kvm, then benchmarks/target/report.md
#                                  and its plots (PNG, drawn with XChart)
#   benchmarks/run.sh boot         runtime start to a console that answers, against Apache Karaf
#                                  minimal 4.4.8 (fetched from Maven Central), alternating
#   benchmarks/run.sh hotload      a jar dropped into deploy/ until its function is added; the
#                                  first use of an installed function type (medians of 10)
#   benchmarks/run.sh fn_cycle     ioeventfd add + remove per second through the framework (JMH),
#                                  emulated and KVM, against C doing KVM_IOEVENTFD assign + deassign
#   benchmarks/run.sh dispatch     MMIO dispatch among 10, 1,000 and 100,000 IO handlers (JMH)
#   benchmarks/run.sh scale        1,000 VMs x 3 functions created, started, torn down; heap per VM
#   benchmarks/run.sh emulated.mips  guest instructions per second on the emulated vCPU
#   benchmarks/run.sh emulated.corpus  the conformance C corpus (every program at -O0, -O2, -O3) on
#                                  the emulated vCPU against the same static programs under
#                                  qemu-aarch64: wall time of the whole corpus, median of 7 rounds,
#                                  ratio = vCPU / qemu (needs gcc-aarch64-linux-gnu, qemu-user)
#   benchmarks/run.sh linux [--vcpus <n>] [--runs <n>]
#                                  Debian's arm64 kernel with a busybox initramfs, process start to
#                                  the first line /init prints, on the emulated backend (bin/gunyah
#                                  linux) against qemu-system-aarch64 -M virt,gic-version=3 -cpu
#                                  cortex-a57 (TCG), same kernel, initramfs, vCPUs (1) and 256 MiB,
#                                  alternating, medians of <runs> (3); rss_extra_mib is our resident
#                                  memory beyond the guest's RAM (needs qemu-system-arm and
#                                  tools/debian-arm64/fetch.sh's cache)
#   benchmarks/run.sh virtio [--runs <n>] [--replacements <n>]
#                                  sequential read and write (fsync) of 64 MiB by dd in a Linux guest
#                                  on a virtio-blk disk: our virtio-blk device bundle against QEMU's
#                                  virtio-blk-device (TCG), MB/s and ratios ours/QEMU, medians; then
#                                  the pause a replacement of the virtio-blk bundle (Bundle.update in
#                                  a runtime started as a service) causes while the guest loops over
#                                  dd reads and fsync'd writes, <n> (20) times: median and longest ms
#                                  as the VMM measured them, and the guest's failed dd runs (0)
#   benchmarks/run.sh report       the report from the lines measured so far
# Each prints one line per measure, <name>: key=value ..., and keeps it in
# benchmarks/target/results.txt for the report.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
target="$top/benchmarks/target"

usage() {
    sed -n '2,56p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

build() {
    echo "run.sh: building the runtime and the benchmark bundles" >&2
    mvn -B -q install -DskipTests -pl runtime-distribution,benchmarks/soak -am
}

# A fresh copy of the runtime under benchmarks/target/<name>, so that a run never changes the
# runtime a user runs.
runtime_copy() {
    local dir="$target/$1"
    rm -rf "$dir"
    mkdir -p "$target"
    cp -r "$top/runtime-distribution/target/gunyah-runtime" "$dir"
    echo "$dir"
}

soak() {
    local vms=16 cycles=0 minutes=0 hypervisor=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --hypervisor) hypervisor="--hypervisor $2"; shift 2 ;;
            --vms) vms=$2; shift 2 ;;
            --cycles) cycles=$2; shift 2 ;;
            --minutes) minutes=$2; shift 2 ;;
            *) usage ;;
        esac
    done
    if [ "$cycles" = 0 ] && [ "$minutes" = 0 ]; then
        cycles=200
    fi
    build
    local runtime
    runtime=$(runtime_copy soak-runtime)
    cp "$top"/benchmarks/soak/target/org.gunyah.vmm.soak-*.jar "$runtime/deploy/"
    # No Web Console: a runtime the user has open on its port must not be disturbed, nor disturb this one.
    GUNYAH_JAVA_OPTS="${GUNYAH_JAVA_OPTS:-} -Dorg.apache.felix.http.enable=false" \
        "$runtime/bin/gunyah" -c "gunyah:soak --vms $vms --cycles $cycles --minutes $minutes $hypervisor"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

kvm() {
    local runs=5 count=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --runs) runs=$2; shift 2 ;;
            --count) count=$2; shift 2 ;;
            *) usage ;;
        esac
    done
    if [ ! -w /dev/kvm ]; then
        echo "run.sh: /dev/kvm is missing or not writable here: nothing to measure" >&2
        exit 1
    fi
    echo "run.sh: building the KVM backend, its benchmark and the C reference" >&2
    mvn -B -q install -DskipTests -pl benchmarks/kvm -am
    local out="$target/kvm"
    mkdir -p "$out"
    bash "$top/benchmarks/kvm/build-native.sh" "$out"
    (cd "$top/benchmarks/kvm" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile="$out/classpath.txt" >/dev/null)
    local java
    java=$(java_25)
    local cp="$top/benchmarks/kvm/target/classes:$(cat "$out/classpath.txt")"
    local measure
    for measure in mmio_exit ioeventfd irqfd; do
        # about a second of guest work each at least; the in-kernel writes are fast enough that
        # 100,000 of them let the JIT's and the collector's threads show in the result
        local n=${count:-$([ "$measure" = ioeventfd ] && echo 1000000 || echo 100000)}
        : > "$out/$measure.java"
        : > "$out/$measure.c"
        for _ in $(seq "$runs"); do
            "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.gunyah.vmm.benchmarks.kvm.KvmBench "$measure" "$n" "$out/bench.bin" \
                | sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p' >> "$out/$measure.java"
            "$out/kvmbench" "$measure" "$n" "$out/bench.bin" | sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p' >> "$out/$measure.c"
        done
        local j c
        j=$(median < "$out/$measure.java")
        c=$(median < "$out/$measure.c")
        record "kvm.$measure: java=$j c=$c unit=ns ratio=$(awk -v j="$j" -v c="$c" 'BEGIN { printf "%.2f", j / c }')"
    done
}

# Prints a result line and keeps it (replacing an older line of the same measure) for the report.
record() {
    local name=${1%%:*}
    mkdir -p "$target"
    touch "$target/results.txt"
    grep -v "^$name: " "$target/results.txt" > "$target/results.tmp" || true
    echo "$1" >> "$target/results.tmp"
    mv "$target/results.tmp" "$target/results.txt"
    echo "$1"
}

perf_build() {
    echo "run.sh: building the benchmarks" >&2
    mvn -B -q install -DskipTests -pl benchmarks/perf -am
    mkdir -p "$target/perf"
    (cd "$top/benchmarks/perf" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile="$target/perf/classpath.txt" >/dev/null)
}

perf_java() {
    "$(java_25)" --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true \
        -cp "$top/benchmarks/perf/target/classes:$(cat "$target/perf/classpath.txt")" "$@"
}

# One JMH benchmark class; its results as CSV in $target/perf/<class>.csv
jmh() {
    perf_java org.openjdk.jmh.Main "$1" -rf csv -rff "$target/perf/$1.csv" >&2
}

# The score (column 5) of the CSV row whose last column, the parameter, is $2.
jmh_score() {
    awk -F, -v p="$2" '{ gsub(/["\r]/, "") } $NF == p { printf "%.1f", $5 }' "$target/perf/$1.csv"
}

dispatch() {
    perf_build
    jmh DispatchBenchmark
    local h10 h1k h100k
    h10=$(jmh_score DispatchBenchmark 10)
    h1k=$(jmh_score DispatchBenchmark 1000)
    h100k=$(jmh_score DispatchBenchmark 100000)
    record "dispatch: h10=$h10 h1000=$h1k h100000=$h100k unit=ns growth=$(awk -v a="$h10" -v b="$h100k" 'BEGIN { printf "%.2f", b / a }') log_growth=5.00"
}

fn_cycle() {
    perf_build
    local out="$target/kvm"
    mkdir -p "$out"
    bash "$top/benchmarks/kvm/build-native.sh" "$out"
    : > "$out/fncycle.c.txt"
    "$out/fncycle" 500 | sed -n 's/.*ops_per_s=\([0-9.]*\).*/\1/p' >> "$out/fncycle.c.txt"
    jmh FunctionCycleBenchmark
    "$out/fncycle" 500 | sed -n 's/.*ops_per_s=\([0-9.]*\).*/\1/p' >> "$out/fncycle.c.txt"
    "$out/fncycle" 500 | sed -n 's/.*ops_per_s=\([0-9.]*\).*/\1/p' >> "$out/fncycle.c.txt"
    local emulated kvm c
    emulated=$(jmh_score FunctionCycleBenchmark emulated)
    kvm=$(jmh_score FunctionCycleBenchmark kvm)
    c=$(median < "$out/fncycle.c.txt")
    # ratio: the framework's own rate (emulated: no kernel work) against the kernel's; kvm_ratio:
    # the framework on KVM, which makes the same two ioctls, against them alone
    record "fn_cycle: emulated=$emulated kvm=$kvm c=$c unit=ops/s ratio=$(awk -v e="$emulated" -v c="$c" 'BEGIN { printf "%.1f", e / c }') kvm_ratio=$(awk -v k="$kvm" -v c="$c" 'BEGIN { printf "%.2f", k / c }')"
}

scale() {
    perf_build
    record "$(perf_java -Xmx4g org.gunyah.vmm.benchmarks.perf.Scale emulated 1000)"
    if [ -w /dev/kvm ]; then
        record "$(perf_java -Xmx4g org.gunyah.vmm.benchmarks.perf.Scale kvm 1000)"
    fi
}

emulated_mips() {
    perf_build
    record "$(perf_java org.gunyah.vmm.benchmarks.perf.EmulatedMips)"
}

# The corpus built as conformance/CorpusTest builds it: one object per program and level, linked
# as a freestanding guest image (runtime/guest.S, guest.ld) and as a static Linux program.
emulated_corpus() {
    local gcc=aarch64-linux-gnu-gcc
    if ! command -v "$gcc" >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
        echo "run.sh: emulated.corpus needs $gcc and qemu-aarch64 (Debian gcc-aarch64-linux-gnu, qemu-user)" >&2
        exit 1
    fi
    perf_build
    local src="$top/conformance/src/test/c" out="$target/corpus"
    local rt="$src/runtime"
    rm -rf "$out"
    mkdir -p "$out"
    local cflags=(-ffreestanding -nostdlib -fno-pic -fno-stack-protector)
    local lflags=(-nostdlib -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments)
    "$gcc" "${cflags[@]}" -O2 -mgeneral-regs-only -fno-builtin -fno-tree-loop-distribute-patterns -c "$rt/rt.c" -o "$out/rt.o"
    "$gcc" "${cflags[@]}" -O2 -mgeneral-regs-only -c "$rt/linux.c" -o "$out/linux-c.o"
    "$gcc" "${cflags[@]}" -c "$rt/linux.S" -o "$out/linux-s.o"
    "$gcc" "${cflags[@]}" -c "$rt/guest.S" -o "$out/guest.o"
    local program kind level extra
    while read -r program kind _; do
        case "$program" in ''|'#'*) continue ;; esac
        extra=()
        [ "$kind" = int ] && extra=(-mgeneral-regs-only)
        for level in O0 O2 O3; do
            local base="$out/$program.$level"
            "$gcc" "${cflags[@]}" -static "-$level" "${extra[@]}" -c "$src/corpus/$program.c" -o "$base.o"
            "$gcc" "${lflags[@]}" -T "$rt/guest.ld" "$out/guest.o" "$out/rt.o" "$base.o" -lgcc -o "$base.guest.elf"
            aarch64-linux-gnu-objcopy -O binary "$base.guest.elf" "$base.guest.bin"
            "$gcc" "${lflags[@]}" "$out/linux-s.o" "$out/linux-c.o" "$out/rt.o" "$base.o" -lgcc -o "$base.linux"
        done
    done < "$src/corpus.list"
    record "$(perf_java org.gunyah.vmm.benchmarks.perf.EmulatedCorpus "$out" 7)"
}

# A JDK that runs Karaf 4.4.8: it sets -Djava.security.manager=allow, which JDK 24 and newer refuse.
java_for_karaf() {
    local candidate
    for candidate in /usr/lib/jvm/*; do
        if [ -x "$candidate/bin/java" ] && "$candidate/bin/java" -version 2>&1 | grep -q -E 'version "(17|21)'; then
            echo "$candidate"
            return
        fi
    done
    echo "run.sh: Karaf 4.4.8 needs a JDK 17 or 21 under /usr/lib/jvm (JDK 24+ refuse its security manager option)" >&2
    exit 1
}

boot() {
    perf_build
    mvn -B -q install -DskipTests -pl runtime-distribution -am
    local runtime karaf
    runtime=$(runtime_copy boot-runtime)
    karaf="$target/karaf"
    if [ ! -x "$karaf/apache-karaf-minimal-4.4.8/bin/karaf" ]; then
        mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
            -Dartifact=org.apache.karaf:apache-karaf-minimal:4.4.8:tar.gz -DoutputDirectory="$karaf" >/dev/null
        tar xzf "$karaf/apache-karaf-minimal-4.4.8.tar.gz" -C "$karaf"
    fi
    record "$(perf_java org.gunyah.vmm.benchmarks.perf.BootRace "$runtime" "$karaf/apache-karaf-minimal-4.4.8" "$(java_for_karaf)" 7)"
}

hotload() {
    build
    local runtime
    runtime=$(runtime_copy hotload-runtime)
    cp "$top"/benchmarks/soak/target/org.gunyah.vmm.soak-*.jar "$runtime/deploy/"
    local line
    line=$(GUNYAH_JAVA_OPTS="${GUNYAH_JAVA_OPTS:-} -Dorg.apache.felix.http.enable=false" \
        "$runtime/bin/gunyah" -c "gunyah:hotload --runs 10" | grep '^hotload:')
    record "$line"
}

report() {
    perf_build
    local machine
    machine="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
    perf_java org.gunyah.vmm.benchmarks.perf.Report "$target/results.txt" "$target" "$machine"
}

# The initramfs the linux measure boots: the static busybox as /bin/busybox and an /init that
# prints the marker line with the processor count and powers off.
linux_initramfs() {
    local root="$target/linux/root"
    rm -rf "$root"
    mkdir -p "$root/bin" "$root/proc"
    cp "$1/busybox/busybox" "$root/bin/busybox"
    cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox echo "GUNYAH-INIT-OK cpus=$(/bin/busybox grep -c ^processor /proc/cpuinfo)"
/bin/busybox poweroff -f
INIT
    chmod +x "$root/init"
    (cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$target/linux/initrd.gz")
}

linux() {
    local vcpus=1 runs=3
    while [ $# -gt 0 ]; do
        case "$1" in
            --vcpus) vcpus=$2; shift 2 ;;
            --runs) runs=$2; shift 2 ;;
            *) usage ;;
        esac
    done
    command -v qemu-system-aarch64 >/dev/null || { echo "run.sh: linux needs qemu-system-aarch64 (Debian qemu-system-arm)" >&2; exit 1; }
    local cache=${GUNYAH_DEBIAN_CACHE:-$HOME/.cache/gunyah-vmm/debian-arm64}
    "$top/tools/debian-arm64/fetch.sh" "$cache"
    perf_build
    mvn -B -q install -DskipTests -pl runtime-distribution -am
    mkdir -p "$target/linux"
    linux_initramfs "$cache"
    local runtime
    runtime=$(runtime_copy linux-runtime)
    record "$(perf_java org.gunyah.vmm.benchmarks.perf.LinuxBootRace "$runtime" "$cache/kernel/Image" \
        "$target/linux/initrd.gz" "$vcpus" 256 "$runs" GUNYAH-INIT-OK)"
}

# The initramfs the virtio measure boots: busybox, Linux's virtio-blk stack from the kernel package,
# and an /init that reads and then writes 64 MiB of /dev/vda with dd, timing both with /proc/uptime.
virtio_initramfs() {
    local root="$target/virtio/root" modules
    rm -rf "$root"
    mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/lib/modules"
    cp "$1/busybox/busybox" "$root/bin/busybox"
    modules=$(echo "$1"/kernel/modules/*/kernel)
    for m in virtio/virtio_ring virtio/virtio virtio/virtio_mmio; do
        cp "$modules/drivers/$m.ko" "$root/lib/modules/"
    done
    cp "$modules/drivers/block/virtio_blk.ko" "$root/lib/modules/"
    cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_mmio virtio_blk; do /bin/busybox insmod /lib/modules/$m.ko; done
case "$(/bin/busybox cat /proc/cmdline)" in
*gunyah.bench=replace*)
    # I/O without end while the host replaces the device's bundle: 1 MiB read past the page cache,
    # 1 MiB written with fsync, a line every loop; a failed dd says so.
    i=0
    while :; do
        i=$((i + 1))
        echo 3 >/proc/sys/vm/drop_caches
        /bin/busybox dd if=/dev/vda of=/dev/null bs=64k count=16 skip=$((i % 64 * 16)) 2>/dev/null ||
            echo "gunyah-io-error read $i"
        /bin/busybox dd if=/dev/zero of=/dev/vda bs=64k count=16 seek=$((i % 64 * 16)) conv=fsync 2>/dev/null ||
            echo "gunyah-io-error write $i"
        echo "gunyah-loop $i"
    done
    ;;
esac
t0=$(/bin/busybox cut -d' ' -f1 /proc/uptime)
/bin/busybox dd if=/dev/vda of=/dev/null bs=1M count=64 2>/dev/null
t1=$(/bin/busybox cut -d' ' -f1 /proc/uptime)
/bin/busybox dd if=/dev/zero of=/dev/vda bs=1M count=64 conv=fsync 2>/dev/null
t2=$(/bin/busybox cut -d' ' -f1 /proc/uptime)
/bin/busybox echo "gunyah-blk-bench t0=$t0 t1=$t1 t2=$t2"
/bin/busybox poweroff -f
INIT
    chmod +x "$root/init"
    (cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$target/virtio/initrd.gz")
}

virtio() {
    local runs=3 replacements=20
    while [ $# -gt 0 ]; do
        case "$1" in
            --runs) runs=$2; shift 2 ;;
            --replacements) replacements=$2; shift 2 ;;
            *) usage ;;
        esac
    done
    command -v qemu-system-aarch64 >/dev/null || { echo "run.sh: virtio needs qemu-system-aarch64 (Debian qemu-system-arm)" >&2; exit 1; }
    local cache=${GUNYAH_DEBIAN_CACHE:-$HOME/.cache/gunyah-vmm/debian-arm64}
    "$top/tools/debian-arm64/fetch.sh" "$cache"
    perf_build
    mvn -B -q install -DskipTests -pl runtime-distribution -am
    mkdir -p "$target/virtio"
    virtio_initramfs "$cache"
    local runtime
    runtime=$(runtime_copy virtio-runtime)
    record "$(perf_java org.gunyah.vmm.benchmarks.perf.VirtioBlkRace "$runtime" "$cache/kernel/Image" \
        "$target/virtio/initrd.gz" "$target/virtio/disk.img" "$runs")"
    runtime=$(runtime_copy virtio-replace-runtime)
    record "$(perf_java org.gunyah.vmm.benchmarks.perf.VirtioReplacePause "$runtime" "$cache/kernel/Image" \
        "$target/virtio/initrd.gz" "$target/virtio/disk-replace.img" "$replacements")"
}

all() {
    rm -f "$target/results.txt"
    boot
    hotload
    fn_cycle
    dispatch
    scale
    emulated_mips
    emulated_corpus
    linux
    virtio
    kvm
    report
}

# The JDK 25 the build selected: JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
java_25() {
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        if [ -x "$candidate/bin/java" ] && "$candidate/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
            echo "$candidate/bin/java"
            return
        fi
    done
    echo "run.sh: no JDK 25 found (JAVA_HOME or /usr/lib/jvm)" >&2
    exit 1
}

[ $# -ge 1 ] || usage
measure=$1
shift
case "$measure" in
    soak) soak "$@" ;;
    kvm) kvm "$@" ;;
    boot) boot ;;
    hotload) hotload ;;
    fn_cycle) fn_cycle ;;
    dispatch) dispatch ;;
    scale) scale ;;
    emulated.mips) emulated_mips ;;
    emulated.corpus) emulated_corpus ;;
    linux) linux "$@" ;;
    virtio) virtio "$@" ;;
    report) report ;;
    all) all ;;
    *) usage ;;
esac
