#!/usr/bin/env bash
# Runs a benchmark of the Gunyah VMM runtime, building what it needs first.
#
#   benchmarks/run.sh soak [--vms <n>] [--cycles <n>] [--minutes <m>]
#       16 VMs x 4 vCPUs (by default) whose guests ring ioeventfd doorbells and take irqfd
#       interrupts without pause, in a copy of the runtime, while every function bundle is
#       replaced in turn (forced undeploy + redeploy, Bundle.update, package refresh). Ends with
#       one line:
#       soak: backend=... cycles=... vms=... guest_writes=... signals=... lost_signals=0 ...
#       and exit status 0 when nothing was lost, leaked or failed. Without --cycles or --minutes
#       it makes 200 replacements.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
target="$top/benchmarks/target"

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
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
    local vms=16 cycles=0 minutes=0
    while [ $# -gt 0 ]; do
        case "$1" in
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
        "$runtime/bin/gunyah" -c "gunyah:soak --vms $vms --cycles $cycles --minutes $minutes"
}

[ $# -ge 1 ] || usage
measure=$1
shift
case "$measure" in
    soak) soak "$@" ;;
    *) usage ;;
esac
