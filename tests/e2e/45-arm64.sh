#!/usr/bin/env bash
# End-to-end arm64 UEFI: qemu-system-aarch64 (TCG, virt, cortex-a57) with
# AAVMF (qemu-efi-aarch64; code read-only, a writable copy of the
# variable store) and a virtio NIC with no option ROM: the firmware's own
# PXE does DHCP (option 93 = 11) -> grubaa64.efi (Debian's signed netboot
# GRUB for arm64, grubnetaa64.efi.signed: prefix /grub, like x86's) -> the
# per-host GRUB menu bootd serves at grub/grub.cfg (the host found by the
# TFTP peer's address) -> Debian's arm64 kernel + an arm64 busybox
# initramfs -> /ks/<host> fetched, install-start and install-done
# reported, BOOTD-E2E-OK on the PL011 console.
# The arm64 packages come from apt-get download PKG:arm64 (e2e_arm64_assets).
#
#   bd-e2e-PID: br0 10.213.45.2 (bootd: DHCP 67, TFTP 69, HTTP) ── tap0 ── VM
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
. "$BOOTD_SRC/tests/e2e/lib.sh"

for f in /usr/bin/qemu-system-aarch64 "$E2E_AAVMF_CODE" "$E2E_AAVMF_VARS"; do
	[ -e "$f" ] || fail "missing $f: run scripts/deps.sh"
done
E2E_BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT_ARM64:-300}
# GRUB's prompt: it found no config (grub/grub.cfg not served).
E2E_FAIL_AT='grub> '
e2e_init arm64 45
T0=$(date +%s)
s=$(now_ms)
(
	flock 9
	e2e_arm64_assets
) 9> "$E2E_CACHE/.lock" || fail "arm64 packages: see above"
A=$E2E_CACHE/arm64 R=$T/tftp
mkdir -p "$R/arm64"
E2E_BUSYBOX=$A/busybox E2E_KDIR=$A/kernel e2e_initramfs "$R/arm64/initramfs.gz" &&
	cp "$A/kernel/vmlinuz" "$R/arm64/vmlinuz" &&
	cp "$A/grubaa64.efi" "$R/grubaa64.efi" || fail "TFTP root"
ok "TFTP root: grubaa64.efi (grubnetaa64.efi.signed), arm64/vmlinuz ($(cat "$A/kernel/package"), $(stat -c %s "$R/arm64/vmlinuz") bytes), arm64/initramfs.gz ($(stat -c %s "$R/arm64/initramfs.gz") bytes) in $(( $(now_ms) - s )) ms"
e2e_bootd
mariadb_sql "INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart, menu_label, selectable) VALUES
 ('e2e-arm64', 'install', 'arm64/vmlinuz', 'arm64/initramfs.gz',
  'console=ttyAMA0 quiet panic=-1 ks={{ks_url}} e2e=R', 'e2e.ks', 'e2e arm64 install', 0)" ||
	fail "profile e2e-arm64"
e2e_rrq_start
H=e2e-arm1 MAC=52:54:00:e2:45:01 IP=10.213.45.41
e2e_host "$H" "$MAC" "$IP" e2e-arm64
ok "$H ($MAC, $IP, profile e2e-arm64, build 1)"

t=$(now_ms)
e2e_install_boot arm64 "$H" "$MAC" "$IP" "e2e=R ks=ok" \
	grubaa64.efi grub/grub.cfg arm64/vmlinuz arm64/initramfs.gz \
	@ks-served @install-start @install-done
echo "$E2E_EVENTS" | awk -F'\t' '$3 == "dhcp-ack" { print; exit }' | grep -q 'arch=11' ||
	fail "dhcp-ack without arch=11: $(echo "$E2E_EVENTS" | grep dhcp-ack | head -1)"
echo "TFTP read requests of $IP:"
e2e_rrqs "$IP" "$t" | sed 's/^/  /'
ok "arm64 boot: marker with e2e=R ks=ok; boot_events: dhcp-ack (arch 11) -> tftp-done grubaa64.efi, grub/grub.cfg, arm64/vmlinuz, arm64/initramfs.gz -> ks-served -> install-start -> install-done"
e2e_times "arm64 uefi boot (install)" "$MAC" "$E2E_SINCE" "$E2E_LOG"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
