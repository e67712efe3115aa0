#!/usr/bin/env bash
# Privileges: bootd started as root binds DHCP :67, TFTP :69 and HTTP :80
# in a namespace made here (10.213.0.0/24), then serves a DHCP + TFTP +
# HTTP exchange as the unprivileged user $BOOTD_USER with empty capability
# sets (/proc/PID/status); a file only root may read is refused. Started
# unprivileged with CAP_NET_BIND_SERVICE (systemd's way, via setpriv) it
# serves too and keeps no capability. A missing user stops the start with
# one clear line; bootd check names it, a missing or unwritable cache
# directory and a missing TFTP root.
#
#   bd-pcli-PID  c0 10.213.0.13 ── s0 10.213.0.2  bd-psrv-PID (bootd)
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"

SRV=bd-psrv-$$ CLI=bd-pcli-$$
p_cleanup() {
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
t_init priv
trap p_cleanup EXIT
[ "$(id -u)" = 0 ] || fail "needs root (namespaces, ports below 1024)"
command -v setpriv >/dev/null || fail "setpriv (util-linux) missing"

mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
sed -i '/^dhcp = {/,/} ); };$/d; s|^http = { listen = "127.0.0.1"; port = [0-9]*;|http = { listen = "0.0.0.0"; port = 80;|' "$T/bootd.conf"
sed -i 's|^tftp = { enabled = false; };|tftp = { listen = "0.0.0.0"; port = 69; };|' "$T/bootd.conf"
cat >> "$T/bootd.conf" <<'CFG'
dhcp = { enabled = true; listen = "0.0.0.0"; port = 67;
         subnets = ( { network = "10.213.0.0/24"; router = "10.213.0.1"; } ); };
CFG
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
head -c 200000 /dev/urandom > "$T/tftp/boot.bin"
echo "root only" > "$T/tftp/secret.bin"
chown root:root "$T/tftp/secret.bin" && chmod 600 "$T/tftp/secret.bin"

ns_add "$SRV" && ns_add "$CLI" &&
	ns_veth "$SRV" s0 10.213.0.2/24 "$CLI" c0 10.213.0.13/24 ||
	fail "namespaces"
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
hz() { nsx "$CLI" curl -fsS --max-time 2 "http://10.213.0.2:80/healthz"; }
field() { sed -n "s/^$1=//p"; }

# /proc/PID/status: "Uid: r e s fs", "CapEff: 0000000000000000", ...
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }
check_identity() {	# PID LABEL
	local pid=$1 uid gid c v
	uid=$(id -u "$BOOTD_USER") gid=$(id -g "$BOOTD_USER")
	[ "$(status_of "$pid" Uid)" = "$uid	$uid	$uid	$uid" ] ||
		fail "$2: Uid $(status_of "$pid" Uid), want $uid x4"
	[ "$(status_of "$pid" Gid)" = "$gid	$gid	$gid	$gid" ] ||
		fail "$2: Gid $(status_of "$pid" Gid), want $gid x4"
	v=$(status_of "$pid" Groups | xargs)
	[ -z "$v" ] || [ "$v" = "$gid" ] || fail "$2: supplementary groups '$v'"
	for c in CapInh CapPrm CapEff CapAmb; do
		v=$(status_of "$pid" $c)
		[ "$v" = 0000000000000000 ] || fail "$2: $c $v"
	done
	# Every thread, the DB thread too.
	for t in /proc/"$pid"/task/*; do
		[ "$(sed -n 's/^CapEff:[[:space:]]*//p' "$t/status")" = 0000000000000000 ] &&
			grep -q "^Uid:	$uid	" "$t/status" ||
			fail "$2: thread $t keeps privileges"
	done
}

# --- started as root: bind, drop, serve
ip netns exec "$SRV" "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 10 sh -c "ip netns exec $CLI curl -fsS --max-time 1 http://10.213.0.2:80/healthz | grep -q source=db" ||
	fail "bootd did not start with the inventory"
check_identity "$BOOTD_PID" "started as root"
[ "$(status_of "$BOOTD_PID" CapBnd)" = 0000000000000000 ] ||
	fail "bounding set kept: $(status_of "$BOOTD_PID" CapBnd)"
grep -q "bootd: running as user $BOOTD_USER, group $(id -gn "$BOOTD_USER"), no capabilities" "$T/bootd.log" ||
	fail "no drop line in the log"
ok "bound :67 :69 :80 as root, then uid/gid $(id -u "$BOOTD_USER")/$(id -g "$BOOTD_USER") ($BOOTD_USER), no supplementary groups, every capability set empty (bounding too), all threads"

nsx "$CLI" python3 "$BOOTD_SRC/tests/lib/dhcp_raw.py" ask --dev c0 \
	--mac 52:54:00:00:01:01 --arch 0 --wait 2 --tries 2 > "$T/dhcp.out" ||
	fail "no DHCP reply: $(tr -d '\0' < "$T/dhcp.out")"
out=$(tr -d '\0' < "$T/dhcp.out")
[ "$(echo "$out" | field type)" = OFFER ] &&
	[ "$(echo "$out" | field yiaddr)" = 10.213.0.11 ] ||
	fail "DHCP offer: $out"
ok "DHCP :67: OFFER 10.213.0.11 to node01's MAC"
(cd "$T" && nsx "$CLI" timeout 20 tftp 10.213.0.2 69 -m binary -c get boot.bin "$T/boot.out") ||
	fail "TFTP fetch"
cmp -s "$T/tftp/boot.bin" "$T/boot.out" || fail "TFTP content"
ok "TFTP :69: boot.bin fetched, identical"
nsx "$CLI" curl -fsS --max-time 5 http://10.213.0.2:80/files/boot.bin -o "$T/http.out" ||
	fail "HTTP fetch"
cmp -s "$T/tftp/boot.bin" "$T/http.out" || fail "HTTP content"
ok "HTTP :80: /files/boot.bin fetched, identical"

msg=$(cd "$T" && nsx "$CLI" timeout 20 tftp 10.213.0.2 69 -m binary -c get secret.bin "$T/secret.out" 2>&1)
echo "$msg" | grep -q 'Error code' || fail "root-only file over TFTP: $msg"
[ -s "$T/secret.out" ] && fail "root-only file content sent over TFTP"
code=$(nsx "$CLI" curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://10.213.0.2:80/files/secret.bin)
case $code in 403|404) ;; *) fail "root-only file over HTTP: $code" ;; esac
ok "a file only root may read is refused: TFTP '$(echo "$msg" | head -1)', HTTP $code"
check_identity "$BOOTD_PID" "after serving"

kill -TERM "$BOOTD_PID"; wait "$BOOTD_PID" || fail "bootd exit status $?"
BOOTD_PID=""
[ -s "$T/inventory.cache" ] && [ "$(stat -c %U "$T/inventory.cache")" = "$BOOTD_USER" ] ||
	fail "cache not written by $BOOTD_USER"
ok "cache written as $BOOTD_USER; clean stop"

# --- started unprivileged with CAP_NET_BIND_SERVICE, as a unit with
# User=bootd AmbientCapabilities=CAP_NET_BIND_SERVICE does
ip netns exec "$SRV" setpriv --reuid "$BOOTD_USER" --regid "$(id -g "$BOOTD_USER")" --clear-groups \
	--inh-caps +net_bind_service --ambient-caps +net_bind_service \
	"$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
wait_until 10 sh -c "ip netns exec $CLI curl -fsS --max-time 1 http://10.213.0.2:80/healthz | grep -q source=db" ||
	fail "bootd with CAP_NET_BIND_SERVICE did not start"
check_identity "$BOOTD_PID" "started with CAP_NET_BIND_SERVICE"
grep -q "no capabilities (started as them)" "$T/bootd.log" || fail "no 'started as them' line"
(cd "$T" && nsx "$CLI" timeout 20 tftp 10.213.0.2 69 -m binary -c get boot.bin "$T/boot2.out") &&
	cmp -s "$T/tftp/boot.bin" "$T/boot2.out" || fail "TFTP fetch (CAP_NET_BIND_SERVICE)"
ok "started as $BOOTD_USER with CAP_NET_BIND_SERVICE: :67 :69 :80 bound, serves, the capability gone (CapAmb/CapEff/CapPrm 0)"
kill -TERM "$BOOTD_PID"; wait "$BOOTD_PID" || fail "bootd exit status $?"
BOOTD_PID=""

# Started unprivileged as another user: it cannot become bootd.
rc=0
msg=$(nsx "$SRV" setpriv --reuid nobody --regid nogroup --clear-groups \
	--inh-caps +net_bind_service --ambient-caps +net_bind_service \
	"$BOOTD_BIN" --config "$T/bootd.conf" serve 2>&1) || rc=$?
[ $rc = 1 ] && echo "$msg" | grep -q "running as nobody (uid [0-9]*), which cannot become user $BOOTD_USER" ||
	fail "as nobody: rc $rc: $msg"
ok "started as nobody: exit 1, '$(echo "$msg" | grep -o 'bootd: running as.*' | cut -c1-70)...'"

# --- a missing user: one line, exit 1, nothing bound
sed "s|^log = {|process = { user = \"nosuch$$\"; };\nlog = {|" "$T/bootd.conf" > "$T/nouser.conf"
rc=0
msg=$(timeout 20 "$BOOTD_BIN" --config "$T/nouser.conf" serve 2>&1) || rc=$?
[ $rc = 1 ] && [ "$(echo "$msg" | wc -l)" = 1 ] &&
	echo "$msg" | grep -q "process.user \"nosuch$$\": no such user" ||
	fail "missing user: rc $rc: $msg"
ok "missing user: exit 1, one line: $(echo "$msg" | cut -c1-90)..."

# --- bootd check: the user, the cache directory, the TFTP root
out=$("$BOOTD_BIN" --config "$T/nouser.conf" check 2>&1) && fail "check passed with a missing user"
echo "$out" | grep -q "process.user \"nosuch$$\": no such user" || fail "check: user not named: $out"
ok "check: missing user named"
mkdir "$T/rootonly" && chgrp root "$T/rootonly" && chmod 755 "$T/rootonly"
sed "s|cache = \"[^\"]*\"|cache = \"$T/rootonly/inv.cache\"|" "$T/bootd.conf" > "$T/ro.conf"
out=$("$BOOTD_BIN" --config "$T/ro.conf" check 2>&1) && fail "check passed with an unwritable cache dir"
echo "$out" | grep -q "paths.cache $T/rootonly/inv.cache: user $BOOTD_USER cannot write in its directory $T/rootonly: Permission denied" ||
	fail "check: unwritable cache dir not named: $out"
ok "check: unwritable cache directory named ($BOOTD_USER)"
sed "s|cache = \"[^\"]*\"|cache = \"$T/nodir/inv.cache\"|; s|tftp_root = \"[^\"]*\"|tftp_root = \"$T/notftp\"|" \
	"$T/bootd.conf" > "$T/missing.conf"
out=$("$BOOTD_BIN" --config "$T/missing.conf" check 2>&1) && fail "check passed with missing paths"
echo "$out" | grep -q "paths.cache $T/nodir/inv.cache: directory $T/nodir: No such file or directory" &&
	echo "$out" | grep -q "paths.tftp_root $T/notftp: No such file or directory" ||
	fail "check: missing paths not named: $out"
ok "check: missing cache directory and TFTP root named"
out=$("$BOOTD_BIN" --config "$T/bootd.conf" check 2>&1) || fail "check of the good config: $out"
ok "check: the good config passes as $BOOTD_USER"
t_done
