#!/usr/bin/env bash
# Schema migration and `bootd check` against a real MariaDB: every rejection
# reason, inserted for real, is named while the good rows still load.
. "$(dirname "$0")/../lib/common.sh"
t_init dbcheck
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }

rc=0; out=$(B check 2>&1) || rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'schema version 0 is older' ||
	fail "unmigrated DB not refused: $out"
ok "check refuses an unmigrated DB"

B db migrate | grep -q 'migrated from version 0 to 4' || fail "migrate"
B db migrate | grep -q 'schema is current (version 4)' || fail "migrate again"
ok "db migrate, idempotent"

mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
out=$(B check) || fail "check of the demo inventory: $out"
echo "$out" | grep -q '7 hosts, 4 profiles, 0 rejected rows, 0 template' ||
	fail "demo check: $out"
ok "demo inventory checks clean"
[ "$(mariadb_sql "SELECT mac FROM hosts WHERE hostname='node03'")" = 52:54:00:00:01:03 ] ||
	fail "MAC not stored canonical"
ok "dashed MAC stored canonical"

# A site table without unique keys lets duplicates in; bootd must catch them.
mariadb_sql "ALTER TABLE hosts DROP INDEX hosts_mac, DROP INDEX hosts_ip,
	DROP INDEX hosts_hostname" || fail "alter"
mariadb_sql "
INSERT INTO hosts (hostname, mac, ip, profile, enabled, dom0, vdisk) VALUES
 ('badmac', 'zz:11:22:33:44:55', '10.213.0.50', 'install', 1, NULL, NULL),
 ('badip', '52:54:00:00:09:01', '10.213.0.300', 'install', 1, NULL, NULL),
 ('badprof', '52:54:00:00:09:02', '10.213.0.51', 'nosuch', 1, NULL, NULL),
 ('orphan', '52:54:00:00:09:03', '10.213.0.52', 'install', 1, 'nodom0', '/dev/x'),
 ('dom0-off', '52:54:00:00:09:04', '10.213.0.53', 'install', 0, NULL, NULL),
 ('offguest', '52:54:00:00:09:05', '10.213.0.54', 'install', 1, 'dom0-off', '/dev/x'),
 ('nodisk', '52:54:00:00:09:06', '10.213.0.55', 'install', 1, 'dom0-01', NULL),
 ('dupmac', '52:54:00:00:01:01', '10.213.0.56', 'install', 1, NULL, NULL),
 ('dupip', '52:54:00:00:09:07', '10.213.0.12', 'install', 1, NULL, NULL),
 ('node03', '52:54:00:00:09:08', '10.213.0.57', 'install', 1, NULL, NULL);" ||
	fail "insert bad rows"
rc=0; B check > "$T/check.out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "check exit 0 with bad rows"
for want in \
	'hosts "badmac": malformed MAC' \
	'hosts "badip": malformed IP' \
	'hosts "badprof": unknown profile "nosuch"' \
	'hosts "orphan": dom0 "nodom0" not found' \
	'hosts "offguest": dom0 "dom0-off" is disabled' \
	'hosts "nodisk": guest without vdisk' \
	'hosts "dupmac": duplicate MAC 52:54:00:00:01:01' \
	'hosts "node01": duplicate MAC 52:54:00:00:01:01' \
	'hosts "dupip": duplicate IP 10.213.0.12' \
	'hosts "node03": duplicate hostname'; do
	grep -qF "rejected $want" "$T/check.out" ||
		{ cat "$T/check.out"; fail "check does not say: $want"; }
	ok "named: $want"
done
grep -q 'check FAILED' "$T/check.out" || fail "no FAILED line"
# The good rows still load: vm01..03 and dom0-01 are untouched.
B hosts > "$T/hosts.out" || fail "hosts"
for h in dom0-01 vm01 vm02 vm03 dom0-off; do
	grep -q "^$h " "$T/hosts.out" || fail "good host $h missing from bootd hosts"
done
grep -q "^badmac " "$T/hosts.out" && fail "rejected host listed"
ok "good rows still load beside the rejected ones"

# A template problem is reported with file:line and the profile.
mariadb_sql "DELETE FROM hosts WHERE hostname IN ('badmac','badip','badprof',
	'orphan','offguest','nodisk','dupmac','dupip') OR ip='10.213.0.57'"
B check > "$T/check2.out" || { cat "$T/check2.out"; fail "check not clean again"; }
# A host_var may not shadow a template variable (the template side's list).
mariadb_sql "INSERT INTO host_vars (hostname, name, value) VALUES
	('vm01', 'hostname', 'evil'), ('vm01', 'rack', 'r7')"
rc=0; out=$(B check 2>&1) || rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'host_vars.*shadows a built-in variable' ||
	fail "shadowing host_var not refused: $out"
echo "$out" | grep -q 'rack.*shadows' && fail "rack refused: $out"
mariadb_sql "DELETE FROM host_vars WHERE hostname='vm01'"
ok "check refuses a host_var that shadows a template variable"
mkdir -p "$T/tpl"
cp "$BOOTD_SRC"/templates/* "$T/tpl/"
printf 'line one\n{{#guests}}\n{{hostname}}\n' > "$T/tpl/broken.ks"
sed -i "s|templates = \"[^\"]*\"|templates = \"$T/tpl\"|" "$T/bootd.conf"
mariadb_sql "INSERT INTO profiles (name, kind, kickstart, append) VALUES
	('brokenks', 'install', 'broken.ks', ''), ('badappend', 'install', NULL,
	'console=ttyS0 x={{no_such_var}}');
	UPDATE hosts SET profile='brokenks' WHERE hostname='vm01';
	UPDATE hosts SET profile='badappend' WHERE hostname='vm02';"
rc=0; B check > "$T/check3.out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "broken template passed check"
grep -q "$T/tpl/broken.ks:2: .*guests" "$T/check3.out" ||
	{ cat "$T/check3.out"; fail "broken.ks not reported with line"; }
grep -q 'profile "badappend" append:1: unknown variable "no_such_var" (host "vm02", [a-z-]*)' \
	"$T/check3.out" || { cat "$T/check3.out"; fail "bad append not reported"; }
ok "broken templates reported with file:line and profile"

# A host in no configured subnet is a problem too.
mariadb_sql "UPDATE profiles SET append='' WHERE name='badappend';
	UPDATE hosts SET profile='install' WHERE hostname IN ('vm01', 'vm02');
	DELETE FROM profiles WHERE name IN ('brokenks', 'badappend');
	INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
	('elsewhere', '52:54:00:00:09:20', '192.168.7.7', 'diskless-6.1', 0)"
rc=0; B check > "$T/check4.out" 2>&1 || rc=$?
[ $rc -ne 0 ] && grep -qx 'host "elsewhere": IP 192.168.7.7 is in no dhcp.subnets entry' \
	"$T/check4.out" || { cat "$T/check4.out"; fail "host outside the subnets not reported"; }
ok "a host outside every dhcp.subnets entry is reported"

# Boot file overrides: a bad value rejects its profile (and so its hosts),
# named by check; an iPXE URL that its placeholders make too long for
# option 67 names the host; '' is the config's default again.
mariadb_sql "DELETE FROM hosts WHERE hostname='elsewhere';
	UPDATE profiles SET bootfile_efi64='shim x64.efi' WHERE name='diskless-6.6';
	INSERT INTO profiles (name, kind, bootfile_ipxe) VALUES
	 ('longipxe', 'local', REPEAT('{{mac}}', 18));
	UPDATE hosts SET profile='longipxe' WHERE hostname='node02'" ||
	fail "bad overrides"
rc=0; B check > "$T/check5.out" 2>&1 || rc=$?
for want in \
	'rejected profiles "diskless-6.6": bootfile_efi64 "shim x64.efi": whitespace' \
	'host "node02": profile "longipxe" bootfile_ipxe is longer than 254 bytes (DHCP option 67) for this host'; do
	[ $rc -ne 0 ] && grep -qxF "$want" "$T/check5.out" ||
		{ cat "$T/check5.out"; fail "check does not say: $want"; }
	ok "named: $want"
done
grep -q '^rejected hosts ".*": unknown profile "diskless-6.6"' "$T/check5.out" ||
	{ cat "$T/check5.out"; fail "hosts of the rejected profile still served"; }
mariadb_sql "UPDATE profiles SET bootfile_efi64='' WHERE name='diskless-6.6';
	UPDATE profiles SET bootfile_ipxe='http://boot/{{hostname}}.ipxe',
	 bootfile_bios='lpxelinux.0' WHERE name='longipxe'"
B check > "$T/check6.out" || { cat "$T/check6.out"; fail "check not clean with good overrides"; }
ok "good overrides (and '') check clean"

# The least-privilege account of dist/grants.sql passes; without the
# DELETE that retention needs, check names that grant and fails.
sed "s/'bootd'@'localhost'/'lp'@'localhost'/; s/IDENTIFIED BY 'change-me'/IDENTIFIED BY 'lp'/" \
	"$BOOTD_SRC/dist/grants.sql" > "$T/grants.sql"
mariadb_sql "$(cat "$T/grants.sql")" || fail "least-privilege account"
sed 's/user = "bootd"; password = "bootd";/user = "lp"; password = "lp";/' \
	"$T/bootd.conf" > "$T/lp.conf"
grep -q 'user = "lp"' "$T/lp.conf" || fail "lp.conf"
out=$("$BOOTD_BIN" --config "$T/lp.conf" check) || fail "check as the grants.sql account: $out"
echo "$out" | grep -qx 'database grants: ok' || fail "grants not checked: $out"
mariadb_sql "REVOKE DELETE ON bootd.boot_events FROM 'lp'@'localhost'"
rc=0; out=$("$BOOTD_BIN" --config "$T/lp.conf" check 2>&1) || rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'database: user lp lacks SELECT, DELETE on boot_events (needed for retention.events_\*)' ||
	fail "missing DELETE not named: $out"
[ "$(echo "$out" | grep -c 'lacks')" = 1 ] || fail "other grants named: $out"
printf 'retention = { events_days = 0; events_rows = 0; };\n' >> "$T/lp.conf"
"$BOOTD_BIN" --config "$T/lp.conf" check > /dev/null ||
	fail "DELETE asked for with boot_events retention off"
ok "check with the least-privilege account: ok, names a missing DELETE, not asked for with retention off"

# A schema newer than the binary is refused too.
mariadb_sql "INSERT INTO schema_version (version) VALUES (99)"
rc=0; out=$(B check 2>&1) || rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'newer than this bootd' || fail "newer schema: $out"
ok "check refuses a newer schema"
t_done
