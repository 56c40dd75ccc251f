import ArgumentParser
import PCIActions
import PCIFleet
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the hidden devices for a cluster manager (Proxmox, KubeVirt, Nova, NFD, Unraid), or check them on this node.",
        discussion: """
            From the ledger, the identities recorded at hide time and the host root (a --root \
            snapshot too). Formats: \(ExportFormats.all.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")). \
            Ids, subsystem ids and the IOMMU group travel where the format carries them; a serial \
            number or PCIe path does not, so --check on the node is what catches a swapped card. \
            --check is read-only and takes no lock: every exported device present with its \
            recorded identity, on the driver the format needs, its IOMMU group whole and hidden, \
            /dev/vfio/N there, and the format's own start-time rules; exit 0, or 1 with each \
            failure and its fix.
            """
    )

    @Option(help: ArgumentHelp("The consumer's format: \(ExportFormats.names.joined(separator: ", ")) (optional with --check).", valueName: "format"))
    var format: String?

    @Argument(help: ArgumentHelp("Hidden devices to export (default: all; any spec form, or vendor:device).", valueName: "spec"), completion: .hiddenDevices)
    var specs: [String] = []

    @Option(help: ArgumentHelp("The node's name in the cluster (default: the host root's /etc/hostname).", valueName: "name"))
    var node: String?

    @Flag(help: "Check the exported devices on this node instead of printing them.")
    var check = false

    @Flag(help: "proxmox: print pvesh create commands instead of pci.cfg sections.")
    var api = false

    @Option(help: ArgumentHelp("kubevirt: the resource names' domain.", valueName: "domain"))
    var resourcePrefix = "pcihide"

    @Flag(help: "Print JSON.") var json = false

    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func validate() throws {
        if let format, ExportFormats.named(format) == nil {
            throw ValidationError("--format \(format) is not a format pcihide exports: use one of \(ExportFormats.names.joined(separator: ", "))")
        }
        if format == nil && !check { throw ValidationError("--format is needed to export (\(ExportFormats.names.joined(separator: ", "))); --check alone checks what every format needs") }
        if let (k, c) = ExportOptions.badResourcePrefix(resourcePrefix) {
            throw ValidationError("--resource-prefix '\(resourcePrefix)': character \(k + 1) (\(c)) is not allowed: the domain of a Kubernetes resource name is lower-case letters, digits, '-' and '.'")
        }
    }

    func run() throws {
        try reporting {
            let host = try self.host.resolve()
            let tree = try source.tree(host)
            try tree.requireReadable()
            let state = try stateOptions.store(host).load()
            let only = specs.isEmpty ? nil : try HiddenSetChange.selections(try IDSelection.expand(specs, tree: tree, one: false))
            var options = ExportOptions()
            options.api = api
            options.resourcePrefix = resourcePrefix
            let result = try ExportAction.run(format: format, check: check, node: node, json: json, options: options, only: only, state: state, tree: tree, host: host)
            result.refusals.forEach { StandardError.write("pcihide: \($0)\n") }
            result.notes.forEach { note($0) }
            writeStandardOutput(result.output)
            if let status = result.failure { throw ExitCode(status.rawValue) }
        }
    }
}
