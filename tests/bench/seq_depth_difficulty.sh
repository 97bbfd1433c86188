#!/bin/sh
# Does the router give harder tokens deeper recursion? Trains the bundled demo
# resources/demos/recursion-addition.json (expert-choice and token-choice routing) and prints
# the mean depth and accuracy per difficulty class of the test split (answer digits with no
# carry / a carry / a carry chain >= 2).
# Usage: tests/bench/seq_depth_difficulty.sh [build dir] [work dir]   (~5 min loaded)
set -eu
build=${1:-build/seqcore}
work=${2:-/tmp/mor-seq-depth}
mor="$build/app/cli/mor"
src=$(cd "$(dirname "$0")/../.." && pwd)
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$work"
log="$work/depth.morlog"
rm -rf "$log" "$log"-* "$log.checkpoints"
sed 's/"routing": "expert_choice"/"routing": "token_choice"/' \
    "$src/resources/demos/recursion-addition.json" > "$work/token-choice.json"
"$mor" train --config "$src/resources/demos/recursion-addition.json" --log "$log" \
    --name expert_choice --quiet --json | tail -n 1
"$mor" train --config "$work/token-choice.json" --log "$log" --name token_choice --quiet --json \
    | tail -n 1
echo
printf '%-14s %-18s %10s %10s\n' routing class mean_depth accuracy
for id in 1 2; do
    for k in 0 1 2; do
        sqlite3 -separator ' ' "$log" "SELECT r.name,
            (SELECT value FROM metrics WHERE run_id = r.id AND key = 'test/depth_class/$k'),
            (SELECT value FROM metrics WHERE run_id = r.id AND key = 'test/accuracy_class/$k')
            FROM runs r WHERE r.id = $id" | while read -r name depth acc; do
            case $k in 0) cls="no carry";; 1) cls="carry";; *) cls="carry chain>=2";; esac
            printf '%-14s %-18s %10.3f %10.3f\n' "$name" "$cls" "$depth" "$acc"
        done
    done
done
