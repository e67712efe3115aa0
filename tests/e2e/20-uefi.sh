#!/usr/bin/env bash
# End-to-end PXE boot, UEFI: QEMU (TCG) with OVMF (code read-only, a
# writable copy of the variable store) and the iPXE EFI e1000 ROM boots from
# bootd in a namespace made here: DHCP (option 93 = 7) -> grubx64.efi (made
# with grub-mkimage, prefix /grub) -> /grub/grub.cfg-01-<mac> rendered from
# the inventory -> /vmlinuz + /initramfs.gz over TFTP -> the initramfs
# fetches /ks/<host> (boot event ks-served), checks it, POSTs
# install-start and install-done, prints BOOTD-E2E-OK and powers off.
#
#   bd-e2e-PID: br0 10.213.41.2 (bootd: DHCP 67, TFTP 69, HTTP) ── tap0 ── VM
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
. "$BOOTD_SRC/tests/e2e/lib.sh"

E2E_IPXE_FILE=grubx64.efi	# what iPXE (user class iPXE) is given
e2e_init uefi 41
T0=$(date +%s)
e2e_assets
e2e_bootd
e2e_ra_start
H=e2e-uefi1 MAC=52:54:00:e2:41:01 IP=10.213.41.41
e2e_host "$H" "$MAC" "$IP" e2e-install
M=${MAC//:/-}
e2e_menu "$MAC" grub | grep -qx 'set default="e2e-install"' || fail "GRUB menu: $(e2e_menu "$MAC" grub)"
ok "$H ($MAC, $IP, profile e2e-install, build 1): GRUB menu defaults to the installer"

e2e_install_boot uefi "$H" "$MAC" "$IP" "e2e=A ks=ok" \
	grubx64.efi "grub/grub.cfg-01-$M" vmlinuz initramfs.gz \
	@ks-served @install-start @install-done
echo "$E2E_EVENTS" | awk -F'\t' '$3 == "dhcp-ack" { print; exit }' | grep -q 'arch=7' ||
	fail "dhcp-ack without arch=7: $(echo "$E2E_EVENTS" | grep dhcp-ack | head -1)"
ok "UEFI boot: marker with e2e=A; boot_events: dhcp-ack (arch 7) -> tftp-done grubx64.efi, grub/grub.cfg-01-$M, vmlinuz, initramfs.gz -> ks-served -> install-start -> install-done; hosts.build cleared"
e2e_times "uefi boot (install)" "$MAC" "$E2E_SINCE" "$E2E_LOG"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
