#!/usr/bin/env bash
# The command line and config errors: each bad config names file, line and
# key, and exits non-zero; --help and --version work. No database needed.
. "$(dirname "$0")/../lib/common.sh"
t_init cli

expect_err() {	# expect_err NAME PATTERN CONFIG-TEXT
	local name=$1 pat=$2 out rc=0
	printf '%s\n' "$3" > "$T/$name.conf"
	out=$("$BOOTD_BIN" --config "$T/$name.conf" check 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "$name: exit 0 for a bad config"
	echo "$out" | grep -qF -- "$pat" || fail "$name: got \"$out\", want \"$pat\""
	[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "$name: not one line: $out"
	ok "$name: $out"
}

"$BOOTD_BIN" --version | grep -qE '^bootd [0-9]+\.[0-9]+' || fail "--version"
"$BOOTD_BIN" --help | grep -q 'db migrate' || fail "--help"
ok "--version, --help"
rc=0; "$BOOTD_BIN" frobnicate 2>"$T/err" || rc=$?
[ $rc -ne 0 ] && grep -q 'unknown command "frobnicate"' "$T/err" || fail "unknown command"
ok "unknown command refused"

rc=0; out=$("$BOOTD_BIN" --config "$T/nope.conf" check 2>&1) || rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "$T/nope.conf" || fail "missing file: $out"
ok "missing file: $out"

expect_err syntax "syntax.conf:3:" 'tftp = { port = 69; };
http = { port = 80; };
dhcp = { enabled = true;; };'
expect_err unknown-key 'unknown-key.conf:2: unknown setting "tftp.blocksize"' \
	'http = { port = 80; };
tftp = { blocksize = 512; };'
expect_err unknown-key2 'unknown-key2.conf:1: unknown setting "bogus"' 'bogus = 1;'
expect_err wrong-type 'wrong-type.conf:1: database.port' \
	'database = { port = "3306"; };'
expect_err wrong-type2 'wrong-type2.conf:2: tftp.enabled' \
	'log = { level = "info"; };
tftp = { enabled = 1; };'
expect_err range 'range.conf:1: http.port' 'http = { port = 70000; };'
expect_err level 'level.conf:1: log.level' 'log = { level = "chatty"; };'

# The example config documents every setting and parses as it is.
"$BOOTD_BIN" --config "$BOOTD_SRC/bootd.conf.example" check --print > "$T/print.out" ||
	fail "example config does not parse"
grep -q 'poll_interval' "$T/print.out" || fail "--print lacks settings"
ok "example config parses; check --print"
t_done
