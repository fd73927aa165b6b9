#!/usr/bin/env bash
# start-glpi.sh: start a throwaway, real GLPI server (10.0.10 by default, or 11.0.6 with
# GLPI_VERSION=11) with its own MariaDB, on loopback only, for Guichet's live GLPI tests.
#
#   eval "$(scripts/glpi/start-glpi.sh)"                  # GLPI 10: prints GLPI_URL=... GLPI_USER_TOKEN=...
#   eval "$(GLPI_VERSION=11 scripts/glpi/start-glpi.sh)"  # GLPI 11: also API v2 / OAuth client ids and secrets
#   scripts/glpi/stop-glpi.sh                             # stops what this started (by recorded PIDs)
#
# Idempotent: if the instance in $GLPI_STATE already runs, it only prints the variables again.
# Environment:
#   GLPI_ARCHIVE  the release archive to run: a .tar.xz or GLPI's official .tgz (both unpack to glpi/).
#                 Unset: $GLPI_ARCHIVE_DIR/glpi-<version>.t* if present, else the official .tgz is
#                 downloaded from GLPI's release page on GitHub into $GLPI_CACHE (needs the network).
#   GLPI_VERSION  which release when GLPI_ARCHIVE is unset: 10 (= 10.0.10, default), 11 (= 11.0.6),
#                 or a full version
#   GLPI_ARCHIVE_DIR  where to look for release archives (default: none)
#   GLPI_STATE    state directory (default /tmp/guichet-glpi for 10, /tmp/guichet-glpi<major> otherwise):
#                 tree, database, logs, PIDs, tokens
#   GLPI_CACHE    cache shared by state dirs (default /tmp/guichet-glpi-cache): a freshly
#                 installed MariaDB datadir per version, so a new state starts in seconds, not ~30 s
#   GLPI_PORT     HTTP port on 127.0.0.1 (default: the port recorded in the state, else the first
#                 free one from 8090)
#   GLPI_NO_APP_TOKEN=1   leave the API v1 client without an App-Token (then none is required)
#   GLPI_WORKERS  PHP built-in server workers (default 4; 1 = strictly sequential)
#   GLPI_INVENTORY_AUTH   GLPI 11 only: oauth (default; native inventory needs a client-credentials
#                 bearer token with scope "inventory") or none (inventory open, as in GLPI 10)
#   GLPI_OWNER_PID  pid of the process that owns this instance (a test binary): a detached watchdog
#                 stops the servers and deletes $GLPI_STATE once that process has exited, so a
#                 killed test run never leaves GLPI or MariaDB running
# Everything goes to stderr except the KEY=VALUE lines on stdout.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${GLPI_CACHE:-/tmp/guichet-glpi-cache}
if [ -n "${GLPI_ARCHIVE:-}" ]; then
  ARCHIVE=$GLPI_ARCHIVE
  [ -f "$ARCHIVE" ] || { echo "start-glpi: GLPI_ARCHIVE=$ARCHIVE: no such file" >&2; exit 1; }
else
  case "${GLPI_VERSION:-10}" in 10) WANT=10.0.10;; 11) WANT=11.0.6;; *) WANT=$GLPI_VERSION;; esac
  ARCHIVE=$(ls "${GLPI_ARCHIVE_DIR:-/nonexistent}"/glpi-"$WANT".t* "$CACHE"/glpi-"$WANT".tgz 2>/dev/null | head -n 1 || true)
  if [ -z "$ARCHIVE" ]; then
    # GLPI's official release archive; its sha256 is published beside it on the release page.
    SRC=https://github.com/glpi-project/glpi/releases/download/$WANT/glpi-$WANT.tgz
    echo "start-glpi: downloading $SRC" >&2
    mkdir -p "$CACHE"
    curl -fL --retry 2 -o "$CACHE/glpi-$WANT.tgz.part" "$SRC" \
      || { echo "start-glpi: cannot download GLPI $WANT: set GLPI_ARCHIVE to a release archive" >&2; exit 1; }
    mv "$CACHE/glpi-$WANT.tgz.part" "$CACHE/glpi-$WANT.tgz"
    ARCHIVE=$CACHE/glpi-$WANT.tgz
  fi
fi
VERSION=$(basename "$ARCHIVE" | sed -E 's/^glpi-(.*)\.(tar\.xz|tgz|tar\.gz)$/\1/')
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "start-glpi: cannot read a version in the archive's name: $ARCHIVE (want glpi-X.Y.Z.tgz or .tar.xz)" >&2; exit 1; }
MAJOR=${VERSION%%.*}
DEFAULT_STATE=/tmp/guichet-glpi; [ "$MAJOR" = 10 ] || DEFAULT_STATE=/tmp/guichet-glpi$MAJOR
STATE=${GLPI_STATE:-$DEFAULT_STATE}
WORKERS=${GLPI_WORKERS:-4}
INVENTORY_AUTH=${GLPI_INVENTORY_AUTH:-oauth}
case "$INVENTORY_AUTH" in oauth|none) ;; *) echo "start-glpi: GLPI_INVENTORY_AUTH must be oauth or none" >&2; exit 1;; esac

T0=$(date +%s.%N)
log() { printf '[start-glpi %5.1fs] %s\n' "$(echo "$(date +%s.%N) - $T0" | bc 2>/dev/null || echo 0)" "$*" >&2; }
die() { echo "start-glpi: $*" >&2; exit 1; }

RUN=$STATE/run LOGS=$STATE/log DATADIR=$STATE/mysql TREE=$STATE/glpi
SOCK=$RUN/mysql.sock
SQL() { mariadb --no-defaults -S "$SOCK" -uroot "$@"; }
# GLPI 11's bin/console refuses to run as root without --allow-superuser (GLPI 10's has no such option)
CONSOLE=(php bin/console); [ "$MAJOR" -ge 11 ] && [ "$(id -u)" = 0 ] && CONSOLE+=(--allow-superuser)
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while port_busy "$p"; do p=$((p + 1)); done; echo "$p"; }

print_env() {
  # shellcheck disable=SC1090
  . "$STATE/tokens.env"
  local url; url="http://127.0.0.1:$(cat "$RUN/http.port")"
  cat > "$STATE/glpi.env" <<EOF
GLPI_URL=$url
GLPI_API_URL=$url/apirest.php
GLPI_INVENTORY_URL=$url/front/inventory.php
GLPI_USER=glpi
GLPI_PASSWORD=glpi
GLPI_USER_TOKEN=$USER_TOKEN
GLPI_APP_TOKEN=$APP_TOKEN
GLPI_POSTONLY_USER=post-only
GLPI_POSTONLY_PASSWORD=postonly
GLPI_POSTONLY_TOKEN=$POSTONLY_TOKEN
GLPI_VERSION=$VERSION
GLPI_STATE=$STATE
GLPI_DB_SOCKET=$SOCK
EOF
  if [ "$MAJOR" -ge 11 ]; then
    cat >> "$STATE/glpi.env" <<EOF
GLPI_API_V2_URL=$url/api.php/v2.2
GLPI_TOKEN_URL=$url/api.php/token
GLPI_OAUTH_CLIENT_ID=$OAUTH_CLIENT_ID
GLPI_OAUTH_CLIENT_SECRET=$OAUTH_CLIENT_SECRET
GLPI_INVENTORY_CLIENT_ID=$INVENTORY_CLIENT_ID
GLPI_INVENTORY_CLIENT_SECRET=$INVENTORY_CLIENT_SECRET
GLPI_INVENTORY_AUTH=$(cat "$RUN/inventory.auth" 2>/dev/null || echo "$INVENTORY_AUTH")
EOF
  fi
  cat "$STATE/glpi.env"
}

# ---------------------------------------------------------------- 0. already running?
if [ -f "$STATE/glpi.version" ] && [ "$(cat "$STATE/glpi.version")" != "$VERSION" ]; then
  die "$STATE holds GLPI $(cat "$STATE/glpi.version"), not $VERSION: use another GLPI_STATE, or stop-glpi.sh --purge it"
fi
if alive "$RUN/php.pid" && alive "$RUN/mysql.pid" && [ -f "$STATE/tokens.env" ] \
   && curl -fsS -o /dev/null "http://127.0.0.1:$(cat "$RUN/http.port")/apirest.php/" 2>/dev/null; then
  if [ "$MAJOR" -ge 11 ] && [ -n "${GLPI_INVENTORY_AUTH:-}" ] && [ "$(cat "$RUN/inventory.auth" 2>/dev/null)" != "$INVENTORY_AUTH" ]; then
    die "already running with GLPI_INVENTORY_AUTH=$(cat "$RUN/inventory.auth" 2>/dev/null): stop-glpi.sh first"
  fi
  log "already running (state $STATE)"
  print_env
  exit 0
fi

# ---------------------------------------------------------------- 1. Debian packages
PKGS="php8.2-cli php8.2-mysql php8.2-gd php8.2-intl php8.2-curl php8.2-mbstring php8.2-xml
      php8.2-zip php8.2-bz2 php8.2-ldap php8.2-opcache mariadb-server mariadb-client xz-utils curl bc"
[ "$MAJOR" -ge 11 ] && PKGS="$PKGS php8.2-bcmath"   # GLPI 11 requires bcmath (QR codes)
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "installing Debian packages:$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends $missing >&2 \
    || { $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq --no-install-recommends $missing >&2; }
fi
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)

mkdir -p "$RUN" "$LOGS" "$CACHE"
echo "$VERSION" > "$STATE/glpi.version"

# ---------------------------------------------------------------- 2. GLPI tree
if [ ! -f "$TREE/version/$VERSION" ]; then
  log "unpacking $(basename "$ARCHIVE") into $TREE"
  rm -rf "$TREE"
  tar -C "$STATE" -xf "$ARCHIVE"
  [ -f "$TREE/version/$VERSION" ] || die "archive did not unpack to $TREE"
fi
# git (where this release was kept) drops empty folders: GLPI needs these
mkdir -p "$TREE"/files/{_cache,_cron,_dumps,_graphs,_locales,_lock,_log,_pictures,_plugins,_rss,_sessions,_tmp,_uploads,_inventories,_themes} \
         "$TREE/plugins" "$TREE/marketplace" "$TREE/config"

# ---------------------------------------------------------------- 3. MariaDB
MYSQL_OPTS=(--no-defaults --datadir="$DATADIR" --socket="$SOCK" --pid-file="$RUN/mysql.pid"
  --bind-address=127.0.0.1 --skip-name-resolve --user="$(id -un)"
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
  --innodb-buffer-pool-size=128M --innodb-log-file-size=16M
  --innodb-flush-method=nosync --skip-innodb-doublewrite --innodb-flush-log-at-trx-commit=0
  --log-error="$LOGS/mysql.err")
start_mysql() {
  local port; port=$(free_port "${1:-33070}")
  echo "$port" > "$RUN/mysql.port"
  rm -f "$SOCK"
  nohup setsid "$MARIADBD" "${MYSQL_OPTS[@]}" --port="$port" > /dev/null 2>&1 < /dev/null &
  for _ in $(seq 120); do
    mariadb-admin --no-defaults -S "$SOCK" -uroot ping > /dev/null 2>&1 && return 0
    sleep 0.25
  done
  tail -20 "$LOGS/mysql.err" >&2; die "MariaDB did not start (log: $LOGS/mysql.err)"
}
stop_mysql() {
  local pid; pid=$(cat "$RUN/mysql.pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$RUN/mysql.pid"
}
write_config_db() {
  cat > "$TREE/config/config_db.php" <<EOF
<?php
class DB extends DBmysql {
   public \$dbhost = '127.0.0.1:$(cat "$RUN/mysql.port")';
   public \$dbuser = 'glpi';
   public \$dbpassword = 'glpi';
   public \$dbdefault = 'glpi';
   public \$use_timezones = true;
   public \$use_utf8mb4 = true;
   public \$allow_myisam = false;
   public \$allow_datetime = false;
   public \$allow_signed_keys = false;
}
EOF
}

TEMPLATE=$CACHE/mysql-glpi-$VERSION
if ! alive "$RUN/mysql.pid"; then
  if [ ! -d "$DATADIR/glpi" ]; then
    rm -rf "$DATADIR"
    if [ -f "$TEMPLATE/.complete" ] && [ -f "$CACHE/glpicrypt-$VERSION.key" ] \
       && { [ "$MAJOR" -lt 11 ] || [ -f "$CACHE/oauth-$VERSION.pem" ]; }; then
      log "copying the cached freshly installed database ($TEMPLATE)"
      cp -a "$TEMPLATE" "$DATADIR"
      rm -f "$DATADIR/.complete"
      cp "$CACHE/glpicrypt-$VERSION.key" "$TREE/config/glpicrypt.key"
      if [ "$MAJOR" -ge 11 ]; then   # the OAuth server's RSA key pair, made by database:install
        cp "$CACHE/oauth-$VERSION.pem" "$TREE/config/oauth.pem"; cp "$CACHE/oauth-$VERSION.pub" "$TREE/config/oauth.pub"
      fi
      start_mysql "$(cat "$RUN/mysql.port" 2>/dev/null || echo 33070)"
    else
      log "initialising MariaDB datadir"
      mariadb-install-db --no-defaults --datadir="$DATADIR" --user="$(id -un)" \
        --auth-root-authentication-method=normal --skip-test-db > "$LOGS/install-db.log" 2>&1 \
        || { cat "$LOGS/install-db.log" >&2; die "mariadb-install-db failed"; }
      start_mysql 33070
      SQL -e "CREATE DATABASE glpi CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE USER 'glpi'@'127.0.0.1' IDENTIFIED BY 'glpi'; CREATE USER 'glpi'@'localhost' IDENTIFIED BY 'glpi';
        GRANT ALL ON glpi.* TO 'glpi'@'127.0.0.1'; GRANT ALL ON glpi.* TO 'glpi'@'localhost';
        GRANT SELECT ON mysql.time_zone_name TO 'glpi'@'127.0.0.1'; GRANT SELECT ON mysql.time_zone_name TO 'glpi'@'localhost';"
      log "installing GLPI $VERSION schema (php bin/console db:install; 3-20 s with GLPI 10, about 1 min with 11)"
      rm -f "$TREE/config/config_db.php" "$TREE/config/glpicrypt.key" "$TREE/config/oauth.pem" "$TREE/config/oauth.pub"
      (cd "$TREE" && "${CONSOLE[@]}" db:install -H 127.0.0.1 -P "$(cat "$RUN/mysql.port")" -d glpi -u glpi -p glpi \
          -L en_GB --no-telemetry --no-interaction) > "$LOGS/db-install.log" 2>&1 \
        || { tail -30 "$LOGS/db-install.log" >&2; die "GLPI db:install failed"; }
      log "enabling the API and the native inventory"
      kvs=("enable_api 1" "enable_api_login_credentials 1" "enable_api_login_external_token 1")
      [ "$MAJOR" -ge 11 ] && kvs+=("enable_hlapi 1")   # API v2 ("High-Level API"): off by default
      (cd "$TREE" && for kv in "${kvs[@]}"; do
          # shellcheck disable=SC2086
          "${CONSOLE[@]}" config:set $kv --no-interaction; done
        "${CONSOLE[@]}" config:set --context=inventory enabled_inventory 1 --no-interaction) >> "$LOGS/db-install.log" 2>&1
      log "caching the fresh database in $TEMPLATE"
      stop_mysql
      rm -rf "$TEMPLATE.tmp"
      cp -a "$DATADIR" "$TEMPLATE.tmp"
      rm -f "$TEMPLATE.tmp/ibtmp1"
      touch "$TEMPLATE.tmp/.complete"
      rm -rf "$TEMPLATE"; mv "$TEMPLATE.tmp" "$TEMPLATE"
      cp "$TREE/config/glpicrypt.key" "$CACHE/glpicrypt-$VERSION.key"
      if [ "$MAJOR" -ge 11 ]; then
        cp "$TREE/config/oauth.pem" "$CACHE/oauth-$VERSION.pem"; cp "$TREE/config/oauth.pub" "$CACHE/oauth-$VERSION.pub"
      fi
      start_mysql "$(cat "$RUN/mysql.port")"
    fi
  else
    log "starting MariaDB on the existing datadir"
    start_mysql "$(cat "$RUN/mysql.port" 2>/dev/null || echo 33070)"
  fi
fi
write_config_db

# ---------------------------------------------------------------- 4. tokens and per-port settings
if [ ! -f "$STATE/tokens.env" ]; then
  rnd() { LC_ALL=C tr -dc 'a-zA-Z0-9' < /dev/urandom 2>/dev/null | head -c 40 || true; }
  hex() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }   # like GLPI's own OAuth ids/secrets
  {
    echo "USER_TOKEN=$(rnd)"
    if [ "${GLPI_NO_APP_TOKEN:-0}" = 1 ]; then echo "APP_TOKEN="; else echo "APP_TOKEN=$(rnd)"; fi
    echo "POSTONLY_TOKEN=$(rnd)"
    echo "OAUTH_CLIENT_ID=$(hex)"; echo "OAUTH_CLIENT_SECRET=$(hex)"
    echo "INVENTORY_CLIENT_ID=$(hex)"; echo "INVENTORY_CLIENT_SECRET=$(hex)"
  } > "$STATE/tokens.env"
fi
# shellcheck disable=SC1091
. "$STATE/tokens.env"
PORT=${GLPI_PORT:-}
if [ -z "$PORT" ]; then
  PORT=$(cat "$RUN/http.port" 2>/dev/null || echo 8090)
  port_busy "$PORT" && PORT=$(free_port 8090)
fi
port_busy "$PORT" && die "port $PORT is in use"
echo "$PORT" > "$RUN/http.port"
URL=http://127.0.0.1:$PORT
# GLPI 11 stores these tokens (and OAuth client secrets) encrypted with config/glpicrypt.key (GLPIKey).
enc() { (cd "$TREE" && php -r 'require "vendor/autoload.php"; echo (new GLPIKey($argv[1]))->encrypt($argv[2]);' "$TREE/config" "$1"); }
stored() { if [ "$MAJOR" -ge 11 ]; then enc "$1"; else printf '%s' "$1"; fi; }
APP_SQL="NULL"; [ -n "$APP_TOKEN" ] && APP_SQL="'$(stored "$APP_TOKEN")'"
SQL glpi -e "
  UPDATE glpi_users SET api_token='$(stored "$USER_TOKEN")', api_token_date=NOW() WHERE name='glpi';
  UPDATE glpi_users SET api_token='$(stored "$POSTONLY_TOKEN")', api_token_date=NOW() WHERE name='post-only';
  UPDATE glpi_apiclients SET app_token=$APP_SQL, app_token_date=NOW(), is_active=1,
         ipv4_range_start=INET_ATON('127.0.0.1'), ipv4_range_end=INET_ATON('127.0.0.1'), ipv6='::1' WHERE id=1;
  UPDATE glpi_configs SET value='$URL' WHERE context='core' AND name='url_base';
  UPDATE glpi_configs SET value='$URL/apirest.php' WHERE context='core' AND name='url_base_api';"
if [ "$MAJOR" -ge 11 ]; then
  # API v2 / OAuth 2 clients (GLPI 11 has no console command for them): glpi_oauthclients stores the
  # secret encrypted (GLPIKey) and grants/scopes as JSON arrays.
  SQL glpi -e "
    DELETE FROM glpi_oauthclients WHERE name IN ('guichet-api', 'guichet-inventory');
    INSERT INTO glpi_oauthclients (identifier, name, comment, secret, redirect_uri, grants, scopes, is_active, is_confidential)
    VALUES ('$OAUTH_CLIENT_ID', 'guichet-api', 'start-glpi.sh: password grant, scopes api/user/email/status', '$(enc "$OAUTH_CLIENT_SECRET")',
            '[\"/api.php/oauth2/redirection\"]', '[\"password\",\"authorization_code\"]', '[\"api\",\"user\",\"email\",\"status\"]', 1, 1),
           ('$INVENTORY_CLIENT_ID', 'guichet-inventory', 'start-glpi.sh: client credentials, scope inventory', '$(enc "$INVENTORY_CLIENT_SECRET")',
            '[\"/api.php/oauth2/redirection\"]', '[\"client_credentials\"]', '[\"inventory\"]', 1, 1);"
  INV_AUTH_VALUE=none; [ "$INVENTORY_AUTH" = oauth ] && INV_AUTH_VALUE=client_credentials
  SQL glpi -e "
    UPDATE glpi_configs SET value='1' WHERE context='core' AND name='enable_hlapi';
    DELETE FROM glpi_configs WHERE context='inventory' AND name='auth_required';
    INSERT INTO glpi_configs (context, name, value) VALUES ('inventory', 'auth_required', '$INV_AUTH_VALUE');"
  echo "$INVENTORY_AUTH" > "$RUN/inventory.auth"
  rm -rf "$TREE"/files/_cache/* 2>/dev/null || true     # GLPI 11 caches the configuration there
else
  rm -rf "$TREE/files/_cache/core" 2>/dev/null || true   # config cache, rebuilt on demand
fi

# ---------------------------------------------------------------- 5. PHP built-in server
# php -S sets SCRIPT_NAME to the request path when a router script is used; GLPI's public/index.php
# derives its URI prefix from SCRIPT_NAME and then answers 403 to /apirest.php/... and /front/....
# This router pins SCRIPT_NAME to /index.php first. GLPI 11 (a Symfony front controller in public/):
# every request that is not a static file of public/ must reach public/index.php (/api.php/...,
# /apirest.php/..., /front/inventory.php, /Inventory, ...); static files are left to php -S.
if [ "$MAJOR" -ge 11 ]; then
  cat > "$RUN/router.php" <<EOF
<?php
\$path = rawurldecode(parse_url(\$_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/');
if (\$path !== '/' && !str_contains(\$path, '..') && !str_ends_with(\$path, '.php') && is_file('$TREE/public' . \$path)) {
    return false;
}
\$_SERVER['SCRIPT_NAME'] = '/index.php';
\$_SERVER['PHP_SELF'] = '/index.php';
\$_SERVER['SCRIPT_FILENAME'] = '$TREE/public/index.php';
\$_SERVER['DOCUMENT_ROOT'] = '$TREE/public';
chdir('$TREE/public');
return require '$TREE/public/index.php';
EOF
else
cat > "$RUN/router.php" <<EOF
<?php
\$_SERVER['SCRIPT_NAME'] = '/index.php';
\$_SERVER['PHP_SELF'] = '/index.php';
\$_SERVER['SCRIPT_FILENAME'] = '$TREE/public/index.php';
chdir('$TREE/public');
return require '$TREE/public/index.php';
EOF
fi
# A simple command (no subshell), so $! is php itself; setsid makes it a process-group leader and
# stop-glpi.sh kills that group: the master and its PHP_CLI_SERVER_WORKERS workers (killing only
# the master leaves the workers serving the port).
cd "$TREE"
PHP_CLI_SERVER_WORKERS=$WORKERS nohup setsid php -d memory_limit=512M -d max_execution_time=300 \
    -d post_max_size=64M -d upload_max_filesize=64M -d session.cookie_httponly=On \
    -S "127.0.0.1:$PORT" -t "$TREE/public" "$RUN/router.php" > "$LOGS/php-server.log" 2>&1 < /dev/null &
echo $! > "$RUN/php.pid"
cd - > /dev/null
for _ in $(seq 240); do   # GLPI 11 builds its Symfony container on the first request (a few seconds)
  code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/apirest.php/" 2>/dev/null || true)
  [ "$code" = 200 ] && break
  alive "$RUN/php.pid" || { tail -20 "$LOGS/php-server.log" >&2; die "PHP server died"; }
  sleep 0.25
done
[ "$code" = 200 ] || die "GLPI does not answer on $URL (log: $LOGS/php-server.log)"

# ---------------------------------------------------------------- watchdog
if [ -n "${GLPI_OWNER_PID:-}" ]; then
  [[ "$GLPI_OWNER_PID" =~ ^[0-9]+$ ]] || die "bad GLPI_OWNER_PID: $GLPI_OWNER_PID"
  WDFILE=$RUN/watchdog.pid
  if ! alive "$WDFILE"; then
    # the owner's start time (field 22 of /proc/PID/stat) guards against pid reuse
    owner_start() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }
    OWNER_START=$(owner_start "$GLPI_OWNER_PID")
    [ -n "$OWNER_START" ] || die "owner process $GLPI_OWNER_PID does not exist"
    export -f owner_start
    GLPI_STATE=$STATE setsid bash -c '
        OWNER=$1 START=$2 DIR=$3 STOP=$4
        while [ -d "$DIR" ] && [ "$(owner_start "$OWNER")" = "$START" ]; do sleep 1; done
        [ -d "$DIR" ] && "$STOP" --purge >/dev/null 2>&1
        exit 0' glpi-watchdog "$GLPI_OWNER_PID" "$OWNER_START" "$STATE" "$HERE/stop-glpi.sh" \
        > /dev/null 2>&1 < /dev/null &
    echo $! > "$WDFILE"
  fi
fi

# ---------------------------------------------------------------- 6. smoke test
hdr=(-H "Authorization: user_token $USER_TOKEN"); [ -n "$APP_TOKEN" ] && hdr+=(-H "App-Token: $APP_TOKEN")
if curl -fsS "${hdr[@]}" "$URL/apirest.php/initSession" | grep -q session_token; then
  log "GLPI $VERSION ready on $URL (API initSession OK)"
else
  log "WARNING: GLPI answers but initSession failed; see $TREE/files/_log/"
fi
if [ "$MAJOR" -ge 11 ]; then
  if curl -fsS -d grant_type=password -d client_id="$OAUTH_CLIENT_ID" -d client_secret="$OAUTH_CLIENT_SECRET" \
       -d username=glpi -d password=glpi -d scope=api "$URL/api.php/token" | grep -q access_token; then
    log "API v2 OAuth password grant OK"
  else
    log "WARNING: OAuth password grant on $URL/api.php/token failed; see $TREE/files/_log/"
  fi
fi
print_env
