#!/usr/bin/env bash
# tests/vm/prepare.sh VERSION - make Debian kernel VERSION (as printed by
# tests/vm/kernels.sh, e.g. 6.1.0-57-amd64) bootable by tests/vm/run.sh,
# in ${KDELAY_VM_CACHE:-/var/tmp/kdelay-vm}/VERSION:
#   root/       linux-image-VERSION-unsigned, linux-headers-VERSION and its
#               -common package, unpacked (apt-get download: nothing is
#               installed on this machine); modules indexed (depmod); the
#               build/source links made relative, so that the guest, which
#               links /lib/modules/VERSION here, finds the headers (BCC)
#   vmlinux     the ELF kernel inside vmlinuz: qemu boots it through its
#               PVH entry, sparing the guest a slow decompression under TCG
#   initramfs.cpio.gz  busybox, the virtio/9p/overlay modules (decompressed,
#               busybox's insmod reads no .xz) and tests/vm/initramfs-init
# Idempotent: what is done is not redone (quick); the initramfs is rebuilt
# when tests/vm/initramfs-init or this script changes.  A lock keeps two runs on one
# VERSION apart.  Failures print one line naming what failed and exit 69.
set -euo pipefail

prog=tests/vm/prepare.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fail() {
	echo "$prog: $*" >&2
	exit 69
}

[ $# -eq 1 ] || {
	echo "usage: $prog VERSION (see tests/vm/kernels.sh)" >&2
	exit 64
}
V=$1
case $V in
*-rt-amd64) common=${V%-rt-amd64}-common-rt ;;
*-amd64) common=${V%-amd64}-common ;;
*) fail "'$V' is not a Debian amd64 kernel version (e.g. 6.1.0-57-amd64)" ;;
esac
case $V in */* | .*) fail "'$V' is not a kernel version" ;; esac

cache=${KDELAY_VM_CACHE:-/var/tmp/kdelay-vm}
dir=$cache/$V
mkdir -p "$cache/debs" "$dir" || fail "cannot create $dir"
exec {lock}>"$dir/.lock"
flock -w 900 "$lock" || fail "another prepare of $V holds $dir/.lock for 15 minutes"

for tool in apt-get dpkg-deb depmod modprobe busybox cpio gzip xz zstd python3; do
	command -v "$tool" >/dev/null || fail "$tool is missing; run tests/deps.sh"
done

# 1. The packages, unpacked into root/ (a new root/ appears whole or not
#    at all).
if [ ! -e "$dir/root/.unpacked" ]; then
	pkgs=("linux-image-$V-unsigned" "linux-headers-$V" "linux-headers-$common")
	for p in "${pkgs[@]}"; do
		ls "$cache/debs/${p}"_*.deb >/dev/null 2>&1 && continue
		(cd "$cache/debs" && apt-get download -q -o APT::Sandbox::User=root "$p") >"$dir/download.log" 2>&1 ||
			fail "cannot download Debian package $p ($(grep -E '^E:' "$dir/download.log" | head -1)); see $dir/download.log"
	done
	rm -rf "$dir/root.new"
	mkdir "$dir/root.new"
	for p in "${pkgs[@]}"; do
		deb=$(ls "$cache/debs/${p}"_*.deb | sort -V | tail -1)
		dpkg-deb -x "$deb" "$dir/root.new" || fail "cannot unpack $deb"
	done
	depmod -b "$dir/root.new" "$V" || fail "depmod of $V failed"
	# The headers' links are absolute (/usr/src/...): relative ones work
	# wherever root/ is linked from.
	(cd "$dir/root.new/lib/modules/$V" &&
		ln -sfn "../../../usr/src/linux-headers-$V" build &&
		ln -sfn "../../../usr/src/linux-headers-$common" source) ||
		fail "cannot link the headers of $V"
	touch "$dir/root.new/.unpacked"
	rm -rf "$dir/root" "$dir/vmlinux" "$dir/initramfs.cpio.gz"
	mv "$dir/root.new" "$dir/root"
fi

# 2. vmlinux: the first compressed stream in the bzImage that decompresses
#    into an ELF file.
if [ ! -s "$dir/vmlinux" ]; then
	python3 - "$dir/root/boot/vmlinuz-$V" "$dir/vmlinux.new" <<'PY' || fail "no ELF kernel found in $dir/root/boot/vmlinuz-$V"
import subprocess, sys
image = open(sys.argv[1], "rb").read()
decoders = ((b"\xfd7zXZ\x00", ["xz", "-dcq", "--single-stream"]),
            (b"\x28\xb5\x2f\xfd", ["zstd", "-dcq"]),
            (b"\x1f\x8b\x08", ["gzip", "-dcq"]))
for magic, cmd in decoders:
    at = image.find(magic)
    while at >= 0:
        out = subprocess.run(cmd, input=image[at:], capture_output=True).stdout
        if out[:4] == b"\x7fELF":
            open(sys.argv[2], "wb").write(out)
            sys.exit(0)
        at = image.find(magic, at + 1)
sys.exit(1)
PY
	mv "$dir/vmlinux.new" "$dir/vmlinux"
fi

# 3. The initramfs.
init=$here/initramfs-init
if [ ! -s "$dir/initramfs.cpio.gz" ] || [ "$init" -nt "$dir/initramfs.cpio.gz" ] ||
	[ "${BASH_SOURCE[0]}" -nt "$dir/initramfs.cpio.gz" ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work"/{bin,dev,proc,sys,mnt,modules}
	cp "$(command -v busybox)" "$work/bin/busybox"
	file -L "$work/bin/busybox" | grep -q 'statically linked' ||
		fail "busybox is not the static one (install busybox-static: tests/deps.sh)"
	ln -s busybox "$work/bin/sh"
	cp "$init" "$work/init"
	chmod 0755 "$work/init"
	# Modules in load order, each once, decompressed.
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$dir/root" -S "$V" --show-depends "$m" ||
			fail "module $m of $V not found"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$work/modules.list"
	while read -r ko; do
		name=$(basename "$ko")
		name=${name%.xz}
		name=${name%.zst}
		name=${name%.gz}
		case $ko in
		*.xz) xz -dc "$ko" ;;
		*.zst) zstd -qdc "$ko" ;;
		*.gz) gzip -dc "$ko" ;;
		*) cat "$ko" ;;
		esac >"$work/modules/$name" || fail "cannot decompress $ko"
		echo "$name" >>"$work/modules/order"
	done <"$work/modules.list"
	rm "$work/modules.list"
	(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initramfs.cpio.gz.new" ||
		fail "cannot build the initramfs of $V"
	mv "$dir/initramfs.cpio.gz.new" "$dir/initramfs.cpio.gz"
fi
echo "$dir"
