# Role guest: a Xen PV guest started by the dom0 of role xen. It has no results disk: it prints
# what its own lspci sees (through xen-pcifront) between markers on its console, which
# xenconsoled logs in dom0, and then waits to be destroyed.
modprobe xen-pcifront
modprobe e1000e
n=0
while ! lspci -n 2>/dev/null | grep -q ' 0200: ' && [ $n -lt 300 ]; do sleep 0.3; n=$((n + 1)); done
echo "E2E-LSPCI-BEGIN"
lspci -nn
echo "E2E-LSPCI-END"
echo "E2E-NET-BEGIN"
ls /sys/class/net
echo "E2E-NET-END"
while :; do sleep 60; done
