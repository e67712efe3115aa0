#!/usr/bin/env bash
# The replies to one read burst leave together (dhcp/dhcp_txq.h, one
# sendmmsg()) and each still goes where it would alone: bootd is held
# stopped while a burst of 45 requests arrives (40 relayed from four
# giaddrs, one relayed from a giaddr the server has no route to, two
# RENEWING with ciaddr, two broadcast DISCOVERs), then let go. Every reply
# must come back once, right, to its own giaddr:67, ciaddr:68 or
# 255.255.255.255:68 from 10.213.0.2:67; the unroutable one is counted as
# a send error and does not stop the ones after it; and the whole burst
# takes a few sendmmsg() calls, not one system call per reply.
#
#   bd-bc-PID c0 10.213.0.3-6, .140-.141 ── bd-bs-PID s0 10.213.0.2 (bootd)
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"

SRV=bd-bs-$$ CLI=bd-bc-$$
b_cleanup() {
	local rc=$?
	if [ -n "$BOOTD_PID" ]; then
		kill -CONT "$BOOTD_PID" 2>/dev/null
		kill "$BOOTD_PID" 2>/dev/null
		wait "$BOOTD_PID" 2>/dev/null
		BOOTD_PID=""
	fi
	ns_cleanup
	(exit $rc)
	t_cleanup
}
t_init dhcpburst
trap b_cleanup EXIT
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
sed -i '/^dhcp = {/,/} ); };$/d' "$T/bootd.conf"
cat >> "$T/bootd.conf" <<'CFG'
dhcp = { enabled = true; listen = "0.0.0.0"; port = 67;
         subnets = ( { network = "10.213.0.0/24"; router = "10.213.0.1"; },
                     { network = "10.213.9.0/24"; router = "10.213.9.1"; } ); };
CFG
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
# Hosts b00..b43: MAC 02:00:00:00:00:ii, IP 10.213.0.(100 + i); and one
# behind the unroutable relay.
mariadb_sql "
INSERT INTO profiles (name, kind, kernel, initrd, append, selectable) VALUES
 ('p-a', 'diskless', 'k/a', 'i/a', 'ip={{ip}}', 1);
INSERT INTO hosts (hostname, mac, ip, profile, build)
 SELECT CONCAT('b', LPAD(seq, 2, '0')),
  CONCAT('02:00:00:00:00:', LPAD(HEX(seq), 2, '0')),
  CONCAT('10.213.0.', 100 + seq), 'p-a', 0 FROM seq_0_to_43;
INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
 ('far', '02:00:00:00:01:00', '10.213.9.10', 'p-a', 0);" || fail "hosts"

ns_add "$SRV" && ns_add "$CLI" &&
	ns_veth "$SRV" s0 10.213.0.2/24 "$CLI" c0 10.213.0.3/24 || fail "namespaces"
for a in 4 5 6 140 141; do
	ip -n "$CLI" addr add 10.213.0.$a/24 dev c0 || fail "address .$a"
done
ok "namespaces $SRV $CLI"

ip netns exec "$SRV" "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
hz() { nsx "$SRV" curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/healthz"; }
wait_until 10 sh -c "ip netns exec $SRV curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'hosts=45 .*source=db'" ||
	fail "bootd did not load the inventory: $(hz)"
ok "bootd serving DHCP with 45 hosts"

kill -STOP "$BOOTD_PID" || fail "SIGSTOP"
nsx "$CLI" timeout 20 python3 "$BOOTD_SRC/tests/lib/dhcp_burst.py" \
	--server 10.213.0.2 --giaddrs 10.213.0.3,10.213.0.4,10.213.0.5,10.213.0.6 \
	--relayed 40 --bad-giaddr 10.213.9.1 --bad-mac 02:00:00:00:01:00 \
	--renew 40,41 --bcast 42,43 --cont "$BOOTD_PID" > "$T/burst.out" 2>&1
rc=$?
kill -CONT "$BOOTD_PID" 2>/dev/null
cat "$T/burst.out"
[ $rc = 0 ] || fail "burst: $(head -5 "$T/burst.out")"
grep -q '^expected 44 replies 44 wrong 0 missing 0$' "$T/burst.out" ||
	fail "burst: $(head -1 "$T/burst.out")"
ok "one burst of 45 requests: 44 replies, each once, right, to its own giaddr:67 (40), ciaddr:68 (2), 255.255.255.255:68 (2), from 10.213.0.2:67"

kill -TERM "$BOOTD_PID"
wait "$BOOTD_PID" || fail "bootd exited with $? after SIGTERM"
BOOTD_PID=""
sum=$(grep 'dhcp: stopping:' "$T/bootd.log") || fail "no counters at stop"
echo "$sum"
num() { echo "$sum" | sed -n "s/.*[ (]$1 \([0-9]*\).*/\1/p"; }
[ "$(num received)" = 45 ] && [ "$(num offers)" = 42 ] && [ "$(num acks)" = 2 ] ||
	fail "counts: $sum"
[ "$(num 'send errors')" = 1 ] || fail "the unroutable reply was not counted: $sum"
grep -q 'far.*reply not sent: Network is unreachable\|02:00:00:00:01:00: reply not sent: Network is unreachable' "$T/bootd.log" ||
	fail "the unsent reply was not logged"
ok "the reply to the unroutable giaddr: counted (send errors 1) and logged; the 20 after it in the burst still left"
# One call up to the unroutable reply, one failing on it, one for the
# rest: 3 (a slow start may split the read in two bursts: 6).
calls=$(num 'sendmmsg calls')
[ -n "$calls" ] && [ "$calls" -le 6 ] ||
	fail "44 replies took ${calls:-?} sendmmsg calls (one per reply: not batched)"
ok "44 replies and 1 refused in $calls sendmmsg calls"
t_done
