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
#       for both, alternating Java and C processes <n> times (5) and printing medians, one line
#       per measure: kvm.mmio_exit (guest MMIO write -> userspace -> resume), kvm.ioeventfd
#       (guest write matched in the kernel, read from the eventfd), kvm.irqfd (host signals,
#       guest handler acknowledges, host sees it):
#       kvm.<measure>: java=<ns> c=<ns> unit=ns ratio=<java/c>
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
target="$top/benchmarks/target"

usage() {
    sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
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
    local runs=5 count=100000
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
        : > "$out/$measure.java"
        : > "$out/$measure.c"
        for _ in $(seq "$runs"); do
            "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.gunyah.vmm.benchmarks.kvm.KvmBench "$measure" "$count" "$out/bench.bin" \
                | sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p' >> "$out/$measure.java"
            "$out/kvmbench" "$measure" "$count" "$out/bench.bin" | sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p' >> "$out/$measure.c"
        done
        local j c
        j=$(median < "$out/$measure.java")
        c=$(median < "$out/$measure.c")
        echo "kvm.$measure: java=$j c=$c unit=ns ratio=$(awk -v j="$j" -v c="$c" 'BEGIN { printf "%.2f", j / c }')"
    done
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
    *) usage ;;
esac
