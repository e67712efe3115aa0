#!/usr/bin/env bash
# End-to-end PXE boot, BIOS: QEMU (TCG) with SeaBIOS and the iPXE e1000 ROM
# boots from bootd in a namespace made here: DHCP (option 93 = 0, user
# class iPXE) -> pxelinux.0 + ldlinux.c32 -> pxelinux.cfg/01-<mac> rendered
# from the inventory -> vmlinuz + initramfs over TFTP -> the initramfs
# fetches /ks/<host>, checks its name and IP in it, POSTs install-start and
# install-done, prints BOOTD-E2E-OK and powers off. Then the host's profile
# is switched in the DB and the next boot's /proc/cmdline shows it.
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
since=$(e2e_last_id)
e2e_boot bios "$MAC" "$T/serial-1.log"
m=$(e2e_marker "$T/serial-1.log")
echo "$m"
case "$m" in
"BOOTD-E2E-OK $H ip=$IP e2e=A ks=ok "*) ;;
*) fail "marker: $m" ;;
esac
echo "$m" | grep -q "cmdline=.*ks=$E2E_URL/ks/$H " || fail "ks= URL on the command line: $m"
ok "boot 1: marker with e2e=A; kickstart fetched and checked, install-start/install-done posted"
wait_until 5 sh -c "mariadb --no-defaults --socket='$MDB_SOCK' -uroot --batch --skip-column-names bootd -e \"SELECT stage FROM boot_events WHERE mac='$MAC' AND id > $since\" | grep -qx install-done" ||
	fail "install-done not in boot_events"
M=${MAC//:/-}
e2e_timeline "$MAC" "$since" pxelinux.0 ldlinux.c32 "pxelinux.cfg/01-$M" vmlinuz initramfs.gz
echo "$E2E_EVENTS" | awk -F'\t' '$3 == "install-start" { s = NR } $3 == "install-done" && s { d = 1 } END { exit !d }' ||
	fail "boot_events: no install-start then install-done"
echo "$E2E_EVENTS" | grep -P '^\d+\t-?\d+\tdhcp-ack\t' | head -1 | grep -q 'arch=0' ||
	fail "dhcp-ack without arch=0: $(echo "$E2E_EVENTS" | grep dhcp-ack | head -1)"
grep -q "GET /ks/$H" "$T/bootd.log" || echo "note: bootd.log has no GET /ks/$H line"
ok "boot_events: dhcp-ack (arch 0) -> tftp-done pxelinux.0, ldlinux.c32, pxelinux.cfg/01-$M, vmlinuz, initramfs.gz -> install-start -> install-done"
e2e_times "bios boot 1 (install)" "$MAC" "$since" "$T/serial-1.log"
TIMES1=$E2E_TIMES
wait_until 5 sh -c "[ \"\$(mariadb --no-defaults --socket='$MDB_SOCK' -uroot --batch --skip-column-names bootd -e \"SELECT build FROM hosts WHERE hostname='$H'\")\" = 0 ]" ||
	fail "install-done did not clear hosts.build"
wait_until 5 sh -c "ip netns exec $E2E_NS curl -fsS --max-time 1 tftp://127.0.0.1/pxelinux.cfg/01-$M | grep -qx 'DEFAULT local'" ||
	fail "menu after install-done: $(e2e_menu "$MAC")"
ok "install-done cleared hosts.build; the menu now defaults to local disk"

# Boot 2: the profile switched in the DB.
mariadb_sql "UPDATE hosts SET profile='e2e-b' WHERE hostname='$H'" || fail "UPDATE"
wait_until 5 sh -c "ip netns exec $E2E_NS curl -fsS --max-time 1 tftp://127.0.0.1/pxelinux.cfg/01-$M | grep -qx 'DEFAULT e2e-b'" ||
	fail "menu after the profile switch: $(e2e_menu "$MAC")"
since=$(e2e_last_id)
e2e_boot bios "$MAC" "$T/serial-2.log"
m=$(e2e_marker "$T/serial-2.log")
echo "$m"
case "$m" in
"BOOTD-E2E-OK $H ip=$IP e2e=B host=$H ks=none "*) ;;
*) fail "marker after the profile switch: $m" ;;
esac
echo "$m" | grep -q 'e2e=A' && fail "old profile on the command line: $m"
wait_until 5 sh -c "mariadb --no-defaults --socket='$MDB_SOCK' -uroot --batch --skip-column-names bootd -e \"SELECT detail FROM boot_events WHERE mac='$MAC' AND id > $since AND stage='tftp-done'\" | grep -q '^initramfs.gz '" ||
	fail "boot 2: initramfs transfer not in boot_events"
e2e_timeline "$MAC" "$since" pxelinux.0 ldlinux.c32 "pxelinux.cfg/01-$M" vmlinuz initramfs.gz
ok "boot 2 after UPDATE hosts SET profile='e2e-b': /proc/cmdline has e2e=B"
e2e_times "bios boot 2 (profile B)" "$MAC" "$since" "$T/serial-2.log"
echo "TIMES $TIMES1"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
