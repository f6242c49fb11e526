# SIGHUP (what `systemctl reload` sends) without systemd: droverctld
# re-reads its configuration like `scontrol reconfigure` and keeps its jobs,
# refuses a broken file and keeps the old one; droverd re-reads its
# controller address and key; SIGTERM makes droverctld flush its state.
# (tests/integration/test_systemd.sh runs the same under systemd.)
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"
ctld_pid=$(cat "$CLUSTER/run/droverctld.pid")
agent_pid=$(cat "$CLUSTER/run/droverd-node1.pid")
CTLD_LOG=$CLUSTER/log/droverctld.log

job=$(sbatch --parsable -o /dev/null --wrap 'sleep 120') || fail "sbatch failed"
wait_until 30 eval '[ "$(job_state "$job")" = RUNNING ]'
kill_wait() { scontrol show config | sed -n 's/^KillWait *= *//p'; }
assert_eq "5 sec" "$(kill_wait)" "KillWait before the reload"

# A good change is applied; the job and the process stay.
sed -i 's/^kill_wait: 5$/kill_wait: 7/' "$DROVER_CONF"
grep -q '^kill_wait: 7$' "$DROVER_CONF" || fail "could not edit $DROVER_CONF"
kill -HUP "$ctld_pid"
wait_until 10 eval '[ "$(kill_wait)" = "7 sec" ]'
assert_contains "$(cat "$CTLD_LOG")" "reconfigured from $DROVER_CONF by SIGHUP"
kill -0 "$ctld_pid" || fail "droverctld exited on SIGHUP"
assert_eq RUNNING "$(job_state "$job")" "job $job after the reload"

# A broken file is refused: the previous configuration stays in force.
cp "$DROVER_CONF" "$WORK/good.yaml"
echo 'partitions: [' >>"$DROVER_CONF"
kill -HUP "$ctld_pid"
wait_until 10 grep -q "reload refused, still running the previous configuration" "$CTLD_LOG"
kill -0 "$ctld_pid" || fail "droverctld exited on a SIGHUP with a broken file"
# (The CLIs read the file too: they use the good copy meanwhile.)
assert_eq "7 sec" "$(DROVER_CONF=$WORK/good.yaml kill_wait)" "KillWait after a refused reload"
cp "$WORK/good.yaml" "$DROVER_CONF"

# The agent: same controller, so the link stays; the job is untouched.
AGENT_LOG=$CLUSTER/log/droverd-node1.log
kill -HUP "$agent_pid"
wait_until 10 grep -q "reload: the controller link is unchanged" "$AGENT_LOG"
kill -0 "$agent_pid" || fail "droverd exited on SIGHUP"
assert_eq RUNNING "$(job_state "$job")" "job $job after the agent's reload"

# A new key: the agent drops the link and dials again with it (the controller,
# still on the old key, refuses it); the old key back, it registers again.
KEY=$(sed -n 's/.*key_file: \([^,}]*\).*/\1/p' "$DROVER_CONF")
[ -f "$KEY" ] || fail "no key file found in $DROVER_CONF"
cp -p "$KEY" "$WORK/old.key"
registrations() { grep -c "registered with cluster" "$AGENT_LOG"; }
before=$(registrations)
head -c 64 /dev/urandom >"$WORK/new.key"
chmod 0400 "$WORK/new.key"
mv "$WORK/new.key" "$KEY"
kill -HUP "$agent_pid"
wait_until 10 grep -q "reload: the cluster key changed; reconnecting with the new one" "$AGENT_LOG"
mv "$WORK/old.key" "$KEY"
kill -HUP "$agent_pid"
wait_until 30 eval '[ "$(registrations)" -gt "$before" ]'
assert_eq RUNNING "$(job_state "$job")" "job $job after the agent's key changes"

# SIGTERM: the controller commits what it queued, then exits.
kill -TERM "$ctld_pid"
wait_until 10 bash -c "! kill -0 $ctld_pid"
assert_contains "$(cat "$CTLD_LOG")" "job state flushed"
cluster_up 1
assert_eq RUNNING "$(job_state "$job")" "job $job after the controller's restart"
scancel "$job"
wait_until 30 job_done "$job"
pass
