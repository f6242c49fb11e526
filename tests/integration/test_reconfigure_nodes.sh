# scontrol reconfigure changes the cluster with no restart: a node and a
# partition added (the new agent registers, a job runs there), a partition
# removed (refused while a job is in it), a busy node's removal refused,
# an idle node removed. Surviving nodes keep working throughout.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"
CONF="$CLUSTER/drover.yaml"
cp "$CONF" base.yaml
ctld_pid=$(cat "$CLUSTER/run/droverctld.pid")
job_running() { [ "$(job_state "$1")" == RUNNING ]; }
node_idle() { [ "$(sinfo -N -h -n "$1" -o '%t')" == idle ]; }

# node3 in the default partition and in a new partition of its own.
sed -e 's/^\(  - {names: "node\[2-2\]".*\)$/\1\n  - {names: node3, cpus: 2, memory_mb: 1024, weight: 2, address: 127.0.0.1}/' \
    -e 's/nodes: "node\[1-2\]"/nodes: "node[1-3]"/' base.yaml > with3.yaml
echo '  - {name: extra, nodes: node3}' >> with3.yaml
grep -q 'names: node3' with3.yaml || fail "test setup: node3 not added to the config"
cp with3.yaml "$CONF"
out=$(scontrol -v reconfigure 2>&1) || fail "reconfigure adding node3: $out"
assert_contains "$out" "scontrol: node node3 added"
assert_contains "$out" "scontrol: partition extra added"
assert_eq "" "$(scontrol reconfigure 2>&1)" "reconfigure is silent without -v, as Slurm's"
assert_eq "node3 unk*" "$(sinfo -N -h -p extra -o '%N %t')" "node3 before its agent starts"

mkdir -p "$CLUSTER/nodes/node3"
cluster_up 3   # starts the missing agent and waits for all three nodes
out=$(scontrol show node node3)
assert_contains "$out" "NodeAddr=127.0.0.1"
[[ "$out" =~ CpuSpeed=[1-9][0-9]* ]] || fail "node3 reports no measured speed: $out"
id=$(sbatch --parsable -p extra -o out.%j --wrap='hostname')
wait_until 20 job_done "$id"
assert_eq "COMPLETED node3" "$(squeue -h -t all -j "$id" -o '%T %N')" "job in the new partition"
assert_eq "node3" "$(cat "out.$id")"

# Removing a partition that still has a job is refused, and nothing changes.
held=$(sbatch --parsable -p extra -H --wrap=true)
grep -v 'name: extra' with3.yaml > "$CONF"
rc=0; out=$(scontrol reconfigure 2>&1) || rc=$?
assert_eq 1 "$rc" "reconfigure removing a partition with a pending job"
assert_contains "$out" "partition extra cannot be removed while job $held is in it"
assert_contains "$(scontrol show partition extra)" "PartitionName=extra"
grep -q "reconfigure refused: .*partition extra" "$CLUSTER/log/droverctld.log" || fail "refusal not logged"
scancel "$held"
wait_until 20 job_done "$held"
out=$(scontrol -v reconfigure 2>&1) || fail "reconfigure removing partition extra: $out"
assert_contains "$out" "partition extra removed"
rc=0; out=$(scontrol show partition extra 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Partition extra not found" "$out"

# A node running a job cannot be removed; once idle it can.
busy=$(sbatch --parsable -w node3 --wrap='sleep 300')
wait_until 20 job_running "$busy"
cp base.yaml "$CONF"
rc=0; out=$(scontrol reconfigure 2>&1) || rc=$?
assert_eq 1 "$rc" "reconfigure removing a busy node"
assert_contains "$out" "Node node3 cannot be removed while it runs jobs ($busy): drain it with scontrol update NodeName=node3 State=DRAIN"
assert_contains "$(sinfo -N -h -o '%N')" "node3"
scancel "$busy"
wait_until 30 job_done "$busy"
wait_until 30 node_idle node3
out=$(scontrol -v reconfigure 2>&1) || fail "reconfigure removing idle node3: $out"
assert_contains "$out" "node node3 removed"
assert_eq "node1 node2" "$(sinfo -N -h -o '%N' | sort -u | xargs)" "nodes after removing node3"
rc=0; out=$(scontrol show node node3 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Node node3 not found" "$out"

# The survivors kept their agents: jobs still run, and nothing restarted.
id=$(sbatch --parsable -N 2 --wrap='true')
wait_until 20 job_done "$id"
assert_eq "COMPLETED" "$(job_state "$id")"
assert_eq "$ctld_pid" "$(cat "$CLUSTER/run/droverctld.pid")" "controller pid"
kill -0 "$ctld_pid" || fail "the controller is gone"
pass
