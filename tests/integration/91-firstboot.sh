#!/usr/bin/env bash
# The dom0 first-boot script, rendered by the real server and run the way
# its systemd unit runs it (curl ... | sh) in a temporary state directory,
# with stub xl and virsh (tests/lib/http_stubs.sh) that record every call
# in order: the three guest installs of dom0-01 run at the same time, each
# running config starts after its install domain is gone, a second run
# starts nothing, a failed guest is the only one a re-run installs, the
# status POSTs land in boot_events, and busybox sh + wget (no curl) run it
# as well. The status reports of the first-boot script and of the shipped
# kickstarts (%pre, %post) are tried again with growing sleeps when the
# server answers 5xx (tests/lib/status_stub.py), not after a 4xx, and a
# report that never gets through fails nothing. The dom0 is moved to 127.0.0.21 so the script talks as the dom0
# itself, not as an admin.
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/http_helpers.sh"
. "$BOOTD_SRC/tests/lib/http_stubs.sh"
t_init firstboot
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
http_admin_only "$T/bootd.conf"
http_lo_subnet "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mariadb_sql "UPDATE hosts SET ip='127.0.0.21' WHERE hostname='dom0-01'" || fail "dom0 ip"
mkdir -p "$T/tftp/installer"
head -c 4000 /dev/urandom > "$T/tftp/installer/vmlinuz"
head -c 9000 /dev/urandom > "$T/tftp/installer/initrd.img"
bootd_start "$T/bootd.conf"
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/inventory/dom0-01 | grep -qx 'ip=127.0.0.21'" ||
	fail "inventory not loaded"
U=http://127.0.0.1:$HTTP_PORT
expect 403 $HTTP_STRANGER /firstboot/dom0-01
expect 200 127.0.0.21 /firstboot/dom0-01

http_stubs "$T/bin" 127.0.0.21
mkdir -p "$T/bin-virsh"
cp "$T/bin/curl" "$T/bin/virsh" "$T/bin/stub-common" "$T/bin-virsh/"
sed -i "s|$T/bin/stub-common|$T/bin-virsh/stub-common|" "$T/bin-virsh/virsh"
export STUB_LOG STUB_DOMS STUB_INSTALL_SECS=1
SYSPATH=/usr/local/bin:/usr/bin:/bin

# fb BINDIR STATE DOMS LOG [VAR=VALUE...]: the unit's command, as the dom0
# ($FETCH and $SYSPATH: with curl and the system's tools).
FETCH="curl -fsS"
fb() {
	local bin=$1 state=$2
	STUB_DOMS=$3
	STUB_LOG=$4
	shift 4
	mkdir -p "$STUB_DOMS"
	touch "$STUB_LOG"
	env PATH="$bin:$SYSPATH" BOOTD_FIRSTBOOT_DIR="$state" BOOTD_POLL=0.1 "$@" \
		sh -c "$FETCH $U/firstboot/dom0-01 | sh" >> "$T/fb.out" 2>&1
}

events() {	# events HOST STAGE: how many boot_events rows
	mariadb_sql "SELECT COUNT(*) FROM boot_events WHERE hostname='$1' AND stage='$2'"
}
events_are() { [ "$(events "$1" "$2")" = "$3" ]; }

# --- xl: all three at once --------------------------------------------
S=$T/state1
fb "$T/bin" "$S" "$T/doms1" "$T/calls1.log" || { cat "$T/fb.out"; fail "first run failed"; }
stubs_concurrent "$T/calls1.log" vm01 vm02 vm03
ok "xl: three installs overlapped ($CONC), each running config after its install"
[ "$(grep -c ' xl create ' "$T/calls1.log")" = 6 ] || fail "xl create count"
for g in vm01 vm02 vm03; do
	[ -e "$S/done/$g" ] || fail "no marker for $g"
	grep -q "^name = \"$g\"" "$S/cfg/$g.cfg" || fail "$g.cfg not fetched"
	grep -q "^kernel = \"$S/boot/guest/vmlinuz\"" "$S/cfg/$g-install.cfg" ||
		fail "$g-install.cfg: kernel path not under the state directory"
	grep -q "^extra = \"inst.ks=$U/ks/$g " "$S/cfg/$g-install.cfg" || fail "$g: ks URL"
done
[ -e "$S/firstboot-done" ] || fail "no firstboot-done marker"
cmp -s "$S/boot/guest/vmlinuz" "$T/tftp/installer/vmlinuz" || fail "kernel differs"
cmp -s "$S/boot/guest/initrd" "$T/tftp/installer/initrd.img" || fail "initrd differs"
ok "configs, installer kernel and initrd fetched; markers written"
for g in vm01 vm02 vm03; do
	wait_until 5 events_are $g guest-installed 1 || fail "$g: guest-installed not in boot_events"
	[ "$(events $g guest-install-start)" = 1 ] || fail "$g: guest-install-start"
done
wait_until 5 events_are dom0-01 firstboot-done 1 || fail "firstboot-done not in boot_events"
d=$(mariadb_sql "SELECT detail FROM boot_events WHERE hostname='vm02' AND stage='guest-installed'")
[ "$d" = "on dom0-01 via xl" ] || fail "detail: $d"
ok "boot_events: guest-install-start and guest-installed for vm01..03, firstboot-done"

# --- a second run starts nothing ----------------------------------------
n=$(wc -l < "$T/calls1.log")
fb "$T/bin" "$S" "$T/doms1" "$T/calls1.log" || { cat "$T/fb.out"; fail "second run failed"; }
if grep -q -e ' xl create ' -e created <(tail -n +$((n + 1)) "$T/calls1.log"); then
	fail "second run created domains: $(tail -n +$((n + 1)) "$T/calls1.log")"
fi
[ "$(grep -c 'installed already' "$T/fb.out")" = 3 ] || fail "skips not logged"
wait_until 5 events_are dom0-01 firstboot-done 2 || fail "second firstboot-done"
[ "$(events vm01 guest-install-start)" = 1 ] || fail "second run reported installs"
ok "second run: nothing started, firstboot-done reported again"

# --- a failed guest is the only one a re-run installs -------------------
S=$T/state2
rc=0
fb "$T/bin" "$S" "$T/doms2" "$T/calls2.log" STUB_FAIL=vm02 || rc=$?
[ $rc -ne 0 ] || fail "run with a failing guest exited 0"
[ -e "$S/done/vm01" ] && [ -e "$S/done/vm03" ] || fail "good guests not marked"
[ -e "$S/done/vm02" ] && fail "failed guest marked"
[ -e "$S/firstboot-done" ] && fail "firstboot-done after a failure"
wait_until 5 events_are vm02 guest-failed 1 || fail "guest-failed not reported"
wait_until 5 events_are dom0-01 firstboot-failed 1 || fail "firstboot-failed not reported"
fb "$T/bin" "$S" "$T/doms2" "$T/calls2b.log" || { cat "$T/fb.out"; fail "re-run failed"; }
[ "$(grep -c created "$T/calls2b.log")" = 2 ] &&
	grep -q 'created vm02 install' "$T/calls2b.log" &&
	grep -q 'created vm02 running' "$T/calls2b.log" ||
	{ cat "$T/calls2b.log"; fail "re-run did not install exactly vm02"; }
[ -e "$S/firstboot-done" ] || fail "no firstboot-done after the re-run"
ok "a failed install is reported; the re-run installs only that guest"

# --- virsh, chosen when xl is not installed -----------------------------
S=$T/state3
fb "$T/bin-virsh" "$S" "$T/doms3" "$T/calls3.log" || { cat "$T/fb.out"; fail "virsh run failed"; }
stubs_concurrent "$T/calls3.log" vm01 vm02 vm03
for g in vm01 vm02 vm03; do
	grep -q " defined $g$" "$T/calls3.log" || fail "$g not defined"
	grep -q "<kernel>$S/boot/guest/vmlinuz</kernel>" "$S/cfg/$g-install.xml" ||
		fail "$g-install.xml kernel path"
done
grep -q ' xl ' "$T/calls3.log" && fail "xl called"
ok "virsh: three installs overlapped ($CONC), then define + start"

# --- the base URL comes from BOOTD_URL ----------------------------------
rc=0
fb "$T/bin" "$T/state4" "$T/doms4" "$T/calls4.log" BOOTD_URL=http://127.0.0.1:1 \
	BOOTD_REPORT_TRIES=1 || rc=$?
[ $rc -ne 0 ] && grep -q 'cannot fetch the guest list from http://127.0.0.1:1' "$T/fb.out" ||
	fail "BOOTD_URL not used"
ok "BOOTD_URL overrides the server"

# --- busybox: its sh, wget and od, no curl (as in the e2e dom0 VM) ------
# As an admin: busybox wget cannot bind to the dom0's address.
mkdir -p "$T/bb"
/bin/busybox --install -s "$T/bb" || fail "busybox --install"
http_stubs "$T/bin-bb" ""
n=$(events vm01 guest-installed)
S=$T/state5
SYSPATH=$T/bb FETCH="wget -q -O -" fb "$T/bin-bb" "$S" "$T/doms5" "$T/calls5.log" ||
	{ cat "$T/fb.out"; fail "busybox run failed"; }
stubs_concurrent "$T/calls5.log" vm01 vm02 vm03
[ -e "$S/firstboot-done" ] || fail "busybox run: no firstboot-done marker"
for g in vm01 vm02 vm03; do
	wait_until 5 events_are $g guest-installed $((n + 1)) ||
		fail "busybox run: $g guest-installed not in boot_events"
done
d=$(mariadb_sql "SELECT detail FROM boot_events WHERE hostname='vm03' AND stage='guest-installed' ORDER BY id DESC LIMIT 1")
[ "$d" = "on dom0-01 via xl" ] || fail "busybox run: detail (wget form encoding): $d"
ok "busybox sh + wget: three installs overlapped ($CONC), reported"

# --- status reports are tried again (tests/lib/status_stub.py) ---------
SP=$(free_port)
python3 "$BOOTD_SRC/tests/lib/status_stub.py" "$SP" "$T/stub.log" \
	>> "$T/stub.out" 2>&1 &
STUB_PID=$!
stub_stop() { [ -z "${STUB_PID:-}" ] || kill "$STUB_PID" 2>/dev/null || true; }
T_CLEANUP_HOOKS+=(stub_stop)
SU=http://127.0.0.1:$SP
wait_until 5 curl -fsS "$SU/x/guests/y" || fail "status stub did not start"
touch "$T/stub.log"

# stub_codes PATH STAGE: the codes the stub answered those POSTs, in order.
stub_codes() {
	awk -v p="$1" -v s="$2" '$3 == p && $4 == s { printf "%s ", $2 }' "$T/stub.log"
}
# stub_backoff PATH STAGE MIN1 MIN2: the second POST came at least MIN1 s
# after the first, the third at least MIN2 s after the second.
stub_backoff() {
	awk -v p="$1" -v s="$2" -v a="$3" -v b="$4" '$3 == p && $4 == s { t[n++] = $1 }
		END { exit !(n >= 3 && t[1] - t[0] >= a && t[2] - t[1] >= b) }' "$T/stub.log"
}

# The first-boot script (an empty guest list from the stub: it goes
# straight to firstboot-done): twice 503, then 200.
: > "$T/fb.out"
fb "$T/bin" "$T/state6" "$T/doms6" "$T/calls6.log" BOOTD_URL=$SU/fail-2-503 \
	BOOTD_REPORT_SLEEP=1 || { cat "$T/fb.out"; fail "firstboot: retried report failed the run"; }
[ "$(stub_codes /fail-2-503/status/dom0-01 firstboot-done)" = "503 503 200 " ] ||
	{ cat "$T/stub.log"; fail "firstboot-done not tried again after 503"; }
stub_backoff /fail-2-503/status/dom0-01 firstboot-done 0.9 1.9 ||
	{ cat "$T/stub.log"; fail "firstboot: no growing sleeps between tries"; }
[ -e "$T/state6/firstboot-done" ] || fail "no firstboot-done marker"
grep -q 'reporting firstboot-done for dom0-01: 503; again in 1 s' "$T/fb.out" ||
	{ cat "$T/fb.out"; fail "retry not logged"; }
ok "first-boot script (curl): firstboot-done 503, 503, then 200 after 1 s and 2 s"

SYSPATH=$T/bb FETCH="wget -q -O -" fb "$T/bin-bb" "$T/state7" "$T/doms7" \
	"$T/calls7.log" BOOTD_URL=$SU/fail-2-502 BOOTD_REPORT_SLEEP=1 ||
	{ cat "$T/fb.out"; fail "busybox firstboot: retried report failed the run"; }
[ "$(stub_codes /fail-2-502/status/dom0-01 firstboot-done)" = "502 502 200 " ] ||
	{ cat "$T/stub.log"; fail "busybox wget: firstboot-done not tried again"; }
ok "first-boot script (busybox sh + wget): 502, 502, then 200"

fb "$T/bin" "$T/state8" "$T/doms8" "$T/calls8.log" BOOTD_URL=$SU/fail-9-403 ||
	{ cat "$T/fb.out"; fail "firstboot: a 403 report failed the run"; }
[ "$(stub_codes /fail-9-403/status/dom0-01 firstboot-done)" = "403 " ] ||
	{ cat "$T/stub.log"; fail "a 403 was tried again"; }
grep -q 'could not report firstboot-done for dom0-01: HTTP 403' "$T/fb.out" ||
	fail "403 not logged"
fb "$T/bin" "$T/state9" "$T/doms9" "$T/calls9.log" BOOTD_URL=$SU/fail-9-503 \
	BOOTD_REPORT_TRIES=2 BOOTD_REPORT_SLEEP=1 ||
	{ cat "$T/fb.out"; fail "firstboot: a lost report failed the run"; }
[ "$(stub_codes /fail-9-503/status/dom0-01 firstboot-done)" = "503 503 " ] ||
	{ cat "$T/stub.log"; fail "BOOTD_REPORT_TRIES=2 not honoured"; }
grep -q 'could not report firstboot-done for dom0-01 in 2 tries (503)' "$T/fb.out" ||
	fail "giving up not logged"
ok "first-boot script: a 403 is final; after BOOTD_REPORT_TRIES it gives up; the run succeeds"

# The shipped kickstarts, rendered with the stub as server_url: %pre
# (install-start) and %post's status calls (install-done), all at once
# under dash and bash. Sleeps of 2 then 4 s between the three tries.
mariadb_sql "INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart) VALUES
	('server', 'install', 'installer/vmlinuz', 'installer/initrd.img',
	 'inst.ks={{ks_url}}', 'install.ks');
	INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
	('srv01', '52:54:00:00:04:01', '10.213.0.41', 'server', 1)" || fail "srv01"
sed "s|^http = { |http = { public_url = \"$SU/fail-2-503\"; |" "$T/bootd.conf" > "$T/stub.conf"
grep -q public_url "$T/stub.conf" || fail "public_url not set"
pids=()
for h in srv01 dom0-01 vm01; do
	"$BOOTD_BIN" --config "$T/stub.conf" render ks $h > "$T/$h.ks" || fail "render ks $h"
	awk '/^%pre/ { f = 1; next } /^%end/ { f = 0 } f' "$T/$h.ks" > "$T/$h.pre"
	awk '/^%post/ { f = 1; next } /^%end/ { f = 0 } f' "$T/$h.ks" |
		sed -n '/^bootd_status() {/,/^}/p; /^bootd_status [0-9]/p' > "$T/$h.post"
	grep -q "^bootd_status 20 'stage=install-done" "$T/$h.post" ||
		{ cat "$T/$h.ks"; fail "$h: no install-done call in %post"; }
	bash "$T/$h.pre" > "$T/$h.pre.out" 2>&1 &
	pids+=($!)
	sh "$T/$h.post" > "$T/$h.post.out" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || fail "a kickstart status call failed"
done
for h in srv01 dom0-01 vm01; do
	for st in install-start install-done; do
		[ "$(stub_codes /fail-2-503/status/$h $st)" = "503 503 200 " ] ||
			{ cat "$T/stub.log"; fail "$h $st: not tried again after 503"; }
		stub_backoff /fail-2-503/status/$h $st 1.9 3.9 ||
			{ cat "$T/stub.log"; fail "$h $st: sleeps not 2 then 4 s"; }
	done
done
sed "s|/fail-2-503/|/fail-9-403/|" "$T/srv01.post" > "$T/srv01-403.post"
sh "$T/srv01-403.post" > "$T/srv01-403.out" 2>&1 || fail "a 403 failed %post"
[ "$(stub_codes /fail-9-403/status/srv01 install-done)" = "403 " ] ||
	{ cat "$T/stub.log"; fail "kickstart: a 403 was tried again"; }
grep -q 'stage=install-done: HTTP 403, not retried' "$T/srv01-403.out" ||
	fail "kickstart: 403 not said"
ok "kickstarts (install.ks, dom0.ks, guest.ks): install-start and install-done 503, 503, then 200 after 2 s and 4 s; a 403 is final"

kill "$STUB_PID"
wait "$STUB_PID" 2>/dev/null || true
STUB_PID=""
kill -0 "$BOOTD_PID" || fail "bootd died"
bootd_stop
t_done
