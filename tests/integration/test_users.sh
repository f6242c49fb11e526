# Users are themselves: a user who cannot read the cluster key gets
# credentials from the local daemon (uid from SO_PEERCRED), jobs run as
# their submitter, and nobody may cancel another user's job.
source "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP ($TEST_NAME): needs root to act as a second user"
  exit 0
fi
getent passwd nobody >/dev/null || fail "no 'nobody' user on this machine"
cluster_up 2
cd "$WORK"

# The key stays root's (0400); the config and the agents' sockets are open.
chmod 755 "$CLUSTER" "$CLUSTER/run"
sed "/^auth:/s#socket: [^}]*#socket: $CLUSTER/run/node1.sock#" "$DROVER_CONF" > client.yaml
chmod 644 client.yaml
as_nobody() { DROVER_CONF="$WORK/client.yaml" setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }
as_nobody test -r "$CLUSTER/drover.key" && fail "nobody can read the key"

mkdir -m 777 shared
root_job=$(sbatch --parsable -H --wrap=true)
out=$(cd shared && as_nobody sbatch --wrap='id -u; id -un; touch mine') || fail "sbatch as nobody: $out"
[[ "$out" =~ ^Submitted\ batch\ job\ ([0-9]+)$ ]] || fail "sbatch said: $out"
id=${BASH_REMATCH[1]}
wait_until 20 job_done "$id"
assert_eq COMPLETED "$(job_state "$id")"
assert_eq "$(id -u nobody)
nobody" "$(cat "shared/slurm-$id.out")" "identity inside the job"
assert_eq nobody "$(stat -c %U shared/mine)" "owner of a file the job wrote"
assert_eq nobody "$(squeue -h -t all -j "$id" -o %u)" "squeue user"
# The job's spool: its user's and the daemons', nobody else's.
assert_eq "nobody 700" "$(stat -c '%U %a' "$CLUSTER/spool/$id")" "spool directory of nobody's job"
as_nobody test -r "$CLUSTER/spool/$id/script" || fail "nobody cannot read its own job script"
as_nobody test -r "$CLUSTER/spool/$root_job/script" && fail "nobody can read root's job script"
assert_contains "$(as_nobody squeue -h -t all -o '%i %u')" "$id nobody"

# Output paths are opened as the job's user: nobody cannot make the agent
# (root) write where nobody may not.
evil=$(cd shared && as_nobody sbatch --parsable -o /root/drover-evil-$$.out -D /root --wrap=true)
wait_until 20 job_done "$evil"
assert_eq FAILED "$(job_state "$evil")" "job writing to /root as nobody"
[ ! -e "/root/drover-evil-$$.out" ] || fail "a job of nobody wrote into /root"
assert_contains "$(cat "$CLUSTER"/log/droverctld.log)" "job $evil failed to launch on node1: cannot open output file /root/drover-evil-$$.out"

# A user who swaps their spooled script for a symlink to a root-only file
# gets a launch failure, not the file. The spool is written at the first
# launch, so the swap happens while the job runs and bites when it is
# requeued and launched again.
sneaky=$(cd shared && as_nobody sbatch --parsable --wrap='sleep 300')
wait_until 20 bash -c "[ \"\$(squeue -h -j $sneaky -o %T)\" = RUNNING ]"
as_nobody ln -sf /etc/shadow "$CLUSTER/spool/$sneaky/script.new"
as_nobody mv -f "$CLUSTER/spool/$sneaky/script.new" "$CLUSTER/spool/$sneaky/script"
scontrol requeue "$sneaky"
wait_until 30 job_done "$sneaky"
assert_eq FAILED "$(job_state "$sneaky")" "job whose script became a symlink"
assert_contains "$(cat "$CLUSTER"/log/droverctld.log)" "job $sneaky failed to launch"
grep -q "root:" "shared/slurm-$sneaky.out" 2>/dev/null && fail "the job's output holds /etc/shadow"

# nobody may not cancel root's job; root may cancel anyone's.
rc=0; out=$(as_nobody scancel "$root_job" 2>&1) || rc=$?
assert_eq 210 "$rc" "scancel exit code for another user's job"
assert_eq "scancel: error: Kill job error on job id $root_job: Access/permission denied" "$out"
assert_eq PENDING "$(job_state "$root_job")"
# Node updates are for admins; holds and releases for owners and admins.
rc=0; out=$(as_nobody scontrol update NodeName=node1 State=DRAIN Reason=mine 2>&1) || rc=$?
assert_eq 1 "$rc" "scontrol update by nobody"
assert_eq "slurm_update error: Access/permission denied" "$out"
assert_eq idle "$(sinfo -h -N -o %t | sort -u | head -n 1)" "nodes after a refused update"
rc=0; out=$(as_nobody scontrol release "$root_job" 2>&1) || rc=$?
assert_eq 1 "$rc" "scontrol release of root's job by nobody"
assert_eq "Access/permission denied for job $root_job" "$out"

held=$(cd shared && as_nobody sbatch --parsable -H --wrap=true)
scancel "$held"
assert_eq CANCELLED "$(job_state "$held")"

# Two users made for this test: jobs get their supplementary groups, and
# an admin group (admin_groups in the config) may act on anyone's jobs.
command -v useradd >/dev/null || { echo "SKIP ($TEST_NAME): no useradd for the two-user part"; pass; exit 0; }
sfx=$$
ua=drva$sfx ub=drvb$sfx lab=drvlab$sfx ops=drvops$sfx
remove_users() { userdel "$ua" 2>/dev/null; userdel "$ub" 2>/dev/null; groupdel "$lab" 2>/dev/null; groupdel "$ops" 2>/dev/null; true; }
# Daemons and jobs stop first, so the users have no processes left.
trap 'rc=$?; set +e; drover down --dir "$CLUSTER" >/dev/null 2>&1; remove_users; (exit $rc); cleanup' EXIT
groupadd "$lab"; groupadd "$ops"
useradd -M -N -s /bin/sh -G "$lab" "$ua"
useradd -M -N -s /bin/sh -G "$ops" "$ub"
as_user() { local u=$1; shift; DROVER_CONF="$WORK/client.yaml" setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"; }
a_job=$(cd shared && as_user "$ua" sbatch --parsable --wrap='id -Gn; while [ ! -e release-a ]; do sleep 0.05; done')
wait_until 20 bash -c "[ \"\$(squeue -h -j $a_job -o %t)\" = R ]"
wait_until 10 grep -q . "shared/slurm-$a_job.out"
assert_contains "$(cat "shared/slurm-$a_job.out")" "$lab" "supplementary groups inside the job"
assert_eq "$ua" "$(stat -c %U "shared/slurm-$a_job.out")" "owner of the output file"
rc=0; out=$(as_user "$ub" scancel "$a_job" 2>&1) || rc=$?
assert_eq 210 "$rc" "another user's scancel"
assert_eq RUNNING "$(job_state "$a_job")"
# Make $ops an admin group (the controller restarts; the job runs on).
ctld=$(cat "$CLUSTER/run/droverctld.pid")
kill "$ctld"
wait_until 10 bash -c "! kill -0 $ctld"
echo "admin_groups: [$ops]" >> "$DROVER_CONF"
cluster_up 2
chmod 755 "$CLUSTER" "$CLUSTER/run"
as_user "$ub" scancel "$a_job" || fail "an admin group member could not cancel"
wait_until 20 bash -c "[ \"\$(squeue -h -t all -j $a_job -o %T)\" = CANCELLED ]"
pass
