import ArgumentParser
import PCIActions
import PCIInventory
import PCIModel
import SystemIO

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
            let sels = specs.isEmpty ? nil : try HiddenSetChange.selections(specs)
            // Groups come from the tree; without one, nothing can be said about them.
            let tree = try source.tree(host)
            let present = (try? tree.addresses()) ?? []
            if !Files.isReadableDirectory(tree.devicesDirectory) {
                warn("cannot read \(tree.devicesDirectory): whether this splits an IOMMU group between domains was not checked")
            }
            let store = try stateOptions.store(host)
            let handOver = try apply.make().map { HandOver(toolstack: $0, source: .sysfs(tree.root), refusal: HideSafety.handOverRefusal(host: host, tree: tree)) }
            let r = try Assignment.assign(sels, to: domain, force: force, handOver: handOver, store: store, tree: tree, present: present)
            r.lines.forEach { print($0) }
            r.warnings.forEach { warn($0) }
            if r.failures > 0 { throw ExitCode(ExitStatus.unavailable.rawValue) }
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
            let sels = try HiddenSetChange.selections(specs)
            let host = try self.host.resolve()
            let handOver = try apply.make().map { HandOver(toolstack: $0, source: .sysfs(try SysfsTree.resolveRoot(option: nil, host: host)), refusal: HideSafety.handOverRefusal(host: host, tree: try SysfsTree.resolve(option: nil, host: host))) }
            let store = try stateOptions.store(host)
            try Assignment.release(sels, handOver: handOver, store: store).forEach { print($0) }
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
            let sels = try HiddenSetChange.selections(specs)
            try Assignment.setPolicy(sels, manual: manual, store: try stateOptions.store(try host.resolve())).forEach { print($0) }
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
            let (output, notes) = try HistoryView.render(store: store, check: check, json: json)
            writeStandardOutput(output)
            notes.forEach { note($0) }
        }
    }
}
