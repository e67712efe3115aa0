# Network namespaces for tests: only addresses inside namespaces the test
# made itself (10.213.0.0/16). Source this file, then:
#   ns_pair NS1 IP1 NS2 IP2   two namespaces joined by a veth pair (/24)
#   ns_cleanup                delete every namespace made here
NS_MADE=()

ns_pair() {
	local a=$1 aip=$2 b=$3 bip=$4 va="v$$a" vb="v$$b"
	va=${va:0:15}; vb=${vb:0:15}
	ip netns add "$a" && NS_MADE+=("$a") || return 1
	ip netns add "$b" && NS_MADE+=("$b") || return 1
	ip link add "$va" netns "$a" type veth peer name "$vb" netns "$b" || return 1
	ip -n "$a" addr add "$aip/24" dev "$va"
	ip -n "$b" addr add "$bip/24" dev "$vb"
	ip -n "$a" link set "$va" up
	ip -n "$b" link set "$vb" up
	ip -n "$a" link set lo up
	ip -n "$b" link set lo up
	NS_DEV_A=$va
	NS_DEV_B=$vb
}

ns_cleanup() {
	local n
	for n in "${NS_MADE[@]}"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	NS_MADE=()
}

# Building blocks for larger topologies (each records what it made):
#   ns_add NS                          a namespace with lo up
#   ns_veth NS1 DEV1 ADDR1 NS2 DEV2 ADDR2
#                                      a veth pair DEV1 (in NS1) - DEV2 (in
#                                      NS2), both up; ADDRn is "a.b.c.d/len"
#                                      or "" for none
#   ns_bridge NS BR ADDR DEV...        bridge BR in NS over the DEVs, up,
#                                      with ADDR ("" for none)
# Names of devices live inside the namespaces, so they need no PID suffix.
ns_add() {
	ip netns add "$1" && NS_MADE+=("$1") || return 1
	ip -n "$1" link set lo up
}

ns_veth() {
	local a=$1 da=$2 aa=$3 b=$4 db=$5 ab=$6
	ip link add "$da" netns "$a" type veth peer name "$db" netns "$b" ||
		return 1
	[ -z "$aa" ] || ip -n "$a" addr add "$aa" dev "$da" || return 1
	[ -z "$ab" ] || ip -n "$b" addr add "$ab" dev "$db" || return 1
	ip -n "$a" link set "$da" up && ip -n "$b" link set "$db" up
}

ns_bridge() {
	local ns=$1 br=$2 addr=$3 d
	shift 3
	ip -n "$ns" link add "$br" type bridge || return 1
	for d in "$@"; do
		ip -n "$ns" link set "$d" master "$br" || return 1
	done
	[ -z "$addr" ] || ip -n "$ns" addr add "$addr" dev "$br" || return 1
	ip -n "$ns" link set "$br" up
}
