import PCIInventory
import PCIModel
import PCIReadiness
import PCIState
import SystemIO

/// Another function of an exported device's IOMMU group, as a cluster manager finds it at
/// guest start (Proxmox binds the whole group, KubeVirt counts one device per group).
public struct GroupMate: Equatable, Sendable {
    public var address: PCIAddress
    public var driver: String?
    public var hidden: Bool
    public var isBridge: Bool
}

/// One device pcihide hides, with the facts every export format draws from: the identity
/// recorded at hide time (what the cluster is told) and what sysfs says now (what the node has).
public struct FleetDevice: Equatable, Sendable {
    public var address: PCIAddress
    /// The hidden-set entry that covers it (an address, or a wildcard).
    public var entry: DeviceSelection
    public var recorded: DeviceIdentity?
    public var now: DeviceIdentity?
    public var driver: String?
    public var iommuGroup: String?
    public var groupMates: [GroupMate]
    /// It offers mediated device types (`mdev_supported_types/`, or NVIDIA's `nvidia/`).
    public var mdev: Bool
    /// It is an SR-IOV virtual function of this physical function.
    public var physicalFunction: PCIAddress?
    /// It is an SR-IOV physical function (`sriov_totalvfs`).
    public var sriovCapable: Bool
    /// Every present function of its slot is exported too (a format may then name the slot).
    public var wholeSlot: Bool

    /// What the cluster is told: the recorded identity, else the one read now.
    public var identity: DeviceIdentity? { recorded ?? now }
    public var ids: PCIIds? { identity.map { PCIIds(vendor: $0.vendor, device: $0.device) } }
    /// Hidden by a wildcard entry or before pcihide recorded identities.
    public var identityRecorded: Bool { recorded != nil }
}

/// A device of the node that is not exported: what selectors by ids must not also catch.
public struct OtherDevice: Equatable, Sendable {
    public var address: PCIAddress
    public var ids: PCIIds
    public var driver: String?
}

/// What one node offers its cluster: the devices pcihide hides there, read from the ledger,
/// the recorded identities and the host root. Reading it changes nothing and takes no lock.
public struct FleetInventory: Sendable {
    public var node: String
    public var devices: [FleetDevice]
    /// Present devices that are not exported, with their ids.
    public var others: [OtherDevice]
    /// The kernel's IOMMU is on (`/sys/class/iommu/` has a unit, or devices have groups).
    public var iommu: Bool
    /// The `/dev/vfio/N` nodes present, by group number.
    public var vfioNodes: Set<String>
    /// Where the facts came from: a format's own node check reads more of them (Proxmox's
    /// mapping file names devices pcihide may not hide).
    public var tree: SysfsTree
    public var host: HostRoot
    var isHidden: @Sendable (PCIAddress) -> Bool

    /// The facts of any present device, exported or not (nil when nothing is at `a`).
    public func describe(_ a: PCIAddress) -> FleetDevice? {
        guard tree.ids(a) != nil else { return nil }
        return Self.describe(a, selection: DeviceSelection(a), recorded: nil, tree: tree, present: [], exported: [], isHidden: isHidden)
    }

    /// Reads the node. `only`: the selections asked for (nil: every hidden device). Hidden
    /// wildcards stand for the devices present that they match; an address entry stands for
    /// its address whether or not a device is there (the check says it is gone).
    public static func read(
        state: PCIHideState, tree: SysfsTree, host: HostRoot, node: String,
        only: [DeviceSelection]? = nil
    ) throws(Failure) -> FleetInventory {
        let present = try tree.addresses()
        var chosen: [(PCIAddress, DeviceSelection)] = []
        for e in state.hidden {
            let addresses = e.selection.address.map { [$0] } ?? present.filter { e.selection.matches($0) }
            for a in addresses where !chosen.contains(where: { $0.0 == a }) {
                if let only, !only.contains(where: { $0.matches(a) }) { continue }
                chosen.append((a, e.selection))
            }
        }
        chosen.sort { $0.0 < $1.0 }
        let hiddenSet = Set(present.filter { state.entry(hiding: $0) != nil })
        let hidden: @Sendable (PCIAddress) -> Bool = { hiddenSet.contains($0) }
        let exported = Set(chosen.map(\.0))
        let devices = chosen.map { a, selection in
            describe(
                a, selection: selection, recorded: state.entry(for: selection)?.identity.flatMap { selection.isWildcard ? nil : $0 },
                tree: tree, present: present, exported: exported, isHidden: hidden)
        }
        let others = present.filter { !exported.contains($0) }.compactMap { a in
            tree.ids(a).map { OtherDevice(address: a, ids: $0, driver: tree.driver(a)) }
        }
        let units = Files.list(host.iommuClassDirectory) ?? []
        let vfio = Set((Files.list(host.path("/dev/vfio")) ?? []).filter { $0 != "vfio" })
        return FleetInventory(
            node: node, devices: devices, others: others,
            iommu: !units.isEmpty || devices.contains { $0.iommuGroup != nil }, vfioNodes: vfio,
            tree: tree, host: host, isHidden: hidden)
    }

    static func describe(
        _ a: PCIAddress, selection: DeviceSelection, recorded: DeviceIdentity?, tree: SysfsTree,
        present: [PCIAddress], exported: Set<PCIAddress>, isHidden: (PCIAddress) -> Bool
    ) -> FleetDevice {
        var mates: [GroupMate] = []
        let group = tree.iommuGroup(a)
        if group != nil {
            for m in tree.iommuGroupMembers(a) where m != a {
                mates.append(GroupMate(address: m, driver: tree.driver(m), hidden: isHidden(m), isBridge: tree.isBridge(m)))
            }
        }
        let slotFunctions = present.filter { $0.slot == a.slot && !tree.isVirtualFunction($0) }
        return FleetDevice(
            address: a, entry: selection, recorded: recorded,
            now: tree.identity(a), driver: tree.driver(a), iommuGroup: group, groupMates: mates,
            mdev: tree.offersMediatedDevices(a),
            physicalFunction: tree.physicalFunction(a),
            sriovCapable: tree.isSRIOVCapable(a),
            wholeSlot: !slotFunctions.isEmpty && slotFunctions.allSatisfy(exported.contains))
    }

    /// The node's name: `--node`, else the host root's /etc/hostname, else (on the live
    /// system only) the kernel's. A name that cannot be a cluster node name is refused.
    public static func nodeName(option: String?, host: HostRoot, kernelName: () -> String?) throws(Failure) -> String {
        var name = option
        if name == nil, let bytes = Files.readIfPresent(host.path("/etc/hostname")) {
            name = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map { $0.trimmingBlanks }
        }
        if name == nil || name == "", host.isLive { name = kernelName() }
        guard let name, !name.isEmpty else {
            throw Failure(.usage, "cannot tell this node's name: \(host.path("/etc/hostname")) is missing or empty; give --node NAME")
        }
        // A node name as Proxmox (pve-node) and Kubernetes take it: a DNS label.
        for (k, c) in name.unicodeScalars.enumerated() {
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || (c == "-" && k > 0 && k < name.unicodeScalars.count - 1)
            guard ok else {
                throw Failure(.usage, "node name '\(name.visible)': character \(k + 1) (\(c.visible)) is not allowed: a node name is letters, digits and inner hyphens (a DNS label)")
            }
        }
        guard name.utf8.count <= 63 else { throw Failure(.usage, "node name '\(name)' is longer than 63 characters (a DNS label)") }
        return name
    }
}

extension Unicode.Scalar {
    /// `'x'` for printable ASCII, else `U+000A`: what an error message can show of it.
    var visible: String {
        value > 0x20 && value < 0x7f ? "'\(Character(self))'" : "U+" + hex(value, 4).uppercased()
    }
}

extension String {
    /// The text with control and non-ASCII characters as `?`, safe to reach a terminal.
    var visible: String { String(unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "?" }) }
}
