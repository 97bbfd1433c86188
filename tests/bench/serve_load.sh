#!/usr/bin/env bash
# Throughput and latency of `mor serve` with batching off (--max-batch 1) and on, side by
# side in one run: the same concurrent clients against each mode, alternating rounds.
#   tests/bench/serve_load.sh MOR_BINARY [--log FILE --run ID] [--clients C] [--requests N]
#                             [--seconds T] [--rounds R] [--max-batch B] [--max-wait-ms W]
# Without --log it trains resources/demos/adaptive-depth.json for 2 epochs (GRU experts with
# critique-gated halting; MLP-cell checkpoints do not load yet: their "in" submodule name).
# Needs g++ and libcpp-httplib-dev for the client (tests/bench/serve_load_client.cpp).
set -euo pipefail
mor="$1"; shift
here=$(cd "$(dirname "$0")" && pwd); src=$(cd "$here/../.." && pwd)
log=""; run=1; clients=16; requests=3000; seconds=20; rounds=2; maxBatch=32; maxWait=2
while [ $# -gt 0 ]; do
    case "$1" in
        --log) log="$2"; shift 2;; --run) run="$2"; shift 2;;
        --clients) clients="$2"; shift 2;; --requests) requests="$2"; shift 2;;
        --seconds) seconds="$2"; shift 2;; --rounds) rounds="$2"; shift 2;;
        --max-batch) maxBatch="$2"; shift 2;; --max-wait-ms) maxWait="$2"; shift 2;;
        *) echo "unknown option $1" >&2; exit 2;;
    esac
done
export OMP_WAIT_POLICY=PASSIVE
tmp=$(mktemp -d); pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

g++ -O2 -std=c++17 -o "$tmp/client" "$here/serve_load_client.cpp" \
    $(pkg-config --cflags --libs cpp-httplib) -pthread
if [ -z "$log" ]; then
    python3 - "$src/resources/demos/adaptive-depth.json" "$tmp/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["train"]["epochs"] = 2; c["train"]["threads"] = 1
json.dump(c, open(sys.argv[2], "w"))
PY
    echo "training the fixture (adaptive-depth, 2 epochs)..."
    "$mor" train --config "$tmp/config.json" --log "$tmp/log.sqlite" --quiet >/dev/null
    log="$tmp/log.sqlite"; run=1
fi

start_server() { # $1 = max-batch
    "$mor" serve --log "$log" --run "$run" --port 0 --threads 1 --http-threads $((clients + 4)) \
        --max-batch "$1" --max-wait-ms "$maxWait" >"$tmp/out" 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 1 300); do
        port=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/out" | head -1 | sed 's/.*://') || true
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$tmp/out" >&2; exit 1; }
    features=$(curl -sf "http://127.0.0.1:$port/v1/health" | python3 -c \
        'import json,sys; print(json.load(sys.stdin)["model"]["features"])')
}
stop_server() {
    kill -TERM "$pid"; wait "$pid" || true; pid=""
    curl -s "http://127.0.0.1:$port/v1/metrics" >/dev/null 2>&1 || true
}

echo "mor serve load: $clients clients, up to $requests requests or $seconds s per round," \
     "$rounds rounds; batching on = --max-batch $maxBatch --max-wait-ms $maxWait; $(nproc) cores"
for r in $(seq 1 "$rounds"); do
    for mode in off on; do
        b=1; [ "$mode" = on ] && b=$maxBatch
        start_server "$b"
        # warm-up so the first forward passes do not count
        "$tmp/client" "$port" "$features" 2 50 5 warmup >/dev/null
        "$tmp/client" "$port" "$features" "$clients" "$requests" "$seconds" \
            "round $r batching $mode"
        curl -s "http://127.0.0.1:$port/v1/metrics" | awk -v m="$mode" \
            '/^mor_batch_size_sum /{s=$2} /^mor_batch_size_count /{c=$2}
             END {if (c > 0) printf "    batching %s: %d passes, mean batch %.2f inputs\n", m, c, s / c}'
        stop_server
    done
done
