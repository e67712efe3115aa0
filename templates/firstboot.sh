{{!
  firstboot.sh: the first-boot script of a dom0, served as
  GET /firstboot/<dom0> to the dom0's own IP (and admins); dom0.ks installs
  a systemd unit that runs `curl -fsS <server>/firstboot/<dom0> | sh` at
  boot until the script has finished once. It fetches the guest list
  (/guests/<dom0>), each guest's running and install configs and the
  installer kernels and initrds (/files/), starts every install at once,
  waits until each install domain is gone (the installer's reboot destroys
  it), starts the guest from its running config, and reports each step to
  /status/<guest> and /status/<dom0>. A guest with a marker file in
  $STATE/done is skipped: running the script again starts nothing that is
  installed already. It runs under any POSIX sh (dash, bash, busybox
  ash) and needs curl or wget (busybox's will do: its -T option is
  avoided, it crashes in busybox 1.35), plus od, sed, date and sleep.

  Variables (README "Templates"): those of the dom0: hostname server_url
  ...; guests (list: each guest's variables).
}}
#!/bin/sh
# bootd first-boot script of dom0 {{hostname}}: installs its guests
# ({{#guests}}{{hostname}} {{/guests}}as of this rendering) in parallel.
# Environment, for tests and manual runs:
#   BOOTD_URL              server (default {{server_url}})
#   BOOTD_FIRSTBOOT_DIR    state directory (default /var/lib/bootd-firstboot)
#   BOOTD_TOOLSTACK        xl or virsh (default: xl when installed, else virsh)
#   BOOTD_POLL             seconds between checks of an install (default 10)
#   BOOTD_INSTALL_TIMEOUT  seconds an install may take (default 14400)
#   BOOTD_REPORT_TRIES     tries of each status report (default 10)
#   BOOTD_REPORT_SLEEP     seconds before the second try, doubled for each
#                          next one up to 60 (default 2: 10 tries take
#                          about 5 minutes while bootd is away)
# The whole script is one function, called on its last line: a truncated
# download does not parse, so it runs nothing.

bootd_firstboot() {
	DOM0='{{hostname}}'
	BASE=${BOOTD_URL:-'{{server_url}}'}
	DEFDIR=/var/lib/bootd-firstboot
	STATE=${BOOTD_FIRSTBOOT_DIR:-$DEFDIR}
	POLL=${BOOTD_POLL:-10}
	TIMEOUT=${BOOTD_INSTALL_TIMEOUT:-14400}
	RTRIES=${BOOTD_REPORT_TRIES:-10}
	RSLEEP=${BOOTD_REPORT_SLEEP:-2}

	if command -v curl >/dev/null 2>&1; then
		HTTP=curl
	elif command -v wget >/dev/null 2>&1; then
		HTTP=wget
	else
		log "neither curl nor wget is installed"
		return 1
	fi

	if [ -n "${BOOTD_TOOLSTACK:-}" ]; then
		TS=$BOOTD_TOOLSTACK
	elif command -v xl >/dev/null 2>&1; then
		TS=xl
	elif command -v virsh >/dev/null 2>&1; then
		TS=virsh
	else
		log "neither xl nor virsh is installed"
		report "$DOM0" firstboot-failed "neither xl nor virsh"
		return 1
	fi
	case $TS in
	xl) EXT=cfg ;;
	virsh) EXT=xml ;;
	*) log "BOOTD_TOOLSTACK must be xl or virsh"; return 1 ;;
	esac

	mkdir -p "$STATE/cfg" "$STATE/boot" "$STATE/done" || return 1
	if ! LIST=$(get "$BASE/guests/$DOM0" -); then
		log "cannot fetch the guest list from $BASE"
		report "$DOM0" firstboot-failed "cannot fetch the guest list"
		return 1
	fi

	# First fetch everything, then start every install at once.
	FAILED=0
	TODO=
	FETCHED=' '
	while read -r g prof kernel initrd; do
		[ -n "$g" ] || continue
		if [ -e "$STATE/done/$g" ]; then
			log "$g: installed already"
			continue
		fi
		if dom_exists "$g"; then
			log "$g: a domain of that name is running; left alone"
			continue
		fi
		if prepare "$g" "$prof" "$kernel" "$initrd"; then
			TODO="$TODO $g"
		else
			report "$g" guest-failed "on $DOM0: download failed"
			FAILED=$((FAILED + 1))
		fi
	done <<LIST
$LIST
LIST

	PIDS=
	for g in $TODO; do
		install_guest "$g" &
		PIDS="$PIDS $!"
	done
	for p in $PIDS; do
		wait "$p" || FAILED=$((FAILED + 1))
	done

	if [ "$FAILED" -ne 0 ]; then
		report "$DOM0" firstboot-failed "$FAILED guests failed"
		return 1
	fi
	: > "$STATE/firstboot-done"
	report "$DOM0" firstboot-done "guests:$TODO"
	log "done"
}

log() {
	echo "bootd-firstboot: $*" >&2
}

# get URL FILE: downloads URL into FILE (- for stdout); fails on an HTTP
# error status.
get() {
	case $HTTP in
	curl) curl -fsS -o "$2" "$1" ;;
	*) wget -q -O "$2" "$1" ;;
	esac
}

# urlencode TEXT: every byte as %XX (form encoding without curl's
# --data-urlencode).
urlencode() {
	printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g'
}

# post URL BODY: POSTs the form BODY; prints the HTTP status, or nothing
# when there was no answer. busybox wget tells the status only in its
# error text ("server returned error: HTTP/1.1 503 ..."); GNU wget -q not
# at all, so with it every failure looks like no answer.
post() {
	case $HTTP in
	curl)
		curl -sS -o /dev/null -w '%{http_code}' --connect-timeout 10 \
		    --max-time 30 --data "$2" "$1" | sed 's/^000$//'
		;;
	*)
		if out=$(wget -q -O /dev/null --post-data "$2" "$1" 2>&1); then
			echo 200
		else
			printf '%s\n' "$out" | sed -n \
			    's/.*HTTP\/1\.[01] \([0-9][0-9][0-9]\).*/\1/p' |
			    sed -n 1p
		fi
		;;
	esac
}

# report HOST STAGE DETAIL: a boot_events row on the server. Tried again
# while bootd is unreachable or answers 5xx (or 408, 429): RTRIES tries,
# sleeping RSLEEP seconds, then twice as long each time up to 60; another
# 4xx is final. Never fails the caller: a lost report loses a row of the
# boot timeline, not an install.
report() {
	r_body="stage=$(urlencode "$2")&detail=$(urlencode "$3")"
	r_n=1
	r_t=$RSLEEP
	while :; do
		r_code=$(post "$BASE/status/$1" "$r_body")
		case $r_code in
		2??) return 0 ;;
		408|429) ;;
		4??)
			log "could not report $2 for $1: HTTP $r_code"
			return 0
			;;
		esac
		if [ "$r_n" -ge "$RTRIES" ]; then
			log "could not report $2 for $1 in $r_n tries" \
			    "(${r_code:-no answer})"
			return 0
		fi
		log "reporting $2 for $1: ${r_code:-no answer}; again in $r_t s"
		sleep "$r_t"
		r_n=$((r_n + 1))
		r_t=$((r_t < 30 ? r_t * 2 : 60))
	done
}

# fetch URL FILE: downloads to FILE.tmp, then renames.
fetch() {
	get "$1" "$2.tmp" && mv -f "$2.tmp" "$2"
}

dom_exists() {
	case $TS in
	xl) xl list "$1" >/dev/null 2>&1 ;;
	virsh) virsh list --name 2>/dev/null | grep -qx "$1" ;;
	esac
}

# prepare GUEST PROFILE KERNEL INITRD: configs and installer files.
prepare() {
	fetch "$BASE/guests/$DOM0/$1.$EXT" "$STATE/cfg/$1.$EXT" &&
	    fetch "$BASE/guests/$DOM0/$1-install.$EXT" \
	    "$STATE/cfg/$1-install.$EXT" || return 1
	# The install configs name files under $DEFDIR/boot.
	if [ "$STATE" != "$DEFDIR" ]; then
		sed -i "s|$DEFDIR/|$STATE/|g" "$STATE/cfg/$1-install.$EXT" ||
			return 1
	fi
	case $FETCHED in
	*" $2 "*) return 0 ;;
	esac
	if [ "$3" = - ]; then
		log "$1: profile $2 has no kernel"
		return 1
	fi
	mkdir -p "$STATE/boot/$2" &&
	    fetch "$BASE/files/$3" "$STATE/boot/$2/vmlinuz" || return 1
	if [ "$4" != - ]; then
		fetch "$BASE/files/$4" "$STATE/boot/$2/initrd" || return 1
	fi
	FETCHED="$FETCHED$2 "
}

# install_guest GUEST: runs in the background, one per guest.
install_guest() {
	report "$1" guest-install-start "on $DOM0 via $TS"
	case $TS in
	xl) xl create "$STATE/cfg/$1-install.cfg" ;;
	virsh) virsh create "$STATE/cfg/$1-install.xml" ;;
	esac || {
		report "$1" guest-failed "on $DOM0: install domain did not start"
		return 1
	}
	end=$(($(date +%s) + TIMEOUT))
	while dom_exists "$1"; do
		if [ "$(date +%s)" -ge "$end" ]; then
			report "$1" guest-failed "on $DOM0: install still running after $TIMEOUT s"
			return 1
		fi
		sleep "$POLL"
	done
	case $TS in
	xl) xl create "$STATE/cfg/$1.cfg" ;;
	virsh) virsh define "$STATE/cfg/$1.xml" && virsh start "$1" ;;
	esac || {
		report "$1" guest-failed "on $DOM0: guest did not start"
		return 1
	}
	: > "$STATE/done/$1"
	report "$1" guest-installed "on $DOM0 via $TS"
}

bootd_firstboot "$@"
