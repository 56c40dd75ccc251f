import ArgumentParser
import PCIActions
import PCIModel
import PCISpec
import SystemIO

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say whether a guest start with these devices will work, and if not, what to do.",
        discussion: """
            For each device: its IOMMU group and what every member must be for a guest to start \
            (vfio-pci, pciback or no driver for endpoints; bridges stay on pcieport), the other \
            functions of its slot, ACS on every port between it and the root complex, how it can be \
            reset (the kernel's reset_method, else FLR, AF FLR, PM or a bus reset from its \
            capabilities, with the kernel's quirks), a boot framebuffer its BARs overlap, the IOMMU \
            and the parameter that turns it on, processes holding its device nodes, mounted file \
            systems and network interfaces it carries, and SR-IOV. The verdict is ready, ready with \
            companions (the functions to hide with it), needs attention (each reason with its fix) \
            or refused (what the host cannot live without). Exits 0 only when every device is ready; \
            1 otherwise, also when something could not be checked (it says what).
            """
    )

    @Argument(help: ArgumentHelp("Devices to check (any spec form; wildcards cover the devices present).", valueName: "spec"), completion: .presentDevices)
    var specs: [String]

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions
    @OptionGroup var safety: SafetyOptions

    func run() throws {
        try reporting {
            try timeouts.apply()
            let selections = try HiddenSetChange.entries(from: try SpecParser.parseAll(specs)).map(\.selection)
            let host = try self.host.resolve()
            let tree = try source.tree(host)
            let present = try tree.addresses()
            let (reports, state) = try CheckReport.inspect(selections, tree: tree, host: host, present: present, store: try stateOptions.store(host)) { state in
                try safety.inspector(host: host, tree: tree, present: present, state: state)
            }
            writeStandardOutput(json ? CheckReport.json(reports, state: state) : CheckReport.text(reports, state: state))
            if reports.contains(where: { $0.verdict != .ready }) { throw ExitCode(ExitStatus.failure.rawValue) }
        }
    }
}
