#!/bin/sh
# PID 1 of the guests of tests/vm/run.sh, after the initramfs: the root is
# the host's / under a tmpfs overlay, the run's shared folder is mounted at
# kdelay.out= (same path as on the host).  Mounts what tracers need, links
# the guest kernel's modules and headers from the unpacked packages
# (kdelay.kdir=), runs the folder's .vm/cmd with bash, leaves its exit
# status in .vm/rc, and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
arg() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" /proc/cmdline; }

mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ln -sfn /proc/self/fd /dev/fd
ip link set lo up 2>/dev/null

out=$(arg kdelay.out)
ctl=$out/.vm
kdir=$(arg kdelay.kdir)
v=$(uname -r)
rm -rf "/lib/modules/$v"
mkdir -p /lib/modules /usr/src
ln -sfn "$kdir/root/lib/modules/$v" "/lib/modules/$v"
for d in "$kdir"/root/usr/src/linux-headers-*; do
	[ -e "$d" ] && ln -sfn "$d" "/usr/src/${d##*/}"
done
echo /sbin/modprobe >/proc/sys/kernel/modprobe

cut -d' ' -f1 /proc/uptime >"$ctl/boot-seconds"
/bin/bash "$ctl/cmd" >"$ctl/stdout" 2>"$ctl/stderr" </dev/null
echo $? >"$ctl/rc.new"
mv "$ctl/rc.new" "$ctl/rc"
cut -d' ' -f1 /proc/uptime >"$ctl/end-seconds"
sync
echo 1 >/proc/sys/kernel/sysrq
echo o >/proc/sysrq-trigger
sleep 30
