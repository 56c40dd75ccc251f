import ArgumentParser
import PCIActions
import SystemIO

/// Which devices a guest gets and where their host bytes come from.
struct GuestOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The guest domain whose devices (owned or reserved in the ledger) to show.", valueName: "domid"), completion: .domainIds)
    var domain: Int?

    @Option(name: .customLong("device"), help: ArgumentHelp("A host device to give the guest, xl style: 02:09.0, 02:09.0@09, 02:09.0,permissive=1 (repeatable; previews without a ledger).", valueName: "spec"), completion: .presentDevices)
    var devices: [String] = []

    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions

    func validate() throws {
        if domain == nil && devices.isEmpty { throw ValidationError("give --domain N or at least one --device SPEC") }
    }
}

extension Guest {
    /// The guest of --domain (its owned or reserved devices) or of --device.
    init(_ options: GuestOptions) throws {
        let wanted = try Guest.wanted(devices: options.devices, domain: options.domain) { try options.stateOptions.store(try options.host.resolve()).load() }
        try self.init(wanted: wanted, source: try options.inventoryOptions.source(try options.host.resolve()), idsFile: options.inventoryOptions.idsFile)
    }
}

struct Emu: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dry-run a guest's PCI bus: what it reads through ports 0xCF8/0xCFC (nothing touches hardware).",
        subcommands: [EmuRead.self, EmuTrace.self, EmuDump.self, EmuLspci.self, EmuProcPCI.self]
    )
}

struct EmuRead: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Read one register as the guest would, and say whether it is emulated or shone through.")
    @Argument(help: ArgumentHelp("The guest address, e.g. 00:09.0.", valueName: "guest-bdf")) var address: String
    @Argument(help: ArgumentHelp("The register offset, e.g. 0x3c.", valueName: "offset")) var offset: String
    @Option(help: "Access width: 1, 2 or 4.", completion: .list(["1", "2", "4"])) var width: Int = 1
    @Flag(help: "Print JSON (schema in the man page).") var json = false
    @OptionGroup var guest: GuestOptions

    func run() throws {
        try reporting {
            let (slot, function) = try Guest.address(address)
            let off = try Guest.registerOffset(offset)
            writeStandardOutput(try Guest(guest).readRegister(slot: slot, function: function, offset: off, width: width, json: json))
        }
    }
}

struct EmuTrace: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trace", abstract: "Replay a script of port accesses (outl 0xcf8 0x80004800, inl 0xcfc, ...) and print every read.")
    @Argument(help: ArgumentHelp("The script, or - for standard input.", valueName: "file")) var file: String
    @Flag(help: "Print JSON (schema in the man page): every read's port, width and value.") var json = false
    @OptionGroup var guest: GuestOptions

    func run() throws {
        try reporting {
            let text = file == "-" ? StandardInput.readAll() : try Files.readText(file)
            let (output, warning) = try Guest(guest).trace(text, name: file == "-" ? "<stdin>" : file, json: json)
            writeStandardOutput(output)
            if let warning { warn(warning) }
        }
    }
}

struct EmuDump: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dump", abstract: "Print the guest bus in lspci -xxx format (lspci -F reads it).")
    @OptionGroup var guest: GuestOptions

    func run() throws {
        try reporting {
            let g = try Guest(guest)
            writeStandardOutput(g.bus.lspciDump(names: g.names))
        }
    }
}

struct EmuProcPCI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "proc-pci", abstract: "Print the guest bus as a Linux 2.4/2.6 guest's cat /proc/pci.")
    @OptionGroup var guest: GuestOptions

    func run() throws {
        try reporting {
            let g = try Guest(guest)
            writeStandardOutput(g.bus.procPCI(names: g.names))
        }
    }
}

struct EmuLspci: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lspci", abstract: "Render the guest bus with pcihide list's renderer (lspci's options).")
    @OptionGroup var flags: ListingFlags
    @OptionGroup var guest: GuestOptions

    func run() throws {
        try reporting {
            let filter = try flags.filter()
            let listing = try Guest(guest).listing(options: flags.options, filter: filter.isEmpty ? nil : filter, idsFile: guest.inventoryOptions.idsFile)
            try writeListing(listing)
        }
    }
}
