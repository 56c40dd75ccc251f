import PCIModel

/// An /etc/default/grub that cannot be edited safely: it is left untouched.
public struct GrubFileError: PCIHideError {
    public var path: String
    public var line: Int
    public var column: Int
    public var reason: String
    public var exitStatus: ExitStatus { .dataError }
    public var description: String { "\(path):\(line):\(column): \(reason); the file was not changed" }
}

/// Edits the hide token of one variable in an /etc/default/grub (a shell fragment), changing
/// nothing else byte for byte.
public enum GrubDefaultFile {
    /// One assignment `NAME=value` found on a line.
    struct Assignment {
        var line: Int
        /// Byte range of the value's content (inside the quotes, if any) within the line.
        var content: Range<Int>
        var quote: UInt8?
    }

    /// Returns the edited text. `token` nil removes every hide token of the variable.
    /// Every hide token (of any style) in the variable is removed and `token` takes the place of
    /// the first, or goes at the end of the last assignment; a missing variable is added after
    /// the inherited variable's assignment (keeping `$GRUB_CMDLINE_LINUX_DEFAULT` inheritance) or
    /// at the end of the file.
    public static func edit(_ text: String, style: BootStyle, token: String?, path: String = "/etc/default/grub") throws(GrubFileError) -> String {
        let variable = style.grubVariable
        var lines = splitLines(text)
        let assignments = try find(variable, in: lines, path: path)
        if assignments.isEmpty {
            guard let token else { return text }
            let value = (style.grubInheritedVariable.map { "$" + $0 + " " } ?? "") + token
            let newLine = Array((variable + "=\"" + value + "\"\n").utf8)
            var insertAt = lines.count
            if let inherited = style.grubInheritedVariable, let last = try find(inherited, in: lines, path: path).last {
                insertAt = last.line + 1
            }
            if insertAt > 0 {
                var previous = lines[insertAt - 1][...]
                if previous.last == 0x0a { previous = previous.dropLast() }
                // A line continued with '\' would swallow the assignment into its own command.
                if previous.last == UInt8(ascii: "\\") {
                    throw GrubFileError(path: path, line: insertAt, column: previous.count, reason: "this line continues with '\\' onto the line where pcihide would add \(variable)")
                }
                // The file may lack a final newline: give the line before ours one.
                if lines[insertAt - 1].last != 0x0a { lines[insertAt - 1].append(0x0a) }
            }
            lines.insert(newLine, at: insertAt)
            return join(lines)
        }
        var placed = false
        for (n, a) in assignments.enumerated() {
            var line = lines[a.line]
            var content = Array(line[a.content])
            let tokens = tokenRanges(content)
            var insertion: Int?
            // Remove hide tokens back to front so earlier ranges stay valid.
            for r in tokens.reversed() where BootFragment.isHideToken(Substring(String(decoding: content[r], as: UTF8.self))) {
                var cut = r
                if cut.lowerBound > 0 { cut = (cut.lowerBound - 1)..<cut.upperBound }
                else if cut.upperBound < content.count { cut = cut.lowerBound..<(cut.upperBound + 1) }
                content.removeSubrange(cut)
                insertion = cut.lowerBound
            }
            if let token, !placed, insertion != nil || n == assignments.count - 1 {
                let at = insertion ?? content.count
                var piece = Array(token.utf8)
                if at > 0 { piece.insert(0x20, at: 0) } else if !content.isEmpty { piece.append(0x20) }
                content.insert(contentsOf: piece, at: at)
                placed = true
            }
            if a.quote == nil && content != Array(line[a.content]) {
                // Parentheses or a space in an unquoted value break the shell assignment: quote it.
                content = [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]
            }
            line.replaceSubrange(a.content, with: content)
            lines[a.line] = line
        }
        return join(lines)
    }

    static func splitLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var cur: [UInt8] = []
        for b in text.utf8 {
            cur.append(b)
            if b == 0x0a { lines.append(cur); cur = [] }
        }
        if !cur.isEmpty { lines.append(cur) }
        return lines
    }

    static func join(_ lines: [[UInt8]]) -> String {
        String(decoding: lines.joined(), as: UTF8.self)
    }

    /// Whitespace-separated token ranges of a value.
    static func tokenRanges(_ v: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < v.count {
            while i < v.count && (v[i] == 0x20 || v[i] == 0x09) { i += 1 }
            let start = i
            while i < v.count && v[i] != 0x20 && v[i] != 0x09 { i += 1 }
            if i > start { out.append(start..<i) }
        }
        return out
    }

    /// Where an unquoted shell word (or the text after a closing quote) ends: a blank or an
    /// operator character. Not `#`: it starts a comment only at the start of a word, so
    /// `quiet#x` is one word and `"quiet"#x` reads as `quiet#x`.
    static func isWordEnd(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == UInt8(ascii: ";") || b == UInt8(ascii: "&") || b == UInt8(ascii: "|")
            || b == UInt8(ascii: "<") || b == UInt8(ascii: ">")
    }

    /// Every assignment of `variable`, with the range of its value. A value whose extent cannot
    /// be determined safely (an unterminated quote, a continuation line) is an error.
    static func find(_ variable: String, in lines: [[UInt8]], path: String) throws(GrubFileError) -> [Assignment] {
        let name = Array(variable.utf8)
        var out: [Assignment] = []
        var continued = false
        for (n, line) in lines.enumerated() {
            let wasContinued = continued
            var end = line.count
            if end > 0 && line[end - 1] == 0x0a { end -= 1 }
            continued = end > 0 && line[end - 1] == UInt8(ascii: "\\")
            if wasContinued { continue }
            var i = 0
            while i < end && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
            if end - i >= 7 && Array(line[i..<i + 7]) == Array("export ".utf8) {
                i += 7
                while i < end && line[i] == 0x20 { i += 1 }
            }
            guard end - i > name.count, Array(line[i..<i + name.count]) == name, line[i + name.count] == UInt8(ascii: "=") else { continue }
            let vStart = i + name.count + 1
            if continued {
                throw GrubFileError(path: path, line: n + 1, column: end, reason: "\(variable) continues on the next line with '\\'; pcihide edits only one-line assignments")
            }
            if vStart < end, line[vStart] == UInt8(ascii: "\"") || line[vStart] == UInt8(ascii: "'") {
                let q = line[vStart]
                var j = vStart + 1
                while j < end && line[j] != q {
                    if q == UInt8(ascii: "\"") && line[j] == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
                if j >= end {
                    throw GrubFileError(path: path, line: n + 1, column: vStart + 1, reason: "the quote opened here for \(variable) is not closed on the same line")
                }
                // `"a"b` or `"a""b"`: the shell joins the parts into one word; editing the first part alone would change it.
                if j + 1 < end, !isWordEnd(line[j + 1]) {
                    throw GrubFileError(path: path, line: n + 1, column: j + 2, reason: "the value of \(variable) goes on after its closing quote; pcihide edits only a value that is one quoted or unquoted word")
                }
                out.append(Assignment(line: n, content: vStart + 1..<j, quote: q))
            } else {
                var j = vStart
                while j < end && !isWordEnd(line[j]) {
                    // A quote or backslash inside an unquoted word changes how the shell reads the rest.
                    if line[j] == UInt8(ascii: "\"") || line[j] == UInt8(ascii: "'") || line[j] == UInt8(ascii: "\\") {
                        throw GrubFileError(path: path, line: n + 1, column: j + 1, reason: "the unquoted value of \(variable) contains a quote or backslash here; pcihide edits only a value that is one quoted or unquoted word")
                    }
                    j += 1
                }
                out.append(Assignment(line: n, content: vStart..<j, quote: nil))
            }
        }
        return out
    }
}

/// A unified diff (`diff -u`) of two texts, three lines of context.
public func unifiedDiff(old: String, new: String, oldName: String, newName: String) -> String {
    let a = GrubDefaultFile.splitLines(old).map { String(decoding: $0, as: UTF8.self) }
    let b = GrubDefaultFile.splitLines(new).map { String(decoding: $0, as: UTF8.self) }
    if a == b { return "" }
    let n = a.count, m = b.count
    let (keptA, keptB) = LineMatcher.common(a, b)
    enum Op { case same(Int, Int), del(Int), add(Int) }
    var ops: [Op] = []
    ops.reserveCapacity(n + m)
    var i = 0, j = 0
    while i < n || j < m {
        if i < n && !keptA[i] { ops.append(.del(i)); i += 1 }
        else if j < m && !keptB[j] { ops.append(.add(j)); j += 1 }
        else { ops.append(.same(i, j)); i += 1; j += 1 }
    }
    func show(_ s: String) -> String {
        s.hasSuffix("\n") ? s : s + "\n\\ No newline at end of file\n"
    }
    var out = "--- \(oldName)\n+++ \(newName)\n"
    let changed = ops.indices.filter { if case .same = ops[$0] { return false }; return true }
    var k = 0
    while k < changed.count {
        var lo = max(0, changed[k] - 3)
        var hi = min(ops.count - 1, changed[k] + 3)
        var e = k
        while e + 1 < changed.count && changed[e + 1] - 3 <= hi + 1 { e += 1; hi = min(ops.count - 1, changed[e] + 3) }
        lo = max(0, lo)
        var oldStart = 0, newStart = 0, oldCount = 0, newCount = 0
        var body = ""
        var first = true
        for op in ops[lo...hi] {
            switch op {
            case .same(let x, let y):
                if first { oldStart = x; newStart = y; first = false }
                oldCount += 1; newCount += 1; body += " " + show(a[x])
            case .del(let x):
                if first { oldStart = x; newStart = newIndex(ops, before: lo); first = false }
                oldCount += 1; body += "-" + show(a[x])
            case .add(let y):
                if first { newStart = y; oldStart = oldIndex(ops, before: lo); first = false }
                newCount += 1; body += "+" + show(b[y])
            }
        }
        func range(_ start: Int, _ count: Int) -> String {
            count == 1 ? "\(start + 1)" : "\(count == 0 ? start : start + 1),\(count)"
        }
        out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
        k = e + 1
    }
    return out

    func oldIndex(_ ops: [Op], before: Int) -> Int {
        var c = 0
        for op in ops[..<before] { switch op { case .same, .del: c += 1; case .add: break } }
        return c
    }
    func newIndex(_ ops: [Op], before: Int) -> Int {
        var c = 0
        for op in ops[..<before] { switch op { case .same, .add: c += 1; case .del: break } }
        return c
    }
}
