# A storm of submissions from several concurrent submitters while the
# controller is killed with -9 several times and restarted: every id sbatch
# printed names exactly one job, no job exists that no submitter got an id
# for (a refused submission leaves nothing behind), and every job runs to
# completion exactly once.
source "$(dirname "$0")/lib.sh"
SUBMITTERS=${STORM_SUBMITTERS:-4}
PER_SUBMITTER=${STORM_PER_SUBMITTER:-250}
KILLS=${STORM_KILLS:-3}
SEED=${STORM_SEED:-$((($$ ^ $(date +%s)) % 32768))}
RANDOM=$SEED
# sbatch's retry window after a request that got no reply (its default);
# STORM_SBATCH_RETRY_S=0 shows what this test catches without the retries.
export SBATCH_RETRY_S=${STORM_SBATCH_RETRY_S:-60}
echo "test_submit_storm: seed $SEED ($SUBMITTERS submitters x $PER_SUBMITTER, $KILLS controller kills)"
REFUSED_MSG="sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)"
start_s=$SECONDS

cluster_up 3
cd "$WORK"

# One line per attempt: "ok ID" or "fail rc=N <stderr>".
submitter() {
  local n=$1 i id rc
  for ((i = 1; i <= PER_SUBMITTER; i++)); do
    if id=$(sbatch --parsable -o /dev/null --wrap=true 2>"$WORK/err-$n"); then
      echo "ok $id"
    else
      rc=$?
      echo "fail rc=$rc $(tr '\n' ' ' <"$WORK/err-$n")"
      # A refusal takes milliseconds: paced, the attempts last past the
      # controller's downtime instead of being spent in it.
      sleep 0.05
    fi
  done >"$WORK/sub-$n.log"
  echo finished >"$WORK/sub-$n.done"
}
acked() { cat "$WORK"/sub-*.log 2>/dev/null | grep -c '^ok' || true; }
acked_at_least() { [ "$(acked)" -ge "$1" ]; }
# A random pause of 0.00..0.(max-1)9 s: when to strike, not a wait for a condition.
jitter() { sleep "0.$((RANDOM % $1))$((RANDOM % 10))"; }

sub_pids=()
for n in $(seq 1 "$SUBMITTERS"); do
  submitter "$n" &
  sub_pids+=($!)
done

# The controller is killed at a random point of the storm, then again each
# time a fraction of a second after its successor answers (often while the
# agents are still registering again). drover up restarts it; it waits for
# the whole cluster in the background, so as not to delay the next kill.
total=$((SUBMITTERS * PER_SUBMITTER))
# Dead: no such process, or a zombie (its parent may be a drover up still waiting).
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" == Z ]; }
# A new controller (not the one killed, $1) answers.
restarted() { [ "$(cat "$CLUSTER/run/droverctld.pid")" != "$1" ] && squeue -h -o %i >/dev/null 2>&1; }
wait_until 60 acked_at_least $((total * (10 + RANDOM % 40) / 100))
up_pids=()
for k in $(seq 1 "$KILLS"); do
  jitter 8
  pid=$(cat "$CLUSTER/run/droverctld.pid")
  kill -9 "$pid"
  wait_until 10 gone "$pid"
  at=$(acked)
  [ "$at" -lt "$total" ] || fail "kill $k came after the storm was over; it tested nothing"
  echo "test_submit_storm: kill $k of the controller (pid $pid) after $at acknowledged submissions"
  jitter 4 # the controller stays down a moment: some attempts are refused
  drover up --dir "$CLUSTER" --nodes 3 >/dev/null 2>>"$WORK/up.log" &
  up_pids+=($!)
  wait_until 20 restarted "$pid"
done
for p in "${up_pids[@]}"; do wait "$p" || fail "a drover up after a kill failed: $(cat "$WORK/up.log")"; done

all_submitters_done() { [ "$(ls "$WORK"/sub-*.done 2>/dev/null | wc -l)" -eq "$SUBMITTERS" ]; }
wait_until 150 all_submitters_done
for p in "${sub_pids[@]}"; do wait "$p" || fail "submitter $p failed"; done
storm_s=$((SECONDS - start_s))
cluster_up 3 # the controller is up (and would be restarted if it had died)

CTLD_LOG="$CLUSTER/log/droverctld.log"
assert_eq $((KILLS + 1)) "$(grep -c 'controller started' "$CTLD_LOG")" "controller starts"

cat "$WORK"/sub-*.log >"$WORK/attempts"
attempts=$(wc -l <"$WORK/attempts")
assert_eq "$total" "$attempts" "recorded attempts"
export LC_ALL=C # comm needs both id lists in one byte order
grep '^ok ' "$WORK/attempts" | cut -d' ' -f2 | sort >"$WORK/printed"
acknowledged=$(wc -l <"$WORK/printed")
refused=$(grep -cxF "fail rc=1 $REFUSED_MSG " "$WORK/attempts" || true)
if grep '^fail' "$WORK/attempts" | grep -qvxF "fail rc=1 $REFUSED_MSG "; then
  fail "submissions failed otherwise than refused before sending:"$'\n'"$(sort "$WORK/attempts" | uniq -c | grep -v ' ok ' | head)"
fi
assert_eq "$attempts" $((acknowledged + refused)) "attempts = acknowledged + refused"
grep -vxE '[0-9]+' "$WORK/printed" && fail "sbatch --parsable printed something else than a job id"
[ "$refused" -gt 0 ] || echo "test_submit_storm: note: no attempt was refused in this run"

# (b) no id was printed twice.
dups=$(uniq -d "$WORK/printed")
[ -z "$dups" ] || fail "job ids printed to more than one submission: $(echo $dups)"

# (a) + (c) the jobs the controller knows are exactly the printed ones.
squeue -h -t all -o %i | sort >"$WORK/known"
found=$(comm -12 "$WORK/printed" "$WORK/known" | wc -l)
missing=$(comm -23 "$WORK/printed" "$WORK/known")
[ -z "$missing" ] || fail "acknowledged jobs missing after the restarts: $(echo $missing)"
extra=$(comm -13 "$WORK/printed" "$WORK/known")
if [ -n "$extra" ]; then
  for id in $extra; do grep -E "job $id( |:|\.)" "$CTLD_LOG" >&2 || true; done
  fail "jobs exist that no submitter got an id for: $(echo $extra)"
fi

# (d) everything completes, and each job ran exactly once.
all_completed() { [ "$(squeue -h -t all -o %T | sort -u)" == "COMPLETED" ]; }
wait_until 90 all_completed
completed=$(squeue -h -t all -o %T | grep -c '^COMPLETED$' || true)
assert_eq "$acknowledged" "$completed" "completed jobs"
# Runs: the agents (never killed here) log each launch of a job once.
cat "$CLUSTER"/log/droverd-*.log | grep -o 'job [0-9]*: started under supervisor' |
  awk '{sub(":", "", $2); print $2}' | sort -n | uniq -c | awk '{print $2, $1}' >"$WORK/started"
# Completions: the controller logs "job N ended on nodeX" once the job's
# final state is committed. A kill -9 between that commit and the log line
# leaves no line; the agent, never acknowledged, then reports again and the
# next controller, finding the job already finished, logs "job N.R: stale
# completion report" instead. So a job ran exactly once when the agents
# launched it once and the controller logged exactly one of the two.
{ grep -o 'job [0-9]* ended on' "$CTLD_LOG" || true; } | awk '{print $2}' | sort -n | uniq -c | awk '{print $2, $1}' >"$WORK/ended"
{ grep -o 'job [0-9]*\.[0-9]*: stale completion report' "$CTLD_LOG" || true; } | awk '{split($2, a, "."); print a[1]}' |
  sort -n | uniq >"$WORK/stale"
awk 'FILENAME == ARGV[1] { started[$1] = $2; next }
     FILENAME == ARGV[2] { ended[$1] = $2; next }
     FILENAME == ARGV[3] { stale[$1] = 1; next }
     { n = ended[$1] + 0
       if (started[$1] != 1 || n > 1 || (n == 0 && !($1 in stale))) print $1, n, started[$1] + 0, "bad"
       else if (n == 0) print $1, n, started[$1], "repeated" }' \
  "$WORK/started" "$WORK/ended" "$WORK/stale" "$WORK/printed" >"$WORK/not-once"
repeated=$(grep -c ' repeated$' "$WORK/not-once" || true)
bad=$(grep -c ' bad$' "$WORK/not-once" || true)
once=$((acknowledged - bad))
if [ "$bad" -gt 0 ]; then
  grep ' bad$' "$WORK/not-once" | head -n 10 | while read -r id e s _; do
    echo "  job $id: $e 'ended on' lines in the controller log, launched $s times by the agents" >&2
    grep -E "job $id( |:|\.)" "$CTLD_LOG" "$CLUSTER"/log/droverd-*.log >&2 || true
  done
  fail "$bad jobs did not run exactly once"
fi

echo "test_submit_storm: attempts $attempts, acknowledged $acknowledged, refused $refused," \
  "found after restarts $found, completed $completed, ran exactly once $once" \
  "(retried submissions answered with their existing job: $(grep -c 'submission retried' "$CTLD_LOG" || true);" \
  "completions re-reported to a restarted controller: $repeated)" \
  "(storm ${storm_s}s, total $((SECONDS - start_s))s)"
pass
