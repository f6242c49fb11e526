#!/usr/bin/env bash
# Installs the Debian 12 packages Drover needs, if any are missing.
set -euo pipefail
packages=(cmake g++ ninja-build libboost-dev libprotobuf-dev protobuf-compiler libspdlog-dev libcli11-dev
          libyaml-cpp-dev libgtest-dev libsodium-dev libsqlite3-dev systemd procps
          clang libclang-rt-14-dev iproute2)
# The workflow tools the integration tests run unmodified against a cluster
# (tests/integration/test_tool_*.sh); each test is skipped if its tool is absent.
packages+=(snakemake r-cran-rslurm r-cran-batchtools toil)
# systemd: tests/integration/test_systemd.sh boots a Debian tree (built with
# mmdebstrap) under systemd-nspawn to test the units with systemd as PID 1.
packages+=(systemd-container mmdebstrap)
# perf: bench/run.sh times start-up with hyperfine; bench/micro needs Google Benchmark.
packages+=(hyperfine libbenchmark-dev)
# Metrics and status page (tests/integration/test_metrics.sh, test_status_page.sh):
# curl scrapes, Debian's chromium renders the page headless.
packages+=(curl chromium)
# Packaging (area: packaging): dpkg-shlibdeps for the packages' Depends, groff
# and man for tests/integration/test_man_pages.sh, mmdebstrap for the fresh
# Debian tree of tests/integration/test_packages.sh.
packages+=(dpkg-dev groff-base man-db)
# One dpkg-query for all of them, so that a run with nothing missing is quick.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
            awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }' || true)
missing=()
for p in "${packages[@]}"; do
  grep -qxF "$p" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Drover needs these Debian packages; as root run:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" ccache >/dev/null || \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
