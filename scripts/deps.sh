#!/usr/bin/env bash
# Installs what bootd needs to build, test and run its demo on Debian 12.
# Idempotent: apt-get runs only when a package is missing.
set -euo pipefail

PKGS=(
	# build
	build-essential cmake pkg-config clang libclang-rt-14-dev
	libevent-dev default-libmysqlclient-dev libconfig-dev libcmocka-dev
	# tests and demo: a private MariaDB, real clients, process/net tools
	mariadb-server mariadb-client curl iproute2 procps python3
	tftp-hpa atftp
	busybox-static isc-dhcp-client isc-dhcp-relay
	# dhcpgen: the real servers' own config checkers (services never started)
	isc-dhcp-server kea-dhcp4-server dnsmasq-base
	# HTTP routes: virt-xml-validate checks the libvirt domain XML
	libvirt-clients
	# end-to-end PXE boots (tests/e2e): QEMU, iPXE ROMs, OVMF, pxelinux,
	# GRUB EFI modules, cpio for the initramfs (the kernel package itself
	# is fetched with apt-get download into the build tree)
	qemu-system-x86 ipxe-qemu ovmf pxelinux syslinux-common
	grub-efi-amd64-bin cpio
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing ${missing[*]}; run as root to install" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# Never start the distribution's own mariadb service: tests run their own.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
