#!/usr/bin/env bash
# The status page in a real browser: headless Chromium (chromedriver and
# python3-selenium, tests/lib/statuspage.py) loads GET / from a running
# bootd on a private MariaDB once, then a test host (dom0-01 of the demo
# inventory) boots, driven by real clients in a namespace: busybox udhcpc
# (DHCP), tftp-hpa's tftp (its kernel), curl (its kickstart, then status
# POSTs install-start and install-done, and its guest's guest-installed).
# From the rendered DOM, without a reload (window.__noReload stays), the
# host's state cell goes unseen -> booting -> installing -> installed and
# its timeline SVG gains each event, the guest's too; a hostile event
# detail shows as text and runs nothing; every resource the browser
# loaded came from bootd; rejected rows and a discovered MAC show; the
# console holds no error; the page fits a
# 420 px window; past its threshold (#large=3) the page asks the server
# for the filtered hosts only. Also over curl: the page's headers (types, ETag and 304,
# CSP) and a stranger's 403 with the status line only. Screenshots go to
# $BOOTD_BUILD/artifacts/.
#
#   bd-sps-PID: sv0 10.213.0.2 (bootd: DHCP, TFTP, HTTP; Chromium)
#      └── bd-spc-PID: c0 (udhcpc, tftp, curl as dom0-01 10.213.0.21)
. "$(dirname "$0")/../lib/common.sh"
. "$BOOTD_SRC/tests/lib/netns.sh"
: "${BOOTD_BUILD:=$(dirname "$(dirname "$BOOTD_BIN")")}"

SRV=bd-sps-$$ CLI=bd-spc-$$
SP_PID=""
sp_cleanup() {
	local rc=$?
	if [ -n "$SP_PID" ]; then
		kill "$SP_PID" 2>/dev/null
		wait "$SP_PID" 2>/dev/null
	fi
	if [ -n "$BOOTD_PID" ]; then
		kill "$BOOTD_PID" 2>/dev/null
		wait "$BOOTD_PID" 2>/dev/null
		BOOTD_PID=""
	fi
	ns_cleanup
	(exit $rc)
	t_cleanup
}
t_init statuspage
trap sp_cleanup EXIT
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] &&
	/usr/bin/python3 -c 'import selenium' 2>/dev/null &&
	command -v busybox >/dev/null && command -v tftp >/dev/null ||
	fail "run scripts/deps.sh (chromium chromium-driver python3-selenium busybox-static tftp-hpa)"
T0=$(date +%s)
ART=$BOOTD_BUILD/artifacts
mkdir -p "$ART" || fail "cannot make $ART"

mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
# bootd runs inside $SRV: every listener on its veth and loopback.
sed -i '/^dhcp = {/,/} ); };$/d; s|^http = { listen = "127.0.0.1";|http = { listen = "0.0.0.0";|' "$T/bootd.conf"
sed -i 's|^tftp = { enabled = false; };|tftp = { listen = "0.0.0.0"; port = 69; };|' "$T/bootd.conf"
cat >> "$T/bootd.conf" <<'CFG'
dhcp = { enabled = true; listen = "0.0.0.0"; port = 67; interfaces = [ "sv0" ];
         subnets = ( { network = "10.213.0.0/24"; router = "10.213.0.1";
                       dns = [ "10.213.0.1" ]; domain = "demo.test"; } ); };
CFG
"$BOOTD_BIN" --config "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
# Two rows the inventory rejects, one with markup for a name.
mariadb_sql "INSERT INTO hosts (hostname, mac, ip, profile, build) VALUES
	('badprof', '52:54:00:00:09:61', '10.213.0.61', 'nosuch', 0),
	('<img src=y onerror=window.__pwned=3>', '52:54:00:00:09:62', '10.213.0.62', 'install', 0)" ||
	fail "rejected rows"
mkdir -p "$T/tftp/installer" "$T/out"
head -c 300000 /dev/urandom > "$T/tftp/installer/vmlinuz"

ns_add "$SRV" && ns_add "$CLI" &&
	ns_veth "$SRV" sv0 10.213.0.2/24 "$CLI" c0 "" || fail "namespaces"
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
ip netns exec "$SRV" "$BOOTD_BIN" --config "$T/bootd.conf" serve >> "$T/bootd.log" 2>&1 &
BOOTD_PID=$!
U=http://127.0.0.1:$HTTP_PORT
wait_until 10 sh -c "ip netns exec $SRV curl -fsS --max-time 1 $U/healthz | grep -q source=db" ||
	fail "bootd did not start with the inventory"
ok "bootd serving DHCP, TFTP and HTTP in $SRV"

# --- The page over curl: admin-only, types, ETag, CSP ---------------------
hdr() { rm -f "$T/body"; : > "$T/body"; nsx "$SRV" curl -sS --max-time 5 -D - -o "$T/body" "$@"; }
h=$(hdr "$U/")
grep -q '^HTTP/1.1 200' <<<"$h" && grep -qi '^Content-Type: text/html; charset=utf-8' <<<"$h" &&
	grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'" <<<"$h" &&
	grep -qi '^Cache-Control: no-cache' <<<"$h" || fail "GET /: $h"
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\("[0-9a-f]*"\).*/\1/p' <<<"$h")
[ -n "$etag" ] || fail "no ETag: $h"
grep -q '<script src="/ui/app.js"' "$T/body" || fail "page body: $(head -c 300 "$T/body")"
! grep -Eo '(src|href)="[^"]*"' "$T/body" | grep -Ev '="(/ui/|data:)' ||
	fail "the page links outside bootd"
h=$(hdr -H "If-None-Match: W/\"x\", $etag" "$U/")
grep -q '^HTTP/1.1 304' <<<"$h" && [ ! -s "$T/body" ] || fail "If-None-Match: $h"
grep -qi '^Content-Type: text/javascript' <<<"$(hdr "$U/ui/app.js")" || fail "app.js type"
grep -qi '^Content-Type: text/css' <<<"$(hdr "$U/ui/style.css")" || fail "style.css type"
h=$(hdr "$U/ui/nosuch.js")
grep -q '^HTTP/1.1 404' <<<"$h" && [ "$(cat "$T/body")" = "$(printf '404 Not Found\nno such file of the page')" ] ||
	fail "/ui/nosuch.js: $h $(cat "$T/body")"
ok "GET / and /ui/*: HTML, JS, CSS types, ETag with a bodiless 304, CSP; an admin's 404 says why"
ip -n "$CLI" addr add 10.213.0.99/24 dev c0 || fail "stranger address"
c=$(nsx "$CLI" curl -sS --max-time 5 -o "$T/body" -w '%{http_code}' "http://10.213.0.2:$HTTP_PORT/")
[ "$c" = 403 ] && [ "$(cat "$T/body")" = "403 Forbidden" ] || fail "stranger: $c $(cat "$T/body")"
ip -n "$CLI" addr del 10.213.0.99/24 dev c0
ok "a stranger gets 403 and the status line only"

# --- The browser ---------------------------------------------------------
coproc SP { exec ip netns exec "$SRV" /usr/bin/python3 \
	"$BOOTD_SRC/tests/lib/statuspage.py" "$T" 2>"$T/statuspage.err"; }
SP_PID=$SP_PID
SP_IN=${SP[1]} SP_OUT=${SP[0]}
sp() {	# sp COMMAND...: one command to the browser; its answer in $R
	R=""
	echo "$*" >&"$SP_IN" || fail "browser gone: $(tail -3 "$T/statuspage.err")"
	IFS= read -r -t 40 R <&"$SP_OUT" ||
		fail "no answer to '$1' from the browser: $(tail -3 "$T/statuspage.err")"
	case $R in ok*) return 0 ;; esac
	return 1
}
IFS= read -r -t 40 R <&"$SP_OUT" && [ "$R" = "ok ready" ] ||
	fail "browser did not start: $R $(tail -5 "$T/statuspage.err")"
sp load "$U/#host=dom0-01" || fail "load: $R"
sp state dom0-01 unseen 10 || fail "before the boot: $R"
ok "Chromium shows the page: dom0-01 unseen, its timeline open"

sp text 5 '#rejected' "unknown profile" || fail "rejected rows: $R"
sp text 5 '#rejected' '<img src=y onerror=window.__pwned=3>' || fail "rejected name: $R"
ok "rejected rows with their reasons, a name with markup as text"

cat > "$T/udhcpc.sh" <<'SH'
#!/bin/sh
env | sort > "$DHCP_OUT.$1"
SH
chmod +x "$T/udhcpc.sh"
udhcpc() {	# udhcpc OUT ARGS...: busybox udhcpc on c0 in $CLI
	local out=$1
	shift
	DHCP_OUT=$out timeout 20 ip netns exec "$CLI" busybox udhcpc -i c0 -f -q -n \
		-s "$T/udhcpc.sh" "$@" >> "$T/udhcpc.log" 2>&1
}
# An unknown MAC (UEFI x64 firmware): not answered, but discovered.
ip -n "$CLI" link set dev c0 address 52:54:00:96:00:01 || fail "MAC"
udhcpc "$T/u0" -t 2 -T 1 -V PXEClient:Arch:00007:UNDI:003016 -x 0x5d:0007 &&
	fail "an unknown MAC got a lease"
sp text 10 '#discovered' 52:54:00:96:00:01 || fail "discovered: $R"
ok "an unknown MAC shows under discovered MACs"

# DHCP: a real client with the host's MAC gets its address.
ip -n "$CLI" link set dev c0 address 52:54:00:00:02:01 || fail "MAC"
udhcpc "$T/u1" -t 4 -T 1 || fail "udhcpc: $(tail -3 "$T/udhcpc.log")"
grep -qx 'ip=10.213.0.21' "$T/u1.bound" || fail "lease: $(cat "$T/u1.bound")"
ip -n "$CLI" addr add 10.213.0.21/24 dev c0 || fail "address"
sp state dom0-01 booting 10 || fail "after DHCP: $R"
ok "udhcpc got 10.213.0.21: the state cell says booting ($R)"

# TFTP: its kernel, as the firmware would fetch it.
(cd "$T/out" && timeout 20 ip netns exec "$CLI" tftp 10.213.0.2 -m binary -c get installer/vmlinuz vmlinuz) ||
	fail "tftp get"
cmp -s "$T/tftp/installer/vmlinuz" "$T/out/vmlinuz" || fail "tftp: content differs"
sp timeline 10 dom0-01:dhcp-ack dom0-01:tftp-done || fail "timeline after TFTP: $R"
sp text 5 svg.tl 'installer/vmlinuz 293 KiB' || fail "transfer label: $R"
ok "tftp fetched installer/vmlinuz: the timeline has dhcp-ack and the transfer with its size"

# The installer: its kickstart, then its status callbacks, from its IP.
hu=http://10.213.0.2:$HTTP_PORT
nsx "$CLI" curl -fsS --max-time 5 -o "$T/out/ks" "$hu/ks/dom0-01" || fail "kickstart"
grep -q 'kickstart for Xen dom0 dom0-01' "$T/out/ks" || fail "kickstart body"
post() {	# post HOST STAGE DETAIL
	nsx "$CLI" curl -fsS --max-time 5 -o /dev/null --data-urlencode "stage=$2" \
		--data-urlencode "detail=$3" "$hu/status/$1"
}
HOSTILE='<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
post dom0-01 install-start "$HOSTILE" || fail "install-start"
sp state dom0-01 installing 10 || fail "after install-start: $R"
ok "kickstart served and install-start posted: installing ($R)"
post dom0-01 install-done ok || fail "install-done"
sp state dom0-01 installed 10 || fail "after install-done: $R"
ok "install-done posted: installed ($R)"
post vm01 guest-installed "on dom0-01" || fail "guest-installed"
sp timeline 10 dom0-01:dhcp-ack dom0-01:tftp-done dom0-01:ks-served \
	dom0-01:install-start dom0-01:install-done vm01:guest-installed ||
	fail "timeline: $R"
ok "timeline SVG: $R"
sp text 5 td.detail "$HOSTILE" || fail "hostile detail not shown as text: $R"
sp eval "return [window.__pwned === undefined, document.querySelectorAll('#events img, #events script').length]" &&
	[ "$R" = "ok [true, 0]" ] || fail "hostile detail ran or made elements: $R"
ok "a hostile event detail shows as text and runs nothing"
sp eval "return performance.getEntriesByType('resource').map((e) => e.name).concat([location.href]).filter((u) => !u.startsWith('$U/'))" &&
	[ "$R" = "ok []" ] || fail "resources from elsewhere: $R"
sp eval "return window.__noReload" && [ "$R" = 'ok "bootd-test"' ] || fail "reloaded: $R"
sp console || fail "browser console: $R"
ok "no reload, every resource from bootd, no console error"

sp screenshot "$ART/96-statuspage.png" || fail "screenshot: $R"
file_ok() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
file_ok "$ART/96-statuspage.png" || fail "no PNG"
sp size 420 900 || fail "size: $R"
sp eval "return [document.documentElement.scrollWidth <= window.innerWidth, Array.from(document.querySelectorAll('#hosts tbody tr')).find((r) => r.dataset.host === 'dom0-01').querySelector('td.state').getBoundingClientRect().right <= window.innerWidth]" &&
	[ "$R" = "ok [true, true]" ] || fail "narrow window: $R"
sp screenshot "$ART/96-statuspage-narrow.png" && file_ok "$ART/96-statuspage-narrow.png" ||
	fail "narrow screenshot: $R"
sp console || fail "browser console: $R"
ok "420 px window: no page-wide scroll, the state column in view; screenshots in $ART"

# A large inventory (threshold 3 instead of 5000 here): no full list, the
# filters go to the server.
sp size 1280 900 && sp load "$U/?large#large=3" || fail "load large: $R"
sp text 10 '#hosts-empty' 'too many to list them all' || fail "large, no filter: $R"
sp eval "document.querySelector('#counts button[data-state=installed]').click()" ||
	fail "click: $R"
sp state dom0-01 installed 10 || fail "large, state filter: $R"
sp eval "return Array.from(document.querySelectorAll('#hosts tbody tr')).map((r) => r.dataset.host)" &&
	[ "$R" = 'ok ["dom0-01", "vm01"]' ] || fail "large, installed hosts: $R"
sp eval "return Array.from(new Set(performance.getEntriesByType('resource').filter((e) => /[/]api[/]hosts[?]/.test(e.name)).map((e) => e.name.replace(/^.*[/]api/, ''))))" &&
	[ "$R" = 'ok ["/hosts?state=installed"]' ] || fail "large, the hosts asked for: $R"
sp console || fail "browser console: $R"
ok "large inventory: a hint instead of every host, then /api/hosts?state=installed"
sp quit
wait "$SP_PID" || fail "statuspage.py exit status $?"
SP_PID=""
[ ! -e "$T/chromium-profile" ] || fail "Chromium's profile left behind"
ok "browser closed, its profile removed"
bootd_stop
! grep -q 'Sanitizer' "$T/bootd.log" || fail "sanitizer report in bootd.log"
ok "bootd stopped cleanly ($(($(date +%s) - T0)) s in all)"
t_done
