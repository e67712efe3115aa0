#!/usr/bin/env bash
# Benchmark (not a test): DHCP 4-way exchanges (DISCOVER-OFFER-REQUEST-ACK)
# through bootd's built-in server against dnsmasq, Kea with its
# reservations in the config (memfile leases) and Kea with its reservations
# in MySQL (hosts-database; memfile leases), on the same 1,000 reserved
# MACs, driven by Kea's perfdhcp, in one run:
#   1. the highest rate with under 1% of 4-way exchanges lost, by a short
#      search (at most STEPS perfdhcp runs of -r RATE -p PERIOD), with
#      perfdhcp's own CPU use, to tell a server-bound limit from a
#      client-bound one;
#   2. the median DISCOVER->OFFER and REQUEST->ACK delay at 1,000
#      exchanges/s (perfdhcp -x t prints every exchange's send and receive
#      time; the median is computed here), with the server's CPU time per
#      exchange (and MariaDB's, which serves the Kea-MySQL lookups);
#   3. a profile of bootd at a fixed rate (perf) and its system calls per
#      exchange (strace -c), when PROFILE=1.
# bootd runs twice: as configured by default (log.level "info": one line
# per answer) and with log.level "warn" (bootd-warn).
#
# Topology: every server gets its own pair of namespaces made here,
#   dcN-$$ vc 10.213.0.2/21 ── dsN-$$ vs 10.213.0.1/21 (server)
# so all servers run at once, idle while another is measured, with the same
# addresses and configs. perfdhcp acts as a relay (giaddr 10.213.0.2, port
# 67) and sends unicast to 10.213.0.1. Reservations: host nNNNN (N =
# 0..999) has MAC 02:00:00:00:HH:LL (HHLL = N in hex) and IP
# 10.213.(1 + N div 250).(1 + N mod 250); perfdhcp -b mac=02:00:00:00:00:00
# -R 1000 generates exactly these MACs (base + 0..999, in sequence). A
# check run per server compares every OFFER and ACK perfdhcp received
# (-x l) with the reservation of its MAC before anything is measured; it
# also leaves every server with the 1,000 leases, so all rounds measure
# the same steady state.
#
# Rounds are interleaved: each round measures every server once, the order
# rotated by one per round, so drift and the other users' load of this
# shared 2-core machine hit all servers alike. The table gives the median
# of RUNS rounds. Everything is started here, stopped by PID, and removed
# on exit with the namespaces and the temp dir.
#
#   bench/dhcp.sh
# Environment: BOOTD_BIN (default: build-dbench/bootd/bootd, built here),
#   BOOTD_ALT (a second bootd binary, measured as "bootd-alt" at log.level
#   info: A/B a patch), SERVERS (default "bootd bootd-warn dnsmasq kea-mem
#   kea-mysql"), RUNS (3), PERIOD (5 s per rate step), STEPS (5),
#   LAT_RATE (1000), LAT_PERIOD (5), PROFILE (1); PERFDHCP (1; 0: only the
#   check runs, not the perfdhcp rounds, profile and table); LOADGEN (1:
#   also the bench/dhcpload.c section at the end), LG_CMP_RATE (3000),
#   LG_PERIOD (4), LG_START (4000), LG_STEPS (7), LG_MAX (400000), LG_RUNS
#   (1: interleaved dhcpload rounds, the order rotated, medians),
#   LG_SYSCALLS (the dhcpload rates at which each bootd's system calls are
#   counted, perf stat or strace; default "1000 2000 20000"; "" for none). Needs
#   root. Takes about 12 minutes (14 with BOOTD_ALT), plus 3 per LG_RUNS
#   with LOADGEN.
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$PATH:/usr/sbin:/sbin
RUNS=${RUNS:-3}
PERIOD=${PERIOD:-5}
STEPS=${STEPS:-5}
START=${START:-2000}	# first rate tried when no CPU estimate is there
MAX_RATE=${MAX_RATE:-40000}
LAT_RATE=${LAT_RATE:-1000}
LAT_PERIOD=${LAT_PERIOD:-5}
PROFILE=${PROFILE:-1}
PERFDHCP=${PERFDHCP:-1}
LOADGEN=${LOADGEN:-1}
LG_CMP_RATE=${LG_CMP_RATE:-3000}
LG_PERIOD=${LG_PERIOD:-4}
LG_START=${LG_START:-4000}
LG_STEPS=${LG_STEPS:-7}
LG_MAX=${LG_MAX:-400000}
LG_RUNS=${LG_RUNS:-1}
LG_SYSCALLS=${LG_SYSCALLS-1000 2000 20000}
NCLIENTS=1000
BASE_MAC=02:00:00:00:00:00
read -r -a SERVERS <<< "${SERVERS:-bootd bootd-warn dnsmasq kea-mem kea-mysql}"
[ -z "${BOOTD_ALT:-}" ] || SERVERS+=(bootd-alt)

[ "$(id -u)" -eq 0 ] || { echo "dhcp.sh: needs root" >&2; exit 1; }
# The peers (Kea's and dnsmasq's services are never started), perfdhcp
# (kea-admin), the private MariaDB; perf and strace only for the profile.
"$top/scripts/deps.sh" dnsmasq-base kea-dhcp4-server kea-admin \
	mariadb-server mariadb-client iproute2 procps curl python3 \
	--optional linux-perf strace
declare -A PID SNS CNS
. "$top/bench/lib.sh"
bench_build build-dbench || { echo "dhcp.sh: build failed" >&2; exit 1; }
BOOTD_SRC=$top
. "$top/tests/lib/common.sh"
. "$top/tests/lib/netns.sh"
# Daemons by PID, then the namespaces; t_cleanup (common.sh) then stops
# MariaDB and removes $T.
bench_cleanup() { bench_stop_daemons; ns_cleanup; }
T_CLEANUP_HOOKS+=(bench_cleanup)
t_init dhcpbench
chmod 0755 "$T"
log() { echo "$*" >&2; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# --- namespaces, one pair per server
i=0
for s in "${SERVERS[@]}"; do
	i=$((i + 1))
	SNS[$s]=ds$i-$$
	CNS[$s]=dc$i-$$
	ns_add "${SNS[$s]}" && ns_add "${CNS[$s]}" &&
		ns_veth "${SNS[$s]}" vs 10.213.0.1/21 "${CNS[$s]}" vc 10.213.0.2/21 ||
		fail "namespaces for $s"
done

# --- the inventory: private MariaDB, 1,000 hosts
# MariaDB's own temp dir (tests/lib/mariadb.sh gives it $T/tmp): Kea's
# host query sorts through an on-disk internal temporary table per lookup,
# and in the shared /tmp of this machine such files were removed under it
# ("Error on delete of '/tmp/#sql-temptable-...'"), which crashed mariadbd
# (SIGSEGV in ha_maria::drop_table) under Kea-MySQL load. Private, it ran
# clean.
mariadb_start "$T" >/dev/null || fail "mariadb did not start"
[ "$(mariadb_sql 'SELECT @@tmpdir')" = "$T/tmp" ] || fail "mariadb tmpdir"
bootd_config "$T/bootd.conf"
sed -i '/^dhcp = {/,/} ); };$/d' "$T/bootd.conf"
cat >> "$T/bootd.conf" <<'CFG'
dhcp = { enabled = true; listen = "0.0.0.0"; port = 67;
         next_server = "10.213.0.1";
         subnets = ( { network = "10.213.0.0/21"; router = "10.213.0.1";
                       dns = [ "10.213.0.1" ]; domain = "bench.test"; } ); };
CFG
grep -q 'level = "info"' "$T/bootd.conf" || fail "config: log level"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "
INSERT INTO profiles (name, kind, kernel, initrd, append, selectable) VALUES
 ('p-a', 'diskless', 'k/a', 'i/a', 'ip={{ip}}', 1);
INSERT INTO hosts (hostname, mac, ip, profile, build)
 SELECT CONCAT('n', LPAD(seq, 4, '0')),
  CONCAT('02:00:00:00:', LPAD(HEX(seq >> 8), 2, '0'), ':',
   LPAD(HEX(seq & 255), 2, '0')),
  CONCAT('10.213.', 1 + seq DIV 250, '.', 1 + seq MOD 250), 'p-a', 0
 FROM seq_0_to_$((NCLIENTS - 1));" || fail "generate hosts"
[ "$(mariadb_sql 'SELECT COUNT(*) FROM hosts')" = $NCLIENTS ] || fail "host count"
# The expected lease of every MAC, as perfdhcp prints it (client id 01+MAC).
mariadb_sql "SELECT CONCAT('01', REPLACE(mac, ':', '')), ip FROM hosts" |
	tr '\t' ' ' | sort > "$T/expected"

# --- the peers' configs, rendered by bootd dhcpgen from the same inventory
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B dhcpgen --format dnsmasq -o "$T/gen.dnsmasq" || fail "dhcpgen dnsmasq"
B dhcpgen --format kea -o "$T/gen.kea" || fail "dhcpgen kea"
[ "$(grep -c '^dhcp-host=02:00:00:00:' "$T/gen.dnsmasq")" = $NCLIENTS ] ||
	fail "dnsmasq map: not $NCLIENTS hosts"
# Kea: the generated Dhcp4 with leases in memory (memfile, persist false),
# our interface, its log to a file at its default severity (INFO); the
# MySQL variant moves the reservations into Kea's hosts table.
python3 - "$T" <<'PY' || fail "kea configs"
import json, sys
t = sys.argv[1]
c = json.load(open(t + "/gen.kea"))
d = c["Dhcp4"]
d["interfaces-config"] = {"interfaces": ["vs"]}
d["lease-database"] = {"type": "memfile", "persist": False}
def logto(name):
    d["loggers"] = [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": t + "/" + name}]}]
logto("kea-mem.log")
n = sum(len(s["reservations"]) for s in d["subnet4"])
assert n == 1000, n
json.dump(c, open(t + "/kea-mem.json", "w"), indent=1)
assert len(d["subnet4"]) == 1
print(d["subnet4"][0]["id"], file=open(t + "/kea-subnet-id", "w"))
for s in d["subnet4"]:
    s.pop("reservations")
d["hosts-database"] = {"type": "mysql", "name": "kea", "user": "kea",
                       "password": "kea", "host": "localhost"}
logto("kea-mysql.log")
json.dump(c, open(t + "/kea-mysql.json", "w"), indent=1)
PY
KEA_SUBNET=$(cat "$T/kea-subnet-id")
if printf '%s\n' "${SERVERS[@]}" | grep -qx kea-mysql; then
	mariadb --no-defaults --socket="$MDB_SOCK" -uroot -e "
		CREATE DATABASE kea;
		CREATE USER 'kea'@'localhost' IDENTIFIED BY 'kea';
		GRANT ALL ON kea.* TO 'kea'@'localhost';" || fail "kea database"
	kea-admin db-init mysql -u kea -p kea -n kea -x "--socket=$MDB_SOCK" \
		> "$T/kea-admin.log" 2>&1 || { cat "$T/kea-admin.log"; fail "kea-admin db-init"; }
	# The same reservations: identifier type 0 = hw-address.
	mariadb --no-defaults --socket="$MDB_SOCK" -uroot kea -e "
		INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type,
		    dhcp4_subnet_id, ipv4_address, hostname)
		SELECT UNHEX(REPLACE(mac, ':', '')), 0, $KEA_SUBNET, INET_ATON(ip),
		    hostname FROM bootd.hosts;" || fail "kea hosts"
	[ "$(mariadb --no-defaults --socket="$MDB_SOCK" -uroot -N kea -e \
	    'SELECT COUNT(*) FROM hosts')" = $NCLIENTS ] || fail "kea host count"
fi

# --- start every server in its namespace
bootd_conf() {	# bootd_conf NAME LEVEL: a config with its own cache file
	sed "s|cache = \"[^\"]*\"|cache = \"$T/$1.cache\"|; s|level = \"info\"|level = \"$2\"|" \
		"$T/bootd.conf" > "$T/srv-$1.conf"
}
listening() { nsx "$1" ss -Hlun 'sport = :67' | grep -q .; }
start_server() {
	local s=$1 ns=${SNS[$1]} bin=$BOOTD_BIN
	case $s in
	bootd | bootd-warn | bootd-alt)
		[ $s = bootd-alt ] && bin=$BOOTD_ALT
		bootd_conf "$s" "$([ $s = bootd-warn ] && echo warn || echo info)"
		# ip netns exec execs the daemon: $! is its PID.
		ip netns exec "$ns" "$bin" --config "$T/srv-$s.conf" serve \
			> "$T/$s.log" 2>&1 &
		PID[$s]=$!
		wait_until 15 sh -c "ip netns exec $ns curl -fsS --max-time 1 \
			http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'hosts=$NCLIENTS .*source=db'" ||
			fail "$s did not load the inventory: $(tail -5 "$T/$s.log")"
		;;
	dnsmasq)
		# -k: foreground, logging to its file (each exchange, its default).
		ip netns exec "$ns" dnsmasq -k -u root --port=0 -C "$T/gen.dnsmasq" \
			--dhcp-leasefile="$T/dnsmasq.leases" \
			--pid-file="$T/dnsmasq.pid" --interface=vs --bind-interfaces \
			--log-facility="$T/dnsmasq.log" > "$T/dnsmasq.out" 2>&1 &
		PID[$s]=$!
		;;
	kea-mem | kea-mysql)
		mkdir -p "$T/$s"
		# libmariadb connects to "localhost" through MYSQL_UNIX_PORT.
		MYSQL_UNIX_PORT=$MDB_SOCK KEA_PIDFILE_DIR=$T/$s \
			KEA_LOCKFILE_DIR=$T/$s ip netns exec "$ns" kea-dhcp4 -c "$T/$s.json" \
			> "$T/$s.out" 2>&1 &
		PID[$s]=$!
		;;
	*) fail "unknown server $s" ;;
	esac
	wait_until 15 listening "$ns" || fail "$s is not listening on :67: $(tail -5 "$T/$s.out" "$T/$s.log" 2>/dev/null)"
	kill -0 "${PID[$s]}" || fail "$s exited"
}
for s in "${SERVERS[@]}"; do
	start_server "$s"
done
sleep 1
MDB_SRV_PID=$MDB_PID
# Each server's :67 receive buffer (ss -m "rb"), which sets how long a
# server may be held up (by other users' load too) before it drops.
for s in "${SERVERS[@]}"; do
	echo "  $s: receive buffer $(nsx "${SNS[$s]}" ss -Hlumn 'sport = :67' |
		grep -o 'rb[0-9]*' | sort -u | tr '\n' ' ')bytes" >> "$T/rcvbuf"
done
echo "dhcp.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); bootd $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'), kea-dhcp4 $(kea-dhcp4 -V | head -1), $(dnsmasq --version | head -1 | cut -d' ' -f1-3), perfdhcp $(perfdhcp -v 2>&1 | sed -n 's/^VERSION: //p'), MariaDB $(mariadb_sql 'SELECT VERSION()')"

# --- perfdhcp and what it prints
# perf_run SERVER RATE SECS OUT [extra perfdhcp options]; bounded by
# -p SECS and a timeout. perfdhcp's user + system CPU seconds go to
# OUT.cpu (bash's time keyword: the whole command's children).
perf_run() {
	local s=$1 rate=$2 secs=$3 out=$4 TIMEFORMAT='%U %S'
	shift 4
	{ time nsx "${CNS[$s]}" timeout $((secs + 20)) perfdhcp -4 -r "$rate" \
		-p "$secs" -R $NCLIENTS -b mac=$BASE_MAC -l 10.213.0.2 "$@" \
		10.213.0.1 > "$out" 2>&1 || true; } 2> "$out.cpu"
}
# The share of one core perfdhcp used in the run OUT of SECS seconds.
pd_cpu() { awk -v t="$2" '{ printf "%.2f", ($1 + $2) / t; exit }' "$1.cpu"; }
# pd_field OUT SECTION KEY: the number after "KEY:" in the section
# "Statistics for: SECTION".
pd_field() {
	awk -v sec="***Statistics for: $2***" -v key="$3:" '
		$0 == sec { on = 1; next }
		/^\*\*\*/ { on = 0 }
		on && index($0, key) == 1 { sub(/^[^:]*: */, ""); print $1 + 0; exit }' "$1"
}
pd_rate() { sed -n 's/^Rate: \([0-9.]*\) .*/\1/p' "$1" | head -1; }
# Lost 4-way exchanges, %: DISCOVERs sent that got no ACK at the end.
pd_loss() {
	local d a
	d=$(pd_field "$1" DISCOVER-OFFER "sent packets")
	a=$(pd_field "$1" REQUEST-ACK "received packets")
	awk -v d="${d:-0}" -v a="${a:-0}" 'BEGIN { if (d > 0) printf "%.3f", 100 * (d - a) / d; else print 100 }'
}
# pd_delays OUT SECTION: per-exchange delays (ms) from -x t, sorted.
pd_delays() {
	awk -v sec="***Timestamps for packets: $2***" '
		$0 == sec { on = 1; next }
		/^\*\*\*/ { on = 0 }
		on && /^sent \/ received:/ { printf "%.3f\n", ($6 - $4) * 1000 }' "$1" | sort -g
}
pct() {	# pct P < sorted values
	awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
		i = int(NR * p / 100 + 0.5); if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }'
}
udp_rcvbuf_errs() {	# UDP receive-buffer drops in a namespace
	nsx "$1" awk '/^Udp:/ { n++; if (n == 2) print $6 }' /proc/net/snmp
}
cpu_ticks() {	# utime + stime of a process, all threads
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
HZ=$(getconf CLK_TCK)

# --- check: every OFFER and ACK is the reservation of its MAC
# perfdhcp -x l lists each lease it received as "client id,address": the
# client id is the option 61 the server echoed (RFC 6842; bootd and Kea
# do). dnsmasq does not echo it: there the address must be one of the
# reserved ones, and dnsmasq's own log must pair every MAC with its own.
log "== check: $NCLIENTS exchanges per server at 125/s, every lease compared with its reservation"
cut -d' ' -f2 "$T/expected" | sort > "$T/expected.ips"
for s in "${SERVERS[@]}"; do
	out=$T/check.$s
	perf_run "$s" 125 8 "$out" -x lt
	for sec in DISCOVER-OFFER REQUEST-ACK; do
		awk -v sec="***Leases for $sec***" '
			$0 == sec { on = 1; next }
			/^\*\*\*/ { on = 0 }
			on && /^(01[0-9a-f]*)?,[0-9.]+,/ { split($0, f, ","); print (f[1] == "" ? "-" : f[1]), f[2] }' "$out" |
			sort -u > "$out.$sec"
		n=$(cut -d' ' -f2 "$out.$sec" | sort -u | wc -l)
		bad=$( { grep -v '^- ' "$out.$sec" | comm -23 - "$T/expected" || true
			grep '^- ' "$out.$sec" | cut -d' ' -f2 | sort |
				comm -23 - "$T/expected.ips" || true; } | wc -l)
		[ "$bad" = 0 ] || fail "$s: $bad ${sec#*-}s with an address that is not the MAC's reservation: $(grep -v '^- ' "$out.$sec" | comm -23 - "$T/expected" | head -3 || true)"
		[ "$n" -ge $((NCLIENTS * 95 / 100)) ] || {
			grep -A3 "Leases for $sec" "$out" >&2
			fail "$s: only $n distinct reserved addresses in ${sec#*-}s ($(pd_loss "$out")% lost)"
		}
	done
	how="client id and address"
	if grep -q '^- ' "$out.REQUEST-ACK"; then
		how="address (no client id echoed)"
		[ "$s" = dnsmasq ] || fail "$s: no client id in its replies"
		# dnsmasq's log: "DHCPACK(vs) IP MAC hostname".
		sed -n 's/.*DHCPACK(vs) \([0-9.]*\) \([0-9a-f:]*\) .*/\2 \1/p' "$T/dnsmasq.log" |
			awk '{ gsub(":", "", $1); print "01" $1, $2 }' | sort -u > "$out.log"
		bad=$(comm -23 "$out.log" "$T/expected" | wc -l)
		[ "$bad" = 0 ] && [ "$(wc -l < "$out.log")" -ge $((NCLIENTS * 95 / 100)) ] ||
			fail "dnsmasq log: $bad ACKs not the MAC's reservation, $(wc -l < "$out.log") MACs"
		how="$how; its log pairs $(wc -l < "$out.log") MACs with their reservation"
	fi
	log "  $s: $(cut -d' ' -f2 "$out.DISCOVER-OFFER" | sort -u | wc -l) OFFERs and $(cut -d' ' -f2 "$out.REQUEST-ACK" | sort -u | wc -l) ACKs of distinct reserved addresses, 0 wrong (checked: $how); lost $(pd_loss "$out")%"
done

# --- measurement rounds
declare -A MAX LATD LATR P90D P90R LLOSS CPU DBCPU PRED CB DEAD NOFAIL
: > "$T/runs.log"
# A rate step passes with < 1% lost and >= 95% of the asked rate achieved.
passes() { awk -v l="$1" -v got="$2" -v want="$3" 'BEGIN { exit !(l < 1 && got >= 0.95 * want) }'; }
round_rate() { awk -v r="$1" 'BEGIN { r = int(r / 50 + 0.5) * 50; if (r < 50) r = 50; print r }'; }

latency_run() {	# latency_run SERVER ROUND
	local s=$1 r=$2 out=$T/lat.$1.$2 c0 c1 m0 m1 acks
	c0=$(cpu_ticks "${PID[$s]}"); m0=$(cpu_ticks "$MDB_SRV_PID")
	perf_run "$s" "$LAT_RATE" "$LAT_PERIOD" "$out" -x t
	c1=$(cpu_ticks "${PID[$s]}"); m1=$(cpu_ticks "$MDB_SRV_PID")
	acks=$(pd_field "$out" REQUEST-ACK "received packets")
	pd_delays "$out" DISCOVER-OFFER > "$out.do"
	pd_delays "$out" REQUEST-ACK > "$out.ra"
	LATD[$s]="${LATD[$s]:-} $(pct 50 < "$out.do")"
	LATR[$s]="${LATR[$s]:-} $(pct 50 < "$out.ra")"
	P90D[$s]="${P90D[$s]:-} $(pct 90 < "$out.do")"
	P90R[$s]="${P90R[$s]:-} $(pct 90 < "$out.ra")"
	LLOSS[$s]="${LLOSS[$s]:-} $(pd_loss "$out")"
	CPU[$s]="${CPU[$s]:-} $(awk -v t=$((c1 - c0)) -v hz="$HZ" -v n="${acks:-0}" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')"
	DBCPU[$s]="${DBCPU[$s]:-} $(awk -v t=$((m1 - m0)) -v hz="$HZ" -v n="${acks:-0}" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')"
	# One core's worth of the CPU this exchange cost the server (and
	# MariaDB): where this round's rate search starts.
	PRED[$s]=$(awk -v t=$((c1 - c0 + m1 - m0)) -v hz="$HZ" -v n="${acks:-0}" 'BEGIN { if (t > 0 && n > 0) printf "%d", n / (t / hz); else print 0 }')
	echo "round $r $s latency@$LAT_RATE: DO p50 $(pct 50 < "$out.do") p90 $(pct 90 < "$out.do") RA p50 $(pct 50 < "$out.ra") p90 $(pct 90 < "$out.ra") ms, lost $(pd_loss "$out")%, acks $acks, cpu ticks server $((c1 - c0)) mariadb $((m1 - m0)) (one core: ${PRED[$s]}/s)" >> "$T/runs.log"
}

# The search for the highest passing rate, STEPS runs at most, each round
# on its own: it starts at 70% of the rate one core would sustain at the CPU
# cost per exchange just measured at $LAT_RATE/s (so it starts near every
# server's limit, whatever that is), goes up by x1.3 or down by /2 until
# both a passing and a failing rate are known, then takes the geometric
# middle of the bracket, until the bracket is narrower than 10%. (Down
# fast: a start spoilt by other users' load must still find a pass.)
rate_search() {	# rate_search SERVER ROUND
	local s=$1 r=$2 lo=0 hi=0 rate step f=1.3 out got loss e0 e1 ce0 ce1 best=0 v cc
	rate=$(round_rate "$(awk -v p="${PRED[$s]:-0}" -v d="$START" 'BEGIN { print (p > 0 ? 0.7 * p : d) }')")
	[ "$rate" -le "$MAX_RATE" ] || rate=$MAX_RATE
	for step in $(seq 1 "$STEPS"); do
		out=$T/rate.$s.$r.$step
		e0=$(udp_rcvbuf_errs "${SNS[$s]}"); ce0=$(udp_rcvbuf_errs "${CNS[$s]}")
		perf_run "$s" "$rate" "$PERIOD" "$out"
		e1=$(udp_rcvbuf_errs "${SNS[$s]}"); ce1=$(udp_rcvbuf_errs "${CNS[$s]}")
		got=$(pd_rate "$out"); got=${got:-0}
		loss=$(pd_loss "$out")
		cc=$(pd_cpu "$out" "$PERIOD")
		if passes "$loss" "$got" "$rate"; then
			lo=$rate
			best=$got
			v=pass
		else
			hi=$rate
			v=fail
			# More drops at perfdhcp's socket than at the server's,
			# or perfdhcp busy most of a core: the client, not the
			# server, may have been the limit.
			if [ $((ce1 - ce0)) -gt $((e1 - e0)) ] ||
			    awk -v c="$cc" 'BEGIN { exit !(c >= 0.9) }'; then
				v="fail (client-bound?)"
				CB[$s]=1
			fi
		fi
		echo "round $r $s rate $rate: achieved $got/s, lost $loss% (DO drops $(pd_field "$out" DISCOVER-OFFER "drops ratio")%, RA $(pd_field "$out" REQUEST-ACK "drops ratio")%), UDP rcvbuf drops server $((e1 - e0)) client $((ce1 - ce0)), perfdhcp CPU $cc core: $v" >> "$T/runs.log"
		if [ "$hi" = 0 ]; then
			rate=$(round_rate "$(awk -v a="$lo" -v f="$f" 'BEGIN { print a * f }')")
			[ "$rate" -le "$MAX_RATE" ] || break
		elif [ "$lo" = 0 ]; then
			rate=$(round_rate "$(awk -v a="$hi" 'BEGIN { print a / 2 }')")
		else
			awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(b / a < 1.1) }' && break
			rate=$(round_rate "$(awk -v a="$lo" -v b="$hi" 'BEGIN { print sqrt(a * b) }')")
		fi
	done
	MAX[$s]="${MAX[$s]:-} $best"
	# No failing rate: the search ran out of steps below the limit.
	[ "$hi" != 0 ] || NOFAIL[$s]=1
}

# A peer that exits is reported with the end of its logs, not fatal: the
# others go on being measured.
alive() {	# alive SERVER WHEN
	local s=$1
	kill -0 "${PID[$s]}" 2>/dev/null && return 0
	DEAD[$s]="exited $2"
	log "  $s: exited $2; the end of its logs:"
	tail -n 8 "$T/$s.out" "$T/$s.log" 2>/dev/null | sed 's/^/    /' >&2
	case $s in kea-mysql)
		log "  MariaDB's error log:"
		grep -v -E "^(Max|Limit|Core pattern|Kernel version|$)" "$MDB_DIR/error.log" | tail -n 40 | sed 's/^/    /' >&2 ;;
	esac
	echo "$s: exited $2; $(grep -h -m 3 -E 'ERROR|FATAL' "$T/$s.log" "$T/$s.out" 2>/dev/null | tr '\n' ' ')" >> "$T/runs.log"
	return 1
}
t0=$(date +%s)
if [ "$PERFDHCP" = 1 ]; then
for r in $(seq 1 "$RUNS"); do
	mapfile -t order < <(rotate $((r - 1)) "${SERVERS[@]}")
	log "== round $r/$RUNS: ${order[*]} ($(( $(date +%s) - t0 )) s)"
	for s in "${order[@]}"; do
		[ -z "${DEAD[$s]:-}" ] || continue
		if ! alive "$s" "before round $r"; then
			continue
		fi
		latency_run "$s" "$r"
		rate_search "$s" "$r"
		log "  $s: max ${MAX[$s]##* }/s, median DO $(echo "${LATD[$s]}" | awk '{ print $NF }') ms RA $(echo "${LATR[$s]}" | awk '{ print $NF }') ms at $LAT_RATE/s"
	done
done
for s in "${SERVERS[@]}"; do
	[ -n "${DEAD[$s]:-}" ] || alive "$s" "during round $RUNS" || true
done
cat "$T/runs.log"
echo "receive buffers:"
cat "$T/rcvbuf"

# --- profile of bootd (info) at a fixed rate
PROF_RATE=2000
if [ "$PROFILE" = 1 ] && [ -n "${PID[bootd]:-}" ] && [ -z "${DEAD[bootd]:-}" ]; then
	echo
	echo "== bootd (log.level info) at $PROF_RATE exchanges/s"
	if command -v perf >/dev/null; then
		perf_run bootd $PROF_RATE 6 "$T/prof.pd" &
		pp=$!
		sleep 1
		perf record -q -o "$T/perf.data" -p "${PID[bootd]}" -- sleep 4 \
			>/dev/null 2>&1 || echo "perf record failed"
		wait "$pp" || true
		echo "-- perf: self time, top 20 (all threads, kernel included)"
		perf report -i "$T/perf.data" --no-children --stdio -g none \
			--sort dso,sym 2>/dev/null | grep -v -e '^#' -e '^$' | head -20 || true
		echo "-- perf: self time by binary"
		perf report -i "$T/perf.data" --no-children --stdio -g none \
			--sort dso 2>/dev/null | grep -v -e '^#' -e '^$' | head -8 || true
	fi
	if command -v strace >/dev/null; then
		echo "-- strace -c -f: system calls per exchange (about $((PROF_RATE * 3)) exchanges in 3 s)"
		perf_run bootd $PROF_RATE 5 "$T/strace.pd" &
		pp=$!
		sleep 1
		timeout -s INT 3 strace -c -f -p "${PID[bootd]}" -o "$T/strace.out" \
			>/dev/null 2>&1 || true
		wait "$pp" || true
		awk -v n=$((PROF_RATE * 3)) '$1 ~ /^[0-9.]+$/ && NF >= 5 {
			printf "  %-14s %6.2f%s\n", $NF, $4 / n, (NF == 6 ? sprintf(" (%.2f errors)", $5 / n) : "") }' \
			"$T/strace.out"
	fi
fi

# --- the table
echo
echo "== DHCP 4-way exchanges, $NCLIENTS reserved MACs, perfdhcp, median of $RUNS interleaved rounds"
printf '%-11s %14s %9s %9s %9s %9s %9s %10s %11s %12s\n' server "max x/s <1%" "best" "DO p50" "RA p50" "DO p90" "RA p90" "lost@$LAT_RATE" "cpu us/x" "mariadb us/x"
for s in "${SERVERS[@]}"; do
	printf '%-11s %14s %9s %9s %9s %9s %9s %9s%% %11s %12s\n' "$s" \
		"${NOFAIL[$s]:+>=}$(median ${MAX[$s]:-})${CB[$s]:+ *}" "$(best ${MAX[$s]:-})" "$(median ${LATD[$s]:-})" "$(median ${LATR[$s]:-})" \
		"$(median ${P90D[$s]:-})" "$(median ${P90R[$s]:-})" "$(median ${LLOSS[$s]:-})" \
		"$(median ${CPU[$s]:-})" "$(median ${DBCPU[$s]:-})"
	[ -z "${DEAD[$s]:-}" ] || echo "  ($s ${DEAD[$s]}: the medians are of the rounds before)"
done
echo "(max x/s: highest perfdhcp -r RATE -p $PERIOD with < 1% of DISCOVERs unanswered by an ACK, as achieved; at most $STEPS steps per round, starting at 70% of the one-core rate the latency run's CPU cost predicts; 0: no step passed. best: the highest of the rounds, the least disturbed by other load)"
echo "(*: in some round a failing rate above it may have been client-bound: perfdhcp's socket dropped more replies than the server's dropped requests, or perfdhcp used >= 90% of a core; >=: in some round no rate failed within $STEPS steps)"
echo "(DO/RA p50/p90: DISCOVER->OFFER and REQUEST->ACK delay in ms over every exchange of a $LAT_PERIOD s run at $LAT_RATE/s, perfdhcp -x t)"
echo "(cpu us/x: the server's user+system CPU per completed exchange in that run; mariadb: the private MariaDB's, which Kea-MySQL queries and bootd writes boot events to)"
bestpeer=""; bestv=0
for s in "${SERVERS[@]}"; do
	case $s in bootd*) continue ;; esac
	v=$(median ${MAX[$s]:-})
	awk -v a="$v" -v b="$bestv" 'BEGIN { exit !(a > b) }' && { bestpeer=$s; bestv=$v; }
done
echo
for s in "${SERVERS[@]}"; do
	case $s in bootd*) ;; *) continue ;; esac
	[ -n "$bestpeer" ] || break
	rr=$(ratio "$(median ${MAX[$s]:-})" "$bestv")
	rb=$(ratio "$(best ${MAX[$s]:-})" "$(best ${MAX[$bestpeer]:-})")
	lat=$(median ${LATD[$s]:-})
	latr=$(median ${LATR[$s]:-})
	printf '%-11s rate / best peer (%s, %s/s) = %s (target >= 2: %s; best rounds %s); median latency DO %s ms, RA %s ms at %s/s (target <= 0.5: %s)\n' \
		"$s" "$bestpeer" "$bestv" "$rr" \
		"$(verdict "$rr" 2)" "$rb" \
		"$lat" "$latr" "$LAT_RATE" \
		"$(awk -v a="$lat" -v b="$latr" 'BEGIN { print (a + 0 <= 0.5 && b + 0 <= 0.5) ? "met" : "MISSED" }')"
done
fi # PERFDHCP

# --- bench/dhcpload.c: the same servers driven by our own load generator
# (relay mode from GIADDRS, sendmmsg/recvmmsg, one socket per giaddr), to
# find ceilings past what perfdhcp drives. First a cross-check: perfdhcp
# and dhcpload at the same rate against bootd must achieve the same rate
# with the same loss. Then per server: every OFFER and ACK checked against
# its reservation (-E), p50/p99 at $LAT_RATE/s, and a ceiling search
# (doubling from LG_START, then bisecting; LG_STEPS runs at most) with
# the server's CPU per exchange and dhcpload's own CPU share at the top.
if [ "$LOADGEN" = 1 ]; then
LG=$T/dhcpload
cc -O2 -Wall -Wextra -o "$LG" "$top/bench/dhcpload.c" || fail "dhcpload build"
GIADDRS=10.213.0.2,10.213.0.3,10.213.0.4,10.213.0.5
for s in "${SERVERS[@]}"; do
	for a in 3 4 5; do
		nsx "${CNS[$s]}" ip addr add 10.213.0.$a/21 dev vc 2>/dev/null || true
	done
done
lg_run() {	# lg_run SERVER RATE SECS [-E]: dhcpload's one line
	local s=$1 rate=$2 secs=$3
	shift 3
	nsx "${CNS[$s]}" timeout $((secs + 10)) "$LG" -s 10.213.0.1 \
		-g "$GIADDRS" -n $NCLIENTS -m $BASE_MAC -r "$rate" -d "$secs" "$@" ||
		echo "started=0 acked=0 lost=0 rate=0 failed=1"
}
kv() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
lg_loss() { awk -v s="$(kv "$1" started)" -v a="$(kv "$1" acked)" 'BEGIN { if (s > 0) printf "%.3f", 100 * (s - a) / s; else print 100 }'; }
echo
echo "== dhcpload (bench/dhcpload.c, $(echo "$GIADDRS" | tr ',' '\n' | wc -l) relay sockets) against perfdhcp, bootd, ${LG_CMP_RATE}/s for ${LG_PERIOD} s each"
if [ -n "${PID[bootd]:-}" ]; then
	perf_run bootd "$LG_CMP_RATE" "$LG_PERIOD" "$T/cmp.pd"
	l=$(lg_run bootd "$LG_CMP_RATE" "$LG_PERIOD")
	echo "perfdhcp: achieved $(pd_rate "$T/cmp.pd")/s, lost $(pd_loss "$T/cmp.pd")%, client CPU $(pd_cpu "$T/cmp.pd" "$LG_PERIOD") core"
	echo "dhcpload: achieved $(kv "$l" rate)/s, lost $(lg_loss "$l")%, client CPU $(awk -v c="$(kv "$l" cpu_s)" -v t="$LG_PERIOD" 'BEGIN { printf "%.2f", c / t }') core"
fi
declare -A LGMAX LGCPU LGCCPU LGP50 LGP99 LGD50 LGR50 LGD99 LGR99 LGWRONG LGGE
lg_measure() {	# lg_measure SERVER ROUND: check, latency, ceiling
	local s=$1 r=$2 l lo=0 hi=0 rate=$LG_START best=0 step c0 c1 m0 m1 got loss cpu=- ccpu=-
	if [ "$r" = 1 ]; then
		l=$(lg_run "$s" 500 2 -E)
		LGWRONG[$s]=$(kv "$l" wrong)
	fi
	l=$(lg_run "$s" "$LAT_RATE" "$LAT_PERIOD")
	LGD50[$s]="${LGD50[$s]:-} $(kv "$l" do_p50_us)"
	LGR50[$s]="${LGR50[$s]:-} $(kv "$l" ra_p50_us)"
	LGD99[$s]="${LGD99[$s]:-} $(kv "$l" do_p99_us)"
	LGR99[$s]="${LGR99[$s]:-} $(kv "$l" ra_p99_us)"
	echo "round $r $s latency@$LAT_RATE (dhcpload): $l" >> "$T/lg.log"
	for step in $(seq 1 "$LG_STEPS"); do
		c0=$(cpu_ticks "${PID[$s]}"); m0=$(cpu_ticks "$MDB_SRV_PID")
		l=$(lg_run "$s" "$rate" "$LG_PERIOD")
		c1=$(cpu_ticks "${PID[$s]}"); m1=$(cpu_ticks "$MDB_SRV_PID")
		got=$(kv "$l" rate); loss=$(lg_loss "$l")
		echo "round $r $s rate $rate: $l; server CPU ticks $((c1 - c0)), mariadb $((m1 - m0))" >> "$T/lg.log"
		if passes "$loss" "${got:-0}" "$rate"; then
			lo=$rate best=$got
			cpu=$(awk -v t=$((c1 - c0)) -v hz="$HZ" -v n="$(kv "$l" acked)" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')
			ccpu=$(awk -v c="$(kv "$l" cpu_s)" -v t="$LG_PERIOD" 'BEGIN { printf "%.2f", c / t }')
		else
			hi=$rate
		fi
		if [ "$hi" = 0 ]; then
			rate=$((rate * 2))
			[ "$rate" -le "$LG_MAX" ] || break
		elif [ "$lo" = 0 ]; then
			rate=$((rate / 2))
		else
			awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(b / a < 1.1) }' && break
			rate=$(round_rate "$(awk -v a="$lo" -v b="$hi" 'BEGIN { print sqrt(a * b) }')")
		fi
	done
	LGMAX[$s]="${LGMAX[$s]:-} $best"
	LGCPU[$s]="${LGCPU[$s]:-} $cpu"
	LGCCPU[$s]="${LGCCPU[$s]:-} $ccpu"
	[ "$hi" != 0 ] || LGGE[$s]=">="
	alive "$s" "during the dhcpload runs" || true
}
lg_t0=$(date +%s)
for r in $(seq 1 "$LG_RUNS"); do
	mapfile -t order < <(rotate $((r - 1)) "${SERVERS[@]}")
	log "== dhcpload round $r/$LG_RUNS: ${order[*]} ($(( $(date +%s) - lg_t0 )) s)"
	for s in "${order[@]}"; do
		[ -z "${DEAD[$s]:-}" ] || continue
		lg_measure "$s" "$r"
		log "  $s: max ${LGMAX[$s]##* }/s at ${LGCPU[$s]##* } us/x"
	done
done
cat "$T/lg.log"
printf '%-11s %12s %10s %12s %16s %16s %6s\n' server "max x/s <1%" "cpu us/x" "client core" "p50 DO/RA us" "p99 DO/RA us" wrong
for s in "${SERVERS[@]}"; do
	LGP50[$s]="$(median ${LGD50[$s]:-})/$(median ${LGR50[$s]:-})"
	LGP99[$s]="$(median ${LGD99[$s]:-})/$(median ${LGR99[$s]:-})"
	printf '%-11s %12s %10s %12s %16s %16s %6s\n' "$s" \
		"${LGGE[$s]:-}$(median ${LGMAX[$s]:-})" "$(median ${LGCPU[$s]:-})" \
		"$(median ${LGCCPU[$s]:-})" "${LGP50[$s]}" "${LGP99[$s]}" \
		"${LGWRONG[$s]:--}"
done
echo "(median of $LG_RUNS interleaved rounds. max: highest dhcpload -r RATE -d $LG_PERIOD with < 1% of exchanges lost and >= 95% achieved, $LG_STEPS steps from $LG_START/s; >=: in some round none failed up to $LG_MAX/s. cpu us/x: the server's CPU per ACK at that rate; client core: dhcpload's CPU share there (well under 1: the client was not the limit). p50/p99 at $LAT_RATE/s over $LAT_PERIOD s. wrong: OFFERs and ACKs of 1,000 -E-checked exchanges that were not the MAC's reservation)"
for s in "${SERVERS[@]}"; do
	LGCPU[$s]=$(median ${LGCPU[$s]:-})
	LGMAX[$s]="${LGGE[$s]:-}$(median ${LGMAX[$s]:-})"
done

# System calls per exchange of each bootd during a 5 s dhcpload run at
# each rate of LG_SYSCALLS, counted for 3 s in its middle: with perf stat
# on the syscall tracepoints (all threads; cheap, so the batching seen is
# the real one), else with strace -c -f (which slows every call, so at
# high rates bootd batches more under it than it would).
SC_EVENTS="raw_syscalls:sys_enter syscalls:sys_enter_epoll_wait syscalls:sys_enter_recvmmsg syscalls:sys_enter_sendmmsg syscalls:sys_enter_sendmsg syscalls:sys_enter_ioctl syscalls:sys_enter_write syscalls:sys_enter_futex"
if [ -n "$LG_SYSCALLS" ]; then
	for rate in $LG_SYSCALLS; do
		for s in "${SERVERS[@]}"; do
			case $s in bootd*) ;; *) continue ;; esac
			[ -z "${DEAD[$s]:-}" ] || continue
			lg_run "$s" "$rate" 5 > "$T/sc.$s.$rate.lg" &
			pp=$!
			sleep 1
			if command -v perf >/dev/null; then
				how="perf stat"
				perf stat -x, $(printf -- '-e %s ' $SC_EVENTS) \
					-p "${PID[$s]}" -o "$T/sc.$s.$rate" -- sleep 3 \
					>/dev/null 2>&1 || true
				# "count,,event,...": per exchange; raw_syscalls is all.
				sc=$(awk -F, -v n=$((rate * 3)) '$3 ~ /^(raw_)?syscalls:/ {
					e = $3; sub(/^.*sys_enter_?/, "", e); if (e == "") e = "all"
					printf "%s %.3f  ", e, $1 / n }' "$T/sc.$s.$rate")
			else
				how="strace -c -f"
				timeout -s INT 3 strace -c -f -p "${PID[$s]}" \
					-o "$T/sc.$s.$rate" >/dev/null 2>&1 || true
				sc=$(awk -v n=$((rate * 3)) '$1 ~ /^[0-9.]+$/ && NF >= 5 {
					printf "%s %.3f  ", $NF, $4 / n }' "$T/sc.$s.$rate")
			fi
			wait "$pp" || true
			echo "-- $s at $rate/s, system calls per exchange ($how, 3 s): $sc"
			echo "   (dhcpload: $(cat "$T/sc.$s.$rate.lg"))"
		done
	done
fi
kmax=$(echo "${LGMAX[kea-mem]:-0}" | tr -d '>=')
if [ -n "${LGMAX[bootd]:-}" ] && [ "${kmax:-0}" != 0 ]; then
	r=$(ratio "$(echo "${LGMAX[bootd]}" | tr -d '>=')" "$kmax")
	echo "bootd / kea-mem = ${r}x (target >= 4: $(verdict "$r" 4)); bootd cpu ${LGCPU[bootd]:--} us/x (target <= 25: $(awk -v c="${LGCPU[bootd]:-999}" 'BEGIN { print (c + 0 <= 25) ? "met" : "MISSED" }'))"
fi
if [ -n "${LGMAX[bootd-alt]:-}" ] && [ -n "${LGMAX[bootd]:-}" ]; then
	echo "bootd / bootd-alt: max rate $(ratio "$(echo "${LGMAX[bootd]}" | tr -d '>=')" "$(echo "${LGMAX[bootd-alt]}" | tr -d '>=')")x, cpu per exchange $(ratio "${LGCPU[bootd]:-0}" "${LGCPU[bootd-alt]:-0}")x"
fi
fi # LOADGEN
echo "elapsed $(( $(date +%s) - t0 )) s of measurement; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
