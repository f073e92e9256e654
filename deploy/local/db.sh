#!/usr/bin/env bash
# Makes sure a local MariaDB is installed, running and has the gateway's user, then prints nothing but errors.
# Idempotent: safe to call before every run. Writes the connection settings to .run/db.env (not in git).
# The password is generated once per machine and kept outside any checkout (/var/lib/paygw-dev), so every clone
# on the machine shares it: no credential lives in the repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="$root/.run"
mkdir -p "$state"

if ! command -v mariadbd >/dev/null 2>&1; then
  echo "installing mariadb-server (apt-get)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq mariadb-server >/dev/null
fi

sock=/run/mysqld/mysqld.sock
if ! mariadb-admin --socket="$sock" ping >/dev/null 2>&1; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  # Durability stays on (flush at every commit); the packet limit must hold a 1 MiB+ grain state. The buffer pool
  # holds the working set: with the 128 MiB default, a million stored orders (about 3 GB of state and projection)
  # are read from disk and create latency rises tenfold. The redo log is sized to the pool: with the 96 MiB
  # default, a full log forces dirty pages out in bursts that stall every commit (docs/performance.md, "Many
  # stored orders"). Dirty pages are written out steadily instead of in bursts: pre-flushing from 10 % dirty
  # (MySQL's default; MariaDB's 0 waits until the log or the pool forces it), an I/O budget for a solid-state disk
  # (the defaults are sized for a spinning one), and no neighbour flushing, which only helps seek-bound disks.
  nohup mariadbd --user=mysql --socket="$sock" --bind-address=127.0.0.1 --port=3306 \
    --innodb-flush-log-at-trx-commit=1 --max-allowed-packet=64M --max-connections=500 \
    --innodb-buffer-pool-size="${PAYGW_DB_BUFFER_POOL:-2G}" --innodb-log-file-size=1G \
    --innodb-max-dirty-pages-pct-lwm=10 --innodb-io-capacity=2000 --innodb-io-capacity-max=4000 \
    --innodb-flush-neighbors=0 \
    --log-bin-trust-function-creators=1 \
    --sql-mode=STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION \
    >"$state/mariadb.log" 2>&1 &
  for _ in $(seq 1 60); do
    mariadb-admin --socket="$sock" ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb-admin --socket="$sock" ping >/dev/null 2>&1 || { echo "mariadbd did not start; see $state/mariadb.log" >&2; exit 1; }
fi

machine_state="${PAYGW_MACHINE_STATE:-/var/lib/paygw-dev}"
mkdir -p "$machine_state" && chmod 700 "$machine_state"
if [ ! -f "$machine_state/db.env" ]; then
  password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
  mariadb --socket="$sock" -u root <<SQL
CREATE USER IF NOT EXISTS 'paygw'@'localhost' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS 'paygw'@'127.0.0.1' IDENTIFIED BY '$password';
ALTER USER 'paygw'@'localhost' IDENTIFIED BY '$password';
ALTER USER 'paygw'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`paygw%\`.* TO 'paygw'@'localhost';
GRANT ALL PRIVILEGES ON \`paygw%\`.* TO 'paygw'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
  {
    echo "PAYGW_DB_SERVER='Server=127.0.0.1;Port=3306;User ID=paygw;Password=$password'"
  } >"$machine_state/db.env"
  chmod 600 "$machine_state/db.env"
fi
install -m 600 "$machine_state/db.env" "$state/db.env"
