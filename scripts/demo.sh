#!/usr/bin/env bash
# The built-in demo: installs dependencies, builds, starts a private MariaDB
# under demo/run/ (its own datadir and socket, no TCP), migrates, loads the
# demo inventory (first run only) and runs `bootd serve` in the foreground on
# loopback with unprivileged ports. Ctrl-C stops bootd and the database.
# Run as root, bootd drops to the system user bootd (made here when it is
# missing, as the package does); run as another user, it stays that user.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
run=$top/demo/run
HTTP_PORT=${HTTP_PORT:-8080}
TFTP_PORT=${TFTP_PORT:-6969}

scripts/deps.sh
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" --target bootd >/dev/null
BOOTD=$top/build/bootd/bootd

. "$top/tests/lib/mariadb.sh"
mkdir -p "$run/tftp/pxelinux.cfg"
trap 'mariadb_stop' EXIT
trap 'exit 130' INT TERM
mariadb_start "$run"

# The user bootd runs as, and a state directory it may write (the cache
# and its journal). It must reach the MariaDB socket and the templates.
mkdir -p "$run/state"
BOOTD_USER=$(id -un)
if [ "$(id -u)" = 0 ]; then
	id -u bootd >/dev/null 2>&1 ||
		useradd --system --user-group --no-create-home \
			--home-dir /nonexistent --shell /usr/sbin/nologin bootd
	if setpriv --reuid bootd --regid "$(id -g bootd)" --clear-groups \
		test -x "$run" -a -r "$top/templates"; then
		BOOTD_USER=bootd
		chown bootd: "$run/state"
	else
		echo "demo: user bootd cannot reach $run (a parent directory" \
			"is not searchable); running bootd as root" >&2
	fi
fi

cat > "$run/bootd.conf" <<CFG
# Demo config written by scripts/demo.sh; see bootd.conf.example for all.
database = { socket = "$MDB_SOCK"; user = "bootd"; password = "bootd";
             name = "bootd"; };
paths = { tftp_root = "$run/tftp"; templates = "$top/templates";
          cache = "$run/state/inventory.cache"; };
process = { user = "$BOOTD_USER"; };
tftp = { listen = "127.0.0.1"; port = $TFTP_PORT; };
http = { listen = "127.0.0.1"; port = $HTTP_PORT;
         admin_networks = [ "127.0.0.0/8" ]; };
dhcp = { enabled = false;
         subnets = ( { network = "10.213.0.0/24"; router = "10.213.0.1";
                       dns = [ "10.213.0.1" ]; domain = "demo.test"; } ); };
log = { level = "info"; };
CFG

"$BOOTD" --config "$run/bootd.conf" db migrate
if [ "$(mariadb_sql 'SELECT COUNT(*) FROM hosts')" = 0 ]; then
	mariadb_sql "$(cat "$top/demo/inventory.sql")"
	echo "demo inventory loaded"
fi
"$BOOTD" --config "$run/bootd.conf" check || true

cat <<TXT

bootd demo: HTTP on 127.0.0.1:$HTTP_PORT, TFTP on 127.0.0.1:$TFTP_PORT.
In another shell, try:
  curl http://127.0.0.1:$HTTP_PORT/healthz
  curl tftp://127.0.0.1:$TFTP_PORT/pxelinux.cfg/01-52-54-00-00-01-01
  curl http://127.0.0.1:$HTTP_PORT/inventory
  curl http://127.0.0.1:$HTTP_PORT/inventory/node01
  mariadb --socket=$MDB_SOCK -uroot bootd \\
      -e "UPDATE hosts SET profile='diskless-6.6' WHERE hostname='node01'"
  curl http://127.0.0.1:$HTTP_PORT/inventory/node01   # new profile within 1 s
  curl tftp://127.0.0.1:$TFTP_PORT/pxelinux.cfg/01-52-54-00-00-01-01
  mariadb --socket=$MDB_SOCK -uroot bootd \\
      -e "UPDATE profiles SET bootfile_efi64='shimx64.efi' WHERE name='diskless-6.6'"
  curl http://127.0.0.1:$HTTP_PORT/inventory/node03   # its x64 UEFI boot file
  $BOOTD --config $run/bootd.conf hosts
Ctrl-C stops bootd and the demo database.

TXT
"$BOOTD" --config "$run/bootd.conf" serve
