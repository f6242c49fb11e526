# squeue and sinfo on a real cluster, in the forms client tools send:
# batchtools' compact state lists with -r, OOD's -O with control-character
# suffixes, Toil 9's sinfo query, rslurm's empty-queue header; -w, -S, -l,
# --start, -i, --json; sinfo -N -l, -s, -R, -e.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"
export USER=${USER:-$(id -un)}
us=$'\x1f'

# An empty queue still prints the header (rslurm's read.table needs it); -h prints nothing.
assert_eq "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)" "$(squeue)" \
  "empty queue"
assert_eq "" "$(squeue -h)" "empty queue without header"

# Snakemake's default-partition guess and Toil 9's partition query: single spaces, 6 fields.
assert_eq "PARTITION
picluster*" "$(sinfo -o %P)" "sinfo -o %P"
out=$(sinfo -a -o "%P %G %l %p %c %m")
assert_eq "PARTITION GRES TIMELIMIT PRIO_TIER CPUS MEMORY
picluster* (null) 1-00:00:00 1 2+ 1024" "$out" "Toil's sinfo query"
assert_eq 6 "$(sed -n 2p <<<"$out" | tr ' ' '\n' | wc -l)" "Toil splits into 6 fields"

run=$(sbatch --parsable -J sq-run -t 30 --wrap='touch running; sleep 300')
held=$(sbatch --parsable -H -J sq-held --wrap=true)
arr=$(sbatch --parsable -H -J sq-arr -a 0-3%2 --wrap=true)
wait_until 20 test -e running
node=$(squeue -h -j "$run" -o %N)

# batchtools: queued and running lists, compact codes, one line per array task.
queued=$(squeue --user="$USER" --states=PD,CF,RF,RH,RQ,SE --noheader --format=%i -r)
assert_eq "$held ${arr}_0 ${arr}_1 ${arr}_2 ${arr}_3" "$(echo $(sort -V <<<"$queued"))" "batchtools queued list"
assert_eq "$run" "$(squeue --user="$USER" --states=R,S,CG,RS,SI,SO,ST --noheader --format=%i -r)" \
  "batchtools running list"
assert_eq "${arr}_[0-3%2]" "$(squeue -h -t pd -n SQ-Arr -o %i)" "pending array collapsed without -r; -n ignores case"

# OOD: every field followed by \x1f, trailing comma; the header ends with \x1f too.
out=$(squeue --all --states=all --noconvert -O "JobID:$us,StateCompact:$us,Name:$us,Partition:$us,Account:$us," -j "$run")
assert_eq "JOBID${us}ST${us}NAME${us}PARTITION${us}ACCOUNT${us}
$run${us}R${us}sq-run${us}picluster${us}(null)${us}" "$out" "OOD -O with \\x1f suffixes"
assert_eq "$(printf '%-20s%-20s' JOBID STATE)" "$(squeue -O JobID,State -j "$run" | head -n 1)" "-O default width 20"
assert_eq "$(printf '%8s|%s' "$run" RUNNING)" "$(squeue -h -O 'jobid:.8|,state:' -j "$run")" "-O right-justified"

assert_eq "Usage: squeue [-A account] [--clusters names] [-i seconds] [--job jobid]" "$(squeue --usage | head -n 1)" \
  "--usage"

# Bad input: Slurm's words, exit 1.
if squeue -t bogus >/dev/null 2>err; then fail "bad state accepted"; fi
assert_contains "$(cat err)" "squeue: error: Invalid job state specified: bogus" "bad state"
assert_contains "$(cat err)" "squeue: error: Valid job states include: PENDING,RUNNING,SUSPENDED," "state list"
if squeue -O JobID,Bogus >/dev/null 2>err; then fail "bad -O field accepted"; fi
assert_eq "squeue: error: Invalid job format specification: Bogus" "$(cat err)" "bad -O field"
if squeue -S i,@ >/dev/null 2>err; then fail "bad sort key accepted"; fi
assert_eq "squeue: error: Invalid sort specification: @" "$(cat err)" "bad sort key"
if squeue -i 0 >/dev/null 2>err; then fail "-i 0 accepted"; fi
assert_eq "squeue: error: --iterate=0" "$(cat err)" "bad iterate"

# -w, -S, -A, --me, -t all.
assert_eq "$run" "$(squeue -h -w "$node" -o %i)" "-w the node the job runs on"
other=$(sinfo -h -N -o %N | grep -vx "$node")
assert_eq "" "$(squeue -h -w "$other" -o %i)" "-w another node"
assert_eq "$arr $held $run" "$(echo $(squeue -h -S -i -o %A))" "-S -i"
assert_eq "$run $held $arr" "$(echo $(squeue -h -S i -o %A))" "-S i"
assert_eq "" "$(squeue -h -A physics -o %i)" "-A, no job has that account"
assert_eq 3 "$(squeue -h --me -o %i | wc -l)" "--me"
assert_eq "(null)|(null)|(null)|30:00|job_$run" "$(squeue -h -j "$run" -o '%k|%a|%E|%.4l|job_%A')" "codes and literal text"

# -l: a date line, then the long header.
out=$(squeue -l -j "$held")
[[ "$(sed -n 1p <<<"$out")" =~ ^[A-Z][a-z]{2}\ [A-Z][a-z]{2}\ [0-9]{2}\ [0-9:]{8}\ [0-9]{4}$ ]] || fail "-l date line: $out"
assert_eq "             JOBID PARTITION     NAME     USER    STATE       TIME TIME_LIMI  NODES NODELIST(REASON)" \
  "$(sed -n 2p <<<"$out")" "-l header"
assert_eq "" "$(squeue -l -h -j "$held" | grep -v "^ *$held ")" "-l -h has no date line"

# -s: running steps, the batch script as ID.batch.
assert_eq "         STEPID     NAME PARTITION     USER      TIME NODELIST" "$(squeue -s | head -n 1)" "-s header"
assert_eq "$run.batch batch $node" "$(squeue -h -s -o '%i %j %N')" "-s lists the batch step"
assert_eq "$run.batch" "$(squeue -h -s "$run.batch" -o %i)" "-s with a step list"
assert_eq "" "$(squeue -h -s "$run.0" -o %i)" "-s with a step that does not exist"

# --start: pending jobs only, sorted by start time, Slurm's layout.
out=$(squeue --start)
assert_eq "             JOBID PARTITION     NAME     USER ST          START_TIME  NODES SCHEDNODES           NODELIST(REASON)" \
  "$(sed -n 1p <<<"$out")" "--start header"
assert_eq 3 "$(wc -l <<<"$out")" "--start lists the two pending records"

# --json: Slurm's top-level keys and one object per job.
out=$(squeue --json)
assert_contains "$out" '"meta": {' "squeue --json meta"
assert_contains "$out" '"errors": [],' "squeue --json errors"
assert_contains "$out" "\"job_id\": $run," "squeue --json running job"
assert_contains "$out" '"job_state": "RUNNING",' "squeue --json state"
assert_eq 3 "$(grep -c '"job_id": ' <<<"$out")" "squeue --json job count"

# -i: a dated report every period, until stopped.
squeue -i 1 -o %i >iterate.out 2>&1 &
iter=$!
two_reports() { [ "$(grep -c '^JOBID$' iterate.out)" -ge 2 ]; }
wait_until 10 two_reports
kill "$iter"
wait "$iter" 2>/dev/null || true
assert_contains "$(cat iterate.out)" "$run" "-i lists jobs"

# sinfo views.
out=$(sinfo -N -l)
assert_eq "NODELIST   NODES  PARTITION       STATE CPUS    S:C:T MEMORY TMP_DISK WEIGHT AVAIL_FE REASON              " \
  "$(sed -n 2p <<<"$out")" "sinfo -N -l header"
assert_contains "$(sed -n 3p <<<"$out")" "node1          1 picluster* " "sinfo -N -l first node"
assert_eq "PARTITION  AVAIL  TIMELIMIT   NODES(A/I/O/T)  NODELIST
picluster*    up 1-00:00:00          1/1/0/2  node[1-2]" "$(sinfo -s)" "sinfo -s"
assert_eq "2 node2
4 node1" "$(sinfo -h -e -o '%c %N' | sort)" "sinfo -e splits by CPUs"
assert_eq "4 node1" "$(sinfo -h -e -n node1 -o '%c %N')" "sinfo -n"
assert_eq "node2 node1" "$(echo $(sinfo -h -N -S -N -o %N))" "sinfo -S -N (descending names)"
assert_eq "REASON               USER      TIMESTAMP           NODELIST" "$(sinfo -R)" "sinfo -R, nothing down"
scontrol update NodeName="$other" State=DRAIN Reason="fan broken"
assert_eq "fan broken           Unknown   Unknown             $other" "$(sinfo -h -R)" "sinfo -R, one node drained"
scontrol update NodeName="$other" State=RESUME
out=$(sinfo --json)
assert_contains "$out" '"nodes": [' "sinfo --json nodes"
assert_contains "$out" '"name": "picluster",' "sinfo --json partition"
if sinfo -t bogus >/dev/null 2>err; then fail "bad sinfo state accepted"; fi
assert_eq 'sinfo: error: Bad state string: "bogus"' "$(cat err)" "sinfo bad state"

scancel "$run" "$held" "$arr"
wait_until 20 job_done "$run"
assert_eq "" "$(squeue -h)" "queue empty again"
pass
