# The controller's /metrics endpoint (issue 5 item 6): Prometheus text
# format, counters and gauges that move as jobs are submitted, run and end,
# and an HTTP server that answers malformed or unsupported requests with
# 400/404/405/431 and keeps serving, even with a silent client connected.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }
cluster_up 2
cd "$WORK"

port=$(sed -n 's/^metrics: {port: \([0-9]*\),.*/\1/p' "$DROVER_CONF")
[ -n "$port" ] || fail "drover up wrote no metrics port into $DROVER_CONF"
url="http://127.0.0.1:$port"
scrape() { curl -sf --max-time 5 "$url/metrics"; }
# value SERIES: the sample of exactly this series (name and labels as printed), or 0 when absent.
value() { scrape | awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }'; }
at_least() { [ "$(value "$1")" -ge "$2" ]; }
equals() { [ "$(value "$1")" == "$2" ]; }

# The text format: promtool when it is installed, else the same checks by hand.
check_format() {
  scrape > metrics.txt || fail "scrape failed"
  if command -v promtool >/dev/null; then
    promtool check metrics < metrics.txt || fail "promtool check metrics failed: $(cat metrics.txt)"
  fi
  local bad
  bad=$(grep -vE '^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$|^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? ([-+]?[0-9.e+-]+|[-+]Inf|NaN)$' metrics.txt || true)
  [ -z "$bad" ] || fail "lines not in exposition format: $bad"
  # Every sample's family has a TYPE line before it.
  awk '/^# TYPE/ { typed[$3] = 1; next } /^#/ { next }
       { n = $1; sub(/\{.*/, "", n); b = n; sub(/_(bucket|sum|count)$/, "", b)
         if (!typed[n] && !typed[b]) { print "untyped: " $0; bad = 1 } }
       END { exit bad }' metrics.txt || fail "samples without a TYPE"
}

wait_until 10 scrape
check_format
body=$(scrape)
for family in drover_jobs drover_jobs_pending drover_job_submissions_total drover_job_completions_total \
              drover_nodes drover_node_cpus drover_node_cpus_allocated drover_node_memory_bytes \
              drover_node_memory_allocated_bytes drover_node_clock_skew_seconds drover_schedule_pass_seconds \
              drover_rpc_requests_total drover_rpc_duration_seconds drover_store_commit_writes \
              drover_store_sync_seconds; do
  assert_contains "$body" "# TYPE $family " "families"
done
assert_eq 0 "$(value 'drover_job_submissions_total{partition="picluster"}')" "submissions before any"
assert_eq 4 "$(value 'drover_node_cpus{node="node1"}')" "node1's CPUs"
assert_eq 2 "$(value 'drover_nodes{state="idle"}')" "idle nodes"
wait_until 10 at_least 'drover_rpc_requests_total{type="hello"}' 2

# Activity: three short jobs, one long one, one held.
for i in 1 2 3; do sbatch --parsable -J short$i --wrap=true >/dev/null; done
wait_until 30 equals 'drover_job_completions_total{partition="picluster",state="COMPLETED"}' 3
# Submitted once the short ones are done, so that it lands on node1 (weight 1) and leaves 2 of its 4 CPUs free.
long=$(sbatch --parsable -J long -c 2 --wrap='sleep 60')
held=$(sbatch --parsable -H -J held --wrap=true)
wait_until 10 equals 'drover_job_submissions_total{partition="picluster"}' 5
wait_until 10 equals 'drover_jobs{state="RUNNING",partition="picluster"}' 1
assert_eq 3 "$(value 'drover_jobs{state="COMPLETED",partition="picluster"}')" "completed jobs in memory"
assert_eq 1 "$(value 'drover_jobs_pending{partition="picluster",reason="JobHeldUser"}')" "held job's reason"
assert_eq 1 "$(value 'drover_jobs{state="PENDING",partition="picluster"}')" "pending jobs"
# The long job's 2 CPUs are on one node: allocation shows in the node gauges.
cpus=$(scrape | awk '/^drover_node_cpus_allocated/ { s += $2 } END { print s }')
assert_eq 2 "$cpus" "allocated CPUs over all nodes"
assert_eq 1 "$(value 'drover_nodes{state="mix"}')" "nodes partly allocated"
at_least 'drover_rpc_requests_total{type="submit"}' 5 || fail "submit RPCs not counted"
at_least 'drover_rpc_duration_seconds_count{type="submit"}' 5 || fail "submit latencies not observed"
at_least 'drover_store_commit_writes_count' 5 || fail "group commits not observed"
at_least 'drover_store_sync_seconds_count' 5 || fail "syncs not observed"
at_least 'drover_schedule_pass_seconds_count' 2 || fail "scheduling passes not observed"
check_format

scancel "$long" "$held"
wait_until 30 equals 'drover_job_completions_total{partition="picluster",state="CANCELLED"}' 2
wait_until 30 equals 'drover_jobs{state="RUNNING",partition="picluster"}' 0
assert_eq 0 "$(value 'drover_jobs{state="PENDING",partition="picluster"}')" "pending after scancel"

# HTTP edge cases: raw requests over bash's /dev/tcp.
raw() {  # raw REQUEST: prints the status line of the answer
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%b' "$1" >&3
  local line
  IFS= read -r -t 5 line <&3 || true
  exec 3<&- 3>&-
  printf '%s' "${line%$'\r'}"
}
# A silent client holds a connection open the whole time; others are served.
exec 4<>"/dev/tcp/127.0.0.1/$port"
assert_eq "HTTP/1.1 400 Bad Request" "$(raw 'GARBAGE\r\n\r\n')" "garbage"
assert_eq "HTTP/1.1 400 Bad Request" "$(raw 'GET / HTTP/1.1\r\n\r\n')" "HTTP/1.1 without Host"
assert_eq "HTTP/1.1 400 Bad Request" "$(raw 'GET / HTTP/1.1\r\nHost : x\r\n\r\n')" "space before a colon"
assert_eq "HTTP/1.1 505 HTTP Version Not Supported" "$(raw 'GET / HTTP/2.0\r\nHost: x\r\n\r\n')" "HTTP/2.0"
assert_eq "HTTP/1.1 405 Method Not Allowed" "$(raw 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi')" "POST"
assert_eq "HTTP/1.1 404 Not Found" "$(raw 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n')" "unknown path"
big=$(head -c 9000 /dev/zero | tr '\0' 'a')
assert_eq "HTTP/1.1 431 Request Header Fields Too Large" "$(raw "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\n")" "huge header"
assert_eq "HTTP/1.1 200 OK" "$(raw 'GET /metrics HTTP/1.0\r\n\r\n')" "HTTP/1.0 GET"
head_reply=$(curl -sI --max-time 5 "$url/metrics") || fail "HEAD failed"
assert_contains "$head_reply" "Content-Type: text/plain; version=0.0.4"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'HEAD / HTTP/1.0\r\n\r\n' >&3
whole=$(timeout 5 cat <&3) || true
exec 3<&- 3>&-
assert_contains "$whole" "Content-Type: text/html" "HEAD /"
[[ "$whole" != *"<!DOCTYPE"* ]] || fail "HEAD answered with a body"
assert_eq 405 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X DELETE "$url/")" "DELETE"
exec 4<&- 4>&-
# The controller is unharmed: it scrapes, counts the bad requests, and schedules.
at_least 'drover_http_responses_total{code="400"}' 3 || fail "400s not counted"
at_least 'drover_http_responses_total{code="431"}' 1 || fail "431 not counted"
id=$(sbatch --parsable --wrap=true)
wait_until 20 job_done "$id"
wait_until 10 equals 'drover_job_completions_total{partition="picluster",state="COMPLETED"}' 4
check_format
pass
