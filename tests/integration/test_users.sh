# Users are themselves: a user who cannot read the cluster key gets
# credentials from the local daemon (uid from SO_PEERCRED), jobs run as
# their submitter, and nobody may cancel another user's job.
source "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP ($TEST_NAME): needs root to act as a second user"
  exit 0
fi
getent passwd nobody >/dev/null || fail "no 'nobody' user on this machine"
cluster_up 2
cd "$WORK"

# The key stays root's (0400); the config and the agents' sockets are open.
chmod 755 "$CLUSTER" "$CLUSTER/run"
sed "s#socket: [^}]*#socket: $CLUSTER/run/node1.sock#" "$DROVER_CONF" > client.yaml
chmod 644 client.yaml
as_nobody() { DROVER_CONF="$WORK/client.yaml" setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }
as_nobody test -r "$CLUSTER/drover.key" && fail "nobody can read the key"

mkdir -m 777 shared
root_job=$(sbatch --parsable -H --wrap=true)
out=$(cd shared && as_nobody sbatch --wrap='id -u; id -un; touch mine') || fail "sbatch as nobody: $out"
[[ "$out" =~ ^Submitted\ batch\ job\ ([0-9]+)$ ]] || fail "sbatch said: $out"
id=${BASH_REMATCH[1]}
wait_until 20 job_done "$id"
assert_eq COMPLETED "$(job_state "$id")"
assert_eq "$(id -u nobody)
nobody" "$(cat "shared/slurm-$id.out")" "identity inside the job"
assert_eq nobody "$(stat -c %U shared/mine)" "owner of a file the job wrote"
assert_eq nobody "$(squeue -h -t all -j "$id" -o %u)" "squeue user"
assert_contains "$(as_nobody squeue -h -t all -o '%i %u')" "$id nobody"

# nobody may not cancel root's job; root may cancel anyone's.
rc=0; out=$(as_nobody scancel "$root_job" 2>&1) || rc=$?
assert_eq 210 "$rc" "scancel exit code for another user's job"
assert_eq "scancel: error: Kill job error on job id $root_job: Access/permission denied" "$out"
assert_eq PENDING "$(job_state "$root_job")"
held=$(cd shared && as_nobody sbatch --parsable -H --wrap=true)
scancel "$held"
assert_eq CANCELLED "$(job_state "$held")"
pass
