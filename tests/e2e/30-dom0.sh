#!/usr/bin/env bash
# End-to-end dom0: a VM whose profile installs a Xen dom0 (three guests
# name it as their dom0) PXE-boots through bootd as in 10-bios.sh
# (SeaBIOS + iPXE -> pxelinux -> its menu -> kernel + initramfs), fetches
# its kickstart, reports install-start and install-done, then does what
# the installed dom0's first boot does: fetches /firstboot/<dom0> and runs
# it under busybox sh with busybox wget and a stub xl
# (tests/lib/http_stubs.sh) that records its calls. The script fetches the
# guest list, each guest's xl configs and the guests' installer kernel and
# initrd from bootd, starts all installs at once, starts each running
# config when its install domain is gone, and reports every step. Passes
# when the marker is on the serial console, the stub's record shows both
# creates of every guest with the installs overlapping, and boot_events
# holds the dom0's timeline (dhcp-ack, pxelinux.0, ldlinux.c32, its menu,
# vmlinuz, initramfs.gz, ks-served, install-start, install-done,
# firstboot-served, firstboot-done) with every guest's guest-install-start
# and guest-installed (sent by the dom0, under the guest's MAC) inside it.
#
#   bd-e2e-PID: br0 10.213.42.2 (bootd: DHCP 67, TFTP 69, HTTP) ── tap0 ── VM
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
. "$BOOTD_SRC/tests/lib/http_stubs.sh"
. "$BOOTD_SRC/tests/e2e/lib.sh"

E2E_IPXE_FILE=pxelinux.0	# what iPXE (user class iPXE) is given
e2e_init dom0 42
T0=$(date +%s)
# The stub toolstack goes into the initramfs as /stub.
http_stubs "$T/extra/stub" "" /stub
e2e_assets "$T/extra"
# The guests' installer: never booted here, only fetched by the dom0.
mkdir -p "$T/tftp/guest"
head -c 4096 /dev/urandom > "$T/tftp/guest/vmlinuz"
head -c 8192 /dev/urandom > "$T/tftp/guest/initrd"
e2e_bootd
e2e_ra_start
mariadb_sql "INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart, menu_label, selectable) VALUES
 ('e2e-dom0', 'install', 'vmlinuz', 'initramfs.gz',
  'console=ttyS0 quiet panic=-1 ks={{ks_url}} fb={{server_url}}/firstboot/{{hostname}} e2e=D',
  'e2e.ks', 'e2e dom0 install', 0),
 ('e2e-guest', 'install', 'guest/vmlinuz', 'guest/initrd',
  'inst.ks={{ks_url}}', 'e2e.ks', 'e2e guest install', 0)" || fail "profiles"
H=e2e-dom0 MAC=52:54:00:e2:42:01 IP=10.213.42.41
GUESTS="e2e-vm1 e2e-vm2 e2e-vm3"
e2e_host "$H" "$MAC" "$IP" e2e-dom0
GMACS=()
for i in 1 2 3; do
	GMACS+=("52:54:00:e2:42:1$i")
	e2e_host "e2e-vm$i" "52:54:00:e2:42:1$i" "10.213.42.5$i" e2e-guest "$H" "/dev/vg0/e2e-vm$i"
done
gl=$(ip netns exec "$E2E_NS" curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/guests/$H")
[ "$(cut -d' ' -f1 <<<"$gl" | tr '\n' ' ')" = "$GUESTS " ] || fail "guest list: $gl"
M=${MAC//:/-}
e2e_menu "$MAC" | grep -qx 'DEFAULT e2e-dom0' || fail "menu: $(e2e_menu "$MAC")"
ok "$H ($MAC, $IP, profile e2e-dom0, build 1) with guests $GUESTS; menu defaults to the installer"

e2e_install_boot bios "$H" "$MAC" "$IP" "e2e=D guests=${GUESTS// /,} ks=ok fb=ok" \
	pxelinux.0 ldlinux.c32 "pxelinux.cfg/01-$M" vmlinuz initramfs.gz \
	@ks-served @install-start @install-done @firstboot-served @firstboot-done
ok "marker: kickstart names the three guests; first-boot script ran to its end"
for st in ks-served:/ks/$H firstboot-served:/firstboot/$H; do
	echo "$E2E_EVENTS" | awk -F'\t' -v s="${st%%:*}" '$3 == s { print $4; exit }' |
		grep -qx "${st#*:} from $IP" || fail "${st%%:*} detail is not \"${st#*:} from $IP\""
done
ok "boot_events of $MAC: dhcp-ack -> tftp-done pxelinux.0, ldlinux.c32, pxelinux.cfg/01-$M, vmlinuz, initramfs.gz -> ks-served -> install-start -> install-done -> firstboot-served -> firstboot-done (fetched by the dom0's own IP)"

# The stub's record, from the serial console: both creates of every
# guest, all installs started before the first ended.
tr -d '\r' < "$E2E_LOG" | sed -n 's/^BOOTD-E2E-XL //p' > "$T/xl.log"
for g in $GUESTS; do
	for c in "$g-install.cfg" "$g.cfg"; do
		grep -q " xl create /tmp/fb/cfg/$c\$" "$T/xl.log" ||
			{ cat "$T/xl.log"; fail "stub xl: no create of $c"; }
	done
done
stubs_concurrent "$T/xl.log" $GUESTS
ok "stub xl: install and running configs created for $GUESTS; installs overlapped ($CONC)"

# Every guest's reports, sent by the dom0 under the guest's MAC, between
# the dom0's firstboot-served and firstboot-done.
for i in 0 1 2; do
	g=e2e-vm$((i + 1))
	ev=$(mariadb_sql "SELECT id, stage, detail FROM boot_events WHERE mac='${GMACS[$i]}'
		AND id > $E2E_EV_firstboot_served AND id < $E2E_EV_firstboot_done ORDER BY id")
	echo "$ev" | awk -F'\t' -v d="on $H via xl" '
		$2 == "guest-install-start" && $3 == d { s = 1 }
		$2 == "guest-installed" && $3 == d && s { ok = 1 }
		END { exit !ok }' ||
		fail "boot_events of $g (${GMACS[$i]}): no guest-install-start then guest-installed \"on $H via xl\" within the first boot: $ev"
done
mariadb_sql "SELECT id, ROUND(UNIX_TIMESTAMP(ts) * 1000) - $E2E_T0, hostname, stage, detail FROM boot_events
	WHERE mac IN ('${GMACS[0]}', '${GMACS[1]}', '${GMACS[2]}') AND id > $E2E_SINCE ORDER BY id" |
	awk -F'\t' '{ printf "  event %+7d ms  %-8s %-20s %s\n", $2, $3, $4, $5 }'
ok "boot_events: guest-install-start and guest-installed for each of $GUESTS, inside the dom0's first boot"

e2e_times "dom0 boot (install + first boot)" "$MAC" "$E2E_SINCE" "$E2E_LOG"
fbs=$(e2e_ev_ms "$MAC" "$E2E_SINCE" firstboot-served)
fbd=$(e2e_ev_ms "$MAC" "$E2E_SINCE" firstboot-done)
vm=$(tr -d '\r' < "$E2E_LOG" | awk '/^BOOTD-E2E-FB start/ { sub(/.*uptime=/, ""); s = $1 }
	/^BOOTD-E2E-FB done/ { sub(/.*uptime=/, ""); printf "%.1f s", $1 - s }')
echo "TIMES dom0 first boot: script served $(e2e_s "$fbs"), firstboot-done $(e2e_s "$fbd") (after QEMU start); ${vm:-?} inside the VM for 3 guests"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
