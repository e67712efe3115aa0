#!/usr/bin/env bash
# The Debian package from a clean clone of HEAD: dpkg-buildpackage -b, no
# lintian error (each warning documented in debian/README.source), then
# installed into a clean Debian 12 root (debootstrap --variant=minbase,
# cached) where the user, state directory, conffile, mode override and
# enabled unit are checked, `bootd check` passes as user bootd with the
# least-privilege database account of dist/grants.sql, and `bootd serve`
# runs as the unit says (user bootd, CAP_NET_BIND_SERVICE only) on ports
# 67, 69 and 80 of a private network namespace, from the installed files
# only. A second cached root runs scripts/deps.sh and must then hold every
# program the test suite calls.
#
# Cache: $BOOTD_TEST_CACHE (default /var/cache/bootd-test): the base root,
# a dependency root per version of deps.sh, the .deb of each commit. The
# first run takes about 6 minutes (debootstrap, the suite's dependencies),
# later runs about 1. Skips (77) when not root or when the Debian archive
# of this machine's apt sources cannot be reached.
# The steps in namespaces re-run this script with --ns STEP: common.sh
# must not clear what the outer run exported.
NS_T=${T:-} NS_MDB=${MDB_DIR:-}
. "$(dirname "$0")/../lib/common.sh"

CACHE=${BOOTD_TEST_CACHE:-/var/cache/bootd-test}
BASE=$CACHE/bookworm-base	# debootstrap's root, never changed after
DEPS=${DEPS:-}		# a copy of it plus scripts/deps.sh: one per deps.sh
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Inside a private mount namespace (and with --net, a network namespace):
# every mount made here goes when the namespace does.
#   ns_root DIR UPPER: DIR = the overlay of $BASE and UPPER, with /proc
#   and /dev; the test's MariaDB directory at DIR/run/mysqld when set.
ns_root() {
	local r=$1 up=$2
	mkdir -p "$up/u" "$up/w" "$r"
	mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$up/u,workdir=$up/w" \
		"$r" || return 1
	ns_mounts "$r"
}
ns_mounts() {
	local r=$1
	mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" || return 1
	if [ -n "${MDB_DIR:-}" ]; then
		mkdir -p "$r/run/mysqld"
		mount --bind "$MDB_DIR" "$r/run/mysqld" || return 1
	fi
	cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
}
in_root() {	# in_root DIR CMD...: CMD in the root, a clean environment
	local r=$1
	shift
	chroot "$r" /usr/bin/env -i PATH=$CHROOT_PATH LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# Steps run in the namespaces; each ends the process with its status.
ns_step() {
	local step=$1 r=$T/root
	case $step in
	install)	# apt installs the .deb and what it depends on
		ns_root "$r" "$T/upper" || fail "overlay"
		mkdir -p "$r/tmp/pkg" && cp "$DEB" "$r/tmp/pkg/" || fail "copy"
		in_root "$r" apt-get update -qq > "$T/apt.log" 2>&1 ||
			fail "apt-get update: $(tail -5 "$T/apt.log")"
		in_root "$r" apt-get install -y -q --no-install-recommends \
			"/tmp/pkg/${DEB##*/}" >> "$T/apt.log" 2>&1 ||
			fail "apt-get install: $(tail -20 "$T/apt.log")"
		;;
	look)	# what the package left, for the outer run to check
		ns_root "$r" "$T/upper" || fail "overlay"
		cat > "$r/tmp/look.sh" <<'LOOK'
dpkg-query -W -f='${Status} ${Version}\n' bootd
/usr/sbin/bootd --version
id bootd
stat -c '%U:%G %a %n' /var/lib/bootd /etc/bootd/bootd.conf
readlink /etc/systemd/system/multi-user.target.wants/bootd.service
dpkg-query -W -f='${Conffiles}\n' bootd
ls /usr/share/man/man8/bootd.8.gz /usr/share/man/man5/bootd.conf.5.gz \
	/usr/share/doc/bootd/examples/grants.sql /etc/bootd/templates/install.ks
cat /usr/share/doc/bootd/examples/grants.sql
LOOK
		in_root "$r" sh /tmp/look.sh > "$T/installed.out" 2>&1 ||
			fail "look: $(cat "$T/installed.out")"
		rm -f "$r/tmp/look.sh"
		;;
	migrate)	# the schema, by the package's binary as the DB's root
		ns_root "$r" "$T/upper" || fail "overlay"
		echo 'database = { socket = "/run/mysqld/mysqld.sock"; user = "root"; };' \
			> "$r/tmp/migrate.conf"
		in_root "$r" /usr/sbin/bootd --config /tmp/migrate.conf db migrate \
			> "$T/migrate.out" 2>&1 || fail "db migrate: $(cat "$T/migrate.out")"
		rm -f "$r/tmp/migrate.conf"
		;;
	serve)	# no network: loopback only, ports 67, 69, 80 are ours
		ip link set lo up || fail "lo"
		ns_root "$r" "$T/upper" || fail "overlay"
		ns_serve "$r"
		;;
	deps)	# scripts/deps.sh in the second root, then the programs
		MDB_DIR=""
		ns_mounts "$DEPS" || fail "mounts"
		cp "$SRC/scripts/deps.sh" "$DEPS/tmp/deps.sh" || fail "copy"
		in_root "$DEPS" bash /tmp/deps.sh > "$T/deps.log" 2>&1 ||
			fail "deps.sh in a clean root: $(tail -20 "$T/deps.log")"
		# shellcheck disable=SC2016,SC2046
		in_root "$DEPS" bash -c 'for c; do command -v "$c" > /dev/null ||
			echo "$c"; done' sh $(cat "$T/commands") > "$T/missing" ||
			fail "command check"
		;;
	esac
	exit 0
}

# ns [--net] STEP: this script's STEP in new namespaces. The PID
# namespace ends every process the step started when the step ends, even
# after a failure; the cache lock (fd 9) stays outside.
ns() {
	local net=""
	[ "$1" != --net ] || { net=--net; shift; }
	unshare --mount --propagation private --pid --mount-proc --fork $net \
		-- bash "$0" --ns "$1" 9>&-
}

# bootd as the package installs it and the unit runs it.
ns_serve() {
	local r=$1 unit=$1/lib/systemd/system/bootd.service exec user caps pid i
	local conf=$r/etc/bootd/bootd.conf
	exec=$(sed -n 's/^ExecStart=//p' "$unit")
	user=$(sed -n 's/^User=//p' "$unit")
	# AmbientCapabilities=CAP_A CAP_B -> +a,+b (setpriv's spelling)
	caps=$(sed -n 's/^AmbientCapabilities=//p' "$unit" | tr 'A-Z ' 'a-z\n' |
		sed -n 's/^cap_\(.*\)/+\1/p' | paste -sd, -)
	[ -n "$exec" ] && [ "$user" = bootd ] && [ "$caps" = +net_bind_service ] ||
		fail "unit: ExecStart=$exec User=$user caps=$caps"
	grep -qx 'NoNewPrivileges=yes' "$unit" || fail "NoNewPrivileges"

	# What an admin does: the socket, a password file, the public URL, DHCP
	# on with its subnet, an admin network, and (for this test) retention
	# every second down to 5 rows.
	install -m 0640 -g "$(in_root "$r" id -g bootd)" /dev/null \
		"$r/etc/bootd/db-password" && echo "$DBPW" > "$r/etc/bootd/db-password" ||
		fail "password file"
	local subnet='network = "10.213.0.0/24"; router = "10.213.0.1";
		dns = [ "10.213.0.1" ]; domain = "demo.test";'
	subnet=$(echo $subnet)
	sed -i -e 's|^    socket = "";|    socket = "/run/mysqld/mysqld.sock";|' \
		-e 's|^    password_file = "";|    password_file = "/etc/bootd/db-password";|' \
		-e 's|^    admin_networks = \[ \];|    admin_networks = [ "127.0.0.0/8" ];|' \
		-e 's|^    events_rows = 1000000;|    events_rows = 5;|' \
		-e 's|^    interval = 300.0;|    interval = 1.0;|' \
		-e '/^dhcp = {/,/^};/s|^    enabled = false;|    enabled = true;|' \
		-e 's|^    public_url = "";|    public_url = "http://127.0.0.1";|' \
		-e "s|^    subnets = ( );|    subnets = ( { $subnet } );|" \
		"$conf" || fail "edit bootd.conf"
	[ "$(grep -c -e mysqld.sock -e db-password -e 127.0.0.0/8 -e 'events_rows = 5;' \
		-e '^    interval = 1.0;' -e 10.213.0.0/24 -e 'http://127.0.0.1' \
		"$conf")" -eq 7 ] ||
		fail "bootd.conf: an edit did not apply"
	mkdir -p "$r/srv/tftp" && echo "hello from tftp" > "$r/srv/tftp/hello.txt"

	as_bootd() {
		in_root "$r" setpriv --reuid="$user" --regid="$user" --init-groups \
			--inh-caps="$caps" --ambient-caps="$caps" \
			--bounding-set=-all,"$caps" --no-new-privs -- "$@"
	}
	as_bootd /usr/sbin/bootd check > "$T/check.out" 2>&1 ||
		fail "bootd check as bootd: $(cat "$T/check.out")"
	grep -q '7 hosts, 4 profiles, 0 rejected rows, 0 template' "$T/check.out" ||
		fail "check: $(cat "$T/check.out")"
	ok "bootd check as user bootd, least-privilege account: $(tail -1 "$T/check.out")"

	# $exec is the unit's command line, word-split as systemd would here.
	# shellcheck disable=SC2086
	(umask 0077; exec chroot "$r" /usr/bin/env -i PATH=$CHROOT_PATH \
		setpriv --reuid="$user" --regid="$user" --init-groups \
		--inh-caps="$caps" --ambient-caps="$caps" \
		--bounding-set=-all,"$caps" --no-new-privs -- $exec) \
		> "$T/serve.log" 2>&1 &
	pid=$!
	wait_until 15 curl -fsS --max-time 2 http://127.0.0.1/healthz ||
		fail "bootd serve: no /healthz: $(tail -20 "$T/serve.log")"
	ok "bootd serve from the unit's ExecStart: $(curl -sS http://127.0.0.1/healthz)"
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = \
		"$(in_root "$r" id -u bootd)" ] || fail "bootd does not run as bootd"
	# The namespace is private: whoever listens there is this bootd.
	for l in "-u 67" "-u 69" "-t 80"; do
		# shellcheck disable=SC2086
		ss -Hln ${l% *} "( sport = :${l#* } )" | grep -q . ||
			fail "nothing listens on ${l#* } (${l% *}): $(cat "$T/serve.log")"
	done
	ok "runs as user bootd, bound UDP 67, UDP 69, TCP 80"

	(cd "$T" && tftp 127.0.0.1 -m binary -c get hello.txt) &&
		grep -q 'hello from tftp' "$T/hello.txt" || fail "TFTP get"
	curl -fsS --max-time 5 -d 'stage=install-done' \
		http://127.0.0.1/status/node01 > /dev/null || fail "status POST"
	wait_until 10 sh -c "[ \"\$(mariadb --no-defaults --socket=$MDB_DIR/mysqld.sock \
		-uroot -N bootd -e \"SELECT build FROM hosts WHERE hostname='node01'\")\" = 0 ]" ||
		fail "install-done did not clear the build flag: $(tail "$T/serve.log")"
	wait_until 15 sh -c "[ \"\$(mariadb --no-defaults --socket=$MDB_DIR/mysqld.sock \
		-uroot -N bootd -e 'SELECT COUNT(*) FROM boot_events')\" -le 5 ]" ||
		fail "retention did not prune boot_events: $(tail "$T/serve.log")"
	[ "$(stat -c '%u %a' "$r/var/lib/bootd/inventory.cache")" = \
		"$(in_root "$r" id -u bootd) 600" ] ||
		fail "cache: $(stat -c '%u %a' "$r/var/lib/bootd/inventory.cache")"
	! grep -qi 'denied' "$T/serve.log" ||
		fail "a grant is missing: $(grep -i denied "$T/serve.log")"
	ok "TFTP get, install-done (UPDATE build), retention (SELECT, DELETE), cache 0600 bootd"

	kill -TERM "$pid"
	i=0; wait "$pid" || i=$?
	[ "$i" -eq 0 ] || fail "bootd exited with $i after SIGTERM"
	ok "SIGTERM: exit 0"
}

if [ "${1:-}" = --ns ]; then
	T=$NS_T MDB_DIR=$NS_MDB
	ns_step "$2"
fi

# Outside: prerequisites, the .deb, lintian, the roots.
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the package test needs root"; exit 77; }
for c in git dpkg-buildpackage lintian debootstrap unshare setpriv flock curl; do
	command -v "$c" > /dev/null || fail "$c is missing: run scripts/deps.sh"
done
git -C "$BOOTD_SRC" rev-parse --verify -q HEAD > /dev/null ||
	{ echo "SKIP: $BOOTD_SRC is not a git checkout"; exit 77; }
t_init package
T0=$(date +%s)
TP=$T0
phase() {	# the time of each phase, and of the whole test
	local now
	now=$(date +%s)
	echo "time: $1: $((now - TP)) s (total $((now - T0)) s)"
	TP=$now
}

# This machine's archive for bookworm, from its own apt sources.
MIRROR=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' \
	'Created-By: Packages' 2>/dev/null | awk '$1 == "bookworm" { print $2; exit }')
[ -n "$MIRROR" ] || { echo "SKIP: no bookworm archive in the apt sources"; exit 77; }
curl -fsS --max-time 20 -o /dev/null "${MIRROR%/}/dists/bookworm/Release" || {
	echo "SKIP: the Debian archive $MIRROR cannot be reached (no network?)"
	exit 77
}

mkdir -p "$CACHE"
exec 9> "$CACHE/lock"
flock -w 3600 9 || fail "$CACHE/lock is held"
phase "archive check, $CACHE/lock"

HEAD=$(git -C "$BOOTD_SRC" rev-parse HEAD)
[ -z "$(git -C "$BOOTD_SRC" status --porcelain --untracked-files=no)" ] ||
	echo "note: uncommitted changes are not in the package (it is built from HEAD)"
SRC=$T/src
git clone -q --no-hardlinks "$BOOTD_SRC" "$SRC" || fail "git clone"
[ ! -e "$SRC/build" ] || fail "the clone has a build tree"
DEBDIR=$CACHE/deb/$HEAD
if [ -f "$DEBDIR/ok" ]; then
	echo "note: the .deb of $HEAD was built by an earlier run: $DEBDIR"
else
	(cd "$SRC" && dpkg-buildpackage -b -us -uc) > "$T/build.log" 2>&1 ||
		{ tail -40 "$T/build.log"; fail "dpkg-buildpackage"; }
	rm -rf "$DEBDIR" && mkdir -p "$DEBDIR" &&
		cp "$T"/bootd_*.deb "$T/build.log" "$DEBDIR/" && touch "$DEBDIR/ok" ||
		fail "cache the .deb"
	# Keep the five newest.
	ls -1dt "$CACHE"/deb/*/ | tail -n +6 | xargs -r rm -rf
fi
DEB=$(ls "$DEBDIR"/bootd_*.deb)
[ -f "$DEB" ] || fail "no .deb"
[ -n "$(git -C "$SRC" status --porcelain)" ] && fail "the build left files in the tree"
dpkg-deb -I "$DEB" | grep -q '^ Depends:.*libmariadb3.*\|^ Depends:.*libevent' ||
	fail "Depends not computed from the libraries: $(dpkg-deb -I "$DEB" | grep Depends)"
ok "dpkg-buildpackage -b from a clean clone of $HEAD: ${DEB##*/}"
phase "build"

lintian --pedantic -I "$DEB" 2>&1 | grep -v 'running with root privileges' \
	> "$T/lintian.out" || true
cat "$T/lintian.out"
! grep -q '^E:' "$T/lintian.out" || fail "lintian reports errors"
for tag in $(sed -n 's/^[WIP]: bootd[^:]*: \([a-z0-9-]*\).*/\1/p' "$T/lintian.out" | sort -u); do
	grep -q -- "$tag" "$SRC/debian/README.source" ||
		fail "lintian tag $tag is not explained in debian/README.source"
done
ok "lintian: no errors; $(grep -c '^W:' "$T/lintian.out") warnings, each explained"
phase "lintian"

if [ ! -d "$BASE" ]; then
	rm -rf "$BASE.new"
	debootstrap --variant=minbase bookworm "$BASE.new" "$MIRROR" \
		> "$T/debootstrap.log" 2>&1 ||
		{ tail -20 "$T/debootstrap.log"; rm -rf "$BASE.new"; fail "debootstrap"; }
	# The same archives as this machine (updates, security).
	rm -f "$BASE.new/etc/apt/sources.list"
	cp /etc/apt/sources.list "$BASE.new/etc/apt/" 2>/dev/null || true
	cp /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
		"$BASE.new/etc/apt/sources.list.d/" 2>/dev/null || true
	rm -rf "$BASE.new/var/cache/apt/archives/"*.deb
	mv "$BASE.new" "$BASE"
	phase "debootstrap (cached in $BASE)"
fi

# The test's MariaDB; the schema and the demo inventory by the package's
# own binary as the database root, then the account of dist/grants.sql.
mkdir -p "$T/mdb" && mariadb_start "$T/mdb" || fail "mariadb"
export MDB_DIR T DEB SRC BOOTD_SRC BOOTD_TEST_CACHE=$CACHE
export DBPW="pw-$$-$RANDOM"
ns install || fail "install into a clean bookworm root"
phase "install"
ns look || fail "look at the installed root"
v=$(dpkg-deb -f "$DEB" Version)
for want in "install ok installed $v" "^bootd $v\$" 'uid=[0-9]*(bootd) gid=[0-9]*(bootd)' \
	'bootd:bootd 750 /var/lib/bootd' 'root:bootd 640 /etc/bootd/bootd.conf' \
	'^/lib/systemd/system/bootd.service$' ' /etc/bootd/bootd.conf [0-9a-f]' \
	' /etc/bootd/templates/install.ks [0-9a-f]' '/usr/share/man/man8/bootd.8.gz'; do
	grep -q -- "$want" "$T/installed.out" ||
		fail "installed root lacks \"$want\": $(cat "$T/installed.out")"
done
ok "installed: bootd --version $v, user and group bootd, /var/lib/bootd bootd 0750, bootd.conf root:bootd 0640 conffile, unit enabled (not started), man pages"

sed -n '/^CREATE USER/,$p' "$T/installed.out" | sed "s/change-me/$DBPW/" > "$T/grants.sql"
[ "$(grep -c '^GRANT' "$T/grants.sql")" -ge 8 ] || fail "grants.sql: $(cat "$T/grants.sql")"
ns migrate || fail "db migrate"
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mariadb_sql "INSERT INTO boot_events (ts, mac, hostname, stage, detail)
	SELECT NOW(), '52:54:00:00:01:01', 'node01', 'test', seq
	FROM (SELECT 1 seq UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION
	SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9
	UNION SELECT 10) s; UPDATE hosts SET build = 1 WHERE hostname = 'node01'" ||
	fail "events"
mariadb_sql "DROP USER 'bootd'@'localhost'; $(cat "$T/grants.sql")" ||
	fail "grants.sql does not apply"
ok "schema by the package's bootd db migrate; account from grants.sql ($(grep -c '^GRANT' "$T/grants.sql") GRANTs)"

ns --net serve || fail "bootd from the package"
phase "serve"

# The suite's programs, from the clean clone: its tests and scripts.
python3 "$SRC/tests/lib/commands.py" "$SRC"/tests/integration/*.sh \
	"$SRC"/tests/e2e/[0-9]*.sh "$SRC"/tests/e2e/lib.sh "$SRC"/tests/lib/*.sh \
	"$SRC"/scripts/test.sh > "$T/words" || fail "commands.py"
# Called indirectly: virt-xml-validate runs xmllint; mariadb.sh finds
# mariadbd by name; scripts/test.sh builds with CC=clang.
printf '%s\n' xmllint mariadbd clang >> "$T/words"
while read -r w; do
	type -P "$w" > /dev/null && echo "$w"
done < <(sort -u "$T/words") > "$T/commands"
[ "$(wc -l < "$T/commands")" -ge 40 ] || fail "few commands found: $(cat "$T/commands")"
# A root per version of deps.sh, so a package dropped from it is gone
# from the root too; the two newest are kept.
DEPS=$CACHE/bookworm-deps-$(sha256sum < "$SRC/scripts/deps.sh" | cut -c1-16)
if [ ! -d "$DEPS" ]; then
	rm -rf "$DEPS.new"
	cp -a "$BASE" "$DEPS.new" && mv "$DEPS.new" "$DEPS" || fail "copy the root"
	echo "note: new root $DEPS for this deps.sh"
fi
touch "$DEPS"
ls -1dt "$CACHE"/bookworm-deps-*/ | tail -n +3 | xargs -r rm -rf
export DEPS
ns deps || fail "deps root"
[ ! -s "$T/missing" ] ||
	fail "scripts/deps.sh does not install: $(tr '\n' ' ' < "$T/missing")"
ok "scripts/deps.sh in a clean bookworm root: all $(wc -l < "$T/commands") programs the suite calls are there"
phase "deps"
t_done
