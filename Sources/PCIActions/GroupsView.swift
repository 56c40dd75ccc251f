import PCIBinding
import PCIInventory
import PCIModel
import PCIReadiness
import PCIState
import SystemIO

/// `groups`: every IOMMU group with its verdict and members, as text or JSON.
public enum GroupsView {
    /// The listing and the notes to say with it. `slot`, `ids`: lspci's -s and -d filters;
    /// `onlyHidden`: only the groups that hold a hidden device.
    public static func render(
        tree: SysfsTree, host: HostRoot, state: PCIHideState, present: [PCIAddress], inspector: SafetyInspector,
        slot: String?, ids: String?, onlyHidden: Bool, json: Bool
    ) throws -> (String, [String]) {
        let filter = try PCIFilter(slot: slot, id: ids)
        var notes: [String] = []
        let inventory = try Inventory(source: .sysfs(tree.root), numericIds: 2)
        var byGroup: [String: [PCIAddress]] = [:]
        for a in present { if let g = tree.iommuGroup(a) { byGroup[g, default: []].append(a) } }
        guard !byGroup.isEmpty else {
            if let xen = inspector.xen {
                throw Failure(
                    .unavailable,
                    "no IOMMU groups in \(tree.root): this is a Xen dom0, where Xen owns the IOMMU and the kernel shows no groups; Xen's IOMMU is \(xen.summary)"
                        + (xen.isOn ? "; devices go to guests through pciback (pcihide check DEVICE)" : "; " + xen.advice))
            }
            throw Failure(.unavailable, "no IOMMU groups in \(tree.root): no IOMMU is active (\(HostFacts.read(host).iommuAdvice))")
        }
        let order = byGroup.keys.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
        var reports: [GroupReport] = []
        for g in order {
            let members = byGroup[g]!.sorted().map { a in
                let d = inspector.related(a)
                return GroupReport.Member(device: d, refusals: d.isBridge ? [] : inspector.inspect(a).refusals)
            }
            let report = GroupReport(id: g, members: members)
            if onlyHidden && !members.contains(where: \.device.hidden) { continue }
            if !filter.isEmpty && !members.contains(where: { m in inventory.device(m.device.address).map(filter.matches) ?? false }) { continue }
            reports.append(report)
        }
        if onlyHidden && reports.isEmpty { notes.append("no IOMMU group holds a hidden device (pcihide hidden lists the hidden set)") }
        if json {
            return (
                JSONDocument.render(
                    "groups", "groups",
                    reports.map { r in
                        .object([
                            ("iommuGroup", JSONDocument.group(r.id)),
                            ("verdict", .string(r.verdict.rawValue)),
                            ("summary", .string(r.summary)),
                            (
                                "devices",
                                .array(
                                    r.members.map { m in
                                        let e = state.entry(hiding: m.device.address)
                                        return .object(
                                            [
                                                ("address", .string(m.device.address.description)),
                                                ("deviceName", .string(name(m.device.address, inventory))),
                                                ("driver", m.device.driver.map { .string($0) } ?? .null),
                                                ("bridge", .bool(m.device.isBridge)),
                                                ("hidden", .bool(e != nil)),
                                            ] + JSONDocument.ledger(e, in: state) + [
                                                ("refusals", JSONDocument.strings(m.refusals))
                                            ])
                                    })
                            ),
                        ])
                    }), notes
            )
        }
        var out = ""
        for r in reports {
            out += "IOMMU group \(r.id): \(r.summary)\n"
            for m in r.members {
                out += "  " + name(m.device.address, inventory)
                out += " (" + (m.device.driver ?? "no driver") + ")"
                if let suffix = DeviceAnnotation.suffix(for: m.device.address, in: state, driver: m.device.driver) { out += suffix }
                out += "\n"
            }
        }
        return (out, notes)
    }

    /// `0000:01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GP104 [10de:1b81] (rev a1)`, as lspci -Dnn.
    static func name(_ a: PCIAddress, _ inventory: Inventory) -> String {
        guard let d = inventory.device(a) else { return a.description }
        var s = a.description + " " + inventory.className(d.classId) + ": " + inventory.vendorDeviceName(d)
        if let rev = d.revision, rev != 0 { s += " (rev " + hex(rev, 2) + ")" }
        return s
    }
}
