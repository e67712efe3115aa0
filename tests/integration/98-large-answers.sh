#!/usr/bin/env bash
# Large answers in slices (issue #13, "never blocks the loop"): with
# 20,000 hosts, GET /api/hosts (about 4.7 MB) and /metrics with
# metrics.per_host (about 2.8 MB) are written across loop turns. While
# both are fetched back to back, /healthz probed every 10 ms answers
# (a loose bound; the debug log shows the answers took many turns); the fetched documents are complete (valid JSON
# with 20,000 hosts; 20,000 bootd_host_state series, promtool happy);
# clients that go away mid-render are dropped (two renders at a time:
# two new fetches right after two aborted ones both get 200), a third
# concurrent render gets 503 with Retry-After, and bootd keeps serving
# and exits cleanly (under ASan: no leak). Takes about 25 s.
. "$(dirname "$0")/../lib/common.sh"
t_init large
N=20000
# The probe's latency is bounded loosely (a whole second): on a shared
# 2-core box the scheduler alone makes stalls of 100 ms, the size of one
# pass over 20k hosts, so it cannot tell slices from one pass here (the
# bench at 100k does: bench/RESULTS-obs.md). That the answers were
# written in slices is read from bootd's debug log ("written in N turns").
MAX_MS=${MAX_MS:-1000}
command -v promtool >/dev/null || fail "promtool missing (scripts/deps.sh)"
mariadb_start "$T" || fail "mariadb did not start"
LOGLEVEL=debug bootd_config "$T/bootd.conf"
sed -i 's|network = "10.213.0.0/24"; router = "10.213.0.1"|network = "10.0.0.0/8"; router = "10.0.0.1"|;
	s|dns = \[ "10.213.0.1" \]|dns = [ "10.0.0.1" ]|' "$T/bootd.conf"
echo 'metrics = { per_host = true; };' >> "$T/bootd.conf"
grep -q 'network = "10.0.0.0/8"' "$T/bootd.conf" || fail "config not edited"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "INSERT INTO profiles (name, kind, kernel, initrd, append, selectable)
	 VALUES ('p-a', 'install', 'k/a', 'i/a', 'ip={{ip}}', 1);
	INSERT INTO hosts (hostname, mac, ip, profile, build)
	 SELECT CONCAT('n', seq), CONCAT('02:00:00:', LPAD(HEX(seq >> 16 & 255), 2, '0'), ':',
	   LPAD(HEX(seq >> 8 & 255), 2, '0'), ':', LPAD(HEX(seq & 255), 2, '0')),
	  CONCAT('10.', seq >> 16 & 255, '.', seq >> 8 & 255, '.', seq & 255),
	  'p-a', 1 FROM seq_1_to_$N;
	INSERT INTO host_vars (hostname, name, value)
	 SELECT CONCAT('n', seq), 'group', CONCAT('r', seq % 40) FROM seq_1_to_$N;
	INSERT INTO boot_events (hostname, stage, detail)
	 SELECT CONCAT('n', seq), 'dhcp-ack', 'test98' FROM seq_1_to_$N;" ||
	fail "hosts"
bootd_start "$T/bootd.conf"
U=http://127.0.0.1:$HTTP_PORT
wait_until 30 grep -q 'watch: host states from' "$T/bootd.log" || fail "no seed"
wait_until 10 sh -c "curl -fsS $U/healthz | grep -q 'hosts=$N'" ||
	fail "not $N hosts: $(http_get /healthz)"

# The documents are complete.
curl -fsS --max-time 60 "$U/api/hosts" -o "$T/hosts.json" || fail "GET /api/hosts"
python3 - "$T/hosts.json" "$N" <<'PY' || fail "/api/hosts not complete"
import json, sys
j = json.load(open(sys.argv[1]))
h = j["hosts"]
assert len(h) == int(sys.argv[2]), len(h)
assert len({x["name"] for x in h}) == len(h)
assert all(x["state"] == "booting" and x["last_stage"] == "dhcp-ack" for x in h)
PY
curl -fsS --max-time 60 "$U/metrics" -o "$T/metrics.txt" || fail "GET /metrics"
[ "$(grep -c '^bootd_host_state{' "$T/metrics.txt")" = $N ] &&
	[ "$(grep -c '^bootd_host_last_event_timestamp_seconds{' "$T/metrics.txt")" = $N ] ||
	fail "/metrics: not $N series each"
promtool check metrics < "$T/metrics.txt" > "$T/promtool.out" 2>&1 ||
	fail "promtool: $(head -5 "$T/promtool.out")"
ok "$N hosts: /api/hosts valid JSON, /metrics $N series each, promtool"

# The loop stays responsive while both are fetched back to back.
rm -f "$T/stop"
scrape() {
	local i
	for i in $(seq 1 200); do
		[ -e "$T/stop" ] && break
		curl -sS --max-time 60 -o /dev/null -w '%{http_code}\n' "$U$1" >> "$2" ||
			echo 000 >> "$2"
	done
}
scrape /api/hosts "$T/na" & pa=$!
scrape /metrics "$T/nm" & pm=$!
sleep 0.3
probe=$(python3 "$BOOTD_SRC/bench/loopprobe.py" "$HTTP_PORT" 4) || probe=fail
touch "$T/stop"
wait $pa $pm
set -- $probe
[ "$(grep -vc '^200$' "$T/na" "$T/nm" | awk -F: '{ s += $2 } END { print s }')" = 0 ] ||
	fail "a scrape failed: $(sort "$T/na" "$T/nm" | uniq -c | tr '\n' ' ')"
[ "$probe" != fail ] && awk -v p="$3" -v m="$MAX_MS" 'BEGIN { exit !(p < m) }' ||
	fail "/healthz p50/p99/max $1/$2/$3 ms during scrapes (bound $MAX_MS ms)"
grep -Eq 'http: 127.0.0.1: /api/hosts written in ([2-9]|[1-9][0-9]+) turns' "$T/bootd.log" &&
	grep -Eq 'http: 127.0.0.1: /metrics written in ([2-9]|[1-9][0-9]+) turns' "$T/bootd.log" ||
	fail "no answer written in slices (debug log)"
ok "/healthz every 10 ms while scraping: p50/p99/max $1/$2/$3 ms over $4 probes ($(wc -l < "$T/na") + $(wc -l < "$T/nm") scrapes)"

# Clients that go away: before the reply (closed right after the request)
# and while it is being written (curl cut after 50 ms).
abort_early() {
	exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT" || return 1
	printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
	exec 3>&-
}
for i in $(seq 1 10); do
	abort_early /api/hosts
	abort_early /metrics
	curl -sS --max-time 0.05 -o /dev/null "$U/api/hosts" 2>/dev/null || true
done
sleep 0.3
# Both render slots are free again: two at once both answer.
: > "$T/codes"
pids=()
for p in /api/hosts /metrics; do
	curl -sS --max-time 60 -o /dev/null -w '%{http_code}\n' "$U$p" >> "$T/codes" &
	pids+=($!)
done
wait "${pids[@]}"	# not bootd: a bare wait would wait for it too
[ "$(sort "$T/codes" | tr '\n' ' ')" = "200 200 " ] ||
	fail "after aborted clients: $(tr '\n' ' ' < "$T/codes")"
ok "clients gone mid-render are dropped; the render slots come back"

# Over two renders at a time: 503 with Retry-After.
: > "$T/codes"
pids=()
for i in 1 2 3 4; do
	curl -sS --max-time 60 -D "$T/h$i" -o /dev/null -w '%{http_code}\n' "$U/api/hosts" >> "$T/codes" &
	pids+=($!)
done
wait "${pids[@]}"
grep -q '^503$' "$T/codes" && [ "$(grep -c '^200$' "$T/codes")" -ge 2 ] ||
	fail "4 at once: $(tr '\n' ' ' < "$T/codes")"
grep -qi '^Retry-After: 1' "$T"/h? || fail "no Retry-After with 503"
http_get /healthz | grep -q "^ok" || fail "healthz after"
bootd_stop
ok "a third render at a time gets 503 + Retry-After; clean exit"
t_done
