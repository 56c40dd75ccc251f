import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// Reads the sysfs attributes lspci's listings show of a function (`vendor`, `device`, `class`,
/// `revision`, and for -k and -m `subsystem_vendor` and `subsystem_device`) straight from their
/// files, relative to the function's directory opened once.
///
/// Why: libpci also reads the standard config header, which those listings never show (the
/// subsystem aside, which the kernel gives as files), and it names every file by its whole path,
/// so each read walks the root, the function's symbolic link and the bridges above it again. On
/// a virtual machine every config dword read traps to the hypervisor (about 250 µs for a 64-byte
/// header here), and on a large tree the walks are most of the run. The values are the ones
/// libpci would read: the same files, and only text in the kernel's exact format ("0x%04x\n"
/// and so on) is accepted. Anything else (a missing file, other spelling, a read error) answers
/// nil, and that function is then read by libpci as before, so the odd cases stay libpci's.
public struct SysfsIdentityReader: ~Copyable {
    /// The values of one function's attribute files.
    public struct Identity: Equatable, Sendable {
        public var vendor: UInt16
        public var device: UInt16
        /// The 24-bit `class` attribute: base class, subclass, programming interface.
        public var classCode: UInt32
        public var revision: UInt8
        /// When asked for and the kernel gives it; nil otherwise (libpci then reads the config
        /// header, as it does when `subsystem_vendor` is absent).
        public var subsystem: PCIIds?
        /// The standard config header when asked for, as lspci's scan reads it through libpci
        /// (a pread(2) of 64 bytes, then 64 more for a CardBus bridge, each all or nothing):
        /// empty when it cannot be read; nil when not asked for.
        public var header: [UInt8]?
        /// The `label` text and the `driver` link's name as `SysfsAttributes` reads them, when asked for.
        public var kernelFiles: KernelFiles?
        /// The canonical path of the function's directory (what realpath(3) makes of it), when
        /// asked for and the kernel names it; the bridge above is found from it (`Inventory`).
        public var canonicalPath: String?
    }

    /// What lspci's -k and -v show of a function beside its identity.
    public struct KernelFiles: Equatable, Sendable {
        public var label: String?
        public var driver: String?
    }

    private let devicesFD: Int32
    /// `root/devices`, for the rare link that must be resolved by its path.
    private let devicesPath: String

    /// nil when `root/devices` cannot be opened as a directory.
    public init?(root: String) {
        devicesPath = root + "/devices"
        let fd = open(devicesPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        devicesFD = fd
    }

    deinit { close(devicesFD) }

    /// The identity of the function `a`, or nil when any of its files is not in the kernel's
    /// format. `subsystem`: also read the subsystem ids (an absent `subsystem_vendor` leaves them
    /// nil; one in another format, or a missing `subsystem_device` beside it, answers nil).
    /// `header`: also read the config header (read anyway for a subsystem asked for and not
    /// given by the kernel). `kernelFiles`: also read the label and the driver
    /// (`devicesPath` names the directory where a link must be resolved by its path).
    /// `canonicalPath`: also name the directory's canonical path.
    static func identity(
        _ devicesFD: Int32, _ a: PCIAddress, subsystem: Bool, header: Bool, kernelFiles: Bool = false,
        canonicalPath: Bool = false, devicesPath: String = ""
    ) -> Identity? {
        // "DDDD:BB:DD.F" (the sysfs name), NUL-terminated.
        var name: [UInt8] = []
        name.reserveCapacity(16)
        a.append(to: &name)
        name.append(0)
        let dir = name.withUnsafeBufferPointer {
            openat(devicesFD, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), SysfsAttributes.openPathOnly | O_DIRECTORY | O_CLOEXEC)
        }
        guard dir >= 0 else { return nil }
        defer { close(dir) }
        func value(_ file: StaticString, digits: Int) -> Attribute {
            Self.readAttribute(dir, file.utf8Start, digits: digits)
        }
        guard case .value(let vendor) = value("vendor", digits: 4), case .value(let device) = value("device", digits: 4),
            case .value(let classCode) = value("class", digits: 6), case .value(let revision) = value("revision", digits: 2)
        else { return nil }
        var identity = Identity(vendor: UInt16(vendor), device: UInt16(device), classCode: classCode, revision: UInt8(revision))
        if subsystem {
            switch value("subsystem_vendor", digits: 4) {
            case .absent: break
            case .other: return nil
            case .value(let subvendor):
                guard case .value(let subdevice) = value("subsystem_device", digits: 4) else { return nil }
                identity.subsystem = PCIIds(vendor: UInt16(subvendor), device: UInt16(subdevice))
            }
        }
        // Where the kernel gives no subsystem, libpci reads it from the header: read here too.
        if header || subsystem && identity.subsystem == nil { identity.header = readHeader(dir) }
        if canonicalPath { identity.canonicalPath = SysfsAttributes.canonicalPath(of: dir) }
        if kernelFiles {
            identity.kernelFiles = KernelFiles(
                label: SysfsAttributes.text(at: dir, "label"),
                driver: SysfsAttributes.linkedName(at: dir, "driver", directory: devicesPath + "/" + a.description))
        }
        return identity
    }

    /// The identities of many functions, as `identity` reads each; a large machine's in two
    /// threads (`inTwoHalves`), each reading its own half on its own descriptors.
    public func identities(
        of addresses: [PCIAddress], subsystem: Bool, header: Bool = false, kernelFiles: Bool = false,
        canonicalPath: Bool = false
    ) -> [Identity?] {
        let fd = devicesFD, path = devicesPath
        return inTwoHalves(count: addresses.count, state: { () }) { _, k in
            Self.identity(
                fd, addresses[k], subsystem: subsystem, header: header, kernelFiles: kernelFiles,
                canonicalPath: canonicalPath, devicesPath: path)
        }
    }

    /// The `config` file's first 64 bytes, and the next 64 of a CardBus bridge, each read
    /// whole or not at all (libpci's sysfs_read fails a short read); [] when the first fail.
    static func readHeader(_ dir: Int32) -> [UInt8] {
        let fd = openat(dir, "config", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let first = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 64, 0) }
        guard first == 64 else { return [] }
        if bytes[0x0e] & 0x7f == 2, bytes.withUnsafeMutableBytes({ pread(fd, $0.baseAddress! + 64, 64, 64) }) == 64 { return bytes }
        return Array(bytes[0..<64])
    }

    /// What an attribute file held: the value, no such file, or anything else.
    enum Attribute: Equatable { case value(UInt32), absent, other }

    static func readAttribute(_ dir: Int32, _ name: UnsafePointer<UInt8>, digits: Int) -> Attribute {
        let fd = openat(dir, UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? .absent : .other }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buf -> Attribute in
            let n = read(fd, buf.baseAddress, 16)
            guard n > 0 else { return .other }
            return parseHex(UnsafeBufferPointer(rebasing: buf[0..<n]), digits: digits).map { .value($0) } ?? .other
        }
    }

    /// Reads `name` (relative to `dir`) and parses "0x" followed by exactly `digits` lower-case
    /// hex digits and a newline, the kernel's format; nil for anything else.
    static func readHex(_ dir: Int32, _ name: UnsafePointer<UInt8>, digits: Int) -> UInt32? {
        if case .value(let v) = readAttribute(dir, name, digits: digits) { return v }
        return nil
    }

    /// "0x", exactly `digits` lower-case hex digits, a newline: the value, else nil. (What
    /// libpci's strtol would read from the same text whenever this accepts it; the fuzz target
    /// DumpFuzz holds the two equal.)
    public static func parseHex(_ text: UnsafeBufferPointer<UInt8>, digits: Int) -> UInt32? {
        let n = text.count
        guard digits <= 8, n == digits + 3, text[0] == UInt8(ascii: "0"), text[1] == UInt8(ascii: "x"), text[n - 1] == 0x0a else { return nil }
        return lowerHex(text[2..<(n - 1)]).map { UInt32($0) }
    }

    /// The value of lower-case hex digits (at most 16), the kernel's spelling; nil for any other character.
    static func lowerHex<Digits: Collection<UInt8>>(_ digits: Digits) -> UInt64? {
        var v: UInt64 = 0
        for c in digits {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v << 4 | UInt64(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v << 4 | UInt64(c - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return v
    }
}
