#!/usr/bin/env bash
# End-to-end UEFI Secure Boot: QEMU (TCG, q35 with SMM) with OVMF's Secure
# Boot build and Microsoft's keys enrolled (a writable copy of
# OVMF_VARS_4M.ms.fd), a virtio NIC with no option ROM, so the firmware's
# own PXE does DHCP (option 93 = 7) and TFTP: shimx64.efi (Debian's
# shim-signed) -> grubx64.efi beside it (Debian's signed netboot GRUB,
# grubnetx64.efi.signed) -> the per-host GRUB menu bootd serves at
# grub/grub.cfg (the host found by the TFTP peer's address) -> Debian's
# signed vmlinuz + initramfs.gz -> the initramfs reads the SecureBoot
# variable (sb=1), fetches /ks/<host>, reports install-start and
# install-done and prints BOOTD-E2E-OK.
# Negative: a second host's profile boots unsigned/shimx64.efi, beside
# which grubx64.efi is a GRUB made by grub-mkimage (unsigned): shim fetches
# it and refuses it, and no marker appears.
#
#   bd-e2e-PID: br0 10.213.44.2 (bootd: DHCP 67, TFTP 69, HTTP) ── tap0 ── VM
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
. "$BOOTD_SRC/tests/e2e/lib.sh"

SHIM=/usr/lib/shim/shimx64.efi.signed
SGRUB=/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed
for f in "$SHIM" "$SGRUB" "$E2E_OVMF_SB_CODE" "$E2E_OVMF_SB_VARS"; do
	[ -e "$f" ] || fail "missing $f: run scripts/deps.sh"
done
E2E_EFI64_FILE=shimx64.efi
# One boot takes about 55 s under TCG (OVMF with SMM is slow): room for a
# busy machine.
E2E_BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-180}
# GRUB's prompt: it found no config (grub/grub.cfg not served).
E2E_FAIL_AT='grub> '
e2e_init sb 44
T0=$(date +%s)
e2e_assets
R=$T/tftp
mkdir -p "$R/unsigned"
mv "$R/grubx64.efi" "$R/unsigned/grubx64.efi"
cp "$SHIM" "$R/shimx64.efi" && cp "$SHIM" "$R/unsigned/shimx64.efi" &&
	cp "$SGRUB" "$R/grubx64.efi" || fail "copy shim and GRUB"
ok "TFTP root: shimx64.efi + grubx64.efi (signed), unsigned/shimx64.efi + unsigned/grubx64.efi (grub-mkimage)"
e2e_bootd
mariadb_sql "INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart, menu_label, selectable, bootfile_efi64) VALUES
 ('e2e-unsigned', 'install', 'vmlinuz', 'initramfs.gz', 'console=ttyS0 quiet panic=-1 ks={{ks_url}} e2e=U',
  'e2e.ks', 'unsigned GRUB', 0, 'unsigned/shimx64.efi')" || fail "profile e2e-unsigned"
e2e_rrq_start
H=e2e-sb1 MAC=52:54:00:e2:44:01 IP=10.213.44.41
e2e_host "$H" "$MAC" "$IP" e2e-install
ip netns exec "$E2E_NS" curl -fsS --max-time 2 "tftp://$E2E_SRV_IP/grub/grub.cfg" |
	grep -qx '# bootd: unknown host' || fail "grub/grub.cfg for an unknown address is not the default menu"
ok "$H ($MAC, $IP, profile e2e-install, build 1); grub/grub.cfg asked from $E2E_SRV_IP: the default menu"

# 1. Secure Boot on: shim, signed GRUB, the host's menu at grub/grub.cfg
# (found by the peer's address), the signed kernel; sb=1 in the marker.
t=$(now_ms)
e2e_install_boot uefi-sb "$H" "$MAC" "$IP" "e2e=A ks=ok" \
	shimx64.efi grubx64.efi grub/grub.cfg vmlinuz initramfs.gz \
	@ks-served @install-start @install-done
case $E2E_MARKER in
*" sb=1 "*) ;;
*) fail "SecureBoot variable is not 1: $E2E_MARKER" ;;
esac
echo "$E2E_EVENTS" | awk -F'\t' '$3 == "dhcp-ack" { print; exit }' | grep -q 'arch=7' ||
	fail "dhcp-ack without arch=7: $(echo "$E2E_EVENTS" | grep dhcp-ack | head -1)"
echo "TFTP read requests of $IP:"
e2e_rrqs "$IP" "$t" | sed 's/^/  /'
e2e_rrqs "$IP" "$t" | grep -q 'grub-01\|grub.cfg-' &&
	fail "signed GRUB asked for a per-MAC/IP config name: see above"
ok "Secure Boot boot: marker with e2e=A ks=ok sb=1; boot_events: dhcp-ack (arch 7) -> tftp-done shimx64.efi, grubx64.efi, grub/grub.cfg, vmlinuz, initramfs.gz -> ks-served -> install-start -> install-done"
e2e_times "uefi secure boot (install)" "$MAC" "$E2E_SINCE" "$E2E_LOG"
TIMES1=$E2E_TIMES

# 2. The same with grub-mkimage's unsigned GRUB beside shim: refused.
H2=e2e-sb2 MAC2=52:54:00:e2:44:02 IP2=10.213.44.42
e2e_host "$H2" "$MAC2" "$IP2" e2e-unsigned
since=$(e2e_last_id)
t=$(now_ms)
E2E_STOP_AT='Security Violation|Verification failed|Access Denied' \
	E2E_BOOT_TIMEOUT=${E2E_REFUSE_TIMEOUT:-60} \
	e2e_boot uefi-sb "$MAC2" "$T/serial-$H2.log"
[ -n "$E2E_T_stop" ] || fail "the unsigned GRUB was not refused: $(tr -d '\r' < "$T/serial-$H2.log" | tail -5 | tr '\n' ' ')"
grep -aq BOOTD-E2E- "$T/serial-$H2.log" && fail "the unsigned GRUB booted the kernel"
REFUSAL=$(tr -d '\r' < "$T/serial-$H2.log" |
	grep -aoE 'Verification failed: \([^)]*\) [A-Za-z ]*[A-Za-z]|Security Violation|Access Denied' | head -1)
echo "  serial: $REFUSAL"
e2e_rrqs "$IP2" "$t" | grep -qx 'unsigned/grubx64.efi' ||
	fail "shim did not ask for unsigned/grubx64.efi: $(e2e_rrqs "$IP2" "$t" | tr '\n' ' ')"
wait_until 5 sh -c "mariadb --no-defaults --socket='$MDB_SOCK' -uroot --batch --skip-column-names bootd -e \"SELECT detail FROM boot_events WHERE mac='$MAC2' AND id > $since AND stage='tftp-done'\" | grep -q '^unsigned/grubx64.efi '" ||
	fail "tftp-done of unsigned/grubx64.efi not in boot_events"
e2e_rrqs "$IP2" "$t" | grep -q 'grub.cfg\|vmlinuz' && fail "the unsigned GRUB ran: $(e2e_rrqs "$IP2" "$t" | tr '\n' ' ')"
ok "unsigned GRUB beside shim: fetched (tftp-done unsigned/grubx64.efi), refused ("$REFUSAL") $(e2e_s "$E2E_T_stop") after QEMU start, no config or kernel asked for, no marker"
echo "TIMES $TIMES1"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
