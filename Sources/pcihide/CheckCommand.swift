import ArgumentParser
import PCIBinding
import PCIModel
import PCISpec
import PCIState

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report whether devices can be handed over safely.",
        discussion: """
            For each device: its IOMMU group and every other device in it, the other functions of \
            its slot, whether it is a bridge (and what is behind it), the host bridge, the boot VGA \
            device, mounted file systems reached through it, and SR-IOV: the virtual functions of a \
            physical function (they go away when it is hidden) or the physical function of a virtual \
            one; the network interfaces it carries. Exits 0 only when every device was checked and \
            found safe: 1 when hide would refuse one (without --force), when no IOMMU is active, \
            or when something could not be checked (it says what).
            """
    )

    @Argument(help: ArgumentHelp("Devices to check (any spec form; wildcards cover the devices present).", valueName: "spec"), completion: .presentDevices)
    var specs: [String]

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions
    @OptionGroup var safety: SafetyOptions

    func run() throws {
        try reporting {
            let selections = try HiddenSetChange.entries(from: try SpecParser.parseAll(specs)).map(\.selection)
            let host = try self.host.resolve()
            let tree = try source.tree(host)
            let present = try tree.addresses()
            for s in selections where !present.contains(where: { s.matches($0) }) {
                throw Failure(.noInput, "\(s) is not present in \(tree.devicesDirectory); check the address (lspci -D lists them)")
            }
            let state = try stateOptions.store(host).load()
            let inspector = try safety.inspector(host: host, tree: tree, present: present, state: state)
            let named = SelectionIndex(selections)
            let reports = present.filter(named.matches).map(inspector.inspect)
            writeStandardOutput(json ? CheckReport.json(reports, state: state).serialized() : CheckReport.text(reports, state: state))
            if reports.contains(where: { !CheckReport.isSafe($0) }) { throw ExitCode(ExitStatus.failure.rawValue) }
        }
    }
}

enum CheckReport {
    static func related(_ d: RelatedDevice) -> String {
        "\(d.address) (\(d.driver ?? "no driver"), " + (d.isBridge ? "bridge, stays with the host)" : "\(d.hidden ? "hidden" : "not hidden"))")
    }

    static func list(_ ds: [RelatedDevice]) -> String { ds.isEmpty ? "none" : ds.map(related).joined(separator: ", ") }

    /// Safe only when nothing refuses it, everything could be checked and an IOMMU is on.
    static func isSafe(_ s: DeviceSafety) -> Bool { s.refusals.isEmpty && s.unchecked.isEmpty && s.iommuActive }

    static func verdict(_ s: DeviceSafety) -> String {
        if !s.refusals.isEmpty { return "refused: " + s.refusals.joined(separator: "; ") + " (hide --force overrides)" }
        var problems: [String] = []
        if !s.iommuActive { problems.append("no IOMMU is active, so a guest given it can reach all host memory by DMA (vfio-pci refuses it; pciback would bind it all the same)") }
        if !s.unchecked.isEmpty { problems.append("could not check " + s.unchecked.joined(separator: "; ")) }
        if !problems.isEmpty { return "not safe: " + problems.joined(separator: "; ") }
        var parts: [String] = []
        if !s.leftBehind.isEmpty { parts.append("hide leaves behind " + s.leftBehind.map(\.address.description).joined(separator: ", ") + " (hide --group takes them too)") }
        if !s.virtualFunctions.isEmpty { parts.append("hide takes away its virtual functions " + s.virtualFunctions.map(\.address.description).joined(separator: ", ")) }
        return parts.isEmpty ? "safe to hide" : parts.joined(separator: "; ")
    }

    static func text(_ reports: [DeviceSafety], state: PCIHideState) -> String {
        var out = ""
        for s in reports {
            let cls = s.classCode.map { hex($0 >> 8, 4) } ?? "????"
            out += "\(s.address)  class \(cls)  driver \(s.driver ?? "none")  \(state.entry(hiding: s.address) != nil ? "hidden" : "not hidden")\n"
            out += "  IOMMU group: " + (s.iommuGroup.map { "\($0), shared with: " + list(s.groupCompanions) } ?? "none (no IOMMU, or it is off)") + "\n"
            out += "  same slot: \(list(s.siblings))\n"
            out += "  bridge: " + (s.isBridge ? "yes, behind it: " + list(s.behind) : "no") + "\n"
            out += "  host bridge: \(s.isHostBridge ? "yes" : "no")\n"
            out += "  boot VGA: \(s.isBootVGA ? "yes" : "no")\n"
            if !s.virtualFunctions.isEmpty { out += "  SR-IOV: physical function of " + list(s.virtualFunctions) + "\n" }
            if let pf = s.physicalFunction { out += "  SR-IOV: virtual function of " + related(pf) + "\n" }
            out += "  network: " + (s.networkTraced ? (s.interfaces.isEmpty ? "none" : s.interfaces.map(\.summary).joined(separator: ", ")) : "not traced (give --root DIR for a tree other than the host's)") + "\n"
            out += "  mounted file systems: " + (s.mountsTraced ? (s.mounts.isEmpty ? "none" : s.mounts.joined(separator: ", ")) : "not traced (give --block-class DIR for a tree other than /sys/bus/pci)") + "\n"
            out += "  verdict: \(verdict(s))\n"
        }
        return out
    }

    static func json(_ reports: [DeviceSafety], state: PCIHideState) -> JSON {
        func one(_ d: RelatedDevice) -> JSON {
            .object([("address", .string(d.address.description)), ("driver", d.driver.map { .string($0) } ?? .null), ("hidden", .bool(d.hidden)), ("bridge", .bool(d.isBridge))])
        }
        func rel(_ ds: [RelatedDevice]) -> JSON { .array(ds.map(one)) }
        return .array(reports.map { s in
            .object([
                ("address", .string(s.address.description)),
                ("classId", s.classCode.map { .string(hex($0 >> 8, 4)) } ?? .null),
                ("driver", s.driver.map { .string($0) } ?? .null),
                ("hidden", .bool(state.entry(hiding: s.address) != nil)),
                ("iommuGroup", s.iommuGroup.map { .string($0) } ?? .null),
                ("groupCompanions", rel(s.groupCompanions)),
                ("sameSlot", rel(s.siblings)),
                ("bridge", .bool(s.isBridge)),
                ("behind", rel(s.behind)),
                ("hostBridge", .bool(s.isHostBridge)),
                ("bootVGA", .bool(s.isBootVGA)),
                ("mounts", s.mountsTraced ? .array(s.mounts.map { .string($0) }) : .null),
                ("virtualFunctions", rel(s.virtualFunctions)),
                ("physicalFunction", s.physicalFunction.map(one) ?? .null),
                ("cautions", .array(s.cautions.map { .string($0) })),
                ("refusals", .array(s.refusals.map { .string($0) })),
                ("leftBehind", .array(s.leftBehind.map { .string($0.address.description) })),
                ("interfaces", s.networkTraced ? .array(s.interfaces.map { i in
                    .object([("name", .string(i.name)), ("operstate", .string(i.operstate)), ("defaultRoute", .bool(i.defaultRoute)),
                             ("addressed", .bool(i.addressed)), ("via", i.via.map { .string($0) } ?? .null), ("inUse", .bool(i.inUse))])
                }) : .null),
                ("iommu", .bool(s.iommuActive)),
                ("unchecked", .array(s.unchecked.map { .string($0) })),
                ("safe", .bool(isSafe(s))),
            ])
        })
    }
}
