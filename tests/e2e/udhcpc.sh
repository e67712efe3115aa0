#!/bin/sh
# udhcpc event script of the e2e initramfs: configure eth0, keep the lease.
case $1 in
bound|renew)
	ifconfig "$interface" "$ip" ${subnet:+netmask $subnet} up
	[ -z "$router" ] || route add default gw "${router%% *}" dev "$interface" 2>/dev/null
	{
		echo "ip='$ip'"
		echo "hostname='$hostname'"
		echo "serverid='$serverid'"
	} > /tmp/lease
	;;
deconfig)
	ifconfig "$interface" 0.0.0.0
	;;
esac
exit 0
