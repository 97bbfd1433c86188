#!/usr/bin/env bash
# `mor serve` as a user runs it: starts on a free port, prints where it listens, answers
# health and predict (with the token from MOR_SERVE_TOKEN), refuses a missing token, and
# exits 0 on SIGTERM after saying it stopped.
set -euo pipefail
mor="$1"
export OMP_WAIT_POLICY=PASSIVE
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/out" ] && cat "$tmp/out" >&2; exit 1; }

cat > "$tmp/tiny.json" <<'JSON'
{"name":"tiny-serve","data":{"kind":"parity","length":6,"samples":300,"probe_size":6},
 "model":{"encoder":{"hidden":16},"router":{"top_k":1,"hidden":16},
          "experts":[{"width":16,"max_depth":3},{"width":16,"max_depth":3}]},
 "train":{"epochs":2,"batch_size":32,"threads":1}}
JSON
"$mor" train --config "$tmp/tiny.json" --log "$tmp/log.sqlite" --quiet >/dev/null

# Unknown run: exit code 2 and a message naming the run.
set +e
err=$("$mor" serve --log "$tmp/log.sqlite" --run 42 --port 0 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "unknown run exit code $rc"
grep -q "run 42 is not in" <<<"$err" || fail "unknown run message: $err"

MOR_SERVE_TOKEN=tok "$mor" serve --log "$tmp/log.sqlite" --run 1 --port 0 --threads 1 \
    >"$tmp/out" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 200); do
    port=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/out" | head -1 | sed 's/.*://') || true
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "mor serve exited early"
    sleep 0.1
done
[ -n "$port" ] || fail "mor serve did not print its address"
url="http://127.0.0.1:$port"

health=$(curl -sf -H "Authorization: Bearer tok" "$url/v1/health") || fail "health"
grep -q '"status":"ok"' <<<"$health" || fail "health body: $health"
grep -q '"features":6' <<<"$health" || fail "health lacks the feature count: $health"

code=$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/health")
[ "$code" = 401 ] || fail "no token gave $code"

answer=$(curl -sf -H "Authorization: Bearer tok" -H "Content-Type: application/json" \
    -d '{"inputs": [[0,1,1,0,1,0], [1,1,1,1,1,1]]}' "$url/v1/predict") || fail "predict"
grep -q '"predictions":\[{"answer":' <<<"$answer" || fail "predict body: $answer"

code=$(curl -s -o "$tmp/err" -w '%{http_code}' -H "Authorization: Bearer tok" \
    -d '{"inputs": [[0,1]]}' "$url/v1/predict")
[ "$code" = 400 ] || fail "wrong size gave $code"
grep -q 'the model expects 6' "$tmp/err" || fail "wrong size message: $(cat "$tmp/err")"

kill -TERM "$pid"
set +e; wait "$pid"; rc=$?; set -e
pid=""
[ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM"
grep -q "mor serve: stopped" "$tmp/out" || fail "no stop message"
echo "serve_cli: ok"
