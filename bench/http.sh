#!/usr/bin/env bash
# Benchmark (not a test): bootd's HTTP server against nginx on the same
# bytes, in one run, on loopback:
#   1. GET /ks/dom0-01 (a rendered kickstart, ~2 KB, asked for from an admin
#      address) against nginx serving the same bytes as a static file:
#      wrk, WRK_SECS seconds, 64 connections, one wrk thread (the box has
#      two cores: one for the server, one for wrk). Requests/s.
#   2. a 1 GiB file from /files/ against nginx's sendfile: curl -o
#      /dev/null, MB/s (10^6 bytes/s), and the CPU time per GiB of the
#      server and of curl (which of the two bounds the rate);
#   3. the same file fetched by bench/http_sink.c, which drops the body in
#      the kernel (recv MSG_TRUNC) instead of copying it out as curl does,
#      so the server's own cost bounds the rate.
# nginx runs twice: with one worker (bootd has one event loop) and with
# worker_processes auto. bootd and nginx are measured back to back in
# pairs, so other load hits both alike; the median of the pairs' ratios
# counts.
# Targets: /ks >= 50 % of nginx's req/s, the file >= 100 % of its MB/s.
# Each run adds a dated section at the top of bench/RESULTS-http.md. Every
# daemon is started here (nginx in the foreground with its own config and
# -p prefix in a temp dir) and stopped by PID on exit.
#
#   bench/http.sh
# Environment: BOOTD_BIN (default: build-http-bench/bootd/bootd, built
#   here as Release), BOOTD_ALT (a second bootd binary, "bootd-alt",
#   measured against the same nginx in pairs of its own right after
#   bootd's: A/B a patch), FILE_ONLY (1: the file only, no /ks), RUNS (5),
#   WRK_SECS (10), BIG_MB (1024), FILE_REPS (3: file pairs per round),
#   PIN (1: every server, all its threads and workers, on CPU 0 and the
#   clients on CPU 1, so the scheduler's placement does not decide a
#   sample; nginx-auto's two workers then share CPU 0), NGINX_WORKERS
#   ("1 auto": the nginx settings measured, in turn), HOLD (seconds: set
#   up, start nginx with one worker, print the URLs and PIDs, wait that
#   long for a profiler or a hand-run client, clean up; nothing measured).
# Needs root (apt-get for wrk and nginx when missing).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
WRK_SECS=${WRK_SECS:-10}
BIG_MB=${BIG_MB:-1024}
FILE_REPS=${FILE_REPS:-3}
FILE_ONLY=${FILE_ONLY:-0}
NGINX_WORKERS=${NGINX_WORKERS:-1 auto}
PIN=${PIN:-0}
CLIENT=()
[ "$PIN" = 1 ] && CLIENT=(taskset -c 1)
# pin PID: the daemon PID, its threads and its children on CPU 0 (PIN=1).
pin() {
	local p
	[ "$PIN" = 1 ] || return 0
	for p in "$1" $(pgrep -P "$1"); do
		taskset -a -p -c 0 "$p" >/dev/null || fail "taskset $p"
	done
}
BOOTD_ALT=${BOOTD_ALT:-}
OUT=$top/bench/RESULTS-http.md

# --- tools: wrk and nginx (never the distribution's nginx service) -------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "http.sh: needs root to install ${need[*]}" >&2; exit 1; }
	made_policy=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		made_policy=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${need[@]}" >/dev/null
	[ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
"$top/scripts/deps.sh"

if [ -z "${BOOTD_BIN:-}" ]; then
	cmake -S "$top" -B "$top/build-http-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$top/build-http-bench" -j"$(nproc)" --target bootd >/dev/null
	BOOTD_BIN=$top/build-http-bench/bootd/bootd
fi
export BOOTD_BIN BOOTD_SRC=$top
. "$top/tests/lib/common.sh"
. "$top/tests/lib/http_helpers.sh"
. "$top/bench/lib.sh"	# cpu_ns (its median and ratio are redefined below)
set +u
NGINX_PID=""
ALT_PID=""
# stop_pid VAR: stops the daemon whose PID is in VAR (started here), once.
stop_pid() {
	local -n pid=$1
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
	fi
}
stop_alt() { stop_pid ALT_PID; }
stop_nginx() { stop_pid NGINX_PID; }
T_CLEANUP_HOOKS+=(stop_alt stop_nginx)
t_init httpbench
set -u
SINK=$T/http_sink
cc -O2 -Wall -Wextra -Werror -o "$SINK" "$top/bench/http_sink.c" || fail "http_sink build"

# --- bootd with the demo inventory ---------------------------------------
mariadb_start "$T" >/dev/null || fail "mariadb did not start"
LOGLEVEL=warn bootd_config "$T/bootd.conf"
http_admin_only "$T/bootd.conf"
# wrk's 64 connections come from one address: above the default
# http.max_per_client (32), which is for a site's hosts, not a load client.
# (A binary from before the setting, for an A/B, has no such cap.)
if "$BOOTD_BIN" --example-config | grep -q 'request_timeout'; then
	sed -i "s|port = $HTTP_PORT;|port = $HTTP_PORT; max_per_client = 256;|" "$T/bootd.conf"
	grep -q 'max_per_client = 256' "$T/bootd.conf" || fail "max_per_client not set"
fi
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null
mariadb_sql "$(cat "$top/demo/inventory.sql")"
dd if=/dev/urandom of="$T/tftp/big.bin" bs=1M count="$BIG_MB" status=none
bootd_start "$T/bootd.conf"
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q source=db" ||
	fail "no inventory"
pin "$BOOTD_PID"
B=http://127.0.0.1:$HTTP_PORT
# bootd-alt: the same inventory, files and settings on a port of its own.
A=""
if [ -n "$BOOTD_ALT" ]; then
	ALT_PORT=$(free_port)
	sed -e "s|port = $HTTP_PORT;|port = $ALT_PORT;|" \
		-e "s|inventory.cache|inventory-alt.cache|" "$T/bootd.conf" > "$T/bootd-alt.conf"
	if ! "$BOOTD_ALT" --example-config | grep -q 'request_timeout'; then
		sed -i 's| max_per_client = 256;||' "$T/bootd-alt.conf"
	fi
	"$BOOTD_ALT" --config "$T/bootd-alt.conf" serve >> "$T/bootd-alt.log" 2>&1 &
	ALT_PID=$!
	pin "$ALT_PID"
	A=http://127.0.0.1:$ALT_PORT
	wait_until 10 sh -c "curl -fsS $A/healthz | grep -q source=db" ||
		fail "no inventory in bootd-alt"
fi

# --- nginx serving the same bytes ----------------------------------------
NG=$T/nginx
NGINX_PORT=$(free_port)
mkdir -p "$NG/html/ks" "$NG/logs" "$NG/tmp"
# nginx's workers run as nobody: let them through the private temp dir.
chmod 755 "$T" "$T/tftp" "$NG" "$NG/html" "$NG/html/ks"
curl -fsS "$B/ks/dom0-01" > "$NG/html/ks/dom0-01"
ln "$T/tftp/big.bin" "$NG/html/big.bin"
start_nginx() {	# start_nginx WORKERS
	cat > "$NG/nginx.conf" <<EOF
worker_processes $1;
daemon off;
master_process on;
pid $NG/nginx.pid;
error_log $NG/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000000;
	default_type text/plain;
	client_body_temp_path $NG/tmp;
	proxy_temp_path $NG/tmp;
	fastcgi_temp_path $NG/tmp;
	uwsgi_temp_path $NG/tmp;
	scgi_temp_path $NG/tmp;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $NG/html;
	}
}
EOF
	nginx -p "$NG" -c "$NG/nginx.conf" &
	NGINX_PID=$!
	wait_until 10 curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/ks/dom0-01" ||
		fail "nginx did not start"
	pin "$NGINX_PID"
}
N=http://127.0.0.1:$NGINX_PORT
start_nginx 1
cmp -s <(curl -fsS "$B/ks/dom0-01") <(curl -fsS "$N/ks/dom0-01") ||
	fail "nginx and bootd serve different kickstarts"
[ "$(curl -fsS "$B/files/big.bin" | sha256sum)" = "$(sha256sum < "$T/tftp/big.bin")" ] ||
	fail "bootd's /files/big.bin differs"
[ -z "$A" ] || [ "$(curl -fsS "$A/files/big.bin" | sha256sum)" = "$(sha256sum < "$T/tftp/big.bin")" ] ||
	fail "bootd-alt's /files/big.bin differs"
stop_nginx
if [ -n "${HOLD:-}" ]; then
	start_nginx 1
	echo "http.sh: holding ${HOLD} s: bootd $B (pid $BOOTD_PID)${A:+, bootd-alt $A (pid $ALT_PID)}, nginx $N (pid $NGINX_PID, workers $(pgrep -P "$NGINX_PID" | xargs)); the file: /files/big.bin, /big.bin; $SINK"
	sleep "$HOLD" || true	# (killing the sleep ends the hold)
	exit 0
fi

rps() {	# rps URL: requests/s from wrk
	"${CLIENT[@]}" wrk -t1 -c64 -d"${WRK_SECS}s" "$1" | awk '/^Requests\/sec:/ { printf "%d", $2 }'
}
# server_pids URL: the PIDs serving URL (nginx: its master and workers).
server_pids() {
	case "$1" in
	"$B"/*) echo "$BOOTD_PID" ;;
	"$N"/*) echo "$NGINX_PID" $(pgrep -P "$NGINX_PID") ;;
	*) echo "$ALT_PID" ;;
	esac
}
# mbs URL: "MB/s server-CPU client-CPU" of one download by curl, the CPU
# times in ms per GiB (the server's threads from schedstat, the client's
# from time).
mbs() { download curl "$1"; }
# sink URL: the same by http_sink.
sink() { download sink "$1"; }
download() {	# download curl|sink URL
	local pids c0 c1 out hp
	pids=$(server_pids "$2")
	hp=${2#http://}
	c0=$(cpu_ns $pids)
	if [ "$1" = curl ]; then
		out=$( { TIMEFORMAT='%U %S'; time "${CLIENT[@]}" curl -fsS -o /dev/null \
			-w '%{speed_download}\n' "$2"; } 2>&1 )
	else
		out=$( { TIMEFORMAT='%U %S'; time "${CLIENT[@]}" "$SINK" "${hp%%:*}" \
			"$(echo "$hp" | sed 's|^[^:]*:\([0-9]*\)/.*|\1|')" "/${hp#*/}"; } 2>&1 )
		out=$(awk 'NR == 1 { print $1 * 1e6; next } { print }' <<<"$out")
	fi
	c1=$(cpu_ns $pids)
	awk -v sv=$((c1 - c0)) -v mb="$BIG_MB" 'NR == 1 { r = $1 } NR == 2 { cl = $1 + $2 }
		END { printf "%d %d %d", r / 1e6, sv / 1e6 * 1024 / mb, cl * 1000 * 1024 / mb }' <<<"$out"
}
median() {
	tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END {
		if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# pair FN W FIRST BOOTD_URL NGINX_URL SET: one bootd and one nginx sample
# back to back (FIRST goes first), appended to SET_B, SET_N and their
# ratio to SET_R, each indexed by the nginx setting W.
# A sample of more than one field (mbs) adds its CPU times to SET_BS,
# SET_BC, SET_NS and SET_NC.
pair() {
	local b n bs bc ns nc
	if [ "$3" = bootd ]; then
		b=$($1 "$4"); n=$($1 "$5")
	else
		n=$($1 "$5"); b=$($1 "$4")
	fi
	read -r b bs bc <<<"$b"
	read -r n ns nc <<<"$n"
	eval "${6}_B[$2]+=' $b'; ${6}_N[$2]+=' $n'"
	[ -z "$bs" ] || eval "${6}_BS[$2]+=' $bs'; ${6}_BC[$2]+=' $bc'; ${6}_NS[$2]+=' $ns'; ${6}_NC[$2]+=' $nc'"
	eval "${6}_R[$2]+=' $(awk -v a="$b" -v b="$n" 'BEGIN { printf "%.3f", a / b }')'"
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A KS_B KS_N KS_R F_B F_N F_R KSA_B KSA_N KSA_R FA_B FA_N FA_R
declare -A F_BS F_BC F_NS F_NC FA_BS FA_BC FA_NS FA_NC
declare -A S_B S_N S_R S_BS S_BC S_NS S_NC SA_B SA_N SA_R SA_BS SA_BC SA_NS SA_NC
for w in $NGINX_WORKERS; do
	start_nginx $w
	for r in $(seq 1 "$RUNS"); do
		echo "round $r/$RUNS, nginx workers $w" >&2
		first=bootd
		[ $((r % 2)) = 0 ] && first=nginx
		if [ "$FILE_ONLY" != 1 ]; then
			pair rps $w $first "$B/ks/dom0-01" "$N/ks/dom0-01" KS
			[ -z "$A" ] || pair rps $w $first "$A/ks/dom0-01" "$N/ks/dom0-01" KSA
		fi
		for k in $(seq 1 "$FILE_REPS"); do
			first=bootd
			[ $(((r + k) % 2)) = 0 ] && first=nginx
			pair mbs $w $first "$B/files/big.bin" "$N/big.bin" F
			[ -z "$A" ] || pair mbs $w $first "$A/files/big.bin" "$N/big.bin" FA
			pair sink $w $first "$B/files/big.bin" "$N/big.bin" S
			[ -z "$A" ] || pair sink $w $first "$A/files/big.bin" "$N/big.bin" SA
		done
	done
	stop_nginx
done
kill -0 "$BOOTD_PID" || fail "bootd died"
[ -z "$A" ] || kill -0 "$ALT_PID" || fail "bootd-alt died"
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

pct() { awk -v a="$1" 'BEGIN { printf "%.0f", 100 * a }'; }
verdict() { [ "$(pct "$1")" -ge "$2" ] && echo "met" || echo "MISSED"; }
# cell SAMPLES: their median, or "-" without any.
cell() { if [ -n "${1// /}" ]; then median <<<"$1"; else echo -; fi; }
# ratio RATIOS TARGET: "N % (met)" from the median ratio, or "-".
ratio() {
	[ -n "${1// /}" ] || { echo -; return; }
	local m
	m=$(median <<<"$1")
	echo "$(pct "$m") % ($(verdict "$m" "$2"))"
}
row() {	# row W WHO KS F: KS and F name the sample sets
	local -n kb=${3}_B kn=${3}_N kr=${3}_R fb=${4}_B fn=${4}_N fr=${4}_R
	printf '| %s vs nginx-%s | %s | %s | %s | %s | %s | %s |\n' "$2" "$1" \
		"$(cell "${kb[$1]:-}")" "$(cell "${kn[$1]:-}")" \
		"$(ratio "${kr[$1]:-}" 50)" \
		"$(cell "${fb[$1]:-}")" "$(cell "${fn[$1]:-}")" \
		"$(ratio "${fr[$1]:-}" 100)"
}

srow() {	# srow W WHO SET: the file's MB/s by http_sink
	local -n sb=${3}_B sn=${3}_N sr=${3}_R
	printf '| %s vs nginx-%s | %s | %s | %s |\n' "$2" "$1" \
		"$(cell "${sb[$1]:-}")" "$(cell "${sn[$1]:-}")" \
		"$(ratio "${sr[$1]:-}" 100)"
}
crow() {	# crow W WHO CLIENT SET: CPU ms per GiB
	local -n bs=${4}_BS ns=${4}_NS bc=${4}_BC nc=${4}_NC
	printf '| %s vs nginx-%s | %s | %s | %s | %s | %s |\n' "$2" "$1" "$3" \
		"$(cell "${bs[$1]:-}")" "$(cell "${ns[$1]:-}")" \
		"$(cell "${bc[$1]:-}")" "$(cell "${nc[$1]:-}")"
}
SECTION=$T/section.md
{
	echo "## $(date -u '+%Y-%m-%d %H:%M UTC'): bootd $("$BOOTD_BIN" --version | awk '{ print $2 }') ($(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$top" diff --quiet 2>/dev/null || echo '+changes'))"
	echo
	echo "Written by \`bench/http.sh\` (RUNS=$RUNS FILE_REPS=$FILE_REPS FILE_ONLY=$FILE_ONLY PIN=$PIN NGINX_WORKERS="$NGINX_WORKERS"${BOOTD_ALT:+ BOOTD_ALT=$BOOTD_ALT})."
	echo
	echo "- bootd: $BOOTD_BIN; libevent $(pkg-config --modversion libevent)"
	echo "- $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }'), $(curl --version | head -1 | awk '{ print $1, $2 }')"
	echo "- $(uname -sr), $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), loopback"
	echo "- load average before: $LOAD0; after: $LOAD1 (other users of the box add noise)"
	echo
	echo "Commands: \`wrk -t1 -c64 -d${WRK_SECS}s <url>\` against \`/ks/dom0-01\`"
	echo "(bootd renders it; $(wc -c < "$NG/html/ks/dom0-01") bytes, asked for from 127.0.0.1, an"
	echo "admin address) and against the same bytes as a static file in nginx;"
	echo "\`curl -o /dev/null <url>\` for a ${BIG_MB} MiB file from bootd's \`/files/\` and"
	echo "from nginx (\`sendfile on\`, \`tcp_nopush on\`). bootd and nginx are"
	echo "measured back to back in pairs, who goes first alternating: $RUNS pairs"
	echo "for /ks and $((RUNS * FILE_REPS)) for the file per nginx setting (bootd-alt, when"
	echo "given, in pairs of its own with nginx right after bootd's). Columns:"
	echo "medians of the samples; bootd / nginx: the median of the pairs'"
	echo "ratios, which cancels most of the drift other load causes. Targets:"
	echo "50 % of nginx's req/s for /ks, 100 % of its throughput for the file"
	echo "(issue #15)."
	echo
	echo "| run | /ks req/s bootd | nginx | bootd / nginx | file MB/s bootd | nginx | bootd / nginx |"
	echo "|---|---|---|---|---|---|---|"
	for w in $NGINX_WORKERS; do
		row $w bootd KS F
		[ -z "$A" ] || row $w bootd-alt KSA FA
	done
	echo
	echo "The same file fetched by \`http_sink\` (bench/http_sink.c: the body"
	echo "dropped in the kernel by recv(MSG_TRUNC), no copy to user space),"
	echo "in pairs right after curl's, so the server bounds the rate:"
	echo
	echo "| run | file MB/s bootd | nginx | bootd / nginx |"
	echo "|---|---|---|---|"
	for w in $NGINX_WORKERS; do
		srow "$w" bootd S
		[ -z "$A" ] || srow "$w" bootd-alt SA
	done
	echo
	echo "CPU time per GiB of the file, in ms (medians): the server's threads"
	echo "(schedstat; nginx: master and workers) and the client's user +"
	echo "system time:"
	echo
	echo "| run | client | server bootd | server nginx | client from bootd | client from nginx |"
	echo "|---|---|---|---|---|---|"
	for w in $NGINX_WORKERS; do
		crow "$w" bootd curl F
		[ -z "$A" ] || crow "$w" bootd-alt curl FA
		crow "$w" bootd http_sink S
		[ -z "$A" ] || crow "$w" bootd-alt http_sink SA
	done
	echo
	echo "nginx-1: \`worker_processes 1\` (bootd has one event loop);"
	echo "nginx-auto: \`worker_processes auto\` ($(nproc) workers)."
	echo
	echo "Samples:"
	echo
	for w in $NGINX_WORKERS; do
		[ "$FILE_ONLY" = 1 ] ||
			echo "- nginx-$w, /ks req/s: bootd${KS_B[$w]}; nginx${KS_N[$w]}"
		echo "- nginx-$w, file MB/s: bootd${F_B[$w]}; nginx${F_N[$w]}"
		[ -z "$A" ] || [ "$FILE_ONLY" = 1 ] ||
			echo "- nginx-$w, /ks req/s: bootd-alt${KSA_B[$w]}; nginx${KSA_N[$w]}"
		[ -z "$A" ] ||
			echo "- nginx-$w, file MB/s: bootd-alt${FA_B[$w]}; nginx${FA_N[$w]}"
		echo "- nginx-$w, file MB/s by http_sink: bootd${S_B[$w]}; nginx${S_N[$w]}"
		[ -z "$A" ] ||
			echo "- nginx-$w, file MB/s by http_sink: bootd-alt${SA_B[$w]}; nginx${SA_N[$w]}"
	done
	echo
	[ "$FILE_ONLY" = 1 ] || {
		echo "bootd answers /ks from its rendered-document cache after the first"
		echo "request (valid for one inventory snapshot, config and template"
		echo "version); the ACL and build-flag checks run on every request."
		echo
	}
} > "$SECTION"
# The new section goes first, under the title; older ones follow.
{
	echo "# HTTP benchmark: bootd vs nginx"
	echo
	cat "$SECTION"
	[ ! -f "$OUT" ] || sed '1{/^# /d}' "$OUT" | sed '1{/^$/d}'
} > "$T/results.md"
cp "$T/results.md" "$OUT"
cat "$SECTION"
stop_alt
bootd_stop
