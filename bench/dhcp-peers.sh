#!/usr/bin/env bash
# Installs what the DHCP benchmark (bench/dhcp.sh) compares bootd with and
# drives it with, on Debian 12. Idempotent: apt-get runs only when a
# package is missing. Never starts a service: the benchmark runs each
# daemon itself, inside its own network namespace.
#   bench/dhcp-peers.sh
set -euo pipefail

PKGS=(
	# peers: dnsmasq, Kea DHCPv4 (built with MySQL support on Debian 12)
	dnsmasq-base kea-dhcp4-server
	# perfdhcp (the load client), kea-admin and Kea's MySQL schema
	kea-admin
	# the private MariaDB for bootd's inventory and Kea's hosts table
	mariadb-server mariadb-client
	# namespaces, process tools, the readiness probe, the Kea config edit
	iproute2 procps curl python3
)
# Optional: only the analysis (profile, syscall counts) uses them.
OPTIONAL=(linux-perf strace)

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "dhcp-peers: missing ${missing[*]}; run as root to install" >&2
		exit 1
	fi
	echo "dhcp-peers: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# kea-dhcp4-server's and mariadb-server's postinst would start their
	# services (Kea on :67 of the host): refuse that.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for p in "${OPTIONAL[@]}"; do
	installed "$p" || [ "$(id -u)" -ne 0 ] ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends "$p" >/dev/null 2>&1 ||
		echo "dhcp-peers: optional $p not installed" >&2
done
for b in perfdhcp kea-dhcp4 kea-admin dnsmasq; do
	command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || {
		echo "dhcp-peers: $b not found after install" >&2
		exit 1
	}
done
