# Role xen: the same kernel as a Xen 4.17 PV dom0 (Xen owns VT-d; dom0 sees no IOMMU groups).
. /e2e/common.sh
load_host_drivers
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do modprobe $m; done
mount -t xenfs xenfs /proc/xen
mkdir -p /var/run/xenstored /var/lib/xenstored /var/log/xen /run/xen /var/lib/xen
xenstored --pid-file=/run/xenstored.pid > $R/xenstored.log 2>&1
n=0; while ! xenstore-read /local/domain/0/name >/dev/null 2>&1 && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); xen-init-dom0 >/dev/null 2>&1; done
record xen/init-dom0 xen-init-dom0
record xen/xlinfo xl info
record xen/xldmesg xl dmesg

# Scenario: Xen's facts from Xen.
record xen/check pcihide check $SPARENIC
record xen/check-json pcihide check --json $SPARENIC
record xen/groups pcihide groups
# Without xl on the PATH the IOMMU state cannot be known.
record xen/check-noxl env PATH=/usr/local/bin:/bin pcihide check $SPARENIC
dmesg > $R/dmesg
