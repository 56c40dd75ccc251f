#if canImport(Glibc)
import Glibc
#endif
import PCIModel

/// Reads the four sysfs attributes lspci's one-line listing shows (`vendor`, `device`, `class`,
/// `revision`) straight from their files, relative to one open `devices/` directory.
///
/// Why: for that listing libpci also reads the standard config header and the subsystem ids,
/// which the output never shows. On a virtual machine every config dword read traps to the
/// hypervisor (about 250 µs for a 64-byte header here), and on a large tree it is three to six
/// more system calls a function. The values are the ones libpci would read: the same files,
/// and only text in the kernel's exact format ("0x%04x\n" and so on) is accepted. Anything else
/// (a missing file, other spelling, a read error) answers nil, and that function is then read by
/// libpci as before, so the odd cases stay libpci's.
public struct SysfsIdentityReader: ~Copyable {
    /// The values of one function's attribute files.
    public struct Identity: Equatable, Sendable {
        public var vendor: UInt16
        public var device: UInt16
        /// The 24-bit `class` attribute: base class, subclass, programming interface.
        public var classCode: UInt32
        public var revision: UInt8
    }

    private let devicesFD: Int32

    /// nil when `root/devices` cannot be opened as a directory.
    public init?(root: String) {
        let fd = open(root + "/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        devicesFD = fd
    }

    deinit { close(devicesFD) }

    /// The identity of the function `a`, or nil when any of its four files is not in the kernel's format.
    public func identity(of a: PCIAddress) -> Identity? {
        // "DDDD:BB:DD.F/" (the sysfs name) then the attribute name, NUL-terminated.
        var path: [UInt8] = []
        path.reserveCapacity(32)
        a.append(to: &path)
        path.append(UInt8(ascii: "/"))
        let prefix = path.count
        func value(_ name: StaticString, digits count: Int) -> UInt32? {
            path.removeSubrange(prefix...)
            name.withUTF8Buffer { path += $0 }
            path.append(0)
            return path.withUnsafeBufferPointer { Self.readHex(devicesFD, $0.baseAddress!, digits: count) }
        }
        guard let vendor = value("vendor", digits: 4), let device = value("device", digits: 4),
              let classCode = value("class", digits: 6), let revision = value("revision", digits: 2) else { return nil }
        return Identity(vendor: UInt16(vendor), device: UInt16(device), classCode: classCode, revision: UInt8(revision))
    }

    /// Reads `name` (relative to `dir`) and parses "0x" followed by exactly `digits` lower-case
    /// hex digits and a newline, the kernel's format; nil for anything else.
    static func readHex(_ dir: Int32, _ name: UnsafePointer<UInt8>, digits: Int) -> UInt32? {
        let fd = openat(dir, UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buf -> UInt32? in
            let n = read(fd, buf.baseAddress, 16)
            guard n > 0 else { return nil }
            return parseHex(UnsafeBufferPointer(rebasing: buf[0..<n]), digits: digits)
        }
    }

    /// "0x", exactly `digits` lower-case hex digits, a newline: the value, else nil. (What
    /// libpci's strtol would read from the same text whenever this accepts it; the fuzz target
    /// DumpFuzz holds the two equal.)
    public static func parseHex(_ text: UnsafeBufferPointer<UInt8>, digits: Int) -> UInt32? {
        let n = text.count
        guard digits <= 8, n == digits + 3, text[0] == UInt8(ascii: "0"), text[1] == UInt8(ascii: "x"), text[n - 1] == 0x0a else { return nil }
        var v: UInt32 = 0
        for k in 2..<(n - 1) {
            let c = text[k]
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v << 4 | UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v << 4 | UInt32(c - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return v
    }
}
