#!/usr/bin/env bash
# guichet-actions.sh -- lets GLPI knowledge-base articles carry Guichet's published fix-it actions.
#
# For GLPI admins (GLPI 10 or 11), once. GLPI refuses to store a file whose extension is not an
# uploadable Document type: the upload of a `.guichet-action` file fails with
# "File <name> not found." until that type exists. This script adds it (Setup > Dropdowns >
# Document types, by hand, does the same: extension `guichet-action`, "Authorized upload" yes),
# through GLPI's REST API v1 (Setup > General > API: enabled, with an API client for this host).
#
#   GLPI_URL=https://glpi.example.org GLPI_USER_TOKEN=… [GLPI_APP_TOKEN=…] ./guichet-actions.sh
#   GLPI_URL=… GLPI_USER=glpi GLPI_PASSWORD=… [GLPI_APP_TOKEN=…] ./guichet-actions.sh
#
# The account needs the right to create Document types (Super-Admin). Running it again changes
# nothing. Then attach each file written by `guichet fix sign` to the article it fixes (the
# article's "Documents" tab, or `POST Document` with `"itemtype": "KnowbaseItem"`): Guichet
# downloads every Document named *.guichet-action linked to an article its account may read, with
# the knowledge base, and runs one only if its signature verifies against a key in the machine's
# /etc/guichet/policy.json.
set -euo pipefail
: "${GLPI_URL:?set GLPI_URL to the root URL of GLPI}"
API=${GLPI_URL%/}/apirest.php
EXT=guichet-action
APP=(); [ -n "${GLPI_APP_TOKEN:-}" ] && APP=(-H "App-Token: $GLPI_APP_TOKEN")
if [ -n "${GLPI_USER_TOKEN:-}" ]; then
  LOGIN=(-H "Authorization: user_token $GLPI_USER_TOKEN")
elif [ -n "${GLPI_USER:-}" ] && [ -n "${GLPI_PASSWORD:-}" ]; then
  LOGIN=(-u "$GLPI_USER:$GLPI_PASSWORD")
else
  echo "guichet-actions: set GLPI_USER_TOKEN, or GLPI_USER and GLPI_PASSWORD" >&2; exit 2
fi
# The first number after "<field>": in a small JSON answer (no jq needed on the admin's machine).
field() { { grep -o "\"$1\":[0-9]*" || true; } | head -n1 | cut -d: -f2; }

SESSION=$(curl -fsS "${APP[@]}" "${LOGIN[@]}" "$API/initSession" | grep -o '"session_token":"[^"]*"' | cut -d'"' -f4)
[ -n "$SESSION" ] || { echo "guichet-actions: no session from $API/initSession" >&2; exit 1; }
H=("${APP[@]}" -H "Session-Token: $SESSION" -H 'Content-Type: application/json')
trap 'curl -fsS "${H[@]}" "$API/killSession" > /dev/null || true' EXIT

FOUND=$(curl -fsS -g "${H[@]}" "$API/DocumentType?searchText[ext]=^$EXT\$&range=0-0" || true)
ID=$(printf '%s' "$FOUND" | field id)
if [ -z "$ID" ]; then
  TYPE='{"input":{"name":"Guichet action","ext":"'$EXT'","mime":"application/json","is_uploadable":1,
    "comment":"Signed fix-it actions that Guichet offers with the article they are attached to"}}'
  ANSWER=$(curl -fsS "${H[@]}" -X POST "$API/DocumentType" -d "$TYPE")
  ID=$(printf '%s' "$ANSWER" | field id)
  [ -n "$ID" ] || { echo "guichet-actions: GLPI did not create the type: $ANSWER" >&2; exit 1; }
  echo "Document type .$EXT added (id $ID)"
elif [ "$(printf '%s' "$FOUND" | field is_uploadable)" != 1 ]; then
  curl -fsS "${H[@]}" -X PUT "$API/DocumentType/$ID" -d '{"input":{"is_uploadable":1}}' > /dev/null
  echo "Document type .$EXT (id $ID) may now be uploaded"
else
  echo "Document type .$EXT already there (id $ID)"
fi
