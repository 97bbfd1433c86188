#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mor sweep --emit slurm + mor merge, end to end on real runs.
#   slurm_sweep.sh MOR tasks   the emitted array's tasks run by hand (SLURM_ARRAY_TASK_ID), one
#                              rerun as a requeued task would, then merge.sh: one log, one sweep,
#                              2 finished runs in 2 groups, the task logs unchanged.
#   slurm_sweep.sh MOR slurm   the same array through a real single-node SLURM (Debian's
#                              slurm-wlm: munged, slurmctld and slurmd on localhost, installed
#                              with apt-get when missing and possible, not under ctest); exits 77
#                              (skipped) with the reason when SLURM cannot start here.
set -euo pipefail
source "$(dirname "$0")/../lib/free_port.sh"
mor="$1"; mode="${2:-tasks}"
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
last() { python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print($1)"; }

if [ "$mode" = slurm ]; then
    # MOR_SKIP_SLURM=1 skips at once; MOR_SLURM_INSTALL=0 never installs (ctest sets it: an
    # apt-get install does not belong in a CI run).
    [ "${MOR_SKIP_SLURM:-0}" = 1 ] && skip "MOR_SKIP_SLURM=1"
    if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
        if [ "${MOR_SLURM_INSTALL:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null &&
            apt-cache policy slurm-wlm 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            echo "installing slurm-wlm with apt-get ..."
            timeout 300 apt-get install -y --no-install-recommends slurm-wlm >"$tmp/apt.log" 2>&1 \
                || skip "slurm-wlm is not installed and apt-get could not install it ($(tail -1 "$tmp/apt.log"))"
        else
            skip "slurm-wlm (slurmctld, slurmd, munged) is not installed, and this script does not install it here (needs root, an apt candidate and MOR_SLURM_INSTALL != 0)"
        fi
    fi
    [ "$(id -u)" = 0 ] || skip "starting slurmd needs root here"
fi

cat > "$tmp/c.json" <<'JSON'
{"name":"slurmy","data":{"kind":"parity","length":6,"samples":200,"probe_size":4},
 "model":{"encoder":{"hidden":8},"experts":[{"width":8,"max_depth":2},{"width":8,"max_depth":2}]},
 "train":{"epochs":2,"batch_size":32,"eval_every":100,"threads":1}}
JSON
arr="$tmp/array"
"$mor" sweep --config "$tmp/c.json" --log "$tmp/unused.sqlite" --grid model.router.top_k=1,2 \
    --seeds 3 --threads 1 --emit slurm "$arr" >"$tmp/emit.out" || fail "--emit slurm"
[ ! -e "$tmp/unused.sqlite" ] || fail "--emit slurm ran the sweep"
for f in job.sbatch merge.sh base.json entries/entry-0.json entries/entry-1.json; do
    [ -e "$arr/$f" ] || fail "--emit slurm did not write $f"
done
[ ! -e "$arr/entries/entry-2.json" ] || fail "more entries than runs"
grep -q '^#SBATCH --array=0-1$' "$arr/job.sbatch" || fail "array range: $(grep array "$arr/job.sbatch")"
grep -q '^#SBATCH --cpus-per-task=1$' "$arr/job.sbatch" || fail "cpus per task"
bash -n "$arr/job.sbatch" && bash -n "$arr/merge.sh" || fail "scripts do not parse"

check_merged() { # the merged log: 1 sweep, 2 finished runs, 2 groups of n = 1 (seed 3)
    local out="$1"
    "$mor" sweeps --log "$out" --json >"$tmp/sweeps.json" || fail "mor sweeps on the merged log"
    python3 - "$tmp/sweeps.json" <<'PY' || fail "merged sweeps: $(cat "$tmp/sweeps.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert len(s) == 1, s
assert s[0]["runs"] == 2 and s[0]["finished"] == 2 and s[0]["status"] == "finished", s[0]
PY
    "$mor" sweeps --log "$out" --sweep "$(last 'd[0]["sweep_id"]' <"$tmp/sweeps.json")" --json \
        >"$tmp/summary.json" || fail "summary"
    python3 - "$tmp/summary.json" <<'PY' || fail "merged summary: $(cat "$tmp/summary.json")"
import json, sys
d = json.load(open(sys.argv[1]))
g = d["groups"]
assert [x["params"] for x in g] == [{"model.router.top_k": 1}, {"model.router.top_k": 2}], g
assert all(x["n"] == 1 and 0 <= x["test_accuracy"]["mean"] <= 1 for x in g), g
assert [x["run_ids"] for x in g] == [[1], [2]], g
PY
    [ "$(sqlite3 "$out" 'select group_concat(distinct seed) from runs')" = 3 ] || fail "seed lost"
    [ "$(sqlite3 "$out" "select count(distinct run_id) from checkpoints")" = 2 ] || fail "checkpoint paths lost"
    [ "$(sqlite3 "$out" "select count(*) from runs r join tags t on t.run_id = r.id where t.tag = 'sweep:1:' || (r.id - 1)")" = 2 ] \
        || fail "sweep tags not renumbered"
}

if [ "$mode" = tasks ]; then
    for i in 0 1; do
        SLURM_ARRAY_TASK_ID=$i bash "$arr/job.sbatch" >"$tmp/task-$i.out" 2>&1 \
            || { cat "$tmp/task-$i.out" >&2; fail "task $i"; }
    done
    # A requeued task finds its log and only finishes what is missing (nothing here).
    SLURM_ARRAY_TASK_ID=1 bash "$arr/job.sbatch" >"$tmp/again.out" 2>&1 || fail "rerun of task 1"
    [ "$(sqlite3 "$arr/logs/run-1.sqlite" 'select count(*) from runs')" = 1 ] || fail "rerun trained again"
    sums=$(md5sum "$arr"/logs/run-*.sqlite)
    bash "$arr/merge.sh" "$tmp/merged.sqlite" >"$tmp/merge.out" 2>&1 || { cat "$tmp/merge.out"; fail "merge.sh"; }
    [ "$(md5sum "$arr"/logs/run-*.sqlite)" = "$sums" ] || fail "merge modified a task log"
    check_merged "$tmp/merged.sqlite"
    # (mor merge's refusals -- existing output, foreign, newer, repeated logs -- are in tst_log_merge)
    echo "PASS (tasks by hand)"
    exit 0
fi

# ---- a real single-node SLURM (checked before anything else, so a skip is fast) ----------
host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$tmp/slurm/state" "$tmp/slurm/spool" "$tmp/munge"
# munge: a private key and socket, so nothing of the machine's own setup is touched.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$tmp/munge/munge.key"
sock="$tmp/munge/munge.socket"
munged --key-file="$tmp/munge/munge.key" --socket="$sock" --pid-file="$tmp/munge/munged.pid" \
    --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/seed" --force 2>"$tmp/munge/err" \
    || skip "munged does not start: $(cat "$tmp/munge/err")"
pids+=("$(cat "$tmp/munge/munged.pid" 2>/dev/null || echo 0)")
port=$(free_port 2)
cat > "$tmp/slurm/slurm.conf" <<CONF
ClusterName=mortest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/slurm/state
SlurmdSpoolDir=$tmp/slurm/spool
SlurmctldPidFile=$tmp/slurm/slurmctld.pid
SlurmdPidFile=$tmp/slurm/slurmd.pid
SlurmctldLogFile=$tmp/slurm/slurmctld.log
SlurmdLogFile=$tmp/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurm/ctld.out" 2>&1 & pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$tmp/slurm/d.out" 2>&1 & pids+=($!)
up=0
for _ in $(seq 1 80); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then up=1; break; fi
    sleep 0.25
done
if [ "$up" != 1 ]; then
    echo "--- slurmctld:"; tail -5 "$tmp/slurm/slurmctld.log" "$tmp/slurm/ctld.out" 2>/dev/null
    echo "--- slurmd:"; tail -5 "$tmp/slurm/slurmd.log" "$tmp/slurm/d.out" 2>/dev/null
    skip "SLURM did not come up on this machine within 20 s (node state: $(sinfo -h -o '%T' 2>&1 | head -1))"
fi
echo "SLURM is up at $(date +%T): $(sinfo -h -o '%P %T %c cpus')"
job=$(sbatch --parsable "$arr/job.sbatch") || fail "sbatch refused the array"
job=${job%%;*}
echo "submitted job $job at $(date +%T)"
for _ in $(seq 1 480); do # sbatch --wait polls every few seconds; poll faster ourselves
    [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
    sleep 0.25
done
[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] || fail "the array did not finish in 120 s: $(squeue -j "$job")"
echo "job $job done at $(date +%T)"
for i in 0 1; do
    [ -e "$arr/logs/run-$i.sqlite" ] || fail "task $i wrote no log"
    [ -e "$arr/logs/task-$i.out" ] || fail "task $i wrote no SLURM output file"
done
bash "$arr/merge.sh" "$tmp/merged.sqlite" >"$tmp/merge.out" 2>&1 || { cat "$tmp/merge.out"; fail "merge.sh"; }
check_merged "$tmp/merged.sqlite"
echo "PASS (SLURM job $job: 2 array tasks, merged)"
