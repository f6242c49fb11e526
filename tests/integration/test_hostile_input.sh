# Malformed frames and bad credentials are refused with clear errors, and
# the controller keeps serving everyone else.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"
id=$(sbatch --parsable -H --wrap=true)
out=$(wire_probe "$DROVER_CONF") || fail "wire_probe found a problem:
$out"
echo "$out"
log=$(cat "$CLUSTER/log/droverctld.log")
assert_contains "$log" "refused message from"
assert_contains "$log" "Replayed credential"
# Normal work goes on, with the state intact.
assert_eq PENDING "$(job_state "$id")"
assert_eq 2 "$(sinfo -h -o %D)" "node count"
# A CLI holding the wrong key is told why, not left hanging.
head -c 64 /dev/urandom > "$WORK/other.key"; chmod 600 "$WORK/other.key"
sed "s#key_file: [^,]*#key_file: $WORK/other.key#" "$DROVER_CONF" > "$WORK/other.yaml"
out=$(DROVER_CONF="$WORK/other.yaml" squeue 2>&1) && fail "a wrong key was accepted"
assert_contains "$out" "bad MAC"
pass
