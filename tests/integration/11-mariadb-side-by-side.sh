#!/usr/bin/env bash
# The test harness itself: private MariaDBs started side by side (as ctest
# -j runs the integration tests) each come up and answer. With a shared
# tmpdir, MariaDB's install step removed another instance's internal
# temporary tables ("Error on delete of '/tmp/#sql-temptable-...'") and
# failed about one start in three; tests/lib/mariadb.sh gives each its own.
. "$(dirname "$0")/../lib/common.sh"
t_init mdbpar
N=6
PIDS=()
for i in $(seq 1 $N); do
	mkdir -p "$T/m$i"
	# A subshell per server: mariadb_start sets MDB_* in its own shell;
	# it stops its server itself before it ends.
	( mariadb_start "$T/m$i" > "$T/m$i.log" 2>&1 || exit 1
	  mariadb_sql "SELECT 40 + 2" > "$T/m$i.out" 2>> "$T/m$i.log"
	  rc=$?
	  mariadb_stop
	  exit $rc ) &
	PIDS+=($!)
done
bad=0
for i in $(seq 1 $N); do
	wait "${PIDS[$((i - 1))]}" || { bad=$((bad + 1)); echo "server $i:"; tail -5 "$T/m$i.log"; }
done
[ "$bad" = 0 ] || fail "$bad of $N MariaDBs started side by side did not come up"
for i in $(seq 1 $N); do
	[ "$(cat "$T/m$i.out")" = 42 ] || fail "server $i answered '$(cat "$T/m$i.out")'"
	[ -d "$T/m$i/tmp" ] || fail "server $i has no private tmpdir"
done
ok "$N private MariaDBs installed and started side by side, each answered, each with its own tmpdir"
t_done
