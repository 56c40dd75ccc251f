#if canImport(Glibc)
import Glibc
#endif

/// A warning on standard error, in pcihide's words.
public func warn(_ message: String) {
    StandardError.write("pcihide: warning: \(message)\n")
}

/// A note on standard error: what pcihide found, did or did not do.
public func note(_ message: String) {
    StandardError.write("pcihide: \(message)\n")
}

/// Writes text to standard output in one go (print() per line is slow for large listings).
public func writeStandardOutput(_ text: String) {
    var text = text
    text.withUTF8 { buf in
        var off = 0
        while off < buf.count {
            let n = write(1, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { if errno == EINTR { continue }; break }
            off += n
        }
    }
}
