#!/usr/bin/env bash
# The man pages (docs/man/*.1, *.8): each renders with groff and man
# without a warning; each program has one, and it names exactly the long
# options the program's --help lists (no missing option, no invented one);
# `cmake --install` puts them, gzipped, where man finds them.
set -euo pipefail
export LC_ALL=C.UTF-8
: "${DROVER_BIN:?set DROVER_BIN to the bin directory of a build}"
: "${DROVER_SRC:?set DROVER_SRC to the repository root}"
TEST_NAME=test_man_pages
BUILD=$(cd "$DROVER_BIN/.." && pwd)
fail() { echo "FAIL ($TEST_NAME): $*" >&2; exit 1; }
command -v groff >/dev/null && command -v man >/dev/null ||
  { echo "SKIP ($TEST_NAME): groff or man is not installed (apt-get install groff-base man-db)"; exit 77; }
WORK=$(mktemp -d /tmp/drover-man.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

declare -A section=([droverctld]=8 [droverd]=8 [drover]=8)
programs=(sbatch squeue sinfo scancel scontrol sacct srun salloc drover droverctld droverd)

# The long options a page or a --help text names, one per line, sorted.
page_options() { sed 's/\\-/-/g' "$1" | grep -oE -- '--[A-Za-z][A-Za-z0-9-]*' | sort -u; }
help_options() { grep -oE -- '--[A-Za-z][A-Za-z0-9-]*' | sort -u; }

for prog in "${programs[@]}"; do
  page=$DROVER_SRC/docs/man/$prog.${section[$prog]:-1}
  [ -f "$page" ] || fail "$prog has no man page ($page)"
  # -ww: every groff warning; -z: no output, only the diagnostics.
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on $page: $warnings"
  [ -z "$warnings" ] || fail "groff warns about $page: $warnings"
  rendered=$(MANWIDTH=80 man -l "$page" 2>"$WORK/man.err") || fail "man -l $page failed: $(cat "$WORK/man.err")"
  [ ! -s "$WORK/man.err" ] || fail "man -l $page: $(cat "$WORK/man.err")"
  for heading in NAME SYNOPSIS DESCRIPTION OPTIONS "SEE ALSO"; do
    grep -q "^$heading" <<<"$rendered" || fail "$page has no $heading section"
  done

  if [ "$prog" = drover ]; then
    help=$("$DROVER_BIN/drover" --help; for sub in keygen check-config up down; do "$DROVER_BIN/drover" $sub --help; done)
  else
    help=$("$DROVER_BIN/$prog" --help 2>&1)
  fi
  missing=$(comm -23 <(help_options <<<"$help") <(page_options "$page") | tr '\n' ' ')
  [ -z "$missing" ] || fail "$page does not describe these options of $prog --help: $missing"
  invented=$(comm -13 <(help_options <<<"$help") <(page_options "$page") | tr '\n' ' ')
  [ -z "$invented" ] || fail "$page names options $prog does not have: $invented"
done

# The check above can fail: a page with an option removed is caught.
sed '/^\.BR \\-\\-mincpus/,+1d' "$DROVER_SRC/docs/man/sbatch.1" >"$WORK/sbatch.1"
comm -23 <(help_options <<<"$("$DROVER_BIN/sbatch" --help)") <(page_options "$WORK/sbatch.1") | grep -qx -- --mincpus ||
  fail "removing --mincpus from sbatch.1 went unnoticed"

# Installed: gzipped, in man1/man8 under the prefix, readable by man.
DESTDIR="$WORK/root" cmake --install "$BUILD" --prefix /usr >"$WORK/install.log" 2>&1 ||
  fail "cmake --install failed: $(tail -5 "$WORK/install.log")"
for prog in "${programs[@]}"; do
  s=${section[$prog]:-1}
  gz=$WORK/root/usr/share/man/man$s/$prog.$s.gz
  [ -f "$gz" ] || fail "$prog.$s is not installed as $gz"
  out=$(MANWIDTH=80 man -l "$gz" 2>&1 | head -1)
  [[ "$out" == *"${prog^^}($s)"* ]] || fail "man -l $gz printed [$out]"
done
echo "PASS ($TEST_NAME)"
