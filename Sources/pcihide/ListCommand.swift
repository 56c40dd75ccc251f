import PCIActions
import ArgumentParser
import PCICapabilities
import PCIInventory
import PCIModel
import PCIOwnership
import PCIState
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
        return ListRequest(options: options, slot: flags.slot, ids: flags.ids, owners: owners, hidden: hidden, json: json,
                    sysfs: inventoryOptions.sysfs, dumpFile: inventoryOptions.dumpFile, idsFile: inventoryOptions.idsFile,
                    state: stateOptions.state, root: host.root)
    }

    func run() throws {
        try reporting { try request.run() }
    }
}

/// One `pcihide list`: the parsed command line and the work.
struct ListRequest: Equatable {
    var options = ListingOptions()
    var slot: String?
    var ids: String?
    var owners = false
    var hidden = false
    var json = false
    var sysfs: String?
    var dumpFile: String?
    var idsFile: String?
    var state: String?
    var root: String?

    /// What the listing cannot do yet is said, never replaced by another form.
    func checkSupported() throws(Failure) {
        let v = options.verbose
        if v > 0 && json { throw Failure(.usage, "--json cannot show -v: its capability fields are in plain --json") }
        // JSON is one flat list of devices in pcihide's schema: lspci's other layouts are text.
        if json && options.tree { throw Failure(.usage, "--json is a flat list of devices and cannot draw -t's tree: use one or the other") }
        if json && options.machine > 0 { throw Failure(.usage, "--json and -m are two machine-readable forms: choose one") }
        if json && options.hex > 0 { throw Failure(.usage, "--json does not carry -x's config-space bytes: use list -x (or -xxx) for them") }
        // pcihide's additions go only where lspci's layout has room for them.
        if owners && options.tree { throw Failure(.usage, "--owners cannot be drawn in -t's tree: use list --owners, or list --hidden -t to draw only the hidden devices") }
        if owners && options.machine > 0 && v == 0 { throw Failure(.usage, "--owners would add a field to -m's layout, which every -m reader counts: use --json, or -vmm --owners (Hidden: and Owner: tags)") }
    }

    func run() throws {
        try checkSupported()
        let host = try HostRoot.resolve(option: root)
        let filter = try PCIFilter(slot: slot, id: ids)
        let numeric = options.numeric
        // The state is read only when pcihide's own additions need it, so that plain
        // listings work without one (and cost nothing extra).
        let state: PCIHideState? = owners || hidden || json ? try StateStore(option: self.state, host: host).load() : nil
        let inventory = try Inventory(source: InventorySource(sysfs: sysfs, dumpFile: dumpFile, host: host), idsFile: idsFile,
                                      numericIds: json ? 0 : numeric, topology: options.needsTopology, filter: filter.isEmpty ? nil : filter,
                                      scan: json ? .full : options.scan, busCentric: options.busCentric,
                                      kernelFiles: json || options.showsKernelFiles)
        if inventory.devices.isEmpty && filter.isEmpty {
            // lspci prints nothing here; say why, so an empty tree is not mistaken for "no match".
            switch inventory.source {
            case .sysfs(let root): throw Failure(.noInput, "no PCI devices in \(root)/devices")
            case .dump(let file): throw Failure(.dataError, "\(file): no device found in the dump (expected lines such as '00:00.0 Host bridge: ...' followed by hex lines)")
            }
        }
        let owners = owners, hidden = hidden
        var listing = LspciListing(
            inventory: inventory, options: options, filter: filter.isEmpty ? nil : filter,
            annotate: { d in owners ? state.flatMap { DeviceAnnotation.suffix(for: d.address, in: $0, driver: d.driver) } : nil },
            include: hidden ? { d in state?.entry(hiding: d.address) != nil } : nil)
        if owners, let state { listing.machineTags = { d in DeviceAnnotation.machineTags(for: d.address, in: state, driver: d.driver) } }
        if json {
            let output = try DeviceAnnotation.json(listing.shownDevices, inventory: inventory, state: state ?? PCIHideState())
            try Self.checkNames(inventory)
            writeStandardOutput(output)
            return
        }
        let output: String
        do {
            output = try listing.render()
        } catch {
            try Self.checkNames(inventory)
            writeStandardOutput(error.printed)
            throw error.failure
        }
        try Self.checkNames(inventory)
        writeStandardOutput(output)
    }

    /// lspci dies of a broken ID database at its first name; so does the listing, before printing a line.
    static func checkNames(_ inventory: Inventory) throws(Failure) {
        if let broken = inventory.nameError { throw Failure(.dataError, "cannot use the ID database: \(broken)") }
    }

    /// The arguments after `list`, read without building ArgumentParser's command tree (which
    /// costs more than listing a machine's devices) when they are of the plain forms scripts and
    /// users type: lspci's flags alone or grouped (`-nnk`), `-s`/`-d`/`-i`/`-F`/`--sysfs`/`--state`/`--root`
    /// each once with a separate value, `--owners`, `--hidden`, `--json`. nil for anything else
    /// (help, `--opt=value`, repeats, conflicts, errors): ArgumentParser then reads it and words
    /// any error. A test holds the two readings equal.
    static func parse(_ arguments: ArraySlice<String>) -> ListRequest? {
        var r = ListRequest()
        var seen = Set<String>()
        var rest = arguments
        func once(_ name: String) -> Bool { seen.insert(name).inserted }
        while let arg = rest.popFirst() {
            if ["-s", "-d", "-i", "-F", "--sysfs", "--state", "--root"].contains(arg) {
                guard once(arg), let value = rest.popFirst(), !value.hasPrefix("-") else { return nil }
                switch arg {
                case "-s": r.slot = value
                case "-d": r.ids = value
                case "-i": r.idsFile = value
                case "-F": r.dumpFile = value
                case "--sysfs": r.sysfs = value
                case "--root": r.root = value
                default: r.state = value
                }
                continue
            }
            switch arg {
            case "--owners": guard once(arg) else { return nil }; r.owners = true
            case "--hidden": guard once(arg) else { return nil }; r.hidden = true
            case "--json": guard once(arg) else { return nil }; r.json = true
            default:
                let letters = arg.utf8.dropFirst()
                guard arg.utf8.first == UInt8(ascii: "-"), !letters.isEmpty else { return nil }
                for c in letters {
                    switch c {
                    case UInt8(ascii: "n"): r.options.numeric += 1
                    case UInt8(ascii: "m"): r.options.machine += 1
                    case UInt8(ascii: "x"): r.options.hex += 1
                    case UInt8(ascii: "D"): guard once("-D") else { return nil }; r.options.domains = true
                    case UInt8(ascii: "k"): guard once("-k") else { return nil }; r.options.kernel = true
                    case UInt8(ascii: "t"): guard once("-t") else { return nil }; r.options.tree = true
                    case UInt8(ascii: "v"): r.options.verbose += 1
                    case UInt8(ascii: "P"): r.options.path += 1
                    case UInt8(ascii: "b"): guard once("-b") else { return nil }; r.options.busCentric = true
                    default: return nil
                    }
                }
            }
        }
        if r.sysfs != nil && r.dumpFile != nil { return nil }
        return r
    }
}

