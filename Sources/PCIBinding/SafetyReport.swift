#if canImport(Glibc)
import Glibc
#endif
import PCIInventory
import PCIModel
import SystemIO

/// Another device a hide decision concerns: an IOMMU-group companion, a sibling function, a
/// device behind a bridge.
public struct RelatedDevice: Equatable, Sendable {
    public var address: PCIAddress
    public var driver: String?
    public var hidden: Bool
    public init(address: PCIAddress, driver: String?, hidden: Bool) {
        self.address = address; self.driver = driver; self.hidden = hidden
    }
}

/// What `pcihide check` reports for one device, and why `hide` would refuse or warn.
public struct DeviceSafety: Equatable, Sendable {
    public var address: PCIAddress
    public var classCode: UInt32?
    public var driver: String?
    public var iommuGroup: String?
    /// The other devices of its IOMMU group (VFIO takes a group whole).
    public var groupCompanions: [RelatedDevice] = []
    /// The other functions of its slot (SR-IOV virtual functions left out: each is handed over on its own).
    public var siblings: [RelatedDevice] = []
    public var isBridge = false
    /// Devices behind it, when it is a bridge: hiding it hides them too.
    public var behind: [RelatedDevice] = []
    public var isHostBridge = false
    public var isBootVGA = false
    /// Mount points whose block device is reached through this device (or a device behind it).
    public var mounts: [String] = []
    /// False when the mounts could not be traced to PCI devices (no block class directory).
    public var mountsTraced = true
    /// Its SR-IOV virtual functions (`virtfnN` links), when it is a physical function.
    public var virtualFunctions: [RelatedDevice] = []
    /// Its physical function (`physfn` link), when it is a virtual function.
    public var physicalFunction: RelatedDevice?

    /// What hiding it takes away without being refused: the virtual functions of a physical
    /// function exist only while its own driver runs (unbinding it disables SR-IOV, and hidden
    /// at boot it never enables them).
    public var cautions: [String] {
        guard !virtualFunctions.isEmpty else { return [] }
        let names = virtualFunctions.map { "\($0.address) (\($0.driver ?? "no driver"))" }.joined(separator: ", ")
        return ["it is the SR-IOV physical function of \(names): virtual functions go away when their physical function's driver is unbound and are not created while it is hidden; to give a guest part of the card, hide virtual functions instead"]
    }

    /// Reasons `hide` refuses this device unless --force.
    public var refusals: [String] {
        var r: [String] = []
        if isHostBridge { r.append("it is the host bridge") }
        if isBootVGA { r.append("it is the boot VGA device (boot_vga = 1), which drives the console") }
        if !mounts.isEmpty { r.append("it holds mounted file systems (\(mounts.joined(separator: ", ")))") }
        return r
    }

    /// Devices left behind unless they are hidden too: group companions and sibling functions
    /// not hidden yet.
    public var leftBehind: [RelatedDevice] {
        var out: [RelatedDevice] = []
        for d in groupCompanions + siblings where !d.hidden && !out.contains(where: { $0.address == d.address }) { out.append(d) }
        return out
    }
}

/// Inspects devices on a sysfs root for what makes handing them over unsafe.
public struct SafetyInspector {
    public let tree: SysfsTree
    /// /proc/mounts, or a file in its format.
    public let mountsFile: String
    /// /sys/class/block, or a directory in its layout; nil: mounts are not traced.
    public let blockClass: String?
    let isHidden: (PCIAddress) -> Bool
    let present: [PCIAddress]
    /// Each present device's real directory, for "behind a bridge" (a path prefix).
    let realPaths: [PCIAddress: String]
    /// Each mount point with the PCI devices its block device hangs from.
    let mountChains: [(mountPoint: String, devices: [PCIAddress])]

    /// `mounts`: `--mounts`, else `$PCIHIDE_MOUNTS`, else /proc/mounts. `blockClass`:
    /// `--block-class`, else `$PCIHIDE_BLOCK_CLASS`, else /sys/class/block when the sysfs root is
    /// the live /sys/bus/pci (this machine's mounts say nothing about another tree).
    /// `present`: the tree's addresses, as the caller has listed them.
    public init(tree: SysfsTree, present: [PCIAddress], mounts: String?, blockClass: String?, isHidden: @escaping (PCIAddress) -> Bool) {
        self.tree = tree
        self.mountsFile = mounts ?? Environment.get("PCIHIDE_MOUNTS") ?? "/proc/mounts"
        self.blockClass = blockClass ?? Environment.get("PCIHIDE_BLOCK_CLASS") ?? (tree.root == "/sys/bus/pci" ? "/sys/class/block" : nil)
        self.isHidden = isHidden
        self.present = present
        var paths: [PCIAddress: String] = [:]
        for a in present { paths[a] = Files.realPath(tree.path(a, "")) ?? tree.path(a, "") }
        realPaths = paths
        var chains: [(String, [PCIAddress])] = []
        if let blockClass = self.blockClass, let text = Files.readIfPresent(mountsFile) {
            for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count >= 2, fields[0].hasPrefix("/dev/") else { continue }
                let source = String(fields[0])
                let name = Files.realPath(source).map { Files.baseName($0) } ?? Files.baseName(source)
                let devices = Self.pciChain(blockClass + "/" + name, depth: 0)
                if !devices.isEmpty { chains.append((String(fields[1]), devices)) }
            }
        }
        mountChains = chains
    }

    public func inspect(_ a: PCIAddress) -> DeviceSafety {
        var s = DeviceSafety(address: a)
        s.classCode = tree.hexAttribute(a, "class")
        s.driver = tree.driver(a)
        let cls = (s.classCode ?? 0) >> 8
        s.isHostBridge = cls == 0x0600
        let header = headerType(a)
        s.isBridge = cls == 0x0604 || cls == 0x0607 || header == 1 || header == 2
        s.isBootVGA = tree.hexAttribute(a, "boot_vga") == 1
        if let group = Files.readLink(tree.path(a, "iommu_group")) {
            let groupDir = tree.path(a, "iommu_group")
            s.iommuGroup = Files.baseName(group)
            let members = (Files.list(groupDir + "/devices") ?? []).compactMap { PCIAddress(sysfsName: $0) }.sorted()
            s.groupCompanions = members.filter { $0 != a }.map(related)
        }
        s.siblings = present.filter { $0 != a && $0.domain == a.domain && $0.bus == a.bus && $0.device == a.device }.map(related)
        if s.isBridge, let mine = realPaths[a] {
            s.behind = present.filter { b in b != a && (realPaths[b]?.hasPrefix(mine + "/") ?? false) }.map(related)
        }
        s.virtualFunctions = virtualFunctions(of: a).map(related)
        if let pf = physicalFunction(of: a) { s.physicalFunction = related(pf) }
        // Virtual functions are not handed over together with the functions next to them:
        // each can go to another guest, and a physical function's own go away with its driver.
        if s.physicalFunction != nil {
            s.siblings = []
        } else if !s.virtualFunctions.isEmpty {
            s.siblings.removeAll { sibling in s.virtualFunctions.contains { $0.address == sibling.address } }
        }
        s.mountsTraced = blockClass != nil && Files.isDirectory(blockClass!)
        let holders = [a] + s.behind.map(\.address)
        s.mounts = mountChains.filter { m in m.devices.contains { holders.contains($0) } }.map(\.mountPoint)
        return s
    }

    func related(_ b: PCIAddress) -> RelatedDevice { RelatedDevice(address: b, driver: tree.driver(b), hidden: isHidden(b)) }

    func physicalFunction(of a: PCIAddress) -> PCIAddress? {
        Files.readLink(tree.path(a, "physfn")).flatMap { PCIAddress(sysfsName: Files.baseName($0)) }
    }

    /// The targets of the device's `virtfn0`, `virtfn1`, … links, in the kernel's VF order.
    func virtualFunctions(of a: PCIAddress) -> [PCIAddress] {
        let links = (Files.list(tree.path(a, "")) ?? []).compactMap { name -> (Int, String)? in
            guard name.hasPrefix("virtfn"), let n = Int(name.dropFirst(6)) else { return nil }
            return (n, name)
        }.sorted { $0.0 < $1.0 }
        return links.compactMap { Files.readLink(tree.path(a, $0.1)).flatMap { PCIAddress(sysfsName: Files.baseName($0)) } }
    }

    func headerType(_ a: PCIAddress) -> UInt8? {
        guard let c = Files.readIfPresent(tree.path(a, "config")), c.count > 0x0e else { return nil }
        return c[0x0e] & 0x7f
    }

    /// The PCI devices in a block device's real path; for device-mapper and md devices, those of
    /// the devices under it (`slaves/`).
    static func pciChain(_ blockPath: String, depth: Int) -> [PCIAddress] {
        guard depth < 8, let real = Files.realPath(blockPath) else { return [] }
        var out = real.split(separator: "/").compactMap { PCIAddress(sysfsName: String($0)) }
        for slave in Files.list(real + "/slaves") ?? [] {
            out += pciChain(real + "/slaves/" + slave, depth: depth + 1)
        }
        return out
    }
}
