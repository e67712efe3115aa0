#!/usr/bin/env bash
# Signed iPXE's autoexec.ipxe over TFTP, chosen by the client's address:
# tftp-hpa in a client namespace at a host's inventory IP gets that host's
# script (a chain to <server_url>/ipxe/<mac>); at an address of no host,
# or of a disabled host, the default (a message, then exit; after a
# reload with tftp.autoexec_default, a chain to it). The same over HTTP's
# /files/; byte for byte what `bootd render autoexec HOST|IP` prints;
# `bootd check` renders it for every host; a real file of that name in
# tftp_root wins for everyone.
#
#   bd-ax-srv-PID: 10.213.56.1 (bootd) ── veth ── bd-ax-cli-PID: .11, .12, .99
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
t_init autoexec
T_CLEANUP_HOOKS+=(ns_cleanup)
SRV=bd-ax-srv-$$ CLI=bd-ax-cli-$$
ns_pair "$SRV" 10.213.56.1 "$CLI" 10.213.56.11 || fail "namespaces"
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
URL=http://10.213.56.1:$HTTP_PORT
sed -i "s|^tftp = { enabled = false; };|tftp = { listen = \"0.0.0.0\"; port = 69; };|" "$T/bootd.conf"
sed -i 's|10\.213\.0\.|10.213.56.|g' "$T/bootd.conf"	# the subnet
sed -i "s|^http = { listen = \"127.0.0.1\";|http = { listen = \"0.0.0.0\"; public_url = \"$URL\";|" "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "INSERT INTO profiles (name, kind, kernel, initrd, append, menu_label, selectable)
	VALUES ('p1', 'diskless', 'vmlinuz', 'initrd.gz', 'quiet', 'P1', 1);
	INSERT INTO hosts (hostname, mac, ip, profile, enabled) VALUES
	('ax-n1', '52:54:00:56:00:11', '10.213.56.11', 'p1', 1),
	('ax-off', '52:54:00:56:00:12', '10.213.56.12', 'p1', 0)" || fail "inventory"
ip netns exec "$SRV" "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 10 sh -c "ip netns exec $SRV curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/healthz | grep -q source=db" ||
	fail "bootd did not start with the inventory"

"$BOOTD_BIN" --config "$T/bootd.conf" check > "$T/check.out" 2>&1 ||
	fail "bootd check: $(cat "$T/check.out")"
ok "bootd check renders every kind of every host, autoexec included"

render() { "$BOOTD_BIN" --config "$T/bootd.conf" render autoexec "$1" > "$T/$2" 2> "$T/render.err" ||
	fail "bootd render autoexec $1: $(cat "$T/render.err")"; }
get() {		# get FROM-IP OUT: tftp-hpa from the client namespace at FROM-IP
	ip -n "$CLI" addr flush dev "$NS_DEV_B"
	ip -n "$CLI" addr add "$1/24" dev "$NS_DEV_B" || fail "address $1"
	rm -f "$T/$2"
	(cd "$T" && timeout 10 ip netns exec "$CLI" tftp 10.213.56.1 -m binary -c get autoexec.ipxe "$2") ||
		fail "tftp-hpa from $1: autoexec.ipxe"
	[ -s "$T/$2" ] || fail "tftp-hpa from $1: empty"
}

get 10.213.56.11 n1.ipxe
render ax-n1 n1.want
cmp -s "$T/n1.ipxe" "$T/n1.want" || fail "TFTP and bootd render differ: $(diff "$T/n1.ipxe" "$T/n1.want"; cat "$T/render.err")"
render 10.213.56.11 n1-ip.want
cmp -s "$T/n1.ipxe" "$T/n1-ip.want" || fail "render by IP differs"
grep -qx '#!ipxe' "$T/n1.ipxe" && grep -qx "chain $URL/ipxe/52:54:00:56:00:11" "$T/n1.ipxe" ||
	fail "ax-n1's autoexec.ipxe: $(cat "$T/n1.ipxe")"
ip netns exec "$CLI" curl -fsS --max-time 5 "$URL/ipxe/52:54:00:56:00:11" | grep -qx '#!ipxe' ||
	fail "the URL it chains to is no iPXE script"
ok "10.213.56.11 (ax-n1) gets its own autoexec.ipxe (= bootd render autoexec ax-n1 / 10.213.56.11): chain $URL/ipxe/<mac>, an iPXE script"

ip netns exec "$CLI" curl -fsS --max-time 5 "$URL/files/autoexec.ipxe" -o "$T/n1-http.ipxe" ||
	fail "GET /files/autoexec.ipxe"
cmp -s "$T/n1.ipxe" "$T/n1-http.ipxe" || fail "HTTP /files/autoexec.ipxe differs from TFTP's"
ok "GET /files/autoexec.ipxe from 10.213.56.11: the same"

for ip in 10.213.56.99 10.213.56.12; do
	get "$ip" unknown.ipxe
	render "$ip" unknown.want
	cmp -s "$T/unknown.ipxe" "$T/unknown.want" || fail "$ip: TFTP and render differ"
	grep -q 'is not in the inventory' "$T/unknown.ipxe" && grep -qx 'exit 1' "$T/unknown.ipxe" &&
		! grep -q '^chain' "$T/unknown.ipxe" || fail "$ip: $(cat "$T/unknown.ipxe")"
done
ok "10.213.56.99 (no host) and 10.213.56.12 (disabled host) get the default: a message, exit 1"

# tftp.autoexec_default, by SIGHUP.
sed -i "s|^tftp = { listen = \"0.0.0.0\"; port = 69;|tftp = { listen = \"0.0.0.0\"; port = 69; autoexec_default = \"$URL/ipxe/\${mac}\";|" "$T/bootd.conf"
kill -HUP "$BOOTD_PID"
wait_until 5 grep -q 'config: reloaded' "$T/bootd.log" || fail "no reload"
get 10.213.56.99 unknown2.ipxe
grep -qx "chain $URL/ipxe/\${mac}" "$T/unknown2.ipxe" && ! grep -q '^exit' "$T/unknown2.ipxe" ||
	fail "autoexec_default not chained: $(cat "$T/unknown2.ipxe")"
ok "tftp.autoexec_default = \"$URL/ipxe/\${mac}\": the default chains to it"

# A real file wins, for known and unknown addresses alike.
printf '#!ipxe\necho site file\n' > "$T/tftp/autoexec.ipxe"
for ip in 10.213.56.11 10.213.56.99; do
	get "$ip" real.ipxe
	cmp -s "$T/tftp/autoexec.ipxe" "$T/real.ipxe" || fail "$ip: real file not served: $(cat "$T/real.ipxe")"
done
ok "a real autoexec.ipxe in tftp_root wins for every address"
t_done
