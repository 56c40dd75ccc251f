import SystemIO
import PCIActions
import ArgumentParser
import PCIBinding
import PCIInventory
import PCIModel
import PCIOwnership
import PCIReadiness
import PCIState

struct Groups: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List IOMMU groups with their devices and whether each group can go to a guest.",
        discussion: """
            Every IOMMU group with its members as lspci -nn names them, each member's driver, and \
            pcihide's hidden mark and owner. A group's verdict: ready (every endpoint hidden or on a \
            passthrough driver), not viable (some hidden, others on host drivers: name them), host \
            (nothing hidden) or refused (it holds a device the host needs). Bridges stay on \
            pcieport and count for nothing. -s and -d keep the groups holding a matching device.
            """
    )

    @Option(name: .customShort("s"), help: ArgumentHelp("Only groups holding a device in these slots: [[[[<domain>]:]<bus>]:][<device>][.[<func>]].", valueName: "slot"), completion: .presentDevices)
    var slot: String?

    @Option(name: .customShort("d"), help: ArgumentHelp("Only groups holding a device with these ids: [<vendor>]:[<device>][:<class>].", valueName: "ids"))
    var ids: String?

    @Flag(help: "Only groups holding hidden devices.")
    var hidden = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions
    @OptionGroup var safety: SafetyOptions

    func run() throws {
        try reporting {
            try timeouts.apply()
            let host = try self.host.resolve()
            let tree = try source.tree(host)
            try tree.requireReadable()
            let state = try stateOptions.store(host).load()
            let present = try tree.addresses()
            let inspector = try safety.inspector(host: host, tree: tree, present: present, state: state)
            let filter = try PCIFilter(slot: slot, id: ids)
            let inventory = try Inventory(source: .sysfs(tree.root), numericIds: 2)
            var byGroup: [String: [PCIAddress]] = [:]
            for a in present { if let g = tree.iommuGroup(a) { byGroup[g, default: []].append(a) } }
            guard !byGroup.isEmpty else {
                if let xen = inspector.xen {
                    throw Failure(.unavailable, "no IOMMU groups in \(tree.root): this is a Xen dom0, where Xen owns the IOMMU and the kernel shows no groups; Xen's IOMMU is \(xen.summary)"
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
                if hidden && !members.contains(where: \.device.hidden) { continue }
                if !filter.isEmpty && !members.contains(where: { m in inventory.device(m.device.address).map(filter.matches) ?? false }) { continue }
                reports.append(report)
            }
            if hidden && reports.isEmpty { note("no IOMMU group holds a hidden device (pcihide hidden lists the hidden set)") }
            if json {
                writeStandardOutput(JSONDocument.render("groups", "groups", reports.map { r in
                    .object([
                        ("iommuGroup", JSONDocument.group(r.id)),
                        ("verdict", .string(r.verdict.rawValue)),
                        ("summary", .string(r.summary)),
                        ("devices", .array(r.members.map { m in
                            let e = state.entry(hiding: m.device.address)
                            return .object([
                                ("address", .string(m.device.address.description)),
                                ("deviceName", .string(name(m.device.address, inventory))),
                                ("driver", m.device.driver.map { .string($0) } ?? .null),
                                ("bridge", .bool(m.device.isBridge)),
                                ("hidden", .bool(e != nil)),
                            ] + JSONDocument.ledger(e, in: state) + [
                                ("refusals", JSONDocument.strings(m.refusals)),
                            ])
                        })),
                    ])
                }))
                return
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
            writeStandardOutput(out)
        }
    }

    /// `0000:01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GP104 [10de:1b81] (rev a1)`, as lspci -Dnn.
    func name(_ a: PCIAddress, _ inventory: Inventory) -> String {
        guard let d = inventory.device(a) else { return a.description }
        var s = a.description + " " + inventory.className(d.classId) + ": " + inventory.vendorDeviceName(d)
        if let rev = d.revision, rev != 0 { s += " (rev " + hex(rev, 2) + ")" }
        return s
    }
}
