# Helpers for the HTTP route tests (90-http.sh, 91-firstboot.sh). Source
# after common.sh and bootd_config. Clients bind to distinct loopback
# addresses (curl --interface 127.0.0.x): 127.0.0.1 is the only admin
# network; other addresses act as hosts of the inventory or strangers.
#   http_admin_only FILE   admin_networks = 127.0.0.1/32 in the config
#   http_lo_subnet FILE    a dhcp.subnets entry for 127.0.0.0/8 (gateway)
#   hc FROM PATH [ARGS]    prints the status code of a GET from FROM
#   hget FROM PATH [ARGS]  prints the body (fails on >= 400)
#   hpost FROM PATH BODY   prints the status code of a form POST

HTTP_ADMIN=127.0.0.1
HTTP_STRANGER=127.0.0.5

http_admin_only() {
	sed -i 's|admin_networks = \[ "127.0.0.0/8" \]|admin_networks = [ "127.0.0.1/32" ]|' "$1"
	grep -q '"127.0.0.1/32"' "$1" || fail "admin_networks not set in $1"
}

http_lo_subnet() {
	sed -i 's|dhcp = { subnets = ( {|dhcp = { subnets = ( { network = "127.0.0.0/8"; router = "127.0.0.1"; },\n\t{|' "$1"
	grep -q '"127.0.0.0/8"; router' "$1" || fail "loopback subnet not set in $1"
}

hc() {
	local from=$1 path=$2
	shift 2
	curl -sS --max-time 20 --interface "$from" -o /dev/null \
		-w '%{http_code}' "$@" "http://127.0.0.1:$HTTP_PORT$path"
}

hget() {
	local from=$1 path=$2
	shift 2
	curl -fsS --max-time 20 --interface "$from" "$@" \
		"http://127.0.0.1:$HTTP_PORT$path"
}

hpost() {
	curl -sS --max-time 20 --interface "$1" -o /dev/null -w '%{http_code}' \
		-X POST --data "$3" "http://127.0.0.1:$HTTP_PORT$2"
}

# expect CODE FROM PATH [ARGS]: fails unless the GET answers CODE.
expect() {
	local want=$1 got
	shift
	got=$(hc "$@") || true
	[ "$got" = "$want" ] || fail "GET $2 from $1: $got, want $want"
}
