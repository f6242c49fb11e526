# A submission retried while its first attempt is still being committed
# (sbatch retries when a reply is late or its connection breaks): every
# attempt is answered with the one job, and only one job exists.
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"
for round in 1 2 3 4 5; do
  out=$(wire_probe "$DROVER_CONF" --retry-race) || fail "wire_probe: $out"
  id=$(echo "$out" | awk '/^job /{print $2}')
  [ -n "$id" ] || fail "no job id in: $out"
  assert_eq "$id" "$(squeue -h -n retry-race -t all -o %i | sort | tail -n 1)" "the job of round $round"
  assert_eq "$round" "$(squeue -h -n retry-race -t all -o %i | wc -l)" "retry-race jobs after round $round"
done
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "while it is being saved"
pass
