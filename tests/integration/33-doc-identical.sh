#!/usr/bin/env bash
# One document service: for every host and every document kind of the demo
# inventory and of the inventories the other integration tests load,
# `bootd render KIND HOST`, the HTTP body (curl) and, for the menus, the TFTP
# body (tftp-hpa, by MAC and by hex IP) are byte-identical; a kind that does
# not apply to a host is refused alike (render fails, HTTP 404). Every
# template is the built-in one: paths.templates is an empty folder.
. "$(dirname "$0")/../lib/common.sh"
t_init docsame
mariadb_start "$T" || fail "mariadb did not start"
mkdir -p "$T/templates" "$T/out"	# empty: the built-ins serve
bootd_config "$T/bootd.conf"
TPORT=$(free_port)
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; };|" "$T/bootd.conf"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
bootd_start "$T/bootd.conf"

U=http://127.0.0.1:$HTTP_PORT
KINDS="ks xen xen-install libvirt libvirt-install firstboot guests ipxe pxelinux grub"
NCMP=0

# The server has the database's generation (the menus name it).
synced() {
	local g
	g=$(mariadb_sql "SELECT gen FROM generation WHERE id = 1") || return 1
	curl -fsS "$U/healthz" | grep -q "generation=$g "
}

# url KIND HOST: the HTTP path of a document ("" when none names it);
# $mac and $dom0 are the host's.
url() {
	local k=$1 h=$2
	case $k in
	ks) echo "/ks/$h" ;;
	firstboot) echo "/firstboot/$h" ;;
	guests) echo "/guests/$h" ;;
	ipxe) echo "/ipxe/$h" ;;
	xen) [ -n "$dom0" ] && echo "/guests/$dom0/$h.cfg" ;;
	xen-install) [ -n "$dom0" ] && echo "/guests/$dom0/$h-install.cfg" ;;
	libvirt) [ -n "$dom0" ] && echo "/guests/$dom0/$h.xml" ;;
	libvirt-install) [ -n "$dom0" ] && echo "/guests/$dom0/$h-install.xml" ;;
	pxelinux) echo "/files/pxelinux.cfg/01-${mac//:/-}" ;;
	grub) echo "/files/grub/grub.cfg-01-${mac//:/-}" ;;
	esac
	return 0
}

hexip() {	# 10.213.0.11 -> 0AD5000B
	local IFS=.
	# shellcheck disable=SC2086
	printf '%02X%02X%02X%02X' $1
}

# compare_all LABEL [SQL condition]: every host (matching) x every kind,
# render vs HTTP (vs TFTP).
compare_all() {
	local label=$1 where=${2:-1} h k u code n=0 refused=0 failed=0 mac ip dom0 f
	wait_until 10 synced || fail "$label: server not at the DB's generation"
	while read -r h mac ip dom0; do
		[ "$dom0" != - ] || dom0=""
		for k in $KINDS; do
			u=$(url "$k" "$h")
			if B render "$k" "$h" > "$T/out/r" 2> "$T/out/r.err"; then
				[ -n "$u" ] || fail "$label: $k $h renders but has no URL"
				code=$(curl -sS -o "$T/out/h" -w '%{http_code}' "$U$u")
				[ "$code" = 200 ] || fail "$label: GET $u: $code, render gave $(wc -c < "$T/out/r") bytes"
				cmp -s "$T/out/r" "$T/out/h" ||
					{ diff "$T/out/r" "$T/out/h" | head; fail "$label: $k $h: render and HTTP differ"; }
				n=$((n + 1))
				if [ "$k" = pxelinux ] || [ "$k" = grub ]; then
					for f in "${u#/files/}" "$(dirname "${u#/files/}")/$( [ "$k" = grub ] && echo grub.cfg-)$(hexip "$ip")"; do
						rm -f "$T/out/t"
						(cd "$T/out" && timeout 20 tftp 127.0.0.1 "$TPORT" -m binary -c get "$f" t) >/dev/null 2>&1
						cmp -s "$T/out/r" "$T/out/t" ||
							fail "$label: $k $h: render and TFTP $f differ"
						n=$((n + 1))
					done
				fi
			elif grep -q "no such document\|no host" "$T/out/r.err"; then
				# Not one of its documents, or a rejected row.
				if [ -n "$u" ]; then
					code=$(curl -sS -o /dev/null -w '%{http_code}' "$U$u")
					[ "$code" = 404 ] || fail "$label: $k $h refused by render, GET $u: $code"
				fi
				refused=$((refused + 1))
			else
				# Fails to render (e.g. {{gateway}} of a host in no
				# subnet): a 500 over HTTP, an error over TFTP.
				grep -q "(host \"$h\", $k)" "$T/out/r.err" ||
					fail "$label: render $k $h: $(cat "$T/out/r.err")"
				code=$(curl -sS -o /dev/null -w '%{http_code}' "$U$u")
				[ "$code" = 500 ] || fail "$label: $k $h fails to render, GET $u: $code"
				if [ "$k" = pxelinux ] || [ "$k" = grub ]; then
					f=$(cd "$T/out" && timeout 20 tftp 127.0.0.1 "$TPORT" -m binary -c get "${u#/files/}" t 2>&1) || true
					grep -q "menu does not render" <<<"$f" ||
						fail "$label: $k $h fails to render, TFTP: $f"
				fi
				failed=$((failed + 1))
			fi
		done
	done < <(mariadb_sql "SELECT hostname, mac, ip, IFNULL(dom0, '-') FROM hosts WHERE $where ORDER BY hostname")
	[ "$n" -gt 0 ] || fail "$label: nothing compared"
	NCMP=$((NCMP + n))
	ok "$label: $n documents byte-identical (render, HTTP, TFTP menus); $refused host/kind pairs refused by both, $failed failing to render in both"
}

compare_all "demo inventory"

# The rows the other integration tests add (90-http's loopback hosts with a
# bridge host_var and an XML-special vdisk, 80-dhcpgen's generated hosts
# and a local profile with its own boot files, 70-dhcp's relayed hosts,
# 20-db-check's disabled dom0 with a guest and a guest without a disk).
mariadb_sql "
INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart) VALUES
 ('server', 'install', 'installer/vmlinuz', 'installer/initrd.img',
  'inst.ks={{ks_url}}', 'install.ks');
INSERT INTO hosts (hostname, mac, ip, profile, build, dom0, vdisk, memory_mb, vcpus) VALUES
 ('lohost', '52:54:00:00:09:21', '127.0.0.21', 'server', 1, NULL, NULL, NULL, NULL),
 ('lodom0', '52:54:00:00:09:22', '127.0.0.22', 'install', 1, NULL, NULL, NULL, NULL),
 ('lovm', '52:54:00:00:09:23', '10.213.0.99', 'guest', 1, 'lodom0', '/dev/vg1/lo&v''m', 512, 1);
INSERT INTO host_vars (hostname, name, value) VALUES ('lovm', 'bridge', 'br-lo');
INSERT INTO profiles (name, kind, kernel, initrd, append, selectable) VALUES
 ('p-a', 'diskless', 'k/a', 'i/a', 'ip={{ip}}', 1);
INSERT INTO hosts (hostname, mac, ip, profile, build)
 SELECT CONCAT('n', LPAD(seq, 4, '0')),
  CONCAT('02:00:00:00:', LPAD(HEX(seq >> 8), 2, '0'), ':',
   LPAD(HEX(seq & 255), 2, '0')),
  CONCAT('10.213.', 4 + seq DIV 250, '.', 1 + seq MOD 250), 'p-a', 0
 FROM seq_1_to_3;
INSERT INTO hosts (hostname, mac, ip, profile, enabled) VALUES
 ('off1', '02:00:00:01:00:01', '10.213.9.1', 'p-a', 0),
 ('far1', '02:00:00:01:00:02', '10.99.0.1', 'p-a', 1);
INSERT INTO host_vars (hostname, name, value) VALUES ('n0001', 'rack', 'r1');
INSERT INTO profiles (name, kind, bootfile_bios, bootfile_efi64, bootfile_arm64,
  bootfile_ipxe) VALUES
 ('p-shim', 'local', 'lpxelinux.0', 'efi/shimx64.efi', '',
  'http://boot.test/{{hostname}}.ipxe?ip={{ip}}');
INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
 ('ovr1', '02:00:00:02:00:01', '10.213.9.9', 'p-shim', 0),
 ('relay01', '52:54:00:00:04:01', '10.213.1.41', 'diskless-6.1', 0),
 ('far01', '52:54:00:00:05:01', '10.213.2.51', 'diskless-6.1', 0);
INSERT INTO hosts (hostname, mac, ip, profile, enabled, dom0, vdisk) VALUES
 ('dom0-off', '52:54:00:00:09:04', '10.213.0.53', 'install', 0, NULL, NULL),
 ('offguest', '52:54:00:00:09:05', '10.213.0.54', 'install', 1, 'dom0-off', '/dev/x'),
 ('nodisk', '52:54:00:00:09:06', '10.213.0.55', 'install', 1, 'dom0-01', NULL);" ||
	fail "the tests' rows"
# The demo's own hosts were compared above; of them only the menus change
# (profile p-a is selectable): node01 and dom0-01 stand for them.
compare_all "demo + the tests' inventories" \
	"hostname NOT IN ('node02', 'node03', 'vm01', 'vm02', 'vm03')"

bootd_stop
ok "$NCMP comparisons in all"
t_done
