import ArgumentParser
import PCIActions
import SystemIO

struct Groups: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List IOMMU groups with their devices and whether each group can go to a guest.",
        discussion: """
            Every IOMMU group with its members as lspci -nn names them, each member's driver, and \
            pcihide's hidden mark and owner. A group's verdict: ready (every endpoint hidden or on a \
            passthrough driver), not viable (some hidden, others on host drivers: name them), host \
            (nothing hidden) or refused (it holds a device the host needs). Bridges stay on \
            pcieport and count for nothing. -s and -d keep the groups holding a matching device.
            """
    )

    @Option(name: .customShort("s"), help: ArgumentHelp("Only groups holding a device in these slots: [[[[<domain>]:]<bus>]:][<device>][.[<func>]].", valueName: "slot"), completion: .presentDevices)
    var slot: String?

    @Option(name: .customShort("d"), help: ArgumentHelp("Only groups holding a device with these ids: [<vendor>]:[<device>][:<class>].", valueName: "ids"))
    var ids: String?

    @Flag(help: "Only groups holding hidden devices.")
    var hidden = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions
    @OptionGroup var safety: SafetyOptions

    func run() throws {
        try reporting {
            try timeouts.apply()
            let host = try self.host.resolve()
            let tree = try source.tree(host)
            try tree.requireReadable()
            let state = try stateOptions.store(host).load()
            let present = try tree.addresses()
            let inspector = try safety.inspector(host: host, tree: tree, present: present, state: state)
            let (out, notes) = try GroupsView.render(
                tree: tree, host: host, state: state, present: present, inspector: inspector,
                slot: slot, ids: ids, onlyHidden: hidden, json: json)
            notes.forEach { note($0) }
            writeStandardOutput(out)
        }
    }
}
