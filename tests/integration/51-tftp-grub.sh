#!/usr/bin/env bash
# grub/grub.cfg, where Debian's signed netboot GRUB reads its only config
# (doc/FIRMWARE-NOTES.md), with tftp-hpa's tftp and curl from a client
# namespace whose address is switched between requests: the GRUB menu of
# the enabled host whose inventory IP is the requesting address, byte for
# byte what `bootd render grub HOST` prints, over TFTP (with and without
# GRUB's leading slash) and HTTP /files/ alike; a disabled host's or an
# unknown address gets the unknown-host menu (`bootd render grub
# default`); the per-MAC name still names its host whoever asks; a real
# grub/grub.cfg in tftp_root wins for everyone.
#
#   bd-gc-PID: c0 10.213.51.11|.12|.99 ── bd-gs-PID: s0 10.213.51.2 (bootd)
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"

SRV=bd-gs-$$ CLI=bd-gc-$$
g_cleanup() {
	local rc=$?
	if [ -n "$BOOTD_PID" ]; then
		kill "$BOOTD_PID" 2>/dev/null
		wait "$BOOTD_PID" 2>/dev/null
		BOOTD_PID=""
	fi
	ns_cleanup
	(exit $rc)
	t_cleanup
}
t_init tftp-grub
trap g_cleanup EXIT
T0=$(date +%s)
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
sed -i 's|^http = { listen = "127.0.0.1";|http = { listen = "0.0.0.0";|' "$T/bootd.conf"
sed -i 's|^tftp = { enabled = false; };|tftp = { listen = "0.0.0.0"; port = 69; };|' "$T/bootd.conf"
sed -i 's|network = "10.213.0.0/24"; router = "10.213.0.1";|network = "10.213.51.0/24"; router = "10.213.51.1";|' "$T/bootd.conf"
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(sed -n '/^INSERT INTO profiles/,/;$/p' "$BOOTD_SRC/demo/inventory.sql")" || fail profiles
mariadb_sql "INSERT INTO hosts (hostname, mac, ip, profile, build, enabled) VALUES
	('sb01', '52:54:00:51:00:11', '10.213.51.11', 'diskless-6.1', 0, 1),
	('off01', '52:54:00:51:00:12', '10.213.51.12', 'diskless-6.1', 0, 0)" || fail hosts
ns_add "$SRV" && ns_add "$CLI" &&
	ns_veth "$SRV" s0 10.213.51.2/24 "$CLI" c0 10.213.51.11/24 || fail namespaces
ip netns exec "$SRV" "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 10 sh -c "ip netns exec $CLI curl -fsS --max-time 1 http://10.213.51.2:$HTTP_PORT/healthz | grep -q source=db" ||
	fail "bootd did not start with the inventory"

"$BOOTD_BIN" --config "$T/bootd.conf" render grub sb01 > "$T/sb01.want" || fail "render grub sb01"

get() {	# NAME OUT: tftp-hpa from the client namespace
	rm -f "$T/$2"
	(cd "$T" && ip netns exec "$CLI" timeout 10 tftp 10.213.51.2 -m binary -c get "$1" "$2") 2>&1
}
http() {	# NAME OUT
	ip netns exec "$CLI" curl -fsS --max-time 5 "http://10.213.51.2:$HTTP_PORT/files/$1" -o "$T/$2"
}
from() {	# IP: the client's only address
	ip -n "$CLI" addr flush dev c0 && ip -n "$CLI" addr add "$1/24" dev c0 || fail "address $1"
}

get grub/grub.cfg a.cfg
cmp -s "$T/sb01.want" "$T/a.cfg" || fail "grub/grub.cfg from 10.213.51.11: $(head -3 "$T/a.cfg" 2>/dev/null)"
get /grub/grub.cfg b.cfg
cmp -s "$T/sb01.want" "$T/b.cfg" || fail "/grub/grub.cfg from 10.213.51.11 differs"
http grub/grub.cfg c.cfg || fail "HTTP /files/grub/grub.cfg"
cmp -s "$T/sb01.want" "$T/c.cfg" || fail "HTTP /files/grub/grub.cfg from 10.213.51.11 differs"
ok "from 10.213.51.11: grub/grub.cfg, /grub/grub.cfg (TFTP) and /files/grub/grub.cfg (HTTP) are sb01's menu, as bootd render prints it ($(head -1 "$T/a.cfg"))"

"$BOOTD_BIN" --config "$T/bootd.conf" render grub default > "$T/default.want" || fail "render grub default"
grep -qx '# bootd: unknown host' "$T/default.want" || fail "render grub default: $(cat "$T/default.want")"
"$BOOTD_BIN" --config "$T/bootd.conf" check > "$T/check.out" 2>&1 || fail "bootd check: $(cat "$T/check.out")"
ok "bootd render grub default: the unknown-host menu; bootd check passes"
for ip in 10.213.51.12 10.213.51.99; do
	from "$ip"
	get grub/grub.cfg d.cfg
	cmp -s "$T/default.want" "$T/d.cfg" || fail "grub/grub.cfg from $ip: $(head -3 "$T/d.cfg" 2>/dev/null)"
	http grub/grub.cfg e.cfg && cmp -s "$T/default.want" "$T/e.cfg" ||
		fail "HTTP /files/grub/grub.cfg from $ip is not the unknown-host menu"
done
ok "from 10.213.51.12 (disabled host) and 10.213.51.99 (no host): the unknown-host menu, over TFTP and HTTP"
get grub/grub.cfg-01-52-54-00-51-00-11 f.cfg
cmp -s "$T/sb01.want" "$T/f.cfg" || fail "grub.cfg-01-<mac> from 10.213.51.99 is not sb01's menu"
ok "grub/grub.cfg-01-<sb01's MAC> from 10.213.51.99: sb01's menu (a name with a host wins over the address)"

mkdir -p "$T/tftp/grub" && printf 'set default=mine\n' > "$T/tftp/grub/grub.cfg" || fail "grub/grub.cfg"
from 10.213.51.11
get grub/grub.cfg g.cfg
cmp -s "$T/tftp/grub/grub.cfg" "$T/g.cfg" || fail "a real grub/grub.cfg did not win: $(cat "$T/g.cfg" 2>/dev/null)"
ok "a real grub/grub.cfg in tftp_root wins, also for sb01's address"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
