#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Self-test of tests/arch/check_layers.py (ctest arch/selftest): builds
# small fake trees in a temporary folder and checks the verdicts: a clean
# tree passes (forward declarations and includes in comments are no
# edges); a back-include, a link cycle, a target compiling another folder's
# file, an edge the layers file does not allow and an unlisted folder each
# fail and are named; a malformed layers file is a usage error (2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/check_layers.XXXXXX")
trap 'rm -rf "$T"' EXIT
nfail=0

# check NAME WANT-RC [GREP-PATTERN...]: runs the checker over $T/tree.
check() {
	local name=$1 want=$2 rc=0 pat
	shift 2
	"$py" "$here/check_layers.py" --root "$T/tree" >"$T/out" 2>&1 || rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, want $want"
		sed 's/^/    /' "$T/out"
		nfail=$((nfail + 1))
		return
	fi
	for pat in "$@"; do
		if ! grep -qF -- "$pat" "$T/out"; then
			echo "FAIL $name: no \"$pat\" in:"
			sed 's/^/    /' "$T/out"
			nfail=$((nfail + 1))
			return
		fi
	done
	echo "ok   $name"
}

# A clean tree: base (lowest), mod on base, top on both.
mktree() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree/base" "$T/tree/mod" "$T/tree/top" \
		"$T/tree/tests/arch" "$T/tree/tests/unit" "$T/tree/build/gen"
	cat >"$T/tree/tests/arch/layers.txt" <<-'EOF'
	# lowest first
	base:
	mod: base	# mod uses base
	top: base mod
	ignore: tests build*
	EOF
	cat >"$T/tree/base/base.h" <<-'EOF'
	#ifndef BASE_H
	#define BASE_H
	struct mod_thing;	/* a forward declaration: no edge */
	int	base_f(struct mod_thing *);
	#endif
	EOF
	cat >"$T/tree/base/base.c" <<-'EOF'
	#include <stdio.h>

	#include "base/base.h"
	/*
	#include "mod/mod.h"
	 */
	// #include "top/top.h"
	int base_f(struct mod_thing *t) { return t == NULL; }
	EOF
	printf '#include "base/base.h"\nint mod_f(void);\n' >"$T/tree/mod/mod.h"
	printf '#include "mod/mod.h"\nint mod_f(void) { return 0; }\n' \
		>"$T/tree/mod/mod.c"
	printf '#include "%s"\n' mod/mod.h base/base.h >"$T/tree/top/main.c"
	# Tests and build trees may use everything.
	printf '#include "top/top.h"\n' >"$T/tree/tests/unit/t.c"
	printf '#include "top/top.h"\n' >"$T/tree/build/gen/g.c"
	cat >"$T/tree/CMakeLists.txt" <<-'EOF'
	project(fake C)
	add_subdirectory(base)
	add_subdirectory(mod)
	add_subdirectory(top)
	EOF
	cat >"$T/tree/base/CMakeLists.txt" <<-'EOF'
	# base_core: the lowest (a comment naming mod_core is no link)
	add_library(base_core STATIC base.c)
	target_link_libraries(base_core PUBLIC Threads::Threads)
	#[[ target_link_libraries(base_core
	    mod_core) ]]
	message(STATUS "no link: target_link_libraries(base_core mod_core)")
	EOF
	cat >"$T/tree/mod/CMakeLists.txt" <<-'EOF'
	set(MOD_LIBS base_core)
	add_library(mod_core STATIC mod.c
		${CMAKE_CURRENT_BINARY_DIR}/generated.c)
	target_link_libraries(mod_core PUBLIC ${MOD_LIBS} PkgConfig::X)
	EOF
	cat >"$T/tree/top/CMakeLists.txt" <<-'EOF'
	add_executable(fake main.c)
	target_link_libraries(fake PRIVATE
		mod_core
		base_core)
	EOF
}

# (a) No cycle, all as layers.txt allows.
mktree
check "clean tree" 0 "check_layers: OK"

# (b) A deliberate back-include: base includes from mod.
mktree
sed -i '3a #include "mod/mod.h"' "$T/tree/base/base.c"
check "back-include" 1 "include cycle: base -> mod -> base" \
	'base -> mod: base/base.c:4: #include "mod/mod.h"' \
	'mod -> base: mod/mod.h:1: #include "base/base.h"' \
	"layer: base may not include from mod" "FAILED"

# (c) A link cycle between two targets, no include back.
tll=target_link_libraries
mktree
printf 'target_link_libraries(base_core PRIVATE\n\tmod_core)\n' \
	>>"$T/tree/base/CMakeLists.txt"
check "link cycle" 1 "link cycle: base_core -> mod_core -> base_core" \
	"base_core -> mod_core: base/CMakeLists.txt:8: $tll(base_core ... mod_" \
	"mod_core -> base_core: mod/CMakeLists.txt:4: $tll(mod_core ... base_" \
	"layer: target base_core (base) may not link targets of mod"

# (d) A target that compiles a file of another folder.
mktree
# shellcheck disable=SC2016	# ${CMAKE_SOURCE_DIR} is CMake's
sed -i 's|STATIC mod.c|STATIC mod.c ${CMAKE_SOURCE_DIR}/base/base.c|' \
	"$T/tree/mod/CMakeLists.txt"
check "foreign source" 1 "foreign source: target mod_core" \
	"mod/CMakeLists.txt:2: add_library(mod_core ... base/base.c)" \
	"a source of folder base"

# (e) No cycle, but an edge layers.txt does not allow (top may not use mod).
mktree
sed -i 's/^top: base mod/top: base/' "$T/tree/tests/arch/layers.txt"
check "edge not allowed" 1 \
	"layer: top may not include from mod (top may use: base)" \
	'top/main.c:1: #include "mod/mod.h"' \
	"layer: target fake (top) may not link targets of mod"

# (f) A folder with C sources that layers.txt does not name.
mktree
mkdir "$T/tree/extra"
printf 'int x;\n' >"$T/tree/extra/x.c"
check "unlisted folder" 1 \
	"unlisted folder: extra holds C sources (extra/x.c)"

# (g) A layers file whose order has a cycle is refused as such.
mktree
printf 'base: mod\nmod: base\n' >"$T/tree/tests/arch/layers.txt"
check "bad layers file" 2 "base may use only modules of earlier lines"

if [ "$nfail" -ne 0 ]; then
	echo "$nfail check(s) failed"
	exit 1
fi
echo "all checks passed"
