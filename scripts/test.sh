#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds, and runs every test
# under ctest three ways: a normal build, AddressSanitizer +
# UndefinedBehaviorSanitizer, and clang's libFuzzer (fuzz targets only, a
# short run each over their corpus). The end-to-end boots (label e2e) run
# once, in the sanitizer build: their time is QEMU's emulation, and there
# the bootd they boot from is checked by the sanitizers as well.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc)

scripts/deps.sh

run() {	# run DIR CMAKE-ARGS... -- CTEST-ARGS...
	local dir=$1; shift
	local cargs=() targs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do cargs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	targs=("$@")
	echo "=== $dir: cmake ${cargs[*]}"
	cmake -S "$top" -B "$top/$dir" "${cargs[@]}" >/dev/null
	cmake --build "$top/$dir" -j"$jobs" >/dev/null
	# Twice the CPUs: most integration tests wait on timers and peers;
	# the ones that load the machine run alone (tests/CMakeLists.txt).
	(cd "$top/$dir" && ctest --output-on-failure -j"$((jobs * 2))" \
	    "${targs[@]}")
}

run build -DCMAKE_BUILD_TYPE=RelWithDebInfo -- -LE e2e
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run build-asan -DCMAKE_BUILD_TYPE=Debug -DBOOTD_SANITIZE=ON -- -LE package
CC=clang run build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOOTD_FUZZ=ON -- -L fuzz
echo "all test runs passed"
