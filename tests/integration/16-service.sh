#!/usr/bin/env bash
# bootd as a service, on loopback with unprivileged ports:
# - sd_notify (a datagram socket listened to by tests/lib/notify_listen.py):
#   READY=1 after the first snapshot, STATUS= on each change, WATCHDOG=1 at
#   half of WATCHDOG_USEC, RELOADING=1 + READY=1 around SIGHUP, STOPPING=1;
# - one instance per port: a second bootd on the same TFTP port, then on
#   the same DHCP port, exits 1 with one line naming port and protocol and
#   the bootd holding it; the first keeps serving;
# - JOURNAL_STREAM: "<N>" priorities, no timestamps; an error reaches
#   stderr with log.syslog on and no /dev/log;
# - the database refusing bootd (wrong password, unknown database, no
#   grant): one line naming the cause; exit 1 without a cache, served from
#   the cache with db=refused (and the cache's generation in the log) with
#   one; client errno values in words; render, dhcpgen and hosts fall back
#   to the cache;
# - the shipped systemd path unit for dhcpgen reloads passes
#   systemd-analyze verify.
. "$(dirname "$0")/../lib/common.sh"

BG_PIDS=()
s_cleanup() {
	local rc=$? p
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	(exit $rc)
	t_cleanup
}
t_init svc
trap s_cleanup EXIT
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
TPORT=$(free_port) DPORT=$(free_port)
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; };|" "$T/bootd.conf"
sed -i "s|^dhcp = { subnets|dhcp = { enabled = true; listen = \"127.0.0.1\"; port = $DPORT; subnets|" "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
head -c 50000 /dev/urandom > "$T/tftp/f.bin"
hz() { curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/healthz"; }
hzv() { hz | tr ' ' '\n' | sed -n "s/^$1=//p"; }
N=$T/notify.out
nlines() { grep -c "$1" "$N" 2>/dev/null || true; }

# --- sd_notify: READY, STATUS, WATCHDOG, RELOADING, STOPPING
python3 "$BOOTD_SRC/tests/lib/notify_listen.py" "$T/notify.sock" "$N" 60 &
BG_PIDS+=($!)
wait_until 5 test -S "$T/notify.sock" || fail "no notify socket"
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=1000000 \
	sh -c 'WATCHDOG_PID=$$ exec "$0" --config "$1" serve' "$BOOTD_BIN" "$T/bootd.conf" \
	>> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 10 grep -q 'READY=1' "$N" || fail "no READY=1: $(cat "$N")"
ready=$(grep -m1 'READY=1' "$N")
echo "$ready" | grep -q "STATUS=generation [0-9]*, 7 hosts from the database; db up" ||
	fail "READY=1 before the first snapshot: $ready"
[ "$(nlines 'READY=1')" = 1 ] || fail "READY=1 sent $(nlines 'READY=1') times"
hz | grep -q 'source=db db=up' || fail "healthz after READY: $(hz)"
ok "READY=1 once, with the first snapshot: ${ready#* }"
w0=$(nlines '^[0-9.]* WATCHDOG=1$')
sleep 3
w1=$(nlines '^[0-9.]* WATCHDOG=1$')
[ $((w1 - w0)) -ge 4 ] && [ $((w1 - w0)) -le 8 ] ||
	fail "WATCHDOG=1: $((w1 - w0)) in 3 s at WATCHDOG_USEC=1000000 (want every 0.5 s)"
ok "WATCHDOG=1 every ~0.5 s: $((w1 - w0)) in 3 s"
gen=$(hzv generation)
mariadb_sql "UPDATE hosts SET profile='diskless-6.6' WHERE hostname='node01'" || fail update
wait_until 5 sh -c "hz() { curl -fsS --max-time 2 http://127.0.0.1:$HTTP_PORT/healthz; }; ! hz | grep -q 'generation=$gen '" ||
	fail "no new generation"
ngen=$(hzv generation)
wait_until 3 grep -q "STATUS=generation $ngen, 7 hosts from the database; db up" "$N" ||
	fail "no STATUS= for generation $ngen: $(tail -3 "$N")"
ok "STATUS= follows the inventory: generation $gen -> $ngen"
kill -HUP "$BOOTD_PID"
wait_until 5 sh -c "grep -q 'RELOADING=1|MONOTONIC_USEC=[0-9]*' '$N' && [ \$(grep -c 'READY=1' '$N') = 2 ]" ||
	fail "no RELOADING=1 + READY=1 around SIGHUP: $(grep -v WATCHDOG "$N")"
[ "$(grep -v WATCHDOG "$N" | grep -n 'RELOADING=1' | cut -d: -f1)" -lt \
	"$(grep -v WATCHDOG "$N" | grep -n 'READY=1' | tail -1 | cut -d: -f1)" ] ||
	fail "READY=1 before RELOADING=1"
ok "SIGHUP: RELOADING=1 (with MONOTONIC_USEC), then READY=1"

# --- one instance per port
second() {	# CONF EXTRA-ENV...: runs a second bootd, bounded
	local conf=$1
	shift
	env "$@" timeout 20 "$BOOTD_BIN" --config "$conf" serve
}
sed "s|port = $HTTP_PORT;|port = $(free_port);|; s|^dhcp = { enabled = true;|dhcp = { enabled = false;|; s|^log = {.*|log = { level = \"info\"; syslog = true; };|" \
	"$T/bootd.conf" > "$T/second-tftp.conf"
: > "$T/second.err"
rc=0
second "$T/second-tftp.conf" JOURNAL_STREAM="$(stat -c %d:%i "$T/second.err")" \
	>> "$T/second.out" 2>> "$T/second.err" || rc=$?
line=$(cat "$T/second.err")
[ $rc = 1 ] && [ "$(echo "$line" | wc -l)" = 1 ] &&
	echo "$line" | grep -q "^<3>tftp: cannot listen on 127.0.0.1:$TPORT/udp: Address already in use; held by another bootd (pid $BOOTD_PID): one instance per port$" ||
	fail "second bootd on the TFTP port: rc $rc: $line"
ok "second bootd, same TFTP port: exit 1, one line on stderr (syslog on, no /dev/log; journal priority): $line"
sed "s|port = $HTTP_PORT;|port = $(free_port);|; s|port = $TPORT;|port = $(free_port);|" \
	"$T/bootd.conf" > "$T/second-dhcp.conf"
rc=0
line=$(second "$T/second-dhcp.conf" 2>&1 | grep -v ' info ') || true
second "$T/second-dhcp.conf" > /dev/null 2>&1 || rc=$?
[ $rc = 1 ] && [ "$(echo "$line" | wc -l)" = 1 ] &&
	echo "$line" | grep -q "error dhcp: cannot listen on 127.0.0.1:$DPORT/udp: Address already in use; held by another bootd (pid $BOOTD_PID)" ||
	fail "second bootd on the DHCP port: rc $rc: $line"
ok "second bootd, same DHCP port: exit 1: ${line#* }"
curl -fsS --max-time 10 "tftp://127.0.0.1:$TPORT/f.bin" -o "$T/f.out" && cmp -s "$T/tftp/f.bin" "$T/f.out" ||
	fail "the first bootd stopped serving TFTP"
kill -0 "$BOOTD_PID" && hz | grep -q '^ok ' || fail "the first bootd is gone"
ok "the first bootd keeps serving (TFTP fetch, healthz)"
kill -TERM "$BOOTD_PID"
wait "$BOOTD_PID" || fail "bootd exit status $?"
BOOTD_PID=""
grep -q 'STOPPING=1' "$N" || fail "no STOPPING=1"
ok "SIGTERM: STOPPING=1, clean exit"

# --- stderr is the journal: priorities, no timestamps
: > "$T/journal.log"
JOURNAL_STREAM=$(stat -c %d:%i "$T/journal.log") \
	"$BOOTD_BIN" --config "$T/bootd.conf" serve 2>> "$T/journal.log" &
BOOTD_PID=$!
wait_until 10 sh -c "curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/healthz | grep -q source=db" ||
	fail "bootd (journal) did not start"
kill -TERM "$BOOTD_PID"; wait "$BOOTD_PID" || fail "bootd exit status $?"
BOOTD_PID=""
grep -q '^<6>bootd: running as user ' "$T/journal.log" || fail "no <6> line: $(head -3 "$T/journal.log")"
grep -vq '^<[0-7]>' "$T/journal.log" && fail "a line without priority: $(grep -v '^<[0-7]>' "$T/journal.log" | head -2)"
grep -q '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]' "$T/journal.log" && fail "timestamps on the journal"
ok "JOURNAL_STREAM: $(wc -l < "$T/journal.log") lines, each '<N>text', no timestamp"

# --- the database refuses bootd
refused_run() {	# CONF: bootd without a cache; prints its output
	local rc=0 out
	out=$(timeout 30 "$BOOTD_BIN" --config "$1" serve 2>&1) || rc=$?
	echo "$out"
	return $rc
}
mkdir -p "$T/nocache"
nocache() { sed "s|cache = \"[^\"]*\"|cache = \"$T/nocache/inv.cache\"|; $1" "$T/bootd.conf"; }
mariadb_sql "CREATE USER 'nogrant'@'localhost' IDENTIFIED BY 'nogrant';
	CREATE USER 'wide'@'localhost' IDENTIFIED BY 'wide';
	GRANT SELECT ON *.* TO 'wide'@'localhost';
	CREATE USER 'partial'@'localhost' IDENTIFIED BY 'partial';
	GRANT SELECT ON bootd.hosts TO 'partial'@'localhost'" || fail "DB users"
as() { echo "s|user = \"bootd\"; password = \"bootd\";|user = \"$1\"; password = \"$1\";|"; }
for c in 's|password = "bootd";|password = "wrong";|@wrong user name or password' \
	"$(as nogrant)@no grant on this database, or no such database" \
	"$(as wide); s|name = \"bootd\";|name = \"nosuchdb\";|@unknown database" \
	"$(as partial)@a table grant is missing"; do
	why=${c#*@}
	nocache "${c%@*}" > "$T/refused.conf"
	s=$(date +%s%N)
	rc=0; out=$(refused_run "$T/refused.conf") || rc=$?
	ms=$(( ($(date +%s%N) - s) / 1000000 ))
	[ $rc = 1 ] || fail "$why, no cache: rc $rc: $out"
	echo "$out" | grep -q "warn db: the database refuses bootd ($why): .*; nothing to serve until it accepts" ||
		fail "$why: no clear line: $out"
	echo "$out" | grep -q "error bootd: the database refuses bootd ($why) and there is no cache to serve: stopping" ||
		fail "$why: no stop line: $out"
	echo "$out" | grep -q 'serving generation 0' && fail "$why: 'serving generation 0'"
	ok "$why, no cache: exit 1 in $ms ms: $(echo "$out" | grep -o 'db: the database refuses.*' | cut -c1-110)..."
done

# With the cache (written by the runs above): served, db=refused, and the
# log names the generation it serves.
sed 's|password = "bootd";|password = "wrong";|' "$T/bootd.conf" > "$T/wrongpw.conf"
cp "$T/wrongpw.conf" "$T/live.conf"
bootd_start "$T/live.conf"
wait_until 5 sh -c "curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=cache db=refused'" ||
	fail "not serving the cache with db=refused: $(hz)"
served=$(hzv generation)
[ "$served" -gt 0 ] || fail "cache generation $served"
grep -q "db: the database refuses bootd (wrong user name or password): .*; serving generation $served until it accepts" "$T/bootd.log" ||
	fail "refusal line does not name the served generation $served: $(grep refuses "$T/bootd.log" | tail -1)"
grep -q 'serving generation 0 ' "$T/bootd.log" && fail "'serving generation 0' in the log"
curl -fsS --max-time 10 "tftp://127.0.0.1:$TPORT/f.bin" -o "$T/f2.out" || fail "TFTP from the cache"
ok "wrong password, with a cache: serves generation $served, healthz db=refused, the log says why"
cp "$T/bootd.conf" "$T/live.conf"
kill -HUP "$BOOTD_PID"
wait_until 10 sh -c "curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=db db=up'" ||
	fail "password fixed + SIGHUP: $(hz)"
ok "password fixed, SIGHUP: db=up, source=db"
bootd_stop

# Client errno values in words; one-shot commands fall back to the cache.
TCPDB=$(free_port)
sed "s|socket = \"[^\"]*\";|host = \"127.0.0.1\"; port = $TCPDB;|" "$T/bootd.conf" > "$T/tcp.conf"
rc=0; err=$("$BOOTD_BIN" --config "$T/tcp.conf" hosts 2>&1 >/dev/null) || rc=$?
echo "$err" | grep -q "cannot connect to 127.0.0.1:$TCPDB: .*(connection refused)" ||
	fail "TCP refused not in words: $err"
echo "$err" | grep -q "using the cache file $T/inventory.cache (generation [0-9]*) instead" ||
	fail "hosts: no cache fallback: $err"
ok "closed TCP port: '$(echo "$err" | head -1 | cut -c1-100)'"
sed "s|socket = \"[^\"]*\";|socket = \"$T/no.sock\";|" "$T/bootd.conf" > "$T/down.conf"
rc=0; out=$("$BOOTD_BIN" --config "$T/down.conf" render pxelinux node01 2>"$T/render.err") || rc=$?
[ $rc = 0 ] && echo "$out" | grep -q 'diskless-6.6' ||
	fail "render with the DB down: rc $rc: $out $(cat "$T/render.err")"
grep -q "(no such socket file)" "$T/render.err" && grep -q "using the cache file" "$T/render.err" ||
	fail "render: not said: $(cat "$T/render.err")"
rc=0; out=$("$BOOTD_BIN" --config "$T/down.conf" dhcpgen --format isc 2>"$T/gen.err") || rc=$?
[ $rc = 0 ] && echo "$out" | grep -q 'host node01' && grep -q "using the cache file" "$T/gen.err" ||
	fail "dhcpgen with the DB down: rc $rc: $(cat "$T/gen.err")"
ok "DB down: render and dhcpgen use the cache and say so"

# The shipped path unit that reloads a DHCP server for dhcpgen.
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify "$BOOTD_SRC"/contrib/systemd/bootd-dhcpgen-reload.path \
		"$BOOTD_SRC"/contrib/systemd/bootd-dhcpgen-reload.service > "$T/verify.out" 2>&1 ||
		fail "systemd-analyze verify: $(cat "$T/verify.out")"
	ok "contrib/systemd/bootd-dhcpgen-reload.{path,service}: systemd-analyze verify passes"
fi
t_done
