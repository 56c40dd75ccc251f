import PCIBinding
import PCIInventory
import PCIModel
import PCIReadiness
import PCIState
import SystemIO

/// The refusals and warnings `hide` applies before anything is recorded or bound. Every
/// device the command would hide passes the same refusals, whether it was named, matched by a
/// wildcard or added by --group: the host's disk, console and network never leave by a side door.
public enum HideSafety {
    /// Refuses what the host needs (host bridge, bridges, boot VGA, mounted file systems, the
    /// network it uses) unless `force` (for the devices the command line names); warns about
    /// IOMMU-group companions and sibling functions left behind, or with `group` adds them to
    /// `entries` and `targets` after inspecting each. A refused companion refuses the whole
    /// command: `--force` never reaches a device the user did not name.
    public static func review(
        _ entries: inout [HiddenEntry], _ targets: inout [PCIAddress], inspector: SafetyInspector,
        force: Bool, group: Bool
    ) throws(Failure) {
        var refused: [String] = []
        var added: [PCIAddress] = []
        var addedBy: [PCIAddress: PCIAddress] = [:]
        let named = Set(targets)
        for a in targets {
            let s = inspector.inspect(a)
            if !s.refusals.isEmpty {
                let why = s.refusals.joined(separator: "; ")
                if force { warn("hiding \(a) although \(why) (--force)") } else { refused.append("\(a): \(why)") }
            }
            for caution in s.cautions { warn("\(a): \(caution)") }
            for what in s.unchecked { warn("\(a): could not check \(what)") }
            for what in s.untracedHolders { warn("\(a): \(what): it might hold it") }
            let behind = s.leftBehind.filter { !named.contains($0.address) && addedBy[$0.address] == nil }
            guard !behind.isEmpty else { continue }
            if group {
                // Boot-loader hide lists and the state file name domains 0000-ffff (Xen's limit);
                // Intel VMD's domains (10000 and up) cannot be hidden.
                for b in behind where b.address.domain > PCIAddress.maxDomain {
                    warn("cannot hide \(b.address) too: its domain \(hex(b.address.domain, 4)) is beyond ffff, which hide lists cannot name")
                }
                for b in behind where b.address.domain <= PCIAddress.maxDomain {
                    added.append(b.address)
                    addedBy[b.address] = a
                }
            } else {
                let names = behind.map { d in "\(d.address) (\(d.driver ?? "no driver"))" }.joined(separator: ", ")
                let inGroup = behind.contains { b in s.groupCompanions.contains { $0.address == b.address } }
                // A companion the host needs means the group can never go whole (VFIO), only this
                // function alone (Xen's pciback, which does not take groups).
                let critical = behind.compactMap { b -> String? in
                    let r = inspector.inspect(b.address).refusals
                    return r.isEmpty ? nil : "\(b.address) (\(r.joined(separator: "; ")))"
                }
                var message = "\(a) leaves behind \(names): " + (inGroup ? "VFIO needs its whole IOMMU group \(s.iommuGroup ?? "")" : "other functions of its slot are normally handed over together")
                if critical.isEmpty {
                    message += "; add --group to hide them too"
                } else {
                    message += "; the host needs \(critical.joined(separator: ", ")), so the group cannot be handed over whole: this device can go to a guest only through Xen's pciback, never through vfio-pci"
                }
                warn(message)
            }
        }
        // Companions pass the same refusals as named devices, and --force does not reach them.
        var refusedCompanions: [String] = []
        for b in added {
            let s = inspector.inspect(b)
            guard !s.refusals.isEmpty else { continue }
            refusedCompanions.append("\(b) (companion of \(addedBy[b]!)): \(s.refusals.joined(separator: "; "))")
        }
        if !refusedCompanions.isEmpty {
            throw Failure(
                .usage,
                "refusing --group: " + refusedCompanions.joined(separator: "; ")
                    + "; the group cannot be split safely, so it cannot be handed over; nothing was changed (--force does not apply to companions: name a device to force it)")
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

    /// Fail closed: a device is not unbound now while any mount or swap area of the host could
    /// not be traced, since it might hang from that device (--force after checking by hand).
    public static func reviewUntraced(_ inspector: SafetyInspector, targets: [PCIAddress], now: Bool, force: Bool) throws(Failure) {
        guard now, !targets.isEmpty, !inspector.untracedHolders.isEmpty else { return }
        let what = inspector.untracedHolders.joined(separator: "; ")
        if force { warn("binding \(targets.map(\.description).joined(separator: ", ")) although \(what) (--force)"); return }
        throw Failure(.usage, "refusing to unbind \(targets.map(\.description).joined(separator: ", ")) now: \(what); any of them might hang from it; nothing was changed (make sure it does not, then add --force)")
    }

    /// Without an IOMMU a guest can reach all host memory by DMA: vfio-pci is refused (it
    /// cannot bind safely), pciback is warned about.
    public static func reviewIOMMU(_ inspector: SafetyInspector, driver: PassthroughDriver?) throws(Failure) {
        if let xen = inspector.xen {
            if driver == .vfio {
                throw Failure(.unavailable, "vfio-pci cannot take devices in a Xen dom0 (Xen owns the IOMMU, and the kernel has no groups): use --driver pciback; nothing was changed")
            }
            if !xen.isOn { warn("Xen's IOMMU is \(xen.summary): a guest given these devices may reach all host memory by DMA; \(xen.advice)") }
            return
        }
        guard !inspector.iommuActive else { return }
        if driver == .vfio {
            throw Failure(.unavailable, "no IOMMU is active (no device has an iommu_group): vfio-pci cannot take a device safely without one; turn it on (intel_iommu=on, or the firmware's VT-d/AMD-Vi setting) and reboot; nothing was changed")
        }
        warn("no IOMMU is active (no device has an iommu_group): a guest given these devices can reach all host memory by DMA" + (driver == .pciback ? " (pciback binds them all the same)" : "; vfio-pci will refuse them"))
    }

    /// Why a hand-over to a guest must not take `a` now (nil: it may): the host still uses it
    /// (on a driver of its own, it holds a mount, the network, the console, or is a bridge), or
    /// it is on a driver of its own while some mount could not be traced. A device already on
    /// pciback or vfio-pci was released by `hide --now` (with --force where needed) and may go.
    /// Read afresh at each hand-over: `watch` runs for months while mounts come and go.
    public static func handOverRefusal(host: HostRoot, tree: SysfsTree, onlyHolders: Bool = false) -> (PCIAddress) -> String? {
        { a in
            guard let present = try? tree.addresses() else { return "the PCI devices under \(tree.root) could not be read" }
            if let d = tree.driver(a), HostNames.passthroughDrivers.contains(d) { return nil }
            let sources = SafetySources.under(host, tree: tree, mounts: SafetySources.defaultMounts(host), blockClass: nil)
            let inspector = SafetyInspector(tree: tree, present: present, sources: sources, isHidden: { _ in true })
            let s = inspector.inspect(a)
            // onlyHolders (persist): what the next boot cannot start without — storage and the
            // network; a boot GPU or a bridge hidden with --force was the administrator's call.
            let refusals = onlyHolders ? s.refusals.filter { $0.hasPrefix("it holds") || $0.hasPrefix("it carries the host's network") } : s.refusals
            if !refusals.isEmpty { return "the host needs it: " + refusals.joined(separator: "; ") }
            // (persist warns of untraced mounts through hide's review; it does not unbind now.)
            if !onlyHolders, !inspector.untracedHolders.isEmpty, tree.driver(a) != nil {
                return "it is on \(tree.driver(a)!) and " + inspector.untracedHolders.joined(separator: "; ") + ": it might hang from it"
            }
            return nil
        }
    }
}
