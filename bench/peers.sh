#!/usr/bin/env bash
# Installs the peers and clients the TFTP benchmark compares bootd with, on
# Debian 12. Idempotent: apt-get runs only when a package is missing.
#   bench/peers.sh [DIR]
# With DIR, also fetches atftpd into DIR/atftpd (extracted, not installed:
# the atftpd package conflicts with tftpd-hpa) and prints the path of its
# binary. Never starts a service: the benchmark runs each daemon itself.
set -euo pipefail

PKGS=(
	# servers: tftpd-hpa (in.tftpd), dnsmasq (its built-in TFTP server)
	tftpd-hpa dnsmasq-base
	# clients
	tftp-hpa atftp curl
	# atftpd's runtime libraries (it is fetched, not installed: see below)
	libwrap0 libpcre2-8-0
	# namespaces, process tools, a C compiler for bench/tftp_client.c
	iproute2 procps gcc libc6-dev
)
# perf is optional: it only adds a profile to the ceiling section.
OPTIONAL=(linux-perf)

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "peers: missing ${missing[*]}; run as root to install" >&2
		exit 1
	fi
	echo "peers: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# tftpd-hpa's postinst would start its service on :69: refuse that.
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
		echo "peers: optional $p not installed" >&2
done

[ $# -ge 1 ] || exit 0
dir=$1
mkdir -p "$dir"
if [ ! -x "$dir/atftpd/usr/sbin/atftpd" ]; then
	# apt-get download drops privileges to _apt, which must write there.
	chmod 0777 "$dir"
	if ! (cd "$dir" && apt-get download -qq atftpd >/dev/null 2>&1); then
		apt-get update -qq
		(cd "$dir" && apt-get download -qq atftpd >/dev/null)
	fi
	chmod 0755 "$dir"
	dpkg-deb -x "$dir"/atftpd_*.deb "$dir/atftpd"
	if ldd "$dir/atftpd/usr/sbin/atftpd" | grep -q 'not found'; then
		echo "peers: atftpd lacks libraries:" >&2
		ldd "$dir/atftpd/usr/sbin/atftpd" | grep 'not found' >&2
		exit 1
	fi
fi
echo "$dir/atftpd/usr/sbin/atftpd"
