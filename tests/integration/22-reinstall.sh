#!/usr/bin/env bash
# `bootd reinstall HOST...` sets the build flag without SQL: one
# transaction, every name checked first, so an unknown or repeated name
# (or one that tries to smuggle SQL) writes nothing; names match as the
# tables do (case-insensitively); the generation moves, so a running bootd
# picks the change up like any edit: the installer's menu for that host.
. "$(dirname "$0")/../lib/common.sh"
t_init reinstall
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
TPORT=$(free_port)
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; };|" "$T/bootd.conf"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mariadb_sql "UPDATE hosts SET build = 0 WHERE hostname = 'dom0-01'; UPDATE profiles SET selectable = 1"
build() { mariadb_sql "SELECT build FROM hosts WHERE hostname = '$1'"; }
gen() { mariadb_sql "SELECT gen FROM generation WHERE id = 1"; }

refused() {	# refused WHY NAME...: exit 1, WHY on stderr, nothing written
	local why=$1 rc=0 out g0
	shift
	g0=$(gen)
	out=$(B reinstall "$@" 2>&1) || rc=$?
	[ $rc = 1 ] && grep -qF "$why" <<<"$out" && grep -q 'nothing changed' <<<"$out" ||
		fail "reinstall $*: exit $rc: $out"
	[ "$(build node02)" = 0 ] && [ "$(build dom0-01)" = 0 ] && [ "$(gen)" = "$g0" ] ||
		fail "reinstall $*: something was written"
	ok "refused, nothing written: reinstall $* ($why)"
}
refused 'no host "nope"' node02 nope
refused 'host "NODE02" named twice' node02 NODE02
refused "no host \"x' OR '1'='1\"" "x' OR '1'='1"
rc=0; B reinstall > /dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "reinstall without a host: exit $rc"

bootd_start "$T/bootd.conf"
U=http://127.0.0.1:$HTTP_PORT
wait_until 10 sh -c "curl -fsS $U/healthz | grep -q 'source=db'" || fail "no inventory"
menu() { curl -fsS "tftp://127.0.0.1:$TPORT/pxelinux.cfg/01-52-54-00-00-02-01"; }
menu | grep -qx 'DEFAULT local' || fail "dom0-01 not on local disk before: $(menu)"
g0=$(gen)
out=$(B reinstall NODE02 dom0-01) || fail "reinstall: $out"
grep -qx 'build flag set for NODE02 dom0-01: they install at the next network boot' <<<"$out" ||
	fail "reinstall said: $out"
[ "$(build node02)" = 1 ] && [ "$(build dom0-01)" = 1 ] || fail "build flags not set"
[ "$(gen)" -gt "$g0" ] || fail "generation did not move"
wait_until 5 sh -c "curl -fsS tftp://127.0.0.1:$TPORT/pxelinux.cfg/01-52-54-00-00-02-01 | grep -qx 'DEFAULT install'" ||
	fail "the running bootd did not pick it up: $(menu)"
ok "reinstall NODE02 dom0-01: both flags set in one go; the running bootd serves dom0-01 the installer"
bootd_stop
t_done
