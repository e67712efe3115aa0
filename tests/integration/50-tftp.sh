#!/usr/bin/env bash
# TFTP with real clients on loopback (tftp-hpa's tftp, atftp, curl): every
# option path checksummed, rollover past 65535 blocks, path safety, write
# requests, per-host menus from the inventory and their live update, and
# raw malformed packets (tests/lib/tftp_raw.py).
. "$(dirname "$0")/../lib/common.sh"
t_init tftp
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
TPORT=$(free_port)
# TFTP_IO_URING: the transfers' I/O path (50-tftp-epoll runs this with "off").
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"127.0.0.1\"; port = $TPORT; max_per_client = 200; io_uring = \"${TFTP_IO_URING:-auto}\"; };|" "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"

R=$T/tftp
mkdir -p "$R/sub" "$R/efi64" "$T/out"
head -c 100000 /dev/urandom > "$R/small.bin"
head -c $((8 * 1024 * 1024)) /dev/urandom > "$R/sub/medium.bin"
head -c $((70 * 1024 * 1024)) /dev/urandom > "$R/big.bin"
head -c $((512 * 64)) /dev/urandom > "$R/exact.bin"
head -c $((512 * 63)) /dev/urandom > "$R/exact63.bin"
: > "$R/empty.bin"
printf 'one\ntwo\r\nthree\rfour\n' > "$R/text.txt"
ln -s small.bin "$R/inside-link"
ln -s /etc "$R/etc-link"
ln -s /etc/passwd "$R/passwd-link"
mknod "$R/null-dev" c 1 3
mkfifo "$R/fifo"
bootd_start "$T/bootd.conf"
wait_until 5 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=db'" ||
	fail "no inventory"

same() {	# same SRC OUT LABEL
	cmp -s "$1" "$2" || fail "$3: content differs"
	ok "$3 ($(stat -c %s "$2") bytes, sha256 ok)"
}
hpa() { (cd "$T/out" && timeout 120 tftp 127.0.0.1 "$TPORT" "$@"); }
at() { timeout 120 atftp "$@" 127.0.0.1 "$TPORT"; }

hpa -m binary -c get big.bin big.out
same "$R/big.bin" "$T/out/big.out" "tftp-hpa 70 MiB at blksize 512 (rollover)"
at --option "blksize 8" -g -r small.bin -l "$T/out/b8" >/dev/null 2>&1
same "$R/small.bin" "$T/out/b8" "atftp blksize 8"
at --option "blksize 65464" -g -r sub/medium.bin -l "$T/out/b64k" >/dev/null 2>&1
same "$R/sub/medium.bin" "$T/out/b64k" "atftp blksize 65464"
at --option "blksize 1468" --option "windowsize 1" -g -r sub/medium.bin -l "$T/out/w1" >/dev/null 2>&1
same "$R/sub/medium.bin" "$T/out/w1" "atftp windowsize 1"
at --option "blksize 1468" --option "windowsize 64" -g -r sub/medium.bin -l "$T/out/w64" >/dev/null 2>&1
same "$R/sub/medium.bin" "$T/out/w64" "atftp windowsize 64"
# Windows leave as GSO batches: the empty last block inside one (63 full
# blocks + 0 bytes = one window of 64), and 8-byte blocks (12-byte segments).
at --option "windowsize 64" -g -r exact63.bin -l "$T/out/x63" >/dev/null 2>&1
same "$R/exact63.bin" "$T/out/x63" "atftp windowsize 64, 63 full blocks and an empty one"
at --option "blksize 8" --option "windowsize 64" -g -r small.bin -l "$T/out/b8w" >/dev/null 2>&1
same "$R/small.bin" "$T/out/b8w" "atftp blksize 8 windowsize 64"
at --option "windowsize 16" -g -r big.bin -l "$T/out/w16" >/dev/null 2>&1
same "$R/big.bin" "$T/out/w16" "atftp 70 MiB blksize 512 windowsize 16"
at --trace --option "tsize" --option "timeout 2" -g -r exact.bin -l "$T/out/ts" >"$T/at.log" 2>&1
same "$R/exact.bin" "$T/out/ts" "atftp tsize + timeout, size a multiple of 512"
grep -q "received OACK <tsize: $(stat -c %s "$R/exact.bin"), timeout: 2" "$T/at.log" ||
	fail "tsize/timeout not acknowledged: $(grep OACK "$T/at.log")"
ok "OACK: tsize = file size, timeout 2"
curl -fsS --tftp-blksize 1468 "tftp://127.0.0.1:$TPORT/sub/medium.bin" -o "$T/out/curl"
same "$R/sub/medium.bin" "$T/out/curl" "curl blksize 1468"
curl -fsS "tftp://127.0.0.1:$TPORT/empty.bin" -o "$T/out/empty"
same "$R/empty.bin" "$T/out/empty" "empty file"
hpa -m binary -c get /inside-link inside.out
same "$R/small.bin" "$T/out/inside.out" "symlink inside the root, leading slash"
hpa -m netascii -c get text.txt text.out
same "$R/text.txt" "$T/out/text.out" "netascii round trip (CR, LF, CR LF)"

# Path safety: each refused with a TFTP error, nothing written.
for bad in ../etc/passwd /etc/passwd a/../../x etc-link/passwd passwd-link null-dev fifo sub; do
	rm -f "$T/out/bad"
	msg=$(hpa -m binary -c get "$bad" bad 2>&1 || true)
	echo "$msg" | grep -q 'Error code' || fail "$bad: not refused: $msg"
	[ -s "$T/out/bad" ] && fail "$bad: content served"
	ok "refused $bad: $msg"
done
printf 'x' > "$T/out/up.txt"
msg=$(hpa -m binary -c put up.txt 2>&1 || true)
echo "$msg" | grep -q 'Error code 2' || fail "write request: $msg"
[ -e "$R/up.txt" ] && fail "write request created a file"
ok "write request refused: $msg"

# Per-host menus rendered from the inventory.
menu() { curl -fsS "tftp://127.0.0.1:$TPORT/$1"; }
m=$(menu pxelinux.cfg/01-52-54-00-00-01-01) || fail "no menu for node01"
echo "$m" | grep -qx 'DEFAULT diskless-6.1' || fail "node01 default: $m"
echo "$m" | grep -qx 'LABEL diskless-6.6' || fail "selectable profile missing"
echo "$m" | grep -q 'APPEND root=/dev/nfs nfsroot=127.0.0.1:/srv/nfsroot/6.1 ip=10.213.0.11::10.213.0.1:255.255.255.0:node01::none' ||
	fail "append not rendered for node01: $m"
echo "$m" | grep -qx '  LOCALBOOT 0' || fail "no local entry"
ok "pxelinux.cfg/01-<mac>: own profile default, selectable ones, local"
[ "$(menu pxelinux.cfg/0AD5000B)" = "$m" ] || fail "hex IP menu differs"
[ "$(menu efi64/pxelinux.cfg/01-52-54-00-00-01-01)" = "$m" ] || fail "EFI dir menu differs"
ok "hex-IP name and EFI loader directory give the same menu"
g=$(menu /grub/grub.cfg-01-52-54-00-00-01-01) || fail "no grub menu"
echo "$g" | grep -qx 'set default="diskless-6.1"' || fail "grub default: $g"
echo "$g" | grep -q 'linux /kernels/6.1/vmlinuz root=/dev/nfs' || fail "grub linux line: $g"
ok "GRUB grub.cfg-01-<mac> with a leading slash"
menu pxelinux.cfg/01-52-54-00-99-99-99 >/dev/null 2>&1 && fail "unknown MAC got a menu"
menu pxelinux.cfg/default | grep -qx 'DEFAULT local' || fail "default menu"
ok "unknown MAC: not found; pxelinux.cfg/default boots locally"
menu pxelinux.cfg/01-52-54-00-00-02-01 | grep -qx 'DEFAULT install' || fail "dom0 build=1 not install"
mariadb_sql "UPDATE hosts SET build=0 WHERE hostname='dom0-01'"
wait_until 2 sh -c "curl -fsS tftp://127.0.0.1:$TPORT/pxelinux.cfg/01-52-54-00-00-02-01 | grep -qx 'DEFAULT local'" ||
	fail "build=0 not served within 2 s"
ok "install profile: installer while build=1, local disk after"
start=$(date +%s%N)
mariadb_sql "UPDATE hosts SET profile='diskless-6.6' WHERE hostname='node01'"
wait_until 2 sh -c "curl -fsS tftp://127.0.0.1:$TPORT/pxelinux.cfg/01-52-54-00-00-01-01 | grep -qx 'DEFAULT diskless-6.6'" ||
	fail "profile UPDATE not in the menu within 2 s"
ok "profile UPDATE in the next menu after $(( ($(date +%s%N) - start) / 1000000 )) ms"

# Raw packets: malformed requests, strangers, the UEFI tsize probe, dup ACKs.
for c in malformed wrong_tid tsize_probe dup_acks; do
	python3 "$BOOTD_SRC/tests/lib/tftp_raw.py" "$TPORT" "$c" || fail "raw check $c"
	ok "raw: $c"
done
grep -q 'ended by the client after the OACK' "$T/bootd.log" || fail "probe not logged as such"
kill -0 "$BOOTD_PID" || fail "bootd died"
hpa -m binary -c get small.bin after.out
same "$R/small.bin" "$T/out/after.out" "still serving after all of that"
# The TFTP server's counters reach /healthz.
hz=$(http_get /healthz)
done_n=$(echo "$hz" | sed -n 's/.* tftp_done=\([0-9]*\) .*/\1/p')
refused_n=$(echo "$hz" | sed -n 's/.* tftp_refused=\([0-9]*\) .*/\1/p')
[ "${done_n:-0}" -ge 10 ] && [ "${refused_n:-0}" -ge 1 ] ||
	fail "healthz counters: $hz"
ok "healthz: tftp_done=$done_n tftp_refused=$refused_n"
bootd_stop
t_done
