# scontrol: show job/node/partition in Slurm's layouts, hold and release,
# draining and resuming nodes, and Slurm's errors.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"

id=$(sbatch --parsable -H -J held --wrap='echo hi')
out=$(scontrol show job "$id")
assert_contains "$out" "JobId=$id JobName=held"
assert_contains "$out" "   JobState=PENDING Reason=JobHeldUser Dependency=(null)"
assert_contains "$out" "   Priority=0 Nice=0"
assert_eq "JobState=PENDING" "$(scontrol show jobid -dd "$id" | grep -o 'JobState=[A-Z]*')" "Snakemake's regex"
scontrol release "$id"
wait_until 20 job_done "$id"
out=$(scontrol -o show job "$id")
assert_contains "$out" "JobState=COMPLETED Reason=None"
assert_contains "$out" "ExitCode=0:0"
assert_eq 1 "$(echo "$out" | wc -l)" "one line with -o"
scontrol hold "$(sbatch --parsable --wrap=true -H)" || fail "hold of a pending job"

rc=0; out=$(scontrol show job 99999 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "slurm_load_jobs error: Invalid job id specified" "$out"
rc=0; out=$(scontrol release 99999 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Invalid job id specified for job 99999" "$out"

out=$(scontrol show node node1)
assert_contains "$out" "NodeName=node1 Arch="
assert_contains "$out" "   CPUAlloc=0 CPUEfctv=4 CPUTot=4"
assert_contains "$out" "State=IDLE "
assert_contains "$out" "ClockSkew="
rc=0; out=$(scontrol show node nosuch 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Node nosuch not found" "$out"
assert_contains "$(scontrol show partition)" "PartitionName=picluster"
assert_contains "$(scontrol show partition picluster)" "State=UP TotalCPUs=6 TotalNodes=2"

# A drained node takes no new jobs until resumed.
rc=0; out=$(scontrol update NodeName=node1 State=DRAIN 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "slurm_update error: You must specify a reason when DOWNING or DRAINING a node. Request denied" "$out"
scontrol update NodeName=node1 State=DRAIN Reason="disk check"
assert_eq "node1 drain disk check" "$(sinfo -N -h -o '%N %t %E' | grep node1)"
assert_contains "$(scontrol show node node1)" "State=IDLE+DRAIN"
j=$(sbatch --parsable -c 4 --wrap=true)   # only node1 has 4 CPUs
assert_eq PENDING "$(job_state "$j")" "job needing the drained node"
scontrol update NodeName=node1 State=RESUME
wait_until 20 job_done "$j"
assert_eq COMPLETED "$(job_state "$j")"
# A drain survives a controller restart, with its reason.
scontrol update NodeName=node2 State=DRAIN Reason="fan noise"
ctld=$(cat "$CLUSTER/run/droverctld.pid")
kill -9 "$ctld"
wait_until 10 bash -c "! kill -0 $ctld"
cluster_up 2
assert_eq "node2 drain fan noise" "$(sinfo -N -h -o '%N %t %E' | grep node2)" "drain after a restart"
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "node node2 recovered as DRAIN: fan noise"
scontrol update NodeName=node2 State=RESUME
assert_eq "node2 idle" "$(sinfo -N -h -o '%N %t' | grep node2)"
assert_eq "Slurmctld(primary) at 127.0.0.1 is UP" "$(scontrol ping)"
assert_eq "node1
node2" "$(scontrol show hostnames 'node[1-2]')"
pass
