# Role linux: Debian's Linux 6.1 on q35 with an emulated Intel IOMMU (e2e/rig.py).
. /e2e/common.sh
load_host_drivers

# Scenario: listing. Every flag set, as root and as nobody; the host compares the bytes.
FLAGS=" -n -nn -D -k -nnk -m -mm -mk -vmm -vmmm -vmmk -vmmnn -t -tv -tvv -tnn -v -vv -vvv -vvnnk -vvD -b -bv -bvv -bvvv -bvmm -P -PP -PP,-vv -x -xxx -xxxx -vvv,-xxxx -s,00:1f -d,8086: -vs,00:03.0"
i=0
for f in "" $FLAGS; do
    i=$((i + 1))
    args=$(echo "$f" | tr ',' ' ')
    echo "$args" > $R/list.$i.flags
    record list/root.$i.pcihide pcihide list $args
    record list/root.$i.lspci lspci $args
    record list/user.$i.pcihide su -s /bin/sh nobody -c "pcihide list $args"
    record list/user.$i.lspci su -s /bin/sh nobody -c "lspci $args"
done
fact list.count $i

set_up_host_needs
probe_mounts before
for v in HOSTNIC NVME EXT4DISK BTRFSDISK LPC; do eval fact driver.before.$v \$\(drv \$$v\); done

# Scenario: vfio-pci for real, on the spare NIC; vfio-pci is not loaded when it starts.
lsmod | grep -q '^vfio_pci ' && fact vfio.loaded.before yes || fact vfio.loaded.before no
record vfio/dryrun pcihide hide --now --driver vfio-pci --dry-run $SPARENIC
record vfio/hide pcihide hide --now --driver vfio-pci $SPARENIC
fact vfio.driver.hidden "$(drv $SPARENIC)"
group=$(basename "$(readlink /sys/bus/pci/devices/$SPARENIC/iommu_group)")
fact vfio.group "$group"
ls /dev/vfio > $R/vfio/devvfio 2>&1
record vfio/viable vfio-viable /dev/vfio/$group
# The node check a cluster runs, on the real group and /dev/vfio node; the host NIC is a twin
# of the spare one (same ids, not hidden, on e1000e): KubeVirt's selector is warned about it.
record vfio/export-check pcihide export --check --format kubevirt --node rig
record vfio/export-kubevirt pcihide export --format kubevirt --node rig
record vfio/export-proxmox pcihide export --format proxmox --node rig
record vfio/unhide pcihide unhide --now $SPARENIC
fact vfio.driver.given-back "$(drv $SPARENIC)"
n=0; while [ -z "$(ls /sys/bus/pci/devices/$SPARENIC/net 2>/dev/null)" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
fact vfio.netdev.given-back "$(ls /sys/bus/pci/devices/$SPARENIC/net 2>/dev/null | head -1)"

# Scenario: the host's needs, through every path. None may be unbound or recorded.
record needs/groups pcihide groups
for v in HOSTNIC NVME EXT4DISK BTRFSDISK LPC; do
    eval d=\$$v
    record needs/$v.check pcihide check $d
    record needs/$v.check-json pcihide check --json $d
    record needs/$v.hide pcihide hide $d
    record needs/$v.hide-group pcihide hide --group $d
    record needs/$v.hide-now pcihide hide --now --driver vfio-pci $d
    record needs/$v.unhide-now pcihide unhide --now $d
    fact driver.after.$v "$(drv $d)"
done
ids=$(cat /sys/bus/pci/devices/$HOSTNIC/vendor /sys/bus/pci/devices/$HOSTNIC/device | sed 's/0x//' | paste -sd:)
record needs/hide-ids pcihide hide $ids
record needs/hide-wildcard pcihide hide '00:1f.*'
record needs/hide-now-ids pcihide hide --now --driver vfio-pci $ids
record needs/hidden pcihide hidden
record needs/persist pcihide persist --driver vfio-pci
for v in HOSTNIC NVME EXT4DISK BTRFSDISK LPC; do eval fact driver.final.$v \$\(drv \$$v\); done
probe_mounts after
ip route | grep -q '^default via 192.0.2.1' && fact route.after ok || fact route.after gone
cp /proc/mounts $R/mounts.after
dmesg > $R/dmesg

# For the Xen boot (scenario 5): the hide token `pcihide grub` prints for the spare NIC, in a
# ledger of its own. e2e/rig.py puts this very output on dom0's command line.
PCIHIDE_STATE=/run/xen-ledger.json pcihide hide $SPARENIC > /dev/null 2>&1
record xen-token pcihide grub --state /run/xen-ledger.json
