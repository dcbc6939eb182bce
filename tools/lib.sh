# SPDX-License-Identifier: MIT
# Shared by tools/run, tools/test and tools/bench: installing what is missing,
# building one arch, and booting it under QEMU with the exit status decoded.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Build root; MK_BUILD lets two people work in one tree without sharing build dirs.
BUILD=${MK_BUILD:-$TOP/build}
ARCHES="x86_64 aarch64 riscv64"
OVMF=/usr/share/ovmf/OVMF.fd
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

die() { echo "error: $*" >&2; exit 2; }

# deps: installs the Debian packages the build and QEMU need, once.
deps() {
	local need=()
	command -v clang >/dev/null || need+=(clang)
	command -v ld.lld >/dev/null || need+=(lld)
	command -v llvm-objcopy >/dev/null || need+=(llvm)
	command -v meson >/dev/null || need+=(meson)
	command -v ninja >/dev/null || need+=(ninja-build)
	command -v python3 >/dev/null || need+=(python3)
	command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
	command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
	command -v qemu-system-riscv64 >/dev/null || need+=(qemu-system-misc)
	command -v timeout >/dev/null || need+=(coreutils)
	[ -e "$OVMF" ] || need+=(ovmf)
	[ -e "$OPENSBI" ] || need+=(opensbi)
	[ -e /usr/include/efi/efi.h ] || need+=(gnu-efi)
	command -v gdb-multiarch >/dev/null || need+=(gdb-multiarch) # tools/gdb, its test
	command -v pkg-config >/dev/null || need+=(pkgconf)           # the SDK's mk-pager.pc
	# clang's sanitizer and fuzzer runtimes (host tests, the host fuzz targets)
	dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
	[ ${#need[@]} -eq 0 ] && return 0
	echo "installing: ${need[*]}" >&2
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >&2 || die "apt-get update failed"
	$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 ||
		die "apt-get install ${need[*]} failed"
}

# build ARCH: configures build/ARCH (or build/host) if needed and builds it.
build() {
	local arch=$1 dir="$BUILD/$1"
	if [ ! -e "$dir/build.ninja" ]; then
		local cross=(-Db_sanitize=address,undefined)
		[ "$arch" = host ] || cross=(--cross-file "$TOP/cross/$arch.ini")
		mkdir -p "$BUILD"
		meson setup "${cross[@]}" "$dir" "$TOP" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log" >&2; die "meson setup $arch failed"; }
	fi
	# One ninja at a time per build folder (the tests run tools that build).
	{
		flock 9
		ninja -C "$dir" >"$dir.build.log" 2>&1
	} 9>"$dir.lock" || { cat "$dir.build.log" >&2; die "build $arch failed"; }
}

# free_port: prints a TCP port nobody listens on (for QEMU's gdb stub).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# qemu_cmd ARCH CMDLINE [EXTRA...]: prints the QEMU command line (one word per
# line) that boots build/ARCH with the kernel command line CMDLINE. BOOTIMG
# overrides the boot image (tests boot corrupt ones).
qemu_cmd() {
	local arch=$1 cmdline=$2 b="$BUILD/$1"
	local img=${BOOTIMG:-$b/tools/bootimg/bootimg.cpio}
	shift 2
	# SMP=N: N CPUs (docs/smp.md); one by default. ICOUNT=N: -icount
	# shift=N (one instruction is 2^N ns of virtual time; QEMU then runs
	# the CPUs in turn on one host thread, deterministically).
	[ -z "${SMP:-}" ] || set -- -smp "$SMP" "$@"
	[ -z "${ICOUNT:-}" ] || set -- -icount "shift=$ICOUNT" "$@"
	case $arch in
	x86_64)
		# The ESP is a per-boot copy (QEMU's fat: driver needs it writable).
		local esp=${MK_ESP:?boot sets MK_ESP}
		mkdir -p "$esp/EFI/BOOT"
		cp "$b/kernel/arch/x86_64/image/BOOTX64.EFI" "$esp/EFI/BOOT/BOOTX64.EFI"
		cp "$b/kernel/kernel.elf" "$esp/kernel.elf"
		cp "$img" "$esp/bootimg.cpio"
		printf '%s' "$cmdline" >"$esp/cmdline.txt"
		printf '%s\n' qemu-system-x86_64 -machine q35 -m 256M -nographic -net none \
			-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-bios "$OVMF" -drive "format=raw,file=fat:rw:$esp" "$@"
		;;
	aarch64)
		printf '%s\n' qemu-system-aarch64 -M virt -cpu cortex-a72 -m 128M -nographic \
			-no-reboot -semihosting-config enable=on,target=native \
			-kernel "$b/kernel/arch/aarch64/image/kernel.img" \
			-initrd "$img" -append "$cmdline" "$@"
		;;
	riscv64)
		printf '%s\n' qemu-system-riscv64 -M virt -m 128M -nographic -no-reboot \
			-bios "$OPENSBI" -kernel "$b/kernel/kernel.elf" \
			-initrd "$img" -append "$cmdline" "$@"
		;;
	*) die "unknown arch '$arch' (one of: $ARCHES)" ;;
	esac
}

# guest_status ARCH QEMU_EXIT: maps QEMU's exit code to the guest's status
# (what the kernel passed to arch_exit), or 124 for a timeout.
guest_status() {
	local arch=$1 rc=$2
	[ "$rc" -eq 124 ] && { echo 124; return; }
	case $arch in
	x86_64)
		# isa-debug-exit: QEMU exits (v << 1) | 1. The kernel writes
		# v = 0x10 for success and v = status otherwise.
		if [ "$rc" -eq 33 ]; then echo 0
		elif [ $((rc & 1)) -eq 1 ]; then echo $(((rc - 1) / 2))
		else echo 99; fi ;;
	*) echo "$rc" ;;
	esac
}

# boot ARCH CMDLINE TIMEOUT LOG [EXTRA...]: boots, tees the console to LOG
# (or only to LOG when QUIET=1) and sets BOOT_STATUS to the guest status
# (124 = hang: no exit within TIMEOUT seconds).
boot() {
	local arch=$1 cmdline=$2 secs=$3 log=$4
	shift 4
	local cmd=() rc
	MK_ESP=$(mktemp -d /tmp/mk-esp.XXXXXX)
	export MK_ESP
	mapfile -t cmd < <(qemu_cmd "$arch" "$cmdline" "$@")
	if [ "${QUIET:-0}" = 1 ]; then
		timeout --foreground -k 2 "$secs" "${cmd[@]}" </dev/null >"$log" 2>&1
		rc=$?
	else
		timeout --foreground -k 2 "$secs" "${cmd[@]}" </dev/null 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	fi
	rm -rf "$MK_ESP"
	BOOT_STATUS=$(guest_status "$arch" "$rc")
}
