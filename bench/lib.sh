# Helpers shared by the comparative benchmarks (bench/tftp.sh,
# bench/dhcp.sh). Source it after setting top (the repository) and
# declaring the associative array PID (daemon name -> PID):
#   bench_build DIR        builds bootd (RelWithDebInfo) in $top/DIR and
#                          sets BOOTD_BIN, unless BOOTD_BIN is set already
#   bench_stop_daemons     SIGTERM every PID[], SIGKILL after 5 s, reap
#   median VALUES...       the median ("fail" counts as 0; "-" for none)
#   best VALUES...         the highest (likewise)
#   ratio A B              A / B to two places ("-" when B is 0)
#   verdict RATIO TARGET   "met" when RATIO >= TARGET, else "MISSED"
#   rotate N ITEMS...      the items from index N mod count, one a line
#   cpu_ns PID...          the run time of all the PIDs' threads, in ns
#                          (schedstat)
#   bench_bootd_user       makes the system user "bootd" when missing
#   bench_bootd_conf FILE PORT ADDR [IO_URING]
#                          a TFTP-only bootd config serving $R on ADDR:PORT
#                          (no database; its cache in $T)
# Package installation is scripts/deps.sh PKG... [--optional PKG...].

bench_build() {
	local dir=$top/$1
	[ -z "${BOOTD_BIN:-}" ] || return 0
	cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    >"$dir.cmake.log" 2>&1 || { cat "$dir.cmake.log" >&2; return 1; }
	cmake --build "$dir" -j2 --target bootd >"$dir.build.log" 2>&1 ||
		{ tail -30 "$dir.build.log" >&2; return 1; }
	rm -f "$dir.cmake.log" "$dir.build.log"
	BOOTD_BIN=$dir/bootd/bootd
}

# Only the PIDs this script recorded: never a process by name.
bench_stop_daemons() {
	local s i
	for s in "${!PID[@]}"; do
		kill -TERM "${PID[$s]}" 2>/dev/null || true
	done
	for s in "${!PID[@]}"; do
		for i in $(seq 1 50); do
			kill -0 "${PID[$s]}" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "${PID[$s]}" 2>/dev/null || true
		wait "${PID[$s]}" 2>/dev/null || true
	done
	PID=()
}

_bench_sorted() {
	[ $# -gt 0 ] || return 0
	printf '%s\n' "$@" | sed 's/^fail$/0/' | grep -v '^-\?$' | sort -g
}
median() {
	_bench_sorted "$@" | awk '{ a[NR] = $1 }
		END { if (NR == 0) print "-"; else print a[int((NR + 1) / 2)] }'
}
best() {
	_bench_sorted "$@" | awk 'END { print NR ? $1 : "-" }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}
verdict() {
	awk -v r="$1" -v t="$2" 'BEGIN { print (r != "-" && r >= t) ? "met" : "MISSED" }'
}
rotate() {
	local n=$1
	shift
	local a=("$@") i
	for i in $(seq 0 $((${#a[@]} - 1))); do
		echo "${a[$(( (i + n) % ${#a[@]} ))]}"
	done
}

# bootd drops to the system user "bootd" (process.user's default), as in
# production: make it on a machine that has none yet.
bench_bootd_user() {
	id -u bootd >/dev/null 2>&1 ||
		useradd --system --user-group --no-create-home \
			--home-dir /nonexistent --shell /usr/sbin/nologin bootd
}

bench_bootd_conf() {
	cat > "$1" <<CFG
database = { socket = "$T/no-database.sock"; user = "bench"; password = "x";
             name = "bench"; connect_timeout = 1; };
paths = { tftp_root = "$R"; templates = "$top/templates";
          cache = "$T/inventory-$2.cache"; };
tftp = { listen = "$3"; port = $2; max_per_client = 1000;
         max_transfers = 1024; ${4:+io_uring = \"$4\";} };
http = { enabled = false; };
log = { level = "info"; };
CFG
}

cpu_ns() {
	local p t x s=0
	for p in "$@"; do
		for t in /proc/"$p"/task/*/schedstat; do
			read -r x _ < "$t" 2>/dev/null && s=$((s + x))
		done
	done
	echo "$s"
}
