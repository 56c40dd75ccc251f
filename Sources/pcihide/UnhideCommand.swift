import ArgumentParser
import PCIModel
import PCISpec
import PCIState

struct Unhide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove devices from the hidden set.",
        discussion: "Takes the same spec forms as hide. Unhiding a device that is not hidden says so and succeeds."
    )

    @Argument(help: ArgumentHelp("Devices to unhide.", valueName: "spec"), completion: .hiddenDevices)
    var specs: [String]

    @Flag(help: "Unhide even when a guest domain owns the device.")
    var force = false

    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            let parsed = try SpecParser.parseAll(specs)
            let selections = try HiddenSetChange.entries(from: parsed).map(\.selection)
            let messages = try stateOptions.store.update { state in
                try selections.map { try HiddenSetChange.unhide($0, force: force, in: &state) }
            }
            messages.forEach { print($0) }
        }
    }
}
