#!/usr/bin/env bash
# `mor serve` as an operator runs it: HTTPS with a self-signed certificate (curl --cacert),
# a wrong token gets 401, the per-client rate limit answers 429; A/B serving of two runs
# with --split 90:10 under a bounded loopback load (observed split within 1 point, labelled
# requests give per-variant accuracy), /v1/metrics parsed by Python's prometheus_client, a
# serving record per variant in the log; shadow mode returns only A's answers.
set -euo pipefail
mor="$1"
. "$(dirname "$0")/serve_lib.sh"

cat > "$tmp/tiny.json" <<'JSON'
{"name":"tiny-ab","data":{"kind":"parity","length":6,"samples":300,"probe_size":4},
 "model":{"encoder":{"hidden":16},"router":{"top_k":1,"hidden":16},
          "experts":[{"width":16,"max_depth":2},{"width":16,"max_depth":2}]},
 "train":{"epochs":2,"batch_size":32,"threads":1}}
JSON
"$mor" train --config "$tmp/tiny.json" --log "$tmp/log.sqlite" --quiet >/dev/null
"$mor" train --config "$tmp/tiny.json" --log "$tmp/log.sqlite" --seed 9 --quiet >/dev/null

# --- HTTPS ---------------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
    -days 1 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null \
    || fail "openssl could not make a certificate"
start_server --run 1 --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" --token s3cret \
    --rate-limit 0.5 --rate-burst 3
grep -q "on https://127.0.0.1:$port" "$tmp/out" || fail "no https address: $(cat "$tmp/out")"
url="https://127.0.0.1:$port"
health=$(curl -sf --cacert "$tmp/cert.pem" -H "Authorization: Bearer s3cret" "$url/v1/health") \
    || fail "curl --cacert got no answer over HTTPS"
grep -q '"tls":true' <<<"$health" || fail "health: $health"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$tmp/cert.pem" \
    -H "Authorization: Bearer s3cre7" "$url/v1/health")
[ "$code" = 401 ] || fail "a wrong token gave $code"
# Without the CA the certificate is not trusted; plain HTTP on the TLS port gets no answer.
if curl -sf -o /dev/null "$url/v1/health" 2>/dev/null; then fail "untrusted cert accepted"; fi
if curl -sf -o /dev/null "http://127.0.0.1:$port/v1/health" 2>/dev/null; then
    fail "plain HTTP answered on the TLS port"; fi
# Rate limit: a burst of 3, then 429 (one new request every 2 s).
codes=""
for _ in $(seq 1 10); do
    codes+=$(curl -s -o /dev/null -w '%{http_code} ' --cacert "$tmp/cert.pem" \
        -H "Authorization: Bearer s3cret" "$url/v1/health")
done
grep -q 429 <<<"$codes" || fail "no 429 after a burst: $codes"
stop_server
echo "https: ok (rate limit codes: $codes)"

# --- A/B 90:10 under load ----------------------------------------------------------------------
start_server --run 1 --run 2 --split 90:10 --http-threads 4 --max-wait-ms 0
cat > "$tmp/load.py" <<'PY'
import http.client, json, sys, threading
port, total, clients = int(sys.argv[1]), int(sys.argv[2]), 4
counts, errors, lock = {}, [], threading.Lock()
def client(k):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(k, total, clients):
        bits = [(i >> b) & 1 for b in range(6)]
        body = json.dumps({"input": bits, "label": sum(bits) % 2})
        conn.request("POST", "/v1/predict", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        with lock:
            if r.status != 200:
                errors.append(r.status)
            else:
                v = json.loads(data)["variant"]
                counts[v] = counts.get(v, 0) + 1
threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"counts": counts, "errors": errors}))
PY
load=$("$py" "$tmp/load.py" "$port" 400) || fail "load test"
echo "a/b load: $load"
"$py" - "$load" <<'PY' || fail "split outside 1 point: $load"
import json, sys
r = json.loads(sys.argv[1])
assert not r["errors"], r
n = sum(r["counts"].values())
assert n == 400, r
share_b = r["counts"].get("B", 0) / n
assert abs(share_b - 0.10) <= 0.01, share_b
PY
curl -sf "http://127.0.0.1:$port/v1/metrics" >"$tmp/metrics.txt" || fail "metrics"
if "$py" -c "import prometheus_client" 2>/dev/null; then
    "$py" - "$tmp/metrics.txt" <<'PY' || fail "prometheus_client: $(grep variant "$tmp/metrics.txt")"
import sys
from prometheus_client.parser import text_string_to_metric_families
req, lab, cor, lat = {}, {}, {}, {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        v = s.labels.get("variant")
        if s.name == "mor_variant_requests_total": req[v] = s.value
        if s.name == "mor_variant_labelled_total": lab[v] = s.value
        if s.name == "mor_variant_correct_total": cor[v] = s.value
        if s.name == "mor_variant_request_duration_seconds_count": lat[v] = s.value
assert req == {"A": 360.0, "B": 40.0}, req
assert lab == req and lat == req, (lab, lat)
assert 0 <= cor["A"] <= 360 and 0 <= cor["B"] <= 40, cor
print("prometheus_client: requests", req, "correct", cor)
PY
else
    echo "SKIP: python3-prometheus-client is not installed (installer/install-deps.sh adds it);" \
         "the metrics were checked with grep only"
    grep -q "mor_variant_requests_total{variant=\"A\",run=\"1\"} 360" "$tmp/metrics.txt" \
        || fail "A count: $(grep variant_requests "$tmp/metrics.txt")"
fi
stop_server
rows=$(sqlite3 "$tmp/log.sqlite" \
    "SELECT variant || ':' || run_id || ':' || requests || ':' || labelled FROM serving_records ORDER BY variant")
[ "$rows" = "$(printf 'A:1:360:360\nB:2:40:40')" ] || fail "serving records: $rows"

# --- shadow -------------------------------------------------------------------------------------
start_server --run 1 --run 2 --shadow --max-wait-ms 0
for i in $(seq 1 10); do
    v=$(curl -sf -d '{"input": [1,0,1,0,1,1]}' "http://127.0.0.1:$port/v1/predict" \
        | "$py" -c 'import json,sys; print(json.load(sys.stdin)["variant"])')
    [ "$v" = A ] || fail "shadow mode answered from $v"
done
# B's answers are compared off the request threads: poll until the tenth is counted.
shadowed=""
for _ in $(seq 1 50); do
    metrics=$(curl -sf "http://127.0.0.1:$port/v1/metrics") || fail "metrics"
    shadowed=$(grep '^mor_variant_shadow_inputs_total{variant="B"' <<<"$metrics" | awk '{print $2}')
    [ "$shadowed" = 10 ] && break
    sleep 0.1
done
[ "$shadowed" = 10 ] || fail "B shadowed $shadowed inputs, not 10"
grep -q '^mor_variant_requests_total{variant="B",run="2"} 0$' <<<"$metrics" \
    || fail "B answered requests in shadow mode"
stop_server
echo "serve_secure_ab: ok"
