#!/usr/bin/env bash
# `mor show --json` reports where each domain's (mixed data) or class's test inputs were routed:
# "routing_by_domain" / "routing_by_class", keyed by name, one share per expert summing to top_k.
set -euo pipefail
mor="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMP_WAIT_POLICY=PASSIVE

cat > "$tmp/mixed.json" <<'JSON'
{"name":"mixed","data":{"kind":"mixed","domains":["majority","parity"],"length":6,"samples":400,"probe_size":6},
 "model":{"encoder":{"hidden":16},"router":{"top_k":1,"hidden":16},
          "experts":[{"width":16,"max_depth":3},{"width":16,"max_depth":3},{"width":16,"max_depth":3}]},
 "train":{"epochs":1,"batch_size":32,"threads":1}}
JSON
sed -e 's/"name":"mixed"/"name":"parity"/' -e 's/"kind":"mixed","domains":\["majority","parity"\]/"kind":"parity"/' \
    "$tmp/mixed.json" > "$tmp/parity.json"
"$mor" train --config "$tmp/mixed.json" --log "$tmp/log.sqlite" --quiet >/dev/null 2>&1 || fail "mixed run"
"$mor" train --config "$tmp/parity.json" --log "$tmp/log.sqlite" --quiet >/dev/null 2>&1 || fail "parity run"

"$mor" show --log "$tmp/log.sqlite" --run 1 --json > "$tmp/mixed.out"
"$mor" show --log "$tmp/log.sqlite" --run 2 --json > "$tmp/parity.out"
# names in the data set's order, three experts each, top-1: shares sum to 1
jq -e '.routing_by_domain | keys_unsorted == ["majority", "parity"]' "$tmp/mixed.out" >/dev/null \
    || fail "routing_by_domain keys: $(jq -c .routing_by_domain "$tmp/mixed.out")"
jq -e '[.routing_by_domain[] | (length == 3) and ((add - 1 | fabs) < 1e-6)] | all' "$tmp/mixed.out" >/dev/null \
    || fail "routing_by_domain shares: $(jq -c .routing_by_domain "$tmp/mixed.out")"
jq -e 'has("routing_by_class") | not' "$tmp/mixed.out" >/dev/null || fail "mixed data gets routing_by_class"
jq -e '.routing_by_class | keys_unsorted == ["even", "odd"]' "$tmp/parity.out" >/dev/null \
    || fail "routing_by_class keys: $(jq -c .routing_by_class "$tmp/parity.out")"
jq -e '[.routing_by_class[] | (length == 3) and ((add - 1 | fabs) < 1e-6)] | all' "$tmp/parity.out" >/dev/null \
    || fail "routing_by_class shares: $(jq -c .routing_by_class "$tmp/parity.out")"
jq -e 'has("routing_by_domain") | not' "$tmp/parity.out" >/dev/null || fail "parity data gets routing_by_domain"
# the shares are the test evaluation's logged metrics
jq -e '.routing_by_domain.parity[1] == .metrics["test/routing_domain/1/1"]' "$tmp/mixed.out" >/dev/null \
    || fail "routing_by_domain does not match test/routing_domain/1/1"
echo "cli_show_routing: all checks passed"
