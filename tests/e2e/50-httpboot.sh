#!/usr/bin/env bash
# End-to-end UEFI HTTP boot, no iPXE and no TFTP: QEMU (TCG) with Debian's
# OVMF, a virtio NIC without option ROM and OVMF's PXE boot options off
# (fw_cfg), so the firmware's own HTTP boot (HttpBootDxe) runs: DHCP with
# option 93 = 16 and vendor class HTTPClient -> bootd answers the URL
# http://<server>/files/grubhttpx64.efi (dhcp.bootfile.efi64_http) and
# echoes HTTPClient -> the firmware GETs it -> GRUB (grub-mkimage with
# contrib/grub/grub-http.cfg embedded) asks DHCP again and GETs
# /grub/<mac> (kind grub-http) -> /files/vmlinuz, /files/initramfs.gz
# -> the initramfs fetches /ks/<host>, POSTs install-start and
# install-done, prints BOOTD-E2E-OK and powers off. No TFTP packet may be
# sent: a capture on br0 sees no datagram to port 69, and bootd's TFTP
# counters stay 0.
#
# HTTP is on port 80 in this test's own namespace: GRUB 2.06's http module
# speaks to port 80 only.
#
#   bd-e2e-PID: br0 10.213.50.2 (bootd: DHCP 67, TFTP 69, HTTP 80) ── tap0 ── VM
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
. "$BOOTD_SRC/tests/e2e/lib.sh"

E2E_HTTP_FILE=grubhttpx64.efi	# dhcp.bootfile.efi64_http
HTTP_PORT=80
e2e_init httpboot 50
T0=$(date +%s)
e2e_assets
e2e_grub_http_image "$T/tftp/$E2E_HTTP_FILE" || fail "grub-mkimage (HTTP GRUB)"
rm -f "$T/tftp/grubx64.efi"	# the TFTP GRUB: nothing here may use it
e2e_bootd
H=e2e-http1 MAC=52:54:00:e2:50:01 IP=10.213.50.51
e2e_host "$H" "$MAC" "$IP" e2e-install
ip netns exec "$E2E_NS" curl -fsS --max-time 2 "http://127.0.0.1/grub/$MAC" > "$T/menu" ||
	fail "GET /grub/$MAC"
grep -qx 'set default="e2e-install"' "$T/menu" && grep -q '^  linux /files/vmlinuz ' "$T/menu" &&
	grep -qx '  initrd /files/initramfs.gz' "$T/menu" ||
	fail "grub-http menu: $(cat "$T/menu")"
"$BOOTD_BIN" --config "$T/bootd.conf" render grub-http "$H" 2>/dev/null | cmp -s - "$T/menu" ||
	fail "bootd render grub-http differs from GET /grub/$MAC"
ok "$H ($MAC, $IP): GET /grub/$MAC (= bootd render grub-http) defaults to the installer, kernel and initrd under /files/"

ip netns exec "$E2E_NS" python3 "$E2E_DIR/sniff_dhcp.py" br0 "$IP" > "$T/sniff" &
SNIFF=$!
E2E_BG+=("$SNIFF")
e2e_install_boot uefi-http "$H" "$MAC" "$IP" "e2e=A ks=ok" \
	"http:$E2E_HTTP_FILE" @grub-served http:vmlinuz http:initramfs.gz \
	@ks-served @install-start @install-done
kill "$SNIFF"
wait "$SNIFF"
E2E_BG=("${E2E_BG[@]/$SNIFF}")
read -r S_DHCP S_LAST S_RRQ < "$T/sniff" || fail "no capture summary"
[ "$S_DHCP" != 0 ] || fail "the capture saw no DHCP request"
[ "$S_RRQ" = 0 ] || fail "the VM sent a TFTP request (port 69)"
echo "$E2E_EVENTS" | awk -F'\t' '$3 == "dhcp-ack" { print; exit }' | grep -q 'arch=16' ||
	fail "first dhcp-ack without arch=16: $(echo "$E2E_EVENTS" | grep dhcp-ack | head -1)"
tr -d '\r' < "$E2E_LOG" | grep -aq "URI: $E2E_URL/files/$E2E_HTTP_FILE" ||
	fail "the firmware did not fetch $E2E_URL/files/$E2E_HTTP_FILE"
grep -q "arch 16 (x64 UEFI HTTP) file \"$E2E_URL/files/$E2E_HTTP_FILE\"" "$T/bootd.log" ||
	fail "no DHCP answer with the loader's URL in the log"
ip netns exec "$E2E_NS" curl -fsS --max-time 2 http://127.0.0.1/metrics > "$T/metrics" ||
	fail "GET /metrics"
tftp=$(awk '/^bootd_tftp_(transfers_total|bad_packets_total|virtual_files_total)[{ ]/ { s += $NF } END { print s + 0 }' "$T/metrics")
grep -q '^bootd_tftp_transfers_total' "$T/metrics" || fail "no TFTP counters in /metrics"
[ "$tftp" = 0 ] || fail "bootd's TFTP counters moved: $(grep '^bootd_tftp_' "$T/metrics" | tr '\n' ' ')"
ok "UEFI HTTP boot: firmware DHCP (arch 16, HTTPClient) -> $E2E_URL/files/$E2E_HTTP_FILE -> GRUB -> /grub/$MAC -> /files/vmlinuz, /files/initramfs.gz -> marker; boot_events: dhcp-ack (arch 16) -> http-file $E2E_HTTP_FILE -> grub-served -> http-file vmlinuz, initramfs.gz -> ks-served -> install-start -> install-done; no TFTP datagram on the wire, TFTP counters 0"
e2e_times "uefi http boot (install)" "$MAC" "$E2E_SINCE" "$E2E_LOG"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
