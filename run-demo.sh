#!/usr/bin/env bash
# Runs the steps' demos (each step's run-demo.sh) and compares them in one table.
#
#   ./run-demo.sh all          every step that has a demo, one after another, then one table
#   ./run-demo.sh 3            one step (also: step3, step3-async)
#   ./run-demo.sh auth         login, bearer tokens, rate limits and the page (common, on step 1)
#   USERS=500 ./run-demo.sh all    fewer users (default 2000); every knob of
#                                  common/demo/demo-lib.sh passes through the same way
#
# Each step's demo starts its own application on an empty schema and stops it at the end; the
# numbers come from <step>/target/demo-results.tsv, which every demo writes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STEPS=(step1-basic step2-precomputed step3-async step4-multiconsumer step5-production step6-cached)

usage() {
    cat >&2 <<EOF
usage: $0 all | <step>
  all        run every step's demo that exists, then print one table comparing them
  <step>     run one step's demo: 1..6, step1..step6 or the module name (e.g. step3-async)
  auth       login, bearer tokens, rate limits and the page, on step 1 (common/demo/auth-demo.sh)
environment: USERS (default 2000) and the knobs described in common/demo/demo-lib.sh
steps with a demo: $(for s in "${STEPS[@]}"; do [[ -f "$ROOT/$s/run-demo.sh" ]] && printf '%s ' "$s"; done)
EOF
    exit "${1:-2}"
}

# module NAME: the step module for 3, step3 or step3-async
module() {
    local s
    for s in "${STEPS[@]}"; do
        if [[ "$1" == "$s" || "step$1" == "${s%%-*}" || "$1" == "${s%%-*}" ]]; then
            echo "$s"
            return 0
        fi
    done
    echo "unknown step '$1'" >&2
    usage
}

# run_step MODULE: runs its demo; returns its exit status
run_step() {
    local m=$1
    rm -f "$ROOT/$m/target/demo-results.tsv"      # never report the numbers of an earlier run
    bash "$ROOT/$m/run-demo.sh"
}

# value TSV PREFIX: the median of the row whose operation starts with PREFIX ('-' when absent;
# "<=" before it when the demo could only bound it, e.g. a fan-out lag below the poll resolution)
value() {
    awk -F '\t' -v p="$2" '
        NR > 1 && index($2, p) == 1 { print ($7 == "upper-bound" ? "<=" : "") $4; found = 1; exit }
        END { if (!found) print "-" }' "$1"
}

table() {
    local m tsv title
    printf '\nAll steps, median ms (USERS=%s; details in each step'"'"'s output above)\n' "${USERS:-2000}"
    printf '%-36s %17s %15s %17s %15s\n' "step" "celebrity POST" "fan-out lag*" "follower read" "reader read"
    printf '%-36s %17s %15s %17s %15s\n' "$(printf '%.0s-' {1..36})" "--------------" "------------" "-------------" "-----------"
    for m in "$@"; do
        tsv="$ROOT/$m/target/demo-results.tsv"
        if [[ "${STATUS[$m]}" != ok || ! -s "$tsv" ]]; then
            printf '%-36s %17s\n' "$m" "FAILED (exit ${STATUS[$m]})"
            continue
        fi
        title=$(awk -F '\t' 'NR == 2 { print $1 }' "$tsv")
        local lag
        lag=$(value "$tsv" 'fan-out lag')
        [[ "$m" == step1-basic ]] && lag="none (pull)" # no fan-out at all: the next read's JOIN finds the tweet
        printf '%-36s %17s %15s %17s %15s\n' "${title:-$m}" \
            "$(value "$tsv" 'celebrity posts')" "$lag" \
            "$(value "$tsv" 'follower reads')" "$(value "$tsv" 'reader reads')"
    done
    printf '* from just before the POST until every sampled follower'"'"'s feed shows the tweet, found by polling\n'
    printf '  (so up to one poll round late; <= means it was there at the first look, below the resolution);\n'
    printf '  step 2: the POST itself plus one poll round; step 1 has no fan-out (a read computes the feed)\n'
    printf 'machine: %s cores, load average %s now; read the numbers as ratios inside one quiet run\n' \
        "$(nproc 2>/dev/null || echo '?')" "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
}

if [[ "${1:-}" == --help || "${1:-}" == -h ]]; then usage 0; fi
(($# == 1)) || usage
[[ "$1" == auth ]] && exec bash "$ROOT/common/demo/auth-demo.sh"
declare -A STATUS
t0=$SECONDS
if [[ "$1" == all ]]; then
    ran=()
    for m in "${STEPS[@]}"; do
        [[ -f "$ROOT/$m/run-demo.sh" ]] || { echo "==> $m: no run-demo.sh yet, skipped"; continue; }
        printf '\n==> %s (%s, load average %s)\n' "$m" "$(date +%T)" "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
        if run_step "$m"; then STATUS[$m]=ok; else STATUS[$m]=$?; fi
        ran+=("$m")
    done
    ((${#ran[@]})) || { echo "no step has a run-demo.sh" >&2; exit 1; }
    table "${ran[@]}"
    printf '(all demos took %d s)\n' "$((SECONDS - t0))"
    for m in "${ran[@]}"; do [[ "${STATUS[$m]}" == ok ]] || exit 1; done
else
    m=$(module "$1")
    [[ -f "$ROOT/$m/run-demo.sh" ]] || { echo "$m has no run-demo.sh yet" >&2; exit 1; }
    exec bash "$ROOT/$m/run-demo.sh"
fi
