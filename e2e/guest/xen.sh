# Role xen: the same kernel as a Xen 4.17 PV dom0 (Xen owns VT-d; dom0 sees no IOMMU groups).
# dom0's command line carries the hide token the Linux boot's `pcihide grub` printed (e2e/rig.py);
# xen-pciback is loaded first, by modprobe (which passes it xen-pciback.hide= from /proc/cmdline),
# so that it takes the spare NIC before e1000e can.
. /e2e/common.sh
mkdir -p $R/xen
cat /proc/cmdline > $R/cmdline
lsmod > $R/xen/lsmod.start 2>&1
# The kernel may have loaded xen-pciback through its usermode helper before /proc was mounted,
# when modprobe could not read the command line: load it again, as modprobe loads it.
[ "$(cat /sys/module/xen_pciback/parameters/hide 2>/dev/null)" = "(null)" ] && rmmod xen-pciback && fact pciback.reloaded yes
record xen/modprobe-pciback modprobe -v xen-pciback
cat /sys/module/xen_pciback/parameters/* > $R/xen/pciback-parameters 2>&1
load_host_drivers
fact driver.boot.SPARENIC "$(drv $SPARENIC)"
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do modprobe $m; done
mount -t xenfs xenfs /proc/xen
mkdir -p /run/xenstored /run/lock /var/lib/xenstored /var/log/xen /run/xen /var/lib/xen /run/xenconsole
xenstored --pid-file=/run/xenstored.pid > $R/xenstored.log 2>&1
n=0; while ! xenstore-read /local/domain/0/name >/dev/null 2>&1 && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); xen-init-dom0 >/dev/null 2>&1; done
record xen/init-dom0 xen-init-dom0
xenconsoled -i --log=guest --log-dir=/run/xenconsole > $R/xenconsoled.log 2>&1 &
record xen/xlinfo xl info
record xen/xldmesg xl dmesg

# Scenario 6: Xen's facts from Xen.
record xen/check pcihide check $SPARENIC
record xen/check-json pcihide check --json $SPARENIC
record xen/groups pcihide groups
# Without xl on the PATH the IOMMU state cannot be known.
record xen/check-noxl env PATH=/usr/local/bin:/bin pcihide check $SPARENIC

# Scenario 5: the 2005 story. The card was hidden at boot; the ledger records it (auto policy).
mkdir -p $R/story
record story/hide pcihide hide $SPARENIC
record story/grub pcihide grub
record story/verify pcihide verify
record story/assignable xl pci-assignable-list

# waitfor SECONDS CMD...: until CMD succeeds, at most SECONDS.
waitfor() {
    end=$(($(date +%s) + $1)); shift
    while ! "$@" >/dev/null 2>&1; do [ $(date +%s) -ge $end ] && return 1; sleep 0.2; done
}
# step NAME: what xl and the ledger say now.
step() {
    record story/$1.owners-xl timeout 60 pcihide owners --toolstack xl
    record story/$1.owners pcihide owners --json
    record story/$1.xllist timeout 20 xl list
}
attached_to() { timeout 10 xl pci-list "$1" 2>/dev/null | grep -q "${SPARENIC#0000:}"; }
console_has() { grep -q "$2" /run/xenconsole/guest-$1.log 2>/dev/null; }
ledger_free() { pcihide owners --json | grep -q '"owner" *: *null'; }
start_watch() {
    pcihide watch --toolstack xl 2> $R/story/watch$1.err &
    WATCH=$!
    waitfor 20 grep -q 'following' $R/story/watch$1.err
}
guest_cfg() {
    cat > /run/$1.cfg <<CFG
name = "$1"
type = "pv"
kernel = "/mnt/guest/vmlinuz"
ramdisk = "/mnt/guest/initrd.gz"
extra = "console=hvc0 e2e=guest loglevel=4"
memory = 384
vcpus = 1
# Without it Xen creates the domain without an IOMMU context and a later pci-attach fails
# (xc_assign_device: Operation not supported); watch's message says so.
passthrough = "enabled"
CFG
}
guest() {
    guest_cfg $1
    record story/$1.create timeout 120 xl create /run/$1.cfg
    record story/$1.xllist-created timeout 20 xl list
    record story/$1.ps ps
    waitfor 90 attached_to $1 && fact story.$1.attached yes || fact story.$1.attached no
    waitfor 150 console_has $1 E2E-NET-END && fact story.$1.console yes || fact story.$1.console no
    cp /run/xenconsole/guest-$1.log $R/story/$1.console 2>/dev/null
    record story/$1.pcilist timeout 20 xl pci-list $1
    cp $R/story/watch*.err /run/xenconsole/* $R/story/ 2>/dev/null
}

mkdir -p /mnt/guest
mount -o ro /dev/$(disk_with_serial e2eguest) /mnt/guest
record story/config pcihide config --format xl --device $SPARENIC
start_watch 1
step 0
guest g1
step 1
record story/g1.destroy timeout 60 xl destroy g1
waitfor 30 ledger_free && fact story.g1.death-recorded yes || fact story.g1.death-recorded no
step 2
# A watch restart: it starts again from the toolstack's view.
kill $WATCH; wait $WATCH
start_watch 2
guest g2
step 3
record story/g2.destroy timeout 60 xl destroy g2
waitfor 30 ledger_free
kill $WATCH; wait $WATCH
record story/history pcihide history
record story/history-check pcihide history --check

# Scenario 2 through domain start --apply, with the real xl: the ext4 disk, mounted, hidden with
# --force (as an administrator might before moving the mount away); the hand-over refuses it.
mkdir -p $R/needs /mnt/ext4
mount -t ext4 $EXT4DEV /mnt/ext4 && fact needs.mount.ext4 ok
fact needs.driver.before "$(drv $EXT4DISK)"
record needs/hide-force pcihide hide --force $EXT4DISK
guest_cfg g3
record needs/g3.create timeout 120 xl create /run/g3.cfg
record needs/domain-start pcihide domain start $(xl domid g3) --apply --toolstack xl
fact needs.driver.after "$(drv $EXT4DISK)"
v=probe-$$; echo $v > /mnt/ext4/probe && sync && echo 3 > /proc/sys/vm/drop_caches && [ "$(cat /mnt/ext4/probe)" = $v ] && fact needs.probe ok || fact needs.probe failed
record needs/pcilist timeout 20 xl pci-list g3
# g3 is left running: the power-off ends it (an xl destroy here once stopped the machine dead).
xl dmesg > $R/xldmesg.after
dmesg > $R/dmesg
