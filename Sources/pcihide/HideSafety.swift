import PCIBinding
import PCIModel
import PCIState

/// The refusals and warnings `hide` applies before anything is recorded or bound.
enum HideSafety {
    /// Refuses the host bridge, the boot VGA device and devices holding mounted file systems
    /// unless `force`; warns about IOMMU-group companions and sibling functions left behind, or
    /// with `group` adds them to `entries` and `targets`.
    static func review(_ entries: inout [HiddenEntry], _ targets: inout [PCIAddress], inspector: SafetyInspector,
                       force: Bool, group: Bool) throws(Failure) {
        var refused: [String] = []
        var added: [PCIAddress] = []
        for a in targets {
            let s = inspector.inspect(a)
            if !s.refusals.isEmpty {
                let why = s.refusals.joined(separator: "; ")
                if force { warn("hiding \(a) although \(why) (--force)") } else { refused.append("\(a): \(why)") }
            }
            for caution in s.cautions { warn("\(a): \(caution)") }
            if s.isBridge && !s.behind.isEmpty {
                warn("\(a) is a bridge: hiding it hides what is behind it too (\(s.behind.map(\.address.description).joined(separator: ", ")))")
            }
            let behind = s.leftBehind.filter { !targets.contains($0.address) && !added.contains($0.address) }
            guard !behind.isEmpty else { continue }
            if group {
                // Boot-loader hide lists and the state file name domains 0000-ffff (Xen's limit);
                // Intel VMD's domains (10000 and up) cannot be hidden.
                for b in behind where b.address.domain > PCIAddress.maxDomain {
                    warn("cannot hide \(b.address) too: its domain \(hex(b.address.domain, 4)) is beyond ffff, which hide lists cannot name")
                }
                added += behind.map(\.address).filter { $0.domain <= PCIAddress.maxDomain }
            } else {
                let names = behind.map { d in "\(d.address) (\(d.driver ?? "no driver"))" }.joined(separator: ", ")
                let inGroup = behind.contains { b in s.groupCompanions.contains { $0.address == b.address } }
                warn("\(a) leaves behind \(names): " + (inGroup ? "VFIO needs its whole IOMMU group \(s.iommuGroup ?? "")" : "other functions of its slot are normally handed over together") + "; add --group to hide them too")
            }
        }
        if !refused.isEmpty {
            throw Failure(.usage, "refusing to hide " + refused.joined(separator: "; ") + "; nothing was changed (add --force to hide it anyway)")
        }
        for a in added {
            note("also hiding \(a) (--group)")
            let since = entries.first?.since ?? ""
            entries.append(HiddenEntry(selection: DeviceSelection(a), since: since))
            targets.append(a)
        }
    }
}
