#!/usr/bin/env bash
# `bootd events`: a host's boot timeline from boot_events without SQL.
# Filters by host name or MAC (any usual form), --since, --limit; details
# that hold control bytes are escaped; --follow prints rows that land
# later (driven by real status POSTs to a running bootd) until SIGTERM;
# bad options are usage errors (exit 2).
. "$(dirname "$0")/../lib/common.sh"
t_init events
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mariadb_sql "INSERT INTO boot_events (ts, mac, hostname, stage, detail) VALUES
 (NOW(3) - INTERVAL 2 DAY, '52:54:00:00:01:01', 'node01', 'dhcp-ack', 'old one'),
 (NOW(3) - INTERVAL 5 MINUTE, '52:54:00:00:01:01', 'node01', 'dhcp-ack', 'ip=10.213.0.11'),
 (NOW(3) - INTERVAL 4 MINUTE, '52:54:00:00:01:01', 'node01', 'tftp-done', 'pxelinux.0'),
 (NOW(3) - INTERVAL 3 MINUTE, '52:54:00:00:01:02', 'node02', 'dhcp-ack', CONCAT('bell', CHAR(7), 'x'))" ||
	fail "events"

out=$(B events node01) || fail "events node01"
[ "$(wc -l <<<"$out")" = 3 ] && ! grep -q node02 <<<"$out" || fail "events node01: $out"
grep -Eq '^20[0-9-]{8} [0-9:]{8}\.[0-9]{3}  node01 +tftp-done +pxelinux\.0$' <<<"$(tail -1 <<<"$out")" ||
	fail "line shape: $out"
[ "$(B events 52-54-00-00-01-01 --since 1h | wc -l)" = 2 ] || fail "MAC and --since 1h"
[ "$(B events --since "$(date -u -d '-1 hour' '+%F %T')" --limit 1 | grep -c .)" = 1 ] || fail "--limit 1"
B events node02 | grep -qF 'bell\x07x' || fail "control byte not escaped: $(B events node02 | od -c | head -3)"
ok "filters by host, MAC, --since, --limit; oldest first; control bytes escaped"
for bad in "--since yesterday" "--limit 0" "--bogus"; do
	rc=0; B events $bad >/dev/null 2>&1 || rc=$?
	[ $rc = 2 ] || fail "events $bad: exit $rc"
done
ok "bad options: exit 2"

# --follow: rows that land later, from a real status POST.
bootd_start "$T/bootd.conf"
U=http://127.0.0.1:$HTTP_PORT
wait_until 10 sh -c "curl -fsS $U/healthz | grep -q 'source=db'" || fail "no inventory"
"$BOOTD_BIN" --config "$T/bootd.conf" events node01 --follow > "$T/follow.out" 2>&1 &
FPID=$!
wait_until 5 grep -q tftp-done "$T/follow.out" || fail "follow: no history: $(cat "$T/follow.out")"
curl -fsS -X POST -d 'stage=install-start&detail=from+the+test' "$U/status/node01" >/dev/null ||
	fail "status POST"
wait_until 10 grep -q 'install-start  *from the test' "$T/follow.out" ||
	fail "follow: the new row did not show: $(cat "$T/follow.out")"
kill -TERM "$FPID"
wait_until 5 sh -c "! kill -0 $FPID 2>/dev/null" || fail "follow did not stop on SIGTERM"
wait "$FPID" || fail "follow exit status $?"
ok "--follow prints a status report that lands later, stops on SIGTERM with 0"
bootd_stop
t_done
