#!/bin/busybox sh
# /init of the end-to-end test initramfs (busybox-static): network up by
# DHCP, the kickstart named by ks= fetched and checked against this host's
# name and IP, install-start and install-done reported to bootd; with
# fb=URL on the command line (a dom0), its first-boot script fetched and
# run with the stub xl of /stub (records to /tmp/xl.log, printed as
# BOOTD-E2E-XL lines); a marker line on the console, power off. Any
# failure prints BOOTD-E2E-FAIL and powers off too, so a failed boot ends
# at once. On UEFI the marker also says sb=<SecureBoot variable>.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
echo "BOOTD-E2E-INIT uptime=$(cut -d' ' -f1 /proc/uptime)"

die() {
	echo "BOOTD-E2E-FAIL $*"
	poweroff -f
	sleep 10
}

for m in $(cat /lib/modules/order); do
	insmod "/lib/modules/$m" 2>/dev/null
done
i=0
while [ ! -e /sys/class/net/eth0 ]; do
	i=$((i + 1)); [ $i -gt 100 ] && die "no eth0"; sleep 0.1
done
ip link set lo up
ip link set eth0 up
# e1000 drops what is sent before the link is up.
i=0
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ]; do
	i=$((i + 1)); [ $i -gt 100 ] && die "no carrier on eth0"; sleep 0.1
done
udhcpc -i eth0 -f -q -n -t 10 -T 1 -s /bin/udhcpc.sh >/tmp/udhcpc.log 2>&1 ||
	die "no DHCP lease: $(tail -2 /tmp/udhcpc.log | tr '\n' ' ')"
. /tmp/lease
[ -n "$hostname" ] || die "no host name (option 12) in the lease"

ks="" fb="" marks=""
for w in $(cat /proc/cmdline); do
	case $w in
	ks=*) ks=${w#ks=} ;;
	fb=*) fb=${w#fb=} ;;
	e2e=*|host=*) marks="$marks $w" ;;
	esac
done
if [ -n "$ks" ]; then
	timeout 20 wget -q -O /tmp/ks "$ks" || die "kickstart fetch failed: $ks"
	grep -qx "E2E-HOST=$hostname" /tmp/ks || die "kickstart does not name $hostname: $(head -c 300 /tmp/ks)"
	grep -qx "E2E-IP=$ip" /tmp/ks || die "kickstart does not name $ip"
	g=$(sed -n 's/^E2E-GUEST=//p' /tmp/ks | tr '\n' ',')
	[ -z "$g" ] || marks="$marks guests=${g%,}"
	srv=${ks%/ks/*}
	for st in install-start install-done; do
		timeout 10 wget -q -O /tmp/post --post-data "stage=$st&detail=e2e" \
			"$srv/status/$hostname" || die "POST $st to $srv/status/$hostname failed"
	done
	marks="$marks ks=ok"
else
	marks="$marks ks=none"
fi
# The dom0's first boot after its install, as its systemd unit would run
# it; each stub install takes 2 s (the margin for all three to start
# first), the script polls every 0.2 s.
if [ -n "$fb" ]; then
	timeout 20 wget -q -O /tmp/firstboot.sh "$fb" || die "first-boot script fetch failed: $fb"
	echo "BOOTD-E2E-FB start uptime=$(cut -d' ' -f1 /proc/uptime)"
	mkdir -p /tmp/doms
	PATH=/stub:/bin STUB_LOG=/tmp/xl.log STUB_DOMS=/tmp/doms STUB_INSTALL_SECS=2 \
		BOOTD_POLL=0.2 BOOTD_INSTALL_TIMEOUT=30 BOOTD_FIRSTBOOT_DIR=/tmp/fb \
		timeout 60 sh /tmp/firstboot.sh >/tmp/fb.out 2>&1 ||
		die "first-boot script failed: $(tail -3 /tmp/fb.out | tr '\n' ' ')"
	sed 's/^/BOOTD-E2E-XL /' /tmp/xl.log
	echo "BOOTD-E2E-FB done uptime=$(cut -d' ' -f1 /proc/uptime)"
	marks="$marks fb=ok"
fi
# On UEFI, the SecureBoot variable (efivarfs: 4 bytes of attributes, then
# the value): sb=1 when the firmware enforced Secure Boot.
if [ -d /sys/firmware/efi ]; then
	mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null
	v=/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
	sb=$(dd if="$v" bs=1 skip=4 count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	marks="$marks sb=${sb:-none}"
fi
echo "BOOTD-E2E-OK $hostname ip=$ip$marks uptime=$(cut -d' ' -f1 /proc/uptime) cmdline=$(cat /proc/cmdline)"
poweroff -f
sleep 10
