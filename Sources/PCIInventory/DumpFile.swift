import PCIModel
import SystemIO

/// A rejected lspci dump (`lspci -x` … `-xxxx` output, read back with `-F`).
public struct DumpError: PCIHideError, Equatable {
    public var path: String
    public var line: Int
    public var column: Int
    public var reason: String
    public var exitStatus: ExitStatus { .dataError }
    public var description: String { "\(path):\(line):\(column): \(reason)" }
}

/// The devices and config bytes of an lspci hex dump, checked by the rules libpci's dump back-end
/// applies (lib/dump.c), so that every error libpci would raise without a line number is reported
/// here with one. Lines that are neither a device header, a hex line nor empty are ignored, as
/// libpci ignores them (they are lspci's verbose text).
public struct DumpFile: Equatable, Sendable {
    public struct Device: Equatable, Sendable {
        public var address: PCIAddress
        /// The header text after the address (`Host bridge: Intel …`).
        public var title: String
        /// Config bytes in offset order; offsets never written read 0xff.
        public var config: [UInt8]
        public var line: Int
    }

    public var devices: [Device] = []

    public static func read(_ path: String) throws -> DumpFile {
        try parse(Files.read(path), path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws(DumpError) -> DumpFile {
        var out = DumpFile()
        var current: Int?
        var lineNo = 0
        var start = 0
        while start < bytes.count {
            lineNo += 1
            var end = start
            while end < bytes.count && bytes[end] != 0x0a { end += 1 }
            // libpci reads lines with fgets(buf, 255), which takes at most 254 characters with
            // the newline: longer lines, or a last line without a newline, are errors there.
            if end - start > 253 {
                throw DumpError(path: path, line: lineNo, column: 254, reason: "line too long (libpci reads at most 253 characters per line)")
            }
            if end == bytes.count {
                throw DumpError(path: path, line: lineNo, column: end - start + 1, reason: "the last line does not end with a newline")
            }
            // libpci reads a line with fgets and measures it with strlen: a NUL ends it early,
            // so the newline is not found and libpci refuses the file ("line too long or
            // unterminated"). Said here with the place, as every other dump error is.
            if let nul = bytes[start..<end].firstIndex(of: 0) {
                throw DumpError(path: path, line: lineNo, column: nul - start + 1, reason: "a NUL byte inside the line (libpci stops reading the line there and refuses the file)")
            }
            var line = Array(bytes[start..<end])
            start = end + 1
            if line.last == 0x0d { line.removeLast() }
            if let (address, titleStart) = try header(line, path: path, line: lineNo) {
                out.devices.append(Device(address: address, title: String(decoding: line[titleStart...], as: UTF8.self), config: [], line: lineNo))
                current = out.devices.count - 1
                continue
            }
            if line.isEmpty { current = nil; continue }
            guard let dev = current, let (offset, dataStart) = dataPrefix(line) else { continue }
            var i = dataStart
            var pos = offset
            var config = out.devices[dev].config
            while i < line.count {
                guard i + 1 < line.count, hexDigitValue(line[i]) != nil, hexDigitValue(line[i + 1]) != nil,
                    i + 2 == line.count || line[i + 2] == 0x20
                else { break }
                if pos >= 4096 {
                    throw DumpError(path: path, line: lineNo, column: i + 1, reason: "offset \(hex(pos, 3)) is past the 4096 bytes of config space libpci supports")
                }
                if config.count <= pos { config += [UInt8](repeating: 0xff, count: pos + 1 - config.count) }
                config[pos] = hexDigitValue(line[i])! << 4 | hexDigitValue(line[i + 1])!
                pos += 1
                i += 2
                if i < line.count { i += 1 }
            }
            if i < line.count {
                throw DumpError(path: path, line: lineNo, column: i + 1, reason: "malformed hex dump line: expected two hex digits separated by spaces, found '\(String(decoding: line[i...].prefix(8), as: UTF8.self))'")
            }
            out.devices[dev].config = config
        }
        return out
    }

    /// `BB:DD.F `, `DDDD:BB:DD.F ` or `DDDDD:BB:DD.F ` at the start of a line, as libpci accepts.
    static func header(_ l: [UInt8], path: String, line: Int) throws(DumpError) -> (PCIAddress, Int)? {
        func range(_ d: UInt32, _ f: UInt32, at: Int) throws(DumpError) {
            if d > 0x1f { throw DumpError(path: path, line: line, column: at + 1, reason: "device \(hex(d, 2)) is out of range 00-1f") }
            if f > 7 { throw DumpError(path: path, line: line, column: at + 4, reason: "function \(f) is out of range 0-7") }
        }
        func matches(_ fmt: String) -> Bool {
            let f = Array(fmt.utf8)
            guard l.count >= f.count else { return false }
            for (k, c) in f.enumerated() {
                if c == UInt8(ascii: "#") ? hexDigitValue(l[k]) == nil : c != l[k] { return false }
            }
            return true
        }
        func num(_ r: Range<Int>) -> UInt32 { parseHex(l[r]) ?? 0 }
        if matches("##:##.# ") {
            let d = num(3..<5), f = num(6..<7)
            try range(d, f, at: 3)
            return (PCIAddress(domain: 0, bus: UInt8(num(0..<2)), device: UInt8(d), function: UInt8(f)), 8)
        }
        for width in [4, 5] where matches(String(repeating: "#", count: width) + ":##:##.# ") {
            let dom = num(0..<width), d = num(width + 4..<width + 6), f = num(width + 7..<width + 8)
            // Five digits are Intel VMD's domains (10000 and up), which lspci -x writes and -F reads.
            try range(d, f, at: width + 4)
            return (PCIAddress(domain: dom, bus: UInt8(num(width + 1..<width + 3)), device: UInt8(d), function: UInt8(f)), width + 9)
        }
        return nil
    }

    /// `XX: ` … `XXXXXXXX: ` offset prefixes.
    static func dataPrefix(_ l: [UInt8]) -> (Int, Int)? {
        var i = 0
        while i < l.count && hexDigitValue(l[i]) != nil { i += 1 }
        guard (2...8).contains(i), i + 1 < l.count, l[i] == UInt8(ascii: ":"), l[i + 1] == 0x20,
            let v = parseHex(l[0..<i])
        else { return nil }
        return (Int(v), i + 2)
    }
}
