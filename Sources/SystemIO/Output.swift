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

/// Standard input, for the commands that take `-` for a file.
public enum StandardInput {
    /// Everything until end of file, as text (invalid UTF-8 replaced).
    public static func readAll() -> String {
        var bytes: [UInt8] = []
        while let line = readLine(strippingNewline: false) { bytes += Array(line.utf8) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
