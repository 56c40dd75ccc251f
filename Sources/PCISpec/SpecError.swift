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

    /// 1-based column of the first offending character.
    public var column: Int { start + 1 }

    public var description: String {
        // Inputs are ASCII in practice; control characters are shown as '?' so the caret lines up.
        let shown = String(decoding: input.utf8.map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
        let caretStart = min(start, input.utf8.count)
        return "invalid device spec: \(reason) (column \(column))\n"
            + "  " + shown + "\n"
            + "  " + String(repeating: " ", count: caretStart) + String(repeating: "^", count: length)
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
