#!/usr/bin/env bash
# Installs the Debian packages seg needs to build, test and benchmark.
#   bash tools/install-deps.sh           build and test (CI; python3-pandas for the
#                                        Python module's to_dataframe(); pkg-config, man-db and
#                                        groff-base for tests/install.sh)
#   bash tools/install-deps.sh --bench   also npm, which `make bench` uses to
#                                        fetch DuckDB (@duckdb/node-api)
set -euo pipefail
pkgs=(build-essential flex bison libcsv-dev libxxhash-dev libunistring-dev libpcre2-dev nettle-dev sqlite3 clang libclang-rt-14-dev jq python3 python3-pandas hyperfine valgrind gcovr postgresql clickhouse-server clickhouse-client pkg-config man-db groff-base zsh debhelper chromium)
# npm may come with another nodejs (NodeSource's bundles it): only the command matters
if [ "${1:-}" = --bench ] && ! command -v npm >/dev/null; then pkgs+=(npm); fi
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
# PostgreSQL (tests/sql.sh starts its own throw-away server): no system
# cluster, nothing left running after the install. ClickHouse likewise:
# tests/ch_cluster.sh starts and stops its own two servers (without
# systemd the package starts none).
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/seg-no-main.conf >/dev/null
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
