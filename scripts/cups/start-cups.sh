#!/bin/bash
# start-cups.sh DIR PORT
#
# Starts a private CUPS scheduler (Debian's cupsd) with everything of its own under DIR:
# configuration (DIR/etc), spool (DIR/spool), cache and state (DIR/cache, DIR/state), logs
# (DIR/log), a local socket (DIR/cups.sock) and 127.0.0.1:PORT. Nothing under /etc/cups,
# /var/spool/cups, /var/cache/cups, /run/cups or /var/log/cups is read or written.
# Waits until the scheduler answers, then prints on stdout one line to point clients at it:
#   CUPS_SERVER=DIR/cups.sock
# (`CUPS_SERVER=127.0.0.1:PORT` also works, but only the socket tells cupsd who the client
# is; over TCP every client is anonymous and admin operations ask for a password).
#
# Needs the Debian packages cups, cups-client, cups-bsd (scripts/setup.sh installs them).
# Works as root (tests in CI) or as an ordinary user (DIR must be writable). Loopback only.
#
# Environment knobs (all optional):
#   CUPS_OWNER_PID     pid of the process that owns this instance (a test binary): a detached
#                      watchdog stops cupsd and deletes DIR once that process has exited.
#   CUPS_SYSTEM_GROUP  the groups whose members may administer queues (default: "root lpadmin"
#                      as root, the caller's own group otherwise); "lpadmin" alone leaves root
#                      a plain user of this scheduler
#   CUPS_START_TIMEOUT seconds to wait for the scheduler (default: 20)
#
# What a real CUPS does that surprised us (CUPS 2.4.2, Debian 12, seen with this script):
#   * Only the local socket tells cupsd who the client is (peer credentials). Over
#     127.0.0.1:PORT every client is anonymous, so admin operations want a password.
#   * root is not special: with `SystemGroup lpadmin` alone, root's lpadmin gets "Forbidden".
#     But root may act as ANY user over the socket with `-U name` (lp, lpstat, cancel,
#     cupsenable): that is how the tests play an ordinary user and "another user".
#   * An ordinary user refused an admin operation gets `client-error-forbidden` at once (no
#     password prompt over the socket); root acting as another user gets
#     `cups-authentication-canceled`. Cancelling someone else's job: "Forbidden"/"Unauthorized".
#   * `lpstat -p` shows a queue that REJECTS jobs as "idle.  enabled since …" with the reason
#     on the next line; only `lpstat -a` says "not accepting requests".
#   * `lpstat -o` prints sizes in whole KiB (an 8-byte job shows 1024), dates in local time
#     with no zone (so Guichet runs it with TZ=UTC), and, for an ordinary user, the owner of
#     every other user's job as `unknown` (an admin sees all names).
#   * `cupsdisable` without a reason sets the message "Paused". A job on a printer that does
#     not answer (socket:// to a closed port) stays "now printing" while the backend retries
#     every 30 s; the queue is not stopped.
#   * cupsd writes /run/cups/printcap unless `Printcap` names another file (set below), and
#     re-owns the folders it is given to its Group (lp). It answers about 0.1 s after start
#     but takes about 1.5 s to exit on SIGTERM.
#   * printers.conf is written some seconds after a change: a queue's "rejecting" state set
#     just before cupsd stopped was gone after a restart.
#
# Stop with: stop-cups.sh DIR   (add --purge to also delete DIR)
set -euo pipefail
export LC_ALL=C

usage() { echo "usage: $0 DIR PORT" >&2; exit 2; }
[ $# -eq 2 ] || usage
DIR=$1 PORT=$2
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || { echo "bad port: $PORT" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
CUPSD=/usr/sbin/cupsd
for f in "$CUPSD" /usr/bin/lpstat /usr/sbin/lpadmin /usr/bin/lp /usr/sbin/cupsenable; do
    [ -x "$f" ] || { echo "CUPS is not installed ($f is missing): install the Debian packages cups cups-client cups-bsd" >&2; exit 1; }
done

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd -P)
ETC=$DIR/etc SPOOL=$DIR/spool
mkdir -p "$ETC/ppd" "$ETC/ssl" "$SPOOL/tmp" "$DIR/cache" "$DIR/state/certs" "$DIR/log"
SOCK=$DIR/cups.sock

if [ "$(id -u)" -eq 0 ]; then
    # cupsd runs filters and backends as User/Group; as root it switches to them.
    RUN_USER=lp RUN_GROUP=lp
    SYSTEM_GROUP=${CUPS_SYSTEM_GROUP:-root lpadmin}
else
    # An ordinary user's cupsd cannot switch users; its owner administers it.
    RUN_USER=$(id -un) RUN_GROUP=$(id -gn)
    SYSTEM_GROUP=${CUPS_SYSTEM_GROUP:-$(id -gn)}
fi

cat > "$ETC/cups-files.conf" <<CONF
# Written by start-cups.sh: every path is under $DIR.
User $RUN_USER
Group $RUN_GROUP
SystemGroup $SYSTEM_GROUP
Printcap $DIR/printcap
ServerRoot $ETC
RequestRoot $SPOOL
TempDir $SPOOL/tmp
CacheDir $DIR/cache
StateDir $DIR/state
ServerBin /usr/lib/cups
DataDir /usr/share/cups
DocumentRoot /usr/share/cups/doc-root
AccessLog $DIR/log/access_log
ErrorLog $DIR/log/error_log
PageLog $DIR/log/page_log
FileDevice Yes
Sandboxing Relaxed
CONF

cat > "$ETC/cupsd.conf" <<CONF
# Written by start-cups.sh: loopback and a private socket only, no browsing.
LogLevel info
Listen 127.0.0.1:$PORT
Listen $SOCK
Browsing No
BrowseLocalProtocols none
DefaultAuthType Basic
WebInterface No
PreserveJobHistory Yes
MaxJobs 500
<Location />
  Order allow,deny
  Allow 127.0.0.1
  Allow @LOCAL
</Location>
<Policy default>
  JobPrivateAccess default
  JobPrivateValues default
  SubscriptionPrivateAccess default
  SubscriptionPrivateValues default
  <Limit Create-Job Print-Job Print-URI Validate-Job>
    Order deny,allow
  </Limit>
  <Limit Send-Document Send-URI Hold-Job Release-Job Restart-Job Purge-Jobs Set-Job-Attributes Create-Job-Subscription Renew-Subscription Cancel-Subscription Get-Notifications Reprocess-Job Cancel-Current-Job Suspend-Current-Job Resume-Job Cancel-My-Jobs Close-Job CUPS-Move-Job CUPS-Get-Document>
    Require user @OWNER @SYSTEM
    Order deny,allow
  </Limit>
  <Limit CUPS-Add-Modify-Printer CUPS-Delete-Printer CUPS-Add-Modify-Class CUPS-Delete-Class CUPS-Set-Default CUPS-Get-Devices>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit Pause-Printer Resume-Printer Enable-Printer Disable-Printer Pause-Printer-After-Current-Job Hold-New-Jobs Release-Held-New-Jobs Deactivate-Printer Activate-Printer Restart-Printer Shutdown-Printer Startup-Printer Promote-Job Schedule-Job-After Cancel-Jobs CUPS-Accept-Jobs CUPS-Reject-Jobs>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit Cancel-Job CUPS-Authenticate-Job>
    Require user @OWNER @SYSTEM
    Order deny,allow
  </Limit>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF

# cupsd's own syntax check first: a bad line otherwise only shows in DIR/log/error_log.
"$CUPSD" -t -c "$ETC/cupsd.conf" -s "$ETC/cups-files.conf" >&2

PIDFILE=$DIR/cupsd.pid
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "cupsd already running for $DIR (pid $(cat "$PIDFILE"))" >&2
else
    rm -f "$SOCK"
    # -f: stay in the foreground of this background job, so $! is cupsd itself.
    setsid "$CUPSD" -f -c "$ETC/cupsd.conf" -s "$ETC/cups-files.conf" \
        >> "$DIR/log/cupsd.out" 2>&1 < /dev/null &
    echo $! > "$PIDFILE"
fi
PID=$(cat "$PIDFILE")

deadline=$(( $(date +%s) + ${CUPS_START_TIMEOUT:-20} ))
until CUPS_SERVER=$SOCK lpstat -r 2>/dev/null | grep -q 'scheduler is running'; do
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "cupsd exited; see $DIR/log/error_log and $DIR/log/cupsd.out:" >&2
        tail -n 20 "$DIR/log/error_log" "$DIR/log/cupsd.out" >&2 2>/dev/null || true
        exit 1
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { echo "cupsd did not answer in time" >&2; kill -TERM "$PID"; exit 1; }
    sleep 0.1
done

if [ -n "${CUPS_OWNER_PID:-}" ]; then
    [[ "$CUPS_OWNER_PID" =~ ^[0-9]+$ ]] || { echo "bad CUPS_OWNER_PID: $CUPS_OWNER_PID" >&2; exit 2; }
    WDFILE=$DIR/watchdog.pid
    if ! { [ -f "$WDFILE" ] && kill -0 "$(cat "$WDFILE")" 2>/dev/null; }; then
        # start time of the owner (field 22 of /proc/PID/stat) guards against pid reuse
        owner_start() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }
        OWNER_START=$(owner_start "$CUPS_OWNER_PID")
        [ -n "$OWNER_START" ] || { echo "owner process $CUPS_OWNER_PID does not exist" >&2; kill -TERM "$PID"; exit 1; }
        export -f owner_start
        setsid bash -c '
            OWNER=$1 START=$2 DIR=$3 STOP=$4
            while [ -d "$DIR" ] && [ "$(owner_start "$OWNER")" = "$START" ]; do sleep 1; done
            [ -d "$DIR" ] && "$STOP" "$DIR" --purge >/dev/null 2>&1
            exit 0' cups-watchdog "$CUPS_OWNER_PID" "$OWNER_START" "$DIR" "$HERE/stop-cups.sh" \
            > /dev/null 2>&1 < /dev/null &
        echo $! > "$WDFILE"
    fi
fi

echo "CUPS_SERVER=$SOCK"
