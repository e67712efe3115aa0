#!/usr/bin/env bash
# The JSON API under /api/ and the host states behind it, against a real
# MariaDB and real traffic on loopback: a host goes booting (a DHCP
# REQUEST acked to its own address), stays booting through TFTP (curl
# from its address), installing and installed (status POSTs); another,
# whose profile has stall_timeout = 2, goes stalled, is logged once and
# counted in /metrics; per-host series move; a peer outside the admin
# networks gets 403; bad queries get 400 with a JSON reason; a restart
# keeps every state (seeded from boot_events).
. "$(dirname "$0")/../lib/common.sh"
t_init api
command -v promtool >/dev/null || fail "promtool missing (scripts/deps.sh)"
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
TPORT=$(free_port)
DPORT=$(free_port)
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; };|" "$T/bootd.conf"
sed -i "s|^dhcp = { subnets|dhcp = { enabled = true; listen = \"127.0.0.1\"; port = $DPORT; subnets|" "$T/bootd.conf"
sed -i 's|domain = "demo.test"; } ); };|domain = "demo.test"; }, { network = "127.0.0.0/8"; } ); };|' "$T/bootd.conf"
# 127.0.0.1 is an admin; 127.0.0.2 is not.
sed -i 's|admin_networks = \[ "127.0.0.0/8" \]|admin_networks = [ "127.0.0.1" ]|' "$T/bootd.conf"
echo 'metrics = { per_host = true; };' >> "$T/bootd.conf"
grep -q '127.0.0.0/8"; } ); };' "$T/bootd.conf" && grep -q 'admin_networks = \[ "127.0.0.1" \]' "$T/bootd.conf" ||
	fail "config not edited"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mariadb_sql "INSERT INTO profiles (name, kind, kernel, initrd, append,
	kickstart, selectable, stall_timeout) SELECT 'quick', kind, kernel, initrd,
	append, kickstart, 0, 2 FROM profiles WHERE name = 'install';
	INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
	('api94a', '02:13:00:00:94:01', '127.0.0.94', 'install', 1),
	('api94s', '02:13:00:00:94:02', '127.0.0.95', 'quick', 1);
	INSERT INTO host_vars (hostname, name, value) VALUES
	('api94a', 'group', 'rack94')" || fail "test hosts"
head -c 3000 /dev/urandom > "$T/tftp/pxelinux.0"
bootd_start "$T/bootd.conf"
U=http://127.0.0.1:$HTTP_PORT
wait_until 10 sh -c "curl -fsS $U/healthz | grep -q 'source=db'" || fail "no inventory"
wait_until 10 grep -q 'watch: host states from' "$T/bootd.log" || fail "no seed"

# J PATH EXPR: python3 evaluates EXPR on the JSON of GET PATH (as j).
J() {
	curl -fsS --max-time 5 "$U$1" -o "$T/j.json" || return 1
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$T/j.json" "$2"
}
# is_state HOST S: polled, so grep (a python start is slow on a busy box).
is_state() {
	curl -fsS --max-time 5 "$U/api/hosts/$1" -o "$T/j.json" &&
		grep -q "^{\"name\":\"$1\",.*,\"state\":\"$2\"," "$T/j.json"
}
# dhcp_ack IP MAC XID: a RENEWING REQUEST from IP, acked back to it.
dhcp_ack() {
	python3 - "$DPORT" "$1" "$2" "$3" <<'PY'
import socket, struct, sys
port, ip, mac, xid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4], 16)
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.bind((ip, port + 1))
c.settimeout(5)
p = struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, xid, 0, 0,
                struct.unpack("!I", socket.inet_aton(ip))[0], 0, 0, 0)
p += bytes.fromhex(mac.replace(":", "")) + bytes(10) + bytes(64) + bytes(128)
p += b"\x63\x82\x53\x63" + b"\x35\x01\x03" + b"\xff"
c.sendto(p, ("127.0.0.1", port))
r = c.recv(4096)
assert r[4:8] == struct.pack("!I", xid) and b"\x35\x01\x05" in r[240:], "no ACK"
PY
}

[ "$(J /api/hosts/api94a 'j["state"], j["group"], j["build"], j["events"]')" = "('unseen', 'rack94', 1, [])" ] ||
	fail "api94a at start: $(cat "$T/j.json")"
[ "$(J /api/status 'j["counts"]["unseen"], j["source"], j["db"]["state"], j["hosts"]')" = "(9, 'db', 'up', 9)" ] ||
	fail "status at start: $(cat "$T/j.json")"
ok "at start: unseen, group from host_vars, status counts"

# Booting: a DHCP ACK, then TFTP from the host's own address.
dhcp_ack 127.0.0.94 02:13:00:00:94:01 94000001 || fail "DHCP ACK api94a"
wait_until 5 is_state api94a booting || fail "not booting: $(cat "$T/j.json")"
curl -fsS --max-time 10 --interface 127.0.0.94 "tftp://127.0.0.1:$TPORT/pxelinux.0" -o "$T/p.bin" ||
	fail "TFTP from 127.0.0.94"
wait_until 5 sh -c "curl -fsS $U/api/hosts/api94a | grep -q tftp-done" || fail "no tftp-done"
[ "$(J /api/hosts/api94a '[(e["stage"], e["src"]) for e in j["events"]]')" = \
	"[('dhcp-ack', 'dhcp'), ('tftp-start', 'tftp'), ('tftp-done', 'tftp')]" ] ||
	fail "timeline: $(cat "$T/j.json")"
[ "$(J /api/hosts/api94a 'j["state"], j["last_stage"], j["began_ms"] == j["events"][0]["ms"]')" = "('booting', 'tftp-done', True)" ] ||
	fail "booting through TFTP: $(cat "$T/j.json")"
last=$(J /api/hosts/api94a 'j["events"][-1]["seq"]')
ok "booting: DHCP ACK, then TFTP from the host (seq $last)"

curl -fsS -X POST -d 'stage=install-start&detail=anaconda "x"' "$U/status/api94a" >/dev/null || fail "POST install-start"
wait_until 5 is_state api94a installing || fail "not installing"
[ "$(J "/api/hosts/api94a/events?after=$last" '[(e["stage"], e["detail"], e["seq"]) for e in j["events"]]')" = \
	"[('install-start', 'anaconda \"x\"', $((last + 1)))]" ] || fail "events after $last: $(cat "$T/j.json")"
curl -fsS -X POST -d 'stage=install-done' "$U/status/api94a" >/dev/null || fail "POST install-done"
wait_until 5 is_state api94a installed || fail "not installed"
# The build flag is cleared; the next snapshot has build = 0.
wait_until 10 sh -c "curl -fsS $U/api/hosts/api94a | grep -q '\"build\":0'" || fail "build flag not cleared"
[ "$(J /api/hosts/api94a 'j["state"], j["began_ms"]')" = "('installed', None)" ] || fail "installed: $(cat "$T/j.json")"
ok "installing, installed (status POSTs); ?after= gives only the new event"

# Stalled: profile quick's stall_timeout is 2 s.
dhcp_ack 127.0.0.95 02:13:00:00:94:02 94000002 || fail "DHCP ACK api94s"
wait_until 5 is_state api94s booting || fail "api94s not booting"
wait_until 10 is_state api94s stalled || fail "api94s not stalled: $(cat "$T/j.json")"
[ "$(J '/api/hosts?state=stalled' '[h["name"] for h in j["hosts"]]')" = "['api94s']" ] ||
	fail "?state=stalled: $(cat "$T/j.json")"
wait_until 10 grep -q 'watch: host api94s stalled: booting since .*, no install-done in 2 s' "$T/bootd.log" ||
	fail "no stall line"
sleep 5.5	# one more scan: still one line
[ "$(grep -c 'host api94s stalled' "$T/bootd.log")" = 1 ] || fail "stall logged more than once"
curl -fsS "$U/metrics" -o "$T/m.txt" || fail "GET /metrics"
grep -qx 'bootd_hosts{state="stalled"} 1' "$T/m.txt" && grep -qx 'bootd_host_stalled_total 1' "$T/m.txt" &&
	grep -qx 'bootd_hosts{state="installed"} 1' "$T/m.txt" ||
	fail "state gauges: $(grep -E '^bootd_host' "$T/m.txt" | head -20)"
grep -qx 'bootd_host_state{host="api94a",state="installed"} 1' "$T/m.txt" &&
	grep -qx 'bootd_host_state{host="api94s",state="stalled"} 1' "$T/m.txt" &&
	grep -q '^bootd_host_last_event_timestamp_seconds{host="api94a",stage="install-done"} 1[0-9.e+]*$' "$T/m.txt" ||
	fail "per-host series: $(grep -E '^bootd_host_(state|last)' "$T/m.txt" | head)"
promtool check metrics < "$T/m.txt" > "$T/promtool.out" 2>&1 || fail "promtool: $(cat "$T/promtool.out")"
ok "stalled after 2 s: logged once, bootd_hosts and bootd_host_stalled_total, per-host series; promtool accepts"

# Filters, errors, the ACL.
[ "$(J '/api/hosts?q=RACK94&profile=install' '[h["name"] for h in j["hosts"]]')" = "['api94a']" ] ||
	fail "q and profile: $(cat "$T/j.json")"
[ "$(J '/api/hosts' '[h["name"] for h in j["hosts"]] == sorted(h["name"] for h in j["hosts"])')" = True ] ||
	fail "hosts not sorted"
code=$(curl -sS -o "$T/e.json" -w '%{http_code}' "$U/api/hosts?state=sleepy")
[ "$code" = 400 ] && grep -q '"error":"unknown state"' "$T/e.json" || fail "bad state: $code $(cat "$T/e.json")"
code=$(curl -sS -o "$T/e.json" -w '%{http_code}' "$U/api/hosts/api94a/events?after=x")
[ "$code" = 400 ] || fail "bad after: $code"
code=$(curl -sS -o "$T/e.json" -w '%{http_code}' "$U/api/hosts/nobody")
[ "$code" = 404 ] && grep -q '"error":"no such host"' "$T/e.json" || fail "unknown host: $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$U/api/status")
[ "$code" = 405 ] || fail "POST: $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "$U/api/status")
[ "$code" = 403 ] || fail "non-admin peer: $code"
curl -sSI "$U/api/status" | grep -qi '^cache-control: no-store' || fail "no Cache-Control"
ok "q, profile, sorted; 400 bad query, 404, 405, 403 outside admin_networks, no-store"

# Discovered: a DISCOVER from an unknown MAC.
python3 - "$DPORT" <<'PY' || fail "DISCOVER"
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
p = struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, 0x940009, 0, 0x8000, 0, 0, 0, 0)
p += bytes.fromhex("021300009409") + bytes(10) + bytes(64) + bytes(128)
p += b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\x5d\x02\x00\x07" + b"\xff"
s.sendto(p, ("127.0.0.1", int(sys.argv[1])))
PY
wait_until 5 sh -c "curl -fsS $U/api/discovered | grep -q 02:13:00:00:94:09" || fail "not discovered"
[ "$(J /api/discovered '[(d["mac"], d["arch"], d["arch_name"]) for d in j["discovered"]][0]')" = "('02:13:00:00:94:09', 7, 'x64 UEFI')" ] ||
	fail "discovered: $(cat "$T/j.json")"
ok "discovered: the unknown MAC with its architecture"

# A restart keeps the states: seeded from boot_events.
wait_until 10 sh -c "curl -fsS $U/healthz | grep -q 'events_queued=0 '" || fail "events not written"
bootd_stop
bootd_start "$T/bootd.conf"
wait_until 10 sh -c "[ \$(grep -c 'watch: host states from' $T/bootd.log) -ge 2 ]" ||
	fail "no seed after restart"
[ "$(J /api/hosts/api94a 'j["state"], [e["stage"] for e in j["events"]]')" = \
	"('installed', ['dhcp-ack', 'tftp-start', 'tftp-done', 'install-start', 'install-done'])" ] ||
	fail "api94a after restart: $(cat "$T/j.json")"
is_state api94s stalled || fail "api94s after restart: $(cat "$T/j.json")"
[ "$(J /api/status 'j["counts"]["installed"], j["counts"]["stalled"]')" = "(1, 1)" ] || fail "counts after restart"
J /api/discovered '[d["mac"] for d in j["discovered"]]' | grep -q 02:13:00:00:94:09 || fail "discovered after restart"
ok "restart: installed and stalled kept, the timeline and discovered MACs read back"
bootd_stop
t_done
