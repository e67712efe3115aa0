#!/usr/bin/env bash
# `cmake --install` into a DESTDIR: the binary, the unit, the config and the
# templates (kept, not overwritten, on a second install), the manual pages.
# The pages render without a warning and name every command and option of
# `bootd --help`; the unit passes `systemd-analyze verify` and its sandbox
# exposure stays at or below 2.5 ("OK"). No database needed.
. "$(dirname "$0")/../lib/common.sh"
t_init install
: "${BOOTD_BUILD:=$(dirname "$(dirname "$BOOTD_BIN")")}"
D=$T/root

inst() {	# inst PREFIX: install the build tree into $D
	DESTDIR=$D cmake --install "$BOOTD_BUILD" --prefix "$1" \
		> "$T/install.log" 2>&1 || { cat "$T/install.log"; fail "install"; }
}

inst /usr
for f in usr/sbin/bootd usr/lib/systemd/system/bootd.service \
	etc/bootd/bootd.conf etc/bootd/templates/install.ks \
	etc/bootd/templates/firstboot.sh usr/share/man/man8/bootd.8 \
	usr/share/man/man5/bootd.conf.5; do
	[ -f "$D/$f" ] || fail "not installed: /$f"
done
cmp -s "$D/etc/bootd/bootd.conf" "$BOOTD_SRC/bootd.conf.example" ||
	fail "bootd.conf is not the example config"
for t in "$BOOTD_SRC"/templates/*; do
	cmp -s "$t" "$D/etc/bootd/templates/${t##*/}" || fail "template ${t##*/}"
done
"$D/usr/sbin/bootd" --config "$D/etc/bootd/bootd.conf" check --print \
	> /dev/null || fail "the installed config does not load"
ok "binary, unit, config, templates and manual pages installed"

echo "# edited by the admin" >> "$D/etc/bootd/bootd.conf"
echo "# edited" >> "$D/etc/bootd/templates/install.ks"
inst /usr
tail -1 "$D/etc/bootd/bootd.conf" | grep -q 'edited by the admin' ||
	fail "a reinstall overwrote bootd.conf"
tail -1 "$D/etc/bootd/templates/install.ks" | grep -q edited ||
	fail "a reinstall overwrote a template"
grep -q 'Keeping: .*/etc/bootd/bootd.conf' "$T/install.log" ||
	fail "the reinstall does not say it kept bootd.conf"
ok "a reinstall keeps an edited config and template"

# Another prefix: the unit and the config follow it.
inst /opt/bootd
grep -qx 'ExecStart=/opt/bootd/sbin/bootd --config /opt/bootd/etc/bootd/bootd.conf serve' \
	"$D/opt/bootd/lib/systemd/system/bootd.service" || fail "ExecStart for /opt/bootd"
grep -q 'templates = "/opt/bootd/etc/bootd/templates";' \
	"$D/opt/bootd/etc/bootd/bootd.conf" || fail "paths.templates for /opt/bootd"
ok "--prefix /opt/bootd: ExecStart, --config and paths.templates follow"

# Manual pages: no warning at 80 columns (groff's and man's).
for m in "$D"/usr/share/man/man8/bootd.8 "$D"/usr/share/man/man5/bootd.conf.5; do
	MANWIDTH=80 man --warnings -l "$m" > "$T/man.txt" 2> "$T/man.err" ||
		fail "man ${m##*/} failed: $(cat "$T/man.err")"
	[ ! -s "$T/man.err" ] || fail "man ${m##*/} warns: $(cat "$T/man.err")"
	[ "$(wc -l < "$T/man.txt")" -gt 40 ] || fail "man ${m##*/} is short"
done
ok "bootd(8) and bootd.conf(5) render without warnings"

# bootd(8) names each command and option of --help.
MANWIDTH=200 man -l "$D/usr/share/man/man8/bootd.8" 2>/dev/null > "$T/bootd8.txt"
"$BOOTD_BIN" --help | sed -n 's/^  \([a-z][a-z]*\( migrate\)*\) .*/\1/p;
	s/^  \([a-z][a-z]*\)$/\1/p' > "$T/cmds"
"$BOOTD_BIN" --help | grep -o -- '--[a-z-]*' | sort -u > "$T/opts"
[ "$(wc -l < "$T/cmds")" -ge 7 ] || fail "commands from --help: $(cat "$T/cmds")"
while read -r w; do
	grep -qE "^       $w( |$)" "$T/bootd8.txt" || fail "bootd(8) lacks command $w"
done < "$T/cmds"
while read -r w; do
	grep -q -- "$w" "$T/bootd8.txt" || fail "bootd(8) lacks option $w"
done < "$T/opts"
ok "bootd(8) covers $(wc -l < "$T/cmds") commands and $(wc -l < "$T/opts") options"

# The unit, pointed at the installed binary: verify says nothing at all.
sed "s|^ExecStart=/usr/sbin/bootd |ExecStart=$D/usr/sbin/bootd |" \
	"$D/usr/lib/systemd/system/bootd.service" > "$T/bootd.service"
grep -q "^ExecStart=$D/usr/sbin/bootd " "$T/bootd.service" || fail "ExecStart"
MANPATH=$D/usr/share/man systemd-analyze verify "$T/bootd.service" \
	> "$T/verify.out" 2>&1 || fail "verify: $(cat "$T/verify.out")"
[ ! -s "$T/verify.out" ] || fail "verify: $(cat "$T/verify.out")"
ok "systemd-analyze verify passes on the unit"

systemd-analyze security --offline=true "$T/bootd.service" > "$T/sec.out" 2>&1 ||
	fail "security: $(tail -5 "$T/sec.out")"
exp=$(sed -n 's/.*Overall exposure level for bootd.service: \([0-9.]*\).*/\1/p' \
	"$T/sec.out")
[ -n "$exp" ] || fail "no exposure figure: $(tail -3 "$T/sec.out")"
awk -v e="$exp" 'BEGIN { exit !(e <= 2.5) }' ||
	{ grep '✗' "$T/sec.out"; fail "exposure $exp is above 2.5"; }
ok "systemd-analyze security --offline=true: exposure $exp (at most 2.5)"
t_done
