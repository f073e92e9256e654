#!/usr/bin/env bash
# Starts the whole gateway locally: MariaDB (installed if needed), the schema, the mock channel simulator, a silo
# and the API host; seeds a demo channel account and merchant app; prints the URLs. Everything runs in the
# background with logs in .run/; stop it with deploy/local/stop.sh. Secrets are generated once into .run/ (not git).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
state="$root/.run"
api_url="http://127.0.0.1:5080"
sim_url="http://127.0.0.1:5199"

bash deploy/local/db.sh
# shellcheck disable=SC1091
source "$state/db.env"

if [ ! -f "$state/local.env" ]; then
  command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }
  openssl genrsa -out "$state/gateway-response-key.pem" 2048 2>/dev/null
  operator_token="$(openssl rand -hex 24)"
  {
    echo "MASTER_KEY='$(openssl rand -base64 32)'"
    echo "OPERATOR_TOKEN='$operator_token'"
    echo "OPERATOR_TOKEN_SHA256='$(printf '%s' "$operator_token" | sha256sum | cut -d' ' -f1)'"
    echo "MOCK_HMAC_KEY='$(openssl rand -hex 24)'"
    echo "DEMO_APP_SECRET='$(openssl rand -hex 24)'"
    echo "DEMO_WEBHOOK_SECRET='$(openssl rand -hex 24)'"
  } >"$state/local.env"
  chmod 600 "$state/local.env" "$state/gateway-response-key.pem"
fi
# shellcheck disable=SC1091
source "$state/local.env"

bash deploy/local/stop.sh >/dev/null 2>&1 || true
echo "building…"
dotnet build Orleans.sln -c Release -v quiet -nologo >"$state/build.log" 2>&1 || { cat "$state/build.log"; exit 1; }

export ConnectionStrings__Gateway="$PAYGW_DB_SERVER;Database=paygw_local"
export Orleans__ClusterId=paygw-local Orleans__ServiceId=paygw
export Gateway__DatacenterCode=01 Gateway__PublicBaseUrl="$api_url" Gateway__MasterKey="$MASTER_KEY"
export Api__ResponseSigningKeyPem="$(cat "$state/gateway-response-key.pem")" Api__OperatorTokenSha256__0="$OPERATOR_TOKEN_SHA256"

start() { # name, command…
  local name=$1; shift
  nohup "$@" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
}
start simulator dotnet Tests/ChannelSimulator/bin/Release/net10.0/PayGateway.ChannelSimulator.dll --urls "$sim_url" \
  "--Simulator:Merchants:demo-merchant=$MOCK_HMAC_KEY"
Database__MigrateOnStart=true start silo dotnet Silo/bin/Release/net10.0/PayGateway.Silo.dll
start api dotnet Api/bin/Release/net10.0/PayGateway.Api.dll --urls "$api_url"

echo "waiting for the API host…"
for _ in $(seq 1 120); do
  curl -fs "$api_url/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$api_url/healthz" >/dev/null || { echo "the API host did not come up; see $state/api.log and $state/silo.log"; exit 1; }

admin() { curl -fsS -X PUT -H "Authorization: Bearer $OPERATOR_TOKEN" -H 'Content-Type: application/json' "$api_url$1" -d "$2" >/dev/null; }
admin /admin/v1/channel-accounts/mock/demo-account \
  "{\"base_url\":\"$sim_url/\",\"settings\":{\"merchant_id\":\"demo-merchant\"},\"secrets\":{\"hmac_key\":\"$MOCK_HMAC_KEY\"},\"enabled_methods\":[\"WEB\",\"WAP\",\"APP\",\"SDK\",\"SERVER\",\"QR_CODE\"],\"enabled\":true}"
admin /admin/v1/apps/demo_app \
  "{\"name\":\"Demo shop\",\"auth_scheme\":\"HMAC\",\"hmac_secret\":\"$DEMO_APP_SECRET\",\"webhook_secret\":\"$DEMO_WEBHOOK_SECRET\",\"channels\":[{\"channel\":\"mock\",\"account_id\":\"demo-account\"}],\"enabled\":true}"

cat <<MSG

pay-gateway is running (logs and secrets in .run/; stop with deploy/local/stop.sh)
  API             $api_url
  API docs        $api_url/docs            (OpenAPI: $api_url/openapi/v1.json)
  Dashboard       $api_url/dashboard/      (user: anything, password: the operator token)
  Simulator       $sim_url                 (mock channel; cashier pages for demo payments)
  Operator token  $OPERATOR_TOKEN
  Demo app        app_id demo_app, HMAC secret in .run/local.env (DEMO_APP_SECRET)
MSG
