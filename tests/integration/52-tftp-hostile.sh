#!/usr/bin/env bash
# TFTP against hostile peers on loopback (tests/lib/tftp_hostile.py, real
# tftp-hpa clients, curl): requests never acknowledged (timeout=255) must
# not hold slots beyond tftp.first_ack_timeout; a file changed under a
# transfer (truncated or rewritten in place, lock-step or windowed, near
# its end too) ends it with ERROR 0 "file changed" within 32 KiB, never
# with its last block; a flood of refused requests writes little log;
# SIGHUP with a new paths.tftp_root moves TFTP
# and HTTP /files/ together; out of descriptors, clients hear "server busy"
# and bootd goes on serving.
. "$(dirname "$0")/../lib/common.sh"
t_init tftphostile
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
TPORT=$(free_port)
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; };|" "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate

R=$T/tftp
mkdir -p "$T/out" "$T/rootB"
head -c 100000 /dev/urandom > "$R/small.bin"
head -c $((2 * 1024 * 1024)) /dev/urandom > "$R/medium.bin"
echo "root A" > "$R/switch.txt"
echo "root B" > "$T/rootB/switch.txt"
bootd_start "$T/bootd.conf"
H() { python3 "$BOOTD_SRC/tests/lib/tftp_hostile.py" "$TPORT" "$@"; }
hpa() { (cd "$T/out" && timeout 20 tftp 127.0.0.1 "$TPORT" -m binary -c get "$@"); }
logsize() { stat -c %s "$T/bootd.log"; }

# 1. 1,024 RRQs with timeout=255 from 16 addresses, never ACKed: the
# per-client cap holds them to 256 slots, a legitimate fetch succeeds at
# once, the option is declined, and the slots are back after 5 s.
H abandon "$R" small.bin || fail "abandoned requests"
ok "abandoned RRQs: declined timeout, capped per client, freed after first_ack_timeout"
grep -q 'dropped: no first ACK in time' "$T/bootd.log" || fail "no drop logged"
ok "dropped transfers logged (rate-limited)"

# 2. A file changed under a transfer: ERROR 0 "file changed".
# Lock-step, each alone (blocks read ahead) and with a second transfer of
# the file held open (blocks sent from the file's shared mapping).
for how in alone shared; do
	sh=""
	[ $how = shared ] && sh=shared
	head -c $((1024 * 1024)) /dev/urandom > "$R/shrink-$how.bin"
	head -c $((1024 * 1024)) /dev/urandom > "$R/inplace-$how.bin"
	head -c 40000 /dev/urandom > "$R/tail-$how.bin"
	sleep 0.05	# a rewrite must change the mtime
	H changed "$R/shrink-$how.bin" "shrink-$how.bin" lockstep $sh ||
		fail "truncated file ($how)"
	ok "$how: truncated under a lock-step transfer: ERROR 0 \"file changed\" within 32 KiB"
	H changed "$R/inplace-$how.bin" "inplace-$how.bin" rewrite $sh ||
		fail "rewritten file (lock-step, $how)"
	ok "$how: rewritten in place under a lock-step transfer: ERROR 0 \"file changed\" within 32 KiB"
	H changed "$R/tail-$how.bin" "tail-$how.bin" tail $sh ||
		fail "rewritten near the end ($how)"
	ok "$how: rewritten in place 9 blocks before the end: ERROR 0 \"file changed\", not the last block"
done
head -c $((1024 * 1024)) /dev/urandom > "$R/rewrite.bin"
H changed "$R/rewrite.bin" rewrite.bin window || fail "rewritten file"
ok "rewritten in place under a windowed transfer: ERROR 0 \"file changed\""
grep -q 'failed after [0-9]* bytes: file changed' "$T/bootd.log" ||
	fail "file change not logged"

# 3. 100,000 refused RRQs with long junk names: the log grows < 100 KB.
before=$(logsize)
H flood 100000 || fail "flood"
grown=$(( $(logsize) - before ))
[ "$grown" -lt 102400 ] || fail "flood grew the log by $grown bytes"
tail -c "$grown" "$T/bootd.log" | grep -q 'more like it suppressed)' ||
	fail "no suppressed count in the log"
ok "100,000 refused RRQs: log grew $grown bytes, with suppressed counts"
hpa small.bin after-flood || fail "fetch after the flood"
cmp -s "$R/small.bin" "$T/out/after-flood" || fail "content after the flood"
ok "still serving after the flood"

# 4. SIGHUP with a new paths.tftp_root: TFTP and HTTP /files/ together.
[ "$(http_get /files/switch.txt)" = "root A" ] || fail "HTTP root A"
hpa switch.txt a.txt && [ "$(cat "$T/out/a.txt")" = "root A" ] || fail "TFTP root A"
sed -i "s|tftp_root = \"$R\"|tftp_root = \"$T/rootB\"|" "$T/bootd.conf"
kill -HUP "$BOOTD_PID"
wait_until 5 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/files/switch.txt | grep -qx 'root B'" ||
	fail "HTTP /files/ did not move to the new root"
hpa switch.txt b.txt && [ "$(cat "$T/out/b.txt")" = "root B" ] ||
	fail "TFTP still serves the old root: $(cat "$T/out/b.txt")"
ok "SIGHUP: TFTP and HTTP /files/ serve the new root"
sed -i "s|tftp_root = \"$T/rootB\"|tftp_root = \"$T/missing\"|" "$T/bootd.conf"
kill -HUP "$BOOTD_PID"
wait_until 5 grep -q "paths.tftp_root $T/missing: .*keep serving $T/rootB" "$T/bootd.log" ||
	fail "no warning naming paths.tftp_root"
[ "$(http_get /files/switch.txt)" = "root B" ] || fail "HTTP left root B"
hpa switch.txt c.txt && [ "$(cat "$T/out/c.txt")" = "root B" ] || fail "TFTP left root B"
ok "SIGHUP with a root that does not open: both keep the old one, a warning"
bootd_stop

# 5. Out of descriptors: bootd under ulimit -n 64, 100 concurrent fetches.
sed -i "s|tftp_root = \"$T/missing\"|tftp_root = \"$R\"|;
	s|port = $TPORT; };|port = $TPORT; max_per_client = 200; };|" "$T/bootd.conf"
grep -q 'max_per_client = 200' "$T/bootd.conf" || fail "config edit"
(ulimit -n 64 && exec "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1) &
BOOTD_PID=$!
wait_until 10 http_get /healthz || fail "bootd did not start under ulimit -n 64"
before=$(logsize)
pids=()
for i in $(seq 1 100); do
	(cd "$T/out" && timeout 60 tftp 127.0.0.1 "$TPORT" -m binary -c get medium.bin "m$i" > "m$i.msg" 2>&1) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
got=0 busy=0
for i in $(seq 1 100); do
	if cmp -s "$R/medium.bin" "$T/out/m$i"; then
		got=$((got + 1))
	elif grep -q 'server busy' "$T/out/m$i.msg"; then
		busy=$((busy + 1))
	else
		fail "client $i: neither the file nor \"server busy\": $(cat "$T/out/m$i.msg")"
	fi
done
[ "$busy" -gt 0 ] || fail "no client was refused: descriptors never ran out?"
grep -q 'out of descriptors for the \(socket\|file\)' "$T/bootd.log" ||
	fail "running out of descriptors not logged"
grown=$(( $(logsize) - before ))
[ "$grown" -lt 102400 ] || fail "log grew by $grown bytes"
ok "ulimit -n 64, 100 fetches: $got got the file, $busy \"server busy\"; log grew $grown bytes"
hpa medium.bin after-emfile || fail "fetch after running out of descriptors"
cmp -s "$R/medium.bin" "$T/out/after-emfile" || fail "content after EMFILE"
http_get /healthz >/dev/null || fail "HTTP after EMFILE"
ok "still serving TFTP and HTTP afterwards"
bootd_stop
t_done
