import PCIInventory
import PCIModel
import PCIOwnership
import PCIReadiness
import PCIState
import PCIToolstacks
import SystemIO

/// The toolstacks a hand-over can go through.
public enum ToolstackName: String, CaseIterable, Sendable { case xl, libvirt }

/// Attaches and detaches what the ledger decided, keeping ledger and toolstack in agreement: a
/// device whose attach fails stays free in the ledger, and the message says what to do.
public struct HandOver {
    public let toolstack: Toolstack
    public let source: InventorySource
    /// Why a device must not be attached now (HideSafety.handOverRefusal); nil: it may.
    public var refusal: (PCIAddress) -> String? = { _ in nil }

    public init(toolstack: Toolstack, source: InventorySource, refusal: @escaping (PCIAddress) -> String? = { _ in nil }) {
        self.toolstack = toolstack; self.source = source; self.refusal = refusal
    }

    public static func toolstack(_ name: ToolstackName) throws -> Toolstack {
        switch name {
        case .xl: return XL()
        case .libvirt: return Virsh()
        }
    }

    /// The toolstack's running domain with this id (nil when it does not run there).
    public func running(_ id: Int) throws(Failure) -> RunningDomain? {
        try toolstack.running().first { $0.id == id }
    }

    /// Attaches the entries `received` now owned by `domain` at the guest addresses emu shows;
    /// an entry that cannot be attached goes back to free. Returns one line per device.
    public func attach(_ received: [DeviceSelection], to domain: RunningDomain, in state: inout PCIHideState) -> (lines: [String], attached: [(DeviceSelection, Placement)], failures: Int) {
        guard !received.isEmpty else { return ([], [], 0) }
        var failures = 0
        var lines: [String] = []
        var attached: [(DeviceSelection, Placement)] = []
        let entries = state.hidden.filter { $0.owner == domain.id }
        let guest: Guest
        do {
            guest = try Guest(wanted: entries.map { ($0.selection, $0.vslot, $0.permissive ?? false) }, source: source, idsFile: nil)
        } catch {
            for s in received { state.update(s) { $0.owner = nil } }
            return (["cannot place the devices of domain \(domain.id) in its guest (\(error)); they stay free"], [], received.count)
        }
        let placed = GuestConfig.placements(guest)
        let tree = SysfsTree(root: source.path)
        // What the guests already hold, by the toolstack's word: after a crash or a restart the
        // ledger may not know of an attach that happened. Unknown when it cannot be asked.
        let held = try? toolstack.holders()
        for s in received {
            let mine = placed.filter { s.matches($0.host) }
            guard let first = mine.first else { continue }
            // Never hand over a device that is not the one hidden (a card added renumbered the bus).
            if let r = tree.renumbering(at: s.address, recorded: state.entry(for: s)?.identity) {
                state.update(s) { $0.owner = nil }
                lines.append("refusing to attach \(s): \(r.text); it stays free (pcihide verify says where the recorded one is)")
                continue
            }
            // Never hand over what the host still uses (a device hidden with --force, or one that
            // came to hold a mount after it was hidden): it stays free.
            if let why = mine.lazy.compactMap({ p in self.refusal(p.host).map { s.isWildcard ? "\(p.host): \($0)" : $0 } }).first {
                state.update(s) { $0.owner = nil }
                lines.append("refusing to attach \(s) to domain \(domain.id): \(why); it stays free (release it from the host first: pcihide hide --now)")
                continue
            }
            let spec = s.isWildcard ? "\(hex(s.domain, 4)):\(hex(s.bus, 2)):\(s.device.map { hex($0, 2) } ?? "*").*@\(hex(first.slot, 2))" : "\(first.host)@\(hex(first.slot, 2))"
            if let held {
                let holders = Set(mine.compactMap { held[$0.host] })
                if holders == [domain.id] && mine.allSatisfy({ held[$0.host] == domain.id }) {
                    lines.append("\(s) is already in domain \(domain.id) (\(toolstack.name) says so): recorded, not attached twice")
                    continue
                }
                if let other = holders.first(where: { $0 != domain.id }) {
                    state.update(s) { $0.owner = nil }
                    lines.append("not attaching \(s) to domain \(domain.id): \(toolstack.name) says domain \(other) holds it; it stays free in the ledger (pcihide owners --toolstack \(toolstack is XL ? "xl" : "libvirt") shows both views)")
                    failures += 1
                    continue
                }
            }
            // All or nothing: the functions of one entry go to the guest together, or none does.
            var mineAttached: [(DeviceSelection, Placement)] = []
            do {
                for p in (toolstack is XL ? [first] : mine) {
                    try toolstack.attach(p.host, to: domain, xlSpec: spec + (state.entry(for: s)?.xlOptionText ?? ""), hostdevXML: GuestConfig.libvirt([p]))
                    mineAttached.append((s, p))
                }
                attached += mineAttached
                lines.append("attached \(s) to domain \(domain.id) at guest 00:\(hex(first.slot, 2)).\(first.function) (\(toolstack.name))")
            } catch {
                failures += 1
                var undone: [String] = []
                for (_, p) in mineAttached.reversed() {
                    do { try toolstack.detach(p.host, from: domain, hostdevXML: GuestConfig.libvirt([p])); undone.append(p.host.description) } catch {
                        lines.append("could not detach \(p.host) from domain \(domain.id) again: \(error.message); the guest holds it, the ledger says free: detach it by hand")
                    }
                }
                if !undone.isEmpty { lines.append("detached \(undone.reversed().joined(separator: ", ")) from domain \(domain.id) again: the functions of \(s) go together or not at all") }
                state.update(s) { $0.owner = nil }
                // Xen gives a domain an IOMMU context only when it is created with passthrough on:
                // a guest started without it can never receive a device (xc_assign_device fails).
                let hint = toolstack is XL ? "; a Xen guest receives devices after its start only when its xl.cfg has passthrough = \"enabled\" (or a pci = [...] line)" : ""
                lines.append("could not attach \(s) to domain \(domain.id) through \(toolstack.name): \(error.message); it stays free in the ledger (attach it by hand, or release and retry)" + hint)
            }
        }
        return (lines, attached, failures)
    }

    /// `attach` with no lock held while the toolstack runs: the caller has already committed what
    /// the ledger decided (the owners set under the lock, so a second hand-over of the same device
    /// sees it taken); the attaches run against a copy; what could not be attached is freed under
    /// the lock again, if that domain still owns it. A crash in between leaves the ledger saying
    /// the guest owns what it may not hold: the next hand-over asks the toolstack (`holders`).
    public func attachOutsideTheLock(_ got: [DeviceSelection], to domain: RunningDomain, store: StateStore) throws -> (lines: [String], attached: [(DeviceSelection, Placement)], failures: Int) {
        guard !got.isEmpty else { return ([], [], 0) }
        // The markers the caller wrote with the owners (InFlight) go once the attaches are done.
        defer { InFlight.clear(got, store: store) }
        var scratch = try store.load()
        let r = attach(got, to: domain, in: &scratch)
        let freed = got.filter { s in scratch.entry(for: s)?.owner != domain.id }
        if !freed.isEmpty {
            do {
                try store.update { state in
                    for s in freed where state.entry(for: s)?.owner == domain.id { state.update(s) { $0.owner = nil } }
                }
            } catch {
                undo(r.attached, from: domain)
                throw error
            }
        }
        return r
    }

    /// Where the devices of `domain` sit in its guest, as emu places them from the ledger.
    public func placements(of domain: Int, in state: PCIHideState) throws -> [Placement] {
        let entries = state.hidden.filter { $0.owner == domain }
        guard !entries.isEmpty else { return [] }
        return GuestConfig.placements(try Guest(wanted: entries.map { ($0.selection, $0.vslot, $0.permissive ?? false) }, source: source, idsFile: nil))
    }

    /// Detaches a device from the running guest that has it; throws with the toolstack's reason.
    public func detach(_ s: DeviceSelection, from domain: RunningDomain, placed: [Placement]) throws(Failure) -> [Placement] {
        let mine = placed.filter { s.matches($0.host) }
        for p in mine {
            do { try toolstack.detach(p.host, from: domain, hostdevXML: GuestConfig.libvirt([p])) } catch {
                throw Failure(error.exitStatus, "cannot detach \(p.host) from domain \(domain.id) through \(toolstack.name): \(error.message); the ledger was not changed")
            }
        }
        return mine
    }

    /// Detaches devices from their running guests with no lock held (the caller marked them in
    /// flight under it). A failure frees in the ledger what left its guest before it (as the
    /// hardware is) and throws; the rest of the ledger is left as it was.
    public func detachAll(_ items: [(DeviceSelection, RunningDomain, [Placement])], store: StateStore) throws(Failure) -> [String] {
        var lines: [String] = []
        var detached: [DeviceSelection] = []
        for (s, guest, placed) in items {
            do throws(Failure) { _ = try detach(s, from: guest, placed: placed) } catch {
                if !detached.isEmpty { _ = try? store.update { state in try Ownership.release(detached, in: &state, now: Clock.nowRFC3339()) } }
                throw Failure(error.exitStatus, error.message + (detached.isEmpty ? "" : "; freed what was detached before it: " + detached.map(\.description).joined(separator: ", ")))
            }
            detached.append(s)
            lines.append("detached \(s) from domain \(guest.id) (\(toolstack.name))")
        }
        return lines
    }

    /// Takes back attaches whose ledger change could not be written.
    public func undo(_ attached: [(DeviceSelection, Placement)], from domain: RunningDomain) {
        for (_, p) in attached.reversed() {
            try? toolstack.detach(p.host, from: domain, hostdevXML: GuestConfig.libvirt([p]))
        }
    }
}
