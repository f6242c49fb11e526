# A full disk fails the submissions that hit it with a clear error, and
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

acked=()
refused=0
for i in $(seq 1 10); do
  if out=$(sbatch --parsable -H big.sh 2>&1); then
    acked+=("$out")
  else
    refused=$((refused + 1))
    assert_contains "$out" "sbatch: error: Batch job submission failed: Unable to save the job:"
    assert_contains "$out" "No space left on device"
  fi
done
echo "acknowledged ${#acked[@]}, refused $refused"
[ "$refused" -gt 0 ] || fail "the tiny spool never filled up"
[ "${#acked[@]}" -gt 0 ] || fail "nothing was accepted"
assert_eq "$(printf '%s\n' "${acked[@]}")" "$(squeue -h -t all -o %i | sort -n)" "jobs after the disk filled"
# The refused ones left no trace, and the controller still serves after a restart.
drover down --dir "$CLUSTER" >/dev/null 2>&1
cluster_up 1
assert_eq "$(printf '%s\n' "${acked[@]}")" "$(squeue -h -t all -o %i | sort -n)" "jobs after a restart"
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "submission not saved"
pass
