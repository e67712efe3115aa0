#!/usr/bin/env bash
# Benchmark (not a test): what a scrape of /metrics (metrics.per_host off
# and on) and a GET of /api/hosts cost at 1k, 10k and 100k generated hosts,
# each with one boot event in boot_events (read back by the seed, so every
# host has a state and a last event), through a running `bootd serve`
# against a private MariaDB. Prints ms per request (median of REPS, curl's
# time_total on loopback: the render on the loop plus the transfer) and
# the body's bytes. Then, with metrics.per_host on, the loop's stalls:
# bench/loopprobe.py sends GET /healthz every 10 ms for PROBE_SECS (10)
# while two clients fetch /api/hosts and /metrics back to back, and
# prints the probe's reply latency p50/p99/max in ms (max: the longest
# the loop kept a client waiting) and how many of each answer came back
# (200) meanwhile; "idle" is the probe alone.
#   bench/metrics.sh [SIZES...]    (default: 1000 10000 100000)
#   BOOTD_ALT=/path/to/other/bootd: the stall table also for that binary
#   (e.g. a build before the change), started against the same data.
# Needs a built tree (build/bootd/bootd or $BOOTD_BIN).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BOOTD_SRC=$top
. "$top/tests/lib/common.sh"
. "$top/bench/lib.sh"
t_init bench-metrics
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
REPS=${REPS:-15}
PROBE_SECS=${PROBE_SECS:-10}
BINS=("new=$BOOTD_BIN")
[ -z "${BOOTD_ALT:-}" ] || BINS+=("alt=$BOOTD_ALT")
STALLS=()

mariadb_start "$T" >/dev/null || fail "mariadb"
bootd_config "$T/bootd.conf"
sed -i 's|network = "10.213.0.0/24"; router = "10.213.0.1"|network = "10.0.0.0/8"; router = "10.0.0.1"|;
	s|dns = \[ "10.213.0.1" \]|dns = [ "10.0.0.1" ]|' "$T/bootd.conf"
cp "$T/bootd.conf" "$T/off.conf"
cp "$T/bootd.conf" "$T/on.conf"
echo 'metrics = { per_host = true; };' >> "$T/on.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null

# get PATH: REPS requests; prints "median-ms bytes".
get() {
	local i out ms=() bytes=0
	for i in $(seq 1 "$REPS"); do
		out=$(curl -fsS --max-time 30 -o /dev/null \
			-w '%{time_total} %{size_download}' \
			"http://127.0.0.1:$HTTP_PORT$1") || fail "GET $1"
		ms+=("$(awk -v t="${out% *}" 'BEGIN { printf "%.2f", t * 1000 }')")
		bytes=${out#* }
	done
	echo "$(median "${ms[@]}") $bytes"
}

# scrape PATH FILE: GETs PATH back to back until $T/stop exists (at most
# 600 s); appends each status code to FILE.
scrape() {
	local end=$(($(date +%s) + 600))
	while [ ! -e "$T/stop" ] && [ "$(date +%s)" -lt $end ]; do
		curl -sS --max-time 60 -o /dev/null -w '%{http_code}\n' \
			"http://127.0.0.1:$HTTP_PORT$1" >> "$2" 2>/dev/null ||
			echo 000 >> "$2"
	done
}

# stall: the probe alone, then with both scrapers; prints
# "idle-p50/p99/max busy-p50/p99/max api-200s metrics-200s".
stall() {
	local idle busy pa pm
	idle=$(python3 "$top/bench/loopprobe.py" "$HTTP_PORT" 2)
	rm -f "$T/stop" "$T/na" "$T/nm"
	: > "$T/na"
	: > "$T/nm"
	scrape /api/hosts "$T/na" & pa=$!
	scrape /metrics "$T/nm" & pm=$!
	busy=$(python3 "$top/bench/loopprobe.py" "$HTTP_PORT" "$PROBE_SECS")
	touch "$T/stop"
	wait $pa $pm
	set -- $idle $busy
	echo "$1/$2/$3 $5/$6/$7 $(grep -c '^200$' "$T/na") $(grep -c '^200$' "$T/nm")"
}

printf '%-8s %-22s %-22s %-22s\n' hosts "/metrics off: ms B" \
	"/metrics per_host: ms B" "/api/hosts: ms B"
for n in "${SIZES[@]}"; do
	mariadb_sql "DELETE FROM boot_events; DELETE FROM host_vars;
	DELETE FROM hosts; DELETE FROM profiles;
	INSERT INTO profiles (name, kind, kernel, initrd, append, selectable) VALUES
	 ('p-a', 'install', 'k/a', 'i/a', 'ip={{ip}} host={{hostname}}', 1);
	INSERT INTO hosts (hostname, mac, ip, profile, build)
	 SELECT CONCAT('n', seq), CONCAT('02:00:', LPAD(HEX(seq >> 24 & 255), 2, '0'), ':',
	   LPAD(HEX(seq >> 16 & 255), 2, '0'), ':', LPAD(HEX(seq >> 8 & 255), 2, '0'), ':',
	   LPAD(HEX(seq & 255), 2, '0')),
	  CONCAT('10.', seq >> 16 & 255, '.', seq >> 8 & 255, '.', (seq & 255) + 0),
	  'p-a', 1 FROM seq_1_to_$n;
	INSERT INTO host_vars (hostname, name, value)
	 SELECT CONCAT('n', seq), 'group', CONCAT('r', seq % 40) FROM seq_1_to_$n;
	INSERT INTO boot_events (hostname, stage, detail)
	 SELECT CONCAT('n', seq), 'dhcp-ack', 'bench' FROM seq_1_to_$n;"
	row=$n
	for mode in off on; do
		: > "$T/bootd.log"
		rm -f "$T/inventory.cache"
		bootd_start "$T/$mode.conf"
		wait_until 120 grep -q 'watch: host states from' "$T/bootd.log" ||
			fail "no seed for $n hosts"
		grep -o 'watch: host states from.*' "$T/bootd.log" >&2
		row="$row $(get /metrics | tr ' ' ' ')"
		[ $mode = on ] && row="$row $(get /api/hosts)"
		if [ $mode = on ]; then
			STALLS+=("$n ${BINS[0]%%=*} $(stall)")
		fi
		bootd_stop
	done
	for b in "${BINS[@]:1}"; do
		: > "$T/bootd.log"
		rm -f "$T/inventory.cache"
		save=$BOOTD_BIN
		BOOTD_BIN=${b#*=}
		bootd_start "$T/on.conf"
		wait_until 120 grep -q 'watch: host states from' \
			"$T/bootd.log" || fail "no seed for $n hosts"
		echo "${b%%=*}: $(grep -o 'watch: host states from.*' \
			"$T/bootd.log")" >&2
		STALLS+=("$n ${b%%=*} $(stall)")
		bootd_stop
		BOOTD_BIN=$save
	done
	set -- $row
	printf '%-8s %-22s %-22s %-22s\n' "$1" "$2 $3" "$4 $5" "$6 $7"
done
echo
echo "loop stalls, per_host on, probe GET /healthz every 10 ms for" \
	"${PROBE_SECS}s (ms p50/p99/max)"
printf '%-8s %-5s %-18s %-22s %-10s %-10s\n' hosts bin idle \
	"scraping back to back" "api 200s" "metrics 200s"
for r in "${STALLS[@]}"; do
	set -- $r
	printf '%-8s %-5s %-18s %-22s %-10s %-10s\n' "$1" "$2" "$3" "$4" \
		"$5" "$6"
done
t_done
