#!/usr/bin/env bash
# TFTP over a lossy path: 5% loss, duplication and reordering both ways
# between real clients and bootd, in network namespaces this test makes
# (10.213.0.0/24). This kernel has no sch_netem, so the impairment is a
# user-space relay (tests/lib/udp_impair.py) in the client's namespace.
# Also checks that transfers of a known host land in boot_events.
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
t_init impaired
T_CLEANUP_HOOKS+=(ns_cleanup)
SRV=bdsrv$$ CLI=bdcli$$
ns_pair "$SRV" 10.213.0.2 "$CLI" 10.213.0.11 || fail "namespaces"
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"0.0.0.0\"; port = 69; timeout_ms = 1000; };|;
	s|http = { listen = \"127.0.0.1\"|http = { listen = \"127.0.0.1\"|" "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
head -c $((20 * 1024 * 1024)) /dev/urandom > "$T/tftp/root.img"
head -c $((1024 * 1024)) /dev/urandom > "$T/tftp/small.img"

# bootd in the server namespace (MariaDB's unix socket works across netns;
# its HTTP port is the namespace's own loopback).
ip netns exec "$SRV" "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 10 ip netns exec "$SRV" curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz" ||
	fail "bootd did not start"
wait_until 5 sh -c "ip netns exec $SRV curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q source=db" ||
	fail "no inventory"

relay() {	# relay SEED: the impairing relay on 10.213.0.11:6900, background
	ip netns exec "$CLI" python3 "$BOOTD_SRC/tests/lib/udp_impair.py" \
		10.213.0.11 6900 10.213.0.2 69 --loss 0.05 --dup 0.02 \
		--reorder 0.05 --seed "$1" --max-seconds 200 > "$T/relay.$1" 2>&1 &
	RELAY_PID=$!
	sleep 0.3
}
fetch_ok() {	# fetch_ok LABEL FILE CMD...: runs a client through the relay
	local label=$1 file=$2 start; shift 2
	rm -f "$T/out.img"
	start=$(date +%s%N)
	timeout 180 ip netns exec "$CLI" "$@" > "$T/client.log" 2>&1 ||
		{ tail -20 "$T/client.log"; grep root.img "$T/bootd.log" | tail -3; fail "$label: client failed"; }
	kill "$RELAY_PID" 2>/dev/null; wait "$RELAY_PID" 2>/dev/null || true
	cmp -s "$T/tftp/$file" "$T/out.img" || fail "$label: file differs"
	ok "$label: $file ($(stat -c %s "$T/out.img") bytes) intact in $(( ($(date +%s%N) - start) / 1000000 )) ms"
	rm -f "$T"/relay.*
}

relay 1
fetch_ok "atftp blksize 1468 windowsize 16" root.img atftp --option "blksize 1468" \
	--option "windowsize 16" -g -r root.img -l "$T/out.img" 10.213.0.11 6900
relay 2
# Lock-step pays a timeout per loss: a smaller file keeps the test short.
fetch_ok "tftp-hpa blksize 512 (lock-step)" small.img sh -c \
	"cd $T && tftp 10.213.0.11 6900 -m binary -c get small.img out.img"
grep -q 'resent)' "$T/bootd.log" || fail "no transfer log line"
grep 'img" done' "$T/bootd.log" | grep -qv ' 0 resent' ||
	fail "no retransmissions logged: was anything lost?"
ok "retransmissions happened and were logged"

# Windows leave as UDP GSO batches. A route whose MTU is below the block
# size makes the kernel refuse them: that transfer falls back to one send
# per block (fragmented) and still arrives intact.
grep -q 'GSO refused' "$T/bootd.log" && fail "GSO refused on a plain path"
ip -n "$SRV" route add 10.213.0.11/32 dev "$NS_DEV_A" mtu 1000 || fail "route mtu"
rm -f "$T/out.img"
timeout 60 ip netns exec "$CLI" atftp --option "blksize 1468" --option "windowsize 16" \
	-g -r small.img -l "$T/out.img" 10.213.0.2 69 > "$T/client.log" 2>&1 ||
	{ tail -5 "$T/client.log"; fail "GSO fallback: client failed"; }
cmp -s "$T/tftp/small.img" "$T/out.img" || fail "GSO fallback: file differs"
grep -q '"small.img": UDP GSO refused' "$T/bootd.log" ||
	fail "GSO fallback: no log line (was GSO tried?)"
ip -n "$SRV" route del 10.213.0.11/32 dev "$NS_DEV_A"
ok "a route MTU below the block size: GSO refused, one send per block, file intact"

# The client is node01's address: its transfers are boot events. (The
# lock-step one may still be waiting for a lost final ACK: count starts.)
wait_until 5 sh -c "[ \$(mariadb --no-defaults --socket=$MDB_SOCK -uroot -N -B bootd \
	-e \"SELECT COUNT(*) FROM boot_events WHERE hostname='node01' AND stage='tftp-start'\") -ge 2 ]" ||
	fail "boot_events lacks tftp-start for node01: $(mariadb_sql 'SELECT * FROM boot_events' | tr '\n' ';')"
# A lost final ACK ends the transfer only after six resends of the last
# window with the backed-off timer (the relay is gone by then): allow it.
wait_until 60 sh -c "mariadb --no-defaults --socket=$MDB_SOCK -uroot -N -B bootd \
	-e \"SELECT detail FROM boot_events WHERE hostname='node01' AND stage='tftp-done'\" |
	grep -q '^root.img 20971520 bytes'" ||
	fail "no tftp-done event for root.img: $(grep root.img "$T/bootd.log" | tail -3)"
ok "boot_events: tftp-start and tftp-done for node01 (mac $(mariadb_sql "SELECT DISTINCT mac FROM boot_events WHERE hostname='node01'"))"
kill "$BOOTD_PID"; wait "$BOOTD_PID" || fail "bootd exit status"
BOOTD_PID=""
t_done
