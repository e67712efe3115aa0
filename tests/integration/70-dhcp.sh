#!/usr/bin/env bash
# The built-in DHCP server with real clients in network namespaces made
# here (10.213.0.0/16 only): busybox udhcpc and ISC dhclient get their
# reserved IP and boot file, a request through ISC dhcrelay gets the
# relay's subnet, an IP changed in the DB is served at the next request
# (old one NAKed on INIT-REBOOT), a profile's boot file override set by
# UPDATE is offered within 2 s, unknown MACs are recorded but not
# answered, crafted packets (arch, iPXE, unicast renew, malformed) and a
# burst of 10,000 unknown MACs (the discovered table stays bounded).
#
#   bd-cli-PID  c0 10.213.0.13 ─┐
#                               ├ bd-srv-PID: br0 10.213.0.2 (bootd :67)
#   bd-rly-PID  ru0 10.213.0.3 ─┘             x0  10.213.2.2 (not served)
#               rd0 10.213.1.1 ── bd-rc-PID: rc0 (relay client)
#   bd-cli-PID  x1 10.213.2.100 ── bd-srv-PID x0
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"

SRV=bd-srv-$$ CLI=bd-cli-$$ RLY=bd-rly-$$ RC=bd-rc-$$
BG_PIDS=()
d_cleanup() {
	local rc=$? p
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ -n "$BOOTD_PID" ]; then
		kill "$BOOTD_PID" 2>/dev/null
		wait "$BOOTD_PID" 2>/dev/null
		BOOTD_PID=""
	fi
	ns_cleanup
	(exit $rc)
	t_cleanup
}
t_init dhcp
trap d_cleanup EXIT
command -v dhclient >/dev/null && command -v dhcrelay >/dev/null &&
	command -v busybox >/dev/null || fail "run scripts/deps.sh (busybox-static isc-dhcp-client isc-dhcp-relay)"

T0=$(date +%s)
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
# Our own dhcp and http sections: bootd runs inside $SRV.
sed -i '/^dhcp = {/,/} ); };$/d; s|^http = { listen = "127.0.0.1";|http = { listen = "0.0.0.0";|' "$T/bootd.conf"
# TFTP too, with a block size limit for UEFI firmware (option 93 = 7).
sed -i 's|^tftp = { enabled = false; };|tftp = { listen = "0.0.0.0"; port = 69; efi = { max_blksize = 1024; }; };|' "$T/bootd.conf"
mkdir -p "$T/tftp" && head -c 100000 /dev/urandom > "$T/tftp/loader.efi"
cat >> "$T/bootd.conf" <<'CFG'
dhcp = { enabled = true; listen = "0.0.0.0"; port = 67; interfaces = [ "br0" ];
         subnets = ( { network = "10.213.0.0/24"; router = "10.213.0.1";
                       dns = [ "10.213.0.1" ]; domain = "demo.test"; },
                     { network = "10.213.1.0/24"; router = "10.213.1.1";
                       dns = [ "10.213.0.1" ]; domain = "relay.test"; },
                     { network = "10.213.2.0/24"; router = "10.213.2.1"; } ); };
CFG
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mariadb_sql "INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
	('relay01', '52:54:00:00:04:01', '10.213.1.41', 'diskless-6.1', 0),
	('far01', '52:54:00:00:05:01', '10.213.2.51', 'diskless-6.1', 0)" ||
	fail "relay host"

ns_add "$SRV" && ns_add "$CLI" && ns_add "$RLY" && ns_add "$RC" ||
	fail "namespaces"
ns_veth "$SRV" sc0 "" "$CLI" c0 10.213.0.13/24 &&
	ns_veth "$SRV" sr0 "" "$RLY" ru0 10.213.0.3/24 &&
	ns_bridge "$SRV" br0 10.213.0.2/24 sc0 sr0 &&
	ns_veth "$RLY" rd0 10.213.1.1/24 "$RC" rc0 "" &&
	ns_veth "$SRV" x0 10.213.2.2/24 "$CLI" x1 10.213.2.100/24 &&
	ip -n "$SRV" route add 10.213.1.0/24 via 10.213.0.3 || fail "topology"
ok "namespaces $SRV $CLI $RLY $RC"

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
raw() { nsx "$CLI" python3 "$BOOTD_SRC/tests/lib/dhcp_raw.py" "$@"; }
setmac() { ip -n "$1" link set dev "$2" address "$3"; }
hz() { nsx "$SRV" curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/healthz"; }
field() { sed -n "s/^$1=//p" "$2" | head -1; }

ip netns exec "$SRV" "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 10 sh -c "ip netns exec $SRV curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/healthz | grep -q source=db" ||
	fail "bootd did not start with the inventory"
grep -q 'dhcp: listening on 0.0.0.0:67' "$T/bootd.log" || fail "no dhcp listener"
ok "bootd serving DHCP in $SRV"

# busybox udhcpc: the event script records the environment per event.
cat > "$T/udhcpc.sh" <<'SH'
#!/bin/sh
env | sort > "$DHCP_OUT.$1"
SH
chmod +x "$T/udhcpc.sh"
udhcpc() {	# udhcpc NS IF OUT ARGS...
	local ns=$1 dev=$2 out=$3
	shift 3
	DHCP_OUT=$out timeout 20 ip netns exec "$ns" busybox udhcpc -i "$dev" \
		-f -s "$T/udhcpc.sh" "$@" >> "$T/udhcpc.log" 2>&1
}

setmac "$CLI" c0 52:54:00:00:01:01
udhcpc "$CLI" c0 "$T/u1" -q -n -t 4 -T 1 -O bootfile -V PXEClient:Arch:00000 -x 0x5d:0000 ||
	fail "udhcpc got no lease: $(tail -5 "$T/udhcpc.log")"
B=$T/u1.bound
[ "$(field ip "$B")" = 10.213.0.11 ] || fail "udhcpc ip: $(cat "$B")"
[ "$(field boot_file "$B")" = pxelinux.0 ] || fail "udhcpc boot_file: $(cat "$B")"
[ "$(field bootfile "$B")" = pxelinux.0 ] || fail "udhcpc option 67: $(cat "$B")"
[ "$(field siaddr "$B")" = 10.213.0.2 ] || fail "udhcpc siaddr: $(cat "$B")"
[ "$(field serverid "$B")" = 10.213.0.2 ] || fail "udhcpc server id: $(cat "$B")"
[ "$(field router "$B")" = 10.213.0.1 ] && [ "$(field subnet "$B")" = 255.255.255.0 ] &&
	[ "$(field domain "$B")" = demo.test ] && [ "$(field hostname "$B")" = node01 ] ||
	fail "udhcpc options: $(cat "$B")"
ok "udhcpc (node01 MAC): ip 10.213.0.11, boot_file pxelinux.0, siaddr 10.213.0.2, router, mask, domain, hostname"

# ISC dhclient, one try, in the foreground; stopped by PID once bound.
cat > "$T/dhclient.sh" <<SH
#!/bin/sh
env | sort > "$T/dhc.\$reason"
SH
chmod +x "$T/dhclient.sh"
cat > "$T/dhclient.conf" <<'CONF'
timeout 15;
retry 1;
initial-interval 1;
request subnet-mask, routers, domain-name-servers, domain-name, host-name;
CONF
dhclient_run() {	# waits for $T/dhc.BOUND or dhc.REBOOT
	rm -f "$T"/dhc.*
	ip netns exec "$CLI" dhclient -4 -1 -d -sf "$T/dhclient.sh" \
		-pf "$T/dhclient.pid" -lf "$T/dhclient.leases" \
		-cf "$T/dhclient.conf" c0 >> "$T/dhclient.log" 2>&1 &
	DHC_PID=$!
	BG_PIDS+=("$DHC_PID")
	wait_until 15 sh -c "[ -s $T/dhc.BOUND ] || [ -s $T/dhc.REBOOT ]"
	local rc=$?
	kill "$DHC_PID" 2>/dev/null
	wait "$DHC_PID" 2>/dev/null
	DHCF=$(ls "$T"/dhc.BOUND "$T"/dhc.REBOOT 2>/dev/null | head -1)
	return $rc
}
dhclient_run || fail "dhclient got no lease: $(tail -5 "$T/dhclient.log")"
[ "$(field new_ip_address "$DHCF")" = 10.213.0.11 ] || fail "dhclient ip: $(cat "$DHCF")"
[ "$(field new_filename "$DHCF")" = pxelinux.0 ] || fail "dhclient filename: $(cat "$DHCF")"
[ "$(field new_next_server "$DHCF")" = 10.213.0.2 ] || fail "dhclient next-server: $(cat "$DHCF")"
[ "$(field new_routers "$DHCF")" = 10.213.0.1 ] && [ "$(field new_domain_name "$DHCF")" = demo.test ] ||
	fail "dhclient options: $(cat "$DHCF")"
ok "dhclient (node01 MAC): ip 10.213.0.11, filename pxelinux.0, next-server 10.213.0.2"

# Through a relay (ISC dhcrelay in $RLY): the relay's subnet is chosen.
ip netns exec "$RLY" dhcrelay -4 -d -q -id rd0 -iu ru0 -pf "$T/dhcrelay.pid" \
	10.213.0.2 >> "$T/dhcrelay.log" 2>&1 &
BG_PIDS+=("$!")
setmac "$RC" rc0 52:54:00:00:04:01
sleep 0.3
udhcpc "$RC" rc0 "$T/u2" -q -n -t 5 -T 1 ||
	fail "no lease through the relay: $(tail -5 "$T/dhcrelay.log")"
B=$T/u2.bound
[ "$(field ip "$B")" = 10.213.1.41 ] && [ "$(field router "$B")" = 10.213.1.1 ] &&
	[ "$(field domain "$B")" = relay.test ] && [ "$(field siaddr "$B")" = 10.213.0.2 ] ||
	fail "relayed lease: $(cat "$B")"
grep -q 'ACK 10.213.1.41 to 52:54:00:00:04:01 (relay01) via 10.213.1.1' "$T/bootd.log" ||
	fail "relayed ACK not logged"
ok "relayed (dhcrelay, giaddr 10.213.1.1): ip 10.213.1.41, router 10.213.1.1, domain relay.test"

# An IP changed in the DB: the next INIT-REBOOT with the old IP is NAKed,
# the next DISCOVER offered the new one (within 2 s of the UPDATE).
start=$(date +%s%N)
mariadb_sql "UPDATE hosts SET ip='10.213.0.51' WHERE hostname='node01'"
wait_until 2 sh -c "ip netns exec $CLI python3 $BOOTD_SRC/tests/lib/dhcp_raw.py ask --dev c0 --mac 52:54:00:00:01:01 --type request --req-ip 10.213.0.11 --tries 1 --wait 0.3 | grep -qx type=NAK" ||
	fail "old IP not NAKed within 2 s"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
raw ask --dev c0 --mac 52:54:00:00:01:01 > "$T/r" || fail "no OFFER after the UPDATE"
grep -qx type=OFFER "$T/r" && grep -qx yiaddr=10.213.0.51 "$T/r" || fail "new IP not offered: $(cat "$T/r")"
ok "UPDATE hosts SET ip: old IP NAKed (INIT-REBOOT) after $ms ms, new IP 10.213.0.51 offered"
naks=$(grep -c 'NAK to 52:54:00:00:01:01' "$T/bootd.log")
dhclient_run || fail "dhclient INIT-REBOOT: $(tail -5 "$T/dhclient.log")"
[ "$(field new_ip_address "$DHCF")" = 10.213.0.51 ] || fail "dhclient after reboot: $(cat "$DHCF")"
[ "$(grep -c 'NAK to 52:54:00:00:01:01 (node01) for REQUEST: requested IP is not the host.s address (INIT-REBOOT)' "$T/bootd.log")" -gt "$naks" ] ||
	fail "dhclient's INIT-REBOOT was not NAKed"
ok "dhclient with its old lease: INIT-REBOOT NAKed, then bound to 10.213.0.51"

# Unknown MAC: no answer, recorded in discovered.
setmac "$CLI" c0 52:54:00:99:00:01
s=$(date +%s)
udhcpc "$CLI" c0 "$T/u3" -q -n -t 2 -T 1 && fail "unknown MAC got a lease"
[ -e "$T/u3.bound" ] && fail "unknown MAC bound"
ok "unknown MAC 52:54:00:99:00:01: no answer, udhcpc gave up after $(( $(date +%s) - s )) s"
wait_until 5 sh -c "'$BOOTD_BIN' --config '$T/bootd.conf' discovered | grep -q '^52:54:00:99:00:01 '" ||
	fail "unknown MAC not in bootd discovered"
"$BOOTD_BIN" --config "$T/bootd.conf" discovered > "$T/disc" || fail "bootd discovered failed"
head -1 "$T/disc" | grep -q '^MAC  *FIRST_SEEN  *LAST_SEEN  *ARCH  *VENDOR_CLASS  *RELAY' ||
	fail "discovered header: $(head -1 "$T/disc")"
grep '^52:54:00:99:00:01 ' "$T/disc" | grep -q 'udhcp 1.35' || fail "vendor class: $(cat "$T/disc")"
ok "bootd discovered: $(grep '^52:54:00:99:00:01 ' "$T/disc" | tr -s ' ')"
out=$("$BOOTD_BIN" --config "$T/nope.conf" discovered 2>&1) && fail "discovered with a bad config succeeded"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "discovered error is not one line: $out"
ok "bootd discovered with a missing config: exit 1, one line"
setmac "$CLI" c0 52:54:00:00:01:03

# Queued before the discovered row seen above: written already (FIFO).
events=$(mariadb_sql "SELECT stage, detail FROM boot_events WHERE hostname='node01' AND stage LIKE 'dhcp-%' ORDER BY id")
echo "$events" | grep -q '^dhcp-offer	ip=10.213.0.11 arch=0 (x86 BIOS) file=pxelinux.0' ||
	fail "no dhcp-offer with arch for node01: $events"
echo "$events" | grep -q '^dhcp-ack	ip=10.213.0.11 arch=' || fail "no dhcp-ack for node01: $events"
echo "$events" | grep -q '^dhcp-nak	requested IP is not' || fail "no dhcp-nak for node01: $events"
mariadb_sql "SELECT detail FROM boot_events WHERE hostname='relay01' AND stage='dhcp-ack'" |
	grep -q 'via 10.213.1.1' || fail "relayed boot event"
[ "$(mariadb_sql "SELECT COUNT(*) FROM boot_events WHERE mac='52:54:00:99:00:01'")" = 0 ] ||
	fail "boot event for an unknown MAC"
ok "boot_events: dhcp-offer/dhcp-ack (with arch), dhcp-nak for node01; relay noted; none for unknown MACs"

# Crafted requests: boot file by client architecture and iPXE.
HB=http://10.213.0.2:$HTTP_PORT
check_file() {	# check_file LABEL EXPECTED ARGS...
	local label=$1 want=$2
	shift 2
	raw ask --dev c0 --mac 52:54:00:00:01:03 "$@" > "$T/r" || fail "$label: no reply"
	grep -qx type=OFFER "$T/r" && grep -qx yiaddr=10.213.0.13 "$T/r" &&
		grep -qx "file=$want" "$T/r" && grep -qx "opt67=$want" "$T/r" ||
		fail "$label: $(cat "$T/r")"
	ok "$label -> $want"
}
check_file "option 93 = 0 (BIOS)" pxelinux.0 --arch 0 --vendor PXEClient:Arch:00000:UNDI:002001
grep -qx opt60=PXEClient "$T/r" && grep -qx opt43=060108ff "$T/r" && grep -qx opt66=10.213.0.2 "$T/r" ||
	fail "PXE options: $(cat "$T/r")"
grep -qx dst=255.255.255.255 "$T/r" && grep -qx src=10.213.0.2:67 "$T/r" || fail "broadcast reply: $(cat "$T/r")"
ok "PXEClient: option 60 echoed, 43 discovery control, 66 next server; broadcast from 10.213.0.2:67"
check_file "option 93 = 7 (x64 UEFI)" grubx64.efi --arch 7
check_file "option 93 = 9 (EBC / old x64)" grubx64.efi --arch 9
check_file "option 93 = 11 (ARM64 UEFI)" grubaa64.efi --arch 11
check_file "option 93 = 16 (x64 UEFI HTTP)" "$HB/files/grubx64.efi" --arch 16 --vendor HTTPClient:Arch:00016
grep -qx opt60=HTTPClient "$T/r" || fail "HTTP boot: vendor class not echoed"
check_file "user class iPXE" "$HB/ipxe/52:54:00:00:01:03" --arch 0 --user-class iPXE
grep -q '^opt175=' "$T/r" || fail "iPXE: no option 175"
# A profile's boot file override, set in the DB while serving: node03's
# profile diskless-6.6 gets bootfile_efi64; an arch-7 DISCOVER gets it
# within 2 s of the UPDATE, and UEFI HTTP boot gets it as a URL; BIOS and
# node02 (another profile) keep the config's files; '' restores them.
offer_file() {	# offer_file MAC ARCH: the boot file in the OFFER
	raw ask --dev c0 --mac "$1" --arch "$2" --tries 1 --wait 0.3 | sed -n 's/^file=//p'
}
start=$(date +%s%N)
mariadb_sql "UPDATE profiles SET bootfile_efi64='efi/shimx64.efi' WHERE name='diskless-6.6'" ||
	fail "UPDATE profiles"
until [ "$(offer_file 52:54:00:00:01:03 7)" = efi/shimx64.efi ]; do
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 2000 ] ||
		fail "bootfile_efi64 not offered within 2 s of the UPDATE"
	sleep 0.05
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok "UPDATE profiles SET bootfile_efi64: arch-7 DISCOVER gets efi/shimx64.efi after $ms ms"
check_file "override, option 93 = 7" efi/shimx64.efi --arch 7
check_file "override, option 93 = 9" efi/shimx64.efi --arch 9
check_file "override, option 93 = 16 (HTTP boot)" "$HB/files/efi/shimx64.efi" --arch 16 --vendor HTTPClient:Arch:00016
check_file "no BIOS override, option 93 = 0" pxelinux.0 --arch 0
check_file "no iPXE override, user class iPXE" "$HB/ipxe/52:54:00:00:01:03" --arch 7 --user-class iPXE
[ "$(offer_file 52:54:00:00:01:02 7)" = grubx64.efi ] || fail "node02 (diskless-6.1) got the override"
ok "node02 (diskless-6.1), option 93 = 7 -> grubx64.efi"
nsx "$SRV" curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/inventory/node03" |
	grep -qx 'bootfile_efi64=efi/shimx64.efi' || fail "/inventory/node03 does not show the override"
ok "/inventory/node03: bootfile_efi64=efi/shimx64.efi"
mariadb_sql "UPDATE profiles SET bootfile_efi64='' WHERE name='diskless-6.6'"
wait_until 2 sh -c "[ \"\$(ip netns exec $CLI python3 $BOOTD_SRC/tests/lib/dhcp_raw.py ask --dev c0 --mac 52:54:00:00:01:03 --arch 7 --tries 1 --wait 0.3 | sed -n 's/^file=//p')\" = grubx64.efi ]" ||
	fail "bootfile_efi64 '' did not restore the default"
ok "bootfile_efi64 '': grubx64.efi again"

raw ask --dev c0 --mac 52:54:00:00:01:03 --type request --ciaddr 10.213.0.13 > "$T/r" ||
	fail "no ACK to a renewal"
grep -qx type=ACK "$T/r" && grep -qx dst=10.213.0.13 "$T/r" && grep -qx ciaddr=10.213.0.13 "$T/r" ||
	fail "renewal: $(cat "$T/r")"
ok "RENEWING (ciaddr): ACK unicast to 10.213.0.13:68"
raw ask --dev c0 --mac 52:54:00:00:01:03 --type request --ciaddr 10.213.0.99 > "$T/r" ||
	fail "no NAK to a wrong renewal"
grep -qx type=NAK "$T/r" && grep -qx dst=255.255.255.255 "$T/r" || fail "wrong renewal: $(cat "$T/r")"
ok "RENEWING with a wrong ciaddr: NAK, broadcast"
raw ask --dev c0 --mac 52:54:00:00:01:03 --type release --ciaddr 10.213.0.13 --tries 1 --wait 0.3 > "$T/r" &&
	fail "RELEASE answered: $(cat "$T/r")"
wait_until 3 sh -c "mariadb --no-defaults --socket='$MDB_SOCK' -uroot --batch --skip-column-names bootd -e \"SELECT stage FROM boot_events WHERE hostname='node03'\" | grep -qx dhcp-release" ||
	fail "RELEASE not recorded"
ok "RELEASE: not answered, recorded as dhcp-release"
raw ask --dev x1 --mac 52:54:00:00:05:01 --tries 2 --wait 1 > "$T/r" &&
	fail "answered on x0, which is not in dhcp.interfaces: $(cat "$T/r")"
ok "request on an interface outside dhcp.interfaces: no answer"

# Malformed packets: dropped, counted, logged at most once a second.
n_bad=$(raw malformed --dev c0 | sed -n 's/^sent //p')
[ -n "$n_bad" ] || fail "malformed sender"
raw noise --dev c0 --count 100 >/dev/null || fail "noise sender"
n_bad=$((n_bad + 100))
sleep 0.3
kill -0 "$BOOTD_PID" || fail "bootd died on malformed packets"
for why in 'shorter than 240 bytes' 'option runs past the end of the packet' \
	'hardware address length over 16' 'not a BOOTREQUEST' \
	'malformed message type' 'malformed requested IP' \
	'option runs past the end of the file field' \
	'relay agent information (option 82) too long' \
	'datagram longer than 4096 bytes'; do
	grep -q "malformed packet dropped: $why" "$T/bootd.log" || fail "not logged: $why"
done
lines=$(grep -c 'malformed packet dropped: bad magic cookie' "$T/bootd.log")
[ "$lines" -le 2 ] || fail "101 bad cookies gave $lines log lines"
raw ask --dev c0 --mac 52:54:00:00:01:03 --arch 0 | grep -qx type=OFFER || fail "no answer after malformed packets"
ok "malformed packets ($n_bad): each reason logged, 101 bad cookies in $lines line(s), bootd still answers"

# 10,000 unknown MACs while a known host keeps asking.
mariadb_sql "DELETE FROM discovered WHERE mac LIKE '02:13:%'"
fs=$(date +%s%N)
raw flood --dev c0 --count 10000 --secs 20 --rate 5000 > "$T/flood.out" &
FLOOD=$!
BG_PIDS+=("$FLOOD")
answered=0 asked=0
while kill -0 "$FLOOD" 2>/dev/null && [ $asked -lt 20 ]; do
	asked=$((asked + 1))
	raw ask --dev c0 --mac 52:54:00:00:01:02 --tries 3 --wait 1.5 | grep -qx yiaddr=10.213.0.12 &&
		answered=$((answered + 1))
done
wait "$FLOOD" || fail "flood sender failed"
fe=$(( ($(date +%s%N) - fs) / 1000000 ))
grep -q '^sent 10000 ' "$T/flood.out" || fail "flood: $(cat "$T/flood.out")"
[ $asked -ge 2 ] && [ $answered -eq $asked ] || fail "known host answered $answered of $asked during the flood"
kill -0 "$BOOTD_PID" || fail "bootd died in the flood"
hz | grep -q '^ok' || fail "healthz after the flood"
# The DHCP server's counters reach /healthz.
hzl=$(hz)
acks=$(echo "$hzl" | sed -n 's/.* dhcp_acks=\([0-9]*\) .*/\1/p')
recv=$(echo "$hzl" | sed -n 's/.* dhcp_received=\([0-9]*\) .*/\1/p')
[ "${acks:-0}" -ge 1 ] && [ "${recv:-0}" -gt "${acks:-0}" ] ||
	fail "healthz counters: $hzl"
ok "healthz: dhcp_received=$recv dhcp_acks=$acks"
sleep 1.5
rows=$(mariadb_sql "SELECT COUNT(*) FROM discovered WHERE mac LIKE '02:13:%'")
# DHCP_DISC_BURST + DHCP_DISC_RATE per second of flood (+1 s of slack).
bound=$(( 50 + 50 * (fe / 1000 + 2) ))
[ "$rows" -gt 0 ] && [ "$rows" -le "$bound" ] ||
	fail "discovered rows after 10,000 unknown MACs in $fe ms: $rows (bound $bound)"
ok "10,000 unknown MACs in $fe ms ($(cat "$T/flood.out")): $rows discovered rows (<= $bound); node02 answered $answered/$asked"

# Per-firmware TFTP limits: after an EFI x64 ACK for node03 (10.213.0.13),
# its TFTP requests get at most tftp.efi.max_blksize.
raw ask --dev c0 --mac 52:54:00:00:01:03 --type request --req-ip 10.213.0.13 \
	--arch 7 --tries 2 --wait 1 | grep -qx type=ACK || fail "no ACK for the EFI request"
nsx "$CLI" atftp --trace --option "blksize 8192" -g -r loader.efi -l "$T/efi.out" \
	10.213.0.2 69 > "$T/atftp-efi.log" 2>&1 || fail "EFI TFTP fetch failed"
cmp -s "$T/tftp/loader.efi" "$T/efi.out" || fail "EFI TFTP content"
grep -q 'received OACK <blksize: 1024' "$T/atftp-efi.log" ||
	fail "blksize not limited for EFI: $(grep OACK "$T/atftp-efi.log")"
ok "TFTP applies tftp.efi.max_blksize (1024 of 8192 asked) to the client DHCP saw as EFI x64"

# At log.level "debug" each packet is traced, still through the one
# limiter: 3,000 unknown MACs write at most LOG_NOTE_BURST (200) +
# LOG_NOTE_RATE (50) per second of trace lines, not one per packet.
sed -i 's/^log = { level = "[a-z]*"; };/log = { level = "debug"; };/' "$T/bootd.conf"
before=$(wc -l < "$T/bootd.log")
kill -HUP "$BOOTD_PID"
wait_until 5 grep -q 'config: reloaded' "$T/bootd.log" || fail "no reload for log.level debug"
fs=$(date +%s%N)
raw flood --dev c0 --count 3000 --secs 10 --rate 3000 > "$T/flood2.out" || fail "debug flood sender failed"
sleep 0.5
fe=$(( ($(date +%s%N) - fs) / 1000000 ))
traced=$(tail -n +"$((before + 1))" "$T/bootd.log" | grep -c 'DISCOVER xid .* from 02:13:') || true
bound=$(( 200 + 50 * (fe / 1000 + 2) ))
[ "$traced" -gt 0 ] && [ "$traced" -le "$bound" ] ||
	fail "debug trace of 3,000 unknown MACs in $fe ms: $traced lines (bound $bound)"
ok "log.level debug, $(cat "$T/flood2.out"): $traced trace lines (<= $bound)"

# Clean stop; the counters.
kill -TERM "$BOOTD_PID"
wait "$BOOTD_PID" || fail "bootd exited with $? after SIGTERM"
BOOTD_PID=""
sum=$(grep 'dhcp: stopping:' "$T/bootd.log") || fail "no counters at stop"
echo "$sum"
num() { echo "$sum" | sed -n "s/.*[ (]$1 \([0-9]*\).*/\1/p"; }
[ "$(num malformed)" = "$n_bad" ] || fail "malformed counted $(num malformed), sent $n_bad"
[ "$(num 'other interfaces')" -ge 1 ] || fail "other interface not counted"
[ "$(num offers)" -ge 10 ] && [ "$(num acks)" -ge 4 ] && [ "$(num naks)" -ge 3 ] || fail "answer counts"
[ "$(num 'per MAC')" -ge 1 ] && [ "$(num rate)" -gt 5000 ] || fail "rate limiter counts"
ok "counters: malformed $n_bad, other interfaces, offers/acks/naks, discovered suppressed by rate $(num rate)"
echo "elapsed $(( $(date +%s) - T0 )) s"
t_done
