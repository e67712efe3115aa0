#!/usr/bin/env bash
# Installs what bootd needs to build, test and run its demo on Debian 12,
# or, given package names, those (the benchmarks name their peers):
#   scripts/deps.sh [PKG... [--optional PKG...]]
# An optional package that cannot be installed is reported, not fatal.
# Idempotent: apt-get runs only when a package is missing. Never starts a
# service: tests and benchmarks run every daemon themselves.
set -euo pipefail

PKGS=(
	# build
	build-essential cmake pkg-config clang libclang-rt-14-dev
	libevent-dev default-libmysqlclient-dev libconfig-dev libcmocka-dev
	libsystemd-dev libcap-dev liburing-dev
	# tests and demo: a private MariaDB, real clients, process/net tools
	mariadb-server mariadb-client curl iproute2 procps python3
	# the TFTP I/O paths (53-tftp-io-paths): a seccomp filter that denies
	# io_uring, as container runtimes do, and syscall counts
	python3-seccomp strace
	tftp-hpa atftp
	busybox-static isc-dhcp-client isc-dhcp-relay
	# dhcpgen: the real servers' own config checkers (services never started)
	isc-dhcp-server kea-dhcp4-server dnsmasq-base
	# perfdhcp (the DHCP benchmark's load client) and kea-admin
	kea-admin
	# HTTP routes: virt-xml-validate checks the libvirt domain XML (it
	# runs xmllint)
	libvirt-clients libxml2-utils
	# /metrics: promtool checks the exposition, the server scrapes it
	prometheus
	# the status page in a real browser (96-statuspage): headless
	# Chromium driven by chromedriver through Selenium
	chromium chromium-driver python3-selenium
	# end-to-end PXE boots (tests/e2e): QEMU, iPXE ROMs, OVMF, pxelinux,
	# GRUB EFI modules, cpio for the initramfs (the kernel package itself
	# is fetched with apt-get download into the build tree)
	qemu-system-x86 ipxe-qemu ovmf pxelinux syslinux-common
	grub-efi-amd64-bin cpio
	# Secure Boot (40-secureboot): Debian's signed shim and netboot GRUB
	# (OVMF's Secure Boot build comes with ovmf); arm64 (45-arm64): QEMU
	# and AAVMF. The arm64 kernel, busybox and signed GRUB are fetched
	# with apt-get download PKG:arm64, which needs the arm64 architecture
	# (added below).
	shim-signed grub-efi-amd64-signed qemu-system-arm qemu-efi-aarch64
	# packaging (tests 95, 97): the .deb, lintian, a clean bookworm root,
	# the unit checks (systemd-analyze), manual pages (man --warnings)
	git debhelper dpkg-dev lintian debootstrap systemd man-db
	libsystemd-dev
)
OPTIONAL=()
ARM64=1		# dpkg's arm64 architecture: with the default list only
if [ $# -gt 0 ]; then
	ARM64=0
	PKGS=()
	while [ $# -gt 0 ] && [ "$1" != --optional ]; do
		PKGS+=("$1")
		shift
	done
	[ $# -eq 0 ] || { shift; OPTIONAL=("$@"); }
fi

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done
optional=()
for p in "${OPTIONAL[@]}"; do
	installed "$p" || optional+=("$p")
done
# arm64 package indexes for the e2e test's apt-get download PKG:arm64.
foreign=0
if [ $ARM64 -eq 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	foreign=1
fi
[ ${#missing[@]} -gt 0 ] || [ ${#optional[@]} -gt 0 ] || [ $foreign -eq 1 ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	[ ${#missing[@]} -eq 0 ] && [ $foreign -eq 0 ] || {
		echo "deps: missing ${missing[*]} (arm64 architecture: $foreign); run as root to install" >&2
		exit 1
	}
	echo "deps: optional ${optional[*]} not installed (not root)" >&2
	exit 0
fi
[ $foreign -eq 0 ] || dpkg --add-architecture arm64
apt-get update -qq
# Refuse the postinst scripts' service starts: the distribution's MariaDB,
# Kea on :67 or tftpd-hpa on :69 of the host.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for p in "${optional[@]}"; do
	apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
		echo "deps: optional $p not installed" >&2
done
