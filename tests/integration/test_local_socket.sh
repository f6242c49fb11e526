# controller.socket: commands on the controller's host reach it through its
# Unix socket, fall back to TCP when the socket is not there, and fail with
# Slurm's words when neither answers. The controller replaces a socket left
# by a controller that died, leaves alone a file that is not a socket, and
# removes its socket when it stops.
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"

SOCK="$CLUSTER/run/controller.sock"
[ -S "$SOCK" ] || fail "no socket at $SOCK"
assert_eq "666" "$(stat -c %a "$SOCK")" "socket mode"
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "listening on $SOCK"

# A config whose TCP port nothing listens on: only the socket can answer.
dead_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed "s/port: [0-9]*, socket:/port: $dead_port, socket:/" "$DROVER_CONF" >socket_only.yaml
grep -q "port: $dead_port, socket: $SOCK" socket_only.yaml || fail "socket_only.yaml: $(grep controller socket_only.yaml)"
id=$(DROVER_CONF=$WORK/socket_only.yaml sbatch --parsable -H --wrap=true) || fail "sbatch through the socket failed"
assert_eq "$id" "$(DROVER_CONF=$WORK/socket_only.yaml squeue -h -o %i)" "squeue through the socket"

# No socket key, or a socket that is not there: TCP.
sed "s|, socket: $SOCK}|}|" "$DROVER_CONF" >tcp_only.yaml
sed "s|socket: $SOCK}|socket: $WORK/no-such.sock}|" "$DROVER_CONF" >missing_socket.yaml
for conf in tcp_only.yaml missing_socket.yaml; do
  assert_eq "$id" "$(DROVER_CONF=$WORK/$conf squeue -h -o %i)" "squeue over TCP with $conf"
done
# Neither: Slurm's words.
sed "s|socket: $SOCK}|socket: $WORK/no-such.sock}|" socket_only.yaml >nothing.yaml
unreachable="sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)"
out=$(DROVER_CONF=$WORK/nothing.yaml sbatch --wrap=true 2>&1) && fail "sbatch worked with nothing to reach"
assert_eq "$unreachable" "$out"
# A socket in a directory others may write to could be anyone's: commands
# do not send requests through it.
chmod 777 "$CLUSTER/run"
out=$(DROVER_CONF=$WORK/socket_only.yaml sbatch --wrap=true 2>&1) && fail "sbatch used a socket in a 777 directory"
assert_eq "$unreachable" "$out" "socket in a directory writable by others"
chmod 700 "$CLUSTER/run"

# kill -9 leaves the socket behind: commands say the controller is down,
# and the next controller takes the path over.
ctld_pid=$(cat "$CLUSTER/run/droverctld.pid")
kill -9 "$ctld_pid"
wait_until 10 bash -c "! kill -0 $ctld_pid"
[ -S "$SOCK" ] || fail "the killed controller's socket is gone (the test checks nothing)"
out=$(DROVER_CONF=$WORK/socket_only.yaml squeue 2>&1) && fail "squeue worked with the controller dead"
assert_eq "slurm_load_jobs error: Unable to contact slurm controller (connect failure)" "$out" "squeue error"
cluster_up 1
assert_eq "$id" "$(DROVER_CONF=$WORK/socket_only.yaml squeue -h -o %i)" "squeue through the new controller's socket"

# A clean stop removes the socket.
drover down --dir "$CLUSTER" >/dev/null
[ ! -e "$SOCK" ] || fail "the socket outlived a clean stop"

# Something else at the path is not the controller's to remove: it is left
# as it is, with a warning, and commands use TCP.
echo "not a socket" >"$SOCK"
cluster_up 1
wait_until 10 grep -q "controller.socket $SOCK: exists and is not a socket" "$CLUSTER/log/droverctld.log"
assert_eq "not a socket" "$(cat "$SOCK")" "the file at the socket path"
assert_eq "$id" "$(squeue -h -o %i)" "squeue over TCP beside a file that is not a socket"
drover down --dir "$CLUSTER" >/dev/null
rm "$SOCK"

# Nor is a socket another process listens on (accepting and closing).
timeout 120 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen()
while True:
    s.accept()[0].close()' "$SOCK" &
listener=$!
wait_until 10 test -S "$SOCK"
inode=$(stat -c %i "$SOCK")
# The controller alone (drover up would wait for commands that now reach
# the other process, which is what the warning says).
droverctld --config "$DROVER_CONF" >>"$CLUSTER/log/droverctld.log" 2>&1 </dev/null &
ctld=$!
wait_until 10 grep -q "controller.socket $SOCK: another process listens there" "$CLUSTER/log/droverctld.log"
assert_eq "$inode" "$(stat -c %i "$SOCK")" "the other process's socket"
kill "$ctld"
wait "$ctld" || fail "the controller did not stop cleanly"
assert_eq "$inode" "$(stat -c %i "$SOCK")" "the other process's socket after the controller stopped"
kill "$listener"
pass
