import PCICapabilities
import PCIInventory
import PCIModel
import PCIState
import SystemIO

/// One `pcihide list`: the parsed command line and the work.
public struct ListRequest: Equatable {
    public var options = ListingOptions()
    public var slot: String?
    public var ids: String?
    public var owners = false
    public var hidden = false
    public var json = false
    public var sysfs: String?
    public var dumpFile: String?
    public var idsFile: String?
    public var state: String?
    public var root: String?

    public init(
        options: ListingOptions = ListingOptions(), slot: String? = nil, ids: String? = nil, owners: Bool = false, hidden: Bool = false, json: Bool = false,
        sysfs: String? = nil, dumpFile: String? = nil, idsFile: String? = nil, state: String? = nil, root: String? = nil
    ) {
        self.options = options; self.slot = slot; self.ids = ids; self.owners = owners; self.hidden = hidden; self.json = json
        self.sysfs = sysfs; self.dumpFile = dumpFile; self.idsFile = idsFile; self.state = state; self.root = root
    }

    /// What the listing cannot do yet is said, never replaced by another form.
    public func checkSupported() throws(Failure) {
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

    public func run() throws {
        try checkSupported()
        let host = try HostRoot.resolve(option: root)
        let filter = try PCIFilter(slot: slot, id: ids)
        let numeric = options.numeric
        // The state is read only when pcihide's own additions need it, so that plain
        // listings work without one (and cost nothing extra).
        let state: PCIHideState? = owners || hidden || json ? try StateStore(option: self.state, host: host).load() : nil
        let inventory = try Inventory(
            source: InventorySource(sysfs: sysfs, dumpFile: dumpFile, host: host), idsFile: idsFile,
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
    public static func checkNames(_ inventory: Inventory) throws(Failure) {
        if let broken = inventory.nameError { throw Failure(.dataError, "cannot use the ID database: \(broken)") }
    }

    /// The arguments after `list`, read without building ArgumentParser's command tree (which
    /// costs more than listing a machine's devices) when they are of the plain forms scripts and
    /// users type: lspci's flags alone or grouped (`-nnk`), `-s`/`-d`/`-i`/`-F`/`--sysfs`/`--state`/`--root`
    /// each once with a separate value, `--owners`, `--hidden`, `--json`. nil for anything else
    /// (help, `--opt=value`, repeats, conflicts, errors): ArgumentParser then reads it and words
    /// any error. A test holds the two readings equal.
    public static func parse(_ arguments: ArraySlice<String>) -> ListRequest? {
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

/// Writes a listing to standard output; where libpci stopped it, what came before (as lspci's
/// output ends there) and then the failure.
public func writeListing(_ listing: LspciListing) throws(Failure) {
    do {
        writeStandardOutput(try listing.render())
    } catch {
        writeStandardOutput(error.printed)
        throw error.failure
    }
}
