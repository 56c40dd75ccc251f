#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the attributes and links of sysfs directories, keeping the last directory opened
/// (O_PATH) so that a function's reads walk one path component each.
///
/// Why: libpci names every attribute by its whole path (`ROOT/devices/0000:5d:03.0/label`), so
/// each read walks the root, the device's symbolic link and the bridges above it again, and it
/// resolves a link (`driver`, `iommu_group`) with realpath(3), one readlink(2) per component: a
/// dozen system calls where the kernel can answer in three. Only one directory is open at a
/// time, as libpci keeps only the last device's config file open, so no caller has to close
/// anything and a listing of 4096 functions holds one descriptor.
public final class SysfsAttributes {
    /// Linux's O_PATH (the same on every architecture Swift runs on), which Glibc's module
    /// does not export without _GNU_SOURCE.
    public static let openPathOnly: Int32 = 0o10000000

    private var openPath = ""
    private var fd: Int32 = -1

    public init() {}

    deinit { if fd >= 0 { close(fd) } }

    /// The descriptor of `directory`, opened unless it is the last one; nil when it cannot be opened.
    private func descriptor(_ directory: String) -> Int32? {
        if fd >= 0 && openPath == directory { return fd }
        if fd >= 0 { close(fd) }
        fd = open(directory, Self.openPathOnly | O_DIRECTORY | O_CLOEXEC)
        openPath = directory
        return fd >= 0 ? fd : nil
    }

    /// The text of `directory/name` as libpci's sysfs_get_string reads it: one read(2) of at most
    /// `limit` bytes, cut at the first NUL; nil when the file cannot be opened or read, or when
    /// it fills the whole buffer (libpci's "Value too long").
    public func text(_ directory: String, _ name: String, limit: Int = 1024) -> String? {
        guard let dir = descriptor(directory) else { return nil }
        return Self.text(at: dir, name, limit: limit)
    }

    /// `text`, of `name` in the directory open as `dir`.
    public static func text(at dir: Int32, _ name: String, limit: Int = 1024) -> String? {
        guard case .bytes(let bytes) = contents(at: dir, name, limit: limit) else { return nil }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// What one read(2) of an attribute file gave.
    public enum Contents: Equatable, Sendable {
        case bytes([UInt8])
        /// No such file (ENOENT), which libpci passes over without a word for an optional value.
        case absent
        /// It could not be opened (otherwise) or read, or it filled the whole buffer: libpci
        /// warns or stops there.
        case failed
    }

    /// `directory/name` in one read(2) of fewer than `limit` bytes, as libpci's
    /// sysfs_get_string reads a value (and its fgets(3) reads a `resource` file of fewer bytes).
    public func contents(_ directory: String, _ name: String, limit: Int) -> Contents {
        guard let dir = descriptor(directory) else { return .failed }
        return Self.contents(at: dir, name, limit: limit)
    }

    /// `contents`, of `name` in the directory open as `dir`.
    public static func contents(at dir: Int32, _ name: String, limit: Int) -> Contents {
        let file = openat(dir, name, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return errno == ENOENT ? .absent : .failed }
        defer { close(file) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: limit) { buf -> Contents in
            let n = read(file, buf.baseAddress, limit)
            guard n >= 0, n < limit else { return .failed }
            return .bytes(Array(UnsafeBufferPointer(rebasing: buf[0..<n])))
        }
    }

    /// `directory/name` opened read-only: the descriptor, which the caller closes; nil when it
    /// cannot be opened.
    public func openFile(_ directory: String, _ name: String) -> Int32? {
        guard let dir = descriptor(directory) else { return nil }
        let file = openat(dir, name, O_RDONLY | O_CLOEXEC)
        return file >= 0 ? file : nil
    }

    /// Is `directory/name` a link readlink(2) can read (libpci's first step with `of_node`)?
    public func isLink(_ directory: String, _ name: String) -> Bool {
        guard let dir = descriptor(directory) else { return false }
        return Self.target(dir, name) != nil
    }

    /// The bytes of `directory/name` from its start, in one pread(2) of at most `limit` bytes:
    /// as many as the file gives (a sysfs binary attribute such as `vpd` ends where the device's
    /// data does); nil when it cannot be opened or gives none.
    public func bytes(_ directory: String, _ name: String, limit: Int) -> [UInt8]? {
        guard let file = openFile(directory, name) else { return nil }
        defer { close(file) }
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = buffer.withUnsafeMutableBytes { pread(file, $0.baseAddress, limit, 0) }
        guard n > 0 else { return nil }
        buffer.removeSubrange(n...)
        return buffer
    }

    /// The target of the link `name` in `dir` as libpci's readlink(2) into a 1024-byte buffer
    /// sees it (cut there, and at a NUL); nil when `name` is no link.
    private static func target(_ dir: Int32, _ name: String) -> [UInt8]? {
        let limit = 1024
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: limit) { buf -> [UInt8]? in
            let n = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: limit) { readlinkat(dir, name, $0, limit) }
            guard n >= 0 else { return nil }
            let bytes = UnsafeBufferPointer(rebasing: buf[0..<n])
            return Array(bytes[0..<(bytes.firstIndex(of: 0) ?? n)])
        }
    }

    /// A link's target as a path relative to the link's directory, NUL-terminated: libpci puts
    /// "directory/" before it, so "/abs" names "abs" below the directory and "" the directory.
    private static func relative(_ target: [UInt8]) -> [UInt8] {
        let below = Array(target.drop { $0 == UInt8(ascii: "/") })
        return (below.isEmpty ? [UInt8(ascii: ".")] : below) + [0]
    }

    /// The canonical path a link's `target` in `directory` leads to, as libpci's
    /// sysfs_deref_link finds it: realpath(3) of `directory/` followed by the target (so that an
    /// absolute target is taken below `directory` too); nil when that fails. The target is
    /// opened with O_PATH relative to the directory, which resolves it as realpath(3) would, and
    /// the kernel names what was opened; without /proc, realpath(3) itself answers.
    private static func resolve(_ directory: String, _ dir: Int32, _ target: [UInt8]) -> String? {
        let opened = Self.relative(target).withUnsafeBufferPointer {
            openat(dir, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), Self.openPathOnly | O_CLOEXEC)
        }
        guard opened >= 0 else { return nil }
        defer { close(opened) }
        return canonicalPath(of: opened) ?? Files.realPath(directory + "/" + String(decoding: target, as: UTF8.self))
    }

    /// The canonical path of what `fd` (opened with O_PATH, or otherwise) names, as the kernel
    /// gives it in /proc/self/fd: what realpath(3) makes of the path it was opened by, in one
    /// call where realpath(3) makes one per component. nil without /proc, or for a name the
    /// kernel marks (" (deleted)", no leading "/").
    public static func canonicalPath(of fd: Int32) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buf -> String? in
            let n = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: 4096) { readlink("/proc/self/fd/\(fd)", $0, 4096) }
            guard n > 0, n < 4096, buf[0] == UInt8(ascii: "/") else { return nil }
            let path = UnsafeBufferPointer(rebasing: buf[0..<n])
            let deleted = Array(" (deleted)".utf8)
            if path.count >= deleted.count && Array(path.suffix(deleted.count)) == deleted { return nil }
            return String(decoding: path, as: UTF8.self)
        }
    }

    /// The last component of the canonical path the link `directory/name` leads to, as libpci
    /// finds it (readlink(2) must succeed, then realpath(3)): a driver's or an IOMMU group's
    /// name; nil when either fails. When the target ends in a plain name that is not itself a
    /// link, that name is the answer once the target is known to exist: one fstatat(2) instead
    /// of opening it.
    public func linkedName(_ directory: String, _ name: String) -> String? {
        guard let dir = descriptor(directory) else { return nil }
        return Self.linkedName(at: dir, name, directory: directory)
    }

    /// `linkedName`, of `name` in `directory`, which is open as `dir`.
    public static func linkedName(at dir: Int32, _ name: String, directory: @autoclosure () -> String) -> String? {
        guard let target = Self.target(dir, name) else { return nil }
        let last = target.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).last ?? []
        let plain = !last.isEmpty && last != [UInt8(ascii: ".")] && last != [UInt8(ascii: "."), UInt8(ascii: ".")]
        if plain {
            var st = stat()
            let found = Self.relative(target).withUnsafeBufferPointer {
                fstatat(dir, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &st, AT_SYMLINK_NOFOLLOW)
            }
            if found != 0 { return nil }  // the target does not resolve: realpath(3) fails too
            if st.st_mode & S_IFMT != S_IFLNK { return String(decoding: last, as: UTF8.self) }
        }
        return Self.resolve(directory(), dir, target).map(Self.lastComponent)
    }

    /// What follows the last '/' of a path (libpci's basename and strrchr: "" for "/").
    static func lastComponent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }
}
