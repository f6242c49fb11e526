# A 32-bit ARM agent serving a 64-bit controller: node2's droverd and its
# job supervisors are armhf binaries run under qemu-arm, the controller and
# the CLIs are native x86-64. The node registers with its own architecture,
# runs batch jobs, array tasks and an srun step, reports exit codes and
# cancellations, and times come back right. Run by scripts/cross-armhf.sh.
source "$(dirname "$0")/../integration/lib.sh"
: "${DROVER_ARMHF_BIN:?set DROVER_ARMHF_BIN to the bin directory of an armhf build}"
: "${DROVER_SYSROOT:?set DROVER_SYSROOT to the armhf sysroot}"
file "$DROVER_ARMHF_BIN/droverd" | grep -q 'ELF 32-bit LSB .* ARM' || fail "$DROVER_ARMHF_BIN/droverd is not armhf"

cluster_up 2
# Swap node2's native agent for the armhf one.
native_pid=$(cat "$CLUSTER/run/droverd-node2.pid")
kill "$native_pid"
wait_until 20 bash -c "! kill -0 $native_pid 2>/dev/null"
cat > "$WORK/stepd-armhf" <<WRAP
#!/bin/sh
exec qemu-arm -L "$DROVER_SYSROOT" "$DROVER_ARMHF_BIN/drover-stepd" "\$@"
WRAP
chmod 755 "$WORK/stepd-armhf"
qemu-arm -L "$DROVER_SYSROOT" "$DROVER_ARMHF_BIN/droverd" --config "$DROVER_CONF" --node-name node2 \
  --state-dir "$CLUSTER/nodes/node2" --auth-socket "$CLUSTER/run/node2.sock" --stepd "$WORK/stepd-armhf" \
  >"$CLUSTER/log/droverd-node2-armhf.log" 2>&1 &
armhf_pid=$!
trap 'kill $armhf_pid 2>/dev/null || true; cleanup' EXIT
wait_until 60 bash -c "scontrol show node node2 | grep -q 'Arch=armv7l'"
wait_until 60 bash -c "sinfo -h -N -n node2 -o %t | grep -qx idle"

cd "$WORK"
ok=$(sbatch --parsable -w node2 --wrap='echo "on $SLURMD_NODENAME job $SLURM_JOB_ID"')
bad=$(sbatch --parsable -w node2 --wrap='exit 3')
arr=$(sbatch --parsable -w node2 --array=1-4 -o 'arr_%a.out' --wrap='echo task $SLURM_ARRAY_TASK_ID')
wait_until 60 job_done "$ok"
wait_until 60 job_done "$bad"
wait_until 90 job_done "$arr"
assert_eq "on node2 job $ok" "$(cat "slurm-$ok.out")" "output of a job run by the armhf agent"
assert_eq "COMPLETED" "$(job_state "$ok")" "state"
assert_eq "$bad|FAILED|3:0" "$(sacct -P -n -X -o JobIDRaw,State,ExitCode -j "$bad")" "exit code through a 32-bit agent"
for t in 1 2 3 4; do assert_eq "task $t" "$(cat "arr_$t.out")" "array task $t"; done
# Start and end times made it through the 32-bit agent intact.
start=$(sacct -P -n -X -o Start -j "$ok")
end=$(sacct -P -n -X -o End -j "$ok")
now=$(date +%s)
s=$(date -d "$start" +%s)
e=$(date -d "$end" +%s)
[ $((now - s)) -ge 0 ] && [ $((now - s)) -lt 300 ] && [ "$e" -ge "$s" ] || fail "times: start $start end $end"

# An srun step on the armhf node (the step supervisor is armhf).
assert_eq "node2 0" "$(srun -w node2 -n1 bash -c 'echo $SLURMD_NODENAME $SLURM_PROCID')" "srun step on the armhf node"

# Cancelling a running job on it.
run=$(sbatch --parsable -w node2 --wrap='touch started; exec sleep 300')
wait_until 60 test -e started
scancel "$run"
wait_until 60 job_done "$run"
assert_eq "CANCELLED" "$(job_state "$run")" "cancel through a 32-bit agent"
grep -q "error\|critical" "$CLUSTER/log/droverd-node2-armhf.log" && fail "armhf agent logged errors: $(grep 'error\|critical' "$CLUSTER/log/droverd-node2-armhf.log")"
pass
