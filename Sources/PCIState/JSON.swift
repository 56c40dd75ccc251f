import PCIModel

/// A JSON value. pcihide writes its state by hand so that it can report the line and column of a
/// broken file (and so that no Foundation is loaded on the way).
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    /// Keys keep their order, so a file is rewritten in the order it was read.
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSON? {
        if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var number: Double? { if case .number(let n) = self { return n }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [JSON]? { if case .array(let a) = self { return a }; return nil }
    public var int: Int? {
        guard let n = number, n == n.rounded(), abs(n) < 1e15 else { return nil }
        return Int(n)
    }
}

/// Where and why a JSON text could not be parsed.
public struct JSONError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }
}

extension JSON {
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSON {
        // The parser reads through a buffer pointer: no bounds checks or retains per byte.
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) -> JSON in
            var p = JSONParser(buffer)
            p.skipSpace()
            let v = try p.value(depth: 0)
            p.skipSpace()
            if p.i < buffer.count { throw p.error("unexpected \(p.describe()) after the end of the document") }
            return v
        }
    }

    /// Pretty text, two-space indent, one key per line, a final newline.
    public func serialized() -> String { String(decoding: serializedBytes(), as: UTF8.self) }

    /// The same as bytes, ready to write: built in one byte buffer (appending small strings
    /// to a String cost most of a 4096-device state's write).
    public func serializedBytes(indent: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: indent)
        out.append(0x0a)
        return out
    }

    /// One line, no spaces.
    public func compact() -> String {
        var out: [UInt8] = []
        write(to: &out, indent: nil)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a literal's bytes directly (appending a String's utf8 view goes through generic,
    /// dynamically cast code on every call).
    @inline(__always)
    static func put(_ out: inout [UInt8], _ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    static func put(_ out: inout [UInt8], _ s: String) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    private static func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(0x0a)
        for _ in 0..<(2 * indent) { out.append(0x20) }
    }

    private func write(to out: inout [UInt8], indent: Int?) {
        switch self {
        case .null: JSON.put(&out, "null")
        case .bool(let b): if b { JSON.put(&out, "true") } else { JSON.put(&out, "false") }
        case .number(let n):
            if n == n.rounded() && abs(n) < 1e15 { JSON.put(&out, String(Int(n))) } else { JSON.put(&out, String(n)) }
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let a):
            if a.isEmpty { JSON.put(&out, "[]"); return }
            out.append(UInt8(ascii: "["))
            for (k, v) in a.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                if let indent { JSON.newline(&out, indent + 1) }
                v.write(to: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { JSON.newline(&out, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty { JSON.put(&out, "{}"); return }
            out.append(UInt8(ascii: "{"))
            for (k, (key, v)) in pairs.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                if let indent { JSON.newline(&out, indent + 1) }
                JSON.quote(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(0x20) }
                v.write(to: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { JSON.newline(&out, indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            // Nearly every string needs no escape: copy it whole.
            if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c }) {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                switch b {
                case 0x22: put(&out, "\\\"")
                case 0x5c: put(&out, "\\\\")
                case 0x0a: put(&out, "\\n")
                case 0x0d: put(&out, "\\r")
                case 0x09: put(&out, "\\t")
                case 0..<0x20: put(&out, "\\u" + hex(b, 4))
                default: out.append(b)
                }
            }
        }
        out.append(0x22)
    }
}

struct JSONParser {
    let s: UnsafeBufferPointer<UInt8>
    var i = 0
    init(_ s: UnsafeBufferPointer<UInt8>) { self.s = s }

    func error(_ reason: String, at: Int? = nil) -> JSONError {
        let at = min(at ?? i, s.count)
        var line = 1, col = 1
        for b in s[..<at] { if b == 0x0a { line += 1; col = 1 } else { col += 1 } }
        return JSONError(line: line, column: col, reason: reason)
    }

    /// A key given twice in one object: the second value would silently win or be lost, and
    /// the next write would make that permanent.
    func duplicate(_ key: String, at: Int) -> JSONError {
        error("the key \"\(key)\" appears twice in one object; remove one (pcihide never writes it twice)", at: at)
    }

    func describe() -> String {
        guard i < s.count else { return "end of file" }
        let c = s[i]
        return c >= 0x20 && c < 0x7f ? "'\(Character(UnicodeScalar(c)))'" : "byte 0x\(hex(c, 2))"
    }

    mutating func skipSpace() {
        while i < s.count && (s[i] == 0x20 || s[i] == 0x0a || s[i] == 0x0d || s[i] == 0x09) { i += 1 }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSON {
        if depth > 64 { throw error("nested too deeply") }
        guard i < s.count else { throw error("unexpected end of file, expected a value") }
        switch s[i] {
        case UInt8(ascii: "{"):
            i += 1
            var pairs: [(String, JSON)] = []
            skipSpace()
            if i < s.count && s[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
            while true {
                skipSpace()
                let at = i
                let key = try objectKey()
                if pairs.contains(where: { $0.0 == key }) { throw duplicate(key, at: at) }
                pairs.append((key, try value(depth: depth + 1)))
                if try endOfObject() { return .object(pairs) }
            }
        case UInt8(ascii: "["):
            return .array(try arrayItems { (p: inout JSONParser) throws(JSONError) in try p.value(depth: depth + 1) })
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw error("expected a value, found \(describe())")
        }
    }

    mutating func literal(_ word: String, _ v: JSON) throws(JSONError) -> JSON {
        let w = Array(word.utf8)
        guard i + w.count <= s.count, Array(s[i..<i + w.count]) == w else { throw error("expected a value, found \(describe())") }
        i += w.count
        return v
    }

    mutating func number() throws(JSONError) -> JSON {
        let start = i
        if s[i] == UInt8(ascii: "-") { i += 1 }
        func digits(_ p: inout JSONParser) -> Int {
            let st = p.i
            while p.i < p.s.count && p.s[p.i] >= 0x30 && p.s[p.i] <= 0x39 { p.i += 1 }
            return p.i - st
        }
        if digits(&self) == 0 { throw error("expected digits in a number") }
        if i < s.count && s[i] == UInt8(ascii: ".") { i += 1; if digits(&self) == 0 { throw error("expected digits after '.'") } }
        if i < s.count && (s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E")) {
            i += 1
            if i < s.count && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
            if digits(&self) == 0 { throw error("expected digits in the exponent") }
        }
        guard let d = Double(String(decoding: s[start..<i], as: UTF8.self)) else { throw error("bad number", at: start) }
        return .number(d)
    }

    mutating func string() throws(JSONError) -> String {
        let open = i
        i += 1
        // Fast path: plain ASCII up to the closing quote, no escapes (what pcihide writes).
        var j = i
        while j < s.count, s[j] != UInt8(ascii: "\""), s[j] != UInt8(ascii: "\\"), s[j] >= 0x20, s[j] < 0x80 { j += 1 }
        if j < s.count, s[j] == UInt8(ascii: "\"") {
            let text = String(decoding: s[i..<j], as: UTF8.self)
            i = j + 1
            return text
        }
        var bytes: [UInt8] = []
        while true {
            guard i < s.count else { throw error("the string opened here is not closed", at: open) }
            let c = s[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw error("control character in a string (escape it)") }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < s.count else { throw error("unexpected end of file in an escape") }
                switch s[i] {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5c)
                case UInt8(ascii: "/"): bytes.append(0x2f)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0c)
                case UInt8(ascii: "n"): bytes.append(0x0a)
                case UInt8(ascii: "r"): bytes.append(0x0d)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 < s.count, let v = parseHex(s[i + 1...i + 4]) else { throw error("expected four hex digits after \\u") }
                    i += 4
                    // Surrogates are replaced: the state file only holds ASCII we wrote ourselves.
                    let scalar = UnicodeScalar(v) ?? "\u{FFFD}"
                    bytes.append(contentsOf: Array(String(scalar).utf8))
                default: throw error("unknown escape \\\(describe())")
                }
                i += 1
                continue
            }
            bytes.append(c)
            i += 1
        }
        guard let str = String(validating: bytes, as: UTF8.self) else { throw error("invalid UTF-8 in the string", at: open) }
        return str
    }
}

/// A state file parsed for decoding: the top-level value, and the entries of its first "hidden"
/// array read straight into their fields. A tree of 4096 entries cost more to build and free
/// than everything else a command does with them.
struct StateDocument {
    /// The top level, less the "hidden" array that `hidden` holds.
    var top: JSON
    /// nil when the first "hidden" was no array (then it is in `top`, and decoding says so).
    var hidden: [EntryFields]?
}

extension JSON {
    /// Parses a state file: the same grammar, positions and messages as `parse`.
    static func parseState(_ bytes: [UInt8]) throws(JSONError) -> StateDocument {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) -> StateDocument in
            var p = JSONParser(buffer)
            p.skipSpace()
            let document = try p.stateDocument()
            p.skipSpace()
            if p.i < buffer.count { throw p.error("unexpected \(p.describe()) after the end of the document") }
            return document
        }
    }
}

extension JSONParser {
    mutating func stateDocument() throws(JSONError) -> StateDocument {
        guard i < s.count, s[i] == UInt8(ascii: "{") else { return StateDocument(top: try value(depth: 0), hidden: nil) }
        i += 1
        var pairs: [(String, JSON)] = []
        var hidden: [EntryFields]?
        var sawHidden = false
        skipSpace()
        if i < s.count && s[i] == UInt8(ascii: "}") { i += 1; return StateDocument(top: .object(pairs), hidden: nil) }
        while true {
            skipSpace()
            let at = i
            let key = try objectKey()
            if (key == "hidden" && sawHidden) || pairs.contains(where: { $0.0 == key }) { throw duplicate(key, at: at) }
            if key == "hidden" && !sawHidden && i < s.count && s[i] == UInt8(ascii: "[") {
                hidden = try entryArray(depth: 1)
                sawHidden = true
            } else {
                let v = try value(depth: 1)
                // Of repeated keys the first counts: a later "hidden" is read and dropped.
                if key != "hidden" || !sawHidden { pairs.append((key, v)) }
                if key == "hidden" { sawHidden = true }
            }
            if try endOfObject() { return StateDocument(top: .object(pairs), hidden: hidden) }
        }
    }

    /// `[ {entry}, ... ]` at `depth`, each entry read into its fields.
    mutating func entryArray(depth: Int) throws(JSONError) -> [EntryFields] {
        try arrayItems { (p: inout JSONParser) throws(JSONError) in try p.entryFields(depth: depth + 1) }
    }

    /// `[ item, ... ]` from the opening bracket, each item read by `item`.
    mutating func arrayItems<T>(_ item: (inout JSONParser) throws(JSONError) -> T) throws(JSONError) -> [T] {
        i += 1
        var items: [T] = []
        skipSpace()
        if i < s.count && s[i] == UInt8(ascii: "]") { i += 1; return items }
        while true {
            skipSpace()
            items.append(try item(&self))
            skipSpace()
            guard i < s.count else { throw error("unexpected end of file, expected ',' or ']'") }
            if s[i] == UInt8(ascii: ",") { i += 1; continue }
            if s[i] == UInt8(ascii: "]") { i += 1; return items }
            throw error("expected ',' or ']', found \(describe())")
        }
    }

    /// One entry; a value that is no object is read and has no fields (decoding then names it).
    mutating func entryFields(depth: Int) throws(JSONError) -> EntryFields {
        guard i < s.count, s[i] == UInt8(ascii: "{") else { _ = try value(depth: depth); return EntryFields() }
        i += 1
        var fields = EntryFields()
        // Known fields seen, one bit each: a Set cost an allocation and hashing per entry.
        var seen: UInt16 = 0
        func first(_ f: EntryFields.Field) -> Bool {
            defer { seen |= 1 << f.rawValue }
            return seen & (1 << f.rawValue) == 0
        }
        var otherKeys: [String] = []
        skipSpace()
        if i < s.count && s[i] == UInt8(ascii: "}") { i += 1; return fields }
        while true {
            // A plain key is matched on its bytes: making a String of every key cost a tenth
            // of a 4096-entry load.
            skipSpace()
            let at = i
            if let field = plainEntryKey() {
                skipSpace()
                guard i < s.count, s[i] == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(field.name)\", found \(describe())") }
                i += 1
                skipSpace()
                guard first(field) else { throw duplicate(String(describing: field.name), at: at) }
                fields.set(field, try value(depth: depth + 1))
            } else {
                let key = try objectKey()
                if let field = EntryFields.Field(key) {
                    guard first(field) else { throw duplicate(key, at: at) }
                } else {
                    if otherKeys.contains(key) { throw duplicate(key, at: at) }
                    otherKeys.append(key)
                }
                fields.set(key, try value(depth: depth + 1))
            }
            if try endOfObject() { return fields }
        }
    }

    /// At a key of an entry that is one of the known fields, written without escapes: reads it
    /// and returns the field. Otherwise reads nothing.
    private mutating func plainEntryKey() -> EntryFields.Field? {
        guard i < s.count, s[i] == UInt8(ascii: "\"") else { return nil }
        var j = i + 1
        while j < s.count, s[j] != UInt8(ascii: "\""), s[j] != UInt8(ascii: "\\"), s[j] >= 0x20, s[j] < 0x80 { j += 1 }
        guard j < s.count, s[j] == UInt8(ascii: "\""), let field = EntryFields.Field(UnsafeBufferPointer(rebasing: s[(i + 1)..<j])) else { return nil }
        i = j + 1
        return field
    }

    /// `"key" :` with the space around it; leaves `i` at the value.
    mutating func objectKey() throws(JSONError) -> String {
        skipSpace()
        guard i < s.count, s[i] == UInt8(ascii: "\"") else { throw error("expected a key in double quotes, found \(describe())") }
        let key = try string()
        skipSpace()
        guard i < s.count, s[i] == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\", found \(describe())") }
        i += 1
        skipSpace()
        return key
    }

    /// After a member: true at the closing brace, false after a comma.
    mutating func endOfObject() throws(JSONError) -> Bool {
        skipSpace()
        guard i < s.count else { throw error("unexpected end of file, expected ',' or '}'") }
        if s[i] == UInt8(ascii: ",") { i += 1; return false }
        if s[i] == UInt8(ascii: "}") { i += 1; return true }
        throw error("expected ',' or '}', found \(describe())")
    }
}
