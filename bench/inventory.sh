#!/usr/bin/env bash
# Benchmark (not a test): inventory snapshot load + validate + index time and
# the daemon's peak RSS for 1k, 10k and 100k generated hosts, and the latency
# from an UPDATE to the change being served over HTTP, measured through a
# running `bootd serve` against a private MariaDB.
#   bench/inventory.sh [SIZES...]    (default: 1000 10000 100000)
# Needs a built tree (build/bootd/bootd or $BOOTD_BIN).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BOOTD_SRC=$top
. "$top/tests/lib/common.sh"
t_init bench-inv
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
UPDATES=${UPDATES:-30}

mariadb_start "$T" >/dev/null || fail "mariadb"
bootd_config "$T/bootd.conf"
sed -i 's|network = "10.213.0.0/24"; router = "10.213.0.1"|network = "10.0.0.0/8"; router = "10.0.0.1"|;
	s|dns = \[ "10.213.0.1" \]|dns = [ "10.0.0.1" ]|' "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null

printf '%-8s %-12s %-14s %-12s %-16s %-16s\n' hosts "load ms" "peak RSS MiB" \
	"cache KiB" "update p50 ms" "update p90 ms"
for n in "${SIZES[@]}"; do
	mariadb_sql "DELETE FROM host_vars; DELETE FROM hosts; DELETE FROM profiles;
	INSERT INTO profiles (name, kind, kernel, initrd, append, selectable) VALUES
	 ('p-a', 'diskless', 'k/a', 'i/a', 'ip={{ip}} host={{hostname}}', 1),
	 ('p-b', 'diskless', 'k/b', 'i/b', 'ip={{ip}} host={{hostname}}', 1);
	INSERT INTO hosts (hostname, mac, ip, profile, build)
	 SELECT CONCAT('n', seq), CONCAT('02:00:', LPAD(HEX(seq >> 24 & 255), 2, '0'), ':',
	   LPAD(HEX(seq >> 16 & 255), 2, '0'), ':', LPAD(HEX(seq >> 8 & 255), 2, '0'), ':',
	   LPAD(HEX(seq & 255), 2, '0')),
	  CONCAT('10.', seq >> 16 & 255, '.', seq >> 8 & 255, '.', (seq & 255) + 0),
	  IF(seq % 2, 'p-a', 'p-b'), 0 FROM seq_1_to_$n;
	INSERT INTO host_vars (hostname, name, value)
	 SELECT CONCAT('n', seq), 'rack', CONCAT('r', seq % 40) FROM seq_1_to_$n;"
	: > "$T/bootd.log"
	rm -f "$T/inventory.cache"
	bootd_start "$T/bootd.conf"
	wait_until 60 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=db'" ||
		fail "no load for $n hosts"
	load=$(grep -o 'rejected rows in [0-9.]* ms' "$T/bootd.log" | head -1 | grep -o '[0-9.]* ms' | cut -d' ' -f1)
	grep -m1 -o 'in [0-9.]* ms (read.*' "$T/bootd.log" >&2
	hosts=$(http_get /healthz | grep -o 'hosts=[0-9]*' | cut -d= -f2)
	[ "$hosts" = "$n" ] || fail "$n hosts generated, $hosts served"
	# Update-to-served latency: UPDATE, then poll the served host until it
	# shows the change. Sequential, bounded by UPDATES and 10 s each.
	lat=()
	for i in $(seq 1 "$UPDATES"); do
		h=n$(( (i * 7919) % n + 1 ))
		cur=$(http_get "/inventory/$h" | sed -n 's/^profile=//p')
		[ "$cur" = p-a ] && new=p-b || new=p-a
		start=$(date +%s%N)
		mariadb_sql "UPDATE hosts SET profile='$new' WHERE hostname='$h'"
		until http_get "/inventory/$h" 2>/dev/null | grep -qx "profile=$new"; do
			[ $(( $(date +%s%N) - start )) -lt 10000000000 ] || fail "update lost"
			sleep 0.005
		done
		lat+=($(( ($(date +%s%N) - start) / 1000000 )))
		# Random phase against the poll timer, as an admin's edit would be.
		sleep "0.$(( RANDOM % 10 ))"
	done
	sorted=($(printf '%s\n' "${lat[@]}" | sort -n))
	p50=${sorted[$(( ${#sorted[@]} / 2 ))]}
	p90=${sorted[$(( ${#sorted[@]} * 9 / 10 ))]}
	rss=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$BOOTD_PID/status")
	cache=$(( $(stat -c %s "$T/inventory.cache") / 1024 ))
	printf '%-8s %-12s %-14s %-12s %-16s %-16s\n' "$n" "$load" "$rss" "$cache" "$p50" "$p90"
	bootd_stop
done
