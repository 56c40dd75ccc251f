import PCIInventory
import PCIModel
import PCIOwnership
import PCIState
import PCIToolstacks
import SystemIO

/// What `assign` prints and warns, and how many attaches failed.
public struct AssignmentResult {
    public var lines: [String]
    public var warnings: [String]
    public var failures: Int
}

/// Giving hidden devices to guests and taking them back, in the ledger and (with a toolstack) in
/// the running guests.
public enum Assignment {
    /// `assign`: the ledger's owners changed under the lock, and with a toolstack the devices
    /// detached from the guest they are taken from (--force) and attached to the new owner, with
    /// no lock held while the toolstack runs. `lines`: what the command prints.
    public static func assign(
        _ sels: [DeviceSelection]?, to domain: Int, force: Bool, handOver: HandOver?, store: StateStore,
        tree: SysfsTree, present: [PCIAddress]
    ) throws -> AssignmentResult {
        let runningNow = try handOver.map { h in try h.toolstack.running() } ?? []
        var lines: [String] = []
        var failures = 0
        var handOff: (target: RunningDomain, given: [DeviceSelection])?
        // A device taken from a running guest (--force) leaves it first, with no lock held
        // while the toolstack runs: which ones is decided under the lock on a copy and marked
        // in flight; the detaches follow; then the ledger, under the lock again.
        if let handOver, force {
            var taking: [(DeviceSelection, RunningDomain, [Placement])] = []
            try store.update { state in
                var scratch = state
                taking = []
                for case .taken(let s, let from) in try Ownership.assign(sels, to: domain, force: force, in: &scratch, now: Clock.nowRFC3339()) {
                    guard let guest = runningNow.first(where: { $0.id == from }) else { continue }
                    taking.append((s, guest, try handOver.placements(of: from, in: state)))
                }
                try InFlight.mark(taking.map(\.0), domain: domain, store: store)
            }
            defer { InFlight.clear(taking.map(\.0), store: store) }
            lines += try handOver.detachAll(taking, store: store)
        }
        let (outcomes, warnings) = try store.update { state in
            handOff = nil
            let outcomes = try Ownership.assign(sels, to: domain, force: force, in: &state, now: Clock.nowRFC3339())
            if let handOver {
                let given = outcomes.compactMap { o -> DeviceSelection? in
                    switch o {
                    case .given(let s), .taken(let s, _): return state.entry(for: s)?.owner == domain ? s : nil
                    case .reserved: return nil
                    }
                }
                if !given.isEmpty {
                    guard let target = runningNow.first(where: { $0.id == domain }) else {
                        throw Failure(.usage, "domain \(domain) is not running in \(handOver.toolstack.name), though the ledger says so: record it dead with 'pcihide domain kill \(domain)' first; nothing was changed")
                    }
                    // Attached once the lock is released (the owners are committed first,
                    // so a second hand-over of the same device sees it taken).
                    handOff = (target, given)
                    try InFlight.mark(given, domain: domain, store: store)
                }
            }
            let splits = Ownership.splitGroups(in: state, present: present, groupOf: tree.iommuGroup)
            if !splits.isEmpty && !force {
                throw Failure(.usage, "refusing: " + splits.joined(separator: "; ") + "; a group goes to one guest (VFIO refuses to start a guest given part of a group: 'group is not viable'); nothing was changed (--force assigns it anyway)")
            }
            let groupWarnings = splits.map { $0 + " (--force): the guest that lacks the rest of the group will not start under VFIO" }
            return (outcomes, Ownership.splitSlots(in: state) + groupWarnings)
        }
        if let handOver, let (target, given) = handOff {
            let r = try handOver.attachOutsideTheLock(given, to: target, store: store)
            lines += r.lines
            failures += r.failures
        }
        var printed: [String] = []
        for o in outcomes {
            switch o {
            case .given(let s): printed.append("\(s) assigned to domain \(domain)")
            case .reserved(let s): printed.append("\(s) reserved for domain \(domain) (it gets it when it starts)")
            case .taken(let s, let from): printed.append("\(s) taken from domain \(from) and assigned to domain \(domain)")
            }
        }
        return AssignmentResult(lines: printed + lines, warnings: warnings, failures: failures)
    }

    /// `release`: the guest that has a device lets go of it before the ledger says it is free,
    /// with no lock held while the toolstack runs: under the lock, what would be released and
    /// from which running guest, marked in flight (so that watch does not attach it back); then
    /// the detaches; then, under the lock again, the release itself. `lines`: what it prints.
    public static func release(_ sels: [DeviceSelection], handOver: HandOver?, store: StateStore) throws -> [String] {
        let runningNow = try handOver.map { h in try h.toolstack.running() } ?? []
        var lines: [String] = []
        var detaching: [(DeviceSelection, RunningDomain, [Placement])] = []
        if let handOver {
            try store.update { state in
                var scratch = state
                detaching = []
                for s in try Ownership.release(sels, in: &scratch, now: Clock.nowRFC3339()) {
                    guard let owner = state.entry(for: s)?.owner, let guest = runningNow.first(where: { $0.id == owner }) else { continue }
                    detaching.append((s, guest, try handOver.placements(of: owner, in: state)))
                }
                try InFlight.mark(detaching.map(\.0), domain: 0, store: store)
            }
            defer { InFlight.clear(detaching.map(\.0), store: store) }
            lines += try handOver.detachAll(detaching, store: store)
        }
        let done = try store.update { state in try Ownership.release(sels, in: &state, now: Clock.nowRFC3339()) }
        return done.map { "\($0) released" } + lines
    }

    /// `domain start`: the domain recorded as running with the free devices its policy gives it,
    /// under the lock; with a toolstack, attached to `target` after the lock is released.
    public static func start(_ domain: Int, name: String?, handOver: HandOver?, target: RunningDomain?, store: StateStore, now: String) throws -> AssignmentResult {
        // The ledger decides under the lock; the toolstack runs after it is released.
        let (got, warnings): ([DeviceSelection], [String]) = try store.update { state in
            let got = try Ownership.start(domain, name: name, in: &state, now: now)
            if handOver != nil { try InFlight.mark(got, domain: domain, store: store) }
            return (got, Ownership.splitSlots(in: state))
        }
        var lines: [String] = []
        var failures = 0
        if let handOver, let target {
            let r = try handOver.attachOutsideTheLock(got, to: target, store: store)
            lines = r.lines
            failures = r.failures
        }
        let received = (try? store.load()).map { state in got.filter { state.entry(for: $0)?.owner == domain } } ?? got
        let printed = ["domain \(domain) started" + (received.isEmpty ? "; it received no device" : "; it received:")] + received.map { "  \($0)" }
        return AssignmentResult(lines: printed + lines, warnings: warnings, failures: failures)
    }

    /// `domain kill`: the domain recorded as dead; its devices are free for the next one started.
    public static func kill(_ domain: Int, store: StateStore) throws -> [String] {
        let freed = try store.update { state in try Ownership.kill(domain, in: &state, now: Clock.nowRFC3339()) }
        return ["domain \(domain) killed" + (freed.isEmpty ? "" : "; freed:")] + freed.map { "  \($0)" }
    }

    /// `policy`: how the devices are handed over, auto (the 2005 rule) or manual.
    public static func setPolicy(_ sels: [DeviceSelection], manual: Bool, store: StateStore) throws -> [String] {
        let done = try store.update { state in try Ownership.setPolicy(sels, manual: manual, in: &state) }
        return done.map { "\($0) policy \(manual ? "manual" : "auto")" }
    }
}
