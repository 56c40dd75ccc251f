import PCIModel
import SystemIO

/// A whole host root for tests: the PCI tree at `sys/bus/pci`, block devices under
/// `sys/class/block` hanging from their controllers, network interfaces under `sys/class/net`,
/// and `proc/mounts`, `proc/net/route`, `proc/net/if_inet6`, as `--root DIR` reads them.
public struct HostRootFixture {
    public var pci: SysfsFixture
    /// A partition of a disk behind `controller`, and where it is mounted (nil: not mounted).
    public struct Disk {
        public var controller: PCIAddress
        public var name: String
        public var mountPoint: String?
        public init(controller: PCIAddress, name: String, mountPoint: String?) {
            self.controller = controller; self.name = name; self.mountPoint = mountPoint
        }
    }
    /// A network interface of `device` (nil: a virtual one such as a bridge), with its routes
    /// (`default`, or a prefix such as `192.168.1.0/24`) and the bridge or bond it is enslaved to.
    public struct Interface {
        public var device: PCIAddress?
        public var name: String
        public var operstate: String
        public var routes: [String]
        public var master: String?
        public init(device: PCIAddress?, name: String, operstate: String = "up", routes: [String] = [], master: String? = nil) {
            self.device = device; self.name = name; self.operstate = operstate; self.routes = routes; self.master = master
        }
    }
    public var disks: [Disk] = []
    public var interfaces: [Interface] = []
    /// Swap partitions (names under a disk, as in `disks`), written to proc/swaps.
    public var swaps: [Disk] = []
    /// proc/cmdline (nil: not written).
    public var commandLine: String? = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet"
    /// proc/iomem as root reads it, with no boot framebuffer (nil: not written).
    public var iomem: String? = "00000000-00000fff : Reserved\n00100000-7fffffff : System RAM\nc0000000-febfffff : PCI Bus 0000:00\n"
    /// sys/class/iommu entries (written only when the PCI tree has IOMMU groups).
    public var iommuUnits: [String] = ["dmar0"]
    /// proc/cpuinfo's vendor_id.
    public var cpuVendor = "GenuineIntel"

    public init(pci: SysfsFixture) { self.pci = pci }

    public static func pciRoot(_ root: String) -> String { root + "/sys/bus/pci" }

    public func write(to root: String) throws(Failure) {
        let pciRoot = Self.pciRoot(root)
        try pci.write(to: pciRoot)
        try Files.makeDirectories(root + "/sys/class/block")
        try Files.makeDirectories(root + "/sys/class/net")
        try Files.makeDirectories(root + "/proc/net")
        try Files.makeDirectories(root + "/dev")
        var mounts = "sysfs /sys sysfs rw 0 0\nproc /proc proc rw 0 0\n"
        for (k, d) in disks.enumerated() {
            guard let dev = Files.realPath(pciRoot + "/devices/" + d.controller.description) else { continue }
            let disk = String(d.name.prefix { !$0.isNumber })
            let part = dev + "/host\(k)/block/\(disk)/\(d.name)"
            try Files.makeDirectories(part)
            link(part, at: root + "/sys/class/block/" + d.name)
            if let m = d.mountPoint { mounts += "/dev/\(d.name) \(m) ext4 rw,relatime 0 0\n" }
        }
        try writeTestFile(root + "/proc/mounts", Array(mounts.utf8))
        var swapsText = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
        for (k, d) in swaps.enumerated() {
            guard let dev = Files.realPath(pciRoot + "/devices/" + d.controller.description) else { continue }
            let disk = String(d.name.prefix { !$0.isNumber })
            let part = dev + "/swaphost\(k)/block/\(disk)/\(d.name)"
            try Files.makeDirectories(part)
            link(part, at: root + "/sys/class/block/" + d.name)
            swapsText += "/dev/\(d.name)                               partition\t8388604\t\t0\t\t-2\n"
        }
        try writeTestFile(root + "/proc/swaps", Array(swapsText.utf8))
        var route = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        for i in interfaces {
            let dir: String
            if let device = i.device, let dev = Files.realPath(pciRoot + "/devices/" + device.description) {
                dir = dev + "/net/" + i.name
                try Files.makeDirectories(dir)
                link(dev, at: dir + "/device")
            } else {
                dir = root + "/sys/devices/virtual/net/" + i.name
                try Files.makeDirectories(dir)
            }
            try writeTestFile(dir + "/operstate", Array((i.operstate + "\n").utf8))
            link(dir, at: root + "/sys/class/net/" + i.name)
            for r in i.routes {
                // Network byte order read as a little-endian number, as the kernel prints it.
                func le(_ ip: [UInt8]) -> String { hex(UInt32(ip[3]) << 24 | UInt32(ip[2]) << 16 | UInt32(ip[1]) << 8 | UInt32(ip[0]), 8).uppercased() }
                var dest = "00000000", mask = "00000000", gw = "00000000", flags = "0001"
                if r == "default" {
                    gw = "010200C0"; flags = "0003"
                } else {
                    let parts = r.split(separator: "/")
                    let ip = parts[0].split(separator: ".").compactMap { UInt8($0) }
                    let bits = Int(parts[1]) ?? 24
                    let m = bits == 0 ? UInt32(0) : ~UInt32(0) << UInt32(32 - bits)
                    dest = le(ip); mask = le([UInt8(m >> 24), UInt8((m >> 16) & 0xff), UInt8((m >> 8) & 0xff), UInt8(m & 0xff)])
                }
                route += "\(i.name)\t\(dest)\t\(gw)\t\(flags)\t0\t0\t0\t\(mask)\t0\t0\t0\n"
            }
        }
        for i in interfaces {
            if let m = i.master { link(root + "/sys/class/net/" + m, at: Files.realPath(root + "/sys/class/net/" + i.name)! + "/master") }
        }
        try writeTestFile(root + "/proc/net/route", Array(route.utf8))
        try writeTestFile(root + "/proc/net/if_inet6", [])
        if let commandLine { try writeTestFile(root + "/proc/cmdline", Array((commandLine + "\n").utf8)) }
        if let iomem { try writeTestFile(root + "/proc/iomem", Array(iomem.utf8)) }
        try writeTestFile(root + "/proc/cpuinfo", Array("processor\t: 0\nvendor_id\t: \(cpuVendor)\n".utf8))
        if pci.functions.contains(where: { $0.iommuGroup != nil }) {
            for unit in iommuUnits where unit.hasPrefix("ivhd") {
                // AMD's units: no IR bit there (/proc/interrupts says whether it is on).
                try Files.makeDirectories(root + "/sys/class/iommu/\(unit)/amd-iommu")
                try writeTestFile(root + "/sys/class/iommu/\(unit)/amd-iommu/features", Array("58f77ef22294ade\n".utf8))
            }
            for unit in iommuUnits where !unit.hasPrefix("ivhd") {
                try Files.makeDirectories(root + "/sys/class/iommu/\(unit)/intel-iommu")
                try writeTestFile(root + "/sys/class/iommu/\(unit)/intel-iommu/ecap", Array("f0205ef\n".utf8))
            }
        }
    }
}

extension SysfsFixture {
    static func fn(_ a: String, _ v: UInt16, _ d: UInt16, _ cls: UInt32, driver: String?, group: Int?) -> Function {
        var f = Function(address: PCIAddress(sysfsName: a)!, vendor: v, device: d, classCode: cls)
        f.driver = driver
        f.iommuGroup = group
        return f
    }

    /// A small host for binding and safety tests: a host bridge, a root port with a two-function
    /// NIC behind it (one IOMMU group), the boot VGA device, the SATA controller that holds `/`,
    /// and a driverless NIC on bus 02.
    public static func host() -> SysfsFixture {
        var f = SysfsFixture()
        f.functions.append(fn("0000:00:00.0", 0x8086, 0x1237, 0x060000, driver: nil, group: 0))
        var port = fn("0000:00:01.0", 0x8086, 0x7c10, 0x060400, driver: "pcieport", group: 1)
        port.secondary = 1
        port.subordinate = 1
        f.functions.append(port)
        for k in 0..<2 {
            var nic = fn("0000:01:00.\(k)", 0x8086, 0x10d3, 0x020000, driver: "e1000e", group: 2)
            nic.multiFunction = true
            nic.parent = port.address
            f.functions.append(nic)
        }
        var vga = fn("0000:00:02.0", 0x8086, 0x3e92, 0x030000, driver: "i915", group: 3)
        vga.bootVGA = true
        f.functions.append(vga)
        f.functions.append(fn("0000:00:17.0", 0x8086, 0xa352, 0x010601, driver: "ahci", group: 4))
        f.functions.append(fn("0000:02:09.0", 0x8086, 0x1229, 0x020000, driver: nil, group: 5))
        return f
    }

    /// Writes `host()` as a host root at `dir`: the tree at `dir/sys/bus/pci`, `sda1` hanging
    /// from the SATA controller and mounted on `/`, and no network interface on a PCI device.
    public static func writeHost(to dir: String) throws(Failure) {
        var root = HostRootFixture(pci: host())
        root.disks = [.init(controller: PCIAddress(sysfsName: "0000:00:17.0")!, name: "sda1", mountPoint: "/")]
        root.interfaces = [.init(device: nil, name: "lo", operstate: "unknown")]
        try root.write(to: dir)
    }

    /// A desktop: the GPU and its HDMI audio behind a root port in one group; USB 00:14.0,
    /// SATA 00:17.0 (holding `/`) and the boot-VGA iGPU 00:02.0 in one consumer group; an NVMe
    /// drive behind a root port holding /home; the management NIC 00:1f.6 with the default route.
    public static func desktop(iommu: Bool = true) -> HostRootFixture {
        func g(_ n: Int) -> Int? { iommu ? n : nil }
        var f = SysfsFixture()
        f.functions.append(fn("0000:00:00.0", 0x8086, 0x3e30, 0x060000, driver: nil, group: g(0)))
        var gpuPort = fn("0000:00:01.0", 0x8086, 0x1901, 0x060400, driver: "pcieport", group: g(1))
        gpuPort.secondary = 1; gpuPort.subordinate = 1
        f.functions.append(gpuPort)
        for (k, d, c, drv) in [(0, UInt16(0x1b81), UInt32(0x030000), "nouveau"), (1, UInt16(0x10f0), UInt32(0x040300), "snd_hda_intel")] {
            var x = fn("0000:01:00.\(k)", 0x10de, d, c, driver: drv, group: g(1))
            x.multiFunction = true; x.parent = gpuPort.address
            f.functions.append(x)
        }
        var igpu = fn("0000:00:02.0", 0x8086, 0x3e92, 0x030000, driver: "i915", group: g(2))
        igpu.bootVGA = true
        f.functions.append(igpu)
        f.functions.append(fn("0000:00:14.0", 0x8086, 0xa36d, 0x0c0330, driver: "xhci_hcd", group: g(2)))
        f.functions.append(fn("0000:00:17.0", 0x8086, 0xa352, 0x010601, driver: "ahci", group: g(2)))
        var nvmePort = fn("0000:00:1d.0", 0x8086, 0xa330, 0x060400, driver: "pcieport", group: g(3))
        nvmePort.secondary = 2; nvmePort.subordinate = 2
        f.functions.append(nvmePort)
        var nvme = fn("0000:02:00.0", 0x144d, 0xa808, 0x010802, driver: "nvme", group: g(3))
        nvme.parent = nvmePort.address
        f.functions.append(nvme)
        f.functions.append(fn("0000:00:1f.0", 0x8086, 0xa306, 0x060100, driver: nil, group: g(4)))
        f.functions.append(fn("0000:00:1f.6", 0x8086, 0x15bc, 0x020000, driver: "e1000e", group: g(5)))
        var root = HostRootFixture(pci: f)
        root.disks = [
            .init(controller: PCIAddress(sysfsName: "0000:00:17.0")!, name: "sda1", mountPoint: "/"),
            .init(controller: PCIAddress(sysfsName: "0000:02:00.0")!, name: "nvme0n1p1", mountPoint: "/home"),
        ]
        root.interfaces = [
            .init(device: nil, name: "lo", operstate: "unknown"),
            .init(device: PCIAddress(sysfsName: "0000:00:1f.6")!, name: "enp0s31f6", routes: ["default", "192.168.1.0/24"]),
        ]
        return root
    }
}

extension HostRootFixture {
    /// The hosts the readiness check is held to (issue: passthrough readiness), by name, with the
    /// devices to check on each.
    public static func readinessHosts() -> [(name: String, root: HostRootFixture, devices: [String])] {
        typealias F = SysfsFixture.Function
        func fn(_ a: String, _ v: UInt16, _ d: UInt16, _ cls: UInt32, driver: String?, group: Int?, parent: String? = nil) -> F {
            var f = F(address: PCIAddress(sysfsName: a)!, vendor: v, device: d, classCode: cls)
            f.driver = driver
            f.iommuGroup = group
            f.parent = parent.flatMap { PCIAddress(sysfsName: $0) }
            return f
        }
        func port(_ a: String, bus: UInt8, group: Int?, acs: Bool) -> F {
            var p = fn(a, 0x8086, 0x2030, 0x060400, driver: "pcieport", group: group)
            p.secondary = bus; p.subordinate = bus
            p.capabilities = acs ? .rootPort : .powerManagement
            return p
        }
        let hostBridge = fn("0000:00:00.0", 0x8086, 0x2020, 0x060000, driver: nil, group: 0)

        // A server: root ports with ACS, each card alone in its group; a GPU with FLR (the
        // kernel's reset_method says so) and a NIC carrying the management network.
        var server = SysfsFixture()
        server.functions = [hostBridge, port("0000:00:01.0", bus: 1, group: 1, acs: true), port("0000:00:02.0", bus: 2, group: 2, acs: true)]
        var gpu = fn("0000:01:00.0", 0x10de, 0x1eb8, 0x030200, driver: "nvidia", group: 3, parent: "0000:00:01.0")
        gpu.capabilities = .expressEndpoint
        gpu.resetMethods = ["flr", "bus"]
        server.functions.append(gpu)
        var mgmt = fn("0000:02:00.0", 0x8086, 0x1521, 0x020000, driver: "igb", group: 4, parent: "0000:00:02.0")
        mgmt.capabilities = .expressEndpoint
        server.functions.append(mgmt)
        server.functions.append(fn("0000:00:17.0", 0x8086, 0xa182, 0x010601, driver: "ahci", group: 5))
        var serverRoot = HostRootFixture(pci: server)
        serverRoot.interfaces = [.init(device: PCIAddress(sysfsName: "0000:02:00.0")!, name: "eno1", routes: ["default"])]
        // The SATA controller holds nothing mounted, only the host's swap.
        serverRoot.swaps = [.init(controller: PCIAddress(sysfsName: "0000:00:17.0")!, name: "sdb2", mountPoint: nil)]

        // A consumer board: chipset root ports without ACS, so a multifunction chipset port
        // drags the onboard NIC into the group of the card behind its sibling.
        var consumer = SysfsFixture()
        var c0 = port("0000:00:1c.0", bus: 3, group: 7, acs: false); c0.multiFunction = true
        var c4 = port("0000:00:1c.4", bus: 4, group: 7, acs: false); c4.multiFunction = true
        consumer.functions = [
            hostBridge, c0, c4,
            fn("0000:03:00.0", 0x10ec, 0x8168, 0x020000, driver: "r8169", group: 7, parent: "0000:00:1c.0"),
        ]
        var card = fn("0000:04:00.0", 0x1b21, 0x2142, 0x0c0330, driver: "xhci_hcd", group: 7, parent: "0000:00:1c.4")
        card.capabilities = .expressEndpoint
        consumer.functions.append(card)
        var consumerRoot = HostRootFixture(pci: consumer)
        consumerRoot.interfaces = [.init(device: PCIAddress(sysfsName: "0000:03:00.0")!, name: "enp3s0", routes: ["default"])]

        // An SR-IOV NIC: the physical function with two virtual functions enabled.
        var sriov = SysfsFixture()
        sriov.functions = [hostBridge, port("0000:00:03.0", bus: 5, group: 8, acs: true)]
        var pf = fn("0000:05:00.0", 0x15b3, 0x1017, 0x020000, driver: "mlx5_core", group: 9, parent: "0000:00:03.0")
        pf.capabilities = .expressEndpoint
        sriov.functions.append(pf)
        for k in 0..<2 {
            var vf = fn("0000:05:00.\(k + 2)", 0x15b3, 0x1018, 0x020000, driver: k == 0 ? "mlx5_core" : nil, group: 10 + k, parent: "0000:00:03.0")
            vf.physicalFunction = pf.address
            vf.capabilities = .expressEndpoint
            vf.resetMethods = ["flr"]
            sriov.functions.append(vf)
        }
        let sriovRoot = HostRootFixture(pci: sriov)

        // A GPU whose first BAR holds the EFI framebuffer.
        var efi = SysfsFixture()
        efi.functions = [hostBridge, port("0000:00:01.0", bus: 1, group: 1, acs: true)]
        var boot = fn("0000:01:00.0", 0x1002, 0x73bf, 0x030000, driver: "amdgpu", group: 2, parent: "0000:00:01.0")
        boot.capabilities = .expressEndpoint
        boot.bars = [(0xd000_000c, 0x1000_0000), (0xfe90_0000, 0x4_0000)]
        boot.resetMethods = ["flr"]
        efi.functions.append(boot)
        var efiRoot = HostRootFixture(pci: efi)
        efiRoot.iomem = "00000000-00000fff : Reserved\nc0000000-dfffffff : PCI Bus 0000:00\n  d0000000-dfffffff : PCI Bus 0000:01\n    d0000000-d07e8fff : efifb\n"

        // Resets: a card whose only reset would be a bus reset, sharing its bus with a second
        // function (so the kernel offers none), and an AMD Polaris GPU that needs vendor-reset.
        var resets = SysfsFixture()
        resets.functions = [hostBridge, port("0000:00:01.0", bus: 6, group: 1, acs: true), port("0000:00:02.0", bus: 7, group: 2, acs: true)]
        for k in 0..<2 {
            var f = fn("0000:06:00.\(k)", 0x1131, 0x7160, 0x048000, driver: k == 0 ? "saa7164" : nil, group: 3, parent: "0000:00:01.0")
            f.multiFunction = true
            f.capabilities = .noSoftReset
            resets.functions.append(f)
        }
        var polaris = fn("0000:07:00.0", 0x1002, 0x67df, 0x030000, driver: "amdgpu", group: 4, parent: "0000:00:02.0")
        polaris.capabilities = .noSoftReset
        polaris.resetMethods = ["bus"]
        resets.functions.append(polaris)
        let resetsRoot = HostRootFixture(pci: resets)

        // No IOMMU: the desktop's tree without groups, on an AMD CPU.
        var noIOMMU = SysfsFixture.desktop(iommu: false)
        noIOMMU.cpuVendor = "AuthenticAMD"

        // An ACS override on the command line (Proxmox's kernels).
        var override = SysfsFixture.desktop()
        override.commandLine = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro intel_iommu=on pcie_acs_override=downstream,multifunction"

        return [
            ("desktop", SysfsFixture.desktop(), ["01:00.0", "00:17.0"]),
            ("server", serverRoot, ["01:00.0", "02:00.0", "00:17.0"]),
            ("consumer", consumerRoot, ["04:00.0"]),
            ("sriov", sriovRoot, ["05:00.0", "05:00.2"]),
            ("efifb", efiRoot, ["01:00.0"]),
            ("resets", resetsRoot, ["06:00.0", "07:00.0"]),
            ("no-iommu", noIOMMU, ["01:00.0"]),
            ("acs-override", override, ["01:00.0"]),
        ]
    }
}
