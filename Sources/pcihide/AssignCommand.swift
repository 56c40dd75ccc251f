import PCIActions
import ArgumentParser
import PCIModel
import PCIOwnership
import PCISpec
import PCIInventory
import PCIState
import PCIToolstacks
import SystemIO

/// Parses specs as hide does, for the ownership commands.
func selections(_ specs: [String]) throws -> [DeviceSelection] {
    try HiddenSetChange.entries(from: SpecParser.parseAll(specs)).map(\.selection)
}

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give hidden devices to a guest domain (now if it runs, else at its next start).",
        discussion: "Without SPEC, every free hidden device. A device owned by another running domain, or an assignment that would split an IOMMU group between domains, is refused unless --force."
    )
    @Argument(help: ArgumentHelp("Hidden devices.", valueName: "spec"), completion: .hiddenDevices) var specs: [String] = []
    @Option(help: ArgumentHelp("The guest domain id (1-32751).", valueName: "domid"), completion: .domainIds) var domain: Int
    @Flag(help: "Take devices from the running domain that owns them, or split an IOMMU group between domains.") var force = false
    @OptionGroup var apply: ToolstackOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func run() throws {
        try reporting {
            let host = try self.host.resolve()
            let sels = specs.isEmpty ? nil : try selections(specs)
            // Groups come from the tree; without one, nothing can be said about them.
            let tree = try source.tree(host)
            let present = (try? tree.addresses()) ?? []
            if !Files.isReadableDirectory(tree.devicesDirectory) {
                warn("cannot read \(tree.devicesDirectory): whether this splits an IOMMU group between domains was not checked")
            }
            let store = try stateOptions.store(host)
            let handOver = try apply.make().map { HandOver(toolstack: $0, source: .sysfs(tree.root), refusal: HideSafety.handOverRefusal(host: host, tree: tree)) }
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
                        switch o { case .given(let s), .taken(let s, _): return state.entry(for: s)?.owner == domain ? s : nil; case .reserved: return nil }
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
            for o in outcomes {
                switch o {
                case .given(let s): print("\(s) assigned to domain \(domain)")
                case .reserved(let s): print("\(s) reserved for domain \(domain) (it gets it when it starts)")
                case .taken(let s, let from): print("\(s) taken from domain \(from) and assigned to domain \(domain)")
                }
            }
            lines.forEach { print($0) }
            warnings.forEach { warn($0) }
            if failures > 0 { throw ExitCode(ExitStatus.unavailable.rawValue) }
        }
    }
}

struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Free hidden devices from their owner (pinned devices return to the default policy).")
    @Argument(help: ArgumentHelp("Hidden devices.", valueName: "spec"), completion: .hiddenDevices) var specs: [String]
    @OptionGroup var apply: ToolstackOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            let sels = try selections(specs)
            let host = try self.host.resolve()
            let handOver = try apply.make().map { HandOver(toolstack: $0, source: .sysfs(try SysfsTree.resolveRoot(option: nil, host: host)), refusal: HideSafety.handOverRefusal(host: host, tree: try SysfsTree.resolve(option: nil, host: host))) }
            let runningNow = try handOver.map { h in try h.toolstack.running() } ?? []
            var lines: [String] = []
            let store = try stateOptions.store(host)
            // The guest that has a device lets go of it before the ledger says it is free, with no
            // lock held while the toolstack runs: under the lock, what would be released and from
            // which running guest, marked in flight (so that watch does not attach it back); then
            // the detaches; then, under the lock again, the release itself.
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
            done.forEach { print("\($0) released") }
            lines.forEach { print($0) }
        }
    }
}

struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Set how hidden devices are handed over: --auto (the 2005 rule) or --manual (never by itself).")
    @Argument(help: ArgumentHelp("Hidden devices.", valueName: "spec"), completion: .hiddenDevices) var specs: [String]
    @Flag(help: "The first domain started gets it; after its owner dies, the next one started.") var auto = false
    @Flag(help: "Never handed over automatically; only by assign.") var manual = false
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func validate() throws {
        if auto == manual { throw ValidationError("give exactly one of --auto and --manual") }
    }

    func run() throws {
        try reporting {
            let sels = try selections(specs)
            let done = try stateOptions.store(try host.resolve()).update { state in
                try Ownership.setPolicy(sels, manual: manual, in: &state)
            }
            done.forEach { print("\($0) policy \(manual ? "manual" : "auto")") }
        }
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show every change to the hidden set and ownership, oldest first.")
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    @Flag(help: "Replay the history from nothing and say whether it arrives at the state file (exit 65 at the first line that cannot follow from those before it, or when it arrives elsewhere).")
    var check = false
    @Flag(help: "Print JSON (schema in the man page): each change's time, transaction, event and text.")
    var json = false

    func validate() throws {
        if json && check { throw ValidationError("--json lists the history; --check replays it: choose one") }
    }

    func run() throws {
        try reporting {
            let store = try stateOptions.store(try host.resolve())
            let record = try store.historyRecord()
            if check {
                let replayed: HistoryReplay
                do { replayed = try HistoryReplay.replay(record.committed) } catch {
                    throw Failure(.dataError, "\(store.historyPath): \(error)")
                }
                guard replayed == HistoryReplay(try store.load()) else {
                    throw Failure(.dataError, "\(store.historyPath) does not arrive at the state in \(store.path) (was the state file restored or edited by hand?)")
                }
                print("the history (\(record.committed.count) lines) arrives at the state in \(store.path)")
                return
            }
            if json {
                writeStandardOutput(JSONDocument.render("history", "changes", record.committed.map { l in
                    let words = l.text.split(separator: " ", maxSplits: 1)
                    return .object([("time", .string(l.time)), ("transaction", .number(Double(l.transaction))),
                                    ("event", .string(words.first.map(String.init) ?? "")), ("text", .string(l.text))])
                }, extra: [("uncommitted", .number(Double(record.uncommitted)))]))
            } else {
                writeStandardOutput(record.committed.map { $0.line + "\n" }.joined())
            }
            if record.uncommitted > 0 {
                note("\(record.uncommitted) line\(record.uncommitted == 1 ? "" : "s") of the history describe changes that did not take effect (a run stopped before writing the state file) and are not shown")
            }
        }
    }
}
