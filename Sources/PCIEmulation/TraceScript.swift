/// A script of port accesses, one per line: `outl 0xcf8 0x80004800`, `inl 0xcfc`, `outb 0xcfb 0x01`;
/// `#` starts a comment; blank lines are skipped.
public struct TraceScript: Equatable, Sendable {
    public enum Access: Equatable, Sendable {
        case read(port: UInt16, width: Int)
        case write(port: UInt16, width: Int, value: UInt32)
    }

    public struct Step: Equatable, Sendable {
        public var access: Access
        public var line: Int
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public var steps: [Step] = []

    public init(parsing text: String) throws(ParseError) {
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if words.isEmpty { continue }
            let op = words[0].lowercased()
            let widths: [String: Int] = ["inb": 1, "inw": 2, "inl": 4, "outb": 1, "outw": 2, "outl": 4]
            guard let w = widths[op] else {
                throw ParseError(line: lineNo, reason: "unknown operation '\(words[0])': expected inb, inw, inl, outb, outw or outl")
            }
            let isRead = op.hasPrefix("in")
            guard words.count == (isRead ? 2 : 3) else {
                throw ParseError(line: lineNo, reason: isRead ? "\(op) takes one port, e.g. '\(op) 0xcfc'" : "\(op) takes a port and a value, e.g. '\(op) 0xcf8 0x80004800'")
            }
            guard let port = Self.number(words[1]), port <= 0xffff else {
                throw ParseError(line: lineNo, reason: "'\(words[1])' is not a port number (hex 0x... or decimal)")
            }
            guard (0xcf8...0xcff).contains(port) else {
                throw ParseError(line: lineNo, reason: "port 0x\(String(port, radix: 16)) is not a PCI configuration port (0xcf8-0xcff)")
            }
            if isRead {
                steps.append(Step(access: .read(port: UInt16(port), width: w), line: lineNo))
            } else {
                guard let value = Self.number(words[2]) else {
                    throw ParseError(line: lineNo, reason: "'\(words[2])' is not a value (hex 0x... or decimal)")
                }
                guard w == 4 || value < 1 << (8 * w) else {
                    throw ParseError(line: lineNo, reason: "value \(words[2]) does not fit in \(w * 8) bits")
                }
                steps.append(Step(access: .write(port: UInt16(port), width: w, value: UInt32(value)), line: lineNo))
            }
        }
    }

    static func number(_ s: Substring) -> UInt64? {
        let lower = s.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            guard !digits.isEmpty, digits.count <= 8 else { return nil }
            return UInt64(digits, radix: 16)
        }
        guard s.count <= 10 else { return nil }
        return UInt64(s).flatMap { $0 <= UInt64(UInt32.max) ? $0 : nil }
    }

    /// One read of a script run: the port, the access width in bytes and the value read.
    public struct Read: Equatable, Sendable {
        public var port: UInt16
        public var width: Int
        public var value: UInt32
        /// `inl 0xcfc = 0x12378086`, the value padded to the width.
        public var text: String {
            let op = width == 1 ? "inb" : (width == 2 ? "inw" : "inl")
            return "\(op) 0x\(String(port, radix: 16)) = 0x\(hexPad(value, width * 2))"
        }
    }

    /// Runs the script; returns one line per read, `inl 0xcfc = 0x12378086`, value padded to the width.
    public func run(on bus: GuestBus) -> [String] { reads(on: bus).map(\.text) }

    /// Runs the script; returns every read.
    public func reads(on bus: GuestBus) -> [Read] {
        var out: [Read] = []
        for step in steps {
            switch step.access {
            case .read(let port, let width):
                let v: UInt32
                switch width {
                case 1: v = UInt32(bus.inb(port))
                case 2: v = UInt32(bus.inw(port))
                default: v = bus.inl(port)
                }
                out.append(Read(port: port, width: width, value: v))
            case .write(let port, let width, let value):
                switch width {
                case 1: bus.outb(port, UInt8(truncatingIfNeeded: value))
                case 2: bus.outw(port, UInt16(truncatingIfNeeded: value))
                default: bus.outl(port, value)
                }
            }
        }
        return out
    }
}
