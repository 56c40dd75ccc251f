import ArgumentParser
import PCIActions
import PCIModel
import PCIReadiness
import PCISpec
import SystemIO

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "After boot: check that every hidden device's hiding took effect.",
        discussion: """
            For each hidden device: is a hide parameter on the running kernel's command line \
            (/proc/cmdline, read as the kernel reads it: - and _ alike, the last repeat wins), is the \
            device bound to pciback or vfio-pci now, and is the device at that address still the one \
            recorded when it was hidden (ids, subsystem, class, serial number). Each failure comes \
            with its likely cause and fix; a device renumbered elsewhere is found by its identity. \
            Exits 0 when everything took effect, 1 otherwise.
            """
    )

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func run() throws {
        try reporting {
            let host = try self.host.resolve()
            let tree = try source.tree(host)
            try tree.requireReadable()
            let state = try stateOptions.store(host).load()
            let reports = Verification.verify(state: state, tree: tree, host: host, present: try tree.addresses()) { value in
                // A hide list as the boot fragment writes it, or the 2005 form.
                (try? SpecParser.parse(value))?.selections ?? (try? SpecParser.parse("hide=" + value))?.selections
            }
            writeStandardOutput(json ? VerifyView.json(reports) : VerifyView.text(reports))
            if reports.contains(where: { !$0.inEffect }) { throw ExitCode(ExitStatus.failure.rawValue) }
        }
    }
}
