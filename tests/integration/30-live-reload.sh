#!/usr/bin/env bash
# Live reload through the running server: an UPDATE and a DELETE are served
# within 2 s at the default poll interval; SIGHUP with a bad config keeps the
# old one; SIGTERM stops cleanly.
. "$(dirname "$0")/../lib/common.sh"
t_init reload
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
bootd_start "$T/bootd.conf"
wait_until 5 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=db'" ||
	fail "no DB snapshot: $(http_get /healthz)"
http_get /inventory/node01 | grep -qx 'profile=diskless-6.1' || fail "node01 profile"
ok "serving the DB inventory"

# Not from outside the admin networks.
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 \
	"http://127.0.0.1:$HTTP_PORT/inventory" || true)
sed -i 's|admin_networks = \[ "127.0.0.0/8" \]|admin_networks = [ "127.0.0.1/32" ]|' "$T/bootd.conf"
kill -HUP "$BOOTD_PID"
wait_until 5 grep -q 'config: reloaded' "$T/bootd.log" || fail "no reload"
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 \
	"http://127.0.0.1:$HTTP_PORT/inventory" || true)
[ "$code" = 403 ] || fail "non-admin got $code"
http_get /inventory >/dev/null || fail "admin refused after reload"
ok "SIGHUP applied admin_networks; non-admin gets 403"

served_within() {	# served_within SECS PATH PATTERN -> prints ms
	local start now
	start=$(date +%s%N)
	while :; do
		if curl -sS --max-time 2 "http://127.0.0.1:$HTTP_PORT$2" 2>/dev/null |
			grep -qx -- "$3"; then
			now=$(date +%s%N)
			echo $(( (now - start) / 1000000 ))
			return 0
		fi
		[ $(( $(date +%s%N) - start )) -lt $(( $1 * 1000000000 )) ] || return 1
		sleep 0.02
	done
}

mariadb_sql "UPDATE hosts SET profile='diskless-6.6' WHERE hostname='node01'"
ms=$(served_within 2 /inventory/node01 'profile=diskless-6.6') ||
	fail "UPDATE not served within 2 s"
ok "UPDATE served after $ms ms"

mariadb_sql "DELETE FROM hosts WHERE hostname='node02'"
start=$(date +%s%N)
while curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/inventory/node02" >/dev/null 2>&1; do
	[ $(( $(date +%s%N) - start )) -lt 2000000000 ] || fail "DELETE not served within 2 s"
	sleep 0.02
done
ok "DELETE served after $(( ($(date +%s%N) - start) / 1000000 )) ms"

# A bad config on SIGHUP is refused; the old one keeps serving.
cp "$T/bootd.conf" "$T/good.conf"
sed -i 's|^log = { |log = { bogus = 1; |' "$T/bootd.conf"
kill -HUP "$BOOTD_PID"
wait_until 5 grep -q 'unknown setting "log.bogus"; keeping the running config' \
	"$T/bootd.log" || fail "bad config on HUP not reported"
http_get /inventory/node01 >/dev/null || fail "not serving after a bad HUP"
ok "bad config on SIGHUP kept the old one"

bootd_stop
grep -q 'bootd: stopped' "$T/bootd.log" || fail "no clean stop"
ok "SIGTERM stops cleanly"
t_done
