/// Reads `buffer.count` config bytes from `offset` into `buffer`, all or nothing (libpci's
/// pci_read_block); the source of a space read as the decoders ask.
public typealias ConfigRead = (_ offset: Int, _ buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool

/// The config-space bytes a source could read: 64 (a user reading sysfs), 128 (a CardBus
/// header), 256 or 4096. Bytes past the end were not readable, which lspci shows as
/// `<access denied>` or leaves out; every decoder asks `has` first, as lspci's `config_fetch` does.
///
/// A space is either the bytes given (tests, dumps read whole, the emulator) or read from its
/// source the first time a decoder asks for them, as lspci reads: on real hardware every
/// config dword is a bus transaction (on a virtual machine a trap to the hypervisor, about
/// 30 µs here), and a device's 4096 bytes cost milliseconds where its capabilities need a few
/// dozen dwords. Both answer alike for any source whose readable bytes are a prefix (sysfs,
/// dumps): a range can be read exactly when it ends within that prefix.
public struct ConfigSpace: Equatable, @unchecked Sendable {
    /// The bytes given; for a space read on demand, those it started with.
    public let bytes: [UInt8]
    /// The reader of a space read on demand. Such a space is made and read by one thread (the
    /// command rendering it); given bytes are never written, hence the unchecked Sendable.
    private let source: OnDemand?

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        source = nil
    }

    /// A space of which `initial` (the header a scan read) is known and the rest is read from
    /// `read` when first asked for, up to `size` bytes.
    public init(reading initial: [UInt8], size: Int = 4096, from read: @escaping ConfigRead) {
        bytes = initial
        source = OnDemand(initial, size: size, read: read)
    }

    public static func == (a: ConfigSpace, b: ConfigSpace) -> Bool { a.bytes == b.bytes && a.source === b.source }

    /// Were (or, read on demand, can) `length` bytes from `offset` be read?
    public func has(_ offset: Int, _ length: Int) -> Bool {
        guard offset >= 0 && length >= 0 else { return false }
        if let source { return source.fetch(offset, length) }
        return offset + length <= bytes.count
    }

    /// Little-endian reads; an unreadable byte reads 0 (callers check `has` where it matters).
    public func byte(_ o: Int) -> UInt8 {
        if let source { return source.byte(o) }
        return o >= 0 && o < bytes.count ? bytes[o] : 0
    }
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

/// The bytes of a space read on demand, and which of them were read (lspci's `present`).
final class OnDemand {
    private var bytes: [UInt8]
    private var present: [Bool]
    /// Every range ending at or past this failed or would fail (the readable bytes are a prefix).
    private var failsFrom: Int
    private let read: ConfigRead

    init(_ initial: [UInt8], size: Int, read: @escaping ConfigRead) {
        let size = max(size, initial.count)
        bytes = initial + [UInt8](repeating: 0, count: size - initial.count)
        present = [Bool](repeating: true, count: initial.count) + [Bool](repeating: false, count: size - initial.count)
        failsFrom = size + 1
        self.read = read
    }

    /// Reads what of the range is not read yet (lspci's config_fetch: the read bytes at either
    /// end are left out, the middle read all or nothing); true when the whole range is there.
    func fetch(_ offset: Int, _ length: Int) -> Bool {
        var a = offset, b = offset + length
        guard b <= bytes.count else { return false }
        while a < b && present[a] { a += 1 }
        while b > a && present[b - 1] { b -= 1 }
        if a == b { return true }
        guard b < failsFrom else { return false }
        let ok = bytes.withUnsafeMutableBufferPointer { read(a, UnsafeMutableBufferPointer(rebasing: $0[a..<b])) }
        if ok {
            for i in a..<b { present[i] = true }
        } else {
            failsFrom = b
        }
        return ok
    }

    /// The byte at `o`, reading its dword (else the byte alone) when not read yet; 0 when unreadable.
    func byte(_ o: Int) -> UInt8 {
        guard o >= 0 && o < bytes.count else { return 0 }
        if !present[o] && !fetch(o & ~3, 4) { _ = fetch(o, 1) }
        return present[o] ? bytes[o] : 0
    }
}
