# Stub toolstacks for the first-boot script (91-firstboot.sh, and inside
# the e2e dom0 VM): `http_stubs DIR FROM [RUNDIR]` writes xl, virsh and,
# when FROM is not empty, a curl wrapper into DIR; RUNDIR (default DIR) is
# where they will be when they run. They need only a POSIX sh and busybox
# applets. Domains are files under $STUB_DOMS; every call and event is
# appended to $STUB_LOG as "<epoch[.ns]> <what>", one write each, so the
# order of the lines is the order of the events.
# An install domain (on_reboot destroy) goes away $STUB_INSTALL_SECS after
# it was created, like an installer that reboots at its end; a create of
# the guest named in $STUB_FAIL fails. The curl wrapper binds to FROM, so
# the script talks to bootd as the dom0 (a loopback address) would.
# stubs_concurrent LOG GUESTS... then checks that the installs overlapped.
http_stubs() {
	local dir=$1 from=$2 run=${3:-$1} real
	mkdir -p "$dir"
	if [ -n "$from" ]; then
		real=$(command -v curl)
		cat > "$dir/curl" <<EOF
#!/bin/sh
exec $real --interface $from "\$@"
EOF
		chmod +x "$dir/curl"
	fi
	# Shared by both stubs: record, create, list.
	cat > "$dir/stub-common" <<'EOF'
# busybox date has no %N.
stamp() {
	t=$(date +%s.%N)
	case $t in *N) t=$(date +%s) ;; esac
	echo "$t $*" >> "$STUB_LOG"
}
# start_domain NAME INSTALL(0/1) KERNEL
start_domain() {
	if [ -e "$STUB_DOMS/$1" ]; then
		echo "domain $1 exists" >&2
		return 1
	fi
	if [ "$1" = "${STUB_FAIL:-}" ]; then
		stamp "failed $1"
		return 1
	fi
	if [ "$2" = 1 ]; then
		[ -s "$3" ] || { echo "no kernel $3" >&2; return 1; }
		echo install > "$STUB_DOMS/$1"
		stamp "created $1 install"
		(sleep "$STUB_INSTALL_SECS"; rm -f "$STUB_DOMS/$1"; stamp "gone $1") \
			</dev/null >/dev/null 2>&1 &
	else
		echo running > "$STUB_DOMS/$1"
		stamp "created $1 running"
	fi
}
EOF
	cat > "$dir/xl" <<EOF
#!/bin/sh
. "$run/stub-common"
EOF
	cat >> "$dir/xl" <<'EOF'
stamp "xl $*"
case $1 in
create)
	name=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$2")
	kernel=$(sed -n 's/^kernel = "\(.*\)"$/\1/p' "$2")
	inst=0
	grep -q '^on_reboot = "destroy"' "$2" && inst=1
	start_domain "$name" $inst "$kernel"
	;;
list)
	[ -z "${2:-}" ] || [ -e "$STUB_DOMS/$2" ]
	;;
*)
	exit 1
	;;
esac
EOF
	cat > "$dir/virsh" <<EOF
#!/bin/sh
. "$run/stub-common"
EOF
	cat >> "$dir/virsh" <<'EOF'
stamp "virsh $*"
xname() { sed -n 's|^ *<name>\(.*\)</name>$|\1|p' "$1"; }
case $1 in
create)
	kernel=$(sed -n 's|^ *<kernel>\(.*\)</kernel>$|\1|p' "$2")
	inst=0
	grep -q '<on_reboot>destroy</on_reboot>' "$2" && inst=1
	start_domain "$(xname "$2")" $inst "$kernel"
	;;
define)
	cp "$2" "$STUB_DOMS/$(xname "$2").defined"
	stamp "defined $(xname "$2")"
	;;
start)
	[ -e "$STUB_DOMS/$2.defined" ] || exit 1
	start_domain "$2" 0 ""
	;;
list)
	# --name: running domains, one per line
	ls "$STUB_DOMS" | grep -v '\.defined$'
	;;
*)
	exit 1
	;;
esac
EOF
	chmod +x "$dir/xl" "$dir/virsh"
}

# stubs_line LOG EVENT: the number of the line "<ts> EVENT" (the stubs append
# one line per event: line order is time order, finer than any clock).
stubs_line() {
	awk -v e="$2" '{ $1 = ""; sub(/^ /, ""); if ($0 == e) { print NR; exit } }' "$1"
}

# stubs_concurrent LOG GUESTS...: every install was created before any ended,
# and each guest's running domain started after its install was gone.
# Sets CONC (what it saw). Call it directly, never in $(...): fail must
# end the test, not a subshell.
stubs_concurrent() {
	local log=$1 g c r gone last_create=0 first_gone=99999999999
	shift
	for g in "$@"; do
		c=$(stubs_line "$log" "created $g install")
		gone=$(stubs_line "$log" "gone $g")
		r=$(stubs_line "$log" "created $g running")
		[ -n "$c" ] && [ -n "$gone" ] && [ -n "$r" ] ||
			{ cat "$log"; fail "$g: install, end or start missing"; }
		awk -v a="$gone" -v b="$r" 'BEGIN { exit !(a < b) }' ||
			fail "$g: running config started before its install ended"
		last_create=$(awk -v a="$last_create" -v b="$c" 'BEGIN { print (b > a) ? b : a }')
		first_gone=$(awk -v a="$first_gone" -v b="$gone" 'BEGIN { print (b < a) ? b : a }')
	done
	awk -v a="$last_create" -v b="$first_gone" 'BEGIN { exit !(a < b) }' ||
		{ cat "$log"; fail "installs did not overlap: last start $last_create, first end $first_gone"; }
	CONC="last install started at line $last_create, first ended at line $first_gone"
}
