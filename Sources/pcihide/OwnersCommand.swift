import ArgumentParser
import PCIActions
import PCIToolstacks
import SystemIO

struct Owners: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show who owns each hidden device: address, name, owner, policy, since.")
    @Flag(help: "Print JSON.") var json = false
    @Option(help: ArgumentHelp("Where ownership comes from: state (pcihide's ledger), or xl (xl pci-assignable-list, xl list, xl pci-list) or libvirt (virsh list, virsh dumpxml) beside the ledger, with the devices where they disagree marked.", valueName: "source"))
    var toolstack: OwnershipSource = .state
    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func run() throws {
        try reporting {
            try timeouts.apply()
            let host = try self.host.resolve()
            if toolstack != .state {
                let devices =
                    toolstack == .xl
                    ? try XLToolstack.devices(run: Command.output)
                    : try Virsh().devices()
                // The ledger is read, never written: a missing state file is an empty ledger.
                let state = try stateOptions.store(host).load()
                let view = XLOwners(devices: devices, state: state)
                writeStandardOutput(json ? JSONDocument.render("owners", "devices", view.json(), extra: [("toolstack", .string(toolstack.rawValue))]) : view.table())
                let disagree = view.rows.filter { !$0.agrees }.count
                if disagree > 0 {
                    note("\(disagree) device\(disagree == 1 ? "" : "s") where \(toolstack.rawValue) and the ledger disagree (marked !): the ledger follows the toolstack after 'pcihide watch' or 'domain start/kill'")
                }
                return
            }
            let state = try stateOptions.store(host).load()
            writeStandardOutput(OwnersView.render(state: state, tree: try? source.tree(host), json: json))
        }
    }
}

enum OwnershipSource: String, ExpressibleByArgument, CaseIterable {
    case state, xl, libvirt
}
