import PCICapabilities
import PCIInventory
import PCIModel
import PCIOwnership
import PCIState
import SystemIO

/// pcihide's view of a device next to lspci's.
public enum DeviceAnnotation {
    /// ` [hidden, free]`, with `; not in effect (DRIVER has it)` while a host driver (or none)
    /// has the device: it is recorded, but not handed to the passthrough driver yet.
    public static func suffix(for address: PCIAddress, in state: PCIHideState, driver: String?) -> String? {
        guard let e = state.entry(hiding: address) else { return nil }
        let effect = holder(driver).map { "; not in effect (" + $0 + ")" } ?? ""
        return " [hidden, " + Ownership.ownerText(e, in: state) + effect + "]"
    }

    /// `--owners` in a `-vmm` record: tags of pcihide's own after lspci's, for hidden devices.
    public static func machineTags(for address: PCIAddress, in state: PCIHideState, driver: String?) -> [(String, String)] {
        guard let e = state.entry(hiding: address) else { return [] }
        return [
            ("Hidden", e.selection.description), ("Owner", Ownership.ownerText(e, in: state)),
            ("InEffect", holder(driver).map { "no (" + $0 + ")" } ?? "yes"),
        ]
    }

    /// Who keeps a hidden device from being in effect: nil when a passthrough driver has it,
    /// else `nouveau has it` or `no driver has it`.
    public static func holder(_ driver: String?) -> String? {
        guard let driver else { return "no driver has it" }
        return HostNames.passthroughDrivers.contains(driver) ? nil : driver + " has it"
    }

    /// The capability decoder's fields as this program's JSON.
    public static func json(_ f: PassthroughFeatures.Field) -> JSON {
        switch f {
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(Double(i))
        case .string(let s): return .string(s)
        case .null: return .null
        case .object(let pairs): return .object(pairs.map { ($0.0, json($0.1)) })
        }
    }

    public static func json(_ devices: [PCIDevice], inventory: Inventory, state: PCIHideState) throws(Failure) -> String {
        JSONDocument.render(
            "list", "devices",
            try devices.map { d throws(Failure) in
                let entry = state.entry(hiding: d.address)
                // A subsystem is a type-0 header's (bridges have none), and 0000 or ffff mean none.
                let subsystem = d.headerType == 0 ? d.subsystem.flatMap { $0.vendor == 0 || $0.vendor == 0xffff ? nil : $0 } : nil
                return .object(
                    [
                        ("address", JSONDocument.address(d.address)),
                        ("vendorId", .string(hex(d.vendorId, 4))),
                        ("deviceId", .string(hex(d.deviceId, 4))),
                        ("classId", .string(hex(d.classId, 4))),
                        ("revision", JSONDocument.string(d.revision.map { hex($0, 2) })),
                        ("vendorName", .string(inventory.vendorName(d))),
                        ("deviceName", .string(inventory.deviceName(d))),
                        ("className", .string(inventory.className(d.classId))),
                        ("subsystem", JSONDocument.string(subsystem?.description)),
                        ("driver", JSONDocument.string(d.driver)),
                        ("iommuGroup", JSONDocument.group(d.iommuGroup)),
                        ("hidden", .bool(entry != nil)),
                    ] + JSONDocument.ledger(entry, in: state) + [
                        ("inEffect", entry == nil ? .null : .bool(holder(d.driver) == nil)),
                        ("capabilities", json(PassthroughFeatures(try d.describe()).fields)),
                    ])
            })
    }
}
