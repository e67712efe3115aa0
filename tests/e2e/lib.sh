# End-to-end PXE boot helpers: a QEMU virtual machine (TCG) boots from bootd
# (DHCP, TFTP, HTTP) inside a network namespace this test makes itself
# (10.213.0.0/16 only). Source after tests/lib/common.sh and netns.sh.
#
#   e2e_init NAME NET        temp dir, namespace bd-e2e-PID with br0
#                            10.213.NET.2/24 and tap0; cleanup trap
#   e2e_assets [DIR]         kernel, initramfs (plus DIR's files), pxelinux,
#                            GRUB image into $T/tftp (kernel and GRUB image
#                            built once into $E2E_CACHE)
#   e2e_bootd                config, schema, e2e profiles, bootd in the
#                            namespace ($E2E_URL is its HTTP base)
#   e2e_host NAME MAC IP PROFILE [DOM0 VDISK]   an inventory row
#   e2e_boot bios|uefi|uefi-http|uefi-sb|arm64 MAC LOG   boots one VM;
#                            times in $E2E_T_* (ms)
#   e2e_marker LOG [PREFIX]        the VM's marker line (checked)
#   e2e_grub_http_image OUT  GRUB for HTTP boot (contrib/grub/grub-http.cfg)
#   e2e_timeline MAC SINCE ITEM... checks boot_events after id SINCE
#   e2e_install_boot FW HOST MAC IP MARKS ITEM...   one boot of an install
#                            profile, checked end to end (the above)
#   e2e_times LABEL MAC SINCE LOG  prints the phases of a boot
#
#   e2e_rrq_start, e2e_rrqs IP SINCE   the TFTP names a client asked for
#
# Nothing is downloaded except the Debian kernel package (apt-get download,
# unpacked with dpkg -x), once per cache directory, and for arm64 the
# arm64 kernel, busybox-static and grub-efi-arm64-signed (e2e_arm64_assets).
: "${E2E_CACHE:=${BOOTD_BIN%/bootd/bootd}/e2e-cache}"
E2E_DIR=$BOOTD_SRC/tests/e2e
E2E_NS=""
E2E_NET=""
E2E_BG=()		# PIDs we started: QEMU, the RA sender
E2E_BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-90}
E2E_ROM_BIOS=/usr/lib/ipxe/qemu/efi-e1000.rom
E2E_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
E2E_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
# Secure Boot: the SMM build with Microsoft's keys enrolled (uefi-sb).
E2E_OVMF_SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.ms.fd
E2E_OVMF_SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
E2E_AAVMF_CODE=/usr/share/AAVMF/AAVMF_CODE.fd
E2E_AAVMF_VARS=/usr/share/AAVMF/AAVMF_VARS.fd
E2E_BUSYBOX=/bin/busybox
E2E_KDIR=$E2E_CACHE/kernel

e2e_cleanup() {
	local rc=$? p
	for p in "${E2E_BG[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	E2E_BG=()
	if [ -n "$BOOTD_PID" ]; then
		kill "$BOOTD_PID" 2>/dev/null
		wait "$BOOTD_PID" 2>/dev/null
		BOOTD_PID=""
	fi
	ns_cleanup
	if [ -n "${E2E_KEEP:-}" ] && [ -n "$T" ]; then
		mkdir -p "$E2E_KEEP" && cp "$T"/*.log "$T"/*.conf "$E2E_KEEP/" 2>/dev/null
	fi
	if [ $rc -ne 0 ] && [ -n "$T" ]; then
		for p in "$T"/serial-*.log; do
			[ -f "$p" ] || continue
			echo "--- $p (last 30 lines)"
			tail -30 "$p" | tr -d '\r' | cut -c1-200
		done
	fi
	(exit $rc)
	t_cleanup
}

e2e_require() {
	local f missing=""
	for f in /usr/bin/qemu-system-x86_64 "$E2E_ROM_BIOS" \
		/usr/lib/PXELINUX/pxelinux.0 /usr/lib/syslinux/modules/bios/ldlinux.c32 \
		/usr/bin/grub-mkimage /usr/lib/grub/x86_64-efi/efinet.mod \
		"$E2E_OVMF_CODE" "$E2E_OVMF_VARS" /bin/busybox /usr/bin/cpio; do
		[ -e "$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] || fail "missing$missing: run scripts/deps.sh"
}

e2e_init() {	# e2e_init NAME NET
	t_init "e2e-$1"
	trap e2e_cleanup EXIT
	e2e_require
	E2E_NET=$2
	E2E_NS=bd-e2e-$$
	E2E_SRV_IP=10.213.$E2E_NET.2
	ns_add "$E2E_NS" || fail "namespace"
	ip netns exec "$E2E_NS" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_dad=0 >/dev/null 2>&1
	ip -n "$E2E_NS" tuntap add dev tap0 mode tap &&
		ip -n "$E2E_NS" link set tap0 up &&
		ns_bridge "$E2E_NS" br0 "$E2E_SRV_IP/24" tap0 || fail "bridge/tap"
	ok "namespace $E2E_NS: br0 $E2E_SRV_IP/24 with tap0"
}

# ---- Assets (cached) ------------------------------------------------------

# The kernel package's vmlinuz and the NIC modules, in $E2E_CACHE/kernel.
e2e_kernel() {
	local k=$E2E_CACHE/kernel pkg tmp
	[ -s "$k/vmlinuz" ] && [ -s "$k/e1000.order" ] &&
		[ -s "$k/virtio_pci.order" ] &&
		[ -s "$k/efivarfs.order" ] && return 0
	mkdir -p "$E2E_CACHE" || return 1
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1)
	[ -n "$pkg" ] || { echo "e2e: no linux-image-*-amd64 behind linux-image-amd64 (apt-get update?)" >&2; return 1; }
	tmp=$(mktemp -d "$E2E_CACHE/dl.XXXXXX")
	echo "e2e: fetching $pkg into $E2E_CACHE (once)"
	(cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) &&
		dpkg -x "$tmp"/*.deb "$tmp/x" || { rm -rf "$tmp"; return 1; }
	e2e_kernel_dir "$tmp" "$k" e1000 virtio_net virtio_pci efivarfs
}

# From the package unpacked in TMP/x (TMP then removed): vmlinuz, the
# modules MOD... with their dependencies and one MOD.order each, in DIR.
e2e_kernel_dir() {	# TMP DIR MOD...
	local tmp=$1 k=$2 m
	shift 2
	rm -rf "$k.new" && mkdir -p "$k.new/mods"
	cp "$tmp"/x/boot/vmlinuz-* "$k.new/vmlinuz" || { rm -rf "$tmp"; return 1; }
	for m in "$@"; do
		e2e_modorder "$tmp/x" "$m" "$k.new" > "$k.new/$m.order" ||
			{ rm -rf "$tmp"; return 1; }
	done
	basename "$tmp"/*.deb > "$k.new/package"
	rm -rf "$tmp" "$k"
	mv "$k.new" "$k"
}

# arm64 (45-arm64.sh), in $E2E_CACHE/arm64: Debian's arm64 kernel with its
# virtio modules (kernel/), busybox-static's busybox and the signed
# netboot GRUB (grubnetaa64.efi.signed, from grub-efi-arm64-signed), all
# fetched with apt-get download PKG:arm64: that needs the arm64
# architecture in dpkg (scripts/deps.sh adds it and runs apt-get update).
e2e_arm64_assets() {
	local a=$E2E_CACHE/arm64 pkg tmp
	[ -s "$a/kernel/vmlinuz" ] && [ -s "$a/busybox" ] && [ -s "$a/grubaa64.efi" ] &&
		return 0
	dpkg --print-foreign-architectures | grep -qx arm64 || {
		echo "e2e: dpkg has no arm64 architecture: run scripts/deps.sh" >&2
		return 1
	}
	pkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-arm64\):arm64$/\1/p' | head -1)
	[ -n "$pkg" ] || { echo "e2e: no linux-image-*-arm64 behind linux-image-arm64:arm64 (apt-get update?)" >&2; return 1; }
	mkdir -p "$a" || return 1
	tmp=$(mktemp -d "$E2E_CACHE/dl.XXXXXX")
	echo "e2e: fetching $pkg:arm64, busybox-static:arm64, grub-efi-arm64-signed:arm64 into $a (once)"
	(cd "$tmp" && apt-get download busybox-static:arm64 grub-efi-arm64-signed:arm64 >/dev/null 2>&1) &&
		dpkg -x "$tmp"/busybox-static_*.deb "$tmp/b" &&
		dpkg -x "$tmp"/grub-efi-arm64-signed_*.deb "$tmp/g" &&
		cp "$tmp/b/bin/busybox" "$a/busybox.new" &&
		cp "$tmp/g/usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed" "$a/grubaa64.efi.new" &&
		mv "$a/busybox.new" "$a/busybox" && mv "$a/grubaa64.efi.new" "$a/grubaa64.efi" &&
		rm -rf "$tmp"/*.deb "$tmp/b" "$tmp/g" &&
		(cd "$tmp" && apt-get download "$pkg:arm64" >/dev/null 2>&1) &&
		dpkg -x "$tmp"/*.deb "$tmp/x" || { rm -rf "$tmp"; return 1; }
	e2e_kernel_dir "$tmp" "$a/kernel" virtio_net virtio_pci efivarfs
}

# Prints the .ko names of MOD and its dependencies, dependencies first,
# copying each into DEST/mods (dependencies from each module's modinfo).
e2e_modorder() {	# ROOT MOD DEST
	local root=$1 mod=$2 dest=$3 f d
	f=$(find "$root/lib/modules" -name "$mod.ko" -o -name "${mod//_/-}.ko" | head -1)
	[ -n "$f" ] || { echo "e2e: module $mod not in the kernel package" >&2; return 1; }
	for d in $(tr '\0' '\n' < "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do
		e2e_modorder "$root" "$d" "$dest" || return 1
	done
	cp "$f" "$dest/mods/"
	echo "$(basename "$f")"
}

# A busybox initramfs whose /init is tests/e2e/init.sh, plus the files
# under EXTRA (a directory) at the same paths: busybox E2E_BUSYBOX, the
# modules of E2E_KDIR/*.order (another architecture sets both).
e2e_initramfs() {	# OUT [EXTRA]
	local r
	r=$(mktemp -d "$T/initramfs.XXXXXX")
	mkdir -p "$r"/bin "$r"/proc "$r"/sys "$r"/dev "$r"/tmp "$r"/lib/modules "$r"/etc
	mknod -m 600 "$r/dev/console" c 5 1
	cp "$E2E_BUSYBOX" "$r/bin/busybox"
	cp "$E2E_DIR/init.sh" "$r/init" && chmod 755 "$r/init"
	cp "$E2E_DIR/udhcpc.sh" "$r/bin/udhcpc.sh" && chmod 755 "$r/bin/udhcpc.sh"
	awk '!seen[$0]++' "$E2E_KDIR"/*.order > "$r/lib/modules/order"
	while read -r m; do cp "$E2E_KDIR/mods/$m" "$r/lib/modules/"; done < "$r/lib/modules/order"
	[ -z "${2:-}" ] || cp -a "$2/." "$r/" || return 1
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$1"
	rm -rf "$r"
}

e2e_grub_image() {	# OUT
	local g=$E2E_CACHE/grubx64.efi
	if [ ! -s "$g" ] || [ /usr/lib/grub/x86_64-efi/efinet.mod -nt "$g" ]; then
		grub-mkimage -O x86_64-efi -p /grub -o "$g.tmp" \
			efinet tftp normal linux echo net efi_gop serial terminal \
			&& mv "$g.tmp" "$g" || return 1
	fi
	cp "$g" "$1"
}

# GRUB for UEFI HTTP boot: the early config bootd ships
# (contrib/grub/grub-http.cfg) embedded, the http module built in.
e2e_grub_http_image() {	# OUT
	grub-mkimage -O x86_64-efi -p /files/grub \
		-c "$BOOTD_SRC/contrib/grub/grub-http.cfg" -o "$1" \
		efinet http net normal configfile linux echo test efi_gop serial terminal
}

e2e_assets() {	# [EXTRA]
	local s=$(date +%s%N) R=$T/tftp
	mkdir -p "$R/grub" "$E2E_CACHE"
	(
		flock 9
		e2e_kernel
	) 9> "$E2E_CACHE/.lock" || fail "kernel package: see above"
	cp /usr/lib/PXELINUX/pxelinux.0 /usr/lib/syslinux/modules/bios/ldlinux.c32 "$R/" &&
		cp "$E2E_CACHE/kernel/vmlinuz" "$R/vmlinuz" &&
		e2e_initramfs "$R/initramfs.gz" "${1:-}" &&
		e2e_grub_image "$R/grubx64.efi" || fail "TFTP root"
	ok "TFTP root: pxelinux.0, ldlinux.c32, grubx64.efi, vmlinuz ($(cat "$E2E_CACHE/kernel/package")), initramfs.gz ($(stat -c %s "$R/initramfs.gz") bytes, modules: $(tr '\n' ' ' < "$E2E_CACHE/kernel/e1000.order")) in $(( ($(date +%s%N) - s) / 1000000 )) ms"
}

# ---- bootd ---------------------------------------------------------------

e2e_bootd() {
	local conf=$T/bootd.conf
	mariadb_start "$T" || fail "mariadb did not start"
	bootd_config "$conf"
	E2E_URL=http://$E2E_SRV_IP:$HTTP_PORT
	mkdir -p "$T/templates"
	cp -r "$BOOTD_SRC"/templates/. "$T/templates/"
	cp "$E2E_DIR/e2e.ks" "$T/templates/e2e.ks"
	sed -i '/^dhcp = {/,/} ); };$/d' "$conf"
	sed -i "s|^http = { listen = \"127.0.0.1\";|http = { listen = \"0.0.0.0\"; public_url = \"$E2E_URL\";|" "$conf"
	sed -i "s|templates = \"[^\"]*\";|templates = \"$T/templates\";|" "$conf"
	sed -i 's|^tftp = { enabled = false; };|tftp = { listen = "0.0.0.0"; port = 69; menu_timeout = 0; };|' "$conf"
	# iPXE ROMs send user class "iPXE": bootfile.ipxe (here the firmware's
	# own loader) wins over option 93. E2E_IPXE_FILE is set per test.
	cat >> "$conf" <<CFG
dhcp = { enabled = true; listen = "0.0.0.0"; port = 67; interfaces = [ "br0" ];
         bootfile = { bios = "pxelinux.0"; efi64 = "${E2E_EFI64_FILE:-grubx64.efi}"; ipxe = "${E2E_IPXE_FILE:-}";
                      efi64_http = "${E2E_HTTP_FILE:-}"; };
         subnets = ( { network = "10.213.$E2E_NET.0/24"; router = "10.213.$E2E_NET.1";
                       dns = [ "10.213.$E2E_NET.1" ]; domain = "e2e.test"; } ); };
CFG
	"$BOOTD_BIN" --config "$conf" db migrate >/dev/null || fail migrate
	mariadb_sql "INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart, menu_label, selectable) VALUES
	 ('e2e-install', 'install', 'vmlinuz', 'initramfs.gz',
	  'console=ttyS0 quiet panic=-1 ks={{ks_url}} e2e=A', 'e2e.ks', 'e2e install (A)', 0),
	 ('e2e-b', 'diskless', 'vmlinuz', 'initramfs.gz',
	  'console=ttyS0 quiet panic=-1 e2e=B host={{hostname}}', NULL, 'e2e diskless (B)', 1)" ||
		fail "profiles"
	"$BOOTD_BIN" --config "$conf" check > "$T/check.out" 2>&1 ||
		fail "bootd check: $(cat "$T/check.out")"
	ip netns exec "$E2E_NS" "$BOOTD_BIN" --config "$conf" serve >> "$T/bootd.log" 2>&1 &
	BOOTD_PID=$!
	wait_until 10 sh -c "ip netns exec $E2E_NS curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/healthz | grep -q source=db" ||
		fail "bootd did not start with the inventory"
	grep -q 'dhcp: listening on 0.0.0.0:67' "$T/bootd.log" || fail "no DHCP listener"
	ok "bootd serving DHCP, TFTP and HTTP ($E2E_URL) in $E2E_NS"
}

e2e_host() {	# NAME MAC IP PROFILE [DOM0 VDISK]: DOM0 and VDISK for a guest
	local dom0=NULL vdisk=NULL
	[ -z "${5:-}" ] || dom0="'$5'" vdisk="'$6'"
	mariadb_sql "INSERT INTO hosts (hostname, mac, ip, profile, dom0, vdisk)
		VALUES ('$1', '$2', '$3', '$4', $dom0, $vdisk)" || fail "host $1"
	e2e_wait_served "$1" || fail "host $1 not served"
}

# Waits until bootd's TFTP menu for the host reflects the DB (its default).
e2e_menu() {	# MAC [grub]
	local m=${1//:/-}
	if [ "${2:-}" = grub ]; then
		ip netns exec "$E2E_NS" curl -fsS --max-time 2 "tftp://127.0.0.1/grub/grub.cfg-01-$m"
	else
		ip netns exec "$E2E_NS" curl -fsS --max-time 2 "tftp://127.0.0.1/pxelinux.cfg/01-$m"
	fi
}
e2e_wait_served() {	# HOSTNAME
	wait_until 5 sh -c "ip netns exec $E2E_NS curl -fsS --max-time 1 http://127.0.0.1:$HTTP_PORT/inventory/$1 | grep -q ."
}

# ---- IPv6 router advertisement (iPXE otherwise waits ~13 s for one) --------

e2e_ra_start() {
	ip netns exec "$E2E_NS" python3 "$E2E_DIR/ra.py" br0 >> "$T/ra.log" 2>&1 &
	E2E_BG+=("$!")
}

# ---- TFTP read requests seen on br0 (tests/e2e/sniff_rrq.py) -------------

# Starts the sniffer; $T/rrq.log gets "MS CLIENT-IP NAME" per request.
e2e_rrq_start() {
	ip netns exec "$E2E_NS" python3 "$E2E_DIR/sniff_rrq.py" br0 >> "$T/rrq.log" 2>&1 &
	E2E_BG+=("$!")
}
# The names CLIENT-IP asked for after epoch ms SINCE, one a line, in order.
e2e_rrqs() {	# CLIENT-IP SINCE
	awk -v ip="$1" -v s="$2" '$1 >= s && $2 == ip { print $3 }' "$T/rrq.log"
}

# ---- One VM boot ----------------------------------------------------------

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Boots a VM with MAC and waits for it to power off (or the time limit).
# Sets E2E_T0 (epoch ms at QEMU start) and E2E_T_<what> (ms after E2E_T0)
# for serial-log lines as they appear: ipxe, loader, init, marker.
#   bios     SeaBIOS + the iPXE e1000 ROM
#   uefi     OVMF + the iPXE EFI e1000 ROM
#   uefi-http OVMF's own HTTP boot: virtio-net with no option ROM, its
#            PXE boot options off
#   uefi-sb  OVMF's Secure Boot build (SMM, q35) with Microsoft's keys,
#            virtio-net with no option ROM: the firmware's own PXE
#   arm64    qemu-system-aarch64 virt, cortex-a57, AAVMF, virtio-net with
#            no option ROM
# With E2E_STOP_AT (an extended regexp) set, a serial line matching it
# ends the boot at once (E2E_T_stop set) instead of failing it: a boot
# that is meant to be refused. E2E_FAIL_AT (an extended regexp) adds to
# the patterns that fail the boot at once (e.g. GRUB's "grub> " prompt:
# no config).
e2e_boot() {	# bios|uefi|uefi-http|uefi-sb|arm64 MAC LOG
	local fw=$1 mac=$2 log=$3 qpid end t mem=256 fwargs=()
	local qemu=qemu-system-x86_64 machine=pc,accel=tcg
	local nic="e1000,netdev=n0,mac=$mac,romfile=$E2E_ROM_BIOS"
	printf '\xf8\x03' > "$T/sercon"
	case $fw in
	bios)
		fwargs=(-fw_cfg "name=etc/sercon-port,file=$T/sercon")
		;;
	uefi|uefi-http)
		cp "$E2E_OVMF_VARS" "$T/vars.fd"
		mem=512		# GRUB runs out of memory loading the kernel in 256
		fwargs=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$E2E_OVMF_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$T/vars.fd")
		;;
	uefi-sb)
		cp "$E2E_OVMF_SB_VARS" "$T/vars.fd"
		mem=512
		machine=q35,smm=on,accel=tcg
		fwargs=(-global driver=cfi.pflash01,property=secure,value=on
			-drive "if=pflash,format=raw,unit=0,readonly=on,file=$E2E_OVMF_SB_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$T/vars.fd")
		nic="virtio-net-pci,netdev=n0,mac=$mac,romfile=,bootindex=1"
		;;
	arm64)
		# AAVMF's pflash images are 64 MiB each.
		cp "$E2E_AAVMF_VARS" "$T/vars.fd"
		mem=512
		qemu=qemu-system-aarch64
		machine=virt,accel=tcg
		fwargs=(-cpu cortex-a57
			-drive "if=pflash,format=raw,unit=0,readonly=on,file=$E2E_AAVMF_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$T/vars.fd")
		nic="virtio-net-pci,netdev=n0,mac=$mac,romfile=,bootindex=1"
		;;
	esac
	if [ "$fw" = uefi-http ]; then
		# OVMF's own network stack, no iPXE ROM; its PXE boot options
		# off (fw_cfg knobs of OvmfPkg), so the one it tries is "UEFI
		# HTTPv4" (HttpBootDxe): arch 16, vendor class HTTPClient.
		nic="virtio-net-pci,netdev=n0,mac=$mac,romfile="
		fwargs+=(-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n
			-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n)
	fi
	: > "$log"
	E2E_T0=$(now_ms)
	ip netns exec "$E2E_NS" "$qemu" -machine "$machine" -m $mem \
		-nodefaults -display none -no-reboot -boot n \
		-serial "file:$log" "${fwargs[@]}" \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device "$nic" \
		> "$T/qemu.out" 2>&1 &
	qpid=$!
	E2E_BG+=("$qpid")
	E2E_T_stop=""
	E2E_T_ipxe="" E2E_T_loader="" E2E_T_init="" E2E_T_marker="" E2E_T_exit=""
	end=$(( E2E_T0 + E2E_BOOT_TIMEOUT * 1000 ))
	while kill -0 "$qpid" 2>/dev/null; do
		t=$(( $(now_ms) - E2E_T0 ))
		[ -z "$E2E_T_ipxe" ] && grep -aq 'iPXE' "$log" && E2E_T_ipxe=$t
		[ -z "$E2E_T_loader" ] && grep -aqE 'PXELINUX|GNU GRUB|Welcome to GRUB|grub>' "$log" && E2E_T_loader=$t
		[ -z "$E2E_T_init" ] && grep -aq 'BOOTD-E2E-INIT' "$log" && E2E_T_init=$t
		[ -z "$E2E_T_marker" ] && grep -aq 'BOOTD-E2E-OK' "$log" && E2E_T_marker=$t
		if [ -n "${E2E_STOP_AT:-}" ] && grep -aqE "$E2E_STOP_AT" "$log"; then
			E2E_T_stop=$t
			sleep 0.5	# the rest of the line(s)
			kill "$qpid" 2>/dev/null
			break
		fi
		if grep -aqE "Failed to boot both|No bootable device|Boot failed|Kernel panic${E2E_FAIL_AT:+|$E2E_FAIL_AT}" "$log"; then
			sleep 0.5
			kill "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null
			fail "VM $mac ($fw): $(tr -d '\r' < "$log" | grep -aE "error:|Failed to boot|No bootable|Boot failed|Kernel panic${E2E_FAIL_AT:+|$E2E_FAIL_AT}" | head -3 | tr '\n' ' ')"
		fi
		if [ "$(now_ms)" -gt "$end" ]; then
			kill "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null
			fail "VM $mac ($fw) still running after ${E2E_BOOT_TIMEOUT} s"
		fi
		sleep 0.1
	done
	wait "$qpid"
	E2E_T_exit=$(( $(now_ms) - E2E_T0 ))
	E2E_BG=("${E2E_BG[@]/$qpid}")
	[ -z "$E2E_T_marker" ] && grep -aq 'BOOTD-E2E-OK' "$log" && E2E_T_marker=$E2E_T_exit
	[ -s "$T/qemu.out" ] && grep -v '^$' "$T/qemu.out" | sed 's/^/qemu: /'
	return 0
}

# The marker line of a serial log, in E2E_MARKER and printed; fails when
# there is none, or when it does not start with "BOOTD-E2E-OK PREFIX ".
# Call it directly, never in $(...): fail must end the test.
e2e_marker() {	# LOG [PREFIX]
	E2E_MARKER=$(tr -d '\r' < "$1" | grep -a '^BOOTD-E2E-OK ' | tail -1)
	[ -n "$E2E_MARKER" ] || {
		tr -d '\r' < "$1" | grep -a 'BOOTD-E2E-' | sed 's/^/serial: /' >&2
		fail "no BOOTD-E2E-OK marker on the serial console ($1)"
	}
	echo "$E2E_MARKER"
	case $E2E_MARKER in
	"BOOTD-E2E-OK ${2:-}"*) ;;
	*) fail "marker is not \"BOOTD-E2E-OK ${2:-}...\"" ;;
	esac
}

# Milliseconds after E2E_T0 of the first boot event STAGE [detail LIKE]
# of MAC after id SINCE.
e2e_ev_ms() {	# MAC SINCE STAGE [DETAIL-LIKE]
	mariadb_sql "SELECT ROUND(UNIX_TIMESTAMP(ts) * 1000) - $E2E_T0 FROM boot_events
		WHERE mac='$1' AND id > $2 AND stage='$3' ${4:+AND detail LIKE '$4'} ORDER BY id LIMIT 1"
}

e2e_last_id() { mariadb_sql "SELECT COALESCE(MAX(id), 0) FROM boot_events"; }

# Checks the boot_events timeline of MAC after id SINCE: dhcp-ack, then
# each ITEM in order: a FILE is its tftp-done, http:FILE its http-file (a
# GET of /files/FILE), @STAGE a row of that stage.
# Prints it; E2E_EVENTS holds it (id, ms after E2E_T0, stage, detail),
# E2E_EV_<stage> the id each @STAGE matched (dashes as underscores).
e2e_timeline() {	# MAC SINCE ITEM...
	local mac=$1 since=$2 f prev=-1 id ev
	shift 2
	ev=$(mariadb_sql "SELECT id, ROUND(UNIX_TIMESTAMP(ts) * 1000) - $E2E_T0, stage, detail FROM boot_events
		WHERE mac='$mac' AND id > $since ORDER BY id")
	echo "$ev" | awk -F'\t' '{ printf "  event %+7d ms  %-14s %s\n", $2, $3, $4 }'
	id=$(echo "$ev" | awk -F'\t' '$3 == "dhcp-ack" { print $1; exit }')
	[ -n "$id" ] || fail "boot_events: no dhcp-ack for $mac"
	prev=$id
	for f in "$@"; do
		case $f in
		@*)
			id=$(echo "$ev" | awk -F'\t' -v s="${f#@}" -v p="$prev" \
				'$1 > p && $3 == s { print $1; exit }')
			[ -n "$id" ] || fail "boot_events: no ${f#@} after event $prev for $mac"
			f=${f#@}
			printf -v "E2E_EV_${f//-/_}" %s "$id"
			;;
		http:*)
			f=${f#http:}
			id=$(echo "$ev" | awk -F'\t' -v f="$f" -v p="$prev" \
				'$1 > p && $3 == "http-file" && index($4, f " ") == 1 { print $1; exit }')
			[ -n "$id" ] || fail "boot_events: no http-file of $f after event $prev for $mac"
			;;
		*)
			id=$(echo "$ev" | awk -F'\t' -v f="$f" -v p="$prev" \
				'$1 > p && $3 == "tftp-done" && index($4, f " ") == 1 { print $1; exit }')
			[ -n "$id" ] || fail "boot_events: no tftp-done of $f after event $prev for $mac"
			;;
		esac
		prev=$id
	done
	E2E_EVENTS=$ev
}

# Whether MAC has a boot event STAGE after id SINCE (for wait_until).
e2e_has_event() {	# MAC SINCE STAGE
	[ -n "$(mariadb_sql "SELECT id FROM boot_events WHERE mac='$1' AND id > $2 AND stage='$3' LIMIT 1")" ]
}
e2e_build_is() {	# HOSTNAME 0|1
	[ "$(mariadb_sql "SELECT build FROM hosts WHERE hostname='$1'")" = "$2" ]
}

# One boot of HOST (MAC, IP) whose profile installs: the VM boots through
# FW, its marker reads "BOOTD-E2E-OK HOST ip=IP MARKS ..." with the ks=
# URL on its command line, boot_events holds dhcp-ack then each ITEM (see
# e2e_timeline; the last must be an @STAGE), and install-done cleared the
# build flag. E2E_SINCE is the last event id before the boot.
e2e_install_boot() {	# FW HOST MAC IP MARKS ITEM...
	local fw=$1 h=$2 mac=$3 ip=$4 marks=$5 log last
	shift 5
	last=${!#}
	case $last in @*) ;; *) fail "e2e_install_boot: last item $last is not a stage" ;; esac
	E2E_NBOOT=$(( ${E2E_NBOOT:-0} + 1 ))
	log=$T/serial-$h-$E2E_NBOOT.log
	E2E_LOG=$log
	E2E_SINCE=$(e2e_last_id)
	e2e_boot "$fw" "$mac" "$log"
	e2e_marker "$log" "$h ip=$ip $marks "
	case $E2E_MARKER in
	*" cmdline="*"ks=$E2E_URL/ks/$h "*) ;;
	*) fail "no ks=$E2E_URL/ks/$h on the command line: $E2E_MARKER" ;;
	esac
	wait_until 5 e2e_has_event "$mac" "$E2E_SINCE" "${last#@}" ||
		fail "${last#@} not in boot_events"
	e2e_timeline "$mac" "$E2E_SINCE" "$@"
	wait_until 5 e2e_build_is "$h" 0 || fail "install-done did not clear hosts.build of $h"
}

# Prints the phases of the last boot: first DHCP packet answered, first
# TFTP transfer (and first /files/ GET, when there is one), kernel start (init's uptime subtracted from the time its
# first line appeared), marker, power off; E2E_TIMES holds the line.
e2e_times() {	# LABEL MAC SINCE LOG
	local dhcp tftp http up kstart files
	dhcp=$(mariadb_sql "SELECT ROUND(UNIX_TIMESTAMP(ts) * 1000) - $E2E_T0 FROM boot_events
		WHERE mac='$2' AND id > $3 AND stage LIKE 'dhcp-%' ORDER BY id LIMIT 1")
	tftp=$(e2e_ev_ms "$2" "$3" tftp-start)
	http=$(e2e_ev_ms "$2" "$3" http-file)
	up=$(tr -d '\r' < "$4" | sed -n 's/.*BOOTD-E2E-INIT uptime=\([0-9.]*\).*/\1/p' | head -1)
	kstart=?
	[ -n "$up" ] && [ -n "$E2E_T_init" ] &&
		kstart=$(awk -v t="$E2E_T_init" -v u="$up" 'BEGIN { printf "%d", t - u * 1000 }')
	files="first TFTP $(e2e_s "$tftp")"
	[ -z "$http" ] || files="$files, first HTTP file $(e2e_s "$http")"
	E2E_TIMES="$1: first DHCP $(e2e_s "$dhcp"), $files, kernel start $(e2e_s "$kstart"), init $(e2e_s "$E2E_T_init"), marker $(e2e_s "$E2E_T_marker"), powered off $(e2e_s "$E2E_T_exit") (after QEMU start)"
	echo "TIMES $E2E_TIMES"
}
e2e_s() { case $1 in ''|'?') echo '?';; *) awk -v m="$1" 'BEGIN { printf "%.1f s", m / 1000 }';; esac; }
