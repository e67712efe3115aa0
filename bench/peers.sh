#!/usr/bin/env bash
# Installs the peers and clients the TFTP benchmark compares bootd with, on
# Debian 12. Idempotent: apt-get runs only when a package is missing.
#   bench/peers.sh [DIR]
# With DIR, also fetches atftpd into DIR/atftpd (extracted, not installed:
# the atftpd package conflicts with tftpd-hpa) and prints the path of its
# binary. Never starts a service: the benchmark runs each daemon itself.
set -euo pipefail

# servers: tftpd-hpa (in.tftpd), dnsmasq (its built-in TFTP server);
# clients; atftpd's runtime libraries (it is fetched, not installed: see
# below); namespaces, process tools, a C compiler for bench/tftp_client.c.
# perf is optional: it only adds a profile to the ceiling section.
"$(dirname "$0")/../scripts/deps.sh" tftpd-hpa dnsmasq-base \
	tftp-hpa atftp curl libwrap0 libpcre2-8-0 iproute2 procps gcc libc6-dev \
	--optional linux-perf

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
