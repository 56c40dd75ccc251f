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
    @Option(help: ArgumentHelp("Where ownership comes from: state (pcihide's ledger) or xl (the live Xen toolstack: xl pci-assignable-list, xl list, xl pci-list).", valueName: "source"))
    var toolstack: OwnershipSource = .state
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func run() throws {
        try reporting {
            if toolstack == .xl {
                let devices = try XLToolstack.devices(run: Command.output)
                writeStandardOutput(json ? XLOwners.json(devices).serialized() : XLOwners.table(devices))
                return
            }
            let host = try self.host.resolve()
            let state = try stateOptions.store(host).load()
            // Names are a courtesy: without a readable inventory the rows still show.
            let inventory = try? Inventory(source: .sysfs(try source.tree(host).root))
            func name(_ e: HiddenEntry) -> String? {
                guard let a = e.selection.address, let inv = inventory, let d = inv.device(a) else { return nil }
                return inv.vendorDeviceName(d)
            }
            if json {
                writeStandardOutput(JSON.array(state.hidden.map { e in
                    var policy: [(String, JSON)] = [("policy", .string(e.policy.name))]
                    if case .pinned(let d) = e.policy { policy = [("policy", .string("pinned")), ("pinnedTo", .number(Double(d)))] }
                    return .object([
                        ("device", .string(e.selection.description)),
                        ("name", name(e).map { .string($0) } ?? .null),
                        ("owner", e.owner.map { o in .object([("id", .number(Double(o))), ("name", state.domain(o)?.name.map { .string($0) } ?? .null)]) } ?? .null),
                        ("reservedFor", e.reservedFor.map { .number(Double($0)) } ?? .null),
                    ] + policy + [("since", .string(e.ownerSince ?? e.since))])
                }).serialized())
                return
            }
            var rows = [["DEVICE", "NAME", "OWNER", "POLICY", "SINCE"]]
            for e in state.hidden {
                rows.append([e.selection.description, name(e) ?? "-", Ownership.ownerText(e, in: state), e.policy.name, e.ownerSince ?? e.since])
            }
            let widths = (0..<5).map { c in rows.map { $0[c].count }.max()! }
            for r in rows {
                print(r.enumerated().map { c, v in c == 4 ? v : v + String(repeating: " ", count: widths[c] - v.count) }.joined(separator: "  "))
            }
        }
    }
}

enum OwnershipSource: String, ExpressibleByArgument, CaseIterable {
    case state, xl
}

/// `owners --toolstack xl`: the devices xl reports, one row each.
enum XLOwners {
    static func table(_ devices: [XLToolstack.Device]) -> String {
        var rows = [["DEVICE", "OWNER", "VDEV"]]
        for d in devices { rows.append([d.address.description, d.ownerText, d.vdev ?? "-"]) }
        let widths = (0..<3).map { c in rows.map { $0[c].count }.max()! }
        return rows.map { r in
            r.enumerated().map { c, v in c == 2 ? v : v + String(repeating: " ", count: widths[c] - v.count) }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func json(_ devices: [XLToolstack.Device]) -> JSON {
        .array(devices.map { d in
            .object([
                ("device", .string(d.address.description)),
                ("owner", d.domain.map { id in .object([("id", .number(Double(id))), ("name", d.domainName.map { .string($0) } ?? .null)]) } ?? .null),
                ("vdev", d.vdev.map { .string($0) } ?? .null),
            ])
        })
    }
}
