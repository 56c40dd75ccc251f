import ArgumentParser
import PCIActions
import PCIBinding
import PCIModel
import PCISpec
import SystemIO

struct Unhide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove devices from the hidden set.",
        discussion: """
            Takes the same spec forms as hide. Unhiding a device that is not hidden says so and \
            succeeds. With --now the device is also given back at once: driver_override cleared, \
            unbound from pciback or vfio-pci, and bound to the driver it had before hide --now.
            """
    )

    @Argument(help: ArgumentHelp("Devices to unhide.", valueName: "spec"), completion: .hiddenDevices)
    var specs: [String]

    @Flag(help: "Unhide even when a guest domain owns the device.")
    var force = false

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func run() throws {
        try reporting {
            try timeouts.apply()
            let parsed = try SpecParser.parseAll(specs)
            let selections = try HiddenSetChange.entries(from: parsed).map(\.selection)
            if runtime.now {
                for s in selections where s.address == nil {
                    throw Failure(.usage, "unhide --now takes device addresses, not the wildcard \(s): name each device")
                }
            }
            let host = try self.host.resolve()
            let store = try stateOptions.store(host)
            let binder = RuntimeBinder(tree: try source.tree(host), io: runtime.io())
            switch try UnhideAction.run(selections, force: force, now: runtime.now, dryRun: runtime.dryRun, binder: binder, store: store) {
            case .dryRun(let notes, let writes):
                notes.forEach { note($0) }
                writes.forEach { print($0) }
            case .done(let messages):
                messages.forEach { print($0) }
            }
        }
    }
}
