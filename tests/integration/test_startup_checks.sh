# Daemons refuse unsafe keys and state directories with a message that
# says why, wait for directories that appear late, and report a node whose
# clock is wrong with the measured skew.
source "$(dirname "$0")/lib.sh"
cluster_up 1
drover down --dir "$CLUSTER" >/dev/null 2>&1
conf() { sed "$1" "$DROVER_CONF" > "$WORK/c.yaml"; echo "$WORK/c.yaml"; }
expect_refusal() {  # config message
  local out rc=0
  out=$(timeout 10 droverctld --config "$1" 2>&1) || rc=$?
  [ $rc -eq 1 ] || fail "droverctld exited $rc, expected 1: $out"
  assert_contains "$out" "$2"
}

cp "$CLUSTER/drover.key" "$WORK/open.key"; chmod 644 "$WORK/open.key"
expect_refusal "$(conf "s#key_file: [^,]*#key_file: $WORK/open.key#")" "is accessible by group or others"
head -c 8 /dev/urandom > "$WORK/short.key"; chmod 600 "$WORK/short.key"
expect_refusal "$(conf "s#key_file: [^,]*#key_file: $WORK/short.key#")" "at least 32 are needed"
if [ "$(id -u)" -eq 0 ]; then
  cp "$CLUSTER/drover.key" "$WORK/theirs.key"; chmod 600 "$WORK/theirs.key"; chown nobody "$WORK/theirs.key"
  expect_refusal "$(conf "s#key_file: [^,]*#key_file: $WORK/theirs.key#")" "not by this daemon's user"
fi
mkdir -m 777 "$WORK/open-state"
expect_refusal "$(conf "s#^state_dir: .*#state_dir: $WORK/open-state#")" "is writable by group or others"
if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
  shm=$(mktemp -d /dev/shm/drover-state.XXXXXX); chmod 700 "$shm"
  expect_refusal "$(conf "s#^state_dir: .*#state_dir: $shm#")" "is on tmpfs"
  rm -rf "$shm"
fi

# A state directory that appears late (a disk mounted after boot).
late="$WORK/late-state"
sed -i "s#^state_dir: .*#state_dir: $late#" "$DROVER_CONF"
droverctld --config "$DROVER_CONF" >> "$CLUSTER/log/droverctld.log" 2>&1 &
echo $! > "$CLUSTER/run/droverctld.pid"
wait_until 10 grep -q "waiting for the state directory $late" "$CLUSTER/log/droverctld.log"
out=$(squeue 2>&1) && fail "controller answered before its state directory existed"
mkdir -m 700 "$late"
wait_until 10 squeue
cluster_up 1
assert_eq idle "$(sinfo -h -o %t)"

# A node whose clock is 10 minutes fast is reported with the measured skew.
drover down --dir "$CLUSTER" >/dev/null 2>&1
droverctld --config "$DROVER_CONF" >> "$CLUSTER/log/droverctld.log" 2>&1 &
echo $! > "$CLUSTER/run/droverctld.pid"
droverd --config "$DROVER_CONF" --node-name node1 --state-dir "$CLUSTER/nodes/node1" \
  --auth-socket "$CLUSTER/run/node1.sock" --clock-offset-s 600 >> "$CLUSTER/log/droverd-node1.log" 2>&1 &
echo $! > "$CLUSTER/run/droverd-node1.pid"
wait_until 10 grep -q "Clock skew of +600 s exceeds max_clock_skew_s (60 s)" "$CLUSTER/log/droverd-node1.log"
assert_eq "down" "$(sinfo -h -N -o %t | tr -d '*')" "node state with a wrong clock"
assert_contains "$(sinfo -h -N -o '%E')" "Clock skew of +600 s"
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "node node1: refused: its clock is off by 600 s"
# Clock fixed: the node comes back by itself (return_to_service 1).
skewed=$(cat "$CLUSTER/run/droverd-node1.pid")
kill "$skewed"
wait_until 10 bash -c "! kill -0 $skewed"  # else drover up sees it still alive and starts none
cluster_up 1
wait_until 10 bash -c '[ "$(sinfo -h -o %t)" = idle ]'
pass
