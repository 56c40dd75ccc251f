import ArgumentParser
import PCIActions
import PCIInventory
import PCIModel
import PCIToolstacks
import SystemIO

/// The domain `domain start` records: completion offers the domains with devices reserved that
/// are not running (starting a running one is an error).
struct DomainOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The guest domain id (1-32751).", valueName: "domid"), completion: .startableDomainIds)
    var id: Int
}

/// The domain `domain kill` records as dead: completion offers only running domains.
struct RunningDomainOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The guest domain id (1-32751).", valueName: "domid"), completion: .runningDomainIds)
    var id: Int
}

struct Domain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record guest domains starting and dying; hidden devices are handed over by policy.",
        subcommands: [DomainStart.self, DomainKill.self, DomainList.self]
    )
}

struct DomainStart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Record a domain as running and hand it every free hidden device its policy allows."
    )
    @OptionGroup var domain: DomainOptions
    @Option(help: "A name for the domain.") var name: String?
    @OptionGroup var apply: ToolstackOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            let now = Clock.nowRFC3339()
            let host = try self.host.resolve()
            let store = try stateOptions.store(host)
            var handOver: HandOver?
            var target: RunningDomain?
            if let ts = try apply.make() {
                let h = HandOver(toolstack: ts, source: try InventorySource(sysfs: nil, dumpFile: nil, host: host), refusal: HideSafety.handOverRefusal(host: host, tree: try SysfsTree.resolve(option: nil, host: host)))
                guard let running = try h.running(domain.id) else {
                    throw Failure(.usage, "domain \(domain.id) is not running in \(ts.name): start the guest first, then record it (nothing was changed)")
                }
                handOver = h
                target = RunningDomain(id: running.id, name: name ?? running.name)
            }
            let r = try Assignment.start(domain.id, name: name, handOver: handOver, target: target, store: store, now: now)
            r.lines.forEach { print($0) }
            r.warnings.forEach { warn($0) }
            // The ledger says what the guest holds; the exit says that not all went over.
            if r.failures > 0 { throw ExitCode(ExitStatus.unavailable.rawValue) }
        }
    }
}

struct DomainKill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Record a domain as dead; its devices go to the next domain started.",
        discussion: """
            With --apply, a domain the toolstack still runs is refused (nothing changes): its \
            devices stay with it until it is destroyed or shut down, when the toolstack detaches \
            them itself. To take a device from a running guest, use release --apply (it detaches).
            """,
        aliases: ["destroy"]
    )
    @OptionGroup var domain: RunningDomainOptions
    @OptionGroup var apply: ToolstackOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            // Its devices go to the next guest only once it is gone: the toolstack detaches a
            // dead guest's devices itself, and a guest still running keeps them.
            if let ts = try apply.make(), try HandOver(toolstack: ts, source: .sysfs("/")).running(domain.id) != nil {
                throw Failure(.usage, "domain \(domain.id) is still running in \(ts.name): destroy or shut it down first; its devices stay with it (nothing was changed)")
            }
            try Assignment.kill(domain.id, store: try stateOptions.store(try host.resolve())).forEach { print($0) }
        }
    }
}

struct DomainList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the running domains.")
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            writeStandardOutput(DomainView.render(try stateOptions.store(try host.resolve()).load(), json: json))
        }
    }
}
