#!/bin/bash
# install-rt.sh -- install the Request Tracker 5 Debian packages that Guichet's
# sync tests run against (scripts/rt/start-rt.sh).  Idempotent: does nothing
# when they are installed already.  Non-interactive: debconf questions (the
# database setup of request-tracker5, a mail server pulled in as a dependency)
# are answered with their defaults and dbconfig is told not to configure any
# system database, since the tests use private SQLite files.
# Run as root (CI: sudo scripts/install-rt.sh).
set -euo pipefail
PACKAGES=(request-tracker5 rt5-db-sqlite rt5-standalone)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "Request Tracker 5 packages already installed: ${PACKAGES[*]}" >&2
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "install-rt.sh must run as root (missing: ${missing[*]})" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
# No system database for RT (the tests create their own), and a local-only
# mail setup if a mail transport agent gets pulled in.
debconf-set-selections <<'SEL'
request-tracker5 request-tracker5/dbconfig-install boolean false
postfix postfix/main_mailer_type select No configuration
postfix postfix/mailname string localhost
exim4-config exim4/dc_eximconfig_configtype select local delivery only; not on a network
SEL
apt-get update -q
apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "installed: ${missing[*]}" >&2
