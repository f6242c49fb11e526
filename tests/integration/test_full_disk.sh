# A full spool disk fails the launches that hit it with a clear error, and
# loses nothing that was acknowledged: the spool lives on a tiny tmpfs here.
source "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then echo "SKIP ($TEST_NAME): needs root to mount a small filesystem"; exit 0; fi
spool="$WORK/tiny-spool"
mkdir -p "$spool"
if ! mount -t tmpfs -o size=256k,mode=755 tmpfs "$spool" 2>/dev/null; then
  echo "SKIP ($TEST_NAME): cannot mount tmpfs here"; exit 0
fi
trap 'rc=$?; set +e; drover down --dir "$CLUSTER" >/dev/null 2>&1; umount "$spool"; (exit $rc); cleanup' EXIT
cluster_up 1
drover down --dir "$CLUSTER" >/dev/null 2>&1
sed -i "s#^spool_dir: .*#spool_dir: $spool#" "$DROVER_CONF"
cluster_up 1
cd "$WORK"
{ echo '#!/bin/sh'; echo 'true'; head -c 60000 /dev/zero | tr '\0' '#'; echo; } > big.sh

# Submissions go to the store (the state directory), so all are accepted;
# the spool is written at launch, and a launch that finds the disk full
# fails its job (JobLaunchFailure) with a clear log line, never a job
# RUNNING with nothing running.
acked=()
for i in $(seq 1 10); do
  acked+=("$(sbatch --parsable -H -o /dev/null big.sh)")
done
assert_eq "$(printf '%s\n' "${acked[@]}")" "$(squeue -h -t all -o %i | sort -n)" "jobs accepted"
for id in "${acked[@]}"; do scontrol release "$id"; done
wait_until 30 bash -c '[ -z "$(squeue -h -t PD,R,CG -o %i)" ]'
launch_failed=$(squeue -h -t all -o '%i %T %r' | grep -c 'FAILED JobLaunchFailure' || true)
echo "launch failures on the full spool: $launch_failed of ${#acked[@]}"
[ "$launch_failed" -gt 0 ] || fail "the tiny spool never filled up"
[ "$launch_failed" -lt "${#acked[@]}" ] || fail "no job could be launched at all"
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "No space left on device"
# Nothing acknowledged is lost, and the controller still serves after a restart.
drover down --dir "$CLUSTER" >/dev/null 2>&1
cluster_up 1
assert_eq "$(printf '%s\n' "${acked[@]}")" "$(squeue -h -t all -o %i | sort -n)" "jobs after a restart"
pass
