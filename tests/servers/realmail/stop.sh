#!/usr/bin/env bash
# stop.sh — stop the Dovecot and Postfix that start.sh started in WORKDIR.
#
#   usage: stop.sh [WORKDIR]     (default: $REALMAIL_DIR or /tmp/fourmail-realmail)
#
# Only the processes named by the pid files in WORKDIR are signalled (and the
# children in their session, which both masters lead); nothing is matched by
# name. Mail, TLS material and logs stay in WORKDIR; delete it for a clean slate.
set -uo pipefail
W=${1:-${REALMAIL_DIR:-/tmp/fourmail-realmail}}
case "$W" in /*) ;; *) W="$PWD/$W" ;; esac
W=${W%/}

log() { printf 'realmail: %s\n' "$*" >&2; }

# Zombies do not count: with no init system reaping orphans promptly, an exited
# master stays a zombie for seconds, and waiting for it made stopping slow.
session_pids() { # all live (non-zombie) pids whose session id is $1
  ps -e -o pid=,sid=,stat= | awk -v s="$1" '$2 == s && $3 !~ /^Z/ { print $1 }'
}
alive() { ps -o stat= -p "$1" 2>/dev/null | grep -qv '^Z'; }

stop_master() { # label pidfile expected-exe
  local label=$1 pidfile=$2 want=$3 pid exe sid left i
  [ -f "$pidfile" ] || { log "$label: not running (no $pidfile)"; return 0; }
  pid=$(tr -dc '0-9' <"$pidfile")
  if [ -z "$pid" ] || ! alive "$pid"; then
    log "$label: stale pid file, removing"; rm -f "$pidfile"; return 0
  fi
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  if [ "$exe" != "$want" ]; then
    log "$label: pid $pid is $exe, not $want; leaving it alone"; return 1
  fi
  sid=$(ps -o sid= -p "$pid" | tr -d ' ')
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 200); do
    left=$( [ "$sid" = "$pid" ] && session_pids "$sid" || { alive "$pid" && echo "$pid"; } )
    [ -z "$left" ] && break
    sleep 0.05
  done
  if [ -n "$left" ]; then
    log "$label: still running after 10 s, sending KILL to: $left"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null
  fi
  rm -f "$pidfile"
  log "$label: stopped (pid $pid)"
}

rc=0
# Postfix first: it delivers into Dovecot over LMTP.
stop_master postfix "$W/postfix/spool/pid/master.pid" /usr/lib/postfix/sbin/master || rc=1
stop_master dovecot "$W/run/dovecot/master.pid" /usr/sbin/dovecot || rc=1
exit $rc
