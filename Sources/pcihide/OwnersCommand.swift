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

/// `owners --toolstack xl|libvirt`: the devices the toolstack reports, one row each, beside what
/// the ledger says of them.
struct XLOwners {
    struct Row {
        var device: XLToolstack.Device
        /// The ledger's word: `domain 1 (web)`, `free`, `reserved for domain 4`, `not hidden`.
        var ledger: String
        var agrees: Bool
    }
    var rows: [Row] = []

    init(devices: [XLToolstack.Device], state: PCIHideState) {
        for d in devices {
            let entry = state.entry(hiding: d.address)
            let ledger = entry.map { Ownership.ownerText($0, in: state) } ?? "not hidden"
            // Attached to a domain: the ledger must name that domain. Assignable (free in the
            // toolstack): the ledger must not give it to a domain.
            let agrees = d.domain.map { entry?.owner == $0 } ?? (entry?.owner == nil)
            rows.append(Row(device: d, ledger: ledger, agrees: agrees))
        }
        // Devices the ledger gives to a domain but the toolstack does not show attached.
        for e in state.hidden where e.owner != nil {
            guard let a = e.selection.address, !devices.contains(where: { $0.address == a }) else { continue }
            rows.append(Row(device: XLToolstack.Device(address: a), ledger: Ownership.ownerText(e, in: state), agrees: false))
        }
        rows.sort { $0.device.address < $1.device.address }
    }

    func table() -> String {
        var cells = [["DEVICE", "OWNER", "VDEV", "LEDGER"]]
        for r in rows { cells.append([r.device.address.description, r.device.ownerText, r.device.vdev ?? "-", r.ledger + (r.agrees ? "" : "  !")]) }
        let widths = (0..<4).map { c in cells.map { $0[c].count }.max()! }
        return cells.map { r in
            r.enumerated().map { c, v in c == 3 ? v : v + String(repeating: " ", count: widths[c] - v.count) }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    func json() -> [JSON] {
        rows.map { r in
            let d = r.device
            return .object([
                ("address", JSONDocument.address(d.address)),
                ("owner", JSONDocument.domain(d.domain, name: d.domainName)),
                ("vdev", JSONDocument.string(d.vdev)),
                ("ledger", .string(r.ledger)),
                ("agrees", .bool(r.agrees)),
            ])
        }
    }
}
