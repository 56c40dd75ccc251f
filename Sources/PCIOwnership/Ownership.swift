import PCIModel
import PCIState

/// The hand-over rules: which guest domain owns each hidden device.
///
/// The default policy is the 2005 prototype's: a hidden device goes to the first domain started,
/// and after its owner is killed, to the next domain started afterwards (never to one already
/// running). `assign` pins devices to a domain; `manual` devices are never handed over by themselves.
public enum Ownership {
    /// Checks a domain id: 0 is dom0, which can own nothing; ids from 0x7ff0 are Xen's.
    public static func validate(domain id: Int) throws(Failure) {
        if id == 0 { throw Failure(.usage, "domain 0 is dom0, which hides devices and cannot own them; give a guest domain id 1-32751") }
        if id < 0 { throw Failure(.usage, "domain \(id) is not a domain id; give 1-32751") }
        if id > GuestDomain.validIds.upperBound {
            throw Failure(.usage, "domain \(id) (0x\(hex(id, 4))) is reserved by Xen (ids from 0x7ff0); give 1-32751")
        }
    }

    /// The longest domain name kept (xl allows 64 bytes less the terminator).
    public static let maxNameLength = 63

    /// Checks a domain name: printable characters only (a newline would forge a history line,
    /// an ESC sequence would reach the terminal through owners and history), at most 63 bytes.
    public static func validate(name: String) throws(Failure) {
        if name.isEmpty { throw Failure(.usage, "--name needs a value") }
        if name.utf8.count > maxNameLength { throw Failure(.usage, "the domain name is \(name.utf8.count) bytes long; at most \(maxNameLength) are allowed") }
        if let (k, c) = HostNames.firstControlCharacter(in: name) {
            throw Failure(.usage, "character \(k + 1) of the domain name is U+\(hex(c.value, 4)), a control character; a name is printable characters only")
        }
    }

    /// Records `id` as running and hands it every free auto device and every device pinned to it.
    /// Returns what it received.
    public static func start(_ id: Int, name: String?, in state: inout PCIHideState, now: String) throws(Failure) -> [DeviceSelection] {
        try validate(domain: id)
        if let name { try validate(name: name) }
        if let d = state.domain(id) {
            throw Failure(.usage, "domain \(d.label) is already running (since \(d.started)); kill it first")
        }
        if let name, let other = state.domains.first(where: { $0.name == name }) {
            throw Failure(.usage, "the name '\(name)' is taken by running domain \(other.id)")
        }
        state.domains.append(GuestDomain(id: id, name: name, started: now))
        state.domains.sort { $0.id < $1.id }
        var received: [DeviceSelection] = []
        for e in state.hidden where e.owner == nil {
            // A function never gets a second owner, even from a file whose entries overlap.
            if state.overlapping(e).contains(where: { $0.owner != nil }) { continue }
            let gets: Bool
            switch e.policy {
            case .auto: gets = true
            case .pinned(let d): gets = d == id
            case .manual: gets = false
            }
            if gets {
                state.update(e.selection) {
                    $0.owner = id; $0.ownerSince = now
                }
                received.append(e.selection)
            }
        }
        return received
    }

    /// Records `id` as dead: its devices become free (pinned ones stay reserved for it).
    public static func kill(_ id: Int, in state: inout PCIHideState, now: String) throws(Failure) -> [DeviceSelection] {
        try validate(domain: id)
        guard state.domain(id) != nil else {
            throw Failure(.usage, "domain \(id) is not running (pcihide domain list shows the running ones)")
        }
        state.domains.removeAll { $0.id == id }
        let freed = state.hidden.filter { $0.owner == id }.map(\.selection)
        for s in freed {
            state.update(s) {
                $0.owner = nil; $0.ownerSince = now
            }
        }
        return freed
    }

    /// The hidden entry a selection refers to: the exact one, or the wildcard that covers it.
    public static func entry(_ s: DeviceSelection, in state: PCIHideState) throws(Failure) -> HiddenEntry {
        if let e = state.entry(for: s) ?? state.covering(s) { return e }
        throw Failure(.usage, "\(s) is not hidden; hide it first with 'pcihide hide \(s)'")
    }

    public enum AssignOutcome: Equatable, Sendable {
        case given(DeviceSelection)
        case reserved(DeviceSelection)
        case taken(DeviceSelection, from: Int)
    }

    /// Gives the named hidden devices (nil: every free hidden device) to `id`: now if it runs,
    /// else at its next start. A device of another running domain is refused unless `force`.
    public static func assign(
        _ selections: [DeviceSelection]?, to id: Int, force: Bool,
        in state: inout PCIHideState, now: String
    ) throws(Failure) -> [AssignOutcome] {
        try validate(domain: id)
        var entries: [HiddenEntry] = []
        if let selections {
            for s in selections {
                let e = try entry(s, in: state)
                if !entries.contains(where: { $0.selection == e.selection }) { entries.append(e) }
            }
        } else {
            entries = state.hidden.filter { $0.owner == nil && $0.reservedFor == nil }
            if entries.isEmpty { throw Failure(.usage, "no free hidden device to assign (pcihide owners shows who has them)") }
        }
        for e in entries {
            if let o = e.owner, o != id, state.domain(o) != nil, !force {
                throw Failure(.usage, "\(e.selection) is owned by running domain \(state.domain(o)!.label); add --force to take it from that domain")
            }
        }
        let running = state.domain(id) != nil
        var outcomes: [AssignOutcome] = []
        for e in entries {
            let previous = e.owner
            state.update(e.selection) { entry in
                entry.policy = .pinned(id)
                if running {
                    if entry.owner != id { entry.ownerSince = now }
                    entry.owner = id
                } else if entry.owner != nil {
                    // Taken from its owner (forced) or from a dead owner: free until id starts.
                    entry.owner = nil
                    entry.ownerSince = now
                }
            }
            if let p = previous, p != id, running { outcomes.append(.taken(e.selection, from: p)) } else { outcomes.append(running ? .given(e.selection) : .reserved(e.selection)) }
        }
        return outcomes
    }

    /// Frees devices: no owner, and pinned ones return to the default policy.
    public static func release(_ selections: [DeviceSelection], in state: inout PCIHideState, now: String) throws(Failure) -> [DeviceSelection] {
        var done: [DeviceSelection] = []
        for s in selections {
            let e = try entry(s, in: state)
            state.update(e.selection) { entry in
                if entry.owner != nil { entry.ownerSince = now }
                entry.owner = nil
                if case .pinned = entry.policy { entry.policy = .auto }
            }
            done.append(e.selection)
        }
        return done
    }

    public static func setPolicy(_ selections: [DeviceSelection], manual: Bool, in state: inout PCIHideState) throws(Failure) -> [DeviceSelection] {
        var done: [DeviceSelection] = []
        for s in selections {
            let e = try entry(s, in: state)
            state.update(e.selection) { $0.policy = manual ? .manual : .auto }
            done.append(e.selection)
        }
        return done
    }

    /// Describes who has a device: `domain 3 (web)`, `reserved for domain 5`, `free`.
    public static func ownerText(_ e: HiddenEntry, in state: PCIHideState) -> String {
        if let o = e.owner { return "domain " + (state.domain(o)?.label ?? String(o)) }
        if let r = e.reservedFor { return "reserved for domain \(r)" }
        return "free"
    }

    /// IOMMU groups whose hidden devices would go to more than one domain (owned or reserved).
    /// A group goes to one guest: VFIO refuses to start a guest given part of one ("group N is
    /// not viable"). `present`: the devices on the host; `groupOf`: a device's group, if any.
    public static func splitGroups(in state: PCIHideState, present: [PCIAddress], groupOf: (PCIAddress) -> String?) -> [String] {
        // Only entries someone holds matter, and they are few: look those up among the present
        // devices, instead of looking every present device up in the hidden set.
        let isPresent = Set(present)
        var holders: [String: [(PCIAddress, Int)]] = [:]
        for e in state.hidden {
            guard let holder = e.owner ?? e.reservedFor else { continue }
            let covered = e.selection.address.map { isPresent.contains($0) ? [$0] : [] } ?? present.filter { e.selection.matches($0) }
            for a in covered where state.entry(hiding: a)?.selection == e.selection {
                if let g = groupOf(a) { holders[g, default: []].append((a, holder)) }
            }
        }
        return holders.keys.sorted().compactMap { g in
            let list = holders[g]!.sorted { $0.0 < $1.0 }
            guard Set(list.map(\.1)).count > 1 else { return nil }
            return "IOMMU group \(g) would be split: " + list.map { "\($0.0) to domain \($0.1)" }.joined(separator: ", ")
        }
    }

    /// Slots whose hidden functions are not all with the same owner: functions of one
    /// multi-function device are normally handed over together.
    public static func splitSlots(in state: PCIHideState) -> [String] {
        // The hidden set is sorted by address, so the functions of a slot sit side by side
        // (a wildcard sorts before them and is skipped): one pass, and text only for a split.
        func holder(_ e: HiddenEntry) -> (Int, Int) {
            if let o = e.owner { return (1, o) }
            if let r = e.reservedFor { return (2, r) }
            return (0, 0)
        }
        var messages: [String] = []
        let hidden = state.hidden
        var k = 0
        while k < hidden.count {
            guard let slot = hidden[k].selection.address?.slot else { k += 1; continue }
            var end = k + 1, split = false
            while end < hidden.count, let a = hidden[end].selection.address, a.slot == slot {
                if holder(hidden[end]) != holder(hidden[k]) { split = true }
                end += 1
            }
            if split {
                messages.append(
                    "the functions of slot \(slot) are split: "
                        + hidden[k..<end].map { "\($0.selection.description) \(ownerText($0, in: state))" }.joined(separator: ", "))
            }
            k = end
        }
        return messages
    }
}
