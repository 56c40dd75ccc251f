import PCIModel
import PCIReadiness

/// Proxmox VE cluster resource mappings (`/etc/pve/mapping/pci.cfg`, `pvesh … /cluster/mapping/pci`).
/// One mapping per kind of card (`pcihide-VVVV-DDDD`), one `map` line per device of this node:
/// Proxmox takes a node's map lines as alternatives, so equal cards form a pool. The rules are
/// PVE::Mapping::PCI's `assert_valid`, which Proxmox runs at every guest start
/// (docs/fleet.md quotes them).
public enum ProxmoxFormat: ExportFormat {
    public static let name = "proxmox"
    public static let summary = "Proxmox VE resource mappings: pci.cfg sections, or pvesh commands with --api"

    /// One `map` entry as Proxmox reads it.
    public struct MapEntry: Equatable, Sendable {
        public var mapping: String
        public var node: String
        /// `DDDD:BB:DD.F`, or `DDDD:BB:DD` for the whole device.
        public var path: String
        public var id: String
        public var subsystemID: String?
        public var iommuGroup: String?
        public var mdev: Bool
        /// The exported device the path starts with (function 0 for a whole device).
        public var head: PCIAddress

        public var text: String {
            "node=\(node),path=\(path),id=\(id)" + (subsystemID.map { ",subsystem-id=" + $0 } ?? "") + (iommuGroup.map { ",iommugroup=" + $0 } ?? "")
        }
    }

    /// The map entries for the node: a device all of whose functions are hidden is named by its
    /// slot (Proxmox passes every function), the others function by function.
    public static func entries(_ inventory: FleetInventory) -> [MapEntry] {
        var out: [MapEntry] = []
        for d in inventory.devices {
            guard let identity = d.identity else { continue }
            // Named by its slot only when it has several functions (a single function keeps
            // its full address: the same device, and plainer to read).
            let functions = inventory.devices.filter { $0.address.slot == d.address.slot && $0.physicalFunction == nil }
            let whole = d.wholeSlot && functions.count > 1 && functions.contains { $0.address.function == 0 }
            if whole && d.address.function != 0 { continue }
            let ids = PCIIds(vendor: identity.vendor, device: identity.device)
            out.append(
                MapEntry(
                    mapping: FleetNames.pool(ids), node: inventory.node,
                    path: whole ? d.address.slot.description : d.address.description,
                    id: ids.description, subsystemID: identity.subsystem?.description,
                    iommuGroup: d.iommuGroup, mdev: d.mdev, head: d.address))
        }
        return out
    }

    public static func render(_ inventory: FleetInventory, options: ExportOptions) -> ExportRendering {
        let entries = entries(inventory)
        var notes: [String] = []
        var text = ""
        var order: [String] = []
        for e in entries where !order.contains(e.mapping) { order.append(e.mapping) }
        for mapping in order {
            let mine = entries.filter { $0.mapping == mapping }
            let description = "\(mine[0].id) devices hidden by pcihide"
            let mdev = mine.contains(where: \.mdev)
            if options.api {
                text +=
                    "pvesh create /cluster/mapping/pci --id \(mapping) --description '\(description)'" + (mdev ? " --mdev 1" : "")
                    + mine.map { " --map '\($0.text)'" }.joined() + "\n"
            } else {
                if !text.isEmpty { text += "\n" }
                text += mapping + "\n\tdescription \(description)\n" + (mdev ? "\tmdev 1\n" : "") + mine.map { "\tmap \($0.text)\n" }.joined()
            }
        }
        if entries.isEmpty { notes.append("nothing is hidden on \(inventory.node): no mapping to write") }
        if options.api && !entries.isEmpty {
            notes.append("a mapping that other nodes already have: pvesh set /cluster/mapping/pci/ID with every node's --map (the list is replaced whole); pvesh create refuses an ID that exists")
        } else if !entries.isEmpty {
            notes.append("these are the sections of /etc/pve/mapping/pci.cfg for \(inventory.node); merge each node's map lines under one section per mapping (or use --api for pvesh commands)")
        }
        notes.append("Proxmox checks ids, subsystem ids and IOMMU group at guest start; it cannot see a swapped card with the same ids (serial number, PCIe path): run pcihide export --check --format proxmox on the node for that")
        for d in inventory.devices where d.identity == nil { notes.append("\(d.address) is left out: no device there and no identity recorded") }
        return ExportRendering(text: text, notes: notes)
    }

    public static func check(_ device: FleetDevice, in inventory: FleetInventory, options: ExportOptions) -> [Finding] {
        var out: [Finding] = []
        if !inventory.iommu {
            out.append(
                Finding(
                    .attention, "Proxmox refuses to start the guest: 'cannot prepare PCI pass-through, IOMMU not present'",
                    fix: "turn the IOMMU on in the firmware and on the kernel command line, then reboot"))
        }
        for e in entries(inventory) where e.head == device.address {
            for problem in assertValid(e, device: device) {
                out.append(
                    Finding(
                        .attention, "Proxmox refuses the mapping at guest start: '\(problem)'",
                        fix: "pcihide export --format proxmox prints the entry this node needs"))
            }
        }
        return out
    }

    /// PVE::Mapping::PCI's `assert_valid` for one map entry, against the device as sysfs has it
    /// now: its messages, in its order (Proxmox stops at the first; all are listed here).
    /// Empty when Proxmox would accept the entry. `alternative`: a later path of a `;` list,
    /// whose IOMMU group Proxmox does not check.
    public static func assertValid(_ e: MapEntry, device: FleetDevice, alternative: Bool = false) -> [String] {
        guard isPath(e.path) else { return ["value does not match the regex pattern (path '\(e.path)')"] }
        if e.id.isEmpty { return ["id: property is missing and it is not optional"] }
        guard isID(e.id), e.subsystemID.map(isID) ?? true else { return ["value does not match the regex pattern (id)"] }
        let full = e.path.contains(".") ? e.path : e.path + ".0"
        guard let now = device.now, device.address.description == full else { return ["pci device '\(full)' not found"] }
        var errors: [String] = []
        // In Proxmox's order (its properties sorted by name), the host's value first.
        var expected: [(String, String?, String?)] = [("id", PCIIds(vendor: now.vendor, device: now.device).description, e.id)]
        if !alternative { expected.append(("iommugroup", device.iommuGroup, e.iommuGroup)) }
        expected.append(("subsystem-id", now.subsystem?.description, e.subsystemID))
        for (key, actual, configured) in expected {
            switch (actual, configured) {
            case (_?, nil): errors.append("missing expected property '\(key)' for device '\(full)'")
            case (nil, _?): errors.append("unexpected property '\(key)' configured for device '\(full)'")
            case (let a?, let c?) where a != c: errors.append("'\(key)' does not match for '\(e.mapping)' (\(a) != \(c))")
            default: break
            }
        }
        if e.mdev != device.mdev { errors.append("'mdev' does not match for '\(e.mapping)' (\(device.mdev ? 1 : 0) != \(e.mdev ? 1 : 0))") }
        return errors
    }

    /// `(?:PCI;)*PCI`, PCI = `[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?` (lower case, domain needed).
    static func isPath(_ s: String) -> Bool {
        s.split(separator: ";", omittingEmptySubsequences: false).allSatisfy { one in
            let parts = one.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count >= 4, parts[0].allSatisfy(isLowerHex), parts[1].count == 2, parts[1].allSatisfy(isLowerHex) else { return false }
            let df = parts[2].split(separator: ".", omittingEmptySubsequences: false)
            guard df[0].count == 2, df[0].allSatisfy(isLowerHex) else { return false }
            return df.count == 1 || (df.count == 2 && df[1].count == 1 && df[1].allSatisfy(isLowerHex))
        }
    }

    /// `^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$`: the schema takes either case (the comparison at start does not).
    static func isID(_ s: String) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { $0.count == 4 && $0.allSatisfy(\.isHexDigit) }
    }

    static func isLowerHex(_ c: Character) -> Bool { c.isHexDigit && !c.isUppercase }
}
