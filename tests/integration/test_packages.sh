#!/usr/bin/env bash
# The Debian packages on a fresh Debian 12 tree: builds drover-controller,
# drover-node and drover-client (cmake --build --target package), installs
# them into a minimal Debian tree made by mmdebstrap with `dpkg -i` and
# `apt-get -f install` (which fetches the libraries from Debian), and checks
# what the maintainer scripts did: the drover user, directory owners and
# modes, the key, binaries that run, the units installed and enabled, the
# example config in place. Then it does what the admin guide says adds a
# node — point the installed config at a controller and start droverd —
# runs a job through the installed daemons, and purges the packages.
#
# Needs root, mmdebstrap and a Debian mirror; otherwise it is skipped (exit
# 77). The tree is cached as $BUILD/pkgtest/bookworm.tar (delete it to
# rebuild); DROVER_DEBIAN_MIRROR picks the mirror.
set -euo pipefail
: "${DROVER_BIN:?set DROVER_BIN to the bin directory of a build}"
BUILD=$(cd "$DROVER_BIN/.." && pwd)
TEST_NAME=test_packages

skip() { echo "SKIP ($TEST_NAME): $*"; exit 77; }
fail() { echo "FAIL ($TEST_NAME): $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (chroot, dpkg in a tree)"
command -v mmdebstrap >/dev/null || skip "mmdebstrap is not installed (apt-get install mmdebstrap)"
command -v unshare >/dev/null || skip "unshare is not installed"

# 1. The packages.
rm -rf "$BUILD/packages"
cmake --build "$BUILD" --target package >"$BUILD/package.log" 2>&1 || { tail -20 "$BUILD/package.log" >&2; fail "cpack failed"; }
debs=()
for p in client controller node; do
  f=$(ls "$BUILD"/packages/drover-${p}_*.deb 2>/dev/null | head -1)
  [ -n "$f" ] || fail "no drover-$p package in $BUILD/packages"
  debs+=("$f")
done

# 2. A fresh Debian 12 tree with systemd (not running: a chroot), cached.
cache=$BUILD/pkgtest/bookworm.tar
if [ ! -s "$cache" ]; then
  mkdir -p "$BUILD/pkgtest"
  mirror=${DROVER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  if ! mmdebstrap --mode=root --format=tar --variant=minbase --include=systemd,systemd-sysv --quiet bookworm "$cache.tmp" \
       "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
       "deb ${mirror%/debian}/debian-security bookworm-security main" >"$BUILD/pkgtest/mmdebstrap.log" 2>&1; then
    rm -rf "$cache.tmp"
    skip "mmdebstrap could not make a Debian tree (no network or mirror?): $(tail -1 "$BUILD/pkgtest/mmdebstrap.log")"
  fi
  mv "$cache.tmp" "$cache"
fi
TREE=$(mktemp -d /tmp/drover-pkgtree.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # Job supervisors the agent started in the tree (they outlive droverd by design).
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$TREE" ] && kill "${p#/proc/}" 2>/dev/null || true
  done
  if [ $rc -eq 0 ]; then rm -rf "$TREE"; else echo "left $TREE for inspection" >&2; fi
}
trap cleanup EXIT
tar -C "$TREE" -xf "$cache"
cp /etc/resolv.conf "$TREE/etc/resolv.conf"

# in_tree CMD...: run in the tree, with its own /proc, in a private mount namespace.
in_tree() {
  unshare --mount --propagation private sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$TREE" "$@"
}

# 3. Install as an admin would: dpkg -i leaves them unconfigured for want of
#    the libraries; apt-get -f install fetches those and configures all three.
mkdir -p "$TREE/tmp/debs"
cp "${debs[@]}" "$TREE/tmp/debs/"
set +e
in_tree sh -c 'dpkg -i /tmp/debs/*.deb' >"$TREE/tmp/dpkg.log" 2>&1
in_tree sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq' >"$TREE/tmp/apt.log" 2>&1
apt_rc=$?
set -e
if [ $apt_rc -ne 0 ]; then
  grep -qi "could not resolve\|failed to fetch\|temporary failure" "$TREE/tmp/apt.log" &&
    skip "apt-get in the tree cannot reach the mirror: $(grep -i 'failed\|resolve' "$TREE/tmp/apt.log" | head -1)"
  cat "$TREE/tmp/dpkg.log" "$TREE/tmp/apt.log" >&2
  fail "apt-get -f install failed"
fi
for p in drover-client drover-controller drover-node; do
  status=$(in_tree dpkg-query -W -f='${Status}' "$p")
  [ "$status" = "install ok installed" ] || { cat "$TREE/tmp/apt.log" >&2; fail "$p is [$status], not installed"; }
done

# 4. What the maintainer scripts made.
in_tree getent passwd drover >/dev/null || fail "no drover user"
in_tree getent group drover >/dev/null || fail "no drover group"
[ "$(in_tree getent passwd drover | cut -d: -f7)" = /usr/sbin/nologin ] || fail "the drover user has a login shell"
check_mode() {  # path owner:group mode
  local got
  got=$(stat -c '%U:%G %a' "$TREE$1" 2>/dev/null) || fail "$1 is missing"
  [ "$got" = "$2 $3" ] || fail "$1 is [$got], expected [$2 $3]"
}
check_mode /var/lib/drover root:root 700
check_mode /var/spool/drover root:root 755
check_mode /var/lib/droverd root:root 700
check_mode /etc/drover root:root 755
check_mode /etc/drover/drover.key root:root 400
check_mode /etc/drover/drover.yaml root:root 644
cmp -s "$TREE/etc/drover/drover.yaml.example" "$DROVER_SRC/conf/picluster.yaml" || fail "drover.yaml.example is not conf/picluster.yaml"
in_tree dpkg-query -W -f='${Conffiles}' drover-client | grep -q '/etc/drover/drover.yaml ' ||
  fail "/etc/drover/drover.yaml is not a conffile of drover-client"

# Binaries run, from their installed places.
for cmd in "sbatch --version" "squeue --version" "srun --version" "drover --version" \
           "/usr/sbin/droverctld --version" "/usr/sbin/droverd --version"; do
  out=$(in_tree $cmd 2>&1) || fail "$cmd failed in the tree: $out"
  [[ "$out" == *0.1* ]] || fail "$cmd printed [$out]"
done
[ -x "$TREE/usr/libexec/drover/drover-stepd" ] || fail "drover-stepd is not in /usr/libexec/drover"
for page in sbatch.1 squeue.1 droverctld.8 droverd.8 drover.8; do
  ls "$TREE"/usr/share/man/man*/$page.gz >/dev/null 2>&1 || fail "man page $page is not installed"
done

# Units installed, naming the installed daemons, and enabled.
for unit in droverctld droverd; do
  f=$TREE/usr/lib/systemd/system/$unit.service
  [ -f "$f" ] || fail "$unit.service is not installed"
  grep -q "^ExecStart=/usr/sbin/$unit " "$f" || fail "$unit.service does not run /usr/sbin/$unit: $(grep ExecStart "$f")"
  [ "$(in_tree systemctl is-enabled "$unit.service" 2>&1)" = enabled ] || fail "$unit.service is not enabled"
done

# 5. Adding a node: point the config at the controller (here the same
#    tree, on a free loopback port), start droverctld and droverd, run a job.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$TREE/etc/drover/drover.yaml" <<EOF
cluster: pkgtest
controller: {host: 127.0.0.1, port: $port}
auth: {key_file: /etc/drover/drover.key}
spool_dir: /var/spool/drover
nodes:
  - {names: pkgnode, cpus: 1, memory_mb: 100}
partitions:
  - {name: main, nodes: pkgnode, default: true}
EOF
mkdir -p "$TREE/run/drover" "$TREE/root"
in_tree /usr/sbin/droverctld >"$TREE/tmp/droverctld.log" 2>&1 &
pids+=($!)
in_tree /usr/sbin/droverd --node-name pkgnode --auth-socket /run/drover/droverd.sock >"$TREE/tmp/droverd.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 60))
until [ "$(in_tree sinfo -h -o %t 2>/dev/null)" = idle ]; do
  [ $SECONDS -lt $deadline ] || fail "the node did not become idle: $(tail -5 "$TREE/tmp/droverctld.log" "$TREE/tmp/droverd.log")"
  sleep 0.1
done
job=$(in_tree sh -c 'cd /root && sbatch --parsable --wrap "echo ran on \$SLURMD_NODENAME"') || fail "sbatch failed"
deadline=$((SECONDS + 60))
until [ "$(in_tree squeue -h -t all -j "$job" -o %T 2>/dev/null)" = COMPLETED ]; do
  [ $SECONDS -lt $deadline ] || fail "job $job did not complete: $(in_tree squeue -h -t all -j "$job" -o '%T %r')"
  sleep 0.1
done
[ "$(cat "$TREE/root/slurm-$job.out")" = "ran on pkgnode" ] || fail "job output: $(cat "$TREE/root/slurm-$job.out")"
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
pids=()

# 6. Purge removes what the packages made; the user stays (Debian practice).
in_tree dpkg --purge drover-controller drover-node drover-client >"$TREE/tmp/purge.log" 2>&1 ||
  { cat "$TREE/tmp/purge.log" >&2; fail "dpkg --purge failed"; }
for gone in /var/lib/drover /var/spool/drover /var/lib/droverd /etc/drover /usr/sbin/droverd /usr/bin/sbatch \
            /usr/lib/systemd/system/droverd.service /etc/systemd/system/multi-user.target.wants/droverd.service \
            /etc/systemd/system/multi-user.target.wants/droverctld.service; do
  [ ! -e "$TREE$gone" ] && [ ! -L "$TREE$gone" ] || fail "$gone is still there after purge"
done
in_tree getent passwd drover >/dev/null || fail "purge removed the drover user (files may still be owned by it)"
echo "PASS ($TEST_NAME)"
