/// The config-space bytes a source could read: 64 (a user reading sysfs), 128 (a CardBus
/// header), 256 or 4096. Bytes past the end were not readable, which lspci shows as
/// `<access denied>` or leaves out; every decoder asks `has` first, as lspci's `config_fetch` does.
public struct ConfigSpace: Equatable, Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var count: Int { bytes.count }

    /// Were `length` bytes from `offset` read?
    public func has(_ offset: Int, _ length: Int) -> Bool { offset >= 0 && length >= 0 && offset + length <= bytes.count }

    /// Little-endian reads; an unread byte reads 0 (callers check `has` where it matters).
    public func byte(_ o: Int) -> UInt8 { o >= 0 && o < bytes.count ? bytes[o] : 0 }
    public func word(_ o: Int) -> UInt16 { UInt16(byte(o)) | UInt16(byte(o + 1)) << 8 }
    public func long(_ o: Int) -> UInt32 { UInt32(word(o)) | UInt32(word(o + 2)) << 16 }

    // The standard header.
    public var vendorID: UInt16 { word(0x00) }
    public var deviceID: UInt16 { word(0x02) }
    public var command: UInt16 { word(0x04) }
    public var status: UInt16 { word(0x06) }
    public var headerType: UInt8 { byte(0x0e) & 0x7f }
    public var isMultiFunction: Bool { byte(0x0e) & 0x80 != 0 }
    public var bist: UInt8 { byte(0x0f) }
}

/// Bits of the command and status registers (PCI Local Bus 3.0, 6.2.2 and 6.2.3).
public enum Command {
    public static let io: UInt16 = 0x1, memory: UInt16 = 0x2, master: UInt16 = 0x4, special: UInt16 = 0x8
    public static let invalidate: UInt16 = 0x10, vgaPalette: UInt16 = 0x20, parity: UInt16 = 0x40, wait: UInt16 = 0x80
    public static let serr: UInt16 = 0x100, fastBack: UInt16 = 0x200, disableINTx: UInt16 = 0x400
}

public enum Status {
    public static let intx: UInt16 = 0x08, capabilityList: UInt16 = 0x10, mhz66: UInt16 = 0x20, udf: UInt16 = 0x40
    public static let fastBack: UInt16 = 0x80, parity: UInt16 = 0x100, devselMask: UInt16 = 0x600
    public static let sigTargetAbort: UInt16 = 0x800, recTargetAbort: UInt16 = 0x1000, recMasterAbort: UInt16 = 0x2000
    public static let sigSystemError: UInt16 = 0x4000, detectedParity: UInt16 = 0x8000

    /// DEVSEL timing as lspci names it.
    public static func devsel(_ status: UInt16) -> String {
        switch status & devselMask {
        case 0x000: return "fast"
        case 0x200: return "medium"
        case 0x400: return "slow"
        default: return "??"
        }
    }
}

/// Header types (the low seven bits of offset 0x0e).
public enum HeaderType {
    public static let normal: UInt8 = 0, bridge: UInt8 = 1, cardBus: UInt8 = 2
}
