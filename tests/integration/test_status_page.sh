# The status page at / (issue 5 item 6), loaded from a running cluster in
# headless Chromium: it shows the queue (running and pending jobs by name,
# with their reasons), the nodes, and recently finished jobs.
# STATUS_SCREENSHOT=file.png keeps a screenshot of the page to look at.
source "$(dirname "$0")/lib.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "SKIP: chromium is not installed"; exit 77; }
cluster_up 2
cd "$WORK"

port=$(sed -n 's/^metrics: {port: \([0-9]*\),.*/\1/p' "$DROVER_CONF")
[ -n "$port" ] || fail "drover up wrote no metrics port into $DROVER_CONF"
url="http://127.0.0.1:$port/"

run=$(sbatch --parsable -J render_running -c 2 --wrap='sleep 120')
done_id=$(sbatch --parsable -J render_finished --wrap=true)
held=$(sbatch --parsable -H -J 'render_<held>' --wrap=true)
wait_until 20 bash -c "[ \"\$(squeue -h -j $run -o %T)\" == RUNNING ]"
wait_until 20 job_done "$done_id"

# Chromium as root needs --no-sandbox; its own profile directory keeps it
# away from the user's.
chrome() {
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --user-data-dir="$WORK/chromium-profile" --hide-scrollbars "$@" 2>>"$WORK/chromium.log"
}
dom=$(chrome --dump-dom "$url") || fail "chromium could not load $url: $(tail -5 "$WORK/chromium.log")"
echo "$dom" > page.html
assert_contains "$dom" "<h1>picluster</h1>" "cluster name"
assert_contains "$dom" "<td>render_running</td>" "the running job"
assert_contains "$dom" "<td>$run</td>" "the running job's id"
assert_contains "$dom" "<td>render_&lt;held&gt;</td>" "the held job, its name escaped"
assert_contains "$dom" "<td>JobHeldUser</td>" "the held job's reason"
assert_contains "$dom" "<td>render_finished</td>" "the finished job"
assert_contains "$dom" "<td>node1</td>" "node1"
assert_contains "$dom" "<td>node2</td>" "node2"
assert_contains "$dom" "MIXED" "a node running a job"
assert_contains "$dom" 'http-equiv="refresh"' "auto-refresh"
[[ "$dom" != *"<held>"* ]] || fail "a job name reached the page unescaped"

chrome --screenshot="$WORK/status.png" --window-size=1280,900 "$url" >/dev/null || fail "no screenshot"
[ -s "$WORK/status.png" ] || fail "empty screenshot"
[ -z "${STATUS_SCREENSHOT:-}" ] || cp "$WORK/status.png" "$STATUS_SCREENSHOT"
scancel "$run" "$held"
pass
