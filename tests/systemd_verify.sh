#!/bin/bash
# Lints the shipped systemd units (systemd/droverctld.service and
# systemd/droverd.service) with `systemd-analyze verify`, and checks that the
# directives the design relies on are present.
#
# `systemd-analyze verify` checks that ExecStart= binaries exist, so the
# units are copied to a temporary directory with /usr/local/bin/ replaced by
# $DROVER_BIN/ (the build's bin directory). It returns 0 for some real
# problems (an unknown key, a bad Type=), so any output line that names one of
# our units is a failure; lines about other units on this host are ignored.
#
# Environment: DROVER_BIN (the build's bin directory), DROVER_SRC (the
# repository root). Set by ctest.
set -euo pipefail
export LC_ALL=C

: "${DROVER_BIN:?set DROVER_BIN to the bin directory of a build}"
: "${DROVER_SRC:?set DROVER_SRC to the repository root}"
DROVER_BIN=${DROVER_BIN%/}
UNITS=(droverctld.service droverd.service)

fail() {
  echo "FAIL (systemd_verify): $*" >&2
  exit 1
}

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP (systemd_verify): systemd-analyze is not installed; the units were not checked"
  exit 0
fi

for bin in droverctld droverd; do
  [ -x "$DROVER_BIN/$bin" ] || fail "$DROVER_BIN/$bin is missing; build first"
done

TMP=$(mktemp -d /tmp/drover-systemd-verify.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# Copies a unit into a directory with ExecStart= pointing into the build.
stage() {  # unit dest_dir
  local text
  text=$(<"$DROVER_SRC/systemd/$1") || fail "cannot read $DROVER_SRC/systemd/$1"
  printf '%s\n' "${text//\/usr\/local\/bin\//$DROVER_BIN/}" >"$2/$1"
}

# Runs verify on the given unit files. Sets VERIFY_RC, VERIFY_OUT (all
# output) and PROBLEMS (the lines that name one of the given units).
verify() {  # unit_file...
  local pattern="" f
  for f in "$@"; do pattern+="${pattern:+|}$(basename "$f" | sed 's/\./\\./g')"; done
  set +e
  VERIFY_OUT=$(systemd-analyze verify --man=no "$@" 2>&1)
  VERIFY_RC=$?
  set -e
  PROBLEMS=$(grep -E -- "$pattern|$TMP" <<<"$VERIFY_OUT" || true)
}

# 1. The shipped units: no complaint about them.
mkdir -p "$TMP/units"
for u in "${UNITS[@]}"; do stage "$u" "$TMP/units"; done
grep -q "^ExecStart=$DROVER_BIN/droverctld " "$TMP/units/droverctld.service" ||
  fail "ExecStart of droverctld.service does not use /usr/local/bin/droverctld"
grep -q "^ExecStart=$DROVER_BIN/droverd " "$TMP/units/droverd.service" ||
  fail "ExecStart of droverd.service does not use /usr/local/bin/droverd"
verify "$TMP/units/droverctld.service" "$TMP/units/droverd.service"
if [ -n "$PROBLEMS" ]; then
  echo "$VERIFY_OUT" >&2
  fail "systemd-analyze verify reported problems with the units:
$PROBLEMS"
fi
if [ "$VERIFY_RC" -ne 0 ]; then
  echo "note: systemd-analyze verify exited $VERIFY_RC, about other units only (ignored):" >&2
  echo "$VERIFY_OUT" >&2
fi

# 2. The filter above would notice a broken unit (a lint that cannot fail is
#    no lint): an unknown key must produce a line naming the unit.
mkdir -p "$TMP/broken"
stage droverd.service "$TMP/broken"
sed -i 's/^\[Service\]$/[Service]\nNoSuchDirective=1/' "$TMP/broken/droverd.service"
grep -q '^NoSuchDirective=1$' "$TMP/broken/droverd.service" || fail "could not make the broken control unit"
verify "$TMP/broken/droverd.service"
[ -n "$PROBLEMS" ] ||
  fail "systemd-analyze verify did not report an unknown key in a broken copy of droverd.service; the check is blind"

# 3. Directives the design depends on.
for u in "${UNITS[@]}"; do
  f="$DROVER_SRC/systemd/$u"
  grep -Eq '^After=(.*[[:space:]])?network-online\.target([[:space:]]|$)' "$f" ||
    fail "$u: After= must name network-online.target"
  grep -Eq '^Wants=(.*[[:space:]])?network-online\.target([[:space:]]|$)' "$f" ||
    fail "$u: Wants= must name network-online.target"
  grep -Eq '^Restart=on-failure$' "$f" || fail "$u: Restart=on-failure is missing"
  grep -Eq '^RestartSec=' "$f" || fail "$u: RestartSec= is missing"
  grep -Eq '^Type=notify$' "$f" || fail "$u: Type=notify is missing"
  grep -Eq '^NotifyAccess=main$' "$f" || fail "$u: NotifyAccess=main is missing"
  grep -Eq '^WatchdogSec=[1-9]' "$f" || fail "$u: WatchdogSec= is missing"
  grep -Eq '^ExecReload=/bin/kill -HUP \$MAINPID$' "$f" || fail "$u: ExecReload=/bin/kill -HUP \$MAINPID is missing"
  grep -Eq '^ExecStart=/usr/local/bin/[a-z]+ .*--config /etc/drover/drover\.yaml' "$f" ||
    fail "$u: ExecStart must run /usr/local/bin/... --config /etc/drover/drover.yaml"
  grep -Eq '^RuntimeDirectory=drover$' "$f" || fail "$u: RuntimeDirectory=drover is missing"
done
grep -Eq '^KillMode=process$' "$DROVER_SRC/systemd/droverd.service" ||
  fail "droverd.service: KillMode=process is missing (jobs must outlive an agent restart)"
if grep -Eq '^KillMode=' "$DROVER_SRC/systemd/droverctld.service"; then
  fail "droverctld.service: must keep the default KillMode (control-group)"
fi
grep -Eq '^Delegate=yes$' "$DROVER_SRC/systemd/droverd.service" ||
  fail "droverd.service: Delegate=yes is missing (per-job cgroups)"
for d in 'ProtectSystem=strict' 'NoNewPrivileges=yes' 'PrivateTmp=yes' 'ReadWritePaths=.*/var/spool/drover.*'; do
  grep -Eq "^$d\$" "$DROVER_SRC/systemd/droverctld.service" || fail "droverctld.service: $d is missing"
done
# The agent launches jobs as other users, in their homes: none of these.
for d in NoNewPrivileges ProtectHome ProtectSystem PrivateTmp; do
  if grep -Eq "^$d=" "$DROVER_SRC/systemd/droverd.service"; then
    fail "droverd.service: $d= would break jobs run as other users"
  fi
done
grep -Eq '^StateDirectory=drover$' "$DROVER_SRC/systemd/droverctld.service" ||
  fail "droverctld.service: StateDirectory=drover is missing"
grep -Eq '^StateDirectory=droverd$' "$DROVER_SRC/systemd/droverd.service" ||
  fail "droverd.service: StateDirectory=droverd is missing"

echo "PASS (systemd_verify)"
