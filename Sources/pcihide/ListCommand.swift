import ArgumentParser
import PCIActions
import PCIInventory
import PCIModel
import SystemIO

/// Where `list` and the other inventory readers get devices from.
struct InventoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).", valueName: "dir"), completion: .directory)
    var sysfs: String?

    @Option(name: .customShort("F"), help: ArgumentHelp("Read devices from an lspci -x/-xxx/-xxxx dump instead (as lspci -F).", valueName: "file"), completion: .file())
    var dumpFile: String?

    @Option(name: .customShort("i"), help: ArgumentHelp("Use this ID database instead of pci.ids (as lspci -i).", valueName: "file"))
    var idsFile: String?

    func source(_ host: HostRoot) throws(Failure) -> InventorySource { try InventorySource(sysfs: sysfs, dumpFile: dumpFile, host: host) }

    func validate() throws {
        if sysfs != nil && dumpFile != nil { throw ValidationError("give either --sysfs or -F, not both") }
    }
}

/// lspci's display options, shared by `list` and `emu lspci`.
struct ListingFlags: ParsableArguments {
    @Flag(name: .customShort("n"), help: "Show numeric ids (-nn: names and numbers).")
    var numeric: Int

    @Flag(name: .customShort("D"), help: "Always show domain numbers.")
    var domains = false

    @Flag(name: .customShort("k"), help: "Show kernel drivers and modules.")
    var kernel = false

    @Flag(name: .customShort("m"), help: "Machine-readable output (-mm: the same, as lspci without -v).")
    var machine: Int

    @Flag(name: .customShort("t"), help: "Show the bus tree.")
    var tree = false

    @Flag(name: .customShort("x"), help: "Hex dump of the config space header (-xxx: 256 bytes, -xxxx: 4096).")
    var hexDump: Int

    @Flag(name: .customShort("P"), help: "Show each device's path through the bridges (-PP: with bus numbers).")
    var path: Int

    @Flag(name: .customShort("b"), help: "Bus-centric view: ids, IRQs and addresses as the devices' config space holds them, not the kernel's.")
    var busCentric = false

    @Option(name: .customShort("s"), help: ArgumentHelp("Only devices in these slots: [[[[<domain>]:]<bus>]:][<device>][.[<func>]].", valueName: "slot"), completion: .presentDevices)
    var slot: String?

    @Option(name: .customShort("d"), help: ArgumentHelp("Only devices with these ids: [<vendor>]:[<device>][:<class>].", valueName: "ids"))
    var ids: String?

    var options: ListingOptions {
        var o = ListingOptions()
        o.numeric = numeric
        o.domains = domains
        o.kernel = kernel
        o.machine = machine
        o.tree = tree
        o.hex = hexDump
        o.path = path
        o.busCentric = busCentric
        return o
    }

    func filter() throws -> PCIFilter { try PCIFilter(slot: slot, id: ids) }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List PCI devices exactly as lspci does, plus which are hidden.",
        discussion: """
            With the options lspci shares (-n, -nn, -D, -k, -m, -mm, -t, -tv, -v, -vv, -vvv, -vmm, -vmmm, -b, -P, -PP, -x, -xxx, -xxxx, -s, -d, \
            -i, -F), grouped and with values attached as getopt allows (-vs01:00), the output is byte for byte \
            lspci's. --owners (a line of its own with -v; Hidden:, Owner: and InEffect: tags with -vmm), \
            --hidden and --json add pcihide's view. lspci's -q, -Q, -M, -H, -A, -O, -G and -p are refused with \
            the reason (network queries, direct hardware access, other access methods).
            """
    )

    @OptionGroup var flags: ListingFlags

    @Flag(name: .customShort("v"), help: "Verbose, as lspci -v: header registers, regions, each capability's first line, kernel driver.")
    var verbose: Int

    @Flag(help: "Append the hidden state and owner to each hidden device's line.")
    var owners = false

    @Flag(help: "Show only hidden devices.")
    var hidden = false

    @Flag(help: "Print a JSON array of devices (address, ids, names, driver, IOMMU group, hidden, owner, and the capabilities passthrough needs: FLR, AF FLR, PM NoSoftRst, ACS, ARI, ATS, SR-IOV, MSI-X, link, serial number).")
    var json = false

    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    /// What was asked for, as the fast path (`ListRequest.parse`) also builds it.
    var request: ListRequest {
        var options = flags.options
        options.verbose = verbose
        return ListRequest(
            options: options, slot: flags.slot, ids: flags.ids, owners: owners, hidden: hidden, json: json,
            sysfs: inventoryOptions.sysfs, dumpFile: inventoryOptions.dumpFile, idsFile: inventoryOptions.idsFile,
            state: stateOptions.state, root: host.root)
    }

    func run() throws {
        try reporting { try request.run() }
    }
}
