#!/usr/bin/env bash
# Usage: scripts/trace_cli_calls.sh BIN_DIR TRACE_DIR LOG_FILE
#
# Writes into TRACE_DIR one wrapper per Slurm command (sbatch squeue sinfo
# scancel scontrol sacct srun sacctmgr sshare). Each wrapper appends the exact
# command line it was given, its exit status, and its stdout and stderr to
# LOG_FILE, then behaves as BIN_DIR's command did (same output, same exit
# status). Put TRACE_DIR first on PATH to see what a workflow tool really runs:
#
#   scripts/trace_cli_calls.sh build/bin /tmp/trace /tmp/calls.log
#   PATH=/tmp/trace:$PATH Rscript my_batchtools_run.R; less /tmp/calls.log
#
# For investigating clients only: the wrappers capture output before passing
# it on, so `srun` and `sbatch --wait` lose their streaming.
set -euo pipefail
[ $# -eq 3 ] || { sed -n '2,15s/^# \{0,1\}//p' "$0" >&2; exit 2; }
bin=$(cd "$1" && pwd)
mkdir -p "$2"
log=$(realpath -m "$3")
for cmd in sbatch squeue sinfo scancel scontrol sacct srun sacctmgr sshare; do
  cat >"$2/$cmd" <<EOF
#!/usr/bin/env bash
# Trace wrapper written by trace_cli_calls.sh: logs, then runs $bin/$cmd.
out=\$(mktemp) err=\$(mktemp)
rc=0; "$bin/$cmd" "\$@" >"\$out" 2>"\$err" || rc=\$?
{
  echo "\$(date +%H:%M:%S.%N | cut -c1-12) [\$PPID] $cmd \$(printf '%q ' "\$@")"
  echo "  exit \$rc"
  sed 's/^/  stdout: /' "\$out"
  sed 's/^/  stderr: /' "\$err"
} >>"$log"
cat "\$out"; cat "\$err" >&2
rm -f "\$out" "\$err"
exit \$rc
EOF
  chmod +x "$2/$cmd"
done
