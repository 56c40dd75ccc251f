import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import PCIReadiness
import PCISpec
import PCIState
import SystemIO

public enum CheckReport {
    /// `check`: the readiness of every present device the selections name (each must name one).
    /// Returns the reports and the state they were read against.
    public static func inspect(
        _ selections: [DeviceSelection], tree: SysfsTree, host: HostRoot, present: [PCIAddress], store: StateStore,
        inspector: (PCIHideState) throws -> SafetyInspector
    ) throws -> ([ReadinessReport], PCIHideState) {
        for s in selections where !present.contains(where: { s.matches($0) }) {
            throw Failure(.noInput, "\(s) is not present in \(tree.devicesDirectory); check the address (lspci -D lists them)")
        }
        let state = try store.load()
        let readiness = ReadinessInspector(
            safety: try inspector(state), tree: tree, host: host, present: present,
            isHidden: { state.entry(hiding: $0) != nil }, recorded: { state.entry(for: DeviceSelection($0))?.identity })
        let named = SelectionIndex(selections)
        let reports = present.filter(named.matches).map(readiness.inspect)
        return (reports, state)
    }

    public static func related(_ d: RelatedDevice) -> String {
        "\(d.address) (\(d.driver ?? "no driver"), " + (d.isBridge ? "bridge, stays with the host)" : "\(d.hidden ? "hidden" : "not hidden"))")
    }

    public static func list(_ ds: [RelatedDevice]) -> String { ds.isEmpty ? "none" : ds.map(related).joined(separator: ", ") }

    public static func verdict(_ r: ReadinessReport) -> String {
        var out = "  verdict: " + r.verdict.name
        switch r.verdict {
        case .ready: out += "\n"
        case .readyWithCompanions(let c):
            out += ": hide \(c.map(\.description).joined(separator: ", ")) with it (pcihide hide --group \(r.safety.address))\n"
        case .needsAttention, .refused:
            out += "\n"
            let shown: [Finding.Severity] = r.verdict == .refused ? [.critical] : [.attention]
            for f in r.findings where shown.contains(f.severity) {
                out += "    - " + f.text + (f.fix.map { "; fix: " + $0 } ?? "") + "\n"
            }
            if r.verdict == .refused {
                out += "    (hide --force overrides what the device itself is refused for, never a group companion)\n"
                // What it would need if forced (the boot framebuffer's parameter above all).
                for f in r.findings where f.severity == .attention {
                    out += "    - if forced: " + f.text + (f.fix.map { "; fix: " + $0 } ?? "") + "\n"
                }
            }
        }
        for f in r.findings where f.severity == .caveat { out += "    note: " + f.text + "\n" }
        return out
    }

    public static func iommuLine(_ r: ReadinessReport) -> String {
        if let xen = r.safety.xenIOMMU { return xen.summary }
        guard r.safety.iommuActive else { return "off" }
        var s = "on" + (r.iommuUnits.map { $0.isEmpty ? "" : " (" + $0.joined(separator: ", ") + ")" } ?? "")
        if let ir = r.interruptRemapping { s += ", interrupt remapping " + (ir ? "supported" : "not supported") }
        return s
    }

    public static func resetLine(_ r: ReadinessReport) -> String {
        guard let reset = r.reset else { return r.safety.isBridge ? "not applicable (bridge)" : "unknown" }
        var s = reset.methods.isEmpty ? "none" : reset.methods.joined(separator: ", ")
        s += reset.fromKernel ? " (the kernel's reset_method)" : " (from its capabilities)"
        if !reset.busResetAlsoResets.isEmpty { s += "; a bus reset also resets " + reset.busResetAlsoResets.map(\.description).joined(separator: ", ") }
        for n in reset.notes { s += "; " + n }
        return s
    }

    public static func text(_ reports: [ReadinessReport], state: PCIHideState) -> String {
        var out = ""
        for r in reports {
            let s = r.safety
            let cls = s.classCode.map { hex($0 >> 8, 4) } ?? "????"
            out += "\(s.address)  class \(cls)  driver \(s.driver ?? "none")  \(state.entry(hiding: s.address) != nil ? "hidden" : "not hidden")\n"
            out += "  IOMMU: " + iommuLine(r) + "\n"
            out +=
                "  IOMMU group: "
                + (s.iommuGroup.map { "\($0), shared with: " + list(s.groupCompanions) }
                    ?? (s.xenIOMMU != nil
                        ? "none (a Xen dom0 sees no groups: Xen owns the IOMMU, and pciback hands devices over)"
                        : s.iommuActive
                            ? "none (the IOMMU is on but put it in no group: an IOMMU or root-complex function it does not translate for)"
                            : "none (no IOMMU, or it is off)"))
                + "\n"
            for m in r.group { out += "    \(m.device.address): \(m.status.rawValue) (\(m.why))\n" }
            out += "  same slot: \(list(s.siblings))\n"
            out += "  isolation: " + (r.path.isEmpty ? "no bridge above it" : r.path.map(\.summary).joined(separator: "; ")) + "\n"
            if r.multifunctionWithoutACS { out += "    its functions have no ACS: they share a group with each other\n" }
            out += "  reset: " + resetLine(r) + "\n"
            out += "  bridge: " + (s.isBridge ? "yes, behind it: " + list(s.behind) : "no") + "\n"
            out += "  host bridge: \(s.isHostBridge ? "yes" : "no")\n"
            out += "  boot VGA: \(s.isBootVGA ? "yes" : "no")\n"
            out += "  boot framebuffer: \(r.framebuffer ?? "none")\n"
            if !s.virtualFunctions.isEmpty { out += "  SR-IOV: physical function of " + list(s.virtualFunctions) + "\n" }
            if let pf = s.physicalFunction { out += "  SR-IOV: virtual function of " + related(pf) + "\n" }
            out += "  network: " + (s.networkTraced ? (s.interfaces.isEmpty ? "none" : s.interfaces.map(\.summary).joined(separator: ", ")) : "not traced (give --root DIR for a tree other than the host's)") + "\n"
            out += "  mounted file systems: " + (s.mountsTraced ? (s.mounts.isEmpty ? "none" : s.mounts.joined(separator: ", ")) : "not traced (give --block-class DIR for a tree other than /sys/bus/pci)") + "\n"
            for c in s.holderChains { out += "    \(c)\n" }
            for u in s.untracedHolders { out += "    \(u)\n" }
            out += "  processes: " + (r.processes.isEmpty ? "none" : r.processes.joined(separator: ", ")) + "\n"
            out += verdict(r)
        }
        return out
    }

    public static func json(_ reports: [ReadinessReport], state: PCIHideState) -> String {
        JSONDocument.render("check", "devices", reports.map { one($0, state: state) })
    }

    public static func related(_ d: RelatedDevice) -> JSON {
        .object([("address", .string(d.address.description)), ("driver", d.driver.map { .string($0) } ?? .null), ("hidden", .bool(d.hidden)), ("bridge", .bool(d.isBridge))])
    }

    public static func strings(_ xs: [String]) -> JSON { .array(xs.map { .string($0) }) }

    public static func one(_ r: ReadinessReport, state: PCIHideState) -> JSON {
        let s = r.safety
        var pairs: [(String, JSON)] =
            [
                ("address", .string(s.address.description)),
                ("classId", s.classCode.map { .string(hex($0 >> 8, 4)) } ?? .null),
                ("driver", s.driver.map { .string($0) } ?? .null),
                ("hidden", .bool(state.entry(hiding: s.address) != nil)),
            ] + JSONDocument.ledger(state.entry(hiding: s.address), in: state) + [
                ("iommuGroup", JSONDocument.group(s.iommuGroup)),
                ("groupCompanions", .array(s.groupCompanions.map(related))),
                ("sameSlot", .array(s.siblings.map(related))),
                ("bridge", .bool(s.isBridge)),
                ("behind", .array(s.behind.map(related))),
                ("hostBridge", .bool(s.isHostBridge)),
                ("bootVGA", .bool(s.isBootVGA)),
                ("mounts", s.mountsTraced ? strings(s.mounts) : .null),
                ("mountChains", strings(s.holderChains)),
                ("untraced", strings(s.untracedHolders)),
                ("virtualFunctions", .array(s.virtualFunctions.map(related))),
                ("physicalFunction", s.physicalFunction.map(related) ?? .null),
                ("cautions", strings(s.cautions)),
                ("refusals", strings(s.refusals)),
                ("leftBehind", strings(s.leftBehind.map(\.address.description))),
            ]
        let interfaces: JSON =
            s.networkTraced
            ? .array(
                s.interfaces.map { i in
                    .object([
                        ("name", .string(i.name)), ("operstate", .string(i.operstate)), ("defaultRoute", .bool(i.defaultRoute)),
                        ("addressed", .bool(i.addressed)), ("via", i.via.map { .string($0) } ?? .null), ("inUse", .bool(i.inUse)),
                    ])
                }) : .null
        pairs.append(("interfaces", interfaces))
        pairs.append(("iommu", s.xenIOMMU?.state == .unknown ? .null : .bool(s.iommuActive)))
        pairs.append(("iommuOwner", .string(s.xenIOMMU != nil ? "xen" : "linux")))
        pairs.append(("iommuEvidence", s.xenIOMMU.map { .string($0.evidence) } ?? .null))
        pairs.append(("iommuUnits", r.iommuUnits.map(strings) ?? .null))
        pairs.append(("interruptRemapping", r.interruptRemapping.map { .bool($0) } ?? .null))
        let group: [JSON] = r.group.map { m in
            .object([
                ("address", .string(m.device.address.description)), ("driver", m.device.driver.map { .string($0) } ?? .null),
                ("bridge", .bool(m.device.isBridge)), ("status", .string(m.status.rawValue)), ("why", .string(m.why)),
            ])
        }
        pairs.append(("group", .array(group)))
        let isolation: [JSON] = r.path.map { p in
            .object([
                ("address", .string(p.address.description)), ("readable", .bool(p.readable)),
                ("acsCapability", p.capability.map { .number(Double($0)) } ?? .null),
                ("acsControl", p.control.map { .number(Double($0)) } ?? .null),
                ("isolates", p.isolates.map { .bool($0) } ?? .null),
            ])
        }
        pairs.append(("isolation", .array(isolation)))
        pairs.append(("multifunctionWithoutACS", .bool(r.multifunctionWithoutACS)))
        pairs.append(("acsOverride", r.acsOverride.map { .string($0) } ?? .null))
        let reset: JSON =
            r.reset.map { reset in
                .object([
                    ("methods", strings(reset.methods)), ("fromKernel", .bool(reset.fromKernel)),
                    ("busResetAlsoResets", strings(reset.busResetAlsoResets.map(\.description))), ("notes", strings(reset.notes)),
                ])
            } ?? .null
        pairs.append(("reset", reset))
        pairs.append(("bootFramebuffer", r.framebuffer.map { .string($0) } ?? .null))
        pairs.append(("processes", strings(r.processes)))
        pairs.append(("capabilities", r.features.map { DeviceAnnotation.json($0.fields) } ?? .null))
        pairs.append(("unchecked", strings(s.unchecked)))
        let findings: [JSON] = r.findings.map { f in
            .object([("severity", .string(f.severity.rawValue)), ("text", .string(f.text)), ("fix", f.fix.map { .string($0) } ?? .null)])
        }
        pairs.append(("findings", .array(findings)))
        pairs.append(("verdict", .string(r.verdict.name)))
        pairs.append(("companions", strings(r.companions.map(\.description))))
        pairs.append(("ready", .bool(r.verdict == .ready)))
        return .object(pairs)
    }
}
