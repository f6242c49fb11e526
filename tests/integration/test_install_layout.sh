# An installed Drover works from its installed layout: `cmake --install`
# into a scratch prefix puts the CLIs in bin, the daemons in sbin and
# drover-stepd in libexec/drover; `drover up` from bin finds the daemons in
# sbin, and droverd finds drover-stepd in libexec/drover (a job runs). The
# installed units name the installed daemons.
source "$(dirname "$0")/lib.sh"
BUILD=$(cd "$DROVER_BIN/.." && pwd)
PREFIX=$WORK/prefix
cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1 || fail "cmake --install: $(tail -5 "$WORK/install.log")"
for f in bin/sbatch bin/srun bin/drover sbin/droverctld sbin/droverd libexec/drover/drover-stepd; do
  [ -x "$PREFIX/$f" ] || fail "$f is not installed"
done
for f in bin/droverctld bin/droverd bin/drover-stepd sbin/drover-stepd bin/unit_tests bin/wire_probe; do
  [ ! -e "$PREFIX/$f" ] || fail "$f should not be installed"
done
for unit in droverctld droverd; do
  grep -q "^ExecStart=$PREFIX/sbin/$unit " "$PREFIX/lib/systemd/system/$unit.service" ||
    fail "$unit.service: $(grep ^ExecStart "$PREFIX/lib/systemd/system/$unit.service")"
done
[ -f "$PREFIX/etc/drover/drover.yaml.example" ] || fail "no example config"
# A second install keeps an edited drover.yaml.
echo "# edited" >>"$PREFIX/etc/drover/drover.yaml"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null 2>&1 || fail "second cmake --install failed"
assert_eq "# edited" "$(tail -1 "$PREFIX/etc/drover/drover.yaml")" "drover.yaml after a reinstall"

# Only the installed programs from here on (cleanup's `drover down` too).
export PATH="$PREFIX/bin:/usr/bin:/bin"
cluster_up 1
cd "$WORK"
id=$(sbatch --parsable --wrap 'echo hello from $SLURMD_NODENAME')
wait_until 30 bash -c "[ \"\$(squeue -h -t all -j $id -o %T)\" == COMPLETED ]"
assert_eq "hello from node1" "$(cat "slurm-$id.out")" "job output"
for pidfile in "$CLUSTER"/run/*.pid; do
  exe=$(readlink "/proc/$(cat "$pidfile")/exe")
  [[ "$exe" == "$PREFIX/sbin/"* ]] || fail "$(basename "$pidfile") runs $exe, not the installed daemon"
done
pass
