/// A host PCI function to be shown to a guest: plain values captured from the host, so the
/// emulation needs neither libpci nor hardware. The captured bytes are never modified.
public struct PassthroughDevice: Sendable, Equatable {
    /// Host bus, device and function (functions of one host slot share a virtual slot).
    public var hostBus: UInt8
    public var hostDevice: UInt8
    public var hostFunction: UInt8
    /// The host's config space as captured (64, 256 or 4096 bytes; missing bytes read as 0).
    public var config: [UInt8]
    /// Sizes of BARs 0-5 in bytes (0: not implemented). For a 64-bit BAR the size sits at the
    /// lower index and the upper index is 0.
    public var barSizes: [UInt64]
    /// Size of the expansion ROM (0: none).
    public var romSize: UInt64
    /// The IRQ that will really be delivered to the guest (the host's, e.g. 21).
    public var hostIRQ: UInt8
    /// The virtual slot asked for (xl's `@VSLOT`), or nil for the first free one.
    public var virtualSlot: UInt8?
    /// Let the guest write registers the emulation does not know (xl's `permissive=1`).
    public var permissive: Bool
    /// Vendor and device id as the host kernel knows them, shown (read-only) instead of config
    /// bytes 0-3; nil to show the captured bytes. For SR-IOV virtual functions, whose own config
    /// space reads ffff there: the kernel takes their ids from the physical function, and
    /// vfio-pci shows those to the guest.
    public var hostIds: HostIds?

    /// A vendor and device id pair.
    public struct HostIds: Sendable, Equatable {
        public var vendor: UInt16
        public var device: UInt16
        public init(vendor: UInt16, device: UInt16) { self.vendor = vendor; self.device = device }
    }

    public init(
        hostBus: UInt8, hostDevice: UInt8, hostFunction: UInt8, config: [UInt8],
        barSizes: [UInt64] = [], romSize: UInt64 = 0, hostIRQ: UInt8 = 0,
        virtualSlot: UInt8? = nil, permissive: Bool = false, hostIds: HostIds? = nil
    ) {
        self.hostBus = hostBus
        self.hostDevice = hostDevice
        self.hostFunction = hostFunction
        self.config = config
        self.barSizes = barSizes
        self.romSize = romSize
        self.hostIRQ = hostIRQ
        self.virtualSlot = virtualSlot
        self.permissive = permissive
        self.hostIds = hostIds
    }

    /// `BB:DD.F` on the host.
    public var hostName: String {
        hex2(hostBus) + ":" + hex2(hostDevice) + "." + String(hostFunction)
    }
}

/// Why a guest bus cannot be built or an access is refused.
public struct EmulationError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A guest write the emulation dropped (an unknown register of a non-permissive device).
public struct DroppedWrite: Equatable, Sendable, CustomStringConvertible {
    public var slot: UInt8
    public var function: UInt8
    public var offset: Int
    public var width: Int
    public var value: UInt32
    public var description: String {
        "dropped a \(width)-byte write of 0x\(hexPad(value, width * 2)) to register 0x\(hexPad(UInt32(offset), 2)) of 00:\(hex2(slot)).\(function) (not emulated; the device is not permissive)"
    }
}

@inline(__always) func hex2(_ v: UInt8) -> String { hexPad(UInt32(v), 2) }

func hexPad(_ v: UInt32, _ width: Int) -> String {
    let s = String(v, radix: 16)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
