import PCIEmulation
import PCIInventory
import PCIModel
import PCIOwnership
import PCISpec
import PCIState
import SystemIO

/// A guest bus built from the ledger or from --device, with names from the inventory.
public struct Guest {
    public let bus: GuestBus
    public let names: PCINames
    /// Each passthrough device's host address, in `bus.devices` order.
    public let hosts: [PCIAddress]
    /// Each host slot's present functions (to tell whether a guest slot holds all of them).
    public let presentFunctions: [PCISlot: Int]

    public static func makeBus(_ devices: [PassthroughDevice]) throws(Failure) -> GuestBus {
        do { return try GuestBus(devices: devices) } catch { throw Failure(.usage, error.message) }
    }

    /// The guest bus for these selections (with their xl slot and permissive options), reading
    /// the devices' config spaces from `source`.
    public init(wanted: [(DeviceSelection, UInt8?, Bool)], source: InventorySource, idsFile: String?) throws {
        let inventory = try Inventory(source: source, idsFile: idsFile)
        var devices: [PassthroughDevice] = []
        var hosts: [PCIAddress] = []
        for (sel, vslot, permissive) in wanted {
            let matching = inventory.devices.filter { sel.matches($0.address) }
            if matching.isEmpty {
                throw Failure(.dataError, "\(sel) is not present in \(source.path); its config space cannot be read")
            }
            for d in matching {
                // A guest never receives a bridge: what is behind it stays on the host's bus.
                let cls = d.classId
                if cls == PCIClass.hostBridge || cls == PCIClass.isaBridge || PCIClass.isBridge(cls, headerType: nil) {
                    throw Failure(.usage, "\(d.address) is a \(cls == PCIClass.hostBridge ? "host bridge" : "bridge") (class \(hex(cls, 4))): a guest never receives one; give it the devices behind it")
                }
                d.fetchConfig(upTo: 256)
                guard d.hasConfigAccess else { throw Failure(.noInput, "cannot read the config space of \(d.address)") }
                let bars = d.bars
                if case .dump = inventory.source {
                    warn("\(d.address): a dump has no BAR sizes, so the guest sees its BARs as not implemented (use --sysfs for sizes)")
                }
                // An SR-IOV virtual function's own ids read ffff; libpci has the kernel's (sysfs).
                let virtualFunction = d.config.prefix(4).allSatisfy { $0 == 0xff } && d.vendorId != 0xffff
                devices.append(
                    PassthroughDevice(
                        hostBus: d.address.bus, hostDevice: d.address.device, hostFunction: d.address.function,
                        config: d.config, barSizes: bars.map(\.size), romSize: d.rom.size,
                        hostIRQ: UInt8(truncatingIfNeeded: max(0, min(255, d.irq))), virtualSlot: vslot, permissive: permissive,
                        hostIds: virtualFunction ? .init(vendor: d.vendorId, device: d.deviceId) : nil))
                hosts.append(d.address)
            }
        }
        bus = try Guest.makeBus(devices)
        self.hosts = hosts
        var counts: [PCISlot: Int] = [:]
        for d in inventory.devices { counts[d.address.slot, default: 0] += 1 }
        presentFunctions = counts
        names = PCINames(device: { inventory.knownName(vendor: $0, device: $1) }, className: { inventory.knownClassName($0) })
    }

    /// The selections a guest gets, with their guest slot and permissive option: `devices`
    /// (xl-style specs), or the devices `domain` owns or is reserved (each of `devices` must then
    /// be one of them).
    public static func wanted(devices: [String], domain: Int?, state: () throws -> PCIHideState) throws -> [(DeviceSelection, UInt8?, Bool)] {
        var wanted: [(DeviceSelection, UInt8?, Bool)] = []
        for spec in try SpecParser.parseAll(devices) {
            for s in spec.selections { wanted.append((s, spec.options.vslot, spec.options.permissive ?? false)) }
            if spec.selections.isEmpty { throw Failure(.usage, "--device \(spec.input): a device named only by name= cannot be previewed; give its address") }
        }
        if let id = domain {
            try Ownership.validate(domain: id)
            let state = try state()
            let entries = state.hidden.filter { $0.owner == id || $0.reservedFor == id }
            if state.domain(id) == nil && entries.isEmpty {
                throw Failure(.usage, "domain \(id) is unknown: it is not running and nothing is reserved for it (pcihide owners, pcihide domain list)")
            }
            if wanted.isEmpty {
                wanted = entries.map { ($0.selection, $0.vslot, $0.permissive ?? false) }
                if wanted.isEmpty { throw Failure(.usage, "domain \(id) owns no hidden device, so its guest would see only the bridges") }
            } else {
                // --device with --domain: each must be one of the domain's.
                for (s, _, _) in wanted {
                    guard let e = state.entry(for: s) ?? state.covering(s) else {
                        throw Failure(.usage, "\(s) is not hidden; hide it first with 'pcihide hide \(s)'")
                    }
                    guard e.owner == id || e.reservedFor == id else {
                        throw Failure(.usage, "\(s) is not owned by domain \(id) (\(Ownership.ownerText(e, in: state)))")
                    }
                }
            }
        }
        return wanted
    }

    /// A register offset in hex (`0x3c` or `3c`).
    public static func registerOffset(_ text: String) throws(Failure) -> Int {
        let lower = text.lowercased()
        guard let off = Int(lower.hasPrefix("0x") ? String(lower.dropFirst(2)) : lower, radix: 16) else {
            throw Failure(.usage, "'\(text)' is not a register offset (hex, e.g. 0x3c)")
        }
        return off
    }

    /// Parses `00:09.0` (guest bus 0 only).
    public static func address(_ text: String) throws -> (UInt8, UInt8) {
        let spec: DeviceSpec
        do { spec = try SpecParser.parse(text) } catch { throw Failure(.usage, error.description) }
        guard spec.form == .address, let a = spec.selections.first?.address else {
            throw Failure(.usage, "'\(text)' is not a guest address such as 00:09.0")
        }
        guard a.domain == 0, a.bus == 0 else { throw Failure(.usage, "the guest has only domain 0, bus 0; '\(text)' is elsewhere") }
        return (a.device, a.function)
    }

    /// `emu read`: one register as the guest reads it, and whether it is emulated or the host's
    /// (text or JSON).
    public func readRegister(slot: UInt8, function: UInt8, offset: Int, width: Int, json: Bool) throws -> String {
        let g = self
        do {
            let v = try g.bus.read(slot: slot, function: function, offset: offset, width: width)
            let digits = String(v, radix: 16)
            let value = "0x" + String(repeating: "0", count: max(0, width * 2 - digits.count)) + digits
            guard g.bus.isPresent(slot: slot, function: function) else {
                // What a guest reads from an empty slot: the bus answers all ones.
                if json { return Self.document(slot: slot, function: function, offset: offset, width: width, value: v, present: false, emulated: nil) }
                return "\(value) (no device at 00:\(hex(slot, 2)).\(function): the guest reads all ones)\n"
            }
            let emulated = try g.bus.isEmulated(slot: slot, function: function, offset: offset, width: width)
            if json { return Self.document(slot: slot, function: function, offset: offset, width: width, value: v, present: true, emulated: emulated) }
            return value + " (\(emulated ? "emulated" : "shone through"))\n"
        } catch {
            throw Failure(.usage, error.message)
        }
    }

    /// The one read as a JSON document.
    static func document(slot: UInt8, function: UInt8, offset: Int, width: Int, value: UInt32, present: Bool, emulated: Bool?) -> String {
        JSONDocument.render(
            "emu read", "reads",
            [
                .object([
                    ("guestAddress", .string("0000:00:\(hex(slot, 2)).\(function)")), ("offset", .number(Double(offset))),
                    ("width", .number(Double(width))), ("value", .number(Double(value))), ("present", .bool(present)),
                    ("source", emulated.map { .string($0 ? "emulated" : "host") } ?? .null),
                ])
            ])
    }

    /// `emu trace`: a script of port accesses replayed on the guest bus (`name`: where the
    /// script came from, for its errors); every read as text or JSON, and a warning naming the
    /// writes the bus dropped.
    public func trace(_ text: String, name: String, json: Bool) throws -> (String, String?) {
        let script: TraceScript
        do { script = try TraceScript(parsing: text) } catch {
            throw Failure(.dataError, "\(name):\(error.line): \(error.reason)")
        }
        let reads = script.reads(on: bus)
        let output: String
        if json {
            output = JSONDocument.render(
                "emu trace", "reads",
                reads.map { r in
                    .object([("port", .number(Double(r.port))), ("width", .number(Double(r.width))), ("value", .number(Double(r.value))), ("text", .string(r.text))])
                })
        } else {
            output = reads.map { $0.text + "\n" }.joined()
        }
        let dropped = bus.droppedWrites
        guard let first = dropped.first else { return (output, nil) }
        return (output, first.description + (dropped.count > 1 ? " (and \(dropped.count - 1) more)" : ""))
    }

    /// `emu lspci`: the guest bus through the same path as `list -F` (a dump read by libpci),
    /// rendered with `options`.
    public func listing(options: ListingOptions, filter: PCIFilter?, idsFile: String?) throws -> LspciListing {
        let path = try TemporaryFile.write(bus.lspciDump(names: names))
        defer { TemporaryFile.remove(path) }
        let inventory = try Inventory(source: .dump(path), idsFile: idsFile, numericIds: options.numeric, topology: options.needsTopology)
        return LspciListing(inventory: inventory, options: options, filter: filter)
    }
}
