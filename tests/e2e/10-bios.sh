#!/usr/bin/env bash
# End-to-end PXE boot, BIOS: QEMU (TCG) with SeaBIOS and the iPXE e1000 ROM
# boots from bootd in a namespace made here: DHCP (option 93 = 0, user
# class iPXE) -> pxelinux.0 + ldlinux.c32 -> pxelinux.cfg/01-<mac> rendered
# from the inventory -> vmlinuz + initramfs over TFTP -> the initramfs
# fetches /ks/<host> (boot event ks-served), checks its name and IP in it,
# POSTs install-start and install-done, prints BOOTD-E2E-OK and powers
# off. Then the host's profile is switched in the DB and the next boot's
# /proc/cmdline shows it.
#
#   bd-e2e-PID: br0 10.213.40.2 (bootd: DHCP 67, TFTP 69, HTTP) ── tap0 ── VM
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
. "$BOOTD_SRC/tests/e2e/lib.sh"

E2E_IPXE_FILE=pxelinux.0	# what iPXE (user class iPXE) is given
e2e_init bios 40
T0=$(date +%s)
e2e_assets
e2e_bootd
e2e_ra_start
H=e2e-bios1 MAC=52:54:00:e2:40:01 IP=10.213.40.41
e2e_host "$H" "$MAC" "$IP" e2e-install
e2e_menu "$MAC" | grep -qx 'DEFAULT e2e-install' || fail "menu: $(e2e_menu "$MAC")"
ok "$H ($MAC, $IP, profile e2e-install, build 1): menu defaults to the installer"

# Boot 1: the install profile.
M=${MAC//:/-}
e2e_install_boot bios "$H" "$MAC" "$IP" "e2e=A ks=ok" \
	pxelinux.0 ldlinux.c32 "pxelinux.cfg/01-$M" vmlinuz initramfs.gz \
	@ks-served @install-start @install-done
echo "$E2E_EVENTS" | awk -F'\t' '$3 == "dhcp-ack" { print; exit }' | grep -q 'arch=0' ||
	fail "dhcp-ack without arch=0: $(echo "$E2E_EVENTS" | grep dhcp-ack | head -1)"
ok "boot 1: marker with e2e=A; boot_events: dhcp-ack (arch 0) -> tftp-done pxelinux.0, ldlinux.c32, pxelinux.cfg/01-$M, vmlinuz, initramfs.gz -> ks-served -> install-start -> install-done"
e2e_times "bios boot 1 (install)" "$MAC" "$E2E_SINCE" "$E2E_LOG"
TIMES1=$E2E_TIMES
wait_until 5 sh -c "ip netns exec $E2E_NS curl -fsS --max-time 1 tftp://127.0.0.1/pxelinux.cfg/01-$M | grep -qx 'DEFAULT local'" ||
	fail "menu after install-done: $(e2e_menu "$MAC")"
ok "install-done cleared hosts.build; the menu now defaults to local disk"

# Boot 2: the profile switched in the DB.
mariadb_sql "UPDATE hosts SET profile='e2e-b' WHERE hostname='$H'" || fail "UPDATE"
wait_until 5 sh -c "ip netns exec $E2E_NS curl -fsS --max-time 1 tftp://127.0.0.1/pxelinux.cfg/01-$M | grep -qx 'DEFAULT e2e-b'" ||
	fail "menu after the profile switch: $(e2e_menu "$MAC")"
since=$(e2e_last_id)
e2e_boot bios "$MAC" "$T/serial-2.log"
e2e_marker "$T/serial-2.log" "$H ip=$IP e2e=B host=$H ks=none "
case $E2E_MARKER in *e2e=A*) fail "old profile on the command line: $E2E_MARKER" ;; esac
wait_until 5 sh -c "mariadb --no-defaults --socket='$MDB_SOCK' -uroot --batch --skip-column-names bootd -e \"SELECT detail FROM boot_events WHERE mac='$MAC' AND id > $since AND stage='tftp-done'\" | grep -q '^initramfs.gz '" ||
	fail "boot 2: initramfs transfer not in boot_events"
e2e_timeline "$MAC" "$since" pxelinux.0 ldlinux.c32 "pxelinux.cfg/01-$M" vmlinuz initramfs.gz
e2e_has_event "$MAC" "$since" ks-served && fail "boot 2: ks-served without a kickstart"
ok "boot 2 after UPDATE hosts SET profile='e2e-b': /proc/cmdline has e2e=B"
e2e_times "bios boot 2 (profile B)" "$MAC" "$since" "$T/serial-2.log"
echo "TIMES $TIMES1"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
