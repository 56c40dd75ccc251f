import ArgumentParser
import PCIModel
import PCISpec
import PCIState

struct Hide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add devices to the hidden set.",
        discussion: """
            SPEC is any form users type: 02:09.0, 0000:02:09.0, hide=02:09.0, \
            xen-pciback.hide=(02:09.0)(0000:04:1d.*), (05:*.*), or an xl spec such as \
            36:00.0@1d,permissive=1. Every spec is checked before anything is recorded. \
            Hiding a device already hidden says so and succeeds.
            """
    )

    @Argument(help: ArgumentHelp("Devices to hide.", valueName: "spec"), completion: .presentDevices)
    var specs: [String]

    @Flag(help: "Print the boot-loader fragment for the whole hidden set afterwards (status lines go to standard error).")
    var grub = false

    @OptionGroup var boot: BootOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func run() throws {
        try reporting {
            let parsed = try SpecParser.parseAll(specs)
            let entries = try HiddenSetChange.entries(from: parsed)
            HiddenSetChange.warnAbsent(entries.map(\.selection), tree: source.tree)
            let plan = BootPlan(options: boot, tree: source.tree)
            let (messages, fragment) = try stateOptions.store.update { state -> ([String], String?) in
                let messages = entries.map { HiddenSetChange.hide($0, in: &state) }
                // Render inside the transaction: a set the style cannot express records nothing.
                return (messages, grub ? try plan.render(state) : nil)
            }
            if let fragment {
                messages.forEach { note($0) }
                print(fragment)
            } else {
                messages.forEach { print($0) }
            }
        }
    }
}
