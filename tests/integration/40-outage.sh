#!/usr/bin/env bash
# Database outages: bootd keeps serving its snapshot while MariaDB is down,
# reloads when it returns, starts from the cache when the DB is down, and
# treats a corrupt cache as a clear error, not a crash.
. "$(dirname "$0")/../lib/common.sh"
t_init outage
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
bootd_start "$T/bootd.conf"
wait_until 5 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=db db=up'" ||
	fail "no DB snapshot"
[ -s "$T/inventory.cache" ] || fail "no cache file written"
[ "$(stat -c %a "$T/inventory.cache")" = 600 ] || fail "cache mode not 0600"
ok "serving from the DB; cache written 0600"

mariadb_stop
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'db=down'" ||
	fail "outage not noticed: $(http_get /healthz)"
http_get /inventory/node01 | grep -qx 'profile=diskless-6.1' || fail "snapshot lost in outage"
[ "$(grep -c 'serving generation' "$T/bootd.log")" -eq 1 ] || fail "outage not logged once"
sleep 3	# several retries: still logged once
[ "$(grep -c 'serving generation' "$T/bootd.log")" -eq 1 ] || fail "outage logged per retry"
ok "DB down: keeps serving, logged once"

mariadb_start "$T" || fail "mariadb restart"
mariadb_sql "UPDATE hosts SET profile='diskless-6.6' WHERE hostname='node01'"
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/inventory/node01 | grep -qx 'profile=diskless-6.6'" ||
	fail "no reload after the DB returned"
grep -q 'db: connected' "$T/bootd.log" || fail "return not logged"
ok "DB back: reloaded"
bootd_stop

mariadb_stop
bootd_start "$T/bootd.conf"
wait_until 5 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=cache'" ||
	fail "not serving the cache: $(http_get /healthz)"
http_get /inventory/node01 | grep -qx 'profile=diskless-6.6' || fail "cache content"
http_get /inventory/vm02 | grep -qx 'dom0=dom0-01' || fail "cache guests"
ok "started with the DB down: serves the cache"
bootd_stop

# Corrupt and truncated caches: a clear error and an empty (503) server.
for how in truncate corrupt; do
	cp "$T/inventory.cache" "$T/good.cache"
	if [ $how = truncate ]; then
		truncate -s $(( $(stat -c %s "$T/good.cache") / 2 )) "$T/inventory.cache"
	else
		printf 'XX' | dd of="$T/inventory.cache" bs=1 seek=100 conv=notrunc 2>/dev/null
	fi
	: > "$T/bootd.log"
	bootd_start "$T/bootd.conf"
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/healthz")
	[ "$code" = 503 ] || fail "$how cache: healthz $code"
	grep -q "db: cache not used: .*inventory.cache" "$T/bootd.log" ||
		{ cat "$T/bootd.log"; fail "$how cache: no clear error"; }
	bootd_stop
	cp "$T/good.cache" "$T/inventory.cache"
	ok "$how cache: $(grep -o 'cache not used: .*' "$T/bootd.log")"
done
t_done
