#!/usr/bin/env bash
# Real-process reliability run (issue 8, scenarios 1 and 14, plus a MariaDB restart), on loopback only.
#
# Starts a dedicated MariaDB instance (own datadir, port and socket, so restarting it disturbs nothing else on the
# machine), 3 silo processes, the API host, the channel simulator and a webhook receiver; seeds a channel account
# and an app through the admin API; then a load driver creates and pays REL_ORDERS orders (default 1,000) while
# this script
#   - stops one silo gracefully (SIGTERM) at 15 % and starts it again          (scenario 1, graceful variant)
#   - kills one silo with kill -9 at 30 % and starts it again at 40 %          (scenario 1, crash and restart)
#   - stops MariaDB (mariadb-admin shutdown) at 50 % (once that silo has joined) and starts it again
#   - stops all three silos gracefully at 70 % (5 s after MariaDB is back) and starts them again (scenario 14)
# Clients retry failed calls with the same out_trade_no. Afterwards the invariant checker (I1–I6) runs over
# storage, the simulator's records, the webhook receiver's records and what the clients saw, and the day's channel
# statements are reconciled against the gateway (scenario 16: nothing may be left open); the script prints
# the figures and exits non-zero on any violation. Last line: "reliability: N passed, N failed".
#
# Environment: REL_ORDERS (1000), REL_CONCURRENCY (12), REL_PORT_BASE (5380: API, +1 simulator, +2 webhooks),
# REL_DB_PORT (3407), REL_KEEP=1 keeps the database directory and logs of a failed run. Logs: .run/reliability/.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
state="$root/.run/reliability"
rm -rf "$state" && mkdir -p "$state"

orders="${REL_ORDERS:-1000}"
concurrency="${REL_CONCURRENCY:-12}"
base="${REL_PORT_BASE:-5380}"
db_port="${REL_DB_PORT:-3407}"
api_url="http://127.0.0.1:$base"
sim_url="http://127.0.0.1:$((base + 1))"
hooks_url="http://127.0.0.1:$((base + 2))"
silo_ports=(11141 11142 11143)
gateway_ports=(30041 30042 30043)
run_id="$(date -u +%H%M%S)"
started_at=$(date +%s)
pids=()

log() { echo "[$(($(date +%s) - started_at))s] $*"; }
fail() { log "FAILED: $*"; echo "reliability: 0 passed, 1 failed"; exit 1; }

for port in "$base" "$((base + 1))" "$((base + 2))" "$db_port" "${silo_ports[@]}" "${gateway_ports[@]}"; do
  if ss -ltn "( sport = :$port )" 2>/dev/null | grep -q LISTEN; then fail "port $port is in use (set REL_PORT_BASE / REL_DB_PORT)"; fi
done

# ---------------------------------------------------------------- MariaDB, a dedicated instance
command -v mariadbd >/dev/null || bash deploy/local/db.sh || fail "mariadb is not installed"
db_dir="$(mktemp -d /tmp/paygw-rel-db.XXXXXX)"
db_sock="$db_dir/mysqld.sock"
chown mysql:mysql "$db_dir"
mariadb-install-db --user=mysql --datadir="$db_dir/data" >"$state/mariadb-install.log" 2>&1 || fail "mariadb-install-db; see $state/mariadb-install.log"

start_db() { # the way deploy/local/db.sh starts the machine's server, on this instance's datadir, port and socket
  nohup mariadbd --user=mysql --datadir="$db_dir/data" --socket="$db_sock" --pid-file="$db_dir/mariadbd.pid" \
    --bind-address=127.0.0.1 --port="$db_port" \
    --innodb-flush-log-at-trx-commit=1 --max-allowed-packet=64M --max-connections=500 \
    --log-bin-trust-function-creators=1 \
    --sql-mode=STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION \
    >>"$state/mariadb.log" 2>&1 &
  for _ in $(seq 1 120); do
    mariadb-admin --socket="$db_sock" ping >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}
stop_db() { mariadb-admin --socket="$db_sock" shutdown >/dev/null 2>&1; }

cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  stop_db
  if [ "${REL_KEEP:-0}" != 1 ]; then rm -rf "$db_dir"; fi
}
trap cleanup EXIT

start_db || fail "mariadbd did not start; see $state/mariadb.log"
db_password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
mariadb --socket="$db_sock" -u root <<SQL || fail "could not create the database"
CREATE DATABASE paygw_rel;
CREATE USER 'paygw_rel'@'127.0.0.1' IDENTIFIED BY '$db_password';
GRANT ALL PRIVILEGES ON paygw_rel.* TO 'paygw_rel'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
connection="Server=127.0.0.1;Port=$db_port;User ID=paygw_rel;Password=$db_password;Database=paygw_rel"
sql() { mariadb --socket="$db_sock" -u root -N -B paygw_rel -e "$1" 2>/dev/null; }

# ---------------------------------------------------------------- build
log "building (Release)…"
for project in Silo/Silo.csproj Api/Api.csproj Tests/ChannelSimulator/ChannelSimulator.csproj Tests/ReliabilityDriver/ReliabilityDriver.csproj; do
  dotnet build "$project" -c Release -v quiet -nologo >>"$state/build.log" 2>&1 || { cat "$state/build.log"; fail "build of $project"; }
done
silo_dll=Silo/bin/Release/net10.0/PayGateway.Silo.dll
driver() { dotnet Tests/ReliabilityDriver/bin/Release/net10.0/PayGateway.ReliabilityDriver.dll "$@"; }

# ---------------------------------------------------------------- secrets (this run only)
openssl genrsa -out "$state/gateway-response-key.pem" 2048 2>/dev/null
operator_token="$(openssl rand -hex 24)"
mock_key="$(openssl rand -hex 24)"
app_secret="$(openssl rand -hex 24)"
webhook_secret="$(openssl rand -hex 24)"

export ConnectionStrings__Gateway="$connection"
export Orleans__ClusterId=paygw-rel Orleans__ServiceId=paygw
export Gateway__DatacenterCode=01 Gateway__PublicBaseUrl="$api_url" Gateway__MasterKey="$(openssl rand -base64 32)"
export Gateway__ChannelTimeout=00:00:05
# Schedules short enough that the run settles in minutes (production defaults are minutes to days).
export Gateway__Supervision__SweepInterval=00:00:01 Gateway__Supervision__ExpiryRetryDelay=00:00:05
export Gateway__Supervision__CheckDelays__0=00:00:03 Gateway__Supervision__CheckDelays__1=00:00:05 Gateway__Supervision__CheckDelays__2=00:00:10
export Gateway__Notifications__Jitter=0 Gateway__Notifications__AttemptTimeout=00:00:05
for i in 0 1 2 3 4 5 6; do
  delays=(00:00:01 00:00:02 00:00:05 00:00:10 00:00:20 00:00:30 00:01:00)
  export "Gateway__Notifications__RetryDelays__$i=${delays[$i]}"
done
export Api__ResponseSigningKeyPem="$(cat "$state/gateway-response-key.pem")"
export Api__OperatorTokenSha256__0="$(printf '%s' "$operator_token" | sha256sum | cut -d' ' -f1)"
export Logging__LogLevel__Default=Warning

start() { # name, command… (pid in $state/name.pid)
  local name=$1; shift
  nohup "$@" >>"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
  pids+=($!)
  disown $! # no job-control noise when the script kills it
}
start_silo() { # index 1..3
  local i=$1
  Orleans__SiloPort=${silo_ports[$((i - 1))]} Orleans__GatewayPort=${gateway_ports[$((i - 1))]} \
    Database__MigrateOnStart=$([ "$i" = 1 ] && echo true || echo false) start "silo$i" dotnet "$silo_dll"
}
open_orders() { sql "SELECT COUNT(*) FROM paygw_order WHERE status IN ('pending','unknown')"; }

# ---------------------------------------------------------------- processes
start simulator dotnet Tests/ChannelSimulator/bin/Release/net10.0/PayGateway.ChannelSimulator.dll --urls "$sim_url" \
  "--Simulator:Merchants:rel-merchant=$mock_key"
start webhooks dotnet Tests/ReliabilityDriver/bin/Release/net10.0/PayGateway.ReliabilityDriver.dll webhooks --urls "$hooks_url"
start_silo 1
for _ in $(seq 1 120); do
  [ "$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'paygw_rel' AND table_name = 'paygw_review_item'")" = 1 ] && break
  sleep 0.5
done
start_silo 2
start_silo 3
start api dotnet Api/bin/Release/net10.0/PayGateway.Api.dll --urls "$api_url"

admin() { curl -fsS -X PUT -H "Authorization: Bearer $operator_token" -H 'Content-Type: application/json' "$api_url$1" -d "$2" >/dev/null 2>&1; }
log "waiting for the cluster and seeding the account and app…"
seeded=0
for _ in $(seq 1 120); do
  if admin /admin/v1/channel-accounts/mock/rel-account \
      "{\"base_url\":\"$sim_url/\",\"settings\":{\"merchant_id\":\"rel-merchant\"},\"secrets\":{\"hmac_key\":\"$mock_key\"},\"enabled_methods\":[\"QR_CODE\"],\"enabled\":true}" &&
    admin /admin/v1/apps/rel_app \
      "{\"name\":\"Reliability shop\",\"auth_scheme\":\"HMAC\",\"hmac_secret\":\"$app_secret\",\"webhook_secret\":\"$webhook_secret\",\"channels\":[{\"channel\":\"mock\",\"account_id\":\"rel-account\"}],\"enabled\":true}"; then
    seeded=1; break
  fi
  sleep 1
done
[ "$seeded" = 1 ] || fail "could not seed through the admin API; see $state/api.log and $state/silo*.log"
for _ in $(seq 1 120); do
  silos_up=$(sql "SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 3")
  [ "$silos_up" = 3 ] && break
  sleep 0.5
done
log "cluster up: $silos_up active silos; starting the load: $orders orders, $concurrency at a time"

# ---------------------------------------------------------------- load, with faults
progress="$state/progress"
echo 0 >"$progress"
# The gate keeps the load from running ahead of the faults: it opens to the next stage only after each fault.
gate="$state/gate"
open_gate() { echo $((orders * $1 / 100)) >"$gate.tmp" && mv "$gate.tmp" "$gate"; }
open_gate 45
driver load --api "$api_url" --sim "$sim_url" --app rel_app --secret "$app_secret" --merchant rel-merchant \
  --webhooks "$hooks_url" --orders "$orders" --concurrency "$concurrency" --run "$run_id" \
  --progress "$progress" --gate "$gate" --out "$state/observations.json" --deadline-seconds 420 >"$state/load.log" 2>&1 &
load_pid=$!
pids+=("$load_pid")

kills=0; silo_restarts=0; db_restarts=0; cluster_restarts=0; graceful_stops=0
open_at_kill=-; open_at_db=-; open_at_cluster=-; open_at_graceful=-; graceful_seconds=-
graceful_at=$(date +%s)
stage=graceful
while kill -0 "$load_pid" 2>/dev/null; do
  done_count=$(cat "$progress" 2>/dev/null)
  [[ "$done_count" =~ ^[0-9]+$ ]] || { sleep 0.1; continue; } # the driver is rewriting the file
  case "$stage" in
    # Scenario 1's graceful variant: one silo stopped with SIGTERM (it hands its activations over and leaves the
    # cluster), then started again.
    graceful) if [ "$done_count" -ge $((orders * 15 / 100)) ]; then
        open_at_graceful=$(open_orders)
        log "scenario 1 (graceful): SIGTERM to silo 3 at $done_count/$orders orders done ($open_at_graceful orders open)"
        stop_started=$(date +%s)
        kill -TERM "$(cat "$state/silo3.pid")" 2>/dev/null
        for _ in $(seq 1 60); do kill -0 "$(cat "$state/silo3.pid")" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$(cat "$state/silo3.pid")" 2>/dev/null && fail "silo 3 did not stop within 30 s of SIGTERM"
        graceful_seconds=$(($(date +%s) - stop_started))
        graceful_stops=$((graceful_stops + 1))
        start_silo 3
        graceful_at=$(date +%s)
        log "scenario 1 (graceful): silo 3 stopped in ${graceful_seconds} s and started again"
        stage=kill
      fi ;;
    # The kill waits until the gracefully restarted silo has joined, so no more than one silo is ever missing.
    kill) if [ "$done_count" -ge $((orders * 30 / 100)) ] &&
          { [ "$(sql "SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 3")" = 3 ] || [ $(($(date +%s) - graceful_at)) -gt 60 ]; }; then
        open_at_kill=$(open_orders)
        kill -9 "$(cat "$state/silo2.pid")" && kills=$((kills + 1))
        log "scenario 1: kill -9 silo 2 at $done_count/$orders orders done ($open_at_kill orders open in storage)"
        stage=restart_silo
      fi ;;
    restart_silo) if [ "$done_count" -ge $((orders * 40 / 100)) ]; then
        start_silo 2 && silo_restarts=$((silo_restarts + 1))
        restarted_at=$(date +%s)
        log "scenario 1: silo 2 started again at $done_count/$orders"
        open_gate 60
        stage=db
      fi ;;
    # The outage waits until the restarted silo has joined (a silo that cannot reach membership storage while
    # starting exits; that is Orleans' behaviour, and a process supervisor's job to restart).
    db) if [ "$done_count" -ge $((orders * 50 / 100)) ] &&
          { [ "$(sql "SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 3")" = 3 ] || [ $(($(date +%s) - restarted_at)) -gt 60 ]; }; then
        log "storage outage: $(sql "SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 3") active silos before it"
        open_at_db=$(open_orders)
        stop_db
        log "storage outage: MariaDB shut down at $done_count/$orders ($open_at_db orders open)"
        sleep 5
        start_db || fail "MariaDB did not come back"
        db_restarts=$((db_restarts + 1))
        db_back_at=$(date +%s)
        log "storage outage: MariaDB back"
        open_gate 80
        stage=cluster
      fi ;;
    cluster) if [ "$done_count" -ge $((orders * 70 / 100)) ] && [ $(($(date +%s) - db_back_at)) -ge 5 ]; then
        open_at_cluster=$(open_orders)
        log "scenario 14: stopping all silos at $done_count/$orders ($open_at_cluster orders open)"
        for i in 1 2 3; do kill -TERM "$(cat "$state/silo$i.pid")" 2>/dev/null; done
        for _ in $(seq 1 60); do
          alive=0
          for i in 1 2 3; do kill -0 "$(cat "$state/silo$i.pid")" 2>/dev/null && alive=1; done
          [ "$alive" = 0 ] && break
          sleep 0.5
        done
        for i in 1 2 3; do kill -9 "$(cat "$state/silo$i.pid")" 2>/dev/null; done
        sleep 2
        for i in 1 2 3; do start_silo "$i"; done
        cluster_restarts=$((cluster_restarts + 1))
        log "scenario 14: all three silos started again"
        open_gate 100
        stage=done
      fi ;;
  esac
  sleep 0.3
done
wait "$load_pid"; load_status=$?
cat "$state/load.log"
[ "$stage" = done ] || log "WARNING: the load finished before every fault was injected (stage $stage)"

# ---------------------------------------------------------------- invariants
log "load finished; waiting for the gateway to settle, then checking I1–I6"
driver check --db "$connection" --sim "$sim_url" --webhooks "$hooks_url" --observations "$state/observations.json" \
  --merchant rel-merchant --account mock/rel-account --settle-seconds 180 --summary "$state/summary.json" | tee "$state/check.log"
check_status=${PIPESTATUS[0]}

# Scenario 16's other half: after every fault above, the channel's statements (Beijing days) agree with the gateway.
bill_days=$(for t in $(seq "$started_at" 86400 "$(date +%s)") "$(date +%s)"; do date -u -d "@$((t + 28800))" +%F; done | sort -u | paste -sd,)
log "reconciling the simulator's statements for $bill_days"
driver reconcile --api "$api_url" --token "$operator_token" --account mock/rel-account --days "$bill_days" | tee "$state/reconcile.log"
reconcile_status=${PIPESTATUS[0]}

cat <<FIGURES | tee "$state/figures.txt"

reliability run $run_id: $orders orders, 3 silos, $(( $(date +%s) - started_at )) s in all
  graceful silo stops (scenario 1)   $graceful_stops   (orders open at the SIGTERM: $open_at_graceful; stopped in $graceful_seconds s; restarted)
  silo kill -9 (scenario 1)          $kills   (orders open at the kill: $open_at_kill; silo restarted: $silo_restarts)
  MariaDB restarts                   $db_restarts   (orders open at the shutdown: $open_at_db)
  full cluster restarts (sc. 14)     $cluster_restarts   (orders open at the stop: $open_at_cluster)
  orders stored / succeeded          $(grep -E '^ +orders ' "$state/check.log" | awk '{print $2}') / $(grep -E '^ +orders.succeeded ' "$state/check.log" | awk '{print $2}')
  lost orders (caller given an id that is not stored)   $(grep -E 'callers.lost_orders' "$state/check.log" | awk '{print $2}')
  duplicated charges                 $(grep -E 'channel.duplicate_charges' "$state/check.log" | awk '{print $2}')
  notifications delivered            $(grep -E 'notifications.delivered' "$state/check.log" | awk '{print $2}')
  client requests failed and retried $(grep -E 'callers.failed_requests' "$state/check.log" | awk '{print $2}')
  invariant violations               $(grep -E '^ +violations ' "$state/check.log" | awk '{print $2}')
  reconciliation open discrepancies  $(grep -E 'reconciliation.open_items' "$state/reconcile.log" | awk '{print $2}')
FIGURES

if [ "$load_status" -eq 0 ] && [ "$check_status" -eq 0 ] && [ "$reconcile_status" -eq 0 ] && [ "$stage" = done ]; then
  echo "reliability: 1 passed, 0 failed"
  exit 0
fi
[ "${REL_KEEP:-0}" = 1 ] && log "kept: $db_dir and $state"
echo "reliability: 0 passed, 1 failed"
exit 1
