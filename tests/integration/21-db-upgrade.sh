#!/usr/bin/env bash
# Upgrading a database that an older bootd left at schema version 1, with
# its inventory in it: check refuses it, `bootd db migrate` applies 002
# (profiles.bootfile_*), 003 (every table latin1 -> utf8mb4, as a
# MariaDB with its compiled-in defaults made them) and 004
# (profiles.stall_timeout), every row survives with
# the new columns NULL, the triggers still canonicalise MACs and bump the
# generation (also for the new columns), and check then passes.
. "$(dirname "$0")/../lib/common.sh"
t_init dbupgrade
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }

# Version 1 as `bootd db migrate` of that release wrote it: 001 applied
# and recorded; then the demo inventory, whose INSERTs name only
# version-1 columns.
mariadb_sql "$(cat "$BOOTD_SRC/db/schema/001-initial.sql")
	INSERT INTO schema_version (version) VALUES (1);" || fail "schema 1"
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory at version 1"
mariadb_sql "SHOW COLUMNS FROM profiles LIKE 'bootfile%'" | grep -q . &&
	fail "schema 1 already has bootfile columns"
gen0=$(mariadb_sql "SELECT gen FROM generation")
[ "$(mariadb_sql "SELECT TABLE_COLLATION FROM information_schema.TABLES
	WHERE TABLE_SCHEMA='bootd' AND TABLE_NAME='boot_events'")" = latin1_swedish_ci ] ||
	fail "the test server does not make latin1 tables: the conversion is not tested"
mariadb_sql "INSERT INTO boot_events (mac, hostname, stage, detail) VALUES
	('52:54:00:00:01:03', 'node03', 'install-done', CONCAT('caf', _latin1 X'E9', ' latin1'))"
ok "a version-1 database with 7 hosts (generation $gen0)"

rc=0; out=$(B check 2>&1) || rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'schema version 1 is older than this bootd.s 4: run `bootd db migrate`' ||
	fail "version 1 not refused: $out"
ok "check refuses version 1"

out=$(B db migrate 2> "$T/migrate.err") || fail "migrate: $out $(cat "$T/migrate.err")"
[ "$out" = "schema migrated from version 1 to 4" ] || fail "migrate said: $out"
[ "$(mariadb_sql 'SELECT GROUP_CONCAT(version ORDER BY version) FROM schema_version')" = 1,2,3,4 ] ||
	fail "schema_version: $(mariadb_sql 'SELECT version FROM schema_version')"
# Progress on stderr: each statement as it starts, each step's time.
grep -q '^bootd: db migrate: 003-utf8mb4-retention.sql:[0-9]*: ALTER TABLE boot_events CONVERT' "$T/migrate.err" &&
	[ "$(grep -cE '^bootd: db migrate: 00[234]-[a-z0-9-]*\.sql: applied in [0-9]+\.[0-9] s$' "$T/migrate.err")" = 3 ] ||
	fail "migrate progress: $(cat "$T/migrate.err")"
n=$(wc -l < "$T/migrate.err")
out=$(B db migrate 2> "$T/migrate.err") && [ "$out" = 'schema is current (version 4)' ] &&
	[ ! -s "$T/migrate.err" ] || fail "migrate again: $out $(cat "$T/migrate.err")"
ok "db migrate: version 1 to 4 (progress: $n lines on stderr), then current"

[ "$(mariadb_sql 'SELECT COUNT(*) FROM hosts')" = 7 ] &&
	[ "$(mariadb_sql 'SELECT COUNT(*) FROM profiles')" = 4 ] &&
	[ "$(mariadb_sql 'SELECT COUNT(*) FROM host_vars')" = 3 ] ||
	fail "rows lost in the upgrade"
[ "$(mariadb_sql "SELECT COUNT(*) FROM profiles WHERE bootfile_bios IS NULL
	AND bootfile_efi64 IS NULL AND bootfile_arm64 IS NULL AND bootfile_ipxe IS NULL
	AND stall_timeout IS NULL")" = 4 ] ||
	fail "new columns not NULL"
[ "$(mariadb_sql "SELECT CONCAT(kernel, ' ', selectable) FROM profiles WHERE name='diskless-6.6'")" = 'kernels/6.6/vmlinuz 1' ] ||
	fail "profile data changed"
[ "$(mariadb_sql "SELECT mac FROM hosts WHERE hostname='node03'")" = 52:54:00:00:01:03 ] ||
	fail "host data changed"
[ "$(mariadb_sql "SELECT gen FROM generation")" = "$gen0" ] || fail "migrate moved the generation"
[ "$(mariadb_sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE
	TABLE_SCHEMA='bootd' AND TABLE_COLLATION <> 'utf8mb4_general_ci'")" = 0 ] ||
	fail "tables left out of utf8mb4: $(mariadb_sql "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA='bootd'")"
[ "$(mariadb_sql "SELECT HEX(detail) FROM boot_events WHERE hostname='node03'")" = "$(printf 'caf\xc3\xa9 latin1' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" ] ||
	fail "latin1 event not converted: $(mariadb_sql "SELECT HEX(detail) FROM boot_events")"
mariadb_sql "INSERT INTO boot_events (mac, hostname, stage, detail) VALUES
	('52:54:00:00:01:03', 'node03', 'install-done', 'disk ok ✓ 😀')" ||
	fail "utf8mb4 detail refused after the upgrade"
ok "every row kept, bootfile_* NULL, generation unchanged, all tables utf8mb4 (a latin1 row converted, ✓ and 😀 stored)"

[ "$(mariadb_sql "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='bootd'")" = 11 ] ||
	fail "triggers: $(mariadb_sql "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='bootd'")"
mariadb_sql "UPDATE profiles SET bootfile_efi64='efi/shimx64.efi' WHERE name='diskless-6.6'"
gen1=$(mariadb_sql "SELECT gen FROM generation")
[ "$gen1" -gt "$gen0" ] || fail "setting bootfile_efi64 did not bump the generation ($gen0 -> $gen1)"
mariadb_sql "INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
	('node04', '52-54-00-00-01-04', '10.213.0.14', 'diskless-6.6', 0)"
[ "$(mariadb_sql "SELECT mac FROM hosts WHERE hostname='node04'")" = 52:54:00:00:01:04 ] ||
	fail "MAC trigger lost"
[ "$(mariadb_sql "SELECT gen FROM generation")" -gt "$gen1" ] || fail "INSERT did not bump the generation"
gen2=$(mariadb_sql "SELECT gen FROM generation")
mariadb_sql "UPDATE profiles SET stall_timeout = 900 WHERE name='install'"
[ "$(mariadb_sql "SELECT gen FROM generation")" -gt "$gen2" ] ||
	fail "setting stall_timeout did not bump the generation"
ok "11 triggers kept: an UPDATE of bootfile_efi64 or stall_timeout bumps the generation, MACs canonical"

out=$(B check) || fail "check after the upgrade: $out"
echo "$out" | grep -q '8 hosts, 4 profiles, 0 rejected rows, 0 template' || fail "check: $out"
ok "check passes after the upgrade"
t_done
