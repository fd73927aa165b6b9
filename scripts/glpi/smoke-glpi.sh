#!/usr/bin/env bash
# smoke-glpi.sh: check a running start-glpi.sh instance with curl only: API v1 session, ticket,
# follow-up, KB article, and a native inventory submission (GLPI Agent JSON protocol). With GLPI 11
# also: OAuth 2 password grant, API v2 ticket/follow-up/KB, client-credentials inventory token.
# Usage: ./start-glpi.sh > /dev/null; ./smoke-glpi.sh [inventory.json]   (reads $GLPI_STATE/glpi.env)
#        GLPI_VERSION=11 ./smoke-glpi.sh                                  (default state of GLPI 11)
set -euo pipefail
if [ -z "${GLPI_URL:-}" ]; then
  DEFAULT_STATE=/tmp/guichet-glpi; case "${GLPI_VERSION:-10}" in 10*) ;; *) DEFAULT_STATE=/tmp/guichet-glpi${GLPI_VERSION%%.*};; esac
  # shellcheck disable=SC1090
  . "${GLPI_STATE:-$DEFAULT_STATE}/glpi.env" 2>/dev/null || { echo "smoke-glpi: start GLPI first (start-glpi.sh)" >&2; exit 1; }
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INV=${1:-$HERE/../../third-party/glpi-inventory-format/examples/computer_2.json}
API=$GLPI_URL/apirest.php
APP=(); [ -n "${GLPI_APP_TOKEN:-}" ] && APP=(-H "App-Token: $GLPI_APP_TOKEN")
j() { php -r '$v=json_decode(stream_get_contents(STDIN),true); foreach(explode(".",$argv[1]) as $k) $v=$v[$k]; echo is_scalar($v) ? $v : json_encode($v);' "$1"; }
AGENT=(-H 'Content-Type: application/json' -H 'GLPI-Agent-ID: 00000000-0000-4000-8000-000000000001')

echo "== API v1 (apirest.php), GLPI $GLPI_VERSION"
ST=$(curl -fsS "${APP[@]}" -H "Authorization: user_token $GLPI_USER_TOKEN" "$API/initSession" | j session_token)
H=("${APP[@]}" -H "Session-Token: $ST" -H 'Content-Type: application/json')
echo "initSession: $ST"
T=$(curl -fsS "${H[@]}" -X POST -d '{"input":{"name":"smoke test","content":"created by smoke-glpi.sh"}}' "$API/Ticket" | j id)
echo "Ticket created: $T"
echo "Ticket read back: $(curl -fsS "${H[@]}" "$API/Ticket/$T" | j name)"
F=$(curl -fsS "${H[@]}" -X POST -d "{\"input\":{\"itemtype\":\"Ticket\",\"items_id\":$T,\"content\":\"follow-up\"}}" "$API/ITILFollowup" | j id)
echo "ITILFollowup created: $F"
K=$(curl -fsS "${H[@]}" -X POST -d '{"input":{"name":"smoke article","answer":"<p>hello</p>"}}' "$API/KnowbaseItem" | j id)
echo "KnowbaseItem created: $K; KnowbaseItem list: $(curl -fsS "${H[@]}" "$API/KnowbaseItem?range=0-50" | php -r 'echo count(json_decode(stream_get_contents(STDIN),true));') item(s)"

INV_AUTH=()
if [ "${GLPI_VERSION%%.*}" -ge 11 ]; then
  V2=${GLPI_API_V2_URL:-$GLPI_URL/api.php/v2.2}
  echo "== API v2 ($V2), OAuth 2 ($GLPI_TOKEN_URL)"
  TOK=$(curl -fsS -d grant_type=password -d client_id="$GLPI_OAUTH_CLIENT_ID" -d client_secret="$GLPI_OAUTH_CLIENT_SECRET" \
          -d username="$GLPI_USER" -d password="$GLPI_PASSWORD" -d scope=api "$GLPI_TOKEN_URL")
  AT=$(echo "$TOK" | j access_token)
  echo "password grant: token_type=$(echo "$TOK" | j token_type) expires_in=$(echo "$TOK" | j expires_in) refresh_token=$( [ -n "$(echo "$TOK" | j refresh_token)" ] && echo yes)"
  B=(-H "Authorization: Bearer $AT")   # no Content-Type on GET: GLPI 11 then answers 400 "Invalid JSON body"
  echo "GET Assistance/Ticket: $(curl -fsS "${B[@]}" "$V2/Assistance/Ticket" | php -r 'echo count(json_decode(stream_get_contents(STDIN),true));') ticket(s)"
  T2=$(curl -fsS "${B[@]}" -H 'Content-Type: application/json' -X POST -d '{"name":"smoke v2","content":"<p>created via API v2</p>"}' "$V2/Assistance/Ticket" | j id)
  echo "POST Assistance/Ticket: id $T2; read back: $(curl -fsS "${B[@]}" "$V2/Assistance/Ticket/$T2" | j content)"
  F2=$(curl -fsS "${B[@]}" -H 'Content-Type: application/json' -X POST -d '{"content":"<p>follow-up via v2</p>"}' "$V2/Assistance/Ticket/$T2/Timeline/Followup" | j id)
  echo "POST .../Timeline/Followup: id $F2; timeline: $(curl -fsS "${B[@]}" "$V2/Assistance/Ticket/$T2/Timeline" | php -r 'foreach(json_decode(stream_get_contents(STDIN),true) as $e) echo $e["type"],"#",$e["item"]["id"],":",$e["item"]["content"]," ";')"
  K2=$(curl -fsS "${B[@]}" -H 'Content-Type: application/json' -X POST -d '{"name":"smoke article v2","content":"<p>hello v2</p>"}' "$V2/Knowledgebase/Article" | j id)
  echo "POST Knowledgebase/Article: id $K2; GET Knowledgebase/Article: $(curl -fsS "${B[@]}" "$V2/Knowledgebase/Article" | php -r 'foreach(json_decode(stream_get_contents(STDIN),true) as $a) echo $a["id"],":",$a["name"]," ";')"
  if [ "${GLPI_INVENTORY_AUTH:-none}" = oauth ]; then
    echo "inventory POST without token: $(curl -sS -o /dev/stderr -w 'HTTP %{http_code}' "${AGENT[@]}" --data-binary @"$INV" "$GLPI_URL/front/inventory.php" 2>&1)"
    echo "inventory POST with the api-scope token: $(curl -sS -o /dev/stderr -w 'HTTP %{http_code}' "${B[@]}" "${AGENT[@]}" --data-binary @"$INV" "$GLPI_URL/front/inventory.php" 2>&1)"
    CT=$(curl -fsS -d grant_type=client_credentials -d client_id="$GLPI_INVENTORY_CLIENT_ID" -d client_secret="$GLPI_INVENTORY_CLIENT_SECRET" \
           -d scope=inventory "$GLPI_TOKEN_URL" | j access_token)
    echo "client_credentials grant (scope inventory): token of ${#CT} chars"
    INV_AUTH=(-H "Authorization: Bearer $CT")
  fi
fi

echo "inventory POST ($INV): $(curl -fsS "${INV_AUTH[@]}" "${AGENT[@]}" --data-binary @"$INV" "$GLPI_URL/front/inventory.php")"
echo "Computers: $(curl -fsS "${H[@]}" "$API/Computer?range=0-50" | php -r 'foreach(json_decode(stream_get_contents(STDIN),true) as $c) echo $c["id"],":",$c["name"],"(",$c["serial"],") ";')"
curl -fsS "${H[@]}" "$API/killSession" > /dev/null
