# Slow-loris frames and a flood of idle connections are dropped by the
# controller's deadlines without blocking anyone else or growing without
# bound; the controller logs them once per interval, not once each.
source "$(dirname "$0")/lib.sh"
cluster_up 1
drover down --dir "$CLUSTER" >/dev/null 2>&1
cat >> "$DROVER_CONF" <<'YAML'
client_idle_timeout_s: 2
frame_timeout_s: 2
max_connections: 1500
YAML
cluster_up 1
ulimit -n 4096 2>/dev/null || true
rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$(cat "$CLUSTER/run/droverctld.pid")/status")
out=$(wire_probe "$DROVER_CONF" --slow-peers 2000) || fail "wire_probe: $out"
echo "$out"
assert_contains "$out" "opened 2000 idle connections"
rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$(cat "$CLUSTER/run/droverctld.pid")/status")
echo "controller RSS: ${rss_before} kB before, ${rss_after} kB after 2000 connections"
[ $((rss_after - rss_before)) -lt 65536 ] || fail "controller grew by $((rss_after - rss_before)) kB"
log=$(cat "$CLUSTER/log/droverctld.log")
assert_contains "$log" "closed the oldest client connection: 1500 open (max_connections)"
[ "$(grep -c "closed the oldest client" "$CLUSTER/log/droverctld.log")" -le 2 ] || fail "evictions not rate-limited"
assert_eq idle "$(sinfo -h -o %t)" "node still there"
pass
