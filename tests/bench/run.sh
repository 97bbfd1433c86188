#!/usr/bin/env bash
# MoR Studio benchmark suite (issue 8): builds the benchmarks in Release and runs them all,
# printing a table with each goal beside the measured value and writing
# tests/bench/results/results.md and results.csv.
#
#   tests/bench/run.sh               build (build/release-bench) and run everything
#   tests/bench/run.sh --no-build    run what is already built
#   tests/bench/run.sh --no-gui      configure without the GUI (skips the heatmap benchmark)
#   tests/bench/run.sh --only "machine dispatch"   run only these programs (bench_<name>)
#
# Every program prints its own rows; a program that fails or times out gets a "failed" row
# and the suite goes on.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${MOR_BENCH_BUILD:-$root/build/release-bench}
results=$here/results
python=/usr/bin/python3   # Debian's python3-torch (the pyenv python3 on PATH has no torch)
do_build=1
gui=ON
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) do_build=0 ;;
        --no-gui) gui=OFF ;;
        --only) shift; only="$1" ;;
        -h|--help) sed -n 2,13p "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

# The machine may be shared: OpenMP threads that spin while waiting collapse when the cores
# are oversubscribed (a 2-thread GRU step measured 25x slower under load average 10). Passive
# waiting is fair to every variant; override by setting OMP_WAIT_POLICY yourself.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
export MOR_BENCH_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

suite_start=$(date +%s)
mkdir -p "$results" "$build/bench/logs"
rows=$build/bench/rows.tsv
: > "$rows"

if [ $do_build = 1 ]; then
    echo "== configure and build (Release) in $build"
    configure() {
        cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOR_BUILD_BENCH=ON \
            -DMOR_BUILD_GUI="$1" > "$build/bench/logs/configure.log" 2>&1
    }
    if ! configure "$gui"; then
        if [ "$gui" = ON ] && configure OFF; then
            echo "   (configure with the GUI failed; going on without the heatmap benchmark)"
            gui=OFF
        else
            echo "configure failed, see $build/bench/logs/configure.log" >&2
            tail -20 "$build/bench/logs/configure.log" >&2
            exit 1
        fi
    fi
    if ! cmake --build "$build" --target mor_benchmarks -j2 > "$build/bench/logs/build.log" 2>&1; then
        echo "   build of some benchmarks failed (see $build/bench/logs/build.log); running the rest"
        # Build what can be built, one target at a time.
        for t in mor bench_machine bench_dispatch bench_logging bench_logscale bench_adaptive \
                 bench_quality bench_cpp_python bench_scaling; do
            cmake --build "$build" --target "$t" -j2 >> "$build/bench/logs/build.log" 2>&1 \
                || echo "   $t: build failed"
        done
    fi
    if [ "$gui" = ON ]; then
        cmake --build "$build" --target bench_heatmap -j2 >> "$build/bench/logs/build.log" 2>&1 \
            || echo "   bench_heatmap: not built (see build.log)"
    fi
    echo "   build done after $(( $(date +%s) - suite_start )) s"
fi

failed_row() { # item metric reason
    printf '@@ROW\t%s\t%s\t\t\tfailed\t%s\n' "$1" "$2" "$3" >> "$rows"
}

# run NAME ITEM TIMEOUT [ARGS...]: runs $build/bench/NAME, collecting its @@ lines.
run() {
    local name=$1 item=$2 limit=$3
    shift 3
    if [ -n "$only" ] && [[ " $only " != *" ${name#bench_} "* ]]; then
        return
    fi
    local exe=$build/bench/$name log=$build/bench/logs/$name.log
    local t0=$(date +%s)
    echo "== $name ($item)"
    if [ ! -x "$exe" ]; then
        failed_row "$item" "$name" "not built (see $build/bench/logs/build.log)"
        return
    fi
    (cd "$build" && timeout "$limit" "$exe" "$@") > "$log" 2> "$log.err"
    local code=$?
    grep '^@@' "$log" >> "$rows"
    if [ $code -ne 0 ]; then
        local why="exit code $code"
        [ $code = 124 ] && why="timed out after $limit s"
        failed_row "$item" "$name" "$why; see $log.err"
    fi
    grep '^@@ROW' "$log" | cut -f3,5,6 | sed 's/\t/ | /g; s/^/   /'
    echo "   ($(( $(date +%s) - t0 )) s)"
}

run bench_machine "6 against the machine" 300
run bench_dispatch "2 sparse dispatch" 400
run bench_logging "4 logging overhead" 400
run bench_logscale "5 log at scale" 900
# Routing heatmap render time: owned by widgets/inspect, built only with the GUI.
if [ -z "$only" ] || [[ " $only " == *" heatmap "* ]]; then
    hm=$build/bench/bench_heatmap
    [ -x "$hm" ] || hm=$(find "$build" -name bench_heatmap -type f -perm -u+x 2>/dev/null | head -1)
    echo "== bench_heatmap (5 log at scale)"
    if [ -n "$hm" ] && [ -x "$hm" ]; then
        out=$(QT_QPA_PLATFORM=offscreen timeout 300 "$hm" 2>&1)
        echo "$out" > "$build/bench/logs/bench_heatmap.log"
        if echo "$out" | grep -q '^@@ROW'; then
            echo "$out" | grep '^@@' >> "$rows"
        else
            # The figure is "setSnapshot incl. first render"; every other line goes to the note.
            ms=$(echo "$out" | grep -i 'first render' | grep -oE '[0-9]+(\.[0-9]+)? *ms' | head -1 \
                 | grep -oE '[0-9]+(\.[0-9]+)?')
            if [ -n "$ms" ]; then
                ok=$(awk -v m="$ms" 'BEGIN { print (m <= 200) ? "met" : "not met" }')
                printf '@@ROW\t5 log at scale\trouting heatmap 100,000 x 64, render\t<= 200 ms\t%s ms\t%s\t%s\n' \
                    "$ms" "$ok" "bench_heatmap (widgets/inspect, offscreen): $(echo "$out" | grep ms | sed 's/^ *//; s/  */ /g' | paste -sd ';')" >> "$rows"
            else
                failed_row "5 log at scale" "routing heatmap 100,000 x 64, render" \
                    "bench_heatmap printed no time: $(echo "$out" | tail -1)"
            fi
        fi
        grep 'heatmap' "$rows" | cut -f5,6 | sed 's/\t/ | /g; s/^/   /'
    else
        failed_row "5 log at scale" "routing heatmap 100,000 x 64, render" \
            "bench_heatmap not built (needs the GUI: run without --no-gui)"
        echo "   not built"
    fi
fi
run bench_adaptive "3 adaptive depth" 600
run bench_scaling "8 scaling" 900
# glibc malloc thresholds (tuneAllocator) against glibc's defaults, alternated processes.
if [ -z "$only" ] || [[ " $only " == *" allocator "* ]]; then
    echo "== bench_allocator.sh (8 scaling)"
    t0=$(date +%s)
    timeout 600 "$here/bench_allocator.sh" "$build" 3 > "$build/bench/logs/allocator.log" \
        2> "$build/bench/logs/allocator.log.err" \
        || failed_row "8 scaling" "bench_allocator.sh" "failed; see $build/bench/logs/allocator.log.err"
    grep '^@@' "$build/bench/logs/allocator.log" >> "$rows"
    grep '^@@ROW' "$build/bench/logs/allocator.log" | cut -f3,5,6 | sed 's/\t/ | /g; s/^/   /'
    echo "   ($(( $(date +%s) - t0 )) s)"
fi
run bench_quality "7 quality" 1200
# The Python twin needs torch and numpy in /usr/bin/python3 (Debian's python3-torch, the same
# LibTorch version the core links): installed here on a fresh machine.
ensure_python_torch() {
    "$python" -c 'import torch, numpy' 2>/dev/null && return 0
    echo "   $python has no torch: installing python3-torch python3-numpy (apt-get)"
    local sudo=""
    [ "$(id -u)" != 0 ] && sudo="sudo -n"
    local log=$build/bench/logs/apt.log
    { $sudo apt-get install -y --no-install-recommends python3-torch python3-numpy \
        || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends \
                 python3-torch python3-numpy; }; } > "$log" 2>&1
    "$python" -c 'import torch, numpy' 2>/dev/null && return 0
    echo "   could not install python3-torch (see $log)"
    return 1
}

# Item 1: C++ core against the same model in Python PyTorch.
if [ -z "$only" ] || [[ " $only " == *" python "* ]]; then
    echo "== C++ vs Python (1)"
    t0=$(date +%s)
    if ! ensure_python_torch; then
        failed_row "1 C++ vs Python" "compare.py" \
            "python3-torch is not installed and apt-get could not install it (see apt.log)"
    elif [ -x "$build/bench/bench_cpp_python" ]; then
        timeout 900 "$python" "$here/python/compare.py" "$build/bench/bench_cpp_python" \
            "$build/bench/python" 4 \
            > "$build/bench/logs/cpp_python.log" 2> "$build/bench/logs/cpp_python.log.err"
        code=$?
        grep '^@@' "$build/bench/logs/cpp_python.log" >> "$rows"
        [ $code -ne 0 ] && failed_row "1 C++ vs Python" "compare.py" \
            "exit code $code; see $build/bench/logs/cpp_python.log.err"
    else
        failed_row "1 C++ vs Python" "bench_cpp_python" "not built (see build.log)"
    fi
    grep '^@@ROW	1 ' "$rows" | cut -f3,5,6 | sed 's/\t/ | /g; s/^/   /'
    echo "   ($(( $(date +%s) - t0 )) s)"
fi

total=$(( $(date +%s) - suite_start ))
echo
"$python" "$here/report.py" "$rows" "$results" "$total"
