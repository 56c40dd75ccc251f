import ArgumentParser
import PCIModel
import PCIState

struct Hidden: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the hidden set.")

    @Flag(help: "Print a JSON array of objects (device, since, vslot, permissive).")
    var json = false

    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            let state = try stateOptions.store(try host.resolve()).load()
            if json {
                print(JSON.array(state.hidden.map { e in
                    var pairs: [(String, JSON)] = [("device", .string(e.selection.description)), ("wildcard", .bool(e.selection.isWildcard)), ("since", .string(e.since))]
                    pairs.append(("vslot", e.vslot.map { .string(hex($0, 2)) } ?? .null))
                    pairs.append(("permissive", e.permissive.map { .bool($0) } ?? .null))
                    pairs.append(("xl", .object(HiddenEntry.xlOptionKeys.compactMap { k in e.xlOptions[k].map { (k, .string($0)) } })))
                    return .object(pairs)
                }).serialized(), terminator: "")
            } else {
                for e in state.hidden {
                    var line = e.selection.description
                    if let v = e.vslot { line += " vslot=" + hex(v, 2) }
                    if let p = e.permissive { line += " permissive=" + (p ? "1" : "0") }
                    for k in HiddenEntry.xlOptionKeys { if let v = e.xlOptions[k] { line += " \(k)=\(v)" } }
                    print(line)
                }
            }
        }
    }
}
