# PID 1 of every rig guest (busybox sh). The role comes from the kernel command line
# (e2e=linux|xen|guest); each role's script records into $R, and the results go to the disk
# whose serial is e2eout as one tar stream, read on the host by e2e/rig.py.
/bin/busybox --install -s /bin
# Debian's static busybox runs its own applets before PATH (sh standalone): its modprobe matches
# command-line options by the module's underscored name only, so it drops xen-pciback.hide=.
# A real system's modprobe is kmod's, which takes both spellings; so is the rig's.
for t in modprobe insmod rmmod lsmod modinfo; do eval "$t() { /sbin/$t \"\$@\"; }"; done
export PATH=/usr/local/bin:/sbin:/usr/sbin:/bin:/usr/bin:/usr/lib/xen-4.17/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /run /tmp && mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /tmp
mount -t devpts devpts /dev/pts  # xenconsoled gives each guest console a pty
export R=/run/results
mkdir -p $R
role=$(sed -n 's/.*e2e=\([a-z]*\).*/\1/p' /proc/cmdline)
echo "e2e: role $role, $(uname -r)"

# record NAME CMD...: stdout, stderr and exit status of one command.
record() {
    name=$1; shift
    echo "e2e: $name" > /dev/console
    mkdir -p "$R/$(dirname "$name")"
    "$@" > "$R/$name.out" 2> "$R/$name.err" < /dev/null
    echo $? > "$R/$name.rc"
}
fact() { echo "$1=$2" >> $R/facts; }
# The results disk, found by its serial once virtio_blk is loaded.
results_disk() {
    for b in /sys/block/vd*; do
        [ "$(cat $b/serial 2>/dev/null)" = e2eout ] && { echo /dev/${b##*/}; return; }
    done
}
finish() {
    modprobe virtio_blk 2>/dev/null
    disk=$(results_disk)
    if [ -n "$disk" ]; then
        (cd $R && tar cf - .) > "$disk"
        sync
        echo "e2e: results written to $disk"
    else
        echo "e2e: no results disk"
    fi
    poweroff -f
}

# A role that hangs still returns what it recorded: at its deadline the results are written
# and the machine powers off (the rig's own boot timeout is longer).
case "$role" in linux) deadline=360 ;; xen) deadline=660 ;; *) deadline=0 ;; esac
[ $deadline -gt 0 ] && { sleep $deadline; echo "e2e: deadline of $deadline s reached" > /dev/console; echo yes > $R/deadline; finish; } &
case "$role" in
    linux) . /e2e/linux.sh ;;
    xen) . /e2e/xen.sh ;;
    guest) . /e2e/pvguest.sh ;;
    *) echo "e2e: unknown role '$role'" ;;
esac
finish
