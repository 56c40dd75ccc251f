#!/bin/bash
# Scenario 4 inside the Debian 12 image (e2e/rig.py boots it three times; the stage is e2e= on
# the kernel command line): persist1 writes the hidden set with pcihide persist --write
# --apply-now (the distribution's own update-grub and update-initramfs), verify checks it after
# the reboot, late boots the same line with the initramfs from before pcihide (the stub driver
# comes too late). Results go to the disk whose serial is e2eout as one tar stream.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
R=/run/e2e-results
mkdir -p $R
stage=$(sed -n 's/.*e2e=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
record() {
    name=$1; shift
    echo "e2e: $name" > /dev/console
    "$@" > "$R/$name.out" 2> "$R/$name.err" < /dev/null
    echo $? > "$R/$name.rc"
}
fact() { echo "$1=$2" >> $R/facts; }
drv() { l=$(readlink /sys/bus/pci/devices/$1/driver 2>/dev/null) && basename "$l" || echo none; }
NIC=$(basename "$(ls -d /sys/devices/pci0000:00/0000:00:03.0/0000:??:??.? | head -1)")
fact stage "$stage"
fact nic "$NIC"
cat /proc/cmdline > $R/cmdline
case "$stage" in
persist1)
    # An installed system has a grub.cfg; this image gets its first one here.
    record update-grub-first update-grub
    record hide pcihide hide $NIC
    record persist-plan pcihide persist --driver vfio-pci
    record persist pcihide persist --driver vfio-pci --write --apply-now
    cp /etc/default/grub $R/default-grub
    cat /etc/modprobe.d/*.conf > $R/modprobe.d 2>&1
    cp /etc/initramfs-tools/modules $R/initramfs-modules 2>/dev/null
    lsinitramfs /boot/initrd.img-$(uname -r) 2>/dev/null | grep -E 'vfio|modprobe.d' > $R/initramfs-list
    ;;
verify|late)
    fact driver "$(drv $NIC)"
    record verify pcihide verify
    record verify-json pcihide verify --json
    lsmod > $R/lsmod
    ;;
esac
journalctl -b --no-pager > $R/journal 2>&1
for b in /sys/block/vd*; do
    if [ "$(cat $b/serial 2>/dev/null)" = e2eout ]; then
        (cd $R && tar cf - .) > /dev/${b##*/}
        sync
    fi
done
exit 0
