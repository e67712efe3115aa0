#!/usr/bin/env bash
# Hostile HTTP clients and the descriptor budget. (1) 1,100 connections
# from four loopback addresses trickling one header byte every 2 s, against
# a bootd started with the usual soft limit of 1,024 descriptors: bootd
# raises it, holds at most http.max_per_client per address (the rest get a
# 503 and are closed at once), closes each trickler after
# http.request_timeout however its bytes come, stays near idle and keeps
# its log short, and a kickstart and a /files/ download each take < 2 s
# meanwhile. (2) With ulimit -n 64, 200 held connections run bootd out of
# descriptors: accept(2) pauses instead of spinning, the log stays short,
# and once they are gone a curl works. (3) With ulimit -n 256 the start log
# and `bootd check` name the budget that does not fit.
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/http_helpers.sh"
t_init httphostile
TIMEOUT=4		# http.request_timeout
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
http_admin_only "$T/bootd.conf"
sed -i "s|^http = {|http = { request_timeout = $TIMEOUT;|" "$T/bootd.conf"
grep -q "request_timeout = $TIMEOUT" "$T/bootd.conf" || fail "request_timeout not set"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$T/tftp/f.bin"
TRICKLE=$BOOTD_SRC/tests/lib/http_trickle.py
TRICKLE_PID=""
trickle_stop() {
	if [ -n "$TRICKLE_PID" ]; then
		kill "$TRICKLE_PID" 2>/dev/null || true
		wait "$TRICKLE_PID" 2>/dev/null || true
	fi
}
T_CLEANUP_HOOKS+=(trickle_stop)
HZ=$(getconf CLK_TCK)

# start_limited ULIMIT-ARGS...: bootd in a subshell with that limit.
start_limited() {
	( ulimit "$@" && exec "$BOOTD_BIN" --config "$T/bootd.conf" serve ) \
		>> "$T/bootd.log" 2>&1 &
	BOOTD_PID=$!
	wait_until 10 sh -c "curl -sS --max-time 2 \
		http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=db'" ||
		fail "bootd did not start with ulimit $*"
}
cpu() { awk '{ print $14 + $15 }' "/proc/$BOOTD_PID/stat"; }
logsize() { stat -c %s "$T/bootd.log"; }
val() { sed -n "s/^$1=//p" "$T/trickle.out"; }
# quick FROM PATH: the GET succeeds within 2 s and the body is kept.
quick() {
	curl -fsS --max-time 2 --interface "$1" -o "$T/quick.out" \
		"http://127.0.0.1:$HTTP_PORT$2" || fail "GET $2 from $1 (${3:-})"
}

# --- 1: 1,100 tricklers, soft limit 1,024 -------------------------------
start_limited -Sn 1024
grep -q "bootd: open files limit [0-9]* (raised from 1024)" "$T/bootd.log" ||
	fail "soft limit not raised: $(grep 'open files' "$T/bootd.log")"
ok "soft RLIMIT_NOFILE raised to the hard limit"
l0=$(logsize)
python3 "$TRICKLE" "$HTTP_PORT" 127.0.0.61,127.0.0.62,127.0.0.63,127.0.0.64 \
	1100 2 15 2 "$T/open" > "$T/trickle.out" &
TRICKLE_PID=$!
wait_until 8 sh -c "[ \$(cat '$T/open' 2>/dev/null || echo 0) -ge 100 ]" ||
	fail "tricklers not held: $(cat "$T/open" 2>/dev/null)"
c0=$(cpu)
t0=$(date +%s%N)
quick $HTTP_ADMIN /ks/dom0-01 "while 1,100 trickle"
grep -q 'kickstart for Xen dom0 dom0-01' "$T/quick.out" || fail "kickstart body"
quick $HTTP_ADMIN /files/f.bin "while 1,100 trickle"
cmp -s "$T/quick.out" "$T/tftp/f.bin" || fail "/files/f.bin differs"
quick 127.0.0.22 /healthz "from another address"
ok "kickstart and a 4 MiB /files/ download in < 2 s each while tricklers are held"
# Ten seconds of the flood, from the first check on.
s=$(( 10 - ($(date +%s%N) - t0) / 1000000000 ))
[ "$s" -le 0 ] || sleep "$s"
c1=$(cpu)
n=$(cat "$T/open")
[ "$n" -le $((4 * 32 + 32)) ] || fail "$n trickling connections open (4 sources x 32)"
ok "$n trickling connections open (4 sources, http.max_per_client 32)"
[ $((c1 - c0)) -lt "$HZ" ] ||
	fail "bootd used $(( (c1 - c0) * 1000 / HZ )) ms CPU in 10 s of tricklers"
ok "bootd used $(( (c1 - c0) * 1000 / HZ )) ms CPU in 10 s of 1,100 tricklers"
wait "$TRICKLE_PID" || fail "trickle script failed"
TRICKLE_PID=""
cat "$T/trickle.out"
hold=$(val max_hold)
[ "$(val deadline)" -gt 100 ] || fail "tricklers not closed by the deadline"
awk -v h="$hold" -v t=$TIMEOUT 'BEGIN { exit !(h <= t + 2) }' ||
	fail "a trickler stayed open $hold s (request_timeout $TIMEOUT)"
ok "tricklers closed after http.request_timeout (longest $hold s)"
[ "$(val refused)" -gt 100 ] || fail "no 503 over http.max_per_client"
ok "$(val refused) connections over http.max_per_client got 503 at once"
grep -q "more than http.max_per_client (32) connections; refused" \
	"$T/bootd.log" || fail "no refusal log line"
grep -q "no complete request within http.request_timeout ($TIMEOUT s)" \
	"$T/bootd.log" || fail "no deadline log line"
grow=$(( $(logsize) - l0 ))
[ "$grow" -lt 102400 ] || fail "log grew by $grow bytes"
ok "log grew by $grow bytes"
quick $HTTP_ADMIN /ks/dom0-01 "after the tricklers"

# --- 1b: the global cap, lowered by a reload ----------------------------
sed -i "s|^http = {|http = { max_connections = 16;|" "$T/bootd.conf"
nload=$(grep -c "db: loaded generation" "$T/bootd.log")
kill -HUP "$BOOTD_PID"
# Reloaded, and the inventory re-read, so no cache write is under way.
wait_until 5 sh -c "grep -q 'config: reloaded' '$T/bootd.log' &&
	[ \$(grep -c 'db: loaded generation' '$T/bootd.log') -gt $nload ]" ||
	fail "no reload"
fd0=$(ls "/proc/$BOOTD_PID/fd" | wc -l)
python3 "$TRICKLE" "$HTTP_PORT" 127.0.0.81,127.0.0.82 40 1 10 0 "$T/open" \
	> "$T/trickle.out" &
TRICKLE_PID=$!
sleep 2
fd1=$(ls "/proc/$BOOTD_PID/fd" | wc -l)
[ $((fd1 - fd0)) -le 16 ] || fail "$((fd1 - fd0)) connections accepted over max_connections 16"
[ $((fd1 - fd0)) -ge 14 ] || fail "only $((fd1 - fd0)) connections accepted, cap 16"
wait "$TRICKLE_PID" || fail "trickle script failed"
TRICKLE_PID=""
# The first 16 are closed after 4 s; the next 16 are accepted then and
# closed after 8 s.
[ "$(val deadline)" -ge 32 ] || { cat "$T/trickle.out" >&2; fail "listener did not resume below the cap"; }
[ "$(val refused)" -eq 0 ] || fail "refused at the cap instead of waiting"
quick $HTTP_ADMIN /ks/dom0-01 "after the cap"
ok "at http.max_connections (16, by SIGHUP) accepting pauses; it resumes as connections close"
bootd_stop
ok "bootd stops cleanly after the flood"
sed -i "s|^http = { max_connections = 16;|http = {|" "$T/bootd.conf"

# --- 2: out of descriptors (ulimit -n 64), 200 held connections --------
start_limited -n 64
grep -q "exceeds the open files limit 64" "$T/bootd.log" || fail "no budget warning at 64"
l0=$(logsize)
c0=$(cpu)
python3 "$TRICKLE" "$HTTP_PORT" \
	127.0.0.71,127.0.0.72,127.0.0.73,127.0.0.74,127.0.0.75,127.0.0.76,127.0.0.77,127.0.0.78 \
	200 2 8 0 "$T/open" > "$T/trickle.out" &
TRICKLE_PID=$!
wait "$TRICKLE_PID" || fail "trickle script failed"
TRICKLE_PID=""
c1=$(cpu)
cat "$T/trickle.out"
[ "$(val connected)" -ge 150 ] || fail "the 200 connections did not connect"
grep -q "http: accept: Too many open files; pausing" "$T/bootd.log" ||
	fail "descriptors never ran out: the test tests nothing"
[ $((c1 - c0)) -lt "$HZ" ] ||
	fail "bootd used $(( (c1 - c0) * 1000 / HZ )) ms CPU in 8 s out of descriptors"
ok "out of descriptors: accept pauses, $(( (c1 - c0) * 1000 / HZ )) ms CPU in 8 s"
grow=$(( $(logsize) - l0 ))
[ "$grow" -lt 102400 ] || fail "log grew by $grow bytes"
ok "log grew by $grow bytes"
wait_until 5 curl -fsS --max-time 1 -o /dev/null \
	"http://127.0.0.1:$HTTP_PORT/files/f.bin" || fail "no service after the flood"
quick $HTTP_ADMIN /ks/dom0-01 "after running out of descriptors"
ok "served again once the connections are gone"
bootd_stop

# --- 3: the budget does not fit 256 descriptors --------------------------
start_limited -n 256
grep "bootd: descriptor budget" "$T/bootd.log" | tail -1 > "$T/budget.log"
grep -q "exceeds the open files limit 256: lower http.max_connections, or raise the limit (LimitNOFILE=" \
	"$T/budget.log" || fail "start log: $(cat "$T/budget.log")"
ok "start log names the budget, http.max_connections and LimitNOFILE="
bootd_stop
out=$( (ulimit -n 256 && B check) 2>&1) || fail "check failed: $out"
grep -q "^warning: descriptor budget [0-9]* (.*) exceeds the open files limit 256: lower http.max_connections, or raise the limit (LimitNOFILE=" \
	<<<"$out" || fail "check: $out"
grep -q "^check ok" <<<"$out" || fail "check: $out"
out=$(B check 2>&1) || fail "check failed: $out"
grep -q "^descriptor budget [0-9]*: fits the open files limit" <<<"$out" ||
	fail "check at the normal limit: $out"
ok "bootd check warns at ulimit -n 256 (not a failure) and fits otherwise"
t_done
