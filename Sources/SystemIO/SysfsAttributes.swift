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

    /// Forgets the open directory (a test that changes the tree between two reads).
    public func forget() {
        if fd >= 0 { close(fd) }
        fd = -1
        openPath = ""
    }

    /// The text of `directory/name` as libpci's sysfs_get_string reads it: one read(2) of at most
    /// `limit` bytes, cut at the first NUL; nil when the file cannot be opened or read, or when
    /// it fills the whole buffer (libpci's "Value too long").
    public func text(_ directory: String, _ name: String, limit: Int = 1024) -> String? {
        guard let dir = descriptor(directory) else { return nil }
        let file = openat(dir, name, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: limit) { buf -> String? in
            let n = read(file, buf.baseAddress, limit)
            guard n >= 0, n < limit else { return nil }
            let bytes = UnsafeBufferPointer(rebasing: buf[0..<n])
            let end = bytes.firstIndex(of: 0) ?? n
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        }
    }

    /// The bytes of `directory/name` from its start, in one pread(2) of at most `limit` bytes:
    /// as many as the file gives (a sysfs binary attribute such as `vpd` ends where the device's
    /// data does); nil when it cannot be opened or gives none.
    public func bytes(_ directory: String, _ name: String, limit: Int) -> [UInt8]? {
        guard let dir = descriptor(directory) else { return nil }
        let file = openat(dir, name, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = buffer.withUnsafeMutableBytes { pread(file, $0.baseAddress, limit, 0) }
        guard n > 0 else { return nil }
        buffer.removeSubrange(n...)
        return buffer
    }

    /// The canonical path `directory/name` leads to when `name` is a symbolic link, as libpci's
    /// sysfs_deref_link finds it: readlink(2), then realpath(3) of `directory/` followed by the
    /// target, so that an absolute target is taken below `directory` too; nil when either fails.
    /// The target is opened with O_PATH relative to the directory, which resolves it as
    /// realpath(3) would, and the kernel names what was opened; without /proc, realpath(3)
    /// itself answers.
    public func linkTarget(_ directory: String, _ name: String) -> String? {
        guard let dir = descriptor(directory) else { return nil }
        let limit = 1024  // libpci's buffer; a longer target is cut there
        guard let target = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: limit, { buf -> [UInt8]? in
            let n = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: limit) { readlinkat(dir, name, $0, limit) }
            guard n >= 0 else { return nil }
            let bytes = UnsafeBufferPointer(rebasing: buf[0..<n])
            return Array(bytes[0..<(bytes.firstIndex(of: 0) ?? n)])
        }) else { return nil }
        // "directory/" + "/abs" names "abs" below the directory; "directory/" + "" the directory.
        var relative = target.drop { $0 == UInt8(ascii: "/") }
        if relative.isEmpty { relative = [UInt8(ascii: ".")] }
        let opened = (Array(relative) + [0]).withUnsafeBufferPointer {
            openat(dir, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), Self.openPathOnly | O_CLOEXEC)
        }
        guard opened >= 0 else { return nil }
        defer { close(opened) }
        let named = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buf -> String? in
            let n = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: 4096) { readlink("/proc/self/fd/\(opened)", $0, 4096) }
            guard n > 0, n < 4096, buf[0] == UInt8(ascii: "/") else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[0..<n]), as: UTF8.self)
        }
        return named ?? Files.realPath(directory + "/" + String(decoding: target, as: UTF8.self))
    }

    /// The last component of `linkTarget(directory, name)` (a driver's or an IOMMU group's
    /// name). When the link's target ends in a plain name that is not itself a link, that name
    /// is the answer once the target is known to exist: one fstatat(2) instead of opening it.
    public func linkedName(_ directory: String, _ name: String) -> String? {
        guard let dir = descriptor(directory) else { return nil }
        let limit = 1024
        let target: [UInt8]? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: limit) { buf in
            let n = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: limit) { readlinkat(dir, name, $0, limit) }
            guard n >= 0 else { return nil }
            let bytes = UnsafeBufferPointer(rebasing: buf[0..<n])
            return Array(bytes[0..<(bytes.firstIndex(of: 0) ?? n)])
        }
        guard let target else { return nil }
        let last = target.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).last ?? []
        let plain = !last.isEmpty && last != [UInt8(ascii: ".")] && last != [UInt8(ascii: "."), UInt8(ascii: ".")]
        if plain {
            var relative = Array(target.drop { $0 == UInt8(ascii: "/") })
            relative.append(0)
            var st = stat()
            let found = relative.withUnsafeBufferPointer {
                fstatat(dir, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &st, AT_SYMLINK_NOFOLLOW)
            }
            if found != 0 { return nil }  // the target does not resolve: realpath(3) fails too
            if st.st_mode & S_IFMT != S_IFLNK { return String(decoding: last, as: UTF8.self) }
        }
        return linkTarget(directory, name).map(Self.lastComponent)
    }

    /// What follows the last '/' of a path (libpci's basename and strrchr: "" for "/").
    public static func lastComponent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }
}
