#!/usr/bin/env bash
# Data-parallel training on 2 processes (Gloo over loopback) gives the same run as 1 process
# with the same global batch and seed: the logged train/loss of every step and val/accuracy
# of every evaluation agree within float tolerance; only rank 0 writes the log, and the run
# records its world size.
set -euo pipefail
mor="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMP_WAIT_POLICY=PASSIVE
# Losses that are means over inputs split exactly across processes; the load-balance loss is
# a statistic of the whole batch (each process sees its half), so it is off here.
cat > "$tmp/c.json" <<'JSON'
{"name":"ddp","data":{"kind":"parity","length":8,"samples":1400,"probe_size":4},
 "model":{"encoder":{"hidden":24},
          "router":{"strategy":"top_k","top_k":1,"balance_weight":0.0},
          "experts":[{"width":24,"max_depth":3},{"width":24,"max_depth":3}]},
 "train":{"epochs":3,"batch_size":64,"eval_every":5,"threads":1,"seed":7}}
JSON
"$mor" train --config "$tmp/c.json" --log "$tmp/one.sqlite" --json > "$tmp/one.json" \
    || fail "1 process: $(cat "$tmp/one.json")"
"$mor" train --config "$tmp/c.json" --log "$tmp/two.sqlite" --nproc 2 --json > "$tmp/two.json" \
    || fail "2 processes: $(cat "$tmp/two.json")"
grep -q '"status":"finished"' "$tmp/two.json" || fail "2 processes: $(cat "$tmp/two.json")"
[ "$(wc -l < "$tmp/two.json")" -eq 1 ] || fail "more than one JSON outcome: $(cat "$tmp/two.json")"

q() { sqlite3 "$1" "$2"; }
[ "$(q "$tmp/two.sqlite" 'select count(*) from runs')" = 1 ] || fail "rank 1 created a run"
[ "$(q "$tmp/two.sqlite" 'select status from runs')" = finished ] || fail "run not finished"
q "$tmp/two.sqlite" "select tag from tags" | grep -qx "world_size=2" || fail "no world_size tag"
[ "$(q "$tmp/two.sqlite" "select value from metrics where key='dist/world_size'")" = 2.0 ] \
    || fail "no dist/world_size metric"
q "$tmp/two.sqlite" "select message from events" | grep -q "data-parallel training on 2 processes" \
    || fail "no data-parallel event"

# compare KEY TOLERANCE: same steps, |a - b| <= tol * max(1, |a|) at every step.
compare() {
    local key="$1" tol="$2"
    q "$tmp/one.sqlite" "select step, value from metrics where key='$key' order by step" > "$tmp/a"
    q "$tmp/two.sqlite" "select step, value from metrics where key='$key' order by step" > "$tmp/b"
    [ -s "$tmp/a" ] || fail "no $key in the 1-process log"
    [ "$(cut -d'|' -f1 "$tmp/a")" = "$(cut -d'|' -f1 "$tmp/b")" ] || fail "$key: different steps"
    paste -d'|' "$tmp/a" "$tmp/b" | awk -F'|' -v key="$key" -v tol="$tol" '
        { d = $2 - $4; if (d < 0) d = -d; s = $2 < 0 ? -$2 : $2; if (s < 1) s = 1;
          if (d / s > worst) worst = d / s; n++ }
        END { printf "%s: %d steps, largest relative difference %.2e\n", key, n, worst;
              exit worst <= tol ? 0 : 1 }' || fail "$key differs between 1 and 2 processes"
}
compare train/loss 1e-4
compare train/accuracy 1e-6
compare val/accuracy 1e-6
compare val/loss 1e-4
echo "ddp_equivalence: 1 and 2 processes agree"
