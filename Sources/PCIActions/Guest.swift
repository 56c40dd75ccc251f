import PCIEmulation
import PCIInventory
import PCIModel
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
                devices.append(PassthroughDevice(
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
}

