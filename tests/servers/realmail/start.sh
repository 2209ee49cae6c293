#!/usr/bin/env bash
# start.sh — install (if needed) and start real mail servers on loopback for
# fourmail's tests: Dovecot (IMAP, POP3, LMTP, SASL auth) and Postfix (SMTP).
#
#   usage: start.sh [WORKDIR]     (default: $REALMAIL_DIR or /tmp/fourmail-realmail)
#
# Everything the servers read or write lives under WORKDIR: configuration, TLS
# material, Maildirs, queues, sockets, logs and pid files. Outside it, only
# apt-get runs. Must run as root (both masters drop privileges themselves).
#
# Idempotent: if this WORKDIR's servers already run with the same settings and
# every listener answers, it exits 0 at once. Otherwise it (re)writes the config,
# (re)starts both daemons and exits 0 only when every listener answers. Mailboxes
# and the TLS material survive restarts. Writes WORKDIR/realmail.env (KEY=VALUE).
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=${1:-${REALMAIL_DIR:-/tmp/fourmail-realmail}}
case "$W" in /*) ;; *) W="$PWD/$W" ;; esac
W=${W%/}

# ---- settings (environment overrides) -------------------------------------
HOST=${REALMAIL_HOST:-127.0.0.1}          # every listener binds here only
IMAP_PORT=${REALMAIL_IMAP_PORT:-10143}    # IMAP, STARTTLS offered, plaintext login allowed
IMAPS_PORT=${REALMAIL_IMAPS_PORT:-10993}  # IMAP over implicit TLS
POP3_PORT=${REALMAIL_POP3_PORT:-10110}    # POP3, STLS offered, plaintext login allowed
POP3S_PORT=${REALMAIL_POP3S_PORT:-10995}  # POP3 over implicit TLS
SMTP_PORT=${REALMAIL_SMTP_PORT:-10025}    # SMTP, STARTTLS optional, AUTH allowed in clear
SUBM_PORT=${REALMAIL_SUBMISSION_PORT:-10587} # submission, STARTTLS required before AUTH/MAIL
SMTPS_PORT=${REALMAIL_SMTPS_PORT:-10465}  # SMTP over implicit TLS (submissions)
SMTP_NOTLS_PORT=${REALMAIL_SMTP_NOTLS_PORT:-10026} # SMTP that never offers STARTTLS
# Dovecot 2.3 can switch TLS off per local IP but not per port, so the IMAP/POP3
# listeners without any STARTTLS/STLS live on a second loopback address.
NOTLS_HOST=${REALMAIL_NOTLS_HOST:-127.0.0.2}
DOMAINS=${REALMAIL_DOMAINS:-"example.com example.org realmail.test localhost"}
USERS=${REALMAIL_USERS:-"alice:alice-pw bob:bob-pw"}
MAIL_OWNER=${REALMAIL_MAIL_USER:-mail}   # existing system account that owns Maildirs
# HMAC key for the static OAuth2 (XOAUTH2/OAUTHBEARER) test tokens (JWT, HS256).
OAUTH2_KEY=${REALMAIL_OAUTH2_KEY:-realmail-oauth2-test-signing-key}
PKGS="dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix openssl curl"  # curl: a real client for the sandbox tests

log() { printf 'realmail: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# after daemons may have been started: stop them again so nothing half-up remains
fail() { "$HERE/stop.sh" "$W" >/dev/null 2>&1 || true; die "$@"; }

[ "$(id -u)" = 0 ] || die "must run as root (daemons drop privileges to dovecot/postfix/mail users)"
[[ "$W" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "work dir must be an absolute path of [A-Za-z0-9._/-]: $W"
# unix socket paths (WORKDIR/run/dovecot/...) are limited to 107 bytes
[ ${#W} -le 70 ] || die "work dir path too long for unix sockets (max 70 chars): $W"

T0=$(date +%s.%N)
mkdir -p "$W/log"
# Two test runs starting at once must not race apt/dpkg or each other's daemons.
exec 9>"$W/.start.lock"
flock -w 900 9 || die "another start.sh holds $W/.start.lock"

# ---- readiness probes --------------------------------------------------------
banner() { # host port expected-prefix
  timeout 3 bash -c 'exec 3<>/dev/tcp/$1/$2 && IFS= read -r -t 2 line <&3 && [[ "$line" == "$3"* ]]' _ "$1" "$2" "$3" 2>/dev/null
}
tls_ok() { # host port: a verified handshake against our CA
  timeout 5 openssl s_client -connect "$1:$2" -CAfile "$W/tls/ca.pem" -verify_return_error -brief </dev/null >/dev/null 2>&1
}
listeners_ok() {
  banner "$HOST" "$IMAP_PORT" "* OK" && banner "$NOTLS_HOST" "$IMAP_PORT" "* OK" \
  && banner "$HOST" "$POP3_PORT" "+OK" && banner "$NOTLS_HOST" "$POP3_PORT" "+OK" \
  && banner "$HOST" "$SMTP_PORT" "220" && banner "$HOST" "$SMTP_NOTLS_PORT" "220" \
  && banner "$HOST" "$SUBM_PORT" "220" \
  && tls_ok "$HOST" "$IMAPS_PORT" && tls_ok "$HOST" "$POP3S_PORT" && tls_ok "$HOST" "$SMTPS_PORT"
}
master_alive() { # pidfile expected-exe
  local pid
  [ -r "$1" ] || return 1
  pid=$(tr -dc '0-9' <"$1")
  [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$2" ]
}

# ---- 0. fast path: already running with these settings ----------------------
# The stamp covers every setting and this script itself, so a changed config
# or script restarts the servers instead of silently reusing stale ones.
STAMP=$( { printf '%s\n' "$HOST $NOTLS_HOST $IMAP_PORT $IMAPS_PORT $POP3_PORT $POP3S_PORT" \
  "$SMTP_PORT $SUBM_PORT $SMTPS_PORT $SMTP_NOTLS_PORT|$DOMAINS|$USERS|$MAIL_OWNER|$OAUTH2_KEY"
  cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16)
if [ "$(cat "$W/realmail.stamp" 2>/dev/null)" = "$STAMP" ] && [ -s "$W/realmail.env" ] \
   && master_alive "$W/run/dovecot/master.pid" /usr/sbin/dovecot \
   && master_alive "$W/postfix/spool/pid/master.pid" /usr/lib/postfix/sbin/master \
   && listeners_ok; then
  log "already running in $W"   # ../control.py looks for these words
  exit 0
fi
rm -f "$W/realmail.stamp"

# ---- 1. install (idempotent) -------------------------------------------------
find_missing() {
  missing=""
  for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
}
apt_run() { # apt-get ARGS...: retried while another apt/dpkg holds a lock (up to 5 min)
  local i out
  for i in $(seq 1 60); do
    if out=$(apt-get "$@" 2>&1 </dev/null); then printf '%s\n' "$out" >>"$W/log/apt.log"; return 0; fi
    printf '%s\n' "$out" >>"$W/log/apt.log"
    # `apt-get update` gives up at once on a lock; DPkg::Lock::Timeout covers dpkg's only
    grep -q "Could not get lock" <<<"$out" || return 1
    sleep 5
  done
  return 1
}
find_missing
if [ -n "$missing" ]; then
  # Test runs with other work dirs may be installing too: one at a time, then look again.
  mkdir -p /run/lock; exec 8>/run/lock/fourmail-realmail-install.lock
  flock -w 900 8 || die "another start.sh has been installing for 15 minutes"
  find_missing
fi
if [ -n "$missing" ]; then
  log "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # "No configuration": the package then writes no /etc/postfix/main.cf and its
  # init script has nothing to start; this instance is configured under $W.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  : >"$W/log/apt.log"
  apt_run update -q || { tail -20 "$W/log/apt.log" >&2; die "apt-get update failed"; }
  # shellcheck disable=SC2086
  apt_run install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing \
    || { tail -40 "$W/log/apt.log" >&2; die "apt-get install failed"; }
  log "installed in $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
fi
exec 8>&-
T1=$(date +%s.%N)
getent passwd "$MAIL_OWNER" >/dev/null || die "no such user: $MAIL_OWNER"
getent passwd postfix dovecot dovenull >/dev/null || die "postfix/dovecot/dovenull users missing (package install incomplete?)"
MAIL_UID=$(id -u "$MAIL_OWNER"); MAIL_GID=$(id -g "$MAIL_OWNER")

# ---- 2. stop a previous instance in this work dir ------------------------------
"$HERE/stop.sh" "$W" >/dev/null 2>&1 || true

# ---- 3. layout ---------------------------------------------------------------
mkdir -p "$W"/{etc/postfix,etc/oauth2-keys/default/HS256,tls,log,tokens,run,state/dovecot,postfix/data}
chmod 755 "$W" "$W/run"
mkdir -p "$W/mail"; chown "$MAIL_UID:$MAIL_GID" "$W/mail"; chmod 700 "$W/mail"
# Postfix: queue_directory must be root-owned; `postfix start` creates its subdirectories
mkdir -p "$W/postfix/spool"; chown root:root "$W/postfix/spool"
chown postfix:postfix "$W/postfix/data"
: >"$W/log/dovecot.log"; : >"$W/log/postfix.log"

# ---- 4. TLS: a throw-away CA and a server certificate signed by it -----------------
# Kept across restarts so that clients pinning tls/ca.pem keep working.
if [ ! -s "$W/tls/server.pem" ] || [ ! -s "$W/tls/ca.pem" ]; then
  T="$W/tls"
  cat >"$T/server.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:mail.realmail.test,IP:127.0.0.1,IP:$HOST,IP:$NOTLS_HOST
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
EOF
  { openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
      -keyout "$T/ca.key" -out "$T/ca.pem" -subj "/CN=realmail test CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -addext "subjectKeyIdentifier=hash" \
    && openssl req -new -newkey rsa:2048 -nodes -sha256 \
      -keyout "$T/server.key" -out "$T/server.csr" -subj "/CN=localhost" \
    && openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
      -CAserial "$T/ca.srl" -CAcreateserial -days 3650 -sha256 \
      -extfile "$T/server.ext" -out "$T/server.pem"
  } >"$W/log/tls.log" 2>&1 || { cat "$W/log/tls.log" >&2; die "certificate generation failed"; }
  cat "$T/server.pem" "$T/ca.pem" >"$T/fullchain.pem"
  rm -f "$T/server.csr" "$T/ca.srl"
  chmod 600 "$T/ca.key" "$T/server.key"
fi

# ---- 5. users: Dovecot passwd-file, plaintext-equivalent ({PLAIN}) so that
#         CRAM-MD5 and APOP work; tokens for XOAUTH2/OAUTHBEARER ----------------
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
printf '%s' "$OAUTH2_KEY" | openssl base64 -A >"$W/etc/oauth2-keys/default/HS256/default"
: >"$W/etc/dovecot.passwd"
: >"$W/etc/postfix/vmailbox"
for up in $USERS; do
  u=${up%%:*}; pw=${up#*:}
  printf '%s:{PLAIN}%s::::::\n' "$u" "$pw" >>"$W/etc/dovecot.passwd"
  for d in $DOMAINS; do printf '%s@%s OK\n' "$u" "$d" >>"$W/etc/postfix/vmailbox"; done
  # JWT {"alg":"HS256","typ":"JWT"}.{"sub":USER,"exp":2100-01-01}: fixed claims, so the token is static
  hdr=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
  body=$(printf '{"sub":"%s","exp":4102444800}' "$u" | b64url)
  sig=$(printf '%s' "$hdr.$body" | openssl dgst -sha256 -mac HMAC -macopt "key:$OAUTH2_KEY" -binary | b64url)
  printf '%s\n' "$hdr.$body.$sig" >"$W/tokens/$u"
done
chown root:dovecot "$W/etc/dovecot.passwd"; chmod 640 "$W/etc/dovecot.passwd"

# ---- 6. Dovecot -----------------------------------------------------------------
cat >"$W/etc/dovecot-oauth2.conf.ext" <<EOF
# Validate bearer tokens locally as HS256-signed JWTs (no HTTP introspection server).
# Key lookup: <dict>/shared/<azp:default>/<alg>/<kid:default> -> base64 key
introspection_mode = local
local_validation_key_dict = fs:posix:prefix=$W/etc/oauth2-keys/
username_attribute = sub
username_format = %Ln
EOF

cat >"$W/etc/dovecot.conf" <<EOF
# realmail Dovecot instance: everything under $W
instance_name = realmail
base_dir = $W/run/dovecot
state_dir = $W/state/dovecot
log_path = $W/log/dovecot.log
auth_verbose = yes
#auth_debug = yes
#mail_debug = yes

protocols = imap pop3 lmtp
listen = $HOST
shutdown_clients = yes

ssl = yes
ssl_cert = <$W/tls/fullchain.pem
ssl_key = <$W/tls/server.key
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2

# Tests must be able to authenticate without TLS (acceptUnsecureConnection).
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 apop xoauth2 oauthbearer
# alice, ALICE, alice@example.com, alice@anydomain all are user "alice".
auth_username_format = %Ln
# Fast, deterministic failures in tests: no 2 s failure delay, no per-IP penalty.
auth_failure_delay = 0
mail_max_userip_connections = 100

passdb {
  driver = passwd-file
  args = scheme=PLAIN $W/etc/dovecot.passwd
  mechanisms = plain login cram-md5 apop
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $W/etc/dovecot-oauth2.conf.ext
}
userdb {
  driver = passwd-file
  args = $W/etc/dovecot.passwd
  default_fields = uid=$MAIL_UID gid=$MAIL_GID home=$W/mail/%n
}

first_valid_uid = $MAIL_UID
first_valid_gid = $MAIL_GID
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
}
pop3_uidl_format = %08Xu%08Xv

service imap-login {
  inet_listener imap {
    address = $HOST $NOTLS_HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = $HOST
    port = $IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = $HOST $NOTLS_HOST
    port = $POP3_PORT
  }
  inet_listener pop3s {
    address = $HOST
    port = $POP3S_PORT
    ssl = yes
  }
}
# On $NOTLS_HOST Dovecot offers no STARTTLS/STLS at all.
local $NOTLS_HOST {
  ssl = no
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
service auth {
  # Postfix smtpd's SASL backend (smtpd_sasl_type = dovecot)
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
protocol lmtp {
  postmaster_address = postmaster@realmail.test
}
EOF

# ---- 7. Postfix -----------------------------------------------------------------
PF="$W/etc/postfix"
cat >"$PF/main.cf" <<EOF
# realmail Postfix instance: everything under $W
compatibility_level = 3.6
queue_directory = $W/postfix/spool
data_directory = $W/postfix/data
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = /var, /dev/stdout, $W/log
maillog_file = $W/log/postfix.log

myhostname = mail.realmail.test
mydomain = realmail.test
myorigin = \$mydomain
mydestination =
inet_interfaces = $HOST
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP realmail (Postfix)
biff = no
append_dot_mydomain = no
recipient_delimiter = +
message_size_limit = 52428800
smtputf8_enable = yes

# No local(8) delivery, no aliases: every test user is a virtual mailbox that
# is handed to Dovecot over LMTP.
alias_maps =
alias_database =
local_recipient_maps =
local_transport = error:5.1.1 local delivery disabled
virtual_mailbox_domains = $DOMAINS
virtual_mailbox_maps = texthash:$PF/vmailbox
virtual_transport = lmtp:unix:$W/run/dovecot/lmtp
# Nothing leaves the machine.
relayhost =
default_transport = error:5.7.1 outbound delivery disabled (realmail test server)
relay_transport = error:5.7.1 outbound delivery disabled (realmail test server)
# Even authenticated users may only send to the local test domains: other
# recipients get "554 5.7.1 Relay access denied" at RCPT time.
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = reject_unlisted_recipient

# SASL through Dovecot's auth service (PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER)
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $W/run/dovecot/auth-postfix
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_tls_auth_only = no

smtpd_tls_chain_files = $W/tls/server.key, $W/tls/fullchain.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
tls_random_source = dev:/dev/urandom
EOF

cat >"$PF/master.cf" <<EOF
# service        type  private unpriv chroot wakeup maxproc command
$HOST:$SMTP_PORT inet  n       -      n      -      -       smtpd
  -o syslog_name=realmail/smtp
$HOST:$SMTP_NOTLS_PORT inet n  -      n      -      -       smtpd
  -o syslog_name=realmail/smtp-notls
  -o smtpd_tls_security_level=none
$HOST:$SUBM_PORT inet  n       -      n      -      -       smtpd
  -o syslog_name=realmail/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
$HOST:$SMTPS_PORT inet n       -      n      -      -       smtpd
  -o syslog_name=realmail/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
lmtp       unix  -       -       n       -       -       lmtp
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
EOF

# ---- 8. start ---------------------------------------------------------------------
# Postfix sleeps in 300 ms steps while a table or main.cf looks freshly modified
# (it assumes an edit in progress): backdating them saves ~2 s per start.
touch -d '-1 minute' "$PF"/main.cf "$PF"/master.cf "$PF"/vmailbox
doveconf -c "$W/etc/dovecot.conf" -n >"$W/log/doveconf.out" 2>&1 || { cat "$W/log/doveconf.out" >&2; die "dovecot config invalid"; }
# The daemons must not inherit our stdout/stderr: Dovecot's master keeps fd 2
# open, which would hang any caller that reads this script's output to EOF
# (`start.sh | tee`, `$(start.sh)`, subprocess.run(capture_output=True)).
# Nor our lock (fd 9): a daemon holding it would block every later start.sh.
dovecot -c "$W/etc/dovecot.conf" </dev/null >"$W/log/dovecot.stderr" 2>&1 9>&- \
  || { cat "$W/log/dovecot.stderr" >&2; fail "dovecot failed to start"; }
postfix -c "$PF" start </dev/null >"$W/log/postfix-start.out" 2>&1 9>&- \
  || { cat "$W/log/postfix-start.out" >&2; tail -20 "$W/log/postfix.log" >&2; fail "postfix failed to start"; }

# ---- 9. wait until every listener answers ----------------------------------------
ready=0
for _ in $(seq 1 150); do
  if listeners_ok; then ready=1; break; fi
  sleep 0.2
done
[ $ready = 1 ] || { tail -20 "$W/log/dovecot.log" "$W/log/postfix.log" >&2; fail "listeners did not come up within 30 s"; }

cat >"$W/realmail.env" <<EOF2
# realmail servers in $W (KEY=VALUE, shell syntax)
REALMAIL_DIR=$W
REALMAIL_HOST=$HOST
REALMAIL_NOTLS_HOST=$NOTLS_HOST
REALMAIL_IMAP_PORT=$IMAP_PORT
REALMAIL_IMAPS_PORT=$IMAPS_PORT
REALMAIL_POP3_PORT=$POP3_PORT
REALMAIL_POP3S_PORT=$POP3S_PORT
REALMAIL_SMTP_PORT=$SMTP_PORT
REALMAIL_SMTP_NOTLS_PORT=$SMTP_NOTLS_PORT
REALMAIL_SUBMISSION_PORT=$SUBM_PORT
REALMAIL_SMTPS_PORT=$SMTPS_PORT
REALMAIL_CA=$W/tls/ca.pem
REALMAIL_USERS="$USERS"
REALMAIL_DOMAINS="$DOMAINS"
REALMAIL_TOKENS=$W/tokens
REALMAIL_DOVECOT_CONF=$W/etc/dovecot.conf
EOF2
echo "$STAMP" >"$W/realmail.stamp"

el() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }
log "ready in $W (install/check $(el "$T0" "$T1")s, configure+start $(el "$T1" "$(date +%s.%N)")s)"
