#!/bin/bash
# Before a release: the GUI monkey test for longer (default 10 minutes), a few seeds in a row.
#   tests/widgets/monkey/monkey_long.sh BUILD_DIR [SECONDS] [SEED ...]
# Prints each run's seed, events and verdict; exits non-zero when any run failed (crash, hang,
# Qt warning). Replay a failure with: BUILD_DIR/tests/widgets/monkey/tst_monkey --seed N
set -u
build=${1:?usage: monkey_long.sh BUILD_DIR [SECONDS] [SEED ...]}
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
seeds=("$@")
if [ ${#seeds[@]} -eq 0 ]; then
    seeds=("$(date +%s)")
fi
bin="$build/tests/widgets/monkey/tst_monkey"
[ -x "$bin" ] || { echo "no $bin: build the target tst_monkey first" >&2; exit 2; }
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
failed=0
for seed in "${seeds[@]}"; do
    if ! timeout $((seconds + 180)) "$bin" --seed "$seed" --seconds "$seconds"; then
        echo "monkey_long: seed $seed FAILED" >&2
        failed=1
    fi
done
exit $failed
