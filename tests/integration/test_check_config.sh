# drover check-config: a drover up cluster passes; a deliberately wrong copy
# of its config is refused with one line per problem, naming each.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"
CONF="$CLUSTER/drover.yaml"

out=$(drover check-config) || fail "check-config of drover up's own config: $out"
assert_contains "$out" "node1: clock skew "
assert_contains "$out" "node2: clock skew "
[[ "$out" =~ CPU\ speed\ [1-9] ]] || fail "no CPU speed in: $out"
assert_contains "$out" "$CONF: cluster picluster, 2 nodes, 1 partitions: OK"

# Wrong: node2 claims far more memory than any machine here has and sizes
# are not overridden; a node that is neither resolvable nor registered; a
# misspelt key.
sed -e 's/^config_overrides: true.*$/config_overrides: false/' \
    -e 's/^\(  - {names: "node\[2-2\]", cpus: 2, memory_mb: \)1024/\199999999/' \
    -e 's/^kill_wait: 5$/kill_wiat: 5/' "$CONF" > wrong.yaml
sed -i 's/^\(  - {names: "node\[2-2\]".*\)$/\1\n  - {names: ghost-node-x9, cpus: 1, memory_mb: 100}/' wrong.yaml
rc=0; out=$(drover check-config -c wrong.yaml) || rc=$?
assert_eq 1 "$rc" "exit status of check-config with problems"
assert_contains "$out" "problem: node node2: registered with "
assert_contains "$out" " MB of memory, config says 99999999 MB"
assert_contains "$out" "problem: unknown key kill_wiat (line "
assert_contains "$out" "problem: node ghost-node-x9: name does not resolve: "
assert_contains "$out" "problem: node ghost-node-x9: not known to the running controller: run scontrol reconfigure to add it"
assert_contains "$out" "wrong.yaml: "
[[ "$out" =~ wrong.yaml:\ [0-9]+\ problems ]] || fail "no problem count in: $out"

# A file that does not load: one problem, the loader's message.
printf 'cluster: x\nnodes: 5\n' > broken.yaml
rc=0; out=$(drover check-config -c broken.yaml) || rc=$?
assert_eq 1 "$rc"
assert_contains "$out" "problem: broken.yaml: line 2: nodes: expected a list"

# With the controller stopped, the file is still checked, and check-config says what it could not do.
kill "$(cat "$CLUSTER/run/droverctld.pid")"
wait_until 20 sh -c "! kill -0 $(cat "$CLUSTER/run/droverctld.pid")"
out=$(drover check-config) || fail "check-config with the controller down: $out"
assert_contains "$out" "note: controller 127.0.0.1:"
assert_contains "$out" "not reachable"
pass
