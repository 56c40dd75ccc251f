# Role guest: a Xen PV guest; it records what its own lspci sees through xen-pcifront.
modprobe xen-pcifront
modprobe e1000e
sleep 1
record guest/lspci lspci -nn
