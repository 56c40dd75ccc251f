import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// The one seam through which runtime binding touches sysfs. The live implementation writes
/// attributes as the kernel expects (one write of the whole value); a dry run records the writes
/// instead; tests plug in a simulated kernel that reacts to them.
public protocol SysfsIO: AnyObject {
    /// Writes `value` to an existing attribute. Errors carry the exit status for the errno.
    func write(_ path: String, _ value: String) throws(Failure)
    /// The target of a symbolic link such as `devices/A/driver`, or nil.
    func readLink(_ path: String) -> String?
    /// An attribute's text, or nil when it is absent.
    func read(_ path: String) -> String?
    /// Whether writes are only being shown (no verification is possible then).
    var isDryRun: Bool { get }
    /// Loads a kernel module through kmod's modprobe (which also passes it the options the
    /// kernel command line gives it), as libvirt does before binding to vfio-pci.
    func loadModule(_ name: String) throws(Failure)
}

extension SysfsIO {
    public func readLink(_ path: String) -> String? { Files.readLink(path) }
    public func read(_ path: String) -> String? { Files.readIfPresent(path).map { String(decoding: $0, as: UTF8.self) } }
    public var isDryRun: Bool { false }
    public func loadModule(_ name: String) throws(Failure) {
        throw Failure(.unavailable, "\(name) is not loaded, and this sysfs cannot load modules: modprobe \(name)")
    }
}

/// Writes to the real attributes. The file must exist: sysfs attributes are never created.
public final class LiveSysfs: SysfsIO {
    public init() {}

    public func loadModule(_ name: String) throws(Failure) {
        do { _ = try Command.output(["modprobe", name]) } catch {
            throw Failure(.unavailable, "\(name) is not loaded and modprobe \(name) failed: \(error.message); nothing was changed")
        }
    }

    public func write(_ path: String, _ value: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw Self.failure(errno, path, value) }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 { throw Self.failure(errno, path, value) }
        if n != bytes.count { throw Failure(.ioError, "writing '\(Self.shown(value))' to \(path) stopped after \(n) of \(bytes.count) bytes") }
    }

    /// Maps errno to the documented exit status, with a message that says what to do.
    public static func failure(_ code: Int32, _ path: String, _ value: String) -> Failure {
        let what = "writing '\(shown(value))' to \(path) failed: \(Files.errorText(code))"
        switch code {
        case EACCES, EPERM: return Failure(.noPermission, what + " (binding drivers needs root)")
        case EROFS: return Failure(.ioError, what + " (sysfs is mounted read-only here)")
        case ENOENT: return Failure(.noInput, what + " (is the driver loaded? modprobe xen-pciback or vfio-pci)")
        default: return Failure(.ioError, what)
        }
    }

    /// A value as a person reads it: the newline that clears `driver_override` is shown as \n.
    public static func shown(_ value: String) -> String { value == "\n" ? "\\n" : value }
}

/// Records the writes a command would make, in order, and changes nothing. Reads see the real tree.
public final class DryRunSysfs: SysfsIO {
    public private(set) var writes: [(path: String, value: String)] = []
    public private(set) var modules: [String] = []
    public init() {}
    public func write(_ path: String, _ value: String) throws(Failure) { writes.append((path, value)) }
    public func loadModule(_ name: String) throws(Failure) { modules.append(name) }
    public var isDryRun: Bool { true }

    /// `run modprobe NAME` for each module it would load, then `write PATH VALUE`, one line per write.
    public var lines: [String] { modules.map { "run modprobe \($0)" } + writes.map { "write \($0.path) \(LiveSysfs.shown($0.value))" } }
}
