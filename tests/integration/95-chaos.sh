#!/usr/bin/env bash
# Chaos: bootd serving DHCP, TFTP and HTTP at once inside a namespace, for
# about a minute under mutated and abusive traffic of all three protocols
# from another namespace (tests/lib/chaos.py load: mutated DHCP messages
# from spoofed 10.213.x sources, odd and abandoned TFTP transfers, junk to
# transfer ports, junk HTTP, huge headers, slow and half-closed
# connections, non-UTF-8 status posts, Range abuse, traversal), while a
# legitimate client in a third namespace checks once a second that DHCP
# (DISCOVER/REQUEST), TFTP (tftp-hpa) and HTTP (curl) still answer.
# Passes when bootd never dies, no sanitizer report appears, every kind of
# legitimate check succeeded within 2 s at least 90% of the time, every
# status the legitimate client posted (one every 3 s) reached boot_events
# within 10 s and /healthz does not say db=down, bootd logged less than
# 1 MB per minute, nothing outside the roots was served, and SIGTERM ends
# it with status 0 within 10 s (no leak report under ASan).
#
# The load is seeded: CHAOS_SEED=N replays a run's packet sequence (each
# thread's); CHAOS_SECS sets its length (default 60), CHAOS_SCALE its
# intensity (default 1: about 450 packets/s); CHAOS_KEEP=DIR keeps
# the logs there. On failure the last packets each thread sent are printed
# (chaos.py replay resends them).
#
#   bd-xc-PID  c0 10.213.0.13 (legitimate) ─┐
#                                           ├ bd-xs-PID: br0 10.213.0.2
#   bd-xe-PID  e0 10.213.0.66 + aliases  ───┘  (bootd: DHCP :67, TFTP :69,
#              (chaos; spoofs 10.213.x)         HTTP)
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"

SRV=bd-xs-$$ CLI=bd-xc-$$ EVIL=bd-xe-$$
SECS=${CHAOS_SECS:-60}
SCALE=${CHAOS_SCALE:-1}	# load intensity (rates and slow connections)
SEED=${CHAOS_SEED:-$(( ($(date +%s%N) / 1000) % 2147483647 ))}
LIMIT=2		# seconds a legitimate check may take
MIN_RATIO=0.9	# of the legitimate checks of each kind within LIMIT
LOG_MAX=1000000	# bytes of log per minute of load
# The sanitizer build reports through the log; a leak fails the exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
CHAOS=$BOOTD_SRC/tests/lib/chaos.py
BG_PIDS=()
c_cleanup() {
	local rc=$? p
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ -n "$BOOTD_PID" ]; then
		kill -KILL "$BOOTD_PID" 2>/dev/null
		wait "$BOOTD_PID" 2>/dev/null
		BOOTD_PID=""
	fi
	ns_cleanup
	if [ -n "${CHAOS_KEEP:-}" ] && [ -n "$T" ]; then
		mkdir -p "$CHAOS_KEEP" &&
			cp "$T"/bootd.log "$T"/*.out "$T"/dump.jsonl "$CHAOS_KEEP"/ 2>/dev/null
	fi
	(exit $rc)
	t_cleanup
}
t_init chaos
trap c_cleanup EXIT
T0=$(date +%s)
echo "chaos seed $SEED (replay: CHAOS_SEED=$SEED), $SECS s of load"

mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
# bootd runs inside $SRV: every service on all its addresses, DHCP on br0;
# the legitimate client and the chaos source addresses are admins (so the
# chaos reaches the status parser and the kickstart renderer too).
sed -i '/^dhcp = {/,/} ); };$/d
	s|^http = { listen = "127.0.0.1";|http = { listen = "0.0.0.0";|
	s|admin_networks = \[ "127.0.0.0/8" \]|admin_networks = [ "127.0.0.0/8", "10.213.0.13/32", "10.213.0.64/28" ]|
	s|^tftp = { enabled = false; };|tftp = { listen = "0.0.0.0"; port = 69; };|' \
	"$T/bootd.conf"
cat >> "$T/bootd.conf" <<'CFG'
dhcp = { enabled = true; listen = "0.0.0.0"; port = 67; interfaces = [ "br0" ];
         subnets = ( { network = "10.213.0.0/24"; router = "10.213.0.1";
                       dns = [ "10.213.0.1" ]; domain = "demo.test"; } ); };
CFG
grep -q '10.213.0.64/28' "$T/bootd.conf" && grep -q 'port = 69' "$T/bootd.conf" ||
	fail "config not rewritten: $(cat "$T/bootd.conf")"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"

R=$T/tftp
mkdir -p "$R/kernels/6.1" "$R/kernels/6.6" "$R/installer" "$R/sub"
head -c 65536 /dev/urandom > "$R/legit.bin"
head -c 100000 /dev/urandom > "$R/small.bin"
head -c $((16 * 1024 * 1024)) /dev/urandom > "$R/big.bin"
for f in kernels/6.1/vmlinuz kernels/6.1/initrd.img kernels/6.6/vmlinuz \
	installer/vmlinuz pxelinux.0 grubx64.efi; do
	head -c 30000 /dev/urandom > "$R/$f"
done
FILES=legit.bin,small.bin,big.bin,kernels/6.1/vmlinuz,kernels/6.1/initrd.img,installer/vmlinuz,pxelinux.0,grubx64.efi
HOSTS=node01,node02,node03,dom0-01,vm01,vm02,vm03
# node01 is the legitimate client's: the chaos never uses its MAC.
MACS=52:54:00:00:01:02,52:54:00:00:01:03,52:54:00:00:02:01,52:54:00:00:03:01,52:54:00:00:03:02,52:54:00:00:03:03

ns_add "$SRV" && ns_add "$CLI" && ns_add "$EVIL" || fail "namespaces"
ns_veth "$SRV" sc0 "" "$CLI" c0 10.213.0.13/24 &&
	ns_veth "$SRV" se0 "" "$EVIL" e0 10.213.0.66/24 &&
	ns_bridge "$SRV" br0 10.213.0.2/24 sc0 se0 || fail "topology"
SRC_IPS=10.213.0.66
for i in 67 68 69 100 101 102 103 104 105 106 107; do
	ip -n "$EVIL" addr add "10.213.0.$i/24" dev e0 || fail "alias .$i"
	SRC_IPS=$SRC_IPS,10.213.0.$i
done
SRV_MAC=$(ip -n "$SRV" -o link show br0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
[ -n "$SRV_MAC" ] || fail "no MAC on br0"
ok "namespaces $SRV $CLI $EVIL (br0 $SRV_MAC)"

ip netns exec "$SRV" "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 20 sh -c "ip netns exec $SRV curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/healthz | grep -q source=db" ||
	fail "bootd did not start with the inventory"
for l in 'dhcp: listening on 0.0.0.0:67' 'tftp 0.0.0.0:69'; do
	grep -q "$l" "$T/bootd.log" || fail "no listener: $l"
done
ok "bootd serving DHCP, TFTP and HTTP in $SRV (pid $BOOTD_PID)"

legit() {	# legit ARGS...: the legitimate client in $CLI
	ip netns exec "$CLI" python3 "$CHAOS" legit --dev c0 \
		--server 10.213.0.2 --mac 52:54:00:00:01:01 --want-ip 10.213.0.11 \
		--http-port "$HTTP_PORT" --tftp-file legit.bin --ref "$R/legit.bin" \
		--http-paths /ks/dom0-01,/files/legit.bin,POST:/status/node03 \
		--http-expect 'kickstart for Xen dom0 dom0-01' --workdir "$T" "$@"
}
legit --count 1 --secs 15 --limit 5 --min-ratio 1 > "$T/pre.out" 2>&1 ||
	fail "legitimate client before the chaos: $(cat "$T/pre.out")"
ok "legitimate DHCP, TFTP and HTTP checks pass before the chaos"

# --- The load and the legitimate client, at once -------------------------
sanitizer() { grep -n -m1 -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$T/bootd.log"; }
alive() {	# bootd neither gone nor a zombie
	local st
	st=$(sed 's/.*) //' "/proc/$BOOTD_PID/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
log0=$(stat -c %s "$T/bootd.log")
ls=$(date +%s%N)
timeout -k 5 $((SECS + 40)) ip netns exec "$EVIL" python3 "$CHAOS" load \
	--seed "$SEED" --secs "$SECS" --scale "$SCALE" --dev e0 --server 10.213.0.2 \
	--server-mac "$SRV_MAC" --http-port "$HTTP_PORT" --tftp-port 69 \
	--src-ips "$SRC_IPS" --files "$FILES" --hosts "$HOSTS" --macs "$MACS" \
	--bootd-pid "$BOOTD_PID" --dump "$T/dump.jsonl" > "$T/load.out" 2>&1 &
LOAD=$!
BG_PIDS+=("$LOAD")
# (bounded by itself: SECS, then each check's own 5 s limit)
legit --secs "$SECS" --limit "$LIMIT" --min-ratio "$MIN_RATIO" \
	> "$T/legit.out" 2>&1 &
LEGIT=$!
BG_PIDS+=("$LEGIT")
legit_rc=0; wait "$LEGIT" || legit_rc=$?
load_rc=0; wait "$LOAD" || load_rc=$?
BG_PIDS=()
le=$(date +%s%N)
log1=$(stat -c %s "$T/bootd.log")
ms=$(( (le - ls) / 1000000 ))

grep '^chaos:' "$T/load.out"
grep -v '^chaos:' "$T/load.out" | head -20
grep '^check .* FAIL' "$T/legit.out" | head -20
echo "slow connections (headers 1 byte per 2-5 s) closed by bootd during the load: $(grep -E '^chaos: +[0-9]+  slow trickle closed' "$T/load.out" | awk '{n += $2} END {print n + 0}') of $(grep -E '^chaos: +[0-9]+  slow trickle opened' "$T/load.out" | awk '{print $2}')"
grep '^legit' "$T/legit.out"

FAILS=()
CRASH=0
if ! alive; then
	FAILS+=("bootd died under the chaos (seed $SEED)")
	CRASH=1
fi
if s=$(sanitizer); then
	FAILS+=("sanitizer report (seed $SEED): $s")
	CRASH=1
fi
if grep -q '^chaos: .*SECURITY' "$T/load.out"; then
	FAILS+=("$(grep '^chaos: .*SECURITY' "$T/load.out" | head -3)")
fi
[ "$load_rc" = 0 ] || [ "$load_rc" = 2 ] ||
	FAILS+=("chaos driver failed ($load_rc): $(grep -v '^chaos:' "$T/load.out" | tail -3)")
if [ "$legit_rc" = 0 ]; then
	ok "legitimate checks: $(grep '^legit all' "$T/legit.out"), each kind >= $MIN_RATIO within $LIMIT s"
else
	FAILS+=("legitimate checks under load below $MIN_RATIO within $LIMIT s: $(grep '^legit ' "$T/legit.out" | tr '\n' ';')")
fi
# Every status the legitimate client posted is a boot_events row (the DB
# writer survived whatever the chaos posted) and the DB is not "down".
posted=$(grep -c '^posted stage=legit-' "$T/legit.out")
rows() { mariadb_sql "SELECT COUNT(*) FROM boot_events WHERE hostname='node03' AND stage LIKE 'legit-%'"; }
rows_ge() { [ "$(rows)" -ge "$1" ]; }
if wait_until 10 rows_ge "$posted"; then
	ok "all $posted status reports of the legitimate client are in boot_events"
else
	FAILS+=("$(rows) of the legitimate client's $posted status reports reached boot_events within 10 s of the load's end")
fi
hz=$(ip netns exec "$SRV" curl -sS --max-time 5 "http://127.0.0.1:$HTTP_PORT/healthz" 2>&1)
case $hz in
*db=down*) FAILS+=("after the chaos: /healthz says $hz") ;;
ok*) ok "after the chaos: /healthz $hz" ;;
*) FAILS+=("after the chaos: /healthz: $hz") ;;
esac
per_min=$(( (log1 - log0) * 60000 / (ms > 0 ? ms : 1) ))
echo "log: $((log1 - log0)) bytes, $(( $(wc -l < "$T/bootd.log") )) lines in all, in $ms ms of load = $per_min bytes/min; most frequent:"
tail -c +$((log0 + 1)) "$T/bootd.log" | sed -E 's/^[^ ]+ [^ ]+ //; s/[0-9]+/N/g' |
	cut -c1-110 | sort | uniq -c | sort -rn | head -8
if [ "$per_min" -lt "$LOG_MAX" ]; then
	ok "log volume under load: $per_min bytes/min (< $LOG_MAX)"
else
	FAILS+=("log volume $per_min bytes/min under load (limit $LOG_MAX)")
fi

# Still serving after the chaos.
if alive; then
	if legit --count 1 --secs 10 --limit 5 --min-ratio 1 > "$T/post.out" 2>&1; then
		ok "legitimate checks pass after the chaos"
	else
		FAILS+=("legitimate client after the chaos: $(grep -E 'FAIL|^legit' "$T/post.out" | tr '\n' ';')")
	fi
	# SIGTERM: exit 0 within 10 s.
	ts=$(date +%s%N)
	kill -TERM "$BOOTD_PID"
	for _ in $(seq 1 100); do
		alive || break
		sleep 0.1
	done
	if alive; then
		FAILS+=("bootd still running 10 s after SIGTERM")
	else
		rc=0; wait "$BOOTD_PID" || rc=$?
		BOOTD_PID=""
		sms=$(( ($(date +%s%N) - ts) / 1000000 ))
		if [ "$rc" = 0 ]; then
			ok "SIGTERM: exit 0 after $sms ms"
		else
			FAILS+=("bootd exited with $rc after SIGTERM ($sms ms)")
		fi
		if s=$(sanitizer); then
			FAILS+=("sanitizer report at exit: $s")
			CRASH=1
		fi
	fi
else
	rc=0; wait "$BOOTD_PID" || rc=$?
	BOOTD_PID=""
	FAILS+=("bootd's exit status: $rc")
fi

if [ ${#FAILS[@]} -gt 0 ]; then
	if grep -q -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$T/bootd.log"; then
		echo "--- sanitizer report"
		grep -m1 -A60 -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$T/bootd.log"
	fi
	if [ "$CRASH" = 1 ] && [ -s "$T/dump.jsonl" ]; then
		echo "--- last packets before the end (seed $SEED; chaos.py replay --dump FILE --dev e0):"
		tail -40 "$T/dump.jsonl" | cut -c1-400
	fi
	printf 'FAIL: %s\n' "${FAILS[@]}" >&2
	fail "${#FAILS[@]} check(s) failed, seed $SEED"
fi
echo "seed $SEED, elapsed $(( $(date +%s) - T0 )) s"
t_done
