/// A PCI function address: domain (segment), bus, device (slot) and function.
///
/// Canonical text is `DDDD:BB:DD.F` in lower-case hex, the form sysfs and xen-pciback use.
public struct PCIAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let maxDomain: UInt32 = 0xffff
    public static let maxBus: UInt32 = 0xff
    public static let maxDevice: UInt32 = 0x1f
    public static let maxFunction: UInt32 = 0x7

    /// 32 bits, as libpci and sysfs have it: Intel VMD puts its devices in domains from 10000.
    /// (What users may hide is limited to ffff, Xen's limit, by the spec grammar.)
    public var domain: UInt32
    public var bus: UInt8
    public var device: UInt8
    public var function: UInt8

    public init(domain: UInt32 = 0, bus: UInt8, device: UInt8, function: UInt8) {
        precondition(device <= 0x1f && function <= 7, "device or function out of range")
        self.domain = domain
        self.bus = bus
        self.device = device
        self.function = function
    }

    /// `DDDD:BB:DD.F`
    public var description: String {
        hex(domain, 4) + ":" + hex(bus, 2) + ":" + hex(device, 2) + "." + hex(function, 1)
    }

    /// Appends `description`'s bytes: the sysfs name, with a VMD domain's extra digits.
    public func append(to b: inout [UInt8]) {
        DeviceSelection(self).append(to: &b)
    }

    /// `BB:DD.F`, the short form lspci prints for domain 0.
    public var shortDescription: String {
        hex(bus, 2) + ":" + hex(device, 2) + "." + hex(function, 1)
    }

    /// The slot this function belongs to (function numbers dropped).
    public var slot: PCISlot { PCISlot(domain: domain, bus: bus, device: device) }

    /// Parses the canonical sysfs name `DDDD:BB:DD.F` (exactly that shape; the domain has 4 to
    /// 8 digits, as the kernel's `%04x` gives), as found under /sys/bus/pci/devices. User input
    /// goes through `PCISpec`, which explains its errors.
    public init?(sysfsName s: some StringProtocol) {
        let u = Array(s.utf8)
        let n = u.count - 8  // domain digits
        guard n >= 4, n <= 8, u[n] == UInt8(ascii: ":"), u[n + 3] == UInt8(ascii: ":"), u[n + 6] == UInt8(ascii: ".")
        else { return nil }
        guard let d = parseHex(u[0..<n]), n == 4 || u[0] != UInt8(ascii: "0"), let b = parseHex(u[(n + 1)..<(n + 3)]),
            let s = parseHex(u[(n + 4)..<(n + 6)]), let f = parseHex(u[(n + 7)..<(n + 8)]), s <= 0x1f, f <= 7
        else { return nil }
        self.init(domain: d, bus: UInt8(b), device: UInt8(s), function: UInt8(f))
    }

    /// A sort/lookup key: domain, bus, devfn.
    public var key: UInt64 {
        UInt64(domain) << 16 | UInt64(bus) << 8 | UInt64(device) << 3 | UInt64(function)
    }

    public static func < (a: PCIAddress, b: PCIAddress) -> Bool { a.key < b.key }
}

/// A slot: the functions 0-7 of one device share it.
public struct PCISlot: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var domain: UInt32
    public var bus: UInt8
    public var device: UInt8
    public init(domain: UInt32, bus: UInt8, device: UInt8) {
        self.domain = domain; self.bus = bus; self.device = device
    }
    public var description: String { hex(domain, 4) + ":" + hex(bus, 2) + ":" + hex(device, 2) }
    public static func < (a: PCISlot, b: PCISlot) -> Bool {
        (a.domain, a.bus, a.device) < (b.domain, b.bus, b.device)
    }
}

/// Lower-case hex, zero-padded to `width` digits.
@inlinable
public func hex<T: BinaryInteger>(_ value: T, _ width: Int) -> String {
    let s = String(value, radix: 16)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// Appends `width` lower-case hex digits of `value` (zero-padded).
@inlinable
public func appendHexDigits(_ out: inout [UInt8], _ value: UInt32, _ width: Int) {
    var shift = 4 * (width - 1)
    while shift >= 0 {
        let d = UInt8((value >> UInt32(shift)) & 0xf)
        out.append(d < 10 ? d + 0x30 : d + 0x57)
        shift -= 4
    }
}

/// Parses lower- or upper-case hex digits; nil when empty or any other character appears.
/// Inlinable so that callers in other modules get a specialised copy, not a generic call.
@inlinable
public func parseHex<C: Collection>(_ digits: C) -> UInt32? where C.Element == UInt8 {
    if digits.isEmpty || digits.count > 8 { return nil }
    var v: UInt32 = 0
    for c in digits {
        guard let d = hexDigitValue(c) else { return nil }
        v = v << 4 | UInt32(d)
    }
    return v
}

@inlinable
public func hexDigitValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
