# squeue asks the controller for the listing columns its format reads: the
# controller fills those only, still fills every column for a request that
# names none (an older squeue), and squeue prints the same either way.
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"
mkdir -p "$WORK/sub dir"
for n in 1 2 3; do sbatch --parsable -H -J "job$n" -D "$WORK/sub dir" --wrap=true >/dev/null; done
sbatch --parsable -H --array=1-5%2 -J arr --wrap=true >/dev/null
out=$(wire_probe "$DROVER_CONF" --listing-columns) || fail "wire_probe found a problem:
$out"
echo "$out"
# Formats whose columns differ: each line shows what only its columns hold.
assert_eq 4 "$(squeue -h -o '%j %T' | grep -c PENDING)" "names and states"
assert_eq 3 "$(squeue -h -o %Z | grep -cxF "$WORK/sub dir")" "work dirs"
assert_contains "$(squeue -h -O 'jobid:10,stdout:80')" "$WORK/sub dir/slurm-"
assert_contains "$(squeue -h -o %i)" "_[1-5%2]"
assert_eq "1 4" "$(squeue -h -S j -o %A | head -n 2 | sort -n | tr '\n' ' ' | sed 's/ $//')" \
  "sorted by the name, not printed"
assert_eq "job3" "$(squeue -h -S -j -o %j | head -n 1)" "sorted by the name, descending"
# Filters squeue applies itself read their columns too.
assert_eq 4 "$(squeue -h -t PD -o %i | wc -l)" "state filter"
assert_eq 0 "$(squeue -h -A nosuchaccount -o %i | wc -l)" "account filter"
pass
