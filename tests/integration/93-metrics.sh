#!/usr/bin/env bash
# GET /metrics against a real MariaDB: the exposition passes promtool's
# check, counters move with real traffic (curl and tftp-hpa over TFTP, curl
# over HTTP, a TFTP refusal, an HTTP refusal over http.max_per_client, a
# malformed and an unanswered DHCP datagram and a RENEWING REQUEST acked
# on loopback, a TFTP retransmit and a stranger's packet to a transfer, a
# rejected inventory row, status reports piling up while MariaDB is
# stopped), the two histograms count what they should, and a real
# Prometheus server scrapes bootd and gives the values back through its
# HTTP API. Everything stays on 127.0.0.1.
. "$(dirname "$0")/../lib/common.sh"
t_init metrics
command -v promtool >/dev/null || fail "promtool missing (scripts/deps.sh)"
command -v prometheus >/dev/null || fail "prometheus missing (scripts/deps.sh)"
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
TPORT=$(free_port)
DPORT=$(free_port)
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; };|" "$T/bootd.conf"
sed -i "s|^dhcp = { subnets|dhcp = { enabled = true; listen = \"127.0.0.1\"; port = $DPORT; subnets|" "$T/bootd.conf"
# A loopback subnet too, so that a host at 127.0.0.93 gets its ACK unicast
# to ciaddr (no broadcast, nothing leaves 127.0.0.0/8).
sed -i 's|domain = "demo.test"; } ); };|domain = "demo.test"; }, { network = "127.0.0.0/8"; } ); };|' "$T/bootd.conf"
grep -q '127.0.0.0/8"; } ); };' "$T/bootd.conf" || fail "loopback subnet not set"
# Two connections of one client at most: the third is refused.
sed -i "s|^http = { listen|http = { max_per_client = 2; listen|" "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mariadb_sql "INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
	('metrics93', '02:13:00:00:93:02', '127.0.0.93', 'diskless-6.1', 0);" ||
	fail "loopback host"
head -c 100000 /dev/urandom > "$T/tftp/small.bin"
bootd_start "$T/bootd.conf"
wait_until 5 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=db'" ||
	fail "no inventory"

URL=http://127.0.0.1:$HTTP_PORT/metrics
scrape() { curl -fsS --max-time 5 "$URL" -o "$T/m.txt" || fail "GET /metrics"; }
# val 'name{labels}': the sample's value in the last scrape.
val() {
	local v
	v=$(awk -v k="$1" '$1 == k { print $2 }' "$T/m.txt")
	[ -n "$v" ] || fail "no sample $1 in /metrics"
	echo "$v"
}
# moved 'name{labels}' BEFORE DELTA: the value grew by DELTA.
moved() {
	local now
	now=$(val "$1")
	[ "$now" = $(($2 + $3)) ] || fail "$1: $2 -> $now, want +$3"
	ok "$1: $2 -> $now"
}

# Served to anyone (no admin ACL), in the exposition format.
hdr=$(curl -fsS --max-time 5 -D - -o "$T/m.txt" "$URL") || fail "GET /metrics"
echo "$hdr" | grep -qi '^content-type: text/plain; version=0.0.4' ||
	fail "content type: $hdr"
promtool check metrics < "$T/m.txt" > "$T/promtool.out" 2>&1 ||
	fail "promtool: $(cat "$T/promtool.out")"
ok "promtool check metrics accepts $(wc -l < "$T/m.txt") lines"
[ "$(grep -c '^# TYPE bootd_tftp_transfers_total ' "$T/m.txt")" = 1 ] ||
	fail "TYPE line of bootd_tftp_transfers_total not once"
[ "$(val 'bootd_build_info{version="'"$("$BOOTD_BIN" --version | cut -d' ' -f2)"'"}')" = 1 ] ||
	fail "build info"
[ "$(val 'bootd_db_state{state="up"}')" = 1 ] && [ "$(val 'bootd_db_state{state="down"}')" = 0 ] ||
	fail "db state"
[ "$(val bootd_snapshot_hosts)" -gt 0 ] && [ "$(val bootd_snapshot_generation)" -gt 0 ] ||
	fail "snapshot gauges"
age=$(val bootd_snapshot_age_seconds)
awk -v a="$age" 'BEGIN { exit !(a >= 0 && a < 60) }' || fail "snapshot age $age"
start=$(val bootd_start_time_seconds)
[ "$start" -le "$(date +%s)" ] && [ "$start" -gt $(( $(date +%s) - 120 )) ] ||
	fail "start time $start"
ok "build info, DB state up, snapshot $(val bootd_snapshot_hosts) hosts, start time"

done0=$(val 'bootd_tftp_transfers_total{result="done"}')
refused0=$(val 'bootd_tftp_transfers_total{result="refused"}')
bytes0=$(val bootd_tftp_sent_bytes_total)
acc0=$(val bootd_http_connections_accepted_total)
cap0=$(val 'bootd_http_connections_refused_total{cap="max_per_client"}')
recv0=$(val bootd_dhcp_packets_received_total)
bad0=$(val bootd_dhcp_packets_malformed_total)
unk0=$(val 'bootd_dhcp_ignored_total{reason="unknown_mac"}')
disc0=$(val 'bootd_dhcp_discovered_total{outcome="queued"}')
ev0=$(val bootd_db_events_written_total)
f2=$(val 'bootd_http_requests_total{route="/files/",code="2xx"}')
f4=$(val 'bootd_http_requests_total{route="/files/",code="4xx"}')
n4=$(val 'bootd_http_requests_total{route="none",code="4xx"}')
acks0=$(val 'bootd_dhcp_replies_total{type="ack"}')
lat0=$(val bootd_dhcp_reply_latency_seconds_count)

# TFTP: two transfers, one refusal.
curl -fsS --max-time 20 "tftp://127.0.0.1:$TPORT/small.bin" -o "$T/a.bin" || fail "curl tftp"
(cd "$T" && timeout 20 tftp 127.0.0.1 "$TPORT" -m binary -c get small.bin b.bin) || fail "tftp-hpa"
cmp -s "$T/a.bin" "$T/tftp/small.bin" && cmp -s "$T/b.bin" "$T/tftp/small.bin" || fail "TFTP content"
curl -sS --max-time 20 "tftp://127.0.0.1:$TPORT/missing.bin" -o /dev/null 2>/dev/null &&
	fail "missing file served"
# HTTP: three fetches; then two idle connections fill max_per_client.
for _ in 1 2 3; do http_get /healthz >/dev/null || fail "GET /healthz"; done
# By route and status class: two files, a missing one, a path of no route.
http_get /files/small.bin >/dev/null && http_get /files/small.bin >/dev/null ||
	fail "GET /files/small.bin"
http_get /files/missing.bin >/dev/null 2>&1 && fail "missing file over HTTP"
http_get /no/route >/dev/null 2>&1 && fail "a path of no route answered"
exec 7<>"/dev/tcp/127.0.0.1/$HTTP_PORT" 8<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
wait_until 5 sh -c "! curl -fsS --max-time 2 http://127.0.0.1:$HTTP_PORT/healthz" ||
	fail "third connection not refused"
exec 7>&- 8>&-
# DHCP on loopback: a datagram too short, and a DISCOVER from an unknown MAC.
python3 - "$DPORT" <<'PY' || fail "DHCP datagrams"
import socket, struct, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"x", ("127.0.0.1", port))
mac = bytes([0x02, 0x13, 0x00, 0x00, 0x93, 0x01])
p = struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, 0x930001, 0, 0x8000, 0, 0, 0, 0)
p += mac + bytes(10) + bytes(64) + bytes(128)
p += b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\xff"
s.sendto(p, ("127.0.0.1", port))
# A RENEWING REQUEST from the loopback host: ACKed to ciaddr:port+1.
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.bind(("127.0.0.93", port + 1))
c.settimeout(5)
mac = bytes([0x02, 0x13, 0x00, 0x00, 0x93, 0x02])
p = struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, 0x930002, 0, 0, 0x7f00005d,
                0, 0, 0)
p += mac + bytes(10) + bytes(64) + bytes(128)
p += b"\x63\x82\x53\x63" + b"\x35\x01\x03" + b"\xff"
c.sendto(p, ("127.0.0.1", port))
r = c.recv(4096)
assert r[4:8] == struct.pack("!I", 0x930002), "xid"
assert b"\x35\x01\x05" in r[240:], "not an ACK"
PY
# The counters are read on the loop: wait until the last datagram counted.
wait_until 5 sh -c "curl -fsS --max-time 2 $URL |
	grep -qx 'bootd_dhcp_packets_received_total $((recv0 + 3))'" ||
	fail "DHCP datagrams not counted"
# Wait out the connection-close bookkeeping of the refused one.
wait_until 5 sh -c "curl -fsS --max-time 2 $URL |
	grep -qx 'bootd_tftp_transfers_active 0'" || fail "TFTP transfers still active"
scrape
moved 'bootd_tftp_transfers_total{result="done"}' "$done0" 2
moved 'bootd_tftp_transfers_total{result="refused"}' "$refused0" 1
moved bootd_tftp_sent_bytes_total "$bytes0" 200000
moved 'bootd_http_connections_refused_total{cap="max_per_client"}' "$cap0" 1
# 3 fetches, 2 idle, the wait loops' and this one's: at least 6 more.
acc=$(val bootd_http_connections_accepted_total)
[ "$acc" -ge $((acc0 + 6)) ] || fail "HTTP accepted $acc0 -> $acc"
ok "bootd_http_connections_accepted_total: $acc0 -> $acc"
moved 'bootd_http_requests_total{route="/files/",code="2xx"}' "$f2" 2
moved 'bootd_http_requests_total{route="/files/",code="4xx"}' "$f4" 1
moved 'bootd_http_requests_total{route="none",code="4xx"}' "$n4" 1
grep -q 'http: 127.0.0.1 GET /files/small.bin 200 [0-9]* bytes [0-9.]* ms' "$T/bootd.log" &&
	grep -q 'http: 127.0.0.1 GET /no/route 404 ' "$T/bootd.log" ||
	fail "no access log lines: $(grep 'http: 127' "$T/bootd.log" | tail -3)"
ok "access log: one line a request (peer, method, path, status, bytes, ms)"
moved bootd_dhcp_packets_received_total "$recv0" 3
moved 'bootd_dhcp_replies_total{type="ack"}' "$acks0" 1
moved bootd_dhcp_packets_malformed_total "$bad0" 1
moved 'bootd_dhcp_ignored_total{reason="unknown_mac"}' "$unk0" 1
moved 'bootd_dhcp_discovered_total{outcome="queued"}' "$disc0" 1
# The DB thread writes the discovered row and the TFTP events in its time.
wait_until 10 sh -c "[ \$(curl -fsS --max-time 2 $URL |
	awk '\$1 == \"bootd_db_events_written_total\" { print \$2 }') -gt $ev0 ]" ||
	fail "bootd_db_events_written_total did not move"
scrape
ok "bootd_db_events_written_total: $ev0 -> $(val bootd_db_events_written_total)"
promtool check metrics < "$T/m.txt" > "$T/promtool.out" 2>&1 ||
	fail "promtool after traffic: $(cat "$T/promtool.out")"
ok "promtool check metrics after traffic"

# hist NAME: its buckets never go down, +Inf equals _count; prints _count.
hist() {
	awk -v n="$1" '
	index($1, n "_bucket{") == 1 {
		if (nb > 0 && $2 + 0 < last) bad = "bucket " $1 " goes down"
		last = $2 + 0; nb++
		if ($1 ~ /le="\+Inf"/) inf = $2
	}
	$1 == n "_count" { count = $2 }
	$1 == n "_sum" { sum = $2 }
	END {
		if (bad != "") { print bad; exit 1 }
		if (nb < 2 || inf == "" || count == "" || sum == "") {
			print "incomplete"; exit 1 }
		if (inf != count) { print "+Inf " inf " != count " count; exit 1 }
		print count
	}' "$T/m.txt"
}
grep -q '^# TYPE bootd_tftp_transfer_duration_seconds histogram$' "$T/m.txt" &&
	grep -q '^# TYPE bootd_dhcp_reply_latency_seconds histogram$' "$T/m.txt" ||
	fail "histogram TYPE lines"
n=$(hist bootd_tftp_transfer_duration_seconds) || fail "TFTP histogram: $n"
[ "$n" = "$(val 'bootd_tftp_transfers_total{result="done"}')" ] ||
	fail "TFTP duration count $n != transfers done"
ok "bootd_tftp_transfer_duration_seconds: count $n = transfers done = +Inf"
n=$(hist bootd_dhcp_reply_latency_seconds) || fail "DHCP histogram: $n"
[ "$n" = $((lat0 + 1)) ] || fail "DHCP latency count $lat0 -> $n, want +1"
[ "$n" = $(( $(val 'bootd_dhcp_replies_total{type="offer"}') +
	$(val 'bootd_dhcp_replies_total{type="ack"}') +
	$(val 'bootd_dhcp_replies_total{type="nak"}') )) ] ||
	fail "DHCP latency count $n != replies sent"
# Sent within a second on an idle loopback: not in +Inf alone.
[ "$(val 'bootd_dhcp_reply_latency_seconds_bucket{le="0.1"}')" = "$n" ] ||
	fail "DHCP reply slower than 0.1 s"
ok "bootd_dhcp_reply_latency_seconds: count $lat0 -> $n = replies sent = +Inf"

# TFTP: a client that does not ACK gets DATA 1 again (a retransmit); a
# stranger writing to the transfer's port gets ERROR 5 (wrong TID); the
# client then aborts with an ERROR of its own.
scrape
rtx0=$(val bootd_tftp_retransmits_total)
wtid0=$(val bootd_tftp_wrong_tid_total)
python3 - "$TPORT" <<'PY' || fail "TFTP retransmit and wrong TID"
import socket, struct, sys
port = int(sys.argv[1])
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(5)
c.sendto(b"\0\1small.bin\0octet\0", ("127.0.0.1", port))
d1, tid = c.recvfrom(600)
assert d1[:4] == b"\0\3\0\1", d1[:4]
d2, tid2 = c.recvfrom(600)          # no ACK: the same block again
assert d2 == d1 and tid2 == tid, "not a retransmit of block 1"
x = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
x.settimeout(5)
x.sendto(b"\0\4\0\1", tid)
e, _ = x.recvfrom(600)
assert e[:4] == b"\0\5\0\5", "stranger: not ERROR 5: %r" % e[:4]
c.sendto(b"\0\5\0\0bye\0", tid)
PY
wait_until 5 sh -c "curl -fsS --max-time 2 $URL | grep -qx 'bootd_tftp_transfers_active 0'" ||
	fail "aborted transfer still active"
scrape
[ "$(val bootd_tftp_retransmits_total)" -gt "$rtx0" ] ||
	fail "bootd_tftp_retransmits_total did not move"
ok "bootd_tftp_retransmits_total: $rtx0 -> $(val bootd_tftp_retransmits_total)"
moved bootd_tftp_wrong_tid_total "$wtid0" 1

# DB: a row the snapshot rejects, a load of it, its duration.
loads0=$(val bootd_db_loads_total)
gen0=$(val bootd_snapshot_generation)
[ "$(val bootd_snapshot_rejected_rows)" = 0 ] || fail "rejected rows before"
mariadb_sql "INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
	('bad93', 'not-a-mac', '127.0.0.94', 'diskless-6.1', 0);" || fail "bad row"
wait_until 10 sh -c "curl -fsS --max-time 2 $URL |
	grep -qx 'bootd_snapshot_rejected_rows 1'" || fail "rejected row not counted"
scrape
[ "$(val bootd_db_loads_total)" -gt "$loads0" ] &&
	[ "$(val bootd_snapshot_generation)" -gt "$gen0" ] ||
	fail "loads $loads0 -> $(val bootd_db_loads_total), generation $gen0 -> $(val bootd_snapshot_generation)"
awk -v v="$(val bootd_db_last_load_seconds)" 'BEGIN { exit !(v > 0 && v < 10) }' ||
	fail "bootd_db_last_load_seconds $(val bootd_db_last_load_seconds)"
ok "bootd_snapshot_rejected_rows 0 -> 1, bootd_db_loads_total $loads0 -> $(val bootd_db_loads_total), bootd_db_last_load_seconds $(val bootd_db_last_load_seconds)"

# The event queue: MariaDB stopped (SIGSTOP), status reports from the
# host's own address pile up until the HTTP room (4,096) is full; the
# next ones are dropped (503). SIGCONT, and the queue drains.
q0=$(val bootd_db_events_queued)
drop0=$(val bootd_db_events_dropped_total)
kill -STOP "$MDB_PID"
MDB_STOPPED=1
mdb_cont() { [ -z "${MDB_STOPPED:-}" ] || kill -CONT "$MDB_PID" 2>/dev/null; MDB_STOPPED=""; }
T_CLEANUP_HOOKS=(mdb_cont "${T_CLEANUP_HOOKS[@]}")
python3 - "$HTTP_PORT" <<'PY' > "$T/posts.out" || fail "status posts: $(cat "$T/posts.out")"
import http.client, sys, time
port = int(sys.argv[1])
codes = {}
c = None
deadline = time.time() + 60
for i in range(4300):
    if time.time() > deadline:
        break
    if c is None or i % 200 == 0:
        if c is not None:
            c.close()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                       source_address=("127.0.0.93", 0))
    c.request("POST", "/status/metrics93", body="stage=queue-test&detail=%d" % i,
              headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    codes[r.status] = codes.get(r.status, 0) + 1
    if r.status == 503 and codes[503] >= 5:
        break
print(" ".join("%d:%d" % kv for kv in sorted(codes.items())))
assert codes.get(503, 0) >= 1, codes
PY
scrape
[ "$(val bootd_db_events_queued)" -gt 1000 ] ||
	fail "bootd_db_events_queued $q0 -> $(val bootd_db_events_queued) with the DB stopped"
[ "$(val bootd_db_events_dropped_total)" -gt "$drop0" ] ||
	fail "bootd_db_events_dropped_total did not move"
ok "DB stopped: bootd_db_events_queued $q0 -> $(val bootd_db_events_queued), bootd_db_events_dropped_total $drop0 -> $(val bootd_db_events_dropped_total) (replies $(cat "$T/posts.out"))"
mdb_cont
wait_until 30 sh -c "curl -fsS --max-time 2 $URL | grep -qx 'bootd_db_events_queued 0'" ||
	fail "queue did not drain after SIGCONT"
ok "DB continued: the queue drained to 0"

# A real Prometheus scrapes bootd every second; nothing else is configured
# (no rules, no alertmanager, no remote write), so it reaches nothing else.
PPORT=$(free_port)
cat > "$T/prom.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: bootd
    static_configs:
      - targets: ["127.0.0.1:$HTTP_PORT"]
YML
promtool check config "$T/prom.yml" >/dev/null 2>&1 || fail "prometheus config"
PROM_PID=""
prom_stop() {
	[ -n "$PROM_PID" ] || return 0
	kill "$PROM_PID" 2>/dev/null || true
	wait "$PROM_PID" 2>/dev/null || true
	PROM_PID=""
}
T_CLEANUP_HOOKS+=(prom_stop)
prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/prom" \
	--web.listen-address="127.0.0.1:$PPORT" > "$T/prom.log" 2>&1 &
PROM_PID=$!
# query EXPR: the API's result as "labels value" lines, sorted.
query() {
	curl -fsS --max-time 3 -G "http://127.0.0.1:$PPORT/api/v1/query" \
		--data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["status"] == "success", r
for s in r["data"]["result"]:
    m = {k: v for k, v in s["metric"].items() if k not in ("__name__", "job", "instance")}
    print(",".join("%s=%s" % kv for kv in sorted(m.items())), s["value"][1])
' | sort
}
# What /metrics says, the same way.
expect() {
	scrape
	awk -v n="$1" 'index($1, n "{") == 1 || $1 == n {
		l = $1; sub(/^[^{]*\{?/, "", l); sub(/\}$/, "", l)
		gsub(/"/, "", l); print l, $2 }' "$T/m.txt" | sort
}
wait_until 30 sh -c "[ \"\$(curl -fsS --max-time 2 -G http://127.0.0.1:$PPORT/api/v1/query \
	--data-urlencode 'query=up{job=\"bootd\"}' | python3 -c 'import json,sys; \
	r=json.load(sys.stdin)[\"data\"][\"result\"]; print(r[0][\"value\"][1] if r else \"\")')\" = 1 ]" ||
	fail "Prometheus did not scrape bootd: $(tail -5 "$T/prom.log")"
ok "Prometheus scraped bootd (up = 1)"
want=$(expect bootd_tftp_transfers_total)
[ "$(echo "$want" | wc -l)" = 8 ] || fail "8 results expected: $want"
got=""
for _ in $(seq 1 40); do
	got=$(query bootd_tftp_transfers_total)
	[ "$got" = "$want" ] && break
	sleep 0.25
done
[ "$got" = "$want" ] || fail "Prometheus: $got; /metrics: $want"
ok "Prometheus API bootd_tftp_transfers_total = /metrics ($(echo "$want" | tr '\n' ' '))"
[ "$(query bootd_tftp_sent_bytes_total)" = " $(val bootd_tftp_sent_bytes_total)" ] ||
	fail "sent bytes: $(query bootd_tftp_sent_bytes_total)"
ok "Prometheus API bootd_tftp_sent_bytes_total = /metrics"
[ "$(query bootd_tftp_transfer_duration_seconds_count)" = " $(val bootd_tftp_transfer_duration_seconds_count)" ] &&
	[ "$(query 'bootd_dhcp_reply_latency_seconds_bucket{le="+Inf"}')" = "le=+Inf $(val 'bootd_dhcp_reply_latency_seconds_bucket{le="+Inf"}')" ] ||
	fail "histograms through Prometheus: $(query bootd_tftp_transfer_duration_seconds_count)"
ok "Prometheus API: both histograms = /metrics"
prom_stop
rm -rf "$T/prom"
ok "Prometheus stopped"

bootd_stop
t_done
