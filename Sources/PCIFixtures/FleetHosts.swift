import PCIModel
import SystemIO

extension HostRootFixture {
    /// The cluster node of the fleet-export issue, after a boot with pcihide's persistence: a
    /// two-socket server (buses 00 and 80) with an RTX A4000 and its audio function behind a PCIe
    /// switch, an X710 with two SR-IOV VFs (one hidden), and two identical Samsung NVMe drives of
    /// which only one is hidden (the other holds `/`). The hidden functions are on vfio-pci with
    /// their /dev/vfio nodes, as a cluster finds them. Returns the root, its storage and the
    /// addresses to hide.
    public static func fleetNode() -> (root: HostRootFixture, storage: StorageLayout, hide: [String]) {
        typealias F = SysfsFixture.Function
        func a(_ s: String) -> PCIAddress { PCIAddress(sysfsName: s)! }
        func fn(_ addr: String, _ v: UInt16, _ d: UInt16, _ cls: UInt32, sub: (UInt16, UInt16)?, driver: String?, group: Int, parent: String) -> F {
            var f = F(address: a(addr), vendor: v, device: d, classCode: cls)
            f.driver = driver; f.iommuGroup = group; f.parent = a(parent)
            f.subsystem = sub.map { PCIIds(vendor: $0.0, device: $0.1) }
            f.capabilities = .expressEndpoint
            f.resetMethods = ["flr", "bus"]
            return f
        }
        func bridge(_ addr: String, secondary: UInt8, subordinate: UInt8, group: Int, parent: String?, layout: CapabilityLayout) -> F {
            var p = F(address: a(addr), vendor: 0x8086, device: 0x347a, classCode: 0x060400)
            p.driver = "pcieport"; p.iommuGroup = group; p.secondary = secondary; p.subordinate = subordinate
            p.parent = parent.map(a); p.capabilities = layout
            return p
        }
        var pci = SysfsFixture()
        var hb0 = F(address: a("0000:00:00.0"), vendor: 0x8086, device: 0x09a2, classCode: 0x060000); hb0.iommuGroup = 0
        var hb1 = F(address: a("0000:80:00.0"), vendor: 0x8086, device: 0x09a2, classCode: 0x060000); hb1.iommuGroup = 1
        pci.functions = [
            hb0, hb1,
            // Socket 0: root port, switch upstream and downstream ports, the GPU behind them.
            bridge("0000:00:01.0", secondary: 1, subordinate: 3, group: 2, parent: nil, layout: .rootPort),
            bridge("0000:01:00.0", secondary: 2, subordinate: 3, group: 3, parent: "0000:00:01.0", layout: .switchPort),
            bridge("0000:02:00.0", secondary: 3, subordinate: 3, group: 4, parent: "0000:01:00.0", layout: .rootPort),
        ]
        var gpu = fn("0000:03:00.0", 0x10de, 0x24b0, 0x030000, sub: (0x10de, 0x14ad), driver: "vfio-pci", group: 14, parent: "0000:02:00.0")
        gpu.multiFunction = true
        var audio = fn("0000:03:00.1", 0x10de, 0x228b, 0x040300, sub: (0x10de, 0x14ad), driver: "vfio-pci", group: 14, parent: "0000:02:00.0")
        audio.multiFunction = true
        pci.functions += [gpu, audio]
        // Socket 0: the X710 and its VFs, each VF alone in its group.
        pci.functions.append(bridge("0000:00:02.0", secondary: 5, subordinate: 5, group: 5, parent: nil, layout: .rootPort))
        let pf = fn("0000:05:00.0", 0x8086, 0x1572, 0x020000, sub: (0x8086, 0x0000), driver: "i40e", group: 20, parent: "0000:00:02.0")
        pci.functions.append(pf)
        for k in 0..<2 {
            var vf = fn("0000:05:02.\(k)", 0x8086, 0x154c, 0x020000, sub: (0x8086, 0x0000), driver: k == 0 ? "vfio-pci" : "iavf", group: 21 + k, parent: "0000:00:02.0")
            vf.physicalFunction = pf.address
            pci.functions.append(vf)
        }
        // Socket 1: two identical NVMe drives and the management NIC.
        pci.functions.append(bridge("0000:80:01.0", secondary: 0x81, subordinate: 0x81, group: 30, parent: nil, layout: .rootPort))
        pci.functions.append(fn("0000:81:00.0", 0x144d, 0xa80a, 0x010802, sub: (0x144d, 0xa801), driver: "vfio-pci", group: 31, parent: "0000:80:01.0"))
        pci.functions.append(bridge("0000:80:02.0", secondary: 0x82, subordinate: 0x82, group: 32, parent: nil, layout: .rootPort))
        pci.functions.append(fn("0000:82:00.0", 0x144d, 0xa80a, 0x010802, sub: (0x144d, 0xa801), driver: "nvme", group: 33, parent: "0000:80:02.0"))
        pci.functions.append(bridge("0000:80:03.0", secondary: 0x83, subordinate: 0x83, group: 34, parent: nil, layout: .rootPort))
        pci.functions.append(fn("0000:83:00.0", 0x8086, 0x1521, 0x020000, sub: (0x8086, 0x0001), driver: "igb", group: 35, parent: "0000:80:03.0"))
        var root = HostRootFixture(pci: pci)
        root.commandLine = "BOOT_IMAGE=/vmlinuz root=/dev/nvme0n1p2 ro intel_iommu=on vfio-pci.ids=10de:24b0,10de:228b"
        root.interfaces = [
            .init(device: nil, name: "lo", operstate: "unknown"),
            .init(device: a("0000:83:00.0"), name: "eno1", routes: ["default", "192.0.2.0/24"]),
        ]
        var storage = StorageLayout()
        storage.disks = [.init(controller: a("0000:82:00.0"), name: "nvme0n1", majorMinor: "259:0", partitions: [("nvme0n1p1", "259:1"), ("nvme0n1p2", "259:2")])]
        storage.mountInfo = [
            "21 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw", "22 1 0:21 / /proc rw - proc proc rw",
            "23 1 0:22 / /sys rw - sysfs sysfs rw", "41 21 259:1 / /boot/efi rw - vfat /dev/nvme0n1p1 rw",
        ]
        return (root, storage, ["03:00.0", "03:00.1", "05:02.0", "81:00.0"])
    }

    /// Writes the fleet node: the host root, its storage, its name and the /dev/vfio nodes of
    /// the groups whose devices are on vfio-pci.
    public static func writeFleetNode(to dir: String) throws(Failure) {
        let node = fleetNode()
        try node.root.write(to: dir)
        try node.storage.write(to: dir)
        try Files.makeDirectories(dir + "/etc")
        try writeTestFile(dir + "/etc/hostname", Array("pve1\n".utf8))
        try Files.makeDirectories(dir + "/dev/vfio")
        try writeTestFile(dir + "/dev/vfio/vfio", [])
        for g in Set(node.root.pci.functions.filter { $0.driver == "vfio-pci" }.compactMap(\.iommuGroup)) {
            try writeTestFile(dir + "/dev/vfio/\(g)", [])
        }
    }
}
