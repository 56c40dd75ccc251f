import PCIModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Thin wrappers over the POSIX calls pcihide needs. No Foundation: these run on every
/// invocation, including completion, where start-up time matters.
public enum Files {
    /// The text of errno.
    public static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Reads a whole file. A missing or unreadable file is `noInput` (66); a read failure `ioError`.
    public static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            throw Failure(e == EACCES ? .noInput : .noInput, "cannot read \(path): \(errorText(e))")
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 { out.reserveCapacity(Int(st.st_size)) }
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                if e == EISDIR { throw Failure(.noInput, "cannot read \(path): \(errorText(e))") }
                throw Failure(.ioError, "cannot read \(path): \(errorText(e))")
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Runs `body` on a regular file's bytes, mapped read-only (no copy, and only the pages read
    /// are touched); nil when the file cannot be opened, is not a regular file or cannot be mapped.
    public static func withMappedFile<T>(_ path: String, _ body: (UnsafeRawBufferPointer) -> T) -> T? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(st.st_size)
        if size == 0 { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else { return nil }
        defer { munmap(map, size) }
        return body(UnsafeRawBufferPointer(start: map, count: size))
    }

    /// Reads a file as UTF-8 text (invalid bytes become U+FFFD).
    public static func readText(_ path: String) throws(Failure) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    /// Reads a small file if it exists, nil otherwise (used for sysfs attributes).
    public static func readIfPresent(_ path: String) -> [UInt8]? {
        try? read(path)
    }

    /// A file to be edited: nil when it does not exist; an error naming it when it is anything
    /// but a regular file (through links) — a FIFO would block the open, a device or a directory
    /// is not a configuration file — checked before it is opened.
    public static func readRegularIfPresent(_ path: String) throws(Failure) -> [UInt8]? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let e = errno
            if e == ENOENT { return nil }
            throw Failure(.noInput, "cannot read \(path): \(errorText(e))")
        }
        let kind: String? =
            switch st.st_mode & S_IFMT {
            case S_IFREG: nil
            case S_IFIFO: "a FIFO"
            case S_IFDIR: "a directory"
            case S_IFCHR, S_IFBLK: "a device node"
            case S_IFSOCK: "a socket"
            default: "not a regular file"
            }
        if let kind { throw Failure(.dataError, "\(path) is \(kind), not a regular file: pcihide does not open it (remove it or move it away); nothing was written") }
        return try read(path)
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The canonical absolute path (symbolic links resolved), or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// The last component of a path (`e1000` of `../../drivers/e1000`).
    public static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The target of a symbolic link, or nil.
    public static func readLink(_ path: String) -> String? {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlink(path, $0, b.count) }
        }
        guard n >= 0 else { return nil }
        return String(decoding: buf[0..<n], as: UTF8.self)
    }

    /// The directory can be opened for reading (its entries are not read).
    public static func isReadableDirectory(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Names in a directory (without `.` and `..`), unsorted; nil when it cannot be opened.
    public static func list(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates a directory and its parents (like `mkdir -p`).
    public static func makeDirectories(_ path: String) throws(Failure) {
        if path.isEmpty || isDirectory(path) { return }
        let parent = directoryName(path)
        if parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            let e = errno
            throw Failure(
                e == EACCES || e == EROFS ? .cannotCreate : .cannotCreate,
                "cannot create directory \(path): \(errorText(e))")
        }
    }

    public static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Writes `bytes` to `path` so that a reader (or a crash) sees either the old file or the new
    /// one, never a mix: a temporary file beside it, fsync, rename over, fsync of the directory.
    /// The permission bits of an existing file are kept.
    /// Fault injection for tests, the one seam before every file write (atomic replace and
    /// append): an errno registered for a path makes every write to it fail as the system would.
    /// Kept per path under a lock, so that tests running in parallel set and clear only their own.
    nonisolated(unsafe) static var injectedFailures: [String: Int32] = [:]
    nonisolated(unsafe) static var injectionLock: pthread_mutex_t = {
        var m = pthread_mutex_t()
        pthread_mutex_init(&m, nil)
        return m
    }()

    public static func injectFailure(_ errno: Int32, at path: String) {
        pthread_mutex_lock(&injectionLock)
        injectedFailures[path] = errno
        pthread_mutex_unlock(&injectionLock)
    }

    public static func clearInjectedFailure(at path: String) {
        pthread_mutex_lock(&injectionLock)
        injectedFailures[path] = nil
        pthread_mutex_unlock(&injectionLock)
    }

    static func injected(_ path: String) throws(Failure) {
        pthread_mutex_lock(&injectionLock)
        let e = injectedFailures.isEmpty ? nil : injectedFailures[path]
        pthread_mutex_unlock(&injectionLock)
        if let e { throw Failure(e == ENOSPC || e == EIO ? .ioError : .cannotCreate, "cannot write \(path): \(errorText(e))") }
    }

    /// There is a symbolic link at `path` (not followed).
    public static func isSymbolicLink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK
    }

    /// Where a write to `path` lands: `path` itself, or the file a symbolic link at `path`
    /// points to (the link is kept, and its target replaced). A link whose target cannot be
    /// reached (dangling, or a loop) is `noInput`, naming the link: never a new file beside it.
    public static func writeTarget(_ path: String) throws(Failure) -> String {
        guard isSymbolicLink(path) else { return path }
        guard let real = realPath(path) else {
            let e = errno
            throw Failure(.noInput, "\(path) is a symbolic link whose target cannot be reached (\(errorText(e)): dangling, or a loop); fix or remove the link")
        }
        return real
    }

    /// Removes a file (not a directory); a failure other than "not there" is an error naming it.
    public static func removeFile(_ path: String) throws(Failure) {
        try injected(path)
        if unlink(path) != 0 && errno != ENOENT {
            let e = errno
            throw Failure(e == EACCES || e == EPERM ? .noPermission : .ioError, "cannot remove \(path): \(errorText(e))")
        }
    }

    /// Replaces `path` atomically: the bytes go to an unpredictable temporary in the same
    /// directory (created with O_EXCL, so a planted file or link is never followed or reused),
    /// are synced, and renamed over it. The new file keeps the mode, owner and group of the one
    /// it replaces (or of `like`, for a backup), whatever the umask; a new file gets `mode`.
    /// A symbolic link at `path` is kept and its target replaced; the target is returned.
    @discardableResult
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, like: String? = nil) throws(Failure) -> String {
        try injected(path)
        let target = try writeTarget(path)
        let dir = directoryName(target)
        try makeDirectories(dir)
        var st = stat()
        let model: stat? = stat(like ?? target, &st) == 0 ? st : nil
        var template = Array((dir + "/." + baseName(target) + ".pcihide-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        if fd < 0 {
            let e = errno
            throw Failure(e == EACCES ? .noPermission : .cannotCreate, "cannot write \(path): cannot create a temporary file in \(dir): \(errorText(e))")
        }
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var ok = true
        var failure = 0 as Int32
        if let model {
            // Owner first: chown clears set-id bits, which the mode then puts back.
            if geteuid() == 0 && fchown(fd, model.st_uid, model.st_gid) != 0 { ok = false; failure = errno }
            if ok && fchmod(fd, model.st_mode & 0o7777) != 0 { ok = false; failure = errno }
        } else if fchmod(fd, mode) != 0 {
            ok = false; failure = errno
        }
        var offset = 0
        while ok && offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                ok = false; failure = errno; break
            }
            offset += n
        }
        if ok && fsync(fd) != 0 { ok = false; failure = errno }
        if close(fd) != 0 && ok { ok = false; failure = errno }
        if !ok {
            unlink(tmp)
            throw Failure(.ioError, "cannot write \(path): \(errorText(failure)); the file is unchanged")
        }
        if rename(tmp, target) != 0 {
            let e = errno
            unlink(tmp)
            throw Failure(.cannotCreate, "cannot replace \(target): \(errorText(e)); the file is unchanged")
        }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        return target
    }

    /// Removes the temporaries a killed writer of `path` left beside it (`.NAME.pcihide-*`,
    /// and `NAME.tmp.*` from earlier versions). Only a caller holding the lock that every writer
    /// of `path` takes may call it: then no temporary is in use.
    public static func removeStaleTemporaries(of path: String) {
        guard let target = try? writeTarget(path) else { return }
        let dir = directoryName(target), base = baseName(target)
        let current = "." + base + ".pcihide-", legacy = base + ".tmp."
        for name in list(dir) ?? [] where name.hasPrefix(current) || name.hasPrefix(legacy) {
            var st = stat()
            // Files and links (unlink never follows one); a directory of that name is left alone.
            if lstat(dir + "/" + name, &st) == 0 && (st.st_mode & S_IFMT == S_IFREG || st.st_mode & S_IFMT == S_IFLNK) { unlink(dir + "/" + name) }
        }
    }

    /// Appends bytes with one write (O_APPEND) and fsyncs; used for the history log.
    public static func append(_ path: String, _ bytes: [UInt8]) throws(Failure) {
        try injected(path)
        try makeDirectories(directoryName(path))
        // Never through a symbolic link: a planted link would send the line elsewhere.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd < 0 {
            let e = errno
            if e == ELOOP { throw Failure(.cannotCreate, "cannot write \(path): it is a symbolic link, which pcihide does not follow for this file; remove it") }
            throw Failure(.cannotCreate, "cannot write \(path): \(errorText(e))")
        }
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n != bytes.count || fsync(fd) != 0 {
            let e = errno
            throw Failure(.ioError, "cannot append to \(path): \(errorText(e))")
        }
    }

    /// The last complete line of an append-only file (without its newline; nil when the file
    /// is absent or empty). A last line without its newline was cut short by a crash: it is cut
    /// off, so that the next append starts on a line of its own and no reader takes the torn
    /// piece for a whole line. Call it holding the file's lock.
    public static func lastLine(ofAppendOnly path: String) throws(Failure) -> [UInt8]? {
        try injected(path)
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            let e = errno
            if e == ENOENT { return nil }
            if e == ELOOP { throw Failure(.cannotCreate, "cannot write \(path): it is a symbolic link, which pcihide does not follow for this file; remove it") }
            throw Failure(.cannotCreate, "cannot write \(path): \(errorText(e))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(.ioError, "cannot read \(path): \(errorText(errno))") }
        var size = Int(st.st_size)
        // Lines are short; a window of 64 KiB holds the last whole one (a longer one is torn).
        let window = min(size, 65536)
        var tail = [UInt8](repeating: 0, count: window)
        let got = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, window, off_t(size - window)) }
        guard got == window else { throw Failure(.ioError, "cannot read \(path): \(errorText(errno))") }
        if let last = tail.last, last != UInt8(ascii: "\n") {
            let keep = tail.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            size -= window - keep
            guard ftruncate(fd, off_t(size)) == 0, fsync(fd) == 0 else {
                throw Failure(.ioError, "cannot cut the unfinished last line of \(path): \(errorText(errno))")
            }
            tail.removeSubrange(keep...)
        }
        guard tail.last == UInt8(ascii: "\n") else { return nil }
        tail.removeLast()
        let start = tail.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        return Array(tail[start...])
    }

    /// Copies a file to `backup` atomically, with the original's mode, owner and group (used
    /// before editing /etc/default/grub).
    public static func backup(_ path: String, to backup: String) throws(Failure) {
        try writeAtomically(backup, try read(path), like: path)
    }
}

/// An advisory lock (flock) on a lock file beside the data file. The data file itself is replaced
/// by rename on every write, so locking it would lock a file nobody reads next.
public final class FileLock {
    private let fd: Int32

    /// Blocks until the exclusive lock on `path` is held.
    public init(path: String) throws(Failure) {
        try Files.makeDirectories(Files.directoryName(path))
        // Never through a symbolic link (a planted one would lock, or create, another file).
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd < 0 {
            let e = errno
            if e == ELOOP { throw Failure(.cannotCreate, "cannot open lock file \(path): it is a symbolic link, which pcihide does not follow for a lock; remove it") }
            throw Failure(e == EACCES ? .noPermission : .cannotCreate, "cannot open lock file \(path): \(Files.errorText(e))")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let e = errno
            close(fd)
            throw Failure(.ioError, "cannot lock \(path): \(Files.errorText(e))")
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

public enum Environment {
    public static func get(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }

    /// The variable as set, an empty value included (nil only when unset).
    public static func raw(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    public static var isRoot: Bool { geteuid() == 0 }

    public static var home: String {
        if let h = get("HOME") { return h }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }
}

public enum Clock {
    /// Seconds on the monotonic clock (for intervals, never for dates).
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The current time as RFC 3339 UTC, `2026-11-24T23:40:48Z`.
    public static func nowRFC3339() -> String {
        rfc3339(time(nil))
    }

    public static func rfc3339(_ t: time_t) -> String {
        var t = t
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        func p(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return p(tm.tm_year + 1900, 4) + "-" + p(tm.tm_mon + 1, 2) + "-" + p(tm.tm_mday, 2) + "T"
            + p(tm.tm_hour, 2) + ":" + p(tm.tm_min, 2) + ":" + p(tm.tm_sec, 2) + "Z"
    }
}

/// Standard error, unbuffered.
public enum StandardError {
    public static func write(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { if errno == EINTR { continue }; break }
                off += n
            }
        }
    }
}

/// A private temporary file (mkstemp), for handing text to libpci.
public enum TemporaryFile {
    public static func write(_ text: String) throws(Failure) -> String {
        let dir = Environment.get("TMPDIR") ?? "/tmp"
        var template = Array((dir + "/pcihide.XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        if fd < 0 {
            let e = errno
            throw Failure(.cannotCreate, "cannot create a temporary file in \(dir): \(Files.errorText(e))")
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let bytes = Array(text.utf8)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if n != bytes.count {
            unlink(path)
            throw Failure(.ioError, "cannot write the temporary file \(path)")
        }
        return path
    }

    public static func remove(_ path: String) { unlink(path) }

}

extension String {
    /// The text of a C buffer filled up to a NUL (libpci's error and name buffers); the whole
    /// buffer when it holds none.
    public init(nulTerminated buffer: [CChar]) {
        let end = buffer.firstIndex(of: 0) ?? buffer.count
        self = String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
