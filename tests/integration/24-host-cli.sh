#!/usr/bin/env bash
# The host commands on a real MariaDB: `bootd host add|set|rm` and
# `discovered promote` write in one transaction what the daemon's own
# validators accept, and refuse with check's own words what they do not
# (bad MAC, duplicate IP and MAC, unknown profile, IP in no subnet, bad or
# reserved variable name, missing dom0, a dom0 that still has guests),
# writing nothing (a dump of the tables before and after); a running bootd
# serves the change. `bootd hosts` shows each host's state from real status
# POSTs (hoststate's rule), filters by state and profile, fits 80 columns;
# `bootd hosts NAME` shows one host in full; --json on hosts, events and
# discovered parses.
. "$(dirname "$0")/../lib/common.sh"
t_init hostcli
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mariadb_sql "INSERT INTO discovered (mac, arch, vendor_class) VALUES
 ('52:54:00:00:09:01', 7, 'PXEClient:Arch:00007'),
 ('52:54:00:00:09:02', NULL, CONCAT('odd', CHAR(1), '\"q'))" || fail discovered
dump() {
	mariadb_sql "SELECT * FROM hosts ORDER BY id; SELECT * FROM host_vars
		ORDER BY hostname, name; SELECT mac FROM discovered ORDER BY mac;
		SELECT gen FROM generation"
}
json() { python3 -c "import json, sys; d = json.load(sys.stdin); $1"; }

refused() {	# refused WHY CMD...: exit 1, WHY on stderr, nothing written
	local why=$1 rc=0 out d0
	shift
	d0=$(dump)
	out=$(B "$@" 2>&1) || rc=$?
	[ $rc = 1 ] && grep -qF -- "$why" <<<"$out" && grep -q 'nothing changed' <<<"$out" ||
		fail "$*: exit $rc: $out"
	[ "$(dump)" = "$d0" ] || fail "$*: something was written"
	ok "refused, nothing written: ${*:1:3}... ($why)"
}
A="host add n1 52:54:00:00:04:01 10.213.0.41"
refused 'rejected hosts "n1": malformed MAC "zz:00"' host add n1 zz:00 10.213.0.41 guest
refused 'rejected hosts "n1": duplicate IP 10.213.0.11 (also "node01")' \
	host add n1 52:54:00:00:04:01 10.213.0.11 guest
refused 'rejected hosts "n1": duplicate MAC 52:54:00:00:01:01 (also "node01")' \
	host add n1 52-54-00-00-01-01 10.213.0.41 guest
refused 'rejected hosts "n1": unknown profile "nope"' $A nope
refused 'host "n1": IP 10.99.0.1 is in no dhcp.subnets entry' \
	host add n1 52:54:00:00:04:01 10.99.0.1 guest
refused 'rejected host_vars "n1"."9x": ' $A guest --var 9x=1
refused 'rejected host_vars "n1"."hostname": ' $A guest --var hostname=x
refused 'rejected hosts "n1": dom0 "nope" not found' $A guest --dom0 nope --vdisk /dev/x
refused 'rejected hosts "vm01": dom0 "dom0-01" is disabled' host set dom0-01 enabled=0
refused 'rejected hosts "node02": duplicate IP 10.213.0.11' host set node02 ip=10.213.0.11
refused 'no host "nope"' host set nope build=1
refused 'host "dom0-01" has guests vm01, vm02, vm03: remove them first, or --force' \
	host rm dom0-01
refused 'no discovered MAC 52:54:00:00:04:01' \
	discovered promote 52:54:00:00:04:01 n1 10.213.0.41 guest
refused 'rejected hosts "x'"'"' OR 1=1": invalid hostname' \
	host add "x' OR 1=1" 52:54:00:00:04:01 10.213.0.41 guest

# The same words as check: the same bad row written with SQL.
mariadb_sql "INSERT INTO hosts (hostname, mac, ip, profile, dom0, vdisk) VALUES
 ('n1', '52:54:00:00:04:01', '10.213.0.41', 'guest', 'nope', '/dev/x')"
B check > "$T/check.out" 2>&1
grep -qxF 'rejected hosts "n1": dom0 "nope" not found' "$T/check.out" ||
	fail "check says otherwise: $(cat "$T/check.out")"
mariadb_sql "DELETE FROM hosts WHERE hostname = 'n1'"
ok "check names the same row in the same words"

for bad in "host" "host add n1 52:54:00:00:04:01" "host set node01" \
	"host set node01 bogus=1" "host set node01 ip" "host rm node01 --bogus" \
	"host frob node01" "$A guest --memory" "discovered promote x" \
	"hosts --state sleepy" "hosts --bogus"; do
	rc=0; B $bad >/dev/null 2>&1 || rc=$?
	[ $rc = 2 ] || fail "$bad: exit $rc"
done
ok "usage errors: exit 2"

bootd_start "$T/bootd.conf"
U=http://127.0.0.1:$HTTP_PORT
wait_until 10 sh -c "curl -fsS $U/healthz | grep -q 'source=db'" || fail "no inventory"

out=$(B host add node04 52-54-00-00-01-04 10.213.0.14 diskless-6.6 --var color=blue \
	--build 0) || fail "add: $out"
[ "$out" = "host node04 added" ] || fail "add said: $out"
[ "$(mariadb_sql "SELECT mac, ip, profile, enabled, build FROM hosts WHERE hostname='node04'")" = \
	"$(printf '52:54:00:00:01:04\t10.213.0.14\tdiskless-6.6\t1\t0')" ] || fail "add: row"
wait_until 5 sh -c "curl -fsS $U/inventory | grep -q '^node04 '" ||
	fail "the running bootd did not pick up node04"
ok "host add: the row as given, the running bootd serves it"

out=$(B host set NODE04 ip=10.213.0.15 var.color= var.size=xl memory=512) ||
	fail "set: $out"
[ "$(mariadb_sql "SELECT ip, IFNULL(memory_mb, 0) FROM hosts WHERE hostname='node04'")" = \
	"$(printf '10.213.0.15\t512')" ] &&
	[ "$(mariadb_sql "SELECT name, value FROM host_vars WHERE hostname='node04'")" = \
	"$(printf 'size\txl')" ] || fail "set: rows"
wait_until 5 sh -c "curl -fsS $U/inventory/node04 | grep -qx 'ip=10.213.0.15'" ||
	fail "the running bootd did not pick up the new IP"
ok "host set: fields and variables (var.K= removes), case-insensitive name"

out=$(B host add vm04 52:54:00:00:03:04 10.213.0.34 guest --dom0 dom0-01 \
	--vdisk /dev/vg0/vm04 --memory 1024 --vcpus 1) || fail "add guest: $out"
out=$(B discovered promote 52-54-00-00-09-01 node09 10.213.0.19 install) ||
	fail "promote: $out"
[ "$out" = "52:54:00:00:09:01 promoted: host node09 added, its discovered row removed" ] ||
	fail "promote said: $out"
[ "$(mariadb_sql "SELECT COUNT(*) FROM discovered WHERE mac='52:54:00:00:09:01'")" = 0 ] &&
	[ "$(mariadb_sql "SELECT mac FROM hosts WHERE hostname='node09'")" = 52:54:00:00:09:01 ] ||
	fail "promote: rows"
ok "discovered promote: host added, discovered row gone, one transaction"

# States from real status POSTs; one boot began two hours ago (SQL).
post() { curl -fsS -X POST -d "stage=$2" "$U/status/$1" >/dev/null || fail "POST $1 $2"; }
post dom0-01 install-start
post vm01 install-start
post vm01 install-done
post vm02 install-failed
mariadb_sql "INSERT INTO boot_events (ts, mac, hostname, stage) VALUES
 (NOW(3) - INTERVAL 2 HOUR, '52:54:00:00:03:03', 'vm03', 'dhcp-ack')"
B host set node01 enabled=0 >/dev/null || fail "disable node01"
vm02_rows() { [ "$(mariadb_sql "SELECT COUNT(*) FROM boot_events WHERE hostname='vm02'")" = 1 ]; }
wait_until 5 vm02_rows || fail "status rows not written"
B hosts > "$T/hosts.out" || fail hosts
line() { grep -E "^$1 " "$T/hosts.out" | tr -s ' '; }
[ "$(line dom0-01 | cut -d' ' -f4-5)" = "installing install-start" ] &&
	[ "$(line vm01 | cut -d' ' -f4-5)" = "installed install-done" ] &&
	[ "$(line vm02 | cut -d' ' -f4-5)" = "failed install-failed" ] &&
	[ "$(line vm03 | cut -d' ' -f4-6)" = "stalled dhcp-ack 2h" ] &&
	[ "$(line node01 | cut -d' ' -f4-5)" = "disabled -" ] &&
	[ "$(line node03 | cut -d' ' -f4-6)" = "unseen - -" ] ||
	{ cat "$T/hosts.out"; fail "states"; }
line vm01 | grep -Eq '^vm01 10\.213\.0\.31 guest installed install-done [0-9]+s$' ||
	fail "line shape: $(line vm01)"
[ "$(B hosts --state installed | tail -n +2 | cut -d' ' -f1)" = vm01 ] ||
	fail "--state installed: $(B hosts --state installed)"
[ "$(B hosts --profile guest | tail -n +2 | cut -d' ' -f1 | tr '\n' ' ')" = "vm01 vm02 vm03 vm04 " ] ||
	fail "--profile guest: $(B hosts --profile guest)"
[ "$(B hosts vm02 node03 | tail -n +2 | cut -d' ' -f1 | tr '\n' ' ')" = "vm02 node03 " ] ||
	fail "hosts NAME NAME: $(B hosts vm02 node03)"
B hosts --json | json '
s = {h["hostname"]: h["state"] for h in d["hosts"]}
assert s["vm01"] == "installed" and s["vm03"] == "stalled", s
assert s["node01"] == "disabled" and s["node03"] == "unseen", s
assert d["stall_timeout"] == 3600 and d["states"] is True
h = [h for h in d["hosts"] if h["hostname"] == "vm01"][0]
assert h["last_stage"] == "install-done" and 0 <= h["ago_s"] < 60, h
assert h["dom0"] == "dom0-01" and h["build"] is False, h' ||
	fail "hosts --json"
ok "hosts: state, last stage and when from boot_events (hoststate), --state, --profile, --json"

# One host in full.
B hosts dom0-01 > "$T/one.out" || fail "hosts dom0-01"
for want in '^state +installing \(last: install-start, [0-9]+s ago\)$' \
	'^  var.bridge +xenbr0$' '^  vm01 +10\.213\.0\.31 +installed +[0-9]+s ago$' \
	'^  vm04 +10\.213\.0\.34 +unseen +-$' '^  BIOS +pxelinux\.0$' \
	'^  UEFI x64 +grubx64\.efi$' '^  UEFI arm64 +grubaa64\.efi$' \
	"^  iPXE +http://127\.0\.0\.1:$HTTP_PORT/ipxe/52:54:00:00:02:01$" \
	"^  HTTP x64 +http://127\.0\.0\.1:$HTTP_PORT/files/grubx64\.efi$" \
	'^  20[0-9-]{8} [0-9:.]{12} install-start$'; do
	grep -Eq -- "$want" "$T/one.out" || { cat "$T/one.out"; fail "hosts dom0-01: no $want"; }
done
B hosts dom0-01 --json | json '
assert d["hostname"] == "dom0-01" and d["state"] == "installing", d
assert d["vars"]["bridge"] == "xenbr0" and d["memory_mb"] == 65536
assert [g["hostname"] for g in d["guests"]] == ["vm01", "vm02", "vm03", "vm04"]
assert d["guests"][0]["state"] == "installed"
assert d["bootfiles"]["bios"] == "pxelinux.0", d["bootfiles"]
assert d["bootfiles"]["ipxe"].endswith("/ipxe/52:54:00:00:02:01")
assert [e["stage"] for e in d["events"]] == ["install-start"], d["events"]' ||
	fail "hosts dom0-01 --json"
ok "hosts NAME: fields, variables, guests with states, boot file per firmware, last events"

# 80 columns, long names cut with a marker.
L=very-long-host-name-that-does-not-fit-in-its-column-at-all
B host add $L 52:54:00:00:04:09 10.213.0.49 guest --var note=$(printf 'x%.0s' {1..200}) \
	>/dev/null || fail "add long"
B hosts | grep -q '^very-long-host-~ ' || fail "no cut marker: $(B hosts | grep very)"
for v in "hosts" "hosts $L" "hosts dom0-01"; do
	awk -v v="$v" 'length > 80 { print v ": " length ": " $0; bad = 1 } END { exit bad }' \
		< <(B $v) || fail "wider than 80 columns"
done
ok "80 columns: list and full view, long values cut with '~'"

# --json on events and discovered; events --follow: one object a line.
B events vm01 --json > "$T/ev.json" || fail "events --json"
json 'assert [(e["hostname"], e["stage"]) for e in d["events"]] == [("vm01", "install-start"), ("vm01", "install-done")], d' \
	< "$T/ev.json" || fail "events --json: $(cat "$T/ev.json")"
B discovered --json | json '
m = {r["mac"]: r for r in d["discovered"]}
assert list(m) == ["52:54:00:00:09:02"], m
assert m["52:54:00:00:09:02"]["vendor_class"] == "odd\x01\"q" and m["52:54:00:00:09:02"]["arch"] is None' ||
	fail "discovered --json: $(B discovered --json)"
"$BOOTD_BIN" --config "$T/bootd.conf" events vm02 --follow --json > "$T/follow.out" 2>&1 &
FPID=$!
wait_until 5 grep -q install-failed "$T/follow.out" || fail "follow: no history"
post vm02 install-start
wait_until 10 grep -q '"install-start"' "$T/follow.out" || fail "follow: no new row"
kill -TERM "$FPID"
wait "$FPID" || fail "follow exit status"
python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["stage"] for r in rows] == ["install-failed", "install-start"], rows' "$T/follow.out" ||
	fail "follow --json: $(cat "$T/follow.out")"
ok "--json: events (one document; --follow one object a line), discovered"

# rm: a dom0 goes with its guests only when forced.
out=$(B host rm dom0-01 --force) || fail "rm --force: $out"
[ "$out" = "host dom0-01 removed, with its guests vm01, vm02, vm03, vm04" ] || fail "rm said: $out"
[ "$(mariadb_sql "SELECT COUNT(*) FROM hosts WHERE hostname LIKE 'vm0%' OR hostname = 'dom0-01'")" = 0 ] &&
	[ "$(mariadb_sql "SELECT COUNT(*) FROM host_vars WHERE hostname IN ('dom0-01', 'vm01')")" = 0 ] ||
	fail "rm: rows left"
wait_until 5 sh -c "! curl -fsS $U/inventory | grep -q '^dom0-01 '" ||
	fail "the running bootd still serves dom0-01"
out=$(B host rm node04) && [ "$out" = "host node04 removed" ] || fail "rm node04: $out"
ok "host rm: --force takes the guests and every variable along; the running bootd follows"
bootd_stop
t_done
