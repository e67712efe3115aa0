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
