#!/usr/bin/env bash
# GPU path of MoR Studio in one command (issue 20). Builds core, the CLI, the core tests and
# tests/gpu/gpu_checks.cpp against a CUDA build of LibTorch 2.x (by default the one inside an
# installed PyTorch) and runs:
#   1. the core test suite (tests/core, built against that LibTorch)
#   2. one short training run of each model family on CUDA (tests/gpu/configs/*.json)
#   3. bf16 autocast training of each family (train.precision bf16) when the config has it
#   4. gpu_checks: grouped vs per-expert dispatch and CUDA vs CPU equality, a bf16 autocast
#      pass, and the expert-step FLOP/s against the device's measured matmul peak
# and prints a table with a verdict per row (also written to BUILD/gpu-results.md).
#
#   tests/gpu/run.sh                      CUDA, LibTorch from python3's torch, build/gpu
#   tests/gpu/run.sh --prefix DIR         LibTorch's cmake prefix (or MOR_TORCH_PREFIX)
#   tests/gpu/run.sh --build DIR          build folder (default build/gpu)
#   tests/gpu/run.sh --no-build           run what DIR already holds
#   tests/gpu/run.sh --cpu                no GPU: the same steps on the CPU (checks the script)
#   tests/gpu/run.sh --tests REGEX        only the core tests matching REGEX (ctest -R)
#   tests/gpu/run.sh --jobs N             parallel build jobs (default: all cores)
# MOR_GPU_CMAKE_ARGS adds configure arguments (tests/gpu/device.sh sets the dependencies' paths).
# The core tests are Qt Test programs: on a machine without Qt 6 they are not built and their row
# says so (tests/gpu/device.sh brings Qt Core and Test to the GPU image and sets MOR_GPU_HAVE_QT);
# the CLI and gpu_checks need no Qt.
# Without CUDA (and without --cpu) it stops at once with exit code 3 and says why.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${MOR_GPU_BUILD:-$root/build/gpu}
prefix=${MOR_TORCH_PREFIX:-}
device=cuda
do_build=1
tests=""
jobs=$(nproc 2>/dev/null || echo 4)
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) shift; prefix="$1" ;;
        --build) shift; build="$1" ;;
        --no-build) do_build=0 ;;
        --cpu) device=cpu ;;
        --tests) shift; tests="$1" ;;
        --jobs) shift; jobs="$1" ;;
        -h|--help) sed -n 2,24p "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$build" in /*) ;; *) build=$root/$build ;; esac
mkdir -p "$build/gpu-logs"
logs=$build/gpu-logs
rows=$build/gpu-rows.tsv
: > "$rows"
row() { printf '@@ROW\t9 GPU\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >> "$rows"; }

# --- 1. LibTorch and the device -----------------------------------------------------------
torch_python=""
for py in python3 /usr/bin/python3; do
    if command -v "$py" > /dev/null && "$py" -c 'import torch' 2> /dev/null; then
        torch_python=$py
        break
    fi
done
if [ -z "$prefix" ] && [ -n "$torch_python" ]; then
    prefix=$("$torch_python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
fi
if [ -n "$torch_python" ]; then
    info=$("$torch_python" -c 'import torch; print(torch.__version__, torch.version.cuda or "none", torch.cuda.is_available(), int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null)
    echo "== PyTorch ($torch_python): version, CUDA, GPU available, CXX11 ABI: $info"
fi
if [ "$device" = cuda ]; then
    why=""
    if ! command -v nvidia-smi > /dev/null || ! nvidia-smi -L > /dev/null 2>&1; then
        why="no NVIDIA GPU visible (nvidia-smi -L fails)"
    elif [ -z "$torch_python" ] && [ -z "${MOR_TORCH_PREFIX:-}" ]; then
        why="no PyTorch in python3 and no --prefix/MOR_TORCH_PREFIX: no CUDA LibTorch to build against"
    elif [ -n "$torch_python" ] && ! "$torch_python" -c 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
        why="the PyTorch in $torch_python has no CUDA or sees no GPU"
    fi
    if [ -n "$why" ]; then
        echo "tests/gpu/run.sh: no CUDA: $why." >&2
        echo "  Run it on a machine with an NVIDIA GPU and a CUDA PyTorch (pip install torch)," >&2
        echo "  or with --cpu to check the script's steps on the CPU." >&2
        exit 3
    fi
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | sed 's/^/== GPU: /'
fi
echo "== LibTorch prefix: ${prefix:-(system default)}; device $device; build $build"

# --- 2. build -------------------------------------------------------------------------------
# Every core test executable: single ones (mor_add_test) and the combined ones that hold several
# test classes (mor_add_combined_tests; without them ctest finds no executable for those tests).
have_qt=1
if [ -z "${MOR_GPU_HAVE_QT:-}" ] && ! find /usr/lib /usr/local /opt "$prefix" -maxdepth 6 -path '*cmake/Qt6/Qt6Config.cmake' 2> /dev/null \
        | grep -q .; then
    have_qt=0
fi
core_tests=$(grep -rhoE 'mor_add_(test|combined_tests)\([A-Za-z0-9_]+' "$root/tests/core" \
    | sed -E 's/mor_add_(test|combined_tests)\(//' | sort -u)
if [ $do_build = 1 ]; then
    t0=$(date +%s)
    extra=()
    [ -n "$prefix" ] && extra+=("-DCMAKE_PREFIX_PATH=$prefix")
    # shellcheck disable=SC2206
    [ -n "${MOR_GPU_CMAKE_ARGS:-}" ] && extra+=($MOR_GPU_CMAKE_ARGS)
    if [ $have_qt = 0 ]; then
        extra+=("-DMOR_BUILD_TESTS=OFF")
        core_tests=""
    fi
    if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOR_BUILD_GUI=OFF \
            -DMOR_BUILD_BENCH=ON "${extra[@]}" > "$logs/configure.log" 2>&1; then
        echo "configure failed (see $logs/configure.log):" >&2
        tail -15 "$logs/configure.log" >&2
        exit 1
    fi
    # Keep going past a failing target: the rows below report what did not build.
    # shellcheck disable=SC2086
    if ! cmake --build "$build" -j "$jobs" --target mor gpu_checks $core_tests -- -k 0 \
            > "$logs/build.log" 2>&1; then
        echo "build failed in part (see $logs/build.log):" >&2
        grep -E 'error|Error' "$logs/build.log" | head -20 >&2
        [ -x "$build/app/cli/mor" ] || exit 1
    fi
    echo "== built in $(( $(date +%s) - t0 )) s"
fi
mor=$build/app/cli/mor
checks=$build/bench/gpu_checks

# --- 3. core tests ----------------------------------------------------------------------------
echo "== core tests (tests/core, against this LibTorch)"
t0=$(date +%s)
label="core tests built against LibTorch $([ -n "$torch_python" ] && "$torch_python" -c 'import torch; print(torch.__version__)')"
if [ $have_qt = 0 ]; then
    row "$label" "all pass" "not run" "info" "no Qt 6 on this machine: the core tests are Qt Test programs"
else
    ctest_args=(--test-dir "$build/tests/core" --output-on-failure -j "$jobs" --timeout 600)
    [ -n "$tests" ] && ctest_args+=(-R "$tests")
    ctest "${ctest_args[@]}" > "$logs/ctest.log" 2>&1
    code=$?
    summary=$(grep -E 'tests passed|tests failed' "$logs/ctest.log" | tail -1)
    row "$label" "all pass" "${summary:-no summary}" "$([ $code = 0 ] && echo met || echo 'not met')" \
        "ctest in $(( $(date +%s) - t0 )) s; they exercise the CPU paths; the CUDA paths are the rows below (log: $logs/ctest.log)"
fi

# --- 4. one training run per family ------------------------------------------------------------
log=$build/gpu-runs.morlog
rm -f "$log" "$log-wal" "$log-shm"
for cfg in "$here"/configs/*.json; do
    fam=$(basename "$cfg" .json)
    t0=$(date +%s)
    "$mor" train --config "$cfg" --log "$log" --device "$device" --name "gpu-$fam" --json --quiet \
        > "$logs/train-$fam.json" 2> "$logs/train-$fam.err"
    code=$?
    secs=$(( $(date +%s) - t0 ))
    row "training run on $device, family $fam ($(basename "$cfg"))" "finishes" \
        "$([ $code = 0 ] && echo "finished in $secs s" || echo "exit code $code")" \
        "$([ $code = 0 ] && echo met || echo 'not met')" "$(tail -c 300 "$logs/train-$fam.json" | tr '\n\t' '  ')"
done

# --- 5. bf16 autocast training of each family (train.precision, when the config has it) --------
for cfg in "$here"/configs/*.json; do
    fam=$(basename "$cfg" .json)
    bf16=$build/gpu-bf16-$fam.json
    "${torch_python:-python3}" - "$cfg" "$bf16" "$fam" <<'PY' 2>/dev/null || sed 's/"train": {/"train": {"precision": "bf16", /' "$cfg" > "$bf16"
import json, sys
c = json.load(open(sys.argv[1]))
c["train"]["precision"] = "bf16"
c["name"] = "gpu-" + sys.argv[3] + "-bf16"
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
    if "$mor" validate "$bf16" > "$logs/bf16-validate-$fam.log" 2>&1; then
        t0=$(date +%s)
        "$mor" train --config "$bf16" --log "$log" --device "$device" --name "gpu-bf16-$fam" --json \
            --quiet > "$logs/train-bf16-$fam.json" 2> "$logs/train-bf16-$fam.err"
        code=$?
        row "bf16 autocast training run on $device, family $fam (train.precision bf16)" "finishes" \
            "$([ $code = 0 ] && echo "finished in $(( $(date +%s) - t0 )) s" || echo "exit code $code")" \
            "$([ $code = 0 ] && echo met || echo 'not met')" "$(tail -c 300 "$logs/train-bf16-$fam.json" | tr '\n\t' '  ')"
    else
        row "bf16 autocast training run on $device, family $fam (train.precision bf16)" "finishes" "not run" "info" \
            "this build's config has no train.precision: $(head -c 200 "$logs/bf16-validate-$fam.log" | tr '\n\t' '  ')"
    fi
done

# --- 6. equality, autocast pass and FLOP/s --------------------------------------------------------
echo "== gpu_checks $device"
if [ -x "$checks" ]; then
    timeout "${MOR_GPU_CHECKS_TIMEOUT:-600}" "$checks" "$device" > "$logs/gpu_checks.log" 2> "$logs/gpu_checks.err"
    code=$?
    grep '^@@ROW' "$logs/gpu_checks.log" >> "$rows"
    [ $code -ne 0 ] && [ $code -ne 1 ] && row "gpu_checks" "runs" "exit code $code" "failed" "$(tail -c 300 "$logs/gpu_checks.err")"
else
    row "gpu_checks" "built" "missing" "failed" "$checks was not built"
fi

# --- table ------------------------------------------------------------------------------------------
{
    echo "# tests/gpu/run.sh ($device)"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null); $(gpu=$(nvidia-smi -L 2>/dev/null | head -1); echo "${gpu:-no GPU}"); LibTorch prefix ${prefix:-system}"
    echo
    echo "| Measure | Goal | Measured | Verdict | Notes |"
    echo "|---|---|---|---|---|"
    cut -f3- "$rows" | sed 's/|/\\|/g; s/\t/ | /g; s/^/| /; s/$/ |/'
} > "$build/gpu-results.md"
cat "$build/gpu-results.md"
failed=$(cut -f6 "$rows" | grep -cE '^(not met|failed)$')
echo
echo "written: $build/gpu-results.md ($failed rows not met or failed)"
[ "$failed" = 0 ]
