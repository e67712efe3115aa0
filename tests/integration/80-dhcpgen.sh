#!/usr/bin/env bash
# dhcpgen against the real servers: 1,000 generated hosts rendered by
# `bootd dhcpgen` in every format and accepted by each server's own checker
# (dhcpd -t, kea-dhcp4 -t, dnsmasq --test), with a profile's boot file
# overrides (profiles.bootfile_*) for one host; the serve-mode hook (rewrite
# and one reload per change, nothing on a change the map does not show,
# coalesced reloads, a failing reload puts the previous file back); and
# ISC dhcpd, dnsmasq and Kea serving the generated files to busybox udhcpc
# in network namespaces made here (10.213.0.0/16 only).
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
t_init dhcpgen

SRV_PID=""
dg_cleanup() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null || true
		wait "$SRV_PID" 2>/dev/null || true
	fi
	ns_cleanup
}
trap 'rc=$?; dg_cleanup; (exit $rc); t_cleanup' EXIT

for b in dhcpd kea-dhcp4 dnsmasq; do
	command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] ||
		fail "$b not installed (run scripts/deps.sh)"
done
export PATH=$PATH:/usr/sbin

mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
sed -i 's|dhcp = { subnets = ( { network = "10.213.0.0/24";|dhcp = { next_server = "10.213.0.1"; subnets = ( { network = "10.213.0.0/16";|' \
	"$T/bootd.conf"
grep -q '10.213.0.0/16' "$T/bootd.conf" || fail "config edit"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate

# n0001..n1000: MAC 02:00:00:00:HH:LL, IP 10.213.(4 + N div 250).(1 + N mod
# 250); one disabled host and one outside the subnet beside them.
mariadb_sql "
INSERT INTO profiles (name, kind, kernel, initrd, append, selectable) VALUES
 ('p-a', 'diskless', 'k/a', 'i/a', 'ip={{ip}}', 1);
INSERT INTO hosts (hostname, mac, ip, profile, build)
 SELECT CONCAT('n', LPAD(seq, 4, '0')),
  CONCAT('02:00:00:00:', LPAD(HEX(seq >> 8), 2, '0'), ':',
   LPAD(HEX(seq & 255), 2, '0')),
  CONCAT('10.213.', 4 + seq DIV 250, '.', 1 + seq MOD 250), 'p-a', 0
 FROM seq_1_to_1000;
INSERT INTO hosts (hostname, mac, ip, profile, enabled) VALUES
 ('off1', '02:00:00:01:00:01', '10.213.9.1', 'p-a', 0),
 ('far1', '02:00:00:01:00:02', '10.99.0.1', 'p-a', 1);
INSERT INTO host_vars (hostname, name, value) VALUES ('n0001', 'rack', 'r1');
INSERT INTO profiles (name, kind, bootfile_bios, bootfile_efi64, bootfile_arm64,
  bootfile_ipxe) VALUES
 ('p-shim', 'local', 'lpxelinux.0', 'efi/shimx64.efi', '',
  'http://boot.test/{{hostname}}.ipxe?ip={{ip}}');
INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
 ('ovr1', '02:00:00:02:00:01', '10.213.9.9', 'p-shim', 0);" ||
	fail "generate hosts"
[ "$(mariadb_sql 'SELECT COUNT(*) FROM hosts')" = 1003 ] || fail "host count"

# --- bootd dhcpgen, every format, checked by the real servers' checkers
mkdir -p "$T/gen"
check_isc() { dhcpd -t -q -cf "$1" >"$T/check.out" 2>&1; }
check_kea() { kea-dhcp4 -t "$1" >"$T/check.out" 2>&1; }
check_dnsmasq() { dnsmasq --test -C "$1" >"$T/check.out" 2>&1; }
declare -A MACPAT=(
	[isc]='hardware ethernet 02:00:00:00:'
	[kea]='"hw-address": "02:00:00:00:'
	[dnsmasq]='dhcp-host=02:00:00:00:'
)
for f in isc kea dnsmasq; do
	out=$T/gen/cli.$f
	B dhcpgen --format "$f" -o "$out" || fail "dhcpgen --format $f"
	"check_$f" "$out" || { cat "$T/check.out"; fail "$f checker refused $out"; }
	n=$(grep -o "${MACPAT[$f]}" "$out" | wc -l)
	[ "$n" = 1000 ] || fail "$f: $n reservations, want 1000"
	grep -q '02:00:00:01:00:0[12]' "$out" && fail "$f: disabled or outside host reserved"
	grep -q 'off1' "$out" && fail "$f: disabled host named"
	grep -q 'far1 (10.99.0.1)' "$out" || fail "$f: host outside the subnets not reported"
	[ "$(stat -c %a "$out")" = 644 ] || fail "$f: mode $(stat -c %a "$out")"
	grep -q 'efi/shimx64.efi' "$out" && grep -q 'lpxelinux.0' "$out" &&
		grep -qF 'http://boot.test/${hostname}.ipxe?ip=${ip}' "$out" ||
		fail "$f: profile p-shim's overrides missing"
	ok "$f: 1000 reservations and p-shim's overrides, accepted by the $f checker"
	B dhcpgen --format "$f" > "$T/gen/stdout.$f" || fail "dhcpgen to stdout"
	cmp -s "$out" "$T/gen/stdout.$f" || fail "$f: stdout differs from -o"
done
ls "$T/gen" | grep -q tmp && fail "temp file left behind"
ours() { pgrep -f "(dhcpd|kea-dhcp4|dnsmasq) .*$T/"; }
ours >/dev/null && fail "a checker left a process running"
ok "no temp files, no daemons left by the checkers"

# Order: by hostname, whatever order the rows came in.
grep -o 'host n[0-9]*' "$T/gen/cli.isc" | sort -c || fail "isc hosts not sorted"
ok "hosts in hostname order"

# Unchanged content is not rewritten: same inode, same mtime.
before=$(stat -c '%i %.9Y' "$T/gen/cli.isc")
sleep 0.05
B dhcpgen --format isc -o "$T/gen/cli.isc" || fail "second run"
[ "$(stat -c '%i %.9Y' "$T/gen/cli.isc")" = "$before" ] || fail "unchanged file rewritten"
ok "same content: file left alone"

rc=0; msg=$(B dhcpgen --format nope 2>&1) || rc=$?
[ $rc = 1 ] && [ "$(echo "$msg" | wc -l)" = 1 ] && echo "$msg" | grep -q 'unknown format' ||
	fail "bad format: rc $rc: $msg"
rc=0; msg=$(B dhcpgen --format isc -o "$T/nodir/x" 2>&1) || rc=$?
[ $rc = 1 ] && echo "$msg" | grep -q "$T/nodir/x: creating the temp file: No such file" ||
	fail "unwritable output: rc $rc: $msg"
rc=0; msg=$(B dhcpgen 2>&1) || rc=$?
[ $rc = 1 ] && echo "$msg" | grep -q 'no format' || fail "no format: rc $rc: $msg"
ok "errors: one line, exit 1"

# --- serve mode: rewrite + reload on change, nothing on a no-op change
OUT=$T/gen/dhcpd.conf
cat > "$T/reload.sh" <<EOF
#!/bin/sh
# A reload hook: checks the file like a real one would, and records its run.
mkdir "$T/reload.lock" 2>/dev/null || echo overlap >> "$T/reloads"
mode=\$(cat "$T/reload.mode" 2>/dev/null)
[ "\$mode" = slow ] && sleep 3
echo "reload \$(date +%s%N)" >> "$T/reloads"
rmdir "$T/reload.lock"
dhcpd -t -q -cf "$OUT" >/dev/null 2>&1 || { echo "dhcpd -t refused $OUT" >&2; exit 4; }
[ "\$mode" = fail ] && { echo "dhcpd refused the new config" >&2; exit 3; }
exit 0
EOF
chmod +x "$T/reload.sh"
: > "$T/reloads"
cat >> "$T/bootd.conf" <<EOF
dhcpgen = { format = "isc"; output = "$OUT"; reload_command = "$T/reload.sh"; };
EOF
bootd_start "$T/bootd.conf"
wait_until 10 sh -c "[ \$(wc -l < '$T/reloads') -ge 1 ]" ||
	fail "no first write + reload (is dhcpgen_on_snapshot() called in bootd_swap_snapshot?)"
sleep 0.5
[ "$(wc -l < "$T/reloads")" = 1 ] || fail "first reload ran $(wc -l < "$T/reloads") times"
grep -q "dhcpgen: wrote $OUT" "$T/bootd.log" || fail "no 'wrote' line"
grep -q 'dhcpgen: reload: pid [0-9]* exited 0 after' "$T/bootd.log" || fail "no exit line"
cmp -s "$OUT" "$T/gen/cli.isc" || fail "served file differs from the CLI's"
[ "$(stat -c %a "$OUT")" = 644 ] || fail "mode $(stat -c %a "$OUT")"
ok "bootd serve wrote $OUT and ran the reload once"

reloads() { wc -l < "$T/reloads"; }
gen() { http_get /healthz | sed 's/.*generation=\([0-9]*\).*/\1/'; }

n0=$(reloads)
start=$(date +%s%N)
mariadb_sql "UPDATE hosts SET ip='10.213.200.5' WHERE hostname='n0005'"
wait_until 2 sh -c "grep -q 'fixed-address 10.213.200.5;' '$OUT' && [ \$(wc -l < '$T/reloads') -gt $n0 ]" ||
	fail "change not written and reloaded within 2 s"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 0.5
[ "$(reloads)" = $((n0 + 1)) ] || fail "reload ran $(( $(reloads) - n0 )) times for one change"
ok "a changed row: rewritten and reloaded once, after $ms ms"

stat1=$(stat -c '%i %.9Y' "$OUT")
g0=$(gen)
n0=$(reloads)
mariadb_sql "UPDATE host_vars SET value='r2' WHERE hostname='n0001'"
wait_until 5 sh -c "[ \$(curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | sed 's/.*generation=\([0-9]*\).*/\1/') -gt $g0 ]" ||
	fail "host_vars change not loaded"
sleep 0.5
[ "$(stat -c '%i %.9Y' "$OUT")" = "$stat1" ] || fail "no-op change rewrote the file"
[ "$(reloads)" = "$n0" ] || fail "no-op change reloaded"
ok "a change the map does not show: file untouched, no reload"

# Coalescing: two changes while a slow reload runs -> one more run, after it.
echo slow > "$T/reload.mode"
n0=$(reloads)
mariadb_sql "UPDATE hosts SET ip='10.213.200.6' WHERE hostname='n0006'"
wait_until 3 test -d "$T/reload.lock" || fail "slow reload did not start"
mariadb_sql "UPDATE hosts SET ip='10.213.200.7' WHERE hostname='n0007'"
sleep 0.3
mariadb_sql "UPDATE hosts SET ip='10.213.200.8' WHERE hostname='n0008'"
wait_until 12 sh -c "grep -q 'fixed-address 10.213.200.8;' '$OUT' && [ \$(wc -l < '$T/reloads') -ge $((n0 + 2)) ] && [ ! -d '$T/reload.lock' ]" ||
	fail "coalesced change not written"
sleep 3.5
grep -q overlap "$T/reloads" && fail "two reloads ran at once"
[ "$(reloads)" = $((n0 + 2)) ] || fail "$(( $(reloads) - n0 )) reloads for 3 changes during one slow reload, want 2"
grep -q 'fixed-address 10.213.200.7;' "$OUT" || fail "middle change lost"
ok "3 changes during a slow reload: 2 reloads, never 2 at once"

# A failing reload: logged, and the previous file put back.
echo fail > "$T/reload.mode"
cp "$OUT" "$T/before.conf"
n0=$(reloads)
mariadb_sql "UPDATE hosts SET ip='10.213.200.9' WHERE hostname='n0009'"
wait_until 5 grep -q 'put the previous .* back after the failed reload' "$T/bootd.log" ||
	fail "failed reload not handled"
grep -q 'dhcpgen: reload: pid [0-9]* failed with exit status 3 after' "$T/bootd.log" ||
	fail "exit status not logged"
grep -q 'dhcpgen: reload: dhcpd refused the new config' "$T/bootd.log" ||
	fail "reload output not logged"
cmp -s "$OUT" "$T/before.conf" || fail "previous file not kept"
[ "$(reloads)" = $((n0 + 1)) ] || fail "failed reload retried"
ok "failing reload: logged with its output and status, previous file kept"

# The same map is not retried; the next real change is, and succeeds.
g0=$(gen)
mariadb_sql "UPDATE host_vars SET value='r3' WHERE hostname='n0001'"
wait_until 5 sh -c "[ \$(curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | sed 's/.*generation=\([0-9]*\).*/\1/') -gt $g0 ]" ||
	fail "host_vars change not loaded"
sleep 0.5
[ "$(reloads)" = $((n0 + 1)) ] || fail "refused map retried"
: > "$T/reload.mode"
mariadb_sql "UPDATE hosts SET ip='10.213.200.10' WHERE hostname='n0010'"
wait_until 3 sh -c "grep -q 'fixed-address 10.213.200.10;' '$OUT' && [ \$(wc -l < '$T/reloads') -ge $((n0 + 2)) ]" ||
	fail "next change after a failed reload not applied"
grep -q 'fixed-address 10.213.200.9;' "$OUT" || fail "refused change missing from the next map"
ok "refused map not retried; the next change applies both"
ls -A "$T/gen" | grep -q 'tmp' && fail "temp file left behind"
bootd_stop
ok "bootd stops cleanly"

# --- real servers on the generated files, in namespaces made here
SNS=dgs$$ CNS=dgc$$ VS=vdgs$$ VC=vdgc$$
ip netns add "$SNS" && NS_MADE+=("$SNS") || fail "netns"
ip netns add "$CNS" && NS_MADE+=("$CNS") || fail "netns"
ip link add "$VS" netns "$SNS" type veth peer name "$VC" netns "$CNS" || fail "veth"
ip -n "$SNS" addr add 10.213.0.1/16 dev "$VS"
ip -n "$SNS" link set "$VS" up
ip -n "$SNS" link set lo up
ip -n "$CNS" link set lo up
# The client is host n0042: its MAC on the client end.
ip -n "$CNS" link set "$VC" address 02:00:00:00:00:2a
ip -n "$CNS" link set "$VC" up
want_ip=10.213.4.43

cat > "$T/udhcpc.sh" <<EOF
#!/bin/sh
[ "\$1" = bound ] || exit 0
echo "ip=\$ip siaddr=\$siaddr boot_file=\$boot_file router=\$router dns=\$dns hostname=\$hostname" > "$T/lease"
EOF
chmod +x "$T/udhcpc.sh"
lease() {	# lease [udhcpc -x options...]: one DHCP exchange
	rm -f "$T/lease"
	ip netns exec "$CNS" timeout 20 busybox udhcpc -i "$VC" -f -q -n -t 6 -T 1 \
		-s "$T/udhcpc.sh" "$@" >>"$T/udhcpc.log" 2>&1 || return 1
	cat "$T/lease"
}
expect() {	# expect LABEL PATTERN [udhcpc options]
	local label=$1 pat=$2 got
	shift 2
	got=$(lease "$@") || { tail -20 "$T/server.log"; fail "$label: no lease"; }
	echo "$got" | grep -q -- "$pat" || fail "$label: got '$got', want $pat"
	ok "$label: $got"
}

# ovr1 (profile p-shim): its overrides for BIOS, x64 UEFI and iPXE, the
# config's file for ARM64 (bootfile_arm64 is ''); then n0042 again, to
# show the overrides stay with ovr1.
expect_overrides() {	# expect_overrides SERVER
	ip -n "$CNS" link set "$VC" address 02:00:00:02:00:01
	expect "$1, p-shim host, BIOS" "ip=10.213.9.9 .*boot_file=lpxelinux.0 " -x 0x5d:0000
	expect "$1, p-shim host, x64 UEFI" "boot_file=efi/shimx64.efi " -x 0x5d:0007
	expect "$1, p-shim host, ARM64 UEFI (no override)" "boot_file=grubaa64.efi " -x 0x5d:000b
	expect "$1, p-shim host, iPXE on x64 UEFI" 'boot_file=http://boot.test/${hostname}.ipxe?ip=${ip} ' \
		-x 0x4d:69505845 -x 0x5d:0007
	ip -n "$CNS" link set "$VC" address 02:00:00:00:00:2a
	expect "$1, other host, x64 UEFI" "ip=$want_ip .*boot_file=grubx64.efi " -x 0x5d:0007
}

touch "$T/dhcpd.leases"
ip netns exec "$SNS" dhcpd -f -4 -cf "$T/gen/cli.isc" -lf "$T/dhcpd.leases" \
	-pf "$T/dhcpd.pid" "$VS" > "$T/server.log" 2>&1 &
SRV_PID=$!
expect "ISC dhcpd, BIOS client" "ip=$want_ip siaddr=10.213.0.1 boot_file=pxelinux.0 router=10.213.0.1 dns=10.213.0.1 hostname=n0042"
expect "ISC dhcpd, x64 UEFI client" "boot_file=grubx64.efi" -x 0x5d:0007
expect "ISC dhcpd, iPXE client" 'boot_file=http://127.0.0.1:[0-9]*/ipxe/${mac}' -x 0x4d:69505845
expect_overrides "ISC dhcpd"
kill "$SRV_PID"; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=""

ip netns exec "$SNS" dnsmasq -d -k -u root --port=0 -C "$T/gen/cli.dnsmasq" \
	--dhcp-leasefile="$T/dnsmasq.leases" --pid-file="$T/dnsmasq.pid" \
	--interface="$VS" --bind-interfaces > "$T/server.log" 2>&1 &
SRV_PID=$!
expect "dnsmasq, BIOS client" "ip=$want_ip siaddr=10.213.0.1 boot_file=pxelinux.0 router=10.213.0.1"
expect "dnsmasq, ARM64 UEFI client" "boot_file=grubaa64.efi" -x 0x5d:000b
expect_overrides "dnsmasq"
kill "$SRV_PID"; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=""

# Kea as generated, but with its leases, pid and lock files under $T.
sed "s|\"Dhcp4\": {|\"Dhcp4\": { \"lease-database\": { \"type\": \"memfile\", \"name\": \"$T/kea.leases\" },|" \
	"$T/gen/cli.kea" > "$T/kea-run.json"
mkdir -p "$T/kea"
KEA_PIDFILE_DIR=$T/kea KEA_LOCKFILE_DIR=$T/kea ip netns exec "$SNS" \
	kea-dhcp4 -c "$T/kea-run.json" > "$T/server.log" 2>&1 &
SRV_PID=$!
expect "Kea, BIOS client" "ip=$want_ip siaddr=10.213.0.1 boot_file=pxelinux.0 router=10.213.0.1 dns=10.213.0.1 hostname=n0042"
expect "Kea, iPXE client" 'boot_file=http://127.0.0.1:[0-9]*/ipxe/${mac}' -x 0x4d:69505845
expect_overrides "Kea"
kill "$SRV_PID"; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=""
ns_cleanup
ours >/dev/null && fail "a server is still running"
ok "servers stopped, namespaces removed"
t_done
