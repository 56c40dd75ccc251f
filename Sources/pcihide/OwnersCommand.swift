import PCIActions
import ArgumentParser
import PCIInventory
import PCIModel
import PCIOwnership
import PCIToolstacks
import PCIState
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
                let devices = toolstack == .xl ? try XLToolstack.devices(run: Command.output)
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
            // Names are a courtesy: without a readable inventory the rows still show.
            let inventory = try? Inventory(source: .sysfs(try source.tree(host).root))
            func name(_ e: HiddenEntry) -> String? {
                guard let a = e.selection.address, let inv = inventory, let d = inv.device(a) else { return nil }
                return inv.vendorDeviceName(d)
            }
            // In effect: every present device of the entry is held by a passthrough driver.
            let tree = try? source.tree(host)
            let present = (try? tree?.addresses()) ?? nil
            func effect(_ e: HiddenEntry) -> (Bool?, String) {
                guard let tree, let present else { return (nil, "unknown") }
                let devices = present.filter { e.selection.matches($0) }
                if devices.isEmpty { return (false, "no (not present)") }
                let holders = devices.compactMap { a -> String? in
                    let d = tree.driver(a)
                    return d.map(HostNames.passthroughDrivers.contains) == true ? nil : (d ?? "no driver")
                }
                return holders.isEmpty ? (true, "yes") : (false, "no (" + Set(holders).sorted().joined(separator: ", ") + " has it)")
            }
            if json {
                writeStandardOutput(JSONDocument.render("owners", "devices", state.hidden.map { e in
                    .object(JSONDocument.selection(e.selection) + [("deviceName", JSONDocument.string(name(e)))]
                            + JSONDocument.ledger(e, in: state)
                            + JSONDocument.policy(e.policy, in: state)
                            + [("since", .string(e.ownerSince ?? e.since)), ("inEffect", JSONDocument.bool(effect(e).0))])
                }))
                return
            }
            var rows = [["DEVICE", "NAME", "OWNER", "POLICY", "SINCE", "IN EFFECT"]]
            for e in state.hidden {
                rows.append([e.selection.description, name(e) ?? "-", Ownership.ownerText(e, in: state), e.policy.name, e.ownerSince ?? e.since, effect(e).1])
            }
            let widths = (0..<6).map { c in rows.map { $0[c].count }.max()! }
            for r in rows {
                print(r.enumerated().map { c, v in c == 5 ? v : v + String(repeating: " ", count: widths[c] - v.count) }.joined(separator: "  "))
            }
        }
    }
}

enum OwnershipSource: String, ExpressibleByArgument, CaseIterable {
    case state, xl, libvirt
}

