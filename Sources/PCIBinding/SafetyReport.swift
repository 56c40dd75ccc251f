import PCIInventory
import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// Another device a hide decision concerns: an IOMMU-group companion, a sibling function, a
/// device behind a bridge.
public struct RelatedDevice: Equatable, Sendable {
    public var address: PCIAddress
    public var driver: String?
    public var hidden: Bool
    /// A bridge (host, PCI-to-PCI, CardBus): it stays with the host, never a companion.
    public var isBridge: Bool
    public init(address: PCIAddress, driver: String?, hidden: Bool, isBridge: Bool = false) {
        self.address = address; self.driver = driver; self.hidden = hidden; self.isBridge = isBridge
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
    /// How each of its mounts reaches it: `/mnt ← btrfs pool ← vdc ← 0000:05:00.0`.
    public var holderChains: [String] = []
    /// Mounts and swap areas of the host that could not be traced to any device: any of them
    /// might hang from this one (`could not trace SOURCE mounted at MOUNTPOINT (why)`).
    public var untracedHolders: [String] = []
    /// Its SR-IOV virtual functions (`virtfnN` links), when it is a physical function.
    public var virtualFunctions: [RelatedDevice] = []
    /// Its physical function (`physfn` link), when it is a virtual function.
    public var physicalFunction: RelatedDevice?

    /// What hiding it takes away without being refused: the virtual functions of a physical
    /// function exist only while its own driver runs (unbinding it disables SR-IOV, and hidden
    /// at boot it never enables them).
    public var cautions: [String] {
        var out: [String] = []
        // The uplink of a bridge or bond the host has no address on: only guests use it, so it
        // may go, but they lose their way out.
        for i in interfaces where !i.inUse {
            if let master = i.master { out.append("its interface \(i.name) is a port of \(master), which the host has no address on: guests attached to \(master) lose this uplink when it is hidden") }
        }
        guard !virtualFunctions.isEmpty else { return out }
        let names = virtualFunctions.map { "\($0.address) (\($0.driver ?? "no driver"))" }.joined(separator: ", ")
        return out + ["it is the SR-IOV physical function of \(names): virtual functions go away when their physical function's driver is unbound and are not created while it is hidden; to give a guest part of the card, hide virtual functions instead"]
    }

    /// Network interfaces that hang from it (or from a device behind it).
    public var interfaces: [HostInterface] = []
    /// False when the network interfaces could not be read for this tree.
    public var networkTraced = true
    /// False when no device of the tree has an IOMMU group: no IOMMU is active (or, in a Xen
    /// PV dom0, the hypervisor's is not shown to the kernel).
    public var iommuActive = true
    /// On a Xen dom0: what Xen says of the IOMMU it owns.
    public var xenIOMMU: XenIOMMU?
    /// The devices behind a bridge that could be hidden instead of it (endpoints, not bridges).
    public var hideableBehind: [RelatedDevice] {
        behind.filter { !$0.isBridge }
    }

    /// Reasons `hide` refuses this device unless --force: what the host cannot live without.
    /// The same reasons refuse it as a group companion, a sibling or a wildcard match.
    public var refusals: [String] {
        var r: [String] = []
        let cls = classCode.map { UInt16(truncatingIfNeeded: $0 >> 8) }
        if isHostBridge {
            r.append("it is the host bridge")
        } else if cls == PCIClass.isaBridge {
            r.append("it is the ISA/LPC bridge, from which the platform's keyboard controller, TPM and firmware interfaces hang")
        } else if isBridge {
            let instead = hideableBehind.map(\.address.description)
            r.append(
                "it is a bridge (class \(cls.map { hex($0, 4) } ?? "????")), and bridges stay with the host (a guest never receives one; VFIO leaves them on pcieport)"
                    + (instead.isEmpty ? "; nothing that could be hidden is behind it" : "; hide the devices behind it instead: " + instead.joined(separator: ", ")))
        }
        if cls == PCIClass.iommu { r.append("it is the IOMMU") }
        if isBootVGA { r.append("it is the boot VGA device (boot_vga = 1), which drives the console") }
        let fileSystems = mounts.filter { !$0.hasPrefix("swap on ") }, swap = mounts.filter { $0.hasPrefix("swap on ") }
        if !fileSystems.isEmpty { r.append("it holds mounted file systems (\(fileSystems.joined(separator: ", ")))") }
        if !swap.isEmpty { r.append("it holds the host's swap (\(swap.map { String($0.dropFirst(8)) }.joined(separator: ", ")))") }
        let used = interfaces.filter(\.inUse)
        if !used.isEmpty { r.append("it carries the host's network: " + used.map(\.summary).joined(separator: ", ")) }
        return r
    }

    /// What could not be checked, so that no verdict calls the device safe by default.
    public var unchecked: [String] {
        var u: [String] = []
        if !mountsTraced { u.append("mounted file systems (no block-device class directory for this tree: give --root DIR or --block-class DIR)") }
        if !networkTraced { u.append("network interfaces (no /sys/class/net and /proc/net/route for this tree: give --root DIR)") }
        return u
    }

    /// Devices left behind unless they are hidden too: group companions and sibling functions
    /// not hidden yet. Bridges are never among them: they stay with the host.
    public var leftBehind: [RelatedDevice] {
        var out: [RelatedDevice] = []
        // The kernel's IOMMU group is the unit when there is one; slot siblings only stand in
        // for it where there is none (no IOMMU, or a Xen dom0).
        for d in groupCompanions + (iommuGroup == nil ? siblings : []) where !d.hidden && !d.isBridge && !out.contains(where: { $0.address == d.address }) { out.append(d) }
        return out
    }
}

/// Where the safety inspector reads what holds a device, resolved under the host root.
public struct SafetySources: Sendable {
    /// /proc/mounts, or a file in its format.
    public var mounts: String
    /// /sys/class/block, or a directory in its layout; nil: mounts are not traced.
    public var blockClass: String?
    /// /sys/class/net; nil: network interfaces are not traced.
    public var netClass: String?
    public var routes: String
    public var inet6: String
    /// The host root, for the /dev paths the mount table names ("" on this machine).
    public var devPrefix: String

    /// /proc/swaps, or a file in its format; nil: swap is not traced.
    public var swaps: String?
    /// The host's /sys and /run/udev/data, for btrfs members, ZFS pools and devices named by
    /// major:minor.
    public var sys: String = HostRoot.Place.sys
    public var udevData: String = "/run/udev/data"
    /// The tree is the host root's own PCI tree: its block devices, interfaces and hypervisor
    /// speak for it.
    public var ownTree = true

    public init(mounts: String, blockClass: String?, netClass: String?, routes: String, inet6: String, devPrefix: String = "", swaps: String? = nil) {
        self.mounts = mounts; self.blockClass = blockClass; self.netClass = netClass; self.swaps = swaps
        self.routes = routes; self.inet6 = inet6; self.devPrefix = devPrefix
    }

    /// The host's mountinfo, which gives each mount's major:minor so that /dev/root and sources
    /// outside /dev resolve; else its proc/mounts.
    public static func defaultMounts(_ host: HostRoot) -> String {
        Files.exists(host.mountInfoFile) ? host.mountInfoFile : host.mountsFile
    }

    /// Everything under a host root whose sysfs PCI tree is `tree`: when the tree is not the
    /// root's own (`--sysfs` elsewhere), block devices and interfaces are not traced, since the
    /// root's say nothing about another tree.
    public static func under(_ host: HostRoot, tree: SysfsTree, mounts: String, blockClass: String?) -> SafetySources {
        let own = tree.root == host.pciBusDirectory
        var s = SafetySources(
            mounts: mounts, blockClass: blockClass ?? (own ? host.blockClassDirectory : nil),
            netClass: own ? host.netClassDirectory : nil,
            routes: host.routesFile, inet6: host.inet6File, devPrefix: host.prefix,
            swaps: host.swapsFile)
        s.sys = host.sysDirectory; s.udevData = host.udevDataDirectory; s.ownTree = own
        return s
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
    /// The mounts and swap areas traced to PCI devices.
    let traced: [StorageHolder]
    /// Mounts and swap areas that could not be traced (fail closed: each concerns every device).
    public let untracedHolders: [String]
    let network: NetworkHolders
    /// Some device of the tree has an IOMMU group (the kernel's own IOMMU is on).
    public let kernelIOMMU: Bool
    /// On a Xen dom0, what Xen says of its IOMMU (set by the caller, which may run xl).
    public var xen: XenIOMMU?
    /// Passthrough is protected by an IOMMU: Xen's on a dom0, else the kernel's.
    public var iommuActive: Bool { xen.map(\.isOn) ?? kernelIOMMU }

    /// `sources`: where mounts, block devices and network interfaces are read (resolved under
    /// the host root by the caller). `present`: the tree's addresses, as the caller has listed them.
    public init(tree: SysfsTree, present: [PCIAddress], sources: SafetySources, isHidden: @escaping (PCIAddress) -> Bool) {
        self.tree = tree
        self.mountsFile = sources.mounts
        self.blockClass = sources.blockClass
        self.isHidden = isHidden
        self.present = present
        var paths: [PCIAddress: String] = [:]
        for a in present { paths[a] = tree.canonicalPath(a) ?? tree.deviceDirectory(a) }
        realPaths = paths
        var holders: [StorageHolder] = []
        if let blockClass = self.blockClass, let text = Files.readIfPresent(mountsFile) {
            let tracer = StorageTracer(
                paths: .init(
                    blockClass: blockClass, sys: sources.sys, udevData: sources.udevData,
                    netClass: sources.netClass, routes: sources.routes, devPrefix: sources.devPrefix))
            holders = tracer.trace(
                mountTable: String(decoding: text, as: UTF8.self),
                swaps: sources.swaps.flatMap(Files.readIfPresent).map { String(decoding: $0, as: UTF8.self) })
        }
        traced = holders.filter { $0.untraced == nil && !$0.devices.isEmpty }
        untracedHolders = holders.compactMap(\.untracedMessage)
        network = NetworkHolders(netClass: sources.netClass, routeFile: sources.routes, inet6File: sources.inet6)
        kernelIOMMU = present.contains { tree.iommuGroup($0) != nil }
    }

    public func inspect(_ a: PCIAddress) -> DeviceSafety {
        var s = DeviceSafety(address: a)
        s.classCode = tree.hexAttribute(a, "class")
        s.driver = tree.driver(a)
        let cls = UInt16(truncatingIfNeeded: (s.classCode ?? 0) >> 8)
        s.isHostBridge = cls == PCIClass.hostBridge
        s.isBridge = PCIClass.isBridge(cls, headerType: headerType(a))
        s.isBootVGA = tree.hexAttribute(a, "boot_vga") == 1
        if let group = tree.iommuGroup(a) {
            s.iommuGroup = group
            let members = tree.iommuGroupMembers(a)
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
        } else {
            // Another physical function's VFs share slots with it too: never companions.
            s.siblings.removeAll { sibling in physicalFunction(of: sibling.address) != nil }
        }
        s.mountsTraced = blockClass != nil && Files.isDirectory(blockClass!)
        let holders = [a] + s.behind.map(\.address)
        let held = traced.filter { m in m.devices.contains { holders.contains($0) } }
        for m in held where !s.mounts.contains(m.mountPoint) { s.mounts.append(m.mountPoint) }
        s.holderChains = held.map { $0.chain.joined(separator: " ← ") }
        s.untracedHolders = untracedHolders
        s.interfaces = holders.flatMap { network.interfaces[$0] ?? [] }
        s.networkTraced = network.traced
        s.iommuActive = iommuActive
        s.xenIOMMU = xen
        return s
    }

    public func related(_ b: PCIAddress) -> RelatedDevice {
        RelatedDevice(address: b, driver: tree.driver(b), hidden: isHidden(b), isBridge: isBridge(b))
    }

    /// The host bridge or a bridge to another bus (by class or header type): never a companion.
    public func isBridge(_ a: PCIAddress) -> Bool { tree.isBridge(a) }

    func physicalFunction(of a: PCIAddress) -> PCIAddress? {
        tree.physicalFunction(a)
    }

    /// The targets of the device's `virtfn0`, `virtfn1`, … links, in the kernel's VF order.
    func virtualFunctions(of a: PCIAddress) -> [PCIAddress] {
        tree.virtualFunctions(a)
    }

    func headerType(_ a: PCIAddress) -> UInt8? { tree.headerType(a) }
}

extension SafetyInspector {
    /// The inspector for a host root: `mounts` the mount table the user named (nil: the host's
    /// mountinfo, which gives each mount's major:minor so that /dev/root and sources outside /dev
    /// resolve, else its proc/mounts); `blockClass` a block class the user named. A dom0 sees
    /// no IOMMU groups: Xen, whose IOMMU it is, is asked (only when the tree is the root's own).
    public static func forHost(
        _ host: HostRoot, tree: SysfsTree, present: [PCIAddress], isHidden: @escaping (PCIAddress) -> Bool,
        mounts: String?, blockClass: String?
    ) -> SafetyInspector {
        let sources = SafetySources.under(host, tree: tree, mounts: mounts ?? SafetySources.defaultMounts(host), blockClass: blockClass)
        var inspector = SafetyInspector(tree: tree, present: present, sources: sources, isHidden: isHidden)
        if sources.ownTree { inspector.xen = XenIOMMU.read(host) }
        return inspector
    }
}
