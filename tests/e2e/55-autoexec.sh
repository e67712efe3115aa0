#!/usr/bin/env bash
# End-to-end signed-iPXE path: autoexec.ipxe over TFTP, rendered for the
# host that asks (found by its address). Signed iPXE runs no embedded
# script: at start it fetches autoexec.ipxe by TFTP from its next-server
# and runs it. QEMU's iPXE ROM does not do that by itself, so its DHCP
# answer (dhcp.bootfile.ipxe) is tftp://<next-server>/autoexec.ipxe: the
# same TFTP request from the host's own address, then the script runs.
# BIOS (the e1000 iPXE ROM) because it is the quickest boot here; the
# request bootd sees is the same from an EFI build.
#
# QEMU (TCG) -> iPXE DHCP -> TFTP autoexec.ipxe (this host's: chain
# <server_url>/ipxe/<mac>) -> the host's iPXE script -> /files/vmlinuz,
# /files/initramfs.gz over HTTP -> /ks/<host>, install-start,
# install-done -> BOOTD-E2E-OK. An address of no host (the namespace's
# loopback) gets the default script.
#
#   bd-e2e-PID: br0 10.213.55.2 (bootd: DHCP 67, TFTP 69, HTTP) ── tap0 ── VM
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
. "$BOOTD_SRC/tests/e2e/lib.sh"

E2E_IPXE_FILE=tftp://10.213.55.2/autoexec.ipxe	# what signed iPXE fetches
e2e_init autoexec 55
T0=$(date +%s)
e2e_assets
e2e_bootd
e2e_ra_start
H=e2e-ax1 MAC=52:54:00:e2:55:01 IP=10.213.55.51
e2e_host "$H" "$MAC" "$IP" e2e-install
ip netns exec "$E2E_NS" curl -fsS --max-time 5 tftp://127.0.0.1/autoexec.ipxe > "$T/unknown.ipxe" ||
	fail "TFTP autoexec.ipxe from 127.0.0.1"
grep -q 'is not in the inventory' "$T/unknown.ipxe" && grep -qx 'exit 1' "$T/unknown.ipxe" ||
	fail "default autoexec.ipxe: $(cat "$T/unknown.ipxe")"
"$BOOTD_BIN" --config "$T/bootd.conf" render autoexec "$IP" > "$T/want.ipxe" ||
	fail "bootd render autoexec $IP"
grep -qx "chain $E2E_URL/ipxe/$MAC" "$T/want.ipxe" || fail "render: $(cat "$T/want.ipxe")"
ok "$H ($MAC, $IP): bootd render autoexec $IP chains to $E2E_URL/ipxe/$MAC; 127.0.0.1 (no host) gets the default"

e2e_install_boot bios "$H" "$MAC" "$IP" "e2e=A ks=ok" \
	autoexec.ipxe http:vmlinuz http:initramfs.gz \
	@ks-served @install-start @install-done
grep -q "tftp: $IP:[0-9]*: \"autoexec.ipxe\" done: $(stat -c %s "$T/want.ipxe") bytes" "$T/bootd.log" ||
	fail "no TFTP transfer of autoexec.ipxe ($(stat -c %s "$T/want.ipxe") bytes) to $IP in the log"
grep -q "http: $IP GET /ipxe/$MAC 200" "$T/bootd.log" ||
	fail "the VM did not GET /ipxe/$MAC (the chain in its autoexec.ipxe)"
ok "autoexec.ipxe boot: iPXE DHCP -> TFTP autoexec.ipxe (its own, by address) -> GET /ipxe/$MAC -> kernel and initrd over HTTP -> marker; boot_events: dhcp-ack -> tftp-done autoexec.ipxe -> http-file vmlinuz, initramfs.gz -> ks-served -> install-start -> install-done"
e2e_times "autoexec.ipxe boot (install)" "$MAC" "$E2E_SINCE" "$E2E_LOG"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
