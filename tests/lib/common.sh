# Helpers for integration tests. Source after setting nothing; provides:
#   t_init NAME        temp dir $T, cleanup trap (processes we started, files);
#                      $T belongs to the group of the user bootd drops to
#                      ($BOOTD_USER, made here when missing: useradd
#                      --system), setgid, and umask 002: what a test makes
#                      under $T is readable, and writable, by bootd
#   free_port          a TCP/UDP port nobody listens on (loopback)
#   bootd_config FILE  writes a config for the private MariaDB (MDB_SOCK)
#   bootd_start        starts $BOOTD_BIN serve in the background ($BOOTD_PID)
#   bootd_stop         SIGTERM, wait, and check it exited cleanly
#   wait_until SECS CMD...  polls CMD every 50 ms; fails after SECS
#   ok MSG / fail MSG  report a check
set -u
: "${BOOTD_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${BOOTD_BIN:=$BOOTD_SRC/build/bootd/bootd}"
. "$BOOTD_SRC/tests/lib/mariadb.sh"

T=""
BOOTD_PID=""
NPASS=0
# The user bootd drops to (process.user's default). Tests run as root and
# make it once, as the Debian package does.
BOOTD_USER=${BOOTD_USER:-bootd}

T_CLEANUP_HOOKS=()	# functions run at exit, e.g. ns_cleanup

t_cleanup() {
	local rc=$? h
	for h in "${T_CLEANUP_HOOKS[@]}"; do
		"$h" || true
	done
	if [ -n "$BOOTD_PID" ]; then
		kill "$BOOTD_PID" 2>/dev/null || true
		wait "$BOOTD_PID" 2>/dev/null || true
	fi
	mariadb_stop
	if [ $rc -ne 0 ] && [ -n "$T" ] && [ -f "$T/bootd.log" ]; then
		echo "--- bootd.log (last 40 lines)"
		tail -40 "$T/bootd.log"
	fi
	[ -n "$T" ] && rm -rf "$T"
	exit $rc
}

# Makes the system user bootd drops to, when root and it is missing.
t_bootd_user() {
	id -u "$BOOTD_USER" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || return 1
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$BOOTD_USER" 2>/dev/null ||
		id -u "$BOOTD_USER" >/dev/null 2>&1	# made by a parallel test
}

t_init() {
	T=$(mktemp -d "/tmp/bootd-test-$1.XXXXXX")
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM
	if [ "$(id -u)" = 0 ]; then
		t_bootd_user || fail "cannot create the user $BOOTD_USER"
		# bootd runs as $BOOTD_USER: it reads the TFTP root and the
		# templates and writes its cache and journal under $T.
		chgrp "$(id -gn "$BOOTD_USER")" "$T" && chmod 2775 "$T" ||
			fail "cannot give $T to $BOOTD_USER"
		umask 002
	fi
}

ok() { NPASS=$((NPASS + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if ! ss -Htanu "( sport = :$p )" 2>/dev/null | grep -q .; then
			echo "$p"
			return
		fi
	done
	fail "no free port"
}

HTTP_PORT=""
bootd_config() {
	local file=$1
	HTTP_PORT=${HTTP_PORT:-$(free_port)}
	mkdir -p "$T/tftp"
	# A copy: the source tree may sit where bootd's user cannot read.
	[ -d "$T/templates" ] || cp -r "$BOOTD_SRC/templates" "$T/templates"
	cat > "$file" <<CFG
database = { socket = "$MDB_SOCK"; user = "bootd"; password = "bootd";
             name = "bootd"; poll_interval = ${POLL:-1.0}; retry_max = 2.0;
             connect_timeout = 2; };
paths = { tftp_root = "$T/tftp"; templates = "$T/templates";
          cache = "$T/inventory.cache"; };
tftp = { enabled = false; };
http = { listen = "127.0.0.1"; port = $HTTP_PORT;
         admin_networks = [ "127.0.0.0/8" ]; };
dhcp = { subnets = ( { network = "10.213.0.0/24"; router = "10.213.0.1";
                       dns = [ "10.213.0.1" ]; domain = "demo.test"; } ); };
log = { level = "${LOGLEVEL:-info}"; };
CFG
}

http_get() {
	curl -fsS --max-time 5 "http://127.0.0.1:$HTTP_PORT$1"
}

bootd_start() {
	"$BOOTD_BIN" --config "$1" serve >> "$T/bootd.log" 2>&1 &
	BOOTD_PID=$!
	wait_until 10 http_get /healthz >/dev/null ||
		wait_until 10 sh -c "curl -sS --max-time 2 \
			http://127.0.0.1:$HTTP_PORT/healthz | grep -q ." ||
		fail "bootd did not start"
}

bootd_stop() {
	local rc=0
	kill -TERM "$BOOTD_PID"
	wait "$BOOTD_PID" || rc=$?
	BOOTD_PID=""
	[ $rc -eq 0 ] || fail "bootd exited with $rc after SIGTERM"
}

wait_until() {
	local secs=$1 end
	shift
	end=$(( $(date +%s%N) + secs * 1000000000 ))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

t_done() { echo "$NPASS passed, 0 failed"; }
