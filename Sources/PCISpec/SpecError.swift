import PCIModel

/// A rejected spec: the input, where the offending characters are (0-based UTF-8 offsets) and why.
///
/// Rendered as the message, the input and a caret line under the offending characters:
///
///     invalid device spec: device 20 is out of range 00-1f (column 5)
///       (02:20.0)
///           ^^
public struct SpecError: PCIHideError, Equatable {
    public var input: String
    /// Offset of the first offending byte.
    public var start: Int
    /// How many bytes are offending (at least one caret is drawn, also at the end of input).
    public var length: Int
    public var reason: String

    public init(input: String, start: Int, length: Int = 1, reason: String) {
        self.input = input
        self.start = start
        self.length = max(1, length)
        self.reason = reason
    }

    public var exitStatus: ExitStatus { .usage }

    /// 1-based column of the first offending character, counted in characters (Unicode scalars),
    /// not bytes: an en dash is one column, as the administrator sees it.
    public var column: Int { characters(before: start) + 1 }

    /// How many characters the first `offset` bytes of the input hold.
    func characters(before offset: Int) -> Int {
        let bytes = input.utf8
        let end = bytes.index(bytes.startIndex, offsetBy: min(max(0, offset), bytes.count))
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self).unicodeScalars.count
    }

    public var description: String {
        // Control characters are shown as '?' so the caret lines up; carets count characters.
        let shown = String(String.UnicodeScalarView(input.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : $0 }))
        let caretStart = characters(before: start)
        let carets = max(1, characters(before: start + length) - caretStart)
        return "invalid device spec: \(reason) (column \(column))\n"
            + "  " + shown + "\n"
            + "  " + String(repeating: " ", count: caretStart) + String(repeating: "^", count: carets)
    }
}

/// Several rejected specs from one command line; nothing is done when any is wrong.
public struct SpecErrors: PCIHideError {
    public var errors: [SpecError]
    public init(_ errors: [SpecError]) { self.errors = errors }
    public var exitStatus: ExitStatus { .usage }
    public var description: String { errors.map(\.description).joined(separator: "\npcihide: ") }
}

/// Edit distance, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// The closest candidate within two edits (or a third of the word), if any.
func suggestion(for word: String, among candidates: [String]) -> String? {
    let limit = max(2, word.utf8.count / 3)
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word.lowercased(), c)
        if d <= limit && (best == nil || d < best!.1) { best = (c, d) }
    }
    return best?.0
}

/// How a character that is not ASCII is named in a message: its code point and Unicode name, and
/// the ASCII character it was probably meant to be (word processors and web pages turn '-' into
/// an en dash and digits into fullwidth ones).
public func describeNonASCII(_ scalar: Unicode.Scalar) -> String {
    let code = "U+" + hex(scalar.value, 4).uppercased()
    let name = scalar.properties.name.map { " " + $0 } ?? ""
    var meant: Character?
    switch scalar.value {
    case 0xFF01...0xFF5E: meant = Character(Unicode.Scalar(scalar.value - 0xFEE0)!)
    case 0x2010...0x2015, 0x2212, 0xFE63: meant = "-"
    case 0x2018, 0x2019, 0x201A, 0x201B, 0x201C, 0x201D, 0x2032, 0x00AB, 0x00BB:
        return "\(code)\(name) (a typographic quote: quote with the ASCII ' or \" or not at all)"
    case 0x3000, 0x00A0, 0x2000...0x200B, 0x202F: meant = " "
    case 0x2024, 0x3002: meant = "."
    case 0xFFFD: return "\(code)\(name) (the text is not valid UTF-8)"
    default:
        if let digit = scalar.properties.numericType == .decimal ? scalar.properties.numericValue : nil {
            meant = Character(String(Int(digit)))
        }
    }
    return "\(code)\(name)" + (meant.map { " (type the ASCII '\($0)' instead)" } ?? "")
}
