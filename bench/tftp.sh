#!/usr/bin/env bash
# Benchmark (not a test): bootd's TFTP server against tftpd-hpa, atftpd and
# dnsmasq on the same work, in one run, with the same clients:
#   1. one 64 MiB file at blksize 512 (tftp-hpa and atftp clients) and 1468
#      (atftp), lock-step; windowsize 16 and 64 at blksize 1468 (atftp; of
#      the peers only atftpd negotiates windowsize). Median of RUNS, MB/s
#      (10^6 bytes/s), ratio bootd / best peer against the targets.
#   2. bootd's ceiling with bench/tftp_client.c (recvmmsg, ACK per window,
#      hashes instead of writing), with server and client CPU per MB.
#   3. a boot storm: STORM_N concurrent transfers of an 8 MiB file from one
#      client process, each bounded by a deadline: failures, wall time and
#      the server's CPU seconds (its whole process tree, via a cgroup),
#      also for the floor reference bench/tftp_floor.c (the file in memory,
#      one recv and one send per block, nothing else) and its io_uring form
#      (floor-uring: tftp_floor -u). The same with
#      STORM_N real client processes released at once (storm-curl:
#      curl --tftp-blksize 1468; storm-atftp: atftp --option "blksize
#      1468"), every output file compared with the source; and 1000
#      transfers from one tftp_client (storm1000, STORM1000_SERVERS).
#   4. a 1 GiB file at blksize 1468 + windowsize 64 through bootd, hashed.
# Everything runs in a network namespace this script creates (its loopback
# only; dnsmasq's TFTP port is fixed at 69, which a private namespace frees).
# Rounds are interleaved (every server once per round, order rotated), so
# drift and other users' load hit all servers alike. Every daemon is started
# here, recorded in its own cgroup, and stopped by PID on exit.
#
#   bench/tftp.sh
# Environment: BOOTD_BIN (default: build-bench/bootd/bootd, built here),
#   BOOTD_ALT (a second bootd binary, measured as "bootd-alt": A/B a patch),
#   BOOTD_EPOLL (1: also BOOTD_BIN with tftp.io_uring = "off", as
#   "bootd-epoll"; 0: not),
#   RUNS (3), MB (64), STORM_N (200), STORM_MB (8), STORM_RUNS (3),
#   BIG_MB (1024), PROFILE (1: perf profiles of bootd, when perf works),
#   SECTIONS (default "throughput ceiling storm big": which parts to run;
#   also storm-curl, storm-atftp, storm1000), STORM1000_SERVERS (default
#   "bootd bootd-epoll dnsmasq floor floor-uring": 1000 x 8 MiB takes
#   tftpd-hpa minutes),
#   STORM_SERVERS (the other storms' servers; default all and the floors),
#   STORM_PERF (1: bootd's and dnsmasq's system calls per block in the
#   storms, perf stat; 2: also a perf profile of each, with its top
#   STORM_PERF_USER (15) user-space symbols apart).
# Needs root (namespace, cgroups). Takes about 5 minutes (6 with BOOTD_ALT).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
MB=${MB:-64}
STORM_N=${STORM_N:-200}
STORM_MB=${STORM_MB:-8}
STORM_RUNS=${STORM_RUNS:-3}
BIG_MB=${BIG_MB:-1024}
PROFILE=${PROFILE:-1}
SECTIONS=${SECTIONS:-throughput ceiling storm big}
STORM_SERVERS=${STORM_SERVERS:-}	# default: every server and the floor
STORM1000_SERVERS=${STORM1000_SERVERS:-bootd bootd-epoll dnsmasq floor floor-uring}
want() { [[ " $SECTIONS " == *" $1 "* ]]; }
XFER_TIMEOUT=120	# seconds, any one client run
# 1000 transfers in one client (storm1000) need 1000 sockets, the servers
# as many (dnsmasq sizes --tftp-max by it): raise the soft limit.
[ "$(ulimit -n)" -ge 8192 ] || ulimit -n "$(ulimit -Hn)" 2>/dev/null ||
	ulimit -n 8192 2>/dev/null || true

[ "$(id -u)" -eq 0 ] || { echo "tftp.sh: needs root" >&2; exit 1; }

T=""
NS=""
SOUT=""
CGS=()
declare -A PID PORT
. "$top/bench/lib.sh"

# Stops what this script started: daemons by PID, then anything still in
# its cgroups (tftpd-hpa's per-transfer children), then the namespace, the
# cgroups and the temp dir.
cleanup() {
	local rc=$? p i
	trap - EXIT INT TERM
	bench_stop_daemons
	for cg in "${CGS[@]}"; do
		[ -f "$cg/cgroup.procs" ] || continue
		for p in $(cat "$cg/cgroup.procs"); do
			kill -KILL "$p" 2>/dev/null || true
		done
		for i in $(seq 1 50); do
			[ -s "$cg/cgroup.procs" ] || break
			sleep 0.1
		done
		rmdir "$cg" 2>/dev/null || echo "tftp.sh: cannot remove $cg" >&2
	done
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	[ -n "$T" ] && rm -rf "$T"
	[ -n "$SOUT" ] && rm -rf "$SOUT"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T=$(mktemp -d /tmp/tftpbench.XXXXXX)
chmod 0755 "$T"
T0=$(date +%s)
echo "tftp.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
log() { echo "# [$(( $(date +%s) - T0 ))s] $*" >&2; }

# Peers and clients; atftpd is fetched into $T (it conflicts with tftpd-hpa).
ATFTPD=$(bash "$top/bench/peers.sh" "$T/peers" | tail -1)
[ -n "${BOOTD_BIN:-}" ] || log "building bootd (RelWithDebInfo) in build-bench/"
bench_build build-bench
CLIENT=$T/tftp_client
cc -O2 -Wall -Wextra -o "$CLIENT" "$top/bench/tftp_client.c"
FLOOR=$T/tftp_floor
cc -O2 -Wall -Wextra -o "$FLOOR" "$top/bench/tftp_floor.c" -luring

# The namespace: loopback up, plus a veth pair holding a 10.213.250.1/24
# address that no packet is sent to. tftpd-hpa resolves its -a address with
# AI_ADDRCONFIG, which fails when loopback is the only interface.
NS=tftpbench-$$
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add tbv0 type veth peer name tbv1
ip -n "$NS" addr add 10.213.250.1/24 dev tbv0
ip -n "$NS" link set tbv0 up
ip -n "$NS" link set tbv1 up
NSP=/var/run/netns/$NS
inns() { nsenter --net="$NSP" -- "$@"; }

# CPU accounting per daemon (and for the clients): a cgroup each, which
# also counts forked children (tftpd-hpa forks one per transfer) and
# threads (atftpd). cgroup v1 cpuacct when mounted, else v2.
if [ -f /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then
	CGROOT=/sys/fs/cgroup/cpuacct
	cg_ns() { cat "$1/cpuacct.usage"; }
	cg_user_ns() { cat "$1/cpuacct.usage_user"; }
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	CGROOT=/sys/fs/cgroup
	cg_ns() { awk '/^usage_usec/ { print $2 * 1000 }' "$1/cpu.stat"; }
	cg_user_ns() { awk '/^user_usec/ { print $2 * 1000 }' "$1/cpu.stat"; }
else
	echo "tftp.sh: no cgroup for CPU accounting" >&2
	exit 1
fi
declare -A CG
cg_new() {	# cg_new NAME: creates the cgroup CG[NAME]
	CG[$1]=$CGROOT/tftpbench-$$-$1
	mkdir "${CG[$1]}"
	CGS+=("${CG[$1]}")
}
cg_new client
CG_CLIENT=${CG[client]}

# Test files (random, world-readable: tftpd-hpa may drop privileges).
R=$T/root
mkdir -p "$R" "$T/out"
chmod 0755 "$R"
head -c $((MB << 20)) /dev/urandom > "$R/f$MB"
head -c $((STORM_MB << 20)) /dev/urandom > "$R/s$STORM_MB"
want big && head -c $((BIG_MB << 20)) /dev/urandom > "$R/big"
chmod 0644 "$R"/*
declare -A HASH
for f in "f$MB" "s$STORM_MB" big; do
	[ ! -f "$R/$f" ] || HASH[$f]=$("$CLIENT" -H "$R/$f")
done

# Daemons. Each is started inside its cgroup and the namespace; $! is the
# daemon itself (the subshell execs nsenter, which execs the daemon).
start_in() {	# start_in NAME CMD...
	local name=$1
	shift
	cg_new "$name"
	( echo "$BASHPID" > "${CG[$name]}/cgroup.procs"
	  exec nsenter --net="$NSP" -- "$@" ) >"$T/$name.log" 2>&1 &
	PID[$name]=$!
}
listening() { inns ss -Hnlu "sport = :$1" | grep -q .; }

bench_bootd_user

SERVERS=(bootd tftpd-hpa atftpd dnsmasq)
PORT[bootd]=16901
PORT[tftpd-hpa]=16902
PORT[atftpd]=16903
PORT[dnsmasq]=69
bench_bootd_conf "$T/bootd.conf" "${PORT[bootd]}" 127.0.0.1
start_in bootd "$BOOTD_BIN" --config "$T/bootd.conf" serve
if [ -n "${BOOTD_ALT:-}" ]; then
	SERVERS+=(bootd-alt)
	PORT[bootd-alt]=16904
	bench_bootd_conf "$T/bootd-alt.conf" "${PORT[bootd-alt]}" 127.0.0.1
	start_in bootd-alt "$BOOTD_ALT" --config "$T/bootd-alt.conf" serve
fi
# The same binary with its transfers on epoll (tftp.io_uring = "off"): what
# the io_uring path saves, in the same rounds. BOOTD_EPOLL=0 leaves it out.
if [ "${BOOTD_EPOLL:-1}" = 1 ]; then
	SERVERS+=(bootd-epoll)
	PORT[bootd-epoll]=16906
	bench_bootd_conf "$T/bootd-epoll.conf" "${PORT[bootd-epoll]}" 127.0.0.1 off
	start_in bootd-epoll "$BOOTD_BIN" --config "$T/bootd-epoll.conf" serve
fi
start_in tftpd-hpa /usr/sbin/in.tftpd -L -u root -s "$R" \
    -a "127.0.0.1:${PORT[tftpd-hpa]}"
start_in atftpd "$ATFTPD" --daemon --no-fork --user root --group root \
    --port "${PORT[atftpd]}" --bind-address 127.0.0.1 --maxthread 1000 \
    --tftpd-timeout 0 --logfile "$T/atftpd.log" "$R"
start_in dnsmasq dnsmasq -k --port=0 --conf-file=/dev/null --user=root \
    --pid-file="$T/dnsmasq.pid" --log-facility=- --bind-interfaces \
    --listen-address=127.0.0.1 --enable-tftp --tftp-root="$R" \
    --tftp-max=2000 --quiet-tftp
# The floor reference (bench/tftp_floor.c: recv one ACK, send one block,
# the file in memory) runs in the storm only: it serves one file.
PORT[floor]=16905
start_in floor "$FLOOR" 127.0.0.1 "${PORT[floor]}" "$R/s$STORM_MB"
# And its io_uring form (-u: a multishot receive per transfer, the sends of
# a pass submitted with the wait): the floor for bootd's tftp.io_uring.
PORT[floor-uring]=16907
start_in floor-uring "$FLOOR" -u 127.0.0.1 "${PORT[floor-uring]}" "$R/s$STORM_MB"
for s in "${SERVERS[@]}" floor floor-uring; do
	for i in $(seq 1 100); do
		listening "${PORT[$s]}" && break
		kill -0 "${PID[$s]}" 2>/dev/null ||
			{ echo "tftp.sh: $s died:"; cat "$T/$s.log"; exit 1; }
		sleep 0.05
	done
	listening "${PORT[$s]}" || { echo "tftp.sh: $s not listening"; exit 1; }
done
WINDOWED=(bootd atftpd)
[ -n "${BOOTD_ALT:-}" ] && WINDOWED+=(bootd-alt)
[ "${BOOTD_EPOLL:-1}" = 1 ] && WINDOWED+=(bootd-epoll)
PEERS=(tftpd-hpa atftpd dnsmasq)

# One client run. Prints MB/s, or "fail". Clients run in their own cgroup.
run_client() {	# run_client CLIENT BLKSIZE WINDOW SERVER FILE [OUT]
	local cl=$1 bs=$2 w=$3 port=${PORT[$4]} f=$5 out=${6:-/dev/null}
	local t0 t1 size rc=0 line opts=()
	size=$(stat -c %s "$R/$f")
	case $cl in
	tftp-hpa)	# always blksize 512: it asks for no options
		t0=$(date +%s%N)
		( echo "$BASHPID" > "$CG_CLIENT/cgroup.procs"
		  exec timeout "$XFER_TIMEOUT" nsenter --net="$NSP" -- \
		    tftp 127.0.0.1 "$port" -m binary -c get "$f" "$out" \
		) >"$T/client.err" 2>&1 || rc=$?
		t1=$(date +%s%N)
		grep -qi 'error\|timed out' "$T/client.err" && rc=1 ;;
	atftp)
		[ "$bs" = 512 ] || opts+=(--option "blksize $bs")
		[ "$w" = 1 ] || opts+=(--option "windowsize $w")
		t0=$(date +%s%N)
		( echo "$BASHPID" > "$CG_CLIENT/cgroup.procs"
		  exec timeout "$XFER_TIMEOUT" nsenter --net="$NSP" -- \
		    atftp ${opts[@]+"${opts[@]}"} -g -r "$f" -l "$out" \
		    127.0.0.1 "$port" ) >"$T/client.err" 2>&1 || rc=$?
		t1=$(date +%s%N) ;;
	tftp_client)
		[ "$bs" = 512 ] || opts+=(-b "$bs")
		opts+=(-w "$w" -D "$XFER_TIMEOUT" -e "${HASH[$f]}")
		line=$( ( echo "$BASHPID" > "$CG_CLIENT/cgroup.procs"
		  exec nsenter --net="$NSP" -- "$CLIENT" "${opts[@]}" \
		    127.0.0.1 "$port" "$f" ) 2>"$T/client.err") || rc=$?
		if [ $rc -eq 0 ]; then
			echo "$line" | sed -n 's/.* MBps=\([0-9.]*\).*/\1/p'
			return
		fi ;;
	esac
	if [ $rc -ne 0 ]; then
		echo fail
		return
	fi
	if [ "$out" != /dev/null ] && ! cmp -s "$R/$f" "$out"; then
		echo fail
		return
	fi
	awk -v b="$size" -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f\n", b / (ns / 1e9) / 1e6 }'
}

cpu_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

# 0. Every server, every client: the bytes arrive intact (untimed).
log "checking every client against every server ($STORM_MB MiB, cmp / hash)"
for s in "${SERVERS[@]}"; do
	for c in "tftp-hpa 512 1" "atftp 1468 1" "tftp_client 1468 1"; do
		set -- $c
		v=$(run_client "$1" "$2" "$3" "$s" "s$STORM_MB" "$T/out/check")
		[ "$v" != fail ] || { echo "tftp.sh: $1 from $s: not intact"; cat "$T/client.err"; exit 1; }
	done
done
for s in "${WINDOWED[@]}"; do
	v=$(run_client atftp 1468 64 "$s" "s$STORM_MB" "$T/out/check")
	[ "$v" != fail ] || { echo "tftp.sh: atftp windowsize 64 from $s: not intact"; exit 1; }
done
rm -f "$T/out/check"

if want throughput; then
# 1. Throughput: CASES are "label|client|blksize|window|servers|target".
CASES=(
	"blksize 512|tftp-hpa|512|1|all|1.25"
	"blksize 512|atftp|512|1|all|1.25"
	"blksize 1468|atftp|1468|1|all|1.25"
	"blksize 1468 window 16|atftp|1468|16|windowed|1.3"
	"blksize 1468 window 64|atftp|1468|64|windowed|1.3"
	"blksize 1468|tftp_client|1468|1|all|-"
)
declare -A RES
log "throughput: $MB MiB, ${#CASES[@]} cases, $RUNS interleaved rounds"
for r in $(seq 1 "$RUNS"); do
	for c in "${CASES[@]}"; do
		IFS='|' read -r label cl bs w which target <<<"$c"
		if [ "$which" = all ]; then set -- "${SERVERS[@]}"; else set -- "${WINDOWED[@]}"; fi
		for s in $(rotate "$r" "$@"); do
			v=$(run_client "$cl" "$bs" "$w" "$s" "f$MB")
			RES["$c|$s"]="${RES["$c|$s"]:-} $v"
		done
	done
	log "round $r of $RUNS done"
done

echo
echo "== TFTP throughput, $MB MiB file, MB/s (10^6 B/s), median of $RUNS interleaved rounds"
printf '%-24s %-12s' case client
for s in "${SERVERS[@]}"; do printf ' %10s' "$s"; done
printf ' %10s %7s %7s %s\n' "best peer" ratio target verdict
for c in "${CASES[@]}"; do
	IFS='|' read -r label cl bs w which target <<<"$c"
	printf '%-24s %-12s' "$label" "$cl"
	best=0 bestn=-
	for s in "${SERVERS[@]}"; do
		if [ -z "${RES["$c|$s"]:-}" ]; then printf ' %10s' "n/a"; continue; fi
		m=$(median ${RES["$c|$s"]})
		printf ' %10s' "$m"
		case " ${PEERS[*]} " in
		*" $s "*) if awk -v a="$m" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$m bestn=$s; fi ;;
		esac
	done
	rt=$(ratio "$(median ${RES["$c|bootd"]})" "$best")
	if [ "$target" = - ]; then v="(reference)"; else v=$(verdict "$rt" "$target"); fi
	[ -n "${BOOTD_ALT:-}" ] && v="$v; bootd-alt $(ratio "$(median ${RES["$c|bootd-alt"]})" "$best")x"
	[ "${BOOTD_EPOLL:-1}" = 1 ] && v="$v; bootd-epoll $(ratio "$(median ${RES["$c|bootd-epoll"]})" "$best")x"
	printf ' %10s %7s %7s %s\n' "$bestn" "${rt}x" "${target}x" "$v"
done
# Other users' load only ever slows a run down, so the best run of each
# server is printed too: it is the least disturbed measurement.
printf '%-24s %-12s' "best run of $RUNS" ""
for s in "${SERVERS[@]}"; do printf ' %10s' ""; done
echo
for c in "${CASES[@]}"; do
	IFS='|' read -r label cl bs w which target <<<"$c"
	printf '%-24s %-12s' "$label" "$cl"
	best=0
	for s in "${SERVERS[@]}"; do
		if [ -z "${RES["$c|$s"]:-}" ]; then printf ' %10s' "n/a"; continue; fi
		m=$(best ${RES["$c|$s"]})
		printf ' %10s' "$m"
		case " ${PEERS[*]} " in
		*" $s "*) if awk -v a="$m" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$m; fi ;;
		esac
	done
	printf ' %10s %7s\n' "" "$(ratio "$(best ${RES["$c|bootd"]})" "$best")x"
done
echo "runs (MB/s per round; 'fail' = not completed):"
for c in "${CASES[@]}"; do
	IFS='|' read -r label cl bs w which target <<<"$c"
	for s in "${SERVERS[@]}"; do
		[ -z "${RES["$c|$s"]:-}" ] ||
			printf '  %-24s %-12s %-10s%s\n' "$label" "$cl" "$s" "${RES["$c|$s"]}"
	done
done

# 2. The ceiling: bench/tftp_client against the windowed servers, with each
# daemon's CPU (and the client's) per MB from the cgroups.
fi # throughput

if want ceiling; then
CEIL=("1468 1" "1468 16" "1468 64" "8192 16" "8192 64" "65464 16" "65464 64")
declare -A CRES CCPU CCLI
log "ceiling: tftp_client, ${#CEIL[@]} settings, $RUNS rounds"
permb() { awk -v d="$1" -v m=$((MB << 20)) 'BEGIN { printf "%.0f", d / 1000 / (m / 1e6) }'; }
for r in $(seq 1 "$RUNS"); do
	for c in "${CEIL[@]}"; do
		set -- $c
		for s in $(rotate "$r" "${WINDOWED[@]}"); do
			a=$(cg_ns "${CG[$s]}"); ca=$(cg_ns "$CG_CLIENT")
			v=$(run_client tftp_client "$1" "$2" "$s" "f$MB")
			b=$(cg_ns "${CG[$s]}"); cb=$(cg_ns "$CG_CLIENT")
			CRES["$c|$s"]="${CRES["$c|$s"]:-} $v"
			CCPU["$c|$s"]="${CCPU["$c|$s"]:-} $(permb $((b - a)))"
			CCLI["$c|$s"]="${CCLI["$c|$s"]:-} $(permb $((cb - ca)))"
		done
	done
done
echo
echo "== Ceiling: bench/tftp_client, $MB MiB, median of $RUNS; CPU us per MB, server / client"
printf '%-8s %-6s' blksize window
for s in "${WINDOWED[@]}"; do printf ' %10s %13s' "$s" "cpu s/c"; done
echo
for c in "${CEIL[@]}"; do
	set -- $c
	printf '%-8s %-6s' "$1" "$2"
	for s in "${WINDOWED[@]}"; do
		printf ' %10s %13s' "$(median ${CRES["$c|$s"]})" \
		    "$(median ${CCPU["$c|$s"]})/$(median ${CCLI["$c|$s"]})"
	done
	echo
done

fi # ceiling

# 3. Boot storms: many transfers at once, each bounded by a deadline; per
# server the failures, the wall time, the server's CPU and the clients'
# (cgroups). One storm is STORM_N (or 1000) transfers of the storm file:
#   storm       from one bench/tftp_client process (blksize 1468, tsize)
#   storm-curl  from as many curl processes (tftp://, --tftp-blksize 1468)
#   storm-atftp from as many atftp processes (--option "blksize 1468";
#               tftp-hpa's client cannot ask for a blksize)
#   storm1000   1000 transfers from one bench/tftp_client
# The real clients write files (on tmpfs), each compared with the source
# afterwards; they are all started and then released at once (blocked
# opening a FIFO until the script opens it).
declare -A SWALL SCPU SUSR SCLI SFAIL
STORM_F=s$STORM_MB
# One storm against one server: adds a round to SWALL, SCPU, SCLI, SFAIL.
storm_once() {	# storm_once KIND N SERVER (DL: the deadline, s)
	local kind=$1 n=$2 s=$3 cg=${CG[$3]} a b ua ub ca cb line f i bad wall=
	a=$(cg_ns "$cg"); ua=$(cg_user_ns "$cg"); ca=$(cg_ns "$CG_CLIENT")
	storm_probe_start "$s"
	case $kind in
	tftp_client)
		line=$( ( echo "$BASHPID" > "$CG_CLIENT/cgroup.procs"
		  exec nsenter --net="$NSP" -- "$CLIENT" -n "$n" -b 1468 -T \
		    -D "$DL" -q -e "${HASH[$STORM_F]}" 127.0.0.1 \
		    "${PORT[$s]}" "$STORM_F" ) 2>/dev/null) || true
		wall=$(echo "$line" | sed -n 's/.* secs=\([0-9.]*\).*/\1/p')
		f=$(echo "$line" | sed -n 's/.* failed=\([0-9]*\) badhash=\([0-9]*\).*/\1 \2/p')
		[ -n "$f" ] || f="$n 0"
		bad=$(( ${f% *} + ${f#* } )) ;;
	curl|atftp)
		storm_spawn "$kind" "$n" "$s"
		bad=0
		for i in $(seq 1 "$n"); do
			if [ "$(cat "$SOUT/$i.rc" 2>/dev/null)" != 0 ] ||
			    ! cmp -s "$R/$STORM_F" "$SOUT/$i"; then
				bad=$((bad + 1))
			fi
		done
		rm -f "$SOUT"/* ;;
	esac
	# Let the last transfers' processes end (tftpd-hpa children).
	for i in $(seq 1 40); do
		[ "$s" != tftpd-hpa ] && break
		[ "$(wc -l < "$cg/cgroup.procs")" -le 1 ] && break
		sleep 0.05
	done
	b=$(cg_ns "$cg"); ub=$(cg_user_ns "$cg"); cb=$(cg_ns "$CG_CLIENT")
	storm_probe_stop "$s" "$n"
	SWALL[$s]="${SWALL[$s]:-} ${wall:--}"
	SCPU[$s]="${SCPU[$s]:-} $(cpu_s "$a" "$b")"
	SUSR[$s]="${SUSR[$s]:-} $(cpu_s "$ua" "$ub")"
	SCLI[$s]="${SCLI[$s]:-} $(cpu_s "$ca" "$cb")"
	SFAIL[$s]=$(( ${SFAIL[$s]:-0} + bad ))
}

# N real client processes against server S, released at once; sets wall
# (seconds from the release to the last exit). Each client is bounded by
# timeout(1) at DL seconds and leaves its exit status in $SOUT/I.rc.
storm_spawn() {	# storm_spawn curl|atftp N SERVER
	local kind=$1 n=$2 port=${PORT[$3]} sp i t0 t1
	rm -f "$T/go"
	mkfifo "$T/go"
	( echo "$BASHPID" > "$CG_CLIENT/cgroup.procs"
	  exec nsenter --net="$NSP" -- bash "$T/spawn.sh" "$kind" "$n" \
	    "$DL" "$T/go" "$SOUT" "$port" "$STORM_F" ) &
	sp=$!
	# Every client's shell is waiting on the FIFO (+1: the spawner).
	for i in $(seq 1 200); do
		[ "$(wc -l < "$CG_CLIENT/cgroup.procs")" -gt "$n" ] && break
		sleep 0.05
	done
	sleep 0.3
	t0=$(date +%s%N)
	exec {go}<>"$T/go"	# read-write: never blocks, releases every reader
	wait "$sp" || true
	t1=$(date +%s%N)
	exec {go}>&-
	rm -f "$T/go"
	wall=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }')
}
cat > "$T/spawn.sh" <<'SPAWN'
# storm spawner (bench/tftp.sh): KIND N DEADLINE FIFO OUTDIR PORT FILE
kind=$1 n=$2 dl=$3 go=$4 out=$5 port=$6 f=$7
for i in $(seq 1 "$n"); do
	(
		exec 3<"$go"	# blocks until the script opens the FIFO
		exec 3<&-
		case $kind in
		curl)	timeout -k 5 "$dl" curl -sS --tftp-blksize 1468 \
			    -o "$out/$i" "tftp://127.0.0.1:$port/$f" ;;
		atftp)	timeout -k 5 "$dl" atftp --option "blksize 1468" \
			    -g -r "$f" -l "$out/$i" 127.0.0.1 "$port" ;;
		esac
		echo $? > "$out/$i.rc"
	) >/dev/null 2>&1 &
done
wait
SPAWN

# STORM_PERF=1: the system calls of bootd and dnsmasq during each storm
# (perf stat, in-kernel counters), per DATA block of the storm; 2: also a
# perf profile of each (cpu-clock, call graphs), the top symbols of the
# last round printed.
STORM_EVENTS="syscalls:sys_enter_recvfrom syscalls:sys_exit_recvfrom
	syscalls:sys_enter_recvmsg syscalls:sys_enter_sendto
	syscalls:sys_enter_sendmsg syscalls:sys_enter_epoll_wait
	syscalls:sys_enter_poll syscalls:sys_enter_ppoll
	syscalls:sys_enter_epoll_ctl raw_syscalls:sys_enter
	sched:sched_wakeup context-switches"
declare -A SPERF PERFPID LOGAT
storm_probe_start() {
	local s=$1 e args=()
	[ "${STORM_PERF:-0}" != 0 ] && [ "$s" = bootd -o "$s" = dnsmasq ] || return 0
	LOGAT[$s]=$(wc -l < "$T/$s.log")
	for e in $STORM_EVENTS; do
		args+=(-e "$e")
		# EAGAIN (-11) exits only
		[ "$e" = syscalls:sys_exit_recvfrom ] && args+=(--filter 'ret == -11')
	done
	perf stat -x, -p "${PID[$s]}" "${args[@]}" -o "$T/perf-$s.csv" &
	PERFPID[$s]=$!
	if [ "${STORM_PERF:-0}" = 2 ]; then
		perf record -q -g -e cpu-clock -F 999 -p "${PID[$s]}" \
		    -o "$T/rec-$s.data" >/dev/null 2>&1 &
		PERFPID[$s]="${PERFPID[$s]} $!"
	fi
	sleep 0.2
}
storm_probe_stop() {	# storm_probe_stop SERVER N
	local s=$1
	[ -n "${PERFPID[$s]:-}" ] || return 0
	local p
	for p in ${PERFPID[$s]}; do
		kill -INT "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	unset "PERFPID[$s]"
	SPERF[$s]="${SPERF[$s]:-}$(awk -F, -v blocks=$(( $2 * $(blocks_of "$R/$STORM_F") )) '
		{ e = "" }
		$3 ~ /sys_|sched_/ { e = $3; sub(/.*sys_/, "", e)
			if ($3 ~ /sys_exit_recvfrom/) e = "recvfrom-EAGAIN"
			if ($3 ~ /raw_syscalls/) e = "all"
			if ($3 ~ /sched_wakeup/) e = "wakeups" }
		$3 ~ /context-switches/ { e = "context-switches" }
		e != "" {
			printf " %s=%.3f", e, $1 / blocks }' "$T/perf-$s.csv")"
	# bootd logs each transfer's resends: "(blksize B, window W, N resent)"
	[ "$s" = dnsmasq ] || SPERF[$s]="${SPERF[$s]}$(tail -n +$((LOGAT[$s] + 1)) \
	    "$T/$s.log" | awk '/ resent\)/ { n++; r += $(NF - 1) }
		END { printf "; log: %d transfers, %d blocks resent", n, r }')"
	SPERF[$s]="${SPERF[$s]}
"
}
blocks_of() { echo $(( $(stat -c %s "$1") / 1468 + 1 )); }

# storm_verdict SERVER: the targets of issue #15 on the last section's
# figures: no failure, wall no worse than the best peer that ran, CPU at
# most 0.5x dnsmasq's and 1.3x the floor's.
storm_verdict() {
	local w c bestw dc fc fu
	[ -n "${SWALL[$1]:-}" ] || return 0
	w=$(median ${SWALL[$1]})
	c=$(median ${SCPU[$1]})
	bestw=$(for p in "${PEERS[@]}"; do [ -z "${SWALL[$p]:-}" ] || median ${SWALL[$p]}; done |
		awk 'NR == 1 || $1 < m { m = $1 } END { print m }')
	dc=$(median ${SCPU[dnsmasq]:-})
	fc=$(median ${SCPU[floor]:-})
	fu=$(median ${SCPU[floor-uring]:-})
	echo "$1: failures ${SFAIL[$1]} ($([ "${SFAIL[$1]}" -eq 0 ] && echo met || echo MISSED));" \
	    "wall ${w}s vs best peer ${bestw}s = $(ratio "$w" "$bestw")x" \
	    "($(awk -v a="$w" -v b="$bestw" 'BEGIN { print (a <= b) ? "met" : "MISSED" }'));" \
	    "CPU ${c}s vs dnsmasq ${dc}s = $(ratio "$c" "$dc")x, target <= 0.5x" \
	    "($(awk -v a="$c" -v b="$dc" 'BEGIN { print (a <= b / 2) ? "met" : "MISSED" }'));" \
	    "vs the floor ${fc}s = $(ratio "$c" "$fc")x, target <= 1.3x" \
	    "($(awk -v a="$c" -v b="$fc" 'BEGIN { print (a <= b * 1.3) ? "met" : "MISSED" }'));" \
	    "vs floor-uring ${fu}s = $(ratio "$c" "$fu")x"
}

# One storm section: interleaved rounds over SERVERS..., the table, the
# verdicts.
storm_section() {	# storm_section KIND N DEADLINE TITLE SERVERS...
	local kind=$1 n=$2 DL=$3 title=$4 r s
	shift 4
	SWALL=() SCPU=() SUSR=() SCLI=() SFAIL=() SPERF=()
	log "storm ($kind): $n x $STORM_MB MiB, $STORM_RUNS interleaved rounds"
	for r in $(seq 1 "$STORM_RUNS"); do
		for s in $(rotate "$r" "$@"); do
			storm_once "$kind" "$n" "$s"
		done
		log "storm ($kind) round $r of $STORM_RUNS done"
	done
	echo
	echo "== Boot storm: $n concurrent x $STORM_MB MiB ($title), median of $STORM_RUNS"
	printf '%-10s %7s %8s %13s %7s %13s   %s\n' server failed "wall s" "server CPU s" \
	    "user s" "client CPU s" "runs: wall s / CPU s"
	for s in "$@"; do
		printf '%-10s %7s %8s %13s %7s %13s  %s /%s\n' "$s" "${SFAIL[$s]}" \
		    "$(median ${SWALL[$s]})" "$(median ${SCPU[$s]})" \
		    "$(median ${SUSR[$s]})" "$(median ${SCLI[$s]})" \
		    "${SWALL[$s]}" "${SCPU[$s]}"
	done
	for s in "$@"; do
		[ -z "${SPERF[$s]:-}" ] ||
			printf 'system calls per block, %s (per round):\n%s' "$s" "${SPERF[$s]}"
		[ -f "$T/rec-$s.data" ] || continue
		echo "$s: profile of the last round (perf cpu-clock, top symbols, self)"
		perf report -i "$T/rec-$s.data" --no-children --sort sym --stdio \
		    -g none 2>/dev/null | grep '%' | awk 'NR <= 25'
		echo "$s: its own code and libraries (user space, top symbols, self)"
		perf report -i "$T/rec-$s.data" --no-children --sort dso,sym \
		    --stdio -g none 2>/dev/null | grep '%' |
		    grep -v '\[kernel' | awk "NR <= ${STORM_PERF_USER:-15}"
		rm -f "$T/rec-$s.data"
	done
	storm_verdict bootd
	[ -z "${BOOTD_ALT:-}" ] || storm_verdict bootd-alt
	[ "${BOOTD_EPOLL:-1}" != 1 ] || storm_verdict bootd-epoll
}

[ -n "$STORM_SERVERS" ] || STORM_SERVERS="${SERVERS[*]} floor floor-uring"
# shellcheck disable=SC2086
if want storm; then
	storm_section tftp_client "$STORM_N" 120 "tftp_client -n, blksize 1468, tsize" \
	    $STORM_SERVERS
fi
if want storm-curl || want storm-atftp; then
	SOUT=$(mktemp -d /dev/shm/tftpbench-out.XXXXXX)
	want storm-curl && storm_section curl "$STORM_N" 120 \
	    "$STORM_N curl processes, --tftp-blksize 1468" $STORM_SERVERS
	want storm-atftp && storm_section atftp "$STORM_N" 120 \
	    "$STORM_N atftp processes, --option \"blksize 1468\"" $STORM_SERVERS
	rm -rf "$SOUT"
	SOUT=
fi
if want storm1000; then
	# shellcheck disable=SC2086
	storm_section tftp_client 1000 600 "one tftp_client -n 1000, blksize 1468, tsize" \
	    $STORM1000_SERVERS
fi

if want big; then
# 4. One big file through bootd (and atftpd for scale), hashed.
log "big file: $BIG_MB MiB at blksize 1468 window 64"
echo
echo "== Big file: $BIG_MB MiB, blksize 1468, window 64, tftp_client (hash checked)"
for s in "${WINDOWED[@]}"; do
	line=$(inns "$CLIENT" -b 1468 -w 64 -D 300 -e "${HASH[big]}" 127.0.0.1 \
	    "${PORT[$s]}" big 2>&1) || true
	printf '%-10s %s\n' "$s" "$line"
done

fi # big

# 5. Where bootd's time goes: perf with a software clock (this VM has no
# hardware counters) while tftp_client fetches in a loop, bounded in time.
profile() {	# profile BLKSIZE WINDOW
	local end i ppid
	perf record -q -e cpu-clock -F 4999 -p "${PID[bootd]}" -o "$T/perf.data" \
	    -- sleep 2 >/dev/null 2>&1 &
	ppid=$!
	end=$(( $(date +%s) + 3 ))
	for i in $(seq 1 50); do
		[ "$(date +%s)" -lt "$end" ] && kill -0 "$ppid" 2>/dev/null || break
		inns "$CLIENT" -q -b "$1" -w "$2" -D 10 127.0.0.1 "${PORT[bootd]}" \
		    "f$MB" >/dev/null || true
	done
	wait "$ppid" || true
	perf report -i "$T/perf.data" --no-children --sort sym --stdio 2>/dev/null |
		grep '%' | awk 'NR <= 14' || true
}
if [ "$PROFILE" = 1 ] && command -v perf >/dev/null &&
    perf record -q -e cpu-clock -o "$T/perf.test" -- true >/dev/null 2>&1; then
	log "profiling bootd"
	for c in "1468 1" "1468 64" "65464 16"; do
		echo
		echo "== bootd profile, tftp_client blksize ${c% *} window ${c#* } (perf cpu-clock, top symbols)"
		profile $c
	done
fi
echo
echo "tftp.sh: $(( $(date +%s) - T0 )) s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
log "done"
