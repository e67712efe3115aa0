#!/usr/bin/env bash
# Benchmark (not a test): the same BIOS PXE boot (QEMU TCG, SeaBIOS + iPXE
# e1000 ROM -> pxelinux -> kernel + initramfs) served by bootd and by
# dnsmasq (DHCP + TFTP, dnsmasq-base) in one run, alternating, on the same
# TFTP root, inside a network namespace made here (10.213.42.0/24).
# Measured from the first DHCP packet the VM sends (a sniffer on the bridge):
# to the VM's last TFTP ACK (kernel and initramfs loaded: the part the
# servers do) and to the kernel start (init's first line minus its uptime;
# adds the kernel's decompression under TCG).
# Usage: bench/e2e.sh [ROUNDS]   (BOOTD_BIN defaults to build/bootd/bootd)
ROUNDS=${1:-2}
here=$(cd "$(dirname "$0")/.." && pwd)
export BOOTD_SRC=${BOOTD_SRC:-$here}
. "$BOOTD_SRC/tests/lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
. "$BOOTD_SRC/tests/e2e/lib.sh"
command -v dnsmasq >/dev/null || fail "dnsmasq missing: run scripts/deps.sh (dnsmasq-base)"

E2E_IPXE_FILE=pxelinux.0
e2e_init bench 42
e2e_assets
e2e_bootd
e2e_ra_start
H=e2e-bench1 MAC=52:54:00:e2:42:01 IP=10.213.42.41
e2e_host "$H" "$MAC" "$IP" e2e-b
M=${MAC//:/-}
# dnsmasq serves the same menu bootd renders, as a file in a copy of the root.
D=$T/dnsmasq-root
mkdir -p "$D/pxelinux.cfg"
cp "$T"/tftp/pxelinux.0 "$T"/tftp/ldlinux.c32 "$T"/tftp/vmlinuz "$T"/tftp/initramfs.gz "$D/"
e2e_menu "$MAC" > "$D/pxelinux.cfg/01-$M" || fail "menu"
cat > "$T/dnsmasq.conf" <<CONF
port=0
interface=br0
bind-interfaces
dhcp-range=10.213.42.0,static,255.255.255.0
dhcp-host=$MAC,$IP,$H
dhcp-option=option:router,10.213.42.1
dhcp-boot=pxelinux.0
# iPXE: skip the ProxyDHCP wait (the same choice bootd makes)
dhcp-option=encap:175,176,1
user=root
enable-tftp
tftp-root=$D
no-resolv
no-hosts
pid-file=
log-facility=$T/dnsmasq.log
CONF
dnsmasq --test -C "$T/dnsmasq.conf" >/dev/null 2>&1 || fail "dnsmasq config: $(dnsmasq --test -C "$T/dnsmasq.conf" 2>&1)"

SRV_PID=""
stop_srv() { [ -z "$SRV_PID" ] || { kill "$SRV_PID"; wait "$SRV_PID" 2>/dev/null; SRV_PID=""; }; }
conf=$T/bootd.conf
start_bootd() {
	ip netns exec "$E2E_NS" "$BOOTD_BIN" --config "$conf" serve >> "$T/bootd.log" 2>&1 &
	SRV_PID=$!
	BOOTD_PID=$SRV_PID
	wait_until 10 sh -c "ip netns exec $E2E_NS curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/inventory/$H | grep -q ." ||
		fail "bootd did not start"
}
start_dnsmasq() {
	ip netns exec "$E2E_NS" dnsmasq -k -C "$T/dnsmasq.conf" &
	SRV_PID=$!
	E2E_BG+=("$SRV_PID")
	sleep 0.5
	kill -0 "$SRV_PID" || fail "dnsmasq did not start: $(tail -3 "$T/dnsmasq.log")"
}
# bootd from e2e_bootd is stopped; each round starts its server afresh.
kill "$BOOTD_PID"; wait "$BOOTD_PID" 2>/dev/null; BOOTD_PID=""

declare -A R L P
run() {	# SERVER ROUND
	local srv=$1 n=$2 log=$T/serial-$1-$2.log sn t1 tl trrq up k l
	"start_$srv"
	ip netns exec "$E2E_NS" python3 "$E2E_DIR/sniff_dhcp.py" br0 "$IP" > "$T/sniff" &
	sn=$!
	E2E_BG+=("$sn")
	sleep 0.2
	e2e_boot bios "$MAC" "$log"
	e2e_marker "$log" | grep -q " e2e=B " || fail "$srv round $n: wrong marker"
	kill "$sn" 2>/dev/null; wait "$sn" 2>/dev/null
	read -r t1 tl trrq < "$T/sniff"
	l=$((tl - t1))
	P[$srv]="${P[$srv]:-} $((trrq - t1))/$((tl - trrq))"
	up=$(tr -d '\r' < "$log" | sed -n 's/.*BOOTD-E2E-INIT uptime=\([0-9.]*\).*/\1/p' | head -1)
	k=$(awk -v t0="$E2E_T0" -v ti="$E2E_T_init" -v u="$up" -v d="$t1" \
		'BEGIN { printf "%d", t0 + ti - u * 1000 - d }')
	echo "$srv round $n: first DHCP at $(e2e_s $((t1 - E2E_T0))) after QEMU start, last TFTP ACK $(e2e_s "$l") and kernel start $(e2e_s "$k") after the first DHCP packet, marker at $(e2e_s "$E2E_T_marker")"
	R[$srv]="${R[$srv]:-} $k"
	L[$srv]="${L[$srv]:-} $l"
	stop_srv
}
for n in $(seq 1 "$ROUNDS"); do
	run bootd "$n"
	run dnsmasq "$n"
done
med() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v b="$1" -v d="$2" 'BEGIN { printf "%.2f", d / b }'; }
b=$(med ${L[bootd]}) d=$(med ${L[dnsmasq]})
echo "RESULT first DHCP packet -> last TFTP ACK, median of $ROUNDS: bootd $(e2e_s "$b"), dnsmasq $(e2e_s "$d"), ratio dnsmasq/bootd $(ratio "$b" "$d")"
echo "  raw ms: bootd${L[bootd]}; dnsmasq${L[dnsmasq]}"
echo "  split ms, first DHCP -> first TFTP request / -> last TFTP ACK: bootd${P[bootd]}; dnsmasq${P[dnsmasq]}"
b=$(med ${R[bootd]}) d=$(med ${R[dnsmasq]})
echo "RESULT first DHCP packet -> kernel start, median of $ROUNDS: bootd $(e2e_s "$b"), dnsmasq $(e2e_s "$d"), ratio dnsmasq/bootd $(ratio "$b" "$d")"
echo "  raw ms: bootd${R[bootd]}; dnsmasq${R[dnsmasq]}"
t_done
