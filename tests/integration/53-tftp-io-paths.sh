#!/usr/bin/env bash
# The transfers' two I/O paths (tftp.io_uring). "auto" on a kernel that
# allows io_uring: the log says so, lock-step blocks leave without a send
# system call or a recvfrom each (strace counts them), real clients in
# parallel (tftp-hpa, curl, atftp with a window) get their bytes, a
# stranger gets error 5, a slow but steady client gets no block twice (the
# lazily set retransmit timer), and a SIGTERM in the middle of transfers
# exits cleanly (under ASan: nothing leaked while sends were in flight).
# "off", and "auto" under a seccomp filter that denies io_uring (as
# container runtimes do): the log says epoll and why, and the same clients
# get their bytes.
. "$(dirname "$0")/../lib/common.sh"
t_init tftpio
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
TPORT=$(free_port)
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
cp "$T/bootd.conf" "$T/base.conf"
set_mode() {	# set_mode auto|off
	sed "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; max_per_client = 64; io_uring = \"$1\"; };|" \
	    "$T/base.conf" > "$T/bootd.conf"
}

R=$T/tftp
mkdir -p "$T/out"
head -c $((2 * 1024 * 1024)) /dev/urandom > "$R/medium.bin"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$R/big.bin"
head -c 100000 /dev/urandom > "$R/small.bin"	# tests/lib/tftp_raw.py's
same() { cmp -s "$1" "$2" || fail "$3: content differs"; }

# Real clients side by side: 16 tftp-hpa (512-byte lock-step), 4 curl
# (blksize 1468, as PXE ROMs ask) and atftp with windowsize 16.
clients() {	# clients TAG
	local i pids=()
	rm -f "$T"/out/*
	for i in $(seq 1 16); do
		(cd "$T/out" && timeout 60 tftp 127.0.0.1 "$TPORT" -m binary \
		    -c get medium.bin "hpa$i") & pids+=($!)
	done
	for i in $(seq 1 4); do
		timeout 60 curl -sS --tftp-blksize 1468 -o "$T/out/curl$i" \
		    "tftp://127.0.0.1:$TPORT/big.bin" & pids+=($!)
	done
	timeout 60 atftp --option "blksize 1468" --option "windowsize 16" \
	    -g -r big.bin -l "$T/out/w16" 127.0.0.1 "$TPORT" >/dev/null 2>&1 &
	pids+=($!)
	for i in "${pids[@]}"; do wait "$i" || fail "$1: a client failed"; done
	for i in $(seq 1 16); do same "$R/medium.bin" "$T/out/hpa$i" "$1 tftp-hpa $i"; done
	for i in $(seq 1 4); do same "$R/big.bin" "$T/out/curl$i" "$1 curl $i"; done
	same "$R/big.bin" "$T/out/w16" "$1 atftp windowsize 16"
	ok "$1: 16 tftp-hpa, 4 curl (blksize 1468) and atftp (window 16) at once, every byte right"
}

# System calls bootd makes while one lock-step client fetches medium.bin
# (4,096 blocks of 512 bytes): prints "sends recvfrom io_uring_enter",
# sends being sendto and sendmsg calls together.
count_calls() {
	local sp n
	strace -f -qq -c -U name,calls -e trace=sendto,sendmsg,recvfrom,io_uring_enter \
	    -o "$T/strace.out" -p "$BOOTD_PID" & sp=$!
	sleep 0.5
	(cd "$T/out" && timeout 30 tftp 127.0.0.1 "$TPORT" -m binary \
	    -c get medium.bin counted) || fail "fetch under strace"
	kill -INT "$sp"; wait "$sp" 2>/dev/null || true
	same "$R/medium.bin" "$T/out/counted" "fetch under strace"
	for n in sendto,sendmsg recvfrom io_uring_enter; do
		awk -v n=",$n," 'index(n, "," $1 ",") { c += $2 } END { printf "%d ", c + 0 }' "$T/strace.out"
	done
}

started_with() {	# started_with TEXT GAUGE: the path's log line and metric
	wait_until 5 grep -qF "$1" "$T/bootd.log" || fail "no \"$1\" in the log"
	http_get /metrics | grep -qx "bootd_tftp_io_uring $2" ||
		fail "bootd_tftp_io_uring is not $2"
}

# 1. auto
set_mode auto
bootd_start "$T/bootd.conf"
if [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" != 0 ]; then
	started_with "tftp: io_uring unavailable" 0
	echo "note: kernel.io_uring_disabled is set here; the ring path is not tested"
	RING=0
else
	started_with "tftp: transfers on io_uring" 1
	ok "auto: the log and /metrics say io_uring"
	RING=1
fi
clients auto
if [ "$RING" = 1 ]; then
	read -r s r e <<< "$(count_calls)"
	[ "$s" -lt 100 ] && [ "$r" -lt 100 ] && [ "$e" -ge 1 ] ||
		fail "io_uring: 4,096 blocks took sends=$s recvfrom=$r io_uring_enter=$e"
	ok "io_uring: 4,096 lock-step blocks with sends=$s recvfrom=$r io_uring_enter=$e"
fi
python3 "$BOOTD_SRC/tests/lib/tftp_raw.py" "$TPORT" wrong_tid || fail "raw wrong_tid"
python3 "$BOOTD_SRC/tests/lib/tftp_raw.py" "$TPORT" dup_acks || fail "raw dup_acks"
ok "auto: a stranger gets error 5, duplicate ACKs are not answered"
# The retransmit timer is set lazily (an ACK only moves its due time): a
# slow, steady client gets no block twice.
python3 "$BOOTD_SRC/tests/lib/tftp_raw.py" "$TPORT" steady || fail "raw steady"
ok "auto: a client ACKing every block after 4 ms gets none resent"
# Past the ring's 512-byte receive buffers: a bad packet, not an ACK.
bad0=$(http_get /metrics | awk '$1 == "bootd_tftp_bad_packets_total" { print $2 }')
python3 "$BOOTD_SRC/tests/lib/tftp_raw.py" "$TPORT" oversized || fail "raw oversized"
bad1=$(http_get /metrics | awk '$1 == "bootd_tftp_bad_packets_total" { print $2 }')
[ "$bad1" -gt "$bad0" ] || fail "oversized datagram not counted as bad ($bad0 -> $bad1)"
ok "auto: a 1,400-byte datagram from the client is counted as bad, not taken as its ACK"
# SIGTERM with transfers in flight: a clean exit (ASan: no leak).
pids=()
for i in $(seq 1 8); do
	(cd "$T/out" && timeout 30 tftp 127.0.0.1 "$TPORT" -m binary \
	    -c get big.bin "cut$i" >/dev/null 2>&1) & pids+=($!)
done
wait_until 5 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/metrics | grep -q '^bootd_tftp_transfers_active 8'" ||
	fail "8 transfers not in flight"
bootd_stop
for i in "${pids[@]}"; do wait "$i" || true; done
ok "auto: SIGTERM during 8 transfers, exit 0"

# 2. off: epoll, one send and one recvfrom per block.
set_mode off
bootd_start "$T/bootd.conf"
started_with "tftp: transfers on epoll (tftp.io_uring = off)" 0
ok "off: the log and /metrics say epoll"
read -r s r e <<< "$(count_calls)"
[ "$s" -ge 4096 ] && [ "$r" -ge 4096 ] ||
	fail "epoll: 4,096 blocks took sends=$s recvfrom=$r"
ok "epoll: 4,096 lock-step blocks with sends=$s recvfrom=$r"
clients off
python3 "$BOOTD_SRC/tests/lib/tftp_raw.py" "$TPORT" steady || fail "raw steady (off)"
ok "off: a client ACKing every block after 4 ms gets none resent"
bootd_stop

# 3. auto where io_uring is denied by seccomp: epoll, and why.
: > "$T/bootd.log"
set_mode auto
/usr/bin/python3 "$BOOTD_SRC/tests/lib/no_io_uring.py" "$BOOTD_BIN" \
    --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 10 http_get /healthz || fail "bootd under seccomp did not start"
started_with "tftp: io_uring unavailable (io_uring_setup: not permitted" 0
ok "seccomp: the log says io_uring is not permitted, epoll instead"
clients seccomp
bootd_stop
t_done
