#!/usr/bin/env bash
# Hostile strings and a hostile DB for the event writer (the red team's
# "one spoofed packet stops every DB write"):
# - a TFTP name with non-UTF-8 bytes from a managed host's IP, a status
#   detail of %FF%FE and an honest "disk ok ✓" are all written (cleaned
#   at one boundary into valid UTF-8), and a later install-done still
#   clears the build flag within 2 s;
# - a row the DB refuses for good (a column too small for it) is dropped
#   alone and counted, the rows behind it are written;
# - the DB stopped: 20,000 status reports (their room fills: 503) plus one
#   install-done (200), bootd restarted while the DB is still down (the
#   clear survives in the journal), the DB started: the flag is cleared;
# - retention prunes boot_events and discovered by age and by count.
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/http_helpers.sh"
t_init dbhostile
mariadb_start "$T" || fail "mariadb did not start"
POLL=0.2 bootd_config "$T/bootd.conf"
http_admin_only "$T/bootd.conf"
http_lo_subnet "$T/bootd.conf"
TFTP_PORT=$(free_port)
sed -i "s|tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TFTP_PORT; };|" "$T/bootd.conf"
cat >> "$T/bootd.conf" <<CFG
retention = { events_days = 30; events_rows = 1500; discovered_days = 30;
              discovered_rows = 100; interval = 1.0; };
CFG
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "
INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart) VALUES
 ('server', 'install', 'installer/vmlinuz', 'installer/initrd.img',
  'inst.ks={{ks_url}}', 'install.ks');
INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
 ('lohost', '52:54:00:00:09:21', '127.0.0.21', 'server', 1),
 ('lohost2', '52:54:00:00:09:22', '127.0.0.22', 'server', 1);" ||
	fail "hosts"
bootd_start "$T/bootd.conf"
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'hosts=2 .*source=db'" ||
	fail "inventory not loaded"
H=127.0.0.21
hz() { curl -fsS --max-time 5 "http://127.0.0.1:$HTTP_PORT/healthz"; }
hzv() { hz | tr ' ' '\n' | sed -n "s/^$1=//p"; }
build_of() { mariadb_sql "SELECT build FROM hosts WHERE hostname='$1'"; }
rows() { mariadb_sql "SELECT COUNT(*) FROM boot_events WHERE $1"; }

# --- Non-UTF-8 bytes from the network, then install-done ------------------
python3 - "$TFTP_PORT" <<'PY' || fail "raw RRQ"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.21", 0))
s.settimeout(2)
name = b"\xff\xfe/grub.cfg-01-52-54-00-00-09-21"
s.sendto(b"\x00\x01" + name + b"\x00octet\x00", ("127.0.0.1", int(sys.argv[1])))
try:
    s.recvfrom(70000)	# the menu's first block or an error: either is fine
except socket.timeout:
    pass
PY
[ "$(hpost $H /status/lohost 'stage=install-start&detail=%FF%FE')" = 200 ] ||
	fail "non-UTF-8 status detail refused"
[ "$(hpost $H /status/lohost 'stage=install-step&detail=disk+ok+%E2%9C%93')" = 200 ] ||
	fail "UTF-8 status detail refused"
t0=$(date +%s%N)
[ "$(hpost $H /status/lohost 'stage=install-done&detail=done')" = 200 ] ||
	fail "install-done refused"
wait_until 2 sh -c "[ \"\$(mariadb --no-defaults --socket=$MDB_SOCK -uroot -N bootd -e \"SELECT build FROM hosts WHERE hostname='lohost'\")\" = 0 ]" ||
	fail "build flag not cleared within 2 s after non-UTF-8 events"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok "install-done after non-UTF-8 events cleared the build flag in $ms ms"
wait_until 3 sh -c "[ \"\$(mariadb --no-defaults --socket=$MDB_SOCK -uroot -N bootd -e \"SELECT COUNT(*) FROM boot_events WHERE stage='install-done'\")\" = 1 ]" ||
	fail "install-done row missing"
[ "$(rows "stage='install-start' AND detail='\\\\xff\\\\xfe'")" = 1 ] ||
	fail "status detail not stored as \\xff\\xfe: $(mariadb_sql "SELECT stage, detail FROM boot_events")"
[ "$(rows "stage='install-step' AND detail='disk ok ✓'")" = 1 ] ||
	fail "✓ not stored as it was sent: $(mariadb_sql "SELECT stage, HEX(detail) FROM boot_events")"
[ "$(rows "detail LIKE '\\\\\\\\xff\\\\\\\\xfe/grub.cfg-01-52-54-00-00-09-21%'")" -ge 1 ] ||
	fail "TFTP name not stored escaped: $(mariadb_sql "SELECT stage, detail FROM boot_events")"
[ "$(hzv events_rejected)" = 0 ] || fail "rows rejected: $(hz)"
ok "non-UTF-8 TFTP name and status detail stored as \\xNN escapes, ✓ kept, nothing refused"

# --- A row the DB refuses for good is dropped alone -----------------------
mariadb_sql "DELETE FROM boot_events; ALTER TABLE boot_events MODIFY detail VARCHAR(8) NULL" ||
	fail "shrink detail"
w0=$(hzv events_written)
[ "$(hpost $H /status/lohost 'stage=too-long&detail=0123456789abcdef')" = 200 ] || fail "post 1"
[ "$(hpost $H /status/lohost 'stage=short&detail=ok')" = 200 ] || fail "post 2"
mariadb_sql "UPDATE hosts SET build = 1 WHERE hostname='lohost'"
[ "$(hpost $H /status/lohost 'stage=install-done&detail=x')" = 200 ] || fail "post 3"
wait_until 3 sh -c "[ \"\$(mariadb --no-defaults --socket=$MDB_SOCK -uroot -N bootd -e \"SELECT COUNT(*) FROM boot_events WHERE stage='short'\")\" = 1 ]" ||
	fail "the row behind a refused one was not written: $(hz)"
wait_until 2 sh -c "[ \"\$(mariadb --no-defaults --socket=$MDB_SOCK -uroot -N bootd -e \"SELECT build FROM hosts WHERE hostname='lohost'\")\" = 0 ]" ||
	fail "build flag not cleared behind a refused row"
[ "$(hzv events_rejected)" = 1 ] || fail "refused row not counted: $(hz)"
[ "$(rows "stage='too-long'")" = 0 ] || fail "too-long row written"
grep -q 'db: boot_events refused (data error 1406), dropped; the rest goes on' "$T/bootd.log" ||
	fail "refusal not logged with its kind"
mariadb_sql "ALTER TABLE boot_events MODIFY detail VARCHAR(1024) NULL" || fail "restore detail"
ok "a row refused for good (data error 1406) dropped, counted and logged; the rest written"

# --- DB down: 20,000 reports and one install-done across a restart ---------
mariadb_sql "UPDATE hosts SET build = 1 WHERE hostname='lohost2'"
wait_until 3 sh -c "curl -fsS --max-time 2 http://127.0.0.1:$HTTP_PORT/inventory/lohost2 | grep -q ." ||
	true
sleep 0.5
mariadb_stop
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'db=down'" ||
	fail "bootd did not notice the DB going down: $(hz)"
before=$(wc -l < "$T/bootd.log")
fs=$(date +%s%N)
res=$(python3 - "$HTTP_PORT" <<'PY'
import http.client, socket, sys, time
port = int(sys.argv[1])
def conn():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5,
                                   source_address=("127.0.0.22", 0))
    return c
c = conn()
codes = {}
deadline = time.time() + 60
done = None
for i in range(20000):
    if time.time() > deadline:
        break
    body = "stage=progress&detail=step+%d" % i
    for attempt in range(3):
        try:
            c.request("POST", "/status/lohost2", body,
                      {"Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            r.read()
            break
        except (http.client.HTTPException, OSError):
            c.close()
            c = conn()
    else:
        continue
    codes[r.status] = codes.get(r.status, 0) + 1
    if i == 15000:
        c.request("POST", "/status/lohost2", "stage=install-done&detail=ok",
                  {"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        done = r.status
print("sent=%d ok=%d unavail=%d done=%s" % (sum(codes.values()),
      codes.get(200, 0), codes.get(503, 0), done))
PY
) || fail "status flood: $res"
echo "$res"
echo "$res" | grep -q 'sent=20000 ' || fail "not all 20,000 reports answered: $res"
echo "$res" | grep -q 'done=200' || fail "install-done not accepted with the queue full: $res"
echo "$res" | grep -q 'unavail=0 ' && fail "the HTTP room never filled: $res"
[ "$(hzv builds_pending)" = 1 ] || fail "clear not pending: $(hz)"
# The flood's lines go through the log's two limiters: access lines at
# most LOG_NOTE_BURST (200) + LOG_NOTE_RATE (50) a second, refusals one
# per reason a second within LOG_PEER_BURST (40) + LOG_PEER_RATE (10) a
# second. The bound follows the flood's own length: under ASan on a busy
# machine it takes longer, and so may write more.
fe=$(( ($(date +%s%N) - fs) / 1000000 ))
lines=$(tail -n +"$((before + 1))" "$T/bootd.log" | wc -l)
bound=$(( 200 + 40 + 60 * (fe / 1000 + 2) ))
[ "$lines" -le "$bound" ] || fail "the flood of $fe ms wrote $lines lines of log (bound $bound)"
long=$(tail -n +"$((before + 1))" "$T/bootd.log" | awk 'length > 300' | wc -l)
[ "$long" = 0 ] || fail "the flood wrote $long log lines longer than 300 bytes"
ok "DB down: 20,000 reports ($res), install-done accepted while the room was full; $lines log lines in $fe ms (<= $bound)"
bootd_stop
[ -s "$T/inventory.cache.journal" ] || fail "no journal at stop"
grep -qx lohost2 "$T/inventory.cache.journal" || fail "journal: $(cat "$T/inventory.cache.journal")"
grep -q 'not written at stop (database unreachable): lost' "$T/bootd.log" ||
	fail "lost events not said at stop"
grep -q "1 build-flag clears kept in $T/inventory.cache.journal" "$T/bootd.log" ||
	fail "journal not said at stop"
ok "SIGTERM with the DB down: the clear kept in the journal, the lost reports counted in the log"
bootd_start "$T/bootd.conf"
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'builds_pending=1'" ||
	fail "journal not read at start: $(hz)"
mariadb_start "$T" || fail "mariadb restart"
wait_until 10 sh -c "[ \"\$(mariadb --no-defaults --socket=$MDB_SOCK -uroot -N bootd -e \"SELECT build FROM hosts WHERE hostname='lohost2'\")\" = 0 ]" ||
	fail "build flag not cleared after the DB returned: $(hz)"
wait_until 3 sh -c "[ ! -e '$T/inventory.cache.journal' ]" || fail "journal left behind"
ok "bootd restarted with the DB down, DB back: the journaled clear written, journal removed"

# --- Retention ------------------------------------------------------------
mariadb_sql "
INSERT INTO boot_events (ts, mac, hostname, stage, detail)
  SELECT NOW() - INTERVAL 400 DAY, NULL, 'old', 'old', NULL FROM seq_1_to_700;
INSERT INTO boot_events (ts, mac, hostname, stage, detail)
  SELECT NOW(), NULL, 'new', 'new', NULL FROM seq_1_to_2300;
INSERT INTO discovered (mac, first_seen, last_seen)
  SELECT CONCAT('02:00:00:00:', LPAD(HEX(seq DIV 256), 2, '0'), ':',
                LPAD(HEX(seq MOD 256), 2, '0')),
         NOW() - INTERVAL seq MINUTE, NOW() - INTERVAL seq MINUTE
  FROM seq_1_to_300;
INSERT INTO discovered (mac, first_seen, last_seen)
  VALUES ('02:00:00:ff:00:01', NOW() - INTERVAL 90 DAY, NOW() - INTERVAL 90 DAY);" ||
	fail "retention rows"
wait_until 15 sh -c "[ \"\$(mariadb --no-defaults --socket=$MDB_SOCK -uroot -N bootd -e 'SELECT COUNT(*) FROM boot_events')\" -le 1500 ] &&
	[ \"\$(mariadb --no-defaults --socket=$MDB_SOCK -uroot -N bootd -e 'SELECT COUNT(*) FROM discovered')\" -le 100 ]" ||
	fail "not pruned: $(mariadb_sql 'SELECT COUNT(*) FROM boot_events'), $(mariadb_sql 'SELECT COUNT(*) FROM discovered'); $(hz)"
[ "$(rows "stage='old'")" = 0 ] || fail "old events kept"
[ "$(rows "stage='new'")" -ge 1400 ] || fail "too many new events pruned: $(rows "stage='new'")"
[ "$(mariadb_sql "SELECT COUNT(*) FROM discovered WHERE mac='02:00:00:00:00:01'")" = 1 ] ||
	fail "the most recently seen MAC was pruned"
[ "$(mariadb_sql "SELECT COUNT(*) FROM discovered WHERE mac='02:00:00:ff:00:01'")" = 0 ] ||
	fail "a MAC unseen for 90 days was kept"
ok "retention: boot_events <= 1500 and none older than 30 days, discovered <= 100, newest kept ($(hzv pruned) rows pruned)"

bootd_stop
t_done
