# Helpers shared by the host roles (sourced after init.sh's record/fact).
# The endpoint behind root port 00:0N.0 (the rig's topology, e2e/rig.py machine_devices).
behind() { basename "$(ls -d /sys/devices/pci0000:00/0000:00:0$1.0/0000:??:??.? 2>/dev/null | head -1)"; }
drv() { l=$(readlink /sys/bus/pci/devices/$1/driver 2>/dev/null) && basename "$l" || echo none; }
# Waits (bounded) for a path to appear.
await() { n=0; while [ ! -e "$1" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done; }
disk_with_serial() {
    for b in /sys/block/vd*; do [ "$(cat $b/serial 2>/dev/null)" = "$1" ] && { echo ${b##*/}; return; }; done
}
load_host_drivers() {
    for m in e1000e nvme virtio_pci virtio_blk ext4 btrfs lpc_ich; do modprobe $m; done
    await /dev/nvme0n1
    n=0; while [ -z "$(disk_with_serial e2ebtrfs)" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    HOSTNIC=$(behind 3); SPARENIC=$(behind 4); NVME=$(behind 5); EXT4DISK=$(behind 6); BTRFSDISK=$(behind 7)
    LPC=0000:00:1f.0
    EXT4DEV=/dev/$(disk_with_serial e2eext4); BTRFSDEV=/dev/$(disk_with_serial e2ebtrfs)
    HOSTIF=$(ls /sys/bus/pci/devices/$HOSTNIC/net 2>/dev/null | head -1)
    SPAREIF=$(ls /sys/bus/pci/devices/$SPARENIC/net 2>/dev/null | head -1)
    for v in HOSTNIC SPARENIC NVME EXT4DISK BTRFSDISK LPC EXT4DEV BTRFSDEV HOSTIF SPAREIF; do eval fact addr.$v \$$v; done
}
# The host's needs: an ext4 mount, a btrfs RAID1 across the NVMe and a virtio disk (mounted
# through the virtio member, so that the mount table names only that one), the default route.
set_up_host_needs() {
    mkdir -p /mnt/ext4 /mnt/btrfs
    mount -t ext4 $EXT4DEV /mnt/ext4 && fact mount.ext4 ok
    mount -t btrfs -o device=/dev/nvme0n1,device=$BTRFSDEV $BTRFSDEV /mnt/btrfs && fact mount.btrfs ok
    ip link set $HOSTIF up
    ip addr add 192.0.2.10/24 dev $HOSTIF
    ip route add default via 192.0.2.1 dev $HOSTIF onlink && fact route.before ok
    cp /proc/mounts $R/mounts.before
}
# Writes a file under each mount, drops the caches and reads it back.
probe_mounts() {
    for m in ext4 btrfs; do
        v="$1-$$-$m"
        if echo "$v" > /mnt/$m/probe.$1 && sync && echo 3 > /proc/sys/vm/drop_caches && [ "$(cat /mnt/$m/probe.$1)" = "$v" ]; then
            fact probe.$1.$m ok
        else
            fact probe.$1.$m failed
        fi
    done
}
