# Private MariaDB for tests and the demo: its own datadir and unix socket,
# networking off, stopped by PID. Source this file, then:
#   mariadb_start DIR   start (creates DIR/data on first use); sets MDB_SOCK,
#                       MDB_PID; creates database "bootd" and user bootd/bootd
#   mariadb_sql SQL...  run statements in database bootd as root
#   mariadb_stop        stop the server started by mariadb_start (by PID)

MDB_DIR=""
MDB_SOCK=""
MDB_PID=""

_mdb_bin() {
	for b in "$@"; do
		command -v "$b" >/dev/null 2>&1 && { command -v "$b"; return; }
		[ -x "/usr/sbin/$b" ] && { echo "/usr/sbin/$b"; return; }
	done
	echo "mariadb: none of $* found (run scripts/deps.sh)" >&2
	return 1
}

mariadb_start() {
	local dir=$1 user i mysqld fresh=0
	MDB_DIR=$(cd "$dir" && pwd)
	MDB_SOCK=$MDB_DIR/mysqld.sock
	user=$(id -un)
	mysqld=$(_mdb_bin mariadbd mysqld) || return 1
	# Its own temp dir: MariaDB names its internal temporary tables
	# "#sql-temptable-<pid>-..." in tmpdir, and two servers (or install
	# runs) sharing /tmp removed each other's ("Error on delete of
	# '/tmp/#sql-temptable-...'"), failing install-db when tests ran side
	# by side.
	mkdir -p "$MDB_DIR/tmp"
	if [ ! -d "$MDB_DIR/data/mysql" ]; then
		fresh=1
		mkdir -p "$MDB_DIR/data"
		TMPDIR=$MDB_DIR/tmp mariadb-install-db --no-defaults --user="$user" \
			--datadir="$MDB_DIR/data" --tmpdir="$MDB_DIR/tmp" \
			--auth-root-authentication-method=socket \
			--skip-test-db > "$MDB_DIR/install.log" 2>&1 || {
			echo "mariadb: install-db failed:" >&2
			tail -20 "$MDB_DIR/install.log" >&2
			return 1
		}
	fi
	"$mysqld" --no-defaults --user="$user" --datadir="$MDB_DIR/data" \
		--tmpdir="$MDB_DIR/tmp" \
		--socket="$MDB_SOCK" --skip-networking --pid-file="$MDB_DIR/mysqld.pid" \
		--log-error="$MDB_DIR/error.log" --innodb-buffer-pool-size=128M \
		--innodb-log-file-size=48M --innodb-flush-log-at-trx-commit=2 \
		--skip-log-bin --max-connections=200 &
	MDB_PID=$!
	for i in $(seq 1 300); do
		if mariadb-admin --no-defaults --socket="$MDB_SOCK" -uroot ping \
			>/dev/null 2>&1; then
			break
		fi
		if ! kill -0 "$MDB_PID" 2>/dev/null; then
			echo "mariadb: server exited:" >&2
			tail -20 "$MDB_DIR/error.log" >&2
			return 1
		fi
		sleep 0.1
	done
	if [ "$fresh" = 1 ]; then
		mariadb --no-defaults --socket="$MDB_SOCK" -uroot -e "
			CREATE DATABASE IF NOT EXISTS bootd;
			CREATE USER IF NOT EXISTS 'bootd'@'localhost' IDENTIFIED BY 'bootd';
			GRANT ALL ON bootd.* TO 'bootd'@'localhost';" || return 1
	fi
}

mariadb_sql() {
	mariadb --no-defaults --socket="$MDB_SOCK" -uroot --batch \
		--default-character-set=utf8mb4 \
		--skip-column-names bootd -e "$*"
}

mariadb_stop() {
	local i
	[ -n "$MDB_PID" ] || return 0
	kill "$MDB_PID" 2>/dev/null || true
	for i in $(seq 1 300); do
		kill -0 "$MDB_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$MDB_PID" 2>/dev/null || true
	wait "$MDB_PID" 2>/dev/null || true
	MDB_PID=""
}
