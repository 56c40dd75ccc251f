import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// Builds sysfs PCI trees for tests and benchmarks: the layout the kernel exports under
/// /sys/bus/pci (devices/ as links into a nested hierarchy that gives the topology), with the
/// attributes libpci reads. Deterministic for a seed.
public struct SysfsFixture {
    public struct Function {
        public var address: PCIAddress
        public var vendor: UInt16
        public var device: UInt16
        /// Class, subclass, prog-if: 0x020000.
        public var classCode: UInt32
        public var revision: UInt8
        public var subsystem: PCIIds?
        /// For bridges: secondary and subordinate bus.
        public var secondary: UInt8?
        public var subordinate: UInt8?
        public var multiFunction = false
        public var irq: Int = 0
        public var driver: String?
        public var iommuGroup: Int?
        /// BAR values (as in config space) and sizes.
        public var bars: [(UInt32, UInt64)] = []
        public var parent: PCIAddress?
        public var bootVGA = false
        /// Config bytes to write instead of the generated ones.
        public var rawConfig: [UInt8]?
        /// For an SR-IOV virtual function: its physical function (`physfn`; the PF gets `virtfnN`).
        public var physicalFunction: PCIAddress?
        /// The capability list its config space carries.
        public var capabilities = CapabilityLayout.powerManagement
        /// The kernel's `reset_method` list (nil: no such file, as before Linux 5.15).
        public var resetMethods: [String]?

        public init(address: PCIAddress, vendor: UInt16, device: UInt16, classCode: UInt32, revision: UInt8 = 0) {
            self.address = address; self.vendor = vendor; self.device = device
            self.classCode = classCode; self.revision = revision
        }

        public var isBridge: Bool { secondary != nil }

        /// A bridge's forwarding windows (I/O, memory, 64-bit prefetchable) as first and last
        /// address, nil where closed: each bridge opens some, from its secondary bus number.
        public var windows: (io: (UInt64, UInt64)?, memory: (UInt64, UInt64)?, prefetchable: (UInt64, UInt64)?) {
            guard let secondary else { return (nil, nil, nil) }
            let bus = UInt64(secondary)
            let io: (UInt64, UInt64)? = bus < 16 && bus % 3 != 2 ? (bus << 12, (bus << 12) + 0xfff) : nil
            let memory: (UInt64, UInt64)? = bus % 5 == 4 ? nil : (0xc000_0000 + (bus << 20), 0xc000_0000 + (bus << 20) + 0xf_ffff)
            let prefetchable: (UInt64, UInt64)? = bus % 2 == 0 ? (0x40_0000_0000 + (bus << 24), 0x40_0000_0000 + (bus << 24) + 0xff_ffff) : nil
            return (io, memory, prefetchable)
        }

        /// The `numa_node` file: absent (before Linux 2.6.22), -1 (no NUMA) or a node, by bus.
        public var numaNode: Int? {
            switch address.bus % 4 {
            case 0: return nil
            case 1: return -1
            default: return Int(address.bus % 4) - 2
            }
        }

        /// 256 bytes of config space consistent with the attributes (4096 when its capabilities
        /// include extended ones).
        public var config: [UInt8] {
            var c = [UInt8](repeating: 0, count: 256)
            func put16(_ o: Int, _ v: UInt16) { c[o] = UInt8(v & 0xff); c[o + 1] = UInt8(v >> 8) }
            func put32(_ o: Int, _ v: UInt32) { for k in 0..<4 { c[o + k] = UInt8((v >> (8 * UInt32(k))) & 0xff) } }
            put16(0, vendor); put16(2, device)
            put16(4, 0x0007); put16(6, 0x0010)
            c[8] = revision
            c[9] = UInt8(classCode & 0xff); c[10] = UInt8((classCode >> 8) & 0xff); c[11] = UInt8(classCode >> 16)
            c[0x0c] = 0x10; c[0x0d] = 0x40
            c[0x0e] = (isBridge ? 1 : 0) | (multiFunction ? 0x80 : 0)
            if isBridge {
                c[0x18] = address.bus; c[0x19] = secondary!; c[0x1a] = subordinate!
                // Base above limit closes a window; the low bits say 32-bit I/O, 64-bit prefetchable.
                let w = windows
                let io = w.io ?? (0xf000, 0x0fff)
                c[0x1c] = UInt8((io.0 >> 8) & 0xf0) | 1; c[0x1d] = UInt8((io.1 >> 8) & 0xf0) | 1
                let memory = w.memory ?? (0xfff0_0000, 0x000f_ffff)
                put16(0x20, UInt16((memory.0 >> 16) & 0xfff0)); put16(0x22, UInt16((memory.1 >> 16) & 0xfff0))
                let prefetchable = w.prefetchable ?? (0xfff0_0000, 0x000f_ffff)
                put16(0x24, UInt16((prefetchable.0 >> 16) & 0xfff0) | 1); put16(0x26, UInt16((prefetchable.1 >> 16) & 0xfff0) | 1)
                put32(0x28, UInt32(prefetchable.0 >> 32)); put32(0x2c, UInt32(prefetchable.1 >> 32))
            } else {
                for (k, bar) in bars.prefix(6).enumerated() { put32(0x10 + 4 * k, bar.0) }
                if let s = subsystem { put16(0x2c, s.vendor); put16(0x2e, s.device) }
                // The kernel may route a function's interrupt elsewhere than the line firmware
                // wrote (sysfs irq against config 0x3c): lspci -b shows the latter.
                c[0x3c] = UInt8(truncatingIfNeeded: irq == 0 || address.function != 2 ? irq : irq + 100); c[0x3d] = irq == 0 ? 0 : 1
                c[0x3e] = 8; c[0x3f] = 56
            }
            capabilities.write(into: &c, vendor: vendor)
            return c
        }
    }

    public var functions: [Function] = []

    public init() {}

    /// A tree of about `count` functions: root ports and bridges with buses behind them,
    /// multi-function devices, SR-IOV virtual functions (with `physfn`/`virtfnN` links, and
    /// config ids reading ffff as real VFs' do), known and unknown ids.
    public static func generate(count: Int, seed: UInt64 = 1) -> SysfsFixture {
        var rng = SplitMix(seed: seed)
        var f = SysfsFixture()
        // Known ids (they have names in pci.ids) and unknown ones (lspci prints "Device xxxx").
        let catalogue: [(UInt16, UInt16, UInt32)] = [
            (0x8086, 0x1229, 0x020000), (0x8086, 0x10d3, 0x020000), (0x10de, 0x1b81, 0x030000),
            (0x10de, 0x10f0, 0x040300), (0x1af4, 0x1041, 0x020000), (0x1af4, 0x1042, 0x010000),
            (0x8086, 0x2922, 0x010601), (0x1b36, 0x000d, 0x0c0330), (0x15b3, 0x1017, 0x020000),
            (0x1234, 0x1111, 0x030000), (0xfeed, 0xbeef, 0x118000), (0x8086, 0xfffe, 0xff0000),
        ]
        var group = 1
        // Each PCI domain (segment) has a host bridge and up to 254 buses; a tree that needs
        // more goes on in the next domain.
        var domain: UInt32 = 0
        while f.functions.count < count {
            f.functions.append(Function(address: PCIAddress(domain: domain, bus: 0, device: 0, function: 0), vendor: 0x8086, device: 0x1237, classCode: 0x060000, revision: 2))
            var nextBus: UInt8 = 1
            var slot: UInt8 = 1
            var ports = 0
            while f.functions.count < count && nextBus < 0xff {
                // A root port on bus 0 with a bus behind it: slots 01-1f, then their functions 1-7
                // (multi-function root ports, as 00:1c.0-7 on many chipsets).
                let port = PCIAddress(domain: domain, bus: 0, device: UInt8(1 + ports % 31), function: UInt8(ports / 31))
                ports += 1
                slot = slot == 0x1f ? 1 : slot + 1
                let bus = nextBus
                nextBus &+= 1
                var bridge = Function(address: port, vendor: 0x8086, device: 0x7c10 + UInt16(slot), classCode: 0x060400, revision: 0x11)
                bridge.secondary = bus
                bridge.subordinate = bus
                bridge.driver = "pcieport"
                bridge.iommuGroup = group
                bridge.capabilities = .rootPort
                group += 1
                let bridgeIndex = f.functions.count
                f.functions.append(bridge)
                // Devices behind it: up to 32 slots, some multi-function, some with VFs.
                let devices = Int(rng.next() % 32) + 1
                for d in 0..<devices where f.functions.count < count {
                    let pick = catalogue[Int(rng.next() % UInt64(catalogue.count))]
                    let functions = rng.next() % 4 == 0 ? Int(rng.next() % 8) + 1 : 1
                    for fn in 0..<functions where f.functions.count < count {
                        var dev = Function(
                            address: PCIAddress(domain: domain, bus: bus, device: UInt8(d), function: UInt8(fn)),
                            vendor: pick.0, device: pick.1 + (fn > 0 && rng.next() % 2 == 0 ? 1 : 0),
                            classCode: pick.2, revision: UInt8(rng.next() % 3 == 0 ? 0 : rng.next() % 0x20))
                        dev.multiFunction = functions > 1
                        dev.subsystem = rng.next() % 3 == 0 ? nil : PCIIds(vendor: pick.0, device: UInt16(truncatingIfNeeded: rng.next()))
                        dev.irq = Int(rng.next() % 40) + 16
                        dev.driver = rng.next() % 2 == 0 ? nil : ["e1000e", "nvidia", "virtio-pci", "ahci", "mlx5_core"][Int(rng.next() % 5)]
                        dev.iommuGroup = group
                        dev.bars = [(0xc010_0000 + UInt32(f.functions.count) << 12, 4096), (0x2001 + UInt32(fn) << 6, 64)]
                        // Every fifth function (by position) has a 64-bit prefetchable BAR above 4 GiB as well.
                        if f.functions.count % 5 == 2 { dev.bars += [(0x0000_000c | UInt32(f.functions.count & 0xfff) << 20, 1 << 20), (0x60, 0)] }
                        dev.parent = port
                        // Capability lists by position (no draw from rng, so a seed's tree stays).
                        let layouts = CapabilityLayout.allCases.filter { $0 != .rootPort && $0 != .switchPort && $0 != .noSoftReset }
                        dev.capabilities = layouts[(Int(bus) * 7 + d * 3 + fn) % layouts.count]
                        f.functions.append(dev)
                        // A ConnectX-5 alone in its slot, on a bus with room, has SR-IOV virtual
                        // functions at slot 0x10 + d (decided without drawing from rng, so that the
                        // rest of the tree stays as it was for a seed).
                        if pick.0 == 0x15b3 && functions == 1 && devices <= 16 {
                            f.functions[f.functions.count - 1].driver = "mlx5_core"
                            for v in 0..<(1 + d % 4) where f.functions.count < count {
                                var vf = Function(
                                    address: PCIAddress(domain: domain, bus: bus, device: UInt8(0x10 + d), function: UInt8(v)),
                                    vendor: pick.0, device: pick.1 + 1, classCode: pick.2, revision: dev.revision)
                                vf.subsystem = dev.subsystem
                                vf.driver = "mlx5_core"
                                vf.iommuGroup = group + 1 + v
                                vf.parent = port
                                vf.physicalFunction = dev.address
                                // A VF's own config space reads ffff for its ids; the kernel's
                                // vendor and device files give the real ones.
                                var config = vf.config
                                for k in 0..<4 { config[k] = 0xff }
                                vf.rawConfig = config
                                f.functions.append(vf)
                            }
                            group += 4
                        }
                    }
                    group += 1
                }
                // Deeper: sometimes a switch (bridge behind the port) with one more bus.
                if rng.next() % 5 == 0 && f.functions.count < count && nextBus < 0xff {
                    let up = PCIAddress(domain: domain, bus: bus, device: 0x1f, function: 0)
                    if !f.functions.contains(where: { $0.address == up }) {
                        var sw = Function(address: up, vendor: 0x10b5, device: 0x8747, classCode: 0x060400, revision: 0xca)
                        sw.secondary = nextBus
                        sw.subordinate = nextBus
                        sw.parent = port
                        sw.capabilities = .switchPort
                        f.functions.append(sw)
                        f.functions[bridgeIndex].subordinate = nextBus
                        var leaf = Function(address: PCIAddress(domain: domain, bus: nextBus, device: 0, function: 0), vendor: 0x8086, device: 0x1229, classCode: 0x020000, revision: 8)
                        leaf.parent = up
                        leaf.irq = 21
                        f.functions.append(leaf)
                        nextBus &+= 1
                    }
                }
            }
            domain += 1
        }
        // Root ports sharing a slot make it a multi-function device.
        var functionsOfSlot: [PCISlot: Int] = [:]
        for fn in f.functions where fn.address.bus == 0 { functionsOfSlot[fn.address.slot, default: 0] += 1 }
        for i in f.functions.indices where f.functions[i].isBridge && f.functions[i].address.bus == 0 {
            f.functions[i].multiFunction = functionsOfSlot[f.functions[i].address.slot, default: 0] > 1
        }
        return f
    }

    /// Writes the tree under `root` (which becomes a sysfs PCI root: `root/devices/…`).
    /// A Vital Product Data image as cards carry it: the product name, read-only fields (text,
    /// binary, a backslash and a control character, the checksum), a read-write area and the end
    /// tag; `truncated` leaves the end tag out, as a card whose VPD runs off its EEPROM.
    static func vitalProductData(truncated: Bool) -> [UInt8] {
        var v: [UInt8] = []
        func large(_ tag: UInt8, _ body: [UInt8]) { v += [tag, UInt8(body.count & 0xff), UInt8(body.count >> 8)] + body }
        func field(_ id: String, _ body: [UInt8]) -> [UInt8] { Array(id.utf8) + [UInt8(body.count)] + body }
        large(0x82, Array("Generated Adapter \\ 10GbE".utf8))
        let readOnly =
            field("PN", Array("PH-0001\u{7}".utf8)) + field("SN", Array("SN12345\0".utf8))
            + field("CP", [0x01, 0x10, 0x00, 0x02]) + field("V1", Array("vendor".utf8)) + field("ZZ", Array("x".utf8))
            + field("RV", [0, 0, 0])
        large(0x90, readOnly)
        // RV's first byte is the checksum: every byte up to and including it sums to zero.
        let checksumAt = v.count - 3
        v[checksumAt] = 0 &- v[..<checksumAt].reduce(0, &+)
        large(0x91, field("RW", [UInt8](repeating: 0, count: 5)))
        if !truncated { v.append(0x78) }
        return v
    }

    public func write(to root: String) throws(Failure) {
        try Files.makeDirectories(root + "/devices")
        try Files.makeDirectories(root + "/drivers")
        var paths: [PCIAddress: String] = [:]
        var byAddress: [PCIAddress: Function] = [:]
        for fn in functions { byAddress[fn.address] = fn }
        func hwPath(_ fn: Function) -> String {
            if let p = paths[fn.address] { return p }
            let base: String
            if let parent = fn.parent, let pf = byAddress[parent] {
                base = hwPath(pf)
            } else {
                base = root + "/hw/pci" + hex(fn.address.domain, 4) + ":" + hex(fn.address.bus, 2)
            }
            return base + "/" + fn.address.description
        }
        for fn in functions { paths[fn.address] = hwPath(fn) }
        for fn in functions {
            let dir = paths[fn.address]!
            try Files.makeDirectories(dir)
            func attr(_ name: String, _ text: String) throws(Failure) {
                try writeTestFile(dir + "/" + name, Array(text.utf8))
            }
            try attr("vendor", "0x" + hex(fn.vendor, 4) + "\n")
            try attr("device", "0x" + hex(fn.device, 4) + "\n")
            try attr("class", "0x" + hex(fn.classCode, 6) + "\n")
            try attr("revision", "0x" + hex(fn.revision, 2) + "\n")
            if let s = fn.subsystem {
                try attr("subsystem_vendor", "0x" + hex(s.vendor, 4) + "\n")
                try attr("subsystem_device", "0x" + hex(s.device, 4) + "\n")
            }
            try attr("irq", String(fn.irq) + "\n")
            try writeTestFile(dir + "/config", fn.rawConfig ?? fn.config)
            var resource = ""
            for k in 0..<13 {
                if k < fn.bars.count, !fn.isBridge, fn.bars[k].1 > 0 {
                    let (bar, size) = fn.bars[k]
                    let io = bar & 1 == 1
                    // A 64-bit BAR whose next register is listed with size 0 holds the upper half there
                    // (that register's own line stays empty).
                    let wide = !io && bar & 6 == 4 && k + 1 < fn.bars.count && fn.bars[k + 1].1 == 0
                    let start = UInt64(io ? bar & ~3 : bar & ~0xf) | (wide ? UInt64(fn.bars[k + 1].0) << 32 : 0)
                    let flags: UInt64 = io ? 0x40101 : wide ? 0x14220c : 0x40200
                    resource += "0x" + hex(start, 16) + " 0x" + hex(start + size - 1, 16) + " 0x" + hex(flags, 16) + "\n"
                } else {
                    resource += "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
                }
            }
            // A bridge's windows follow the IOV lines (17 lines, as a kernel with CONFIG_PCI_IOV writes).
            if fn.isBridge {
                let w = fn.windows
                for (window, flags) in [(w.io, 0x101), (w.memory, 0x200), (w.prefetchable, 0x102201), (nil, 0)] as [((UInt64, UInt64)?, UInt64)] {
                    let (start, end) = window ?? (0, 0)
                    resource += "0x" + hex(start, 16) + " 0x" + hex(end, 16) + " 0x" + hex(window == nil ? 0 : flags, 16) + "\n"
                }
            }
            try attr("resource", resource)
            if let node = fn.numaNode { try attr("numa_node", String(node) + "\n") }
            try attr("driver_override", "(null)\n")
            // The kernel's modalias, and a firmware label (lspci's DeviceName) on some functions 0.
            let sub = fn.subsystem ?? PCIIds(vendor: 0, device: 0)
            try attr(
                "modalias",
                "pci:v0000" + hex(fn.vendor, 4).uppercased() + "d0000" + hex(fn.device, 4).uppercased()
                    + "sv0000" + hex(sub.vendor, 4).uppercased() + "sd0000" + hex(sub.device, 4).uppercased()
                    + "bc" + hex(fn.classCode >> 16, 2).uppercased() + "sc" + hex((fn.classCode >> 8) & 0xff, 2).uppercased()
                    + "i" + hex(fn.classCode & 0xff, 2).uppercased() + "\n")
            if fn.address.function == 0 && fn.address.device % 5 == 1 { try attr("label", " Onboard Device \(fn.address.bus)\n") }
            if fn.capabilities == .legacy { try writeTestFile(dir + "/vpd", Self.vitalProductData(truncated: fn.address.function & 1 == 1)) }
            if let methods = fn.resetMethods { try attr("reset_method", methods.joined(separator: " ") + "\n") }
            if fn.bootVGA { try attr("boot_vga", "1\n") }
            if let drv = fn.driver {
                try Files.makeDirectories(root + "/drivers/" + drv)
                link(root + "/drivers/" + drv, at: dir + "/driver")
            }
            if let g = fn.iommuGroup {
                let gdir = root + "/iommu_groups/" + String(g)
                try Files.makeDirectories(gdir + "/devices")
                link(gdir, at: dir + "/iommu_group")
                link(dir, at: gdir + "/devices/" + fn.address.description)
            }
            link(dir, at: root + "/devices/" + fn.address.description)
        }
        // SR-IOV links, once every function's directory exists.
        var virtfns: [PCIAddress: Int] = [:]
        for fn in functions {
            guard let pf = fn.physicalFunction, let pfDir = paths[pf] else { continue }
            let n = virtfns[pf, default: 0]
            virtfns[pf] = n + 1
            link(pfDir, at: paths[fn.address]! + "/physfn")
            link(paths[fn.address]!, at: pfDir + "/virtfn" + String(n))
        }
        for (pf, n) in virtfns {
            try writeTestFile(paths[pf]! + "/sriov_totalvfs", Array("8\n".utf8))
            try writeTestFile(paths[pf]! + "/sriov_numvfs", Array("\(n)\n".utf8))
        }
    }
}

/// A relative symbolic link, as sysfs has them (libpci resolves `driver` relative to the device).
/// Writes a file of a generated tree: a plain write, without the temporary file and fsyncs of
/// `Files.writeAtomically` (a tree of 4096 functions has 40,000 files, and is thrown away).
func writeTestFile(_ path: String, _ bytes: [UInt8]) throws(Failure) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw Failure(.cannotCreate, "cannot write \(path): \(Files.errorText(errno))") }
    defer { close(fd) }
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard n == bytes.count else { throw Failure(.ioError, "cannot write \(path): \(Files.errorText(errno))") }
}

func link(_ target: String, at path: String) {
    let from = Files.directoryName(path).split(separator: "/")
    let to = target.split(separator: "/")
    var common = 0
    while common < from.count && common < to.count && from[common] == to[common] { common += 1 }
    let rel = Array(repeating: "..", count: from.count - common) + to[common...].map(String.init)
    symlink(rel.joined(separator: "/"), path)
}

/// A small, fast, seedable generator (SplitMix64).
public struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
