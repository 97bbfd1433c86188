#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default 5).
#   tests/fuzz/run_fuzzers.sh [SECONDS] [BUILD_DIR] [TARGET...]
# Exits 0 with "SKIP" when clang or libFuzzer is missing, so CI without clang stays green.
# Prints one line per target: executions and whether it crashed. A crash leaves the input
# in BUILD_DIR/artifacts/ and fails the script.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-5}"
build="${2:-$src/../../build/fuzz}"
shift $(( $# > 2 ? 2 : $# )) || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config csv idx log http)

if ! command -v clang++ >/dev/null 2>&1; then
    echo "SKIP: clang++ not installed (apt-get install clang libclang-rt-14-dev)"; exit 0
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long){return 0;}' |
        clang++ -x c++ -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
    echo "SKIP: clang++ cannot link libFuzzer (apt-get install libclang-rt-14-dev)"; exit 0
fi

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
    CC=clang CXX=clang++ cmake -S "$src" -B "$build" "${gen[@]}" >/dev/null
fi
cmake --build "$build" >/dev/null

mkdir -p "$build/artifacts"
status=0
for t in "${targets[@]}"; do
    work=$(mktemp -d)
    mkdir -p "$work/corpus" "$work/tmp"
    cp -r "$src/corpus/$t/." "$work/corpus/"
    log="$build/fuzz_$t.log"
    dict=(); [ -f "$src/$t.dict" ] && dict=(-dict="$src/$t.dict")
    set +e
    ASAN_OPTIONS=detect_leaks=1 TMPDIR="$work/tmp" "$build/fuzz_$t" -max_total_time="$seconds" \
        -timeout=20 -rss_limit_mb=2048 -max_len=20000 -print_final_stats=1 "${dict[@]}" \
        -artifact_prefix="$build/artifacts/$t-" "$work/corpus" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    if [ $rc -eq 0 ]; then
        echo "fuzz_$t: ${seconds}s, $runs executions, no crash"
    else
        echo "fuzz_$t: CRASH (exit $rc) after $runs executions; see $log"; status=1
        grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log" || true
    fi
    rm -rf "$work"
done
exit $status
