#!/usr/bin/env bash
# check = serve. `bootd check` renders every document of every enabled host
# with the server's own code: an empty paths.templates passes with the
# built-ins alone, and a broken xen.cfg, firstboot.sh or profile append
# line fails naming file:line, the host and the kind. An unreadable
# pxelinux.cfg/default gets the same refusal over TFTP and HTTP (never the
# menu in its place); /firstboot/<not a dom0> and /guests/<not a dom0>
# are 404s that record no boot event.
. "$(dirname "$0")/../lib/common.sh"
t_init doccheck
mariadb_start "$T" || fail "mariadb did not start"
mkdir -p "$T/templates" "$T/out"	# empty: only the built-ins
bootd_config "$T/bootd.conf"
TPORT=$(free_port)
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; };|" "$T/bootd.conf"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"

# --- check with an empty paths.templates --------------------------------
[ -z "$(ls -A "$T/templates")" ] || fail "templates not empty"
B check > "$T/c0.out" 2>&1 || { cat "$T/c0.out"; fail "check fails with built-ins only"; }
grep -q ' 0 template problems' "$T/c0.out" || { cat "$T/c0.out"; fail "template problems"; }
ok "empty paths.templates: check ok (dom0.ks, guest.ks, xen, libvirt, firstboot, ipxe, menus built in)"

# --- broken templates: file:line, host, kind ----------------------------
checkfails() {	# checkfails LABEL PATTERN: check fails and prints PATTERN
	local rc=0
	B check > "$T/c.out" 2>&1 || rc=$?
	[ $rc -ne 0 ] && grep -q 'check FAILED' "$T/c.out" ||
		{ cat "$T/c.out"; fail "$1: check passed"; }
	grep -q -- "$2" "$T/c.out" || { cat "$T/c.out"; fail "$1: not reported as $2"; }
	ok "$1: $(grep -m1 -- "$2" "$T/c.out")"
}
cp "$BOOTD_SRC/templates/xen.cfg" "$T/templates/xen.cfg"
n=$(($(wc -l < "$T/templates/xen.cfg") + 1))
echo 'bad = "{{no_such_var}}"' >> "$T/templates/xen.cfg"
checkfails "broken xen.cfg" "^$T/templates/xen.cfg:$n: unknown variable \"no_such_var\" (host \"vm0[123]\", xen)"
rm "$T/templates/xen.cfg"
printf '#!/bin/sh\necho {{hostname}}\n{{#guests}}\n' > "$T/templates/firstboot.sh"
checkfails "broken firstboot.sh" "^$T/templates/firstboot.sh:3: .* (host \"dom0-01\", firstboot)"
rm "$T/templates/firstboot.sh"
mariadb_sql "UPDATE profiles SET append='ro {{no_such_var}}' WHERE name='diskless-6.6'" || fail "append"
checkfails "broken append line" "^profile \"diskless-6.6\" append:1: unknown variable \"no_such_var\" (host \"node03\", pxelinux)"
mariadb_sql "UPDATE profiles SET append='ro quiet' WHERE name='diskless-6.6'" || fail "append"
B check > "$T/c1.out" 2>&1 || { cat "$T/c1.out"; fail "check not clean again"; }
ok "fixed: check ok again"

# --- an unreadable pxelinux.cfg/default: one answer over TFTP and HTTP ---
mkdir -p "$T/tftp/pxelinux.cfg"
echo "DEFAULT admin-menu" > "$T/tftp/pxelinux.cfg/default"
chmod 600 "$T/tftp/pxelinux.cfg/default"	# not world-readable: refused
bootd_start "$T/bootd.conf"
U=http://127.0.0.1:$HTTP_PORT
wait_until 10 sh -c "curl -fsS $U/healthz | grep -q 'source=db'" || fail "no inventory"
code=$(curl -sS -o "$T/out/h" -w '%{http_code}' "$U/files/pxelinux.cfg/default")
[ "$code" = 403 ] || fail "HTTP unreadable default: $code $(head -c 200 "$T/out/h")"
rm -f "$T/out/t"
msg=$(cd "$T/out" && timeout 20 tftp 127.0.0.1 "$TPORT" -m binary -c get pxelinux.cfg/default t 2>&1) || true
grep -q "Error code 2: permission denied" <<<"$msg" ||
	fail "TFTP unreadable default: ${msg:-no error}; got $(head -c 100 "$T/out/t" 2>/dev/null)"
ok "unreadable pxelinux.cfg/default: HTTP 403 and TFTP access violation, both \"permission denied\""
chmod 644 "$T/tftp/pxelinux.cfg/default"
(cd "$T/out" && timeout 20 tftp 127.0.0.1 "$TPORT" -m binary -c get pxelinux.cfg/default t) ||
	fail "readable default over TFTP"
curl -fsS "$U/files/pxelinux.cfg/default" > "$T/out/h" || fail "readable default over HTTP"
cmp -s "$T/out/t" "$T/tftp/pxelinux.cfg/default" && cmp -s "$T/out/h" "$T/out/t" ||
	fail "readable default: not the admin's file"
rm "$T/tftp/pxelinux.cfg/default"
(cd "$T/out" && timeout 20 tftp 127.0.0.1 "$TPORT" -m binary -c get pxelinux.cfg/default t) ||
	fail "default menu over TFTP"
curl -fsS "$U/files/pxelinux.cfg/default" > "$T/out/h" || fail "default menu over HTTP"
grep -q '^# bootd: unknown host' "$T/out/t" && cmp -s "$T/out/h" "$T/out/t" ||
	fail "default menu differs between TFTP and HTTP"
ok "readable file: served as is by both; none: the same default menu from both"

# --- a menu that does not render: refused, one log line with the reason ---
mariadb_sql "UPDATE profiles SET append='ro {{no_such_var}}' WHERE name='diskless-6.6'" || fail "append"
mac=$(mariadb_sql "SELECT REPLACE(mac, ':', '-') FROM hosts WHERE hostname='node03'")
wait_until 5 sh -c "curl -s -o /dev/null -w '%{http_code}' $U/files/pxelinux.cfg/01-$mac | grep -q 500" ||
	fail "HTTP: broken menu not a 500"
sleep 1.1	# one line a second per reason, both protocols alike
msg=$(cd "$T/out" && timeout 20 tftp 127.0.0.1 "$TPORT" -m binary -c get "pxelinux.cfg/01-$mac" t 2>&1) || true
grep -q "menu does not render" <<<"$msg" || fail "TFTP broken menu: ${msg:-no error}"
sleep 0.2
for proto in http tftp; do
	n=$(grep -c "$proto: 127\.0\.0\.1[:][^ ]* .*01-$mac" "$T/bootd.log" || true)
	l=$(grep "$proto: 127\.0\.0\.1[:][^ ]* .*01-$mac" "$T/bootd.log" | tail -1)
	[ "$n" = 1 ] && grep -q 'unknown variable "no_such_var"' <<<"$l" ||
		fail "$proto: broken menu logged $n times: $(grep -- "01-$mac\|no_such_var" "$T/bootd.log")"
done
mariadb_sql "UPDATE profiles SET append='ro quiet' WHERE name='diskless-6.6'" || fail "append"
ok "broken menu: HTTP 500 and TFTP error, each one log line naming the template error"

# --- documents that do not apply: 404, no boot event ---------------------
events() {	# events HOST STAGE
	mariadb_sql "SELECT COUNT(*) FROM boot_events WHERE hostname='$1' AND stage='$2'"
}
for p in /firstboot/vm01 /firstboot/node01 /guests/node01 /guests/vm02; do
	code=$(curl -sS -o /dev/null -w '%{http_code}' "$U$p")
	[ "$code" = 404 ] || fail "GET $p: $code, want 404"
done
code=$(curl -sS -o /dev/null -w '%{http_code}' "$U/firstboot/dom0-01")
[ "$code" = 200 ] || fail "GET /firstboot/dom0-01: $code"
# Events go in order: once dom0-01's row is there, a guest's would be too.
dom0_row() { [ "$(events dom0-01 firstboot-served)" = 1 ]; }
wait_until 5 dom0_row ||
	fail "dom0-01's firstboot-served row"
[ "$(events vm01 firstboot-served)" = 0 ] || fail "a firstboot-served row for guest vm01"
[ "$(events node01 firstboot-served)" = 0 ] || fail "a firstboot-served row for node01"
grep -q "/firstboot/vm01: .*not a dom0" "$T/bootd.log" || fail "404 reason not logged"
ok "/firstboot and /guests of a guest or a diskless node: 404 with the reason, no boot event"

bootd_stop
t_done
