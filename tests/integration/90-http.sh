#!/usr/bin/env bash
# HTTP routes against the demo inventory and a real MariaDB: every route
# rendered and checked (names, IPs, MACs, the guests of dom0-01, xl configs,
# libvirt XML through virt-xml-validate, iPXE, first-boot script), owner and
# admin ACLs from distinct loopback addresses, status POSTs into boot_events
# clearing the build flag, Range requests on a 100 MiB file compared with
# dd, path traversal, malformed requests, error bodies (the reason for the
# admin network, the status line only for others), broken and changed
# templates; the server keeps serving throughout and exits cleanly.
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/http_helpers.sh"
t_init http
command -v virt-xml-validate >/dev/null || fail "virt-xml-validate missing (scripts/deps.sh)"
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
http_admin_only "$T/bootd.conf"
# The loopback hosts below get a subnet too (gateway, netmask).
http_lo_subnet "$T/bootd.conf"
# A private copy of the templates: broken and overridden below.
mkdir -p "$T/tpl"
cp "$BOOTD_SRC"/templates/* "$T/tpl/"
sed -i "s|templates = \"[^\"]*\"|templates = \"$T/tpl\"|" "$T/bootd.conf"
B() { "$BOOTD_BIN" --config "$T/bootd.conf" "$@"; }
B db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
# Hosts on loopback addresses, so curl --interface can act as them.
mariadb_sql "
INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart) VALUES
 ('server', 'install', 'installer/vmlinuz', 'installer/initrd.img',
  'inst.ks={{ks_url}}', 'install.ks');
INSERT INTO hosts (hostname, mac, ip, profile, build, dom0, vdisk, memory_mb, vcpus) VALUES
 ('lohost', '52:54:00:00:09:21', '127.0.0.21', 'server', 1, NULL, NULL, NULL, NULL),
 ('lodom0', '52:54:00:00:09:22', '127.0.0.22', 'install', 1, NULL, NULL, NULL, NULL),
 ('lovm', '52:54:00:00:09:23', '10.213.0.99', 'guest', 1, 'lodom0', '/dev/vg1/lo&v''m', 512, 1);
INSERT INTO host_vars (hostname, name, value) VALUES ('lovm', 'bridge', 'br-lo');" ||
	fail "loopback hosts"

R=$T/tftp
mkdir -p "$R/installer" "$R/kernels/6.1" "$R/sub"
head -c 3000 /dev/urandom > "$R/installer/vmlinuz"
head -c 5000 /dev/urandom > "$R/installer/initrd.img"
head -c $((100 * 1024 * 1024)) /dev/urandom > "$R/big.bin"
echo small > "$R/sub/small.txt"
ln -s sub/small.txt "$R/inside-link"
ln -s /etc/passwd "$R/passwd-link"
ln -s /etc "$R/etc-link"
mkfifo "$R/fifo"
mknod "$R/null-dev" c 1 3
bootd_start "$T/bootd.conf"
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'hosts=10 .*source=db'" ||
	fail "inventory not loaded"
A=$HTTP_ADMIN
S=$HTTP_STRANGER
U=http://127.0.0.1:$HTTP_PORT

code_is() {	# code_is CODE FROM PATH
	[ "$(hc "$2" "$3")" = "$1" ]
}

has() {	# has TEXT PATTERN... : every fixed string present
	local text=$1 p
	shift
	for p in "$@"; do
		grep -qF -- "$p" <<<"$text" || { echo "$text" | head -50; fail "missing: $p"; }
	done
}

# --- Every route, rendered and checked -----------------------------------
ks=$(hget $A /ks/dom0-01) || fail "ks dom0-01"
has "$ks" 'kickstart for Xen dom0 dom0-01 (52:54:00:00:02:01)' \
	'--ip=10.213.0.21 --netmask=255.255.255.0 --gateway=10.213.0.1' \
	'--hostname=dom0-01.demo.test' 'rootpw --iscrypted $6$demo$notarealhash' \
	'# guest vm01 52:54:00:00:03:01 10.213.0.31 disk /dev/vg0/vm01' \
	'# guest vm03 52:54:00:00:03:03 10.213.0.33 disk /dev/vg0/vm03' \
	'bootd-firstboot.service' "curl -fsS $U/firstboot/dom0-01 | sh" \
	'ConditionPathExists=!/var/lib/bootd-firstboot/firstboot-done' \
	"--data \"\$2\" '$U/status/dom0-01'" "bootd_status 20 'stage=install-done'"
grep -q '{{' <<<"$ks" && fail "unrendered tag in kickstart"
ok "/ks/dom0-01: dom0 kickstart with its guests and the first-boot unit"
ks=$(hget $A /ks/52:54:00:00:03:02) || fail "ks by MAC"
has "$ks" 'kickstart for guest vm02 (52:54:00:00:03:02) on dom0-01' \
	'--ip=10.213.0.32' 'rootpw --lock'
ok "/ks/<MAC>: guest kickstart of vm02"
ks=$(hget 127.0.0.21 /ks/lohost) || fail "ks lohost from its own IP"
has "$ks" 'kickstart for lohost (52:54:00:00:09:21), profile server' '--ip=127.0.0.21'
ok "/ks/lohost from the host's own IP (install.ks)"

gl=$(hget $A /guests/dom0-01) || fail "guest list"
[ "$(cut -d' ' -f1 <<<"$gl" | tr '\n' ' ')" = "vm01 vm02 vm03 " ] ||
	fail "guest list: $gl"
has "$gl" 'vm02 guest installer/vmlinuz installer/initrd.img'
ok "/guests/dom0-01: vm01..vm03, one per line"
for g in vm01 vm02 vm03; do
	n=${g#vm0}
	c=$(hget $A /guests/dom0-01/$g.cfg) || fail "$g.cfg"
	has "$c" "name = \"$g\"" "disk = [ \"phy:/dev/vg0/$g,xvda,w\" ]" \
		"vif = [ \"mac=52:54:00:00:03:0$n,bridge=xenbr0\" ]" \
		'bootloader = "pygrub"' 'on_reboot = "restart"'
	i=$(hget $A /guests/dom0-01/$g-install.cfg) || fail "$g-install.cfg"
	has "$i" "name = \"$g\"" "phy:/dev/vg0/$g" 'on_reboot = "destroy"' \
		'kernel = "/var/lib/bootd-firstboot/boot/guest/vmlinuz"' \
		"inst.ks=$U/ks/$g ip=10.213.0.3$n::10.213.0.1:255.255.255.0:$g:eth0:none nameserver=10.213.0.1"
	for x in "" -install; do
		hget $A /guests/dom0-01/$g$x.xml > "$T/$g$x.xml" || fail "$g$x.xml"
		virt-xml-validate "$T/$g$x.xml" domain >/dev/null 2>&1 ||
			{ cat "$T/$g$x.xml"; fail "$g$x.xml does not validate"; }
		has "$(cat "$T/$g$x.xml")" "<name>$g</name>" \
			"<source dev='/dev/vg0/$g'/>" \
			"<mac address='52:54:00:00:03:0$n'/>"
	done
	grep -q '<on_reboot>destroy</on_reboot>' "$T/$g-install.xml" ||
		fail "install XML reboots"
	grep -q "<cmdline>inst.ks=$U/ks/$g " "$T/$g-install.xml" || fail "install XML cmdline"
done
c=$(hget $A /guests/dom0-01/vm02.cfg)
has "$c" 'memory = 4096' 'vcpus = 2'
ok "xl running and install configs, libvirt XML (virt-xml-validate) for vm01..vm03"
hget $A /guests/lodom0/lovm.xml > "$T/lovm.xml" || fail "lovm.xml"
grep -qF "<source dev='/dev/vg1/lo&amp;v&apos;m'/>" "$T/lovm.xml" || fail "XML not escaped: $(cat "$T/lovm.xml")"
grep -qF "<source bridge='br-lo'/>" "$T/lovm.xml" || fail "guest's own bridge"
virt-xml-validate "$T/lovm.xml" domain >/dev/null 2>&1 || fail "escaped XML invalid"
ok "libvirt XML escapes values (vdisk /dev/vg1/lo&v'm), guest's bridge host_var"

fb=$(hget $A /firstboot/dom0-01) || fail "firstboot"
[ "$(head -1 <<<"$fb")" = '#!/bin/sh' ] || fail "firstboot first line: $(head -1 <<<"$fb")"
has "$fb" "DOM0='dom0-01'" "BASE=\${BOOTD_URL:-'$U'}" '(vm01 vm02 vm03 as of this rendering)'
sh -n <<<"$fb" || fail "firstboot script does not parse"
ok "/firstboot/dom0-01: a shell script that parses"

ip=$(hget $S /ipxe/52:54:00:00:01:01) || fail "ipxe node01"
[ "$(head -1 <<<"$ip")" = '#!ipxe' ] || fail "ipxe first line"
has "$ip" "kernel $U/files/kernels/6.1/vmlinuz initrd=initrd root=/dev/nfs nfsroot=127.0.0.1:/srv/nfsroot/6.1 ip=10.213.0.11::10.213.0.1:255.255.255.0:node01::none" \
	"initrd --name initrd $U/files/kernels/6.1/initrd.img" boot
ip=$(hget $S /ipxe/52-54-00-00-02-01) || fail "ipxe dom0-01"
has "$ip" "kernel $U/files/installer/vmlinuz initrd=initrd inst.ks=$U/ks/dom0-01"
ok "/ipxe/<MAC>: kernel, initrd and append line over HTTP, to anyone"
b=$(hget $A /files/pxelinux.cfg/01-52-54-00-00-01-01) || fail "virtual file"
has "$b" 'DEFAULT diskless-6.1'
ok "/files/ also serves the TFTP server's virtual menus"

# HEAD: headers only, the same length.
len=$(hget $A /ks/dom0-01 | wc -c)
h=$(curl -sS -I --interface $A "$U/ks/dom0-01")
grep -qi "^Content-Length: $len" <<<"$h" || fail "HEAD length: $h"
ok "HEAD /ks: Content-Length $len, no body"

# bootd render prints what the server sends.
rd() {	# rd KIND HOST PATH
	B render "$1" "$2" > "$T/render.out" 2>"$T/render.err" ||
		fail "render $1 $2: $(cat "$T/render.err")"
	hget $A "$3" > "$T/http.out" || fail "GET $3"
	cmp -s "$T/render.out" "$T/http.out" || { diff "$T/render.out" "$T/http.out" | head; fail "render $1 $2 differs from $3"; }
}
rd ks dom0-01 /ks/dom0-01
rd ks 52:54:00:00:03:01 /ks/vm01
rd xen vm02 /guests/dom0-01/vm02.cfg
rd xen-install vm02 /guests/dom0-01/vm02-install.cfg
rd libvirt vm03 /guests/dom0-01/vm03.xml
rd libvirt-install vm03 /guests/dom0-01/vm03-install.xml
rd firstboot dom0-01 /firstboot/dom0-01
rd ipxe node01 /ipxe/52:54:00:00:01:01
rd pxelinux node02 /files/pxelinux.cfg/01-52-54-00-00-01-02
rd grub node03 /files/grub/grub.cfg-01-52-54-00-00-01-03
rc=0; B render xen dom0-01 >/dev/null 2>"$T/render.err" || rc=$?
[ $rc = 1 ] && grep -q 'not a guest' "$T/render.err" || fail "render xen of a dom0: $rc"
rc=0; B render bogus vm01 >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "render of an unknown kind: $rc"
rc=0; B render ks node01 >/dev/null 2>"$T/render.err" || rc=$?
[ $rc = 1 ] && grep -q 'has no kickstart' "$T/render.err" || fail "render ks without kickstart"
ok "bootd render KIND HOST prints what HTTP serves, for all nine kinds"

# --- ACLs ----------------------------------------------------------------
for p in /ks/dom0-01 /ks/vm01 /guests/dom0-01 /guests/dom0-01/vm01.cfg \
	/guests/dom0-01/vm01-install.cfg /guests/dom0-01/vm01.xml /firstboot/dom0-01; do
	expect 403 $S "$p"
	expect 200 $A "$p"
done
grep -q "http: $S: /ks/dom0-01: forbidden" "$T/bootd.log" || fail "no 403 log line"
ok "secrets: 403 (and a log line) for a stranger, 200 for the admin network"
expect 403 127.0.0.22 /ks/lohost
expect 200 127.0.0.22 /guests/lodom0
expect 200 127.0.0.22 /guests/lodom0/lovm.cfg
expect 200 127.0.0.22 /firstboot/lodom0
expect 403 127.0.0.21 /guests/lodom0
expect 403 127.0.0.21 /firstboot/lodom0
expect 403 127.0.0.22 /guests/dom0-01
expect 200 $S /files/installer/vmlinuz
ok "owners: a host gets its own kickstart, a dom0 its guests' configs"

# --- Status POSTs --------------------------------------------------------
[ "$(hpost 127.0.0.21 /status/lohost 'stage=install-start&detail=anaconda+35')" = 200 ] ||
	fail "install-start"
[ "$(hpost $S /status/lohost 'stage=install-done')" = 403 ] || fail "stranger status"
[ "$(hpost 127.0.0.21 /status/lohost 'stage=Bad_Stage')" = 400 ] || fail "bad stage"
[ "$(hpost 127.0.0.21 /status/lohost "stage=$(printf 'a%.0s' $(seq 40))")" = 400 ] ||
	fail "long stage"
[ "$(hpost 127.0.0.21 /status/lohost "stage=x&detail=$(head -c 3000 /dev/zero | tr '\0' a)")" = 413 ] ||
	fail "big status body"
[ "$(hpost 127.0.0.21 /status/lohost 'stage=x&detail=a%01b')" = 400 ] || fail "control byte"
[ "$(hpost 127.0.0.21 /status/nosuch 'stage=x')" = 404 ] || fail "status unknown host"
[ "$(hpost 127.0.0.22 /status/lovm 'stage=guest-installed&detail=on+lodom0')" = 200 ] ||
	fail "dom0 reporting for its guest"
[ "$(hpost 127.0.0.21 /status/lovm 'stage=x')" = 403 ] || fail "other host reporting"
expect 200 127.0.0.21 /ks/lohost
[ "$(hpost 127.0.0.21 /status/lohost 'stage=install-done&detail=ok')" = 200 ] ||
	fail "install-done"
build_is() { [ "$(mariadb_sql "SELECT build FROM hosts WHERE hostname='$1'")" = "$2" ]; }
wait_until 5 build_is lohost 0 ||
	fail "build flag not cleared"
# Each kickstart sent is a row too (ks-served, path and peer), in order.
ev=$(mariadb_sql "SELECT mac, stage, detail FROM boot_events WHERE hostname='lohost' ORDER BY id")
[ "$ev" = "$(printf '%s\n' '52:54:00:00:09:21	ks-served	/ks/lohost from 127.0.0.21' \
	'52:54:00:00:09:21	install-start	anaconda 35' \
	'52:54:00:00:09:21	ks-served	/ks/lohost from 127.0.0.21' \
	'52:54:00:00:09:21	install-done	ok')" ] ||
	fail "boot_events rows: $ev"
[ "$(mariadb_sql "SELECT stage FROM boot_events WHERE hostname='lovm'")" = guest-installed ] ||
	fail "guest-installed row"
ok "status: boot_events rows, bad stage/detail 400, big body 413, build = 0 after install-done"
served() {	# served HOST STAGE: its rows' details, one per line
	mariadb_sql "SELECT detail FROM boot_events WHERE hostname='$1' AND stage='$2' ORDER BY id"
}
served_are() { [ "$(served "$1" "$2")" = "$3" ]; }
[ "$(served vm02 ks-served)" = "/ks/52:54:00:00:03:02 from $A" ] ||
	fail "ks-served of vm02 (fetched by MAC as admin): $(served vm02 ks-served)"
[ "$(served lodom0 firstboot-served)" = "/firstboot/lodom0 from 127.0.0.22" ] ||
	fail "firstboot-served of lodom0: $(served lodom0 firstboot-served)"
[ -z "$(served lovm ks-served)$(served lodom0 ks-served)" ] ||
	fail "ks-served rows for hosts whose kickstart was never sent"
wait_until 5 code_is 403 127.0.0.21 /ks/lohost ||
	fail "kickstart still served after install-done"
expect 200 $A /ks/lohost
grep -q "/ks/lohost: forbidden: the host's build flag is clear" "$T/bootd.log" ||
	fail "no build-flag log line"
ipl=$(hget $S /ipxe/lohost)
has "$ipl" 'sanboot --no-describe --drive 0x80'
ok "after install-done: kickstart 403 to the host (200 to admins), iPXE boots the disk"
# Only what was sent is recorded: not a 403, nor a HEAD. (The wait above
# may have been sent the kickstart once more before the reload.)
wait_until 5 sh -c "[ \"\$(mariadb --no-defaults --socket='$MDB_SOCK' -uroot --batch --skip-column-names bootd -e \"SELECT detail FROM boot_events WHERE hostname='lohost' ORDER BY id DESC LIMIT 1\")\" = '/ks/lohost from $A' ]" ||
	fail "ks-served of lohost to an admin: $(served lohost ks-served)"
n=$(served lohost ks-served | wc -l)
expect 403 127.0.0.21 /ks/lohost
curl -fsS -I --interface $A "$U/ks/lohost" >/dev/null || fail "HEAD /ks/lohost"
curl -fsS -I --interface $A "$U/firstboot/lodom0" >/dev/null || fail "HEAD /firstboot/lodom0"
expect 200 $A /firstboot/lodom0
wait_until 5 served_are lodom0 firstboot-served "$(printf '%s\n' "/firstboot/lodom0 from 127.0.0.22" "/firstboot/lodom0 from $A")" ||
	fail "firstboot-served after a GET by an admin: $(served lodom0 firstboot-served)"
[ "$(served lohost ks-served | wc -l)" = "$n" ] ||
	fail "ks-served rows of lohost after a 403 and a HEAD: $(served lohost ks-served)"
ok "ks-served / firstboot-served: one row per document sent (path and peer), none for 403 or HEAD"

# --- Methods -------------------------------------------------------------
expect 405 $A /status/lohost
[ "$(hpost $A /ks/lohost 'stage=x')" = 405 ] || fail "POST on /ks"
curl -sS -i --interface $A "$U/status/lohost" | grep -qi '^Allow: POST' || fail "Allow header"
[ "$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$U/ks/lohost")" -ge 405 ] || fail "DELETE"
ok "POST only on /status (405 with Allow elsewhere), other methods refused"

# --- /files/ with Range --------------------------------------------------
BIG=$R/big.bin
SIZE=$(stat -c %s "$BIG")
# A reader that asks for the file and then takes nothing: evhttp's write
# timeout (HTTP_TIMEOUT, 30 s) must close it while the rest runs. After
# 40 s it reads what is queued: an end of file short of the whole file,
# not the rest of the file followed by a keep-alive silence.
python3 - "$HTTP_PORT" 40 > "$T/stalled.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /files/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(int(sys.argv[2]))
s.settimeout(10)
n = 0
try:
    while True:
        d = s.recv(1 << 20)
        if not d:
            break
        n += len(d)
    print("eof", n)
except socket.timeout:
    print("open", n)
except ConnectionResetError:
    print("reset", n)
PY
STALLED_PID=$!
curl -fsS --interface $S "$U/files/big.bin" -o "$T/big.out" || fail "big file"
cmp -s "$BIG" "$T/big.out" || fail "100 MiB file differs"
rm -f "$T/big.out"
ok "100 MiB file whole"
rng() {	# rng SPEC FIRST COUNT: compare a Range reply with dd
	local spec=$1 first=$2 count=$3 hdr
	hdr=$(curl -sS --interface $S -D - -o "$T/r.out" -H "Range: bytes=$spec" "$U/files/big.bin") ||
		fail "range $spec"
	grep -q '^HTTP/1.1 206' <<<"$hdr" || fail "range $spec: $(head -1 <<<"$hdr")"
	grep -qi "^Content-Range: bytes $first-$((first + count - 1))/$SIZE" <<<"$hdr" ||
		fail "range $spec: $(grep -i content-range <<<"$hdr")"
	dd if="$BIG" of="$T/r.want" bs=64K iflag=skip_bytes,count_bytes skip="$first" \
		count="$count" status=none
	cmp -s "$T/r.want" "$T/r.out" || fail "range $spec: bytes differ"
	[ "$(stat -c %s "$T/r.out")" = "$count" ] || fail "range $spec: length"
}
rng 0-0 0 1
rng 0-1048575 0 1048576
rng 52428800-52429899 52428800 1100
rng 12345-99999999 12345 $((99999999 - 12345 + 1))
rng $((SIZE - 1))- $((SIZE - 1)) 1
rng 104000000- 104000000 $((SIZE - 104000000))
rng -1000 $((SIZE - 1000)) 1000
rng -999999999 0 "$SIZE"
rng 7-$((SIZE + 5000)) 7 $((SIZE - 7))
# Across the 2 MiB pieces a file goes out in (HTTP_SENDFILE_CHUNK).
rng 2097151-2097152 2097151 2
rng 4194304-6291455 4194304 2097152
rng 3-$((3 * 2097152 + 1)) 3 $((3 * 2097152 - 1))
ok "Range: 12 single ranges incl. suffix, open-ended, across sendfile chunks, bytes equal dd's"
# Keep-alive: a file reply ends where its Content-Length says, and the
# next request on the connection is answered.
n=$(curl -fsS --interface $S -o "$T/r.out" -w '%{num_connects} ' -r 1000-5000999 \
	"$U/files/big.bin" --next -fsS --interface $S -o "$T/small.out" \
	-w '%{num_connects} ' "$U/files/sub/small.txt") || fail "keep-alive pair"
[ "$n" = "1 0 " ] || fail "keep-alive pair: connects $n, want 1 0"
cmp -s <(tail -c +1001 "$BIG" | head -c 5000000) "$T/r.out" || fail "keep-alive range bytes"
[ "$(cat "$T/small.out")" = small ] || fail "keep-alive: second reply"
ok "a file reply, then a second request on the same connection"
# A file body goes out corked (TCP_CORK), uncorked once the reply is
# complete: five replies of a 3,000-byte file on one connection, each
# shorter than a segment, so each waits for the uncork. Without it each
# waits for the kernel's 200 ms cork limit (1 s for the five).
args=()
for i in 1 2 3 4 5; do
	[ $i = 1 ] || args+=(--next)
	args+=(-fsS --interface $S -o /dev/null -w '%{time_total} %{num_connects}\n'
		"$U/files/installer/vmlinuz")
done
t=$(curl "${args[@]}" | awk '{ s += $1; n++; c += $2 } END { printf "%d %d %d", n, c, s * 1000 }') ||
	fail "five keep-alive replies"
[ "${t% *}" = "5 1" ] && [ "${t##* }" -lt 500 ] ||
	fail "five keep-alive replies of 3,000 bytes: $t (replies, connects, ms), want 5 on 1 in < 500 ms"
strace -qq -e trace=setsockopt,sendfile -o "$T/cork.st" -p "$BOOTD_PID" & sp=$!
wait_until 10 grep -Eq '^TracerPid:[[:space:]]*[1-9]' "/proc/$BOOTD_PID/status" ||
	fail "strace did not attach"
curl -fsS --interface $S -o "$T/r.out" -r 0-6291455 "$U/files/big.bin" || fail "fetch under strace"
kill -INT "$sp"; wait "$sp" 2>/dev/null || true
cmp -s <(head -c 6291456 "$BIG") "$T/r.out" || fail "corked bytes differ"
seq=$(sed -n 's/^setsockopt([0-9]*, SOL_TCP, TCP_CORK, \[\([01]\)\].*/cork\1/p; s/^sendfile(.*/sendfile/p' \
	"$T/cork.st" | uniq | tr '\n' ' ')
[ "$seq" = "cork1 sendfile cork0 " ] || fail "TCP_CORK around the file body: $seq"
ok "a file body goes out corked and is uncorked at its end (5 short keep-alive replies in ${t##* } ms)"
hdr=$(curl -sS --interface $S -D - -o "$T/r.out" -H "Range: bytes=$SIZE-" "$U/files/big.bin")
grep -q '^HTTP/1.1 416' <<<"$hdr" || fail "416: $(head -1 <<<"$hdr")"
grep -qi "^Content-Range: bytes \*/$SIZE" <<<"$hdr" || fail "416 Content-Range"
[ "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Range: bytes=-0' "$U/files/big.bin")" = 416 ] ||
	fail "bytes=-0"
for h in 'bytes=0-1,5-9' 'bytes=9-3' 'items=0-5' 'bytes=x-5'; do
	out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' -H "Range: $h" "$U/files/big.bin")
	[ "$out" = "200 $SIZE" ] || fail "Range: $h gave $out, want the whole file"
done
out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=0-9' \
	-H 'If-Range: "x"' "$U/files/big.bin")
[ "$out" = "200 $SIZE" ] || fail "If-Range: $out"
h=$(curl -sS -I "$U/files/big.bin")
grep -qi "^Content-Length: $SIZE" <<<"$h" && grep -qi '^Accept-Ranges: bytes' <<<"$h" ||
	fail "HEAD /files: $h"
ok "416 past the end, several ranges or bad syntax or If-Range give the whole file, HEAD"
wait "$STALLED_PID" || fail "stalled reader: $(cat "$T/stalled.out")"
read -r how got < "$T/stalled.out"
[ "$how" = eof ] && [ "$got" -lt "$SIZE" ] ||
	fail "a reader that took nothing for 40 s: $how after $got bytes, want eof short of $SIZE"
ok "a reader that stops taking the file is closed (eof after $got of $SIZE bytes)"

# --- Path safety ---------------------------------------------------------
for p in /files/../etc/passwd /files/sub/../../etc/passwd /files/%2e%2e/etc/passwd \
	/files/%2E%2E%2Fetc%2Fpasswd /files/..%5cetc/passwd /files/sub%00x /files/ \
	/files/passwd-link /files/etc-link/passwd /files/fifo /files/null-dev /files/sub \
	/files/nosuch /files//etc/passwd; do
	c=$(curl -sS --path-as-is -o "$T/p.out" -w '%{http_code}' "$U$p")
	case $c in 400|403|404) ;; *) fail "$p: $c" ;; esac
	grep -q root: "$T/p.out" && fail "$p: served /etc/passwd"
	ok "refused $p: $c"
done
[ "$(hget $S /files/inside-link)" = small ] || fail "symlink inside the root"
[ "$(hget $S /files//sub/small.txt)" = small ] || fail "double slash"
ok "a symlink inside the root and a leading slash are fine"

# --- Malformed requests --------------------------------------------------
expect 404 $A /ks/nosuch
expect 404 $A /ks/
expect 404 $A /ks/vm01/x
expect 404 $A /guests/nosuch
expect 404 $A /guests/dom0-01/vm09.cfg
expect 404 $A /guests/dom0-01/vm01.txt
expect 404 $A /guests/dom0-01/vm01.cfg/x
expect 404 $A /firstboot/nosuch
expect 404 $A /ipxe/52:54:00:99:99:99
expect 404 $A /ks/node01	# a diskless profile has no kickstart
expect 404 $A /nosuch
expect 400 $A /ks/a%00b
[ -z "$(hget $A /guests/node01)" ] || fail "guest list of a host without guests"
ok "unknown hosts, guests and paths: 404; %00: 400"
big=$(head -c 20000 /dev/zero | tr '\0' a)
c=$(curl -sS -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$U/healthz")
case $c in 400|413|431) ;; *) fail "huge header: $c" ;; esac
ok "huge header: $c"
c=$(head -c 70000 /dev/zero | tr '\0' a | curl -sS -o /dev/null -w '%{http_code}' \
	--data-binary @- "$U/status/lohost")
case $c in 413) ;; *) fail "huge body: $c" ;; esac
ok "huge body: 413"
resp=$(exec 3<>/dev/tcp/127.0.0.1/$HTTP_PORT; printf 'GARBAGE\r\n\r\n' >&3; timeout 5 cat <&3)
grep -q '^HTTP/1.1 400' <<<"$resp" || fail "garbage request: $resp"
resp=$(exec 3<>/dev/tcp/127.0.0.1/$HTTP_PORT; printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n' >&3; timeout 5 cat <&3)
grep -q '^HTTP/1.1 400' <<<"$resp" || fail "bad header line: $resp"
ok "garbage request line and header: 400"
expect 200 $A /healthz

# --- Error bodies say why, to the admin network only ---------------------
body() {	# body FROM PATH: the body and headers of a GET, whatever its code
	curl -sS --max-time 20 --path-as-is --interface "$1" -D "$T/eh" \
		"http://127.0.0.1:$HTTP_PORT$2"
}
b=$(body $A /ks/node01)
[ "$b" = "$(printf '404 Not Found\nprofile has no kickstart')" ] ||
	fail "admin's 404 body: $b"
grep -qi '^X-Content-Type-Options: nosniff' "$T/eh" || fail "no nosniff: $(cat "$T/eh")"
b=$(body $A /files/sub/../../etc/passwd)
[ "$b" = "$(printf '400 Bad Request\n".." in file name')" ] || fail "admin's 400 body: $b"
b=$(body $A /files/a%01b)
[ "$b" = "$(printf '400 Bad Request\ncontrol character in file name')" ] ||
	fail "admin's 400 body (control byte): $b"
b=$(body $A /files/nosuch)
[ "$b" = "$(printf '404 Not Found\nno such file')" ] || fail "admin's /files 404: $b"
ok "admins get the reason of a refusal on a second line (404, 400)"
for p in /ks/node01 /files/sub/../../etc/passwd /files/a%01b /files/nosuch /ks/dom0-01 \
	/inventory; do
	b=$(body $S "$p")
	grep -Eqx '(400 Bad Request|403 Forbidden|404 Not Found)' <<<"$b" ||
		fail "a stranger got more than the status line for $p: $b"
done
ok "strangers get the status line only (400, 403, 404): nothing leaks"

# --- Templates: broken, fixed, built-in, overridden ----------------------
mariadb_sql "UPDATE profiles SET kickstart='broken.ks' WHERE name='server';
	UPDATE hosts SET build=1 WHERE hostname='lohost'"
printf 'line one {{hostname}}\n{{#guests}}\n{{hostname}}\n' > "$T/tpl/broken.ks"
wait_until 5 code_is 500 $A /ks/lohost || fail "broken template not 500"
body=$(curl -sS "$U/ks/lohost")
[ "$body" = "500 Internal Server Error" ] || fail "half-rendered body? $body"
grep -q "/ks/lohost: template $T/tpl/broken.ks:2: .*(host \"lohost\")" "$T/bootd.log" ||
	{ tail "$T/bootd.log"; fail "broken template not logged with file:line and host"; }
ok "broken template: 500, one log line with file:line and host"
printf 'line one {{hostname}}\n{{no_such_var}}\n' > "$T/tpl/broken.ks"
render_err_logged() {
	curl -sS -o "$T/b.out" "$U/ks/lohost"
	grep -q "/ks/lohost: $T/tpl/broken.ks:2: unknown variable \"no_such_var\" (host \"lohost\")" \
		"$T/bootd.log"
}
wait_until 5 render_err_logged || { tail "$T/bootd.log"; fail "render error not logged"; }
[ "$(cat "$T/b.out")" = "500 Internal Server Error" ] || fail "render error body: $(cat "$T/b.out")"
ok "unknown variable at render time: 500, no partial body, logged with file:line"
printf 'fixed {{hostname}} {{ip}}\n' > "$T/tpl/broken.ks"
wait_until 5 sh -c "curl -fsS $U/ks/lohost | grep -qx 'fixed lohost 127.0.0.21'" ||
	fail "fixed template not served within 5 s"
ok "a fixed template is served again without a restart"
before=$(hget $A /guests/dom0-01/vm01.cfg)
rm "$T/tpl/xen.cfg"
sleep 1.5
[ "$(hget $A /guests/dom0-01/vm01.cfg)" = "$before" ] || fail "built-in xen.cfg differs"
printf '# custom {{hostname}} on {{dom0}}\n' > "$T/tpl/xen.cfg"
wait_until 5 sh -c "curl -fsS $U/guests/dom0-01/vm01.cfg | grep -qx '# custom vm01 on dom0-01'" ||
	fail "override not served"
ok "without xen.cfg in paths.templates the built-in serves; a file of that name overrides it"
mariadb_sql "UPDATE profiles SET kickstart='../etc/passwd' WHERE name='server'"
wait_until 5 code_is 500 $A /ks/lohost || fail "template name outside paths.templates"
sleep 2.5
n=$(grep -c 'warn http: template template name "../etc/passwd"' "$T/bootd.log")
[ "$n" = 1 ] || fail "refused template name logged $n times by the reload timer, want once"
ok "a kickstart name outside paths.templates: 500, logged once by the loader"

# Still serving after all of that, and a clean exit (ASan checks leaks).
expect 200 $A /healthz
expect 200 $A /ks/dom0-01
kill -0 "$BOOTD_PID" || fail "bootd died"
# Events still queued at a stop are written before bootd exits.
[ "$(hpost 127.0.0.21 /status/lohost 'stage=last-words')" = 200 ] || fail "last status"
bootd_stop
[ "$(mariadb_sql "SELECT COUNT(*) FROM boot_events WHERE hostname='lohost' AND stage='last-words'")" = 1 ] ||
	fail "an event queued just before SIGTERM was lost"
ok "an event queued just before SIGTERM is written at the stop"
t_done
