#!/usr/bin/env bash
# Benchmark (not a test): bench/tftp.sh's lock-step boot storm (one
# tftp_client, STORM_N transfers of STORM_MB MiB at blksize 1468) over a
# veth pair between two network namespaces instead of loopback.
#
# Why: on loopback a datagram is delivered in its sender's softirq, so the
# sender's process also runs the receiver's side of the kernel's UDP path:
# a lock-step server's CPU there is mostly its clients' receives (see
# RESULTS-tftp.md: even the floor reference is ~0.65x dnsmasq). On a wire
# the receiving host does that work. Here each veth end has GRO and UDP
# GRO forwarding on, which makes veth deliver through NAPI, and threaded
# NAPI, so both directions' receives run in the kernel threads
# napi/tvs0-* and napi/tvc0-*, counted apart: a server's own CPU is left.
#
# Servers, in interleaved rounds (order rotated): bootd (tftp.io_uring
# "auto"), dnsmasq, and tftp_floor -u (floor-uring, the io_uring floor);
# BOOTD_EPOLL=1 adds bootd with tftp.io_uring "off". A server's CPU is the
# sum of its threads' run time (/proc/PID/task/*/schedstat); none forks.
#
#   bench/tftp_veth.sh
# Environment: BOOTD_BIN (default: build-bench/bootd/bootd, built here),
#   STORM_N (200), STORM_MB (8), RUNS (3), BOOTD_EPOLL (0), PERF (1: each
#   server's context switches, epoll_wait and io_uring_enter calls per
#   storm, from perf stat).
# Needs root (namespaces); installs dnsmasq and ethtool when missing.
# Prints the table; record it in bench/RESULTS-tftp.md by hand.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
STORM_N=${STORM_N:-200}
STORM_MB=${STORM_MB:-8}
RUNS=${RUNS:-3}
BOOTD_EPOLL=${BOOTD_EPOLL:-0}
PERF=${PERF:-0}
DL=$(( STORM_N > 200 ? 300 : 120 ))	# seconds, one client run
SRV=10.213.252.1
CLI=10.213.252.2

[ "$(id -u)" -eq 0 ] || { echo "tftp_veth.sh: needs root" >&2; exit 1; }
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
declare -A PID PORT
. "$top/bench/lib.sh"
"$top/scripts/deps.sh" dnsmasq-base ethtool iproute2 procps gcc libc6-dev \
	liburing-dev

T=""
NSS=""
NSC=""
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	bench_stop_daemons
	[ -n "$NSS" ] && ip netns del "$NSS" 2>/dev/null
	[ -n "$NSC" ] && ip netns del "$NSC" 2>/dev/null
	[ -n "$T" ] && rm -rf "$T"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T=$(mktemp -d /tmp/tftpveth.XXXXXX)
chmod 0755 "$T"
echo "tftp_veth.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_build build-bench
CLIENT=$T/tftp_client
cc -O2 -Wall -Wextra -o "$CLIENT" "$top/bench/tftp_client.c"
FLOOR=$T/tftp_floor
cc -O2 -Wall -Wextra -o "$FLOOR" "$top/bench/tftp_floor.c" -luring
R=$T/root
mkdir -p "$R"
chmod 0755 "$R"
F=s$STORM_MB
head -c $((STORM_MB * 1024 * 1024)) /dev/urandom > "$R/$F"
chmod 0644 "$R/$F"
HASH=$("$CLIENT" -H "$R/$F")

# The two namespaces and the veth pair between them.
NSS=tftpveth-s-$$
NSC=tftpveth-c-$$
ip netns add "$NSS"
ip netns add "$NSC"
ip -n "$NSS" link set lo up
ip -n "$NSC" link set lo up
ip -n "$NSS" link add tvs0 type veth peer name tvc0 netns "$NSC"
ip -n "$NSS" addr add "$SRV/24" dev tvs0
ip -n "$NSC" addr add "$CLI/24" dev tvc0
# (NAPI instances exist once the device is up with GRO on: threaded last.)
for e in "$NSS tvs0" "$NSC tvc0"; do
	set -- $e
	ip -n "$1" link set "$2" up
	ip netns exec "$1" ethtool -K "$2" gro on rx-udp-gro-forwarding on >/dev/null
	ip netns exec "$1" sh -c "echo 1 > /sys/class/net/$2/threaded"
done

bench_bootd_user
start() {	# start NAME CMD...: in the server namespace
	local name=$1
	shift
	ip netns exec "$NSS" "$@" > "$T/$name.log" 2>&1 &
	PID[$name]=$!
}
SERVERS=(bootd dnsmasq floor-uring)
PORT[bootd]=16901
bench_bootd_conf "$T/bootd.conf" "${PORT[bootd]}" "$SRV"
start bootd "$BOOTD_BIN" --config "$T/bootd.conf" serve
if [ "$BOOTD_EPOLL" = 1 ]; then
	SERVERS+=(bootd-epoll)
	PORT[bootd-epoll]=16906
	bench_bootd_conf "$T/bootd-epoll.conf" "${PORT[bootd-epoll]}" "$SRV" off
	start bootd-epoll "$BOOTD_BIN" --config "$T/bootd-epoll.conf" serve
fi
PORT[dnsmasq]=69
start dnsmasq dnsmasq -k --port=0 --conf-file=/dev/null --user=root \
	--pid-file="$T/dnsmasq.pid" --log-facility=- --bind-interfaces \
	--listen-address="$SRV" --enable-tftp --tftp-root="$R" \
	--tftp-max=2000 --quiet-tftp
PORT[floor-uring]=16907
start floor-uring "$FLOOR" -u "$SRV" "${PORT[floor-uring]}" "$R/$F"
for s in "${SERVERS[@]}"; do
	for i in $(seq 1 100); do
		ip netns exec "$NSS" ss -Hnlu "sport = :${PORT[$s]}" | grep -q . && break
		kill -0 "${PID[$s]}" 2>/dev/null || { cat "$T/$s.log"; exit 1; }
		sleep 0.05
	done
done

napi_pids() { pgrep -d ' ' '^napi/(tvs0|tvc0)-' || true; }

# The servers in turn, each round in a rotated order.
declare -A CPU WALL FAILED NAPI
for r in $(seq 1 "$RUNS"); do
	for s in $(rotate $((r - 1)) "${SERVERS[@]}"); do
		np=$(napi_pids)
		c0=$(cpu_ns "${PID[$s]}"); n0=$(cpu_ns $np)
		if [ "$PERF" = 1 ]; then
			perf stat -e context-switches,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_io_uring_enter \
				-p "${PID[$s]}" -o "$T/perf-$s-$r" 2>/dev/null &
			pp=$!
		fi
		line=$(ip netns exec "$NSC" "$CLIENT" -n "$STORM_N" -b 1468 -T \
			-D "$DL" -q -e "$HASH" "$SRV" "${PORT[$s]}" "$F" 2>/dev/null | tail -1) || true
		c1=$(cpu_ns "${PID[$s]}"); n1=$(cpu_ns $np)
		if [ "$PERF" = 1 ]; then
			kill -INT "$pp" 2>/dev/null; wait "$pp" 2>/dev/null || true
			echo "# round $r: $s: $(grep -E 'context-switches|sys_enter' "$T/perf-$s-$r" | awk '{ printf "%s %s  ", $2, $1 }')" >&2
		fi
		f=$(echo "$line" | sed -n 's/.* failed=\([0-9]*\) badhash=\([0-9]*\).*/\1 \2/p')
		[ -n "$f" ] || f="$STORM_N 0"
		CPU[$s]+=" $(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
		NAPI[$s]+=" $(awk -v a="$n0" -v b="$n1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
		WALL[$s]+=" $(echo "$line" | sed -n 's/.* secs=\([0-9.]*\).*/\1/p')"
		FAILED[$s]=$(( ${FAILED[$s]:-0} + ${f% *} + ${f#* } ))
		echo "# round $r: $s: $line" >&2
	done
done
kill -0 "${PID[bootd]}" || { echo "tftp_veth.sh: bootd died"; exit 1; }

echo
echo "== Boot storm over veth (receives in NAPI threads): $STORM_N x $STORM_MB MiB, tftp_client -n $STORM_N -b 1468, median of $RUNS"
printf '%-12s %7s %8s %13s %11s   %s\n' server failed "wall s" "server CPU s" "napi CPU s" "rounds: CPU s"
for s in "${SERVERS[@]}"; do
	printf '%-12s %7s %8s %13s %11s   %s\n' "$s" "${FAILED[$s]}" \
		"$(median ${WALL[$s]})" "$(median ${CPU[$s]})" \
		"$(median ${NAPI[$s]})" "${CPU[$s]# }"
done
b=$(median ${CPU[bootd]})
echo "bootd: CPU ${b}s vs dnsmasq $(median ${CPU[dnsmasq]})s = $(ratio "$b" "$(median ${CPU[dnsmasq]})")x (target <= 0.5x); vs floor-uring $(median ${CPU[floor-uring]})s = $(ratio "$b" "$(median ${CPU[floor-uring]})")x (target <= 1.3x)"
