import ArgumentParser
import PCIActions
import PCIModel
import PCIState
import SystemIO

struct Hidden: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the hidden set.")

    @Flag(help: "Print JSON (schema in the man page): each entry's address, since, xl options and ledger.")
    var json = false

    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            let state = try stateOptions.store(try host.resolve()).load()
            if json {
                writeStandardOutput(
                    JSONDocument.render(
                        "hidden", "hidden",
                        state.hidden.map { e in
                            .object(
                                JSONDocument.selection(e.selection) + [("since", .string(e.since)), ("xl", JSONDocument.xlOptions(e))]
                                    + JSONDocument.ledger(e, in: state))
                        }))
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
