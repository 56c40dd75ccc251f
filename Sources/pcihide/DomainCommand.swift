import ArgumentParser
import PCIModel
import PCIOwnership
import PCIState
import SystemIO

struct DomainOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The guest domain id (1-32751).", valueName: "domid"), completion: .domainIds)
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
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            let now = Clock.nowRFC3339()
            let (received, warnings) = try stateOptions.store(try host.resolve()).update { state in
                (try Ownership.start(domain.id, name: name, in: &state, now: now), Ownership.splitSlots(in: state))
            }
            print("domain \(domain.id) started" + (received.isEmpty ? "; it received no device" : "; it received:"))
            received.forEach { print("  \($0)") }
            warnings.forEach { warn($0) }
        }
    }
}

struct DomainKill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Record a domain as dead; its devices go to the next domain started.",
        aliases: ["destroy"]
    )
    @OptionGroup var domain: DomainOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            let freed = try stateOptions.store(try host.resolve()).update { state in
                try Ownership.kill(domain.id, in: &state, now: Clock.nowRFC3339())
            }
            print("domain \(domain.id) killed" + (freed.isEmpty ? "" : "; freed:"))
            freed.forEach { print("  \($0)") }
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
            let state = try stateOptions.store(try host.resolve()).load()
            func owned(_ id: Int) -> [String] { state.hidden.filter { $0.owner == id }.map(\.selection.description) }
            if json {
                writeStandardOutput(JSON.array(state.domains.map { d in
                    .object([("id", .number(Double(d.id))), ("name", d.name.map { .string($0) } ?? .null),
                             ("state", .string("running")), ("started", .string(d.started)),
                             ("devices", .array(owned(d.id).map { .string($0) }))])
                }).serialized())
                return
            }
            for d in state.domains {
                let devices = owned(d.id)
                print("\(d.id)\t\(d.name ?? "-")\trunning since \(d.started)\t\(devices.isEmpty ? "no devices" : devices.joined(separator: " "))")
            }
        }
    }
}
