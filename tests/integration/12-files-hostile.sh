#!/usr/bin/env bash
# Hostile files where bootd reads at start or reload (bootd/safeopen.c): a
# FIFO as the config file, as database.password_file or as paths.cache is
# a clear error within FAST_MS (no FIFO has a writer here: a blocking open
# would wait forever, deaf to SIGTERM); the cache as a symlink is refused.
# Private files under the TFTP root (config_check_paths): paths.templates
# or paths.cache inside paths.tftp_root is refused by check, by serve, and
# on SIGHUP (the old config keeps serving). With a database: a kickstart
# template that is a FIFO or a symlink is named by check and by /ks.
. "$(dirname "$0")/../lib/common.sh"
t_init files

# A bootd that ignores SIGTERM (the bug) must not hang the cleanup, whose
# kill + wait would: KILL it first.
kill_hard() { [ -z "$BOOTD_PID" ] || kill -KILL "$BOOTD_PID" 2>/dev/null || true; }
T_CLEANUP_HOOKS+=(kill_hard)

ms_now() { echo $(( $(date +%s%N) / 1000000 )); }

# "Fast" tells a refusal from a blocking open, which never returns (the
# 5 s kill in run_timed). A bootd under ASan, started while ctest runs
# other tests on both cores, takes 0.5-1.1 s just to start and exit, so the
# bound leaves room for that and stays well below the kill.
FAST_MS=3000

# run_timed CMD...: runs CMD (killed after 5 s), sets RC, OUT, MS. A
# leading B stands for "$BOOTD_BIN --config".
run_timed() {
	local t0
	[ "$1" != B ] || { shift; set -- "$BOOTD_BIN" --config "$@"; }
	t0=$(ms_now)
	RC=0
	OUT=$(timeout -s KILL 5 "$@" 2>&1) || RC=$?
	MS=$(( $(ms_now) - t0 ))
}

# refused_fast WHAT PATTERN CMD...: CMD exits non-zero within FAST_MS, saying
# PATTERN (fixed string).
refused_fast() {
	local what=$1 pat=$2
	shift 2
	run_timed "$@"
	[ "$RC" != 137 ] || fail "$what: still running after 5 s (blocked?)"
	[ "$RC" -ne 0 ] || fail "$what: exit 0: $OUT"
	grep -qF -- "$pat" <<<"$OUT" || fail "$what: got \"$OUT\", want \"$pat\""
	[ "$MS" -lt $FAST_MS ] || fail "$what: took $MS ms"
	ok "$what: exit $RC after $MS ms: $(grep -F -- "$pat" <<<"$OUT" | head -1)"
}

# serve_bg CONF: starts serve without waiting for anything; T0 = start ms.
serve_bg() {
	: > "$T/bootd.log"
	T0=$(ms_now)
	"$BOOTD_BIN" --config "$1" serve >> "$T/bootd.log" 2>&1 &
	BOOTD_PID=$!
}

# stop_fast: SIGTERM; it must be gone within 2 s with status 0.
stop_fast() {
	local t0 rc=0
	t0=$(ms_now)
	kill -TERM "$BOOTD_PID"
	wait_until 2 sh -c "! kill -0 $BOOTD_PID" ||
		fail "still running 2 s after SIGTERM"
	wait "$BOOTD_PID" || rc=$?
	BOOTD_PID=""
	[ $rc -eq 0 ] || fail "exit $rc after SIGTERM"
	STOP_MS=$(( $(ms_now) - t0 ))
}

B() { "$BOOTD_BIN" --config "$@"; }

# --- No database: config, password_file, cache --------------------------
MDB_SOCK=$T/no-db.sock		# nothing listens: the DB stays down
bootd_config "$T/good.conf"

mkfifo "$T/fifo.conf"
refused_fast "config file is a FIFO (check)" \
	"$T/fifo.conf: not a regular file (fifo)" B "$T/fifo.conf" check
refused_fast "config file is a FIFO (serve)" \
	"$T/fifo.conf: not a regular file (fifo)" B "$T/fifo.conf" serve

mkfifo "$T/db.pass"
sed "s|password = \"bootd\";|password_file = \"$T/db.pass\";|" \
	"$T/good.conf" > "$T/pw.conf"
grep -q password_file "$T/pw.conf" || fail "password_file not set"
refused_fast "password_file is a FIFO (check)" \
	"database.password_file: \"$T/db.pass\": not a regular file (fifo)" \
	B "$T/pw.conf" check
refused_fast "password_file is a FIFO (serve)" \
	"database.password_file: \"$T/db.pass\": not a regular file (fifo)" \
	B "$T/pw.conf" serve

# The cache: as with a corrupt one (40-outage.sh), a clear error, and
# bootd serves on (503 until the DB answers).
mkfifo "$T/inventory.cache"
serve_bg "$T/good.conf"
wait_until 5 grep -qF "db: cache not used: $T/inventory.cache: not a regular file (fifo)" \
	"$T/bootd.log" || fail "FIFO cache: no clear error: $(cat "$T/bootd.log")"
ms=$(( $(ms_now) - T0 ))
[ $ms -lt $FAST_MS ] || fail "FIFO cache: error after $ms ms"
wait_until 5 sh -c "curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
	http://127.0.0.1:$HTTP_PORT/healthz | grep -qx 503" ||
	fail "FIFO cache: not serving"
stop_fast
ok "FIFO as paths.cache: error logged after $ms ms, served (503), SIGTERM took $STOP_MS ms"
rm -f "$T/inventory.cache"

printf 'not a cache' > "$T/elsewhere.cache"
ln -s "$T/elsewhere.cache" "$T/inventory.cache"
serve_bg "$T/good.conf"
wait_until 5 grep -qF "db: cache not used: $T/inventory.cache: is a symbolic link" \
	"$T/bootd.log" || fail "symlinked cache: $(cat "$T/bootd.log")"
wait_until 5 grep -q 'serving (http' "$T/bootd.log" || fail "symlinked cache: not serving"
stop_fast
ok "symlink as paths.cache: refused ($(grep -o 'cache not used: .*' "$T/bootd.log"))"
rm -f "$T/inventory.cache" "$T/elsewhere.cache"

# --- Private files under the TFTP root ------------------------------------
mkdir -p "$T/tftp/tpl" "$T/tftp/var"
cp "$BOOTD_SRC"/templates/* "$T/tftp/tpl/"
sed "s|templates = \"[^\"]*\"|templates = \"$T/tftp/tpl\"|" "$T/good.conf" > "$T/tin.conf"
want="paths.templates \"$T/tftp/tpl\" is inside paths.tftp_root \"$T/tftp\": raw templates would be served to anyone"
run_timed B "$T/tin.conf" check
[ "$RC" -ne 0 ] && grep -qF "$want" <<<"$OUT" && grep -q 'check FAILED' <<<"$OUT" ||
	fail "check: templates in the TFTP root: $OUT"
ok "check: $(grep -F 'paths.templates' <<<"$OUT")"
refused_fast "serve: templates in the TFTP root" "$want" B "$T/tin.conf" serve

# Through a symlink and "..": realpath()s are compared; the root itself counts.
ln -s "$T/tftp/tpl" "$T/tpl-link"
sed "s|templates = \"[^\"]*\"|templates = \"$T/tpl-link\"|; s|tftp_root = \"[^\"]*\"|tftp_root = \"$T/tftp/var/..\"|" \
	"$T/good.conf" > "$T/tlink.conf"
refused_fast "serve: templates in the TFTP root through a symlink" \
	"paths.templates \"$T/tpl-link\" ($T/tftp/tpl) is inside paths.tftp_root \"$T/tftp/var/..\" ($T/tftp)" \
	B "$T/tlink.conf" serve
sed "s|cache = \"[^\"]*\"|cache = \"$T/tftp/var/inventory.cache\"|" "$T/good.conf" > "$T/cin.conf"
want="paths.cache \"$T/tftp/var/inventory.cache\" (directory $T/tftp/var) is inside paths.tftp_root \"$T/tftp\": the inventory cache would be served to anyone"
run_timed B "$T/cin.conf" check
[ "$RC" -ne 0 ] && grep -qF "$want" <<<"$OUT" || fail "check: cache in the TFTP root: $OUT"
refused_fast "serve: cache in the TFTP root" "$want" B "$T/cin.conf" serve
[ -e "$T/tftp/var/inventory.cache" ] && fail "cache written under the TFTP root"
run_timed B "$T/good.conf" check
grep -q 'paths\.' <<<"$OUT" && fail "good config: a paths complaint: $OUT"
ok "check and serve: the cache's directory inside the TFTP root refused; apart, nothing said"

# --- With a database: SIGHUP, template files -----------------------------
mariadb_start "$T" || fail "mariadb did not start"
bootd_config "$T/bootd.conf"
B "$T/bootd.conf" db migrate >/dev/null || fail migrate
mariadb_sql "$(cat "$BOOTD_SRC/demo/inventory.sql")" || fail "demo inventory"
mkdir -p "$T/tpl"
cp "$BOOTD_SRC"/templates/* "$T/tpl/"
sed -i "s|templates = \"[^\"]*\"|templates = \"$T/tpl\"|" "$T/bootd.conf"
bootd_start "$T/bootd.conf"
wait_until 10 sh -c "curl -fsS http://127.0.0.1:$HTTP_PORT/healthz | grep -q 'source=db'" ||
	fail "inventory not loaded"
http_get /ks/dom0-01 | grep -q 'kickstart for Xen dom0 dom0-01' || fail "/ks/dom0-01"

# SIGHUP to templates inside the TFTP root: refused, the old ones serve on.
echo '# from the TFTP root' > "$T/tftp/tpl/dom0.ks"
cp "$T/bootd.conf" "$T/running.conf"
sed -i "s|templates = \"[^\"]*\"|templates = \"$T/tftp/tpl\"|" "$T/bootd.conf"
kill -HUP "$BOOTD_PID"
wait_until 5 grep -qF "config: paths.templates \"$T/tftp/tpl\" is inside paths.tftp_root \"$T/tftp\": raw templates would be served to anyone over TFTP and /files/; keeping the running config" \
	"$T/bootd.log" || fail "HUP: templates in the TFTP root not refused: $(tail -5 "$T/bootd.log")"
sleep 1.2	# the template cache looks at paths.templates once a second
ks=$(http_get /ks/dom0-01) || fail "/ks after the refused HUP"
grep -q 'kickstart for Xen dom0 dom0-01' <<<"$ks" && ! grep -q 'TFTP root' <<<"$ks" ||
	fail "HUP: the refused templates are served: $ks"
ok "SIGHUP: templates inside the TFTP root refused; the running config serves on"

# SIGHUP with the config file turned into a FIFO: the loop must not hang.
rm -f "$T/bootd.conf"
mkfifo "$T/bootd.conf"
t0=$(ms_now)
kill -HUP "$BOOTD_PID"
wait_until 5 grep -qF "config: $T/bootd.conf: not a regular file (fifo); keeping the running config" \
	"$T/bootd.log" || fail "HUP: FIFO config not refused: $(tail -5 "$T/bootd.log")"
curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null ||
	fail "HUP with a FIFO config: not answering"
ms=$(( $(ms_now) - t0 ))
[ $ms -lt $FAST_MS ] || fail "HUP with a FIFO config: $ms ms"
rm -f "$T/bootd.conf"
cp "$T/running.conf" "$T/bootd.conf"
ok "SIGHUP with a FIFO as the config file: refused, answering again after $ms ms"

# A kickstart template that is a FIFO, then a symlink: check names it (its
# open used to block), /ks answers 500 at once.
rm -f "$T/tpl/dom0.ks"
mkfifo "$T/tpl/dom0.ks"
run_timed B "$T/bootd.conf" check
[ "$RC" != 137 ] || fail "check blocked on a FIFO template"
[ "$RC" -ne 0 ] && grep -qF "$T/tpl/dom0.ks: not a regular file (fifo) (host \"dom0-01\", ks)" <<<"$OUT" ||
	fail "check: FIFO template: $OUT"
ok "check: FIFO template named after $MS ms"
sleep 1.2	# the template cache notices the change once a second
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$HTTP_PORT/ks/dom0-01")
[ "$code" = 500 ] || fail "/ks with a FIFO template: $code"
wait_until 5 grep -qF "$T/tpl/dom0.ks: not a regular file (fifo)" "$T/bootd.log" ||
	fail "FIFO template not logged"
rm -f "$T/tpl/dom0.ks"
ln -s "$BOOTD_SRC/templates/dom0.ks" "$T/tpl/dom0.ks"
run_timed B "$T/bootd.conf" check
[ "$RC" -ne 0 ] && grep -qF "$T/tpl/dom0.ks: is a symbolic link (host \"dom0-01\", ks)" <<<"$OUT" ||
	fail "check: symlinked template: $OUT"
ok "FIFO and symlinked kickstart templates: check names them, /ks 500"
rm -f "$T/tpl/dom0.ks"
cp "$BOOTD_SRC/templates/dom0.ks" "$T/tpl/dom0.ks"
run_timed B "$T/bootd.conf" check
[ "$RC" -eq 0 ] || fail "check not clean again: $OUT"

kill -0 "$BOOTD_PID" || fail "bootd died"
stop_fast
t_done
