#!/usr/bin/env bash
# Data-parallel throughput: the same run (same global batch, seed and steps) trained by
# 1 process with 1 thread, 1 process with 2 threads, and 2 processes (--nproc 2, 1 thread
# each, Gloo over loopback), one after the other. Samples/s come from the log's wall clock
# of the training steps (start-up and the final evaluation excluded).
#   tests/bench/ddp_throughput.sh [path/to/mor] [epochs] [global batch] [width]
set -euo pipefail
mor="${1:-build/dev/app/cli/mor}"
epochs="${2:-1}"
batch="${3:-256}"
width="${4:-64}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=PASSIVE
cat > "$tmp/c.json" <<JSON
{"name":"ddp-bench","data":{"kind":"parity","length":16,"samples":24000,"probe_size":4},
 "model":{"encoder":{"hidden":$width},"router":{"strategy":"top_k","top_k":2},
          "experts":[{"width":$width,"max_depth":4},{"width":$width,"max_depth":4},
                     {"width":$width,"max_depth":4},{"width":$width,"max_depth":4}]},
 "train":{"epochs":$epochs,"batch_size":$batch,"eval_every":100000,"seed":3}}
JSON

# samples_per_second LOG: global samples of the training steps over their wall time.
samples_per_second() {
    sqlite3 "$1" "select (max(step) - min(step)) * $batch * 1000.0 / (max(wall_ms) - min(wall_ms))
                  from metrics where key = 'train/loss'"
}
loss_at_end() {
    sqlite3 "$1" "select printf('%.4f', value) from metrics where key = 'train/loss'
                  order by step desc limit 1"
}

printf "%-28s %12s %12s %10s\n" "setup" "samples/s" "speed-up" "last loss"
base=""
for setup in "1 process, 1 thread" "1 process, 2 threads" "2 processes, 1 thread each"; do
    log="$tmp/$(echo "$setup" | tr -cd 'a-z0-9').sqlite"
    case "$setup" in
        "1 process, 1 thread") "$mor" train --config "$tmp/c.json" --log "$log" --threads 1 --quiet ;;
        "1 process, 2 threads") "$mor" train --config "$tmp/c.json" --log "$log" --threads 2 --quiet ;;
        *) "$mor" train --config "$tmp/c.json" --log "$log" --threads 1 --nproc 2 --quiet ;;
    esac > /dev/null
    sps=$(samples_per_second "$log")
    base=${base:-$sps}
    printf "%-28s %12.0f %11.2fx %10s\n" "$setup" "$sps" "$(echo "$sps / $base" | bc -l)" \
        "$(loss_at_end "$log")"
done
echo "(global batch $batch, width $width, $(sqlite3 "$log" "select count(*) from metrics where key='train/loss'") steps; $(nproc) cores; $(uptime | sed 's/.*load average/load average/'))"
