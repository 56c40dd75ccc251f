import PCIModel
import PCISpec

/// An /etc/default/grub that cannot be edited safely: it is left untouched.
public struct GrubFileError: PCIHideError {
    public var path: String
    public var line: Int
    public var column: Int
    public var reason: String
    public var exitStatus: ExitStatus { .dataError }
    public var description: String { "\(path):\(line):\(column): \(reason); the file was not changed" }
}

/// The result of an edit: the new text and what the administrator should know about it (tokens
/// merged from other variables, ids kept, line ends, BLS).
public struct GrubDefaultEdit: Sendable {
    public var text: String
    public var notes: [String]
}

/// Edits the hide token of one variable in an /etc/default/grub (a shell fragment), changing
/// nothing else byte for byte, and sees the hide tokens already in every variable that reaches
/// the same kernel line: the kernel keeps only the last of two, so two are never left in effect.
public enum GrubDefaultFile {
    /// One assignment `NAME=value` found on a line.
    struct Assignment {
        var line: Int
        /// Byte range of the value's content (inside the quotes, if any) within the line.
        var content: Range<Int>
        var quote: UInt8?
    }

    /// Tokens that compete: the kernel (or Xen) takes the last of each family on its line.
    enum Family {
        case linuxList, xenList, vfioIds

        init?(token: Substring) {
            guard let eq = token.firstIndex(of: "=") else { return nil }
            switch token[..<eq].lowercased().dashesAsUnderscores {
            case "hide", "xen_pciback.hide", "pciback.hide": self = .linuxList
            case "physdev_dom0_hide": self = .xenList
            case "vfio_pci.ids": self = .vfioIds
            default: return nil
            }
        }

        init(style: BootStyle) {
            switch style {
            case .physdev: self = .xenList
            case .vfio: self = .vfioIds
            default: self = .linuxList
            }
        }

        /// The variables whose values end up on this family's line (20_linux_xen, 10_linux).
        var variables: [String] {
            switch self {
            case .xenList: return ["GRUB_CMDLINE_XEN", "GRUB_CMDLINE_XEN_DEFAULT"]
            default: return ["GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", "GRUB_CMDLINE_LINUX_XEN_REPLACE", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT"]
            }
        }
    }

    /// A hide token found in the file.
    struct FoundToken {
        var variable: String
        var assignment: Assignment
        /// Byte range within the assignment's content.
        var range: Range<Int>
        var text: String
        /// Where the administrator finds it: `GRUB_CMDLINE_LINUX (line 6)`.
        var place: String { "\(variable) (line \(assignment.line + 1))" }
    }

    /// The text of a token of an assignment's value.
    static func tokenText(_ content: [UInt8], _ r: Range<Int>) -> String { String(decoding: content[r], as: UTF8.self) }

    /// The hide tokens of `family` in every assignment of `variable`.
    static func tokens(of family: Family, in variable: String, _ lines: [[UInt8]], path: String) throws(GrubFileError) -> [FoundToken] {
        var out: [FoundToken] = []
        for a in try find(variable, in: lines, path: path) {
            let content = Array(lines[a.line][a.content])
            for r in tokenRanges(content) where Family(token: Substring(tokenText(content, r))) == family {
                out.append(FoundToken(variable: variable, assignment: a, range: r, text: tokenText(content, r)))
            }
        }
        return out
    }

    /// Returns the edited text (see `plan`).
    public static func edit(_ text: String, style: BootStyle, token: String?, path: String = "/etc/default/grub") throws(GrubFileError) -> String {
        try plan(text, style: style, token: token, path: path).text
    }

    /// Edits the file so that `token` is the one hide token of its family in effect. `token` nil
    /// removes pcihide's token (and the assignment pcihide added, when nothing else is left in it).
    ///
    /// - pcihide's variable (`style.grubVariable`): its hide tokens are replaced by `token` in
    ///   place, or `token` goes at the end of the last assignment; a missing variable is added
    ///   after the inherited variable's assignment (keeping `$GRUB_CMDLINE_LINUX_DEFAULT`) or at
    ///   the end of the file.
    /// - Hide tokens in the other variables of the same line: removed when `token` hides every
    ///   device they name (saying so); refused with their line numbers when they name a device
    ///   `token` does not, since one of the two lists would silently stop working.
    /// - `vfio-pci.ids` anywhere on the line: merged into `token`, each id kept said.
    /// - CRLF line ends are kept, and new lines get them too.
    public static func plan(_ text: String, style: BootStyle, token: String?, path: String = "/etc/default/grub") throws(GrubFileError) -> GrubDefaultEdit {
        let variable = style.grubVariable
        let family = Family(style: style)
        var lines = splitLines(text)
        var notes: [String] = []
        let crlf = lines.contains { $0.count >= 2 && $0[$0.count - 2] == 0x0d && $0.last == 0x0a }
        let newline: [UInt8] = crlf ? [0x0d, 0x0a] : [0x0a]
        if crlf {
            notes.append("\(path) has CRLF (DOS) line ends; they are kept, but grub-mkconfig's shell reads each carriage return as part of the value before it: convert the file with dos2unix")
        }
        if let bls = (try? find("GRUB_ENABLE_BLSCFG", in: lines, path: path))?.last,
            String(decoding: lines[bls.line][bls.content], as: UTF8.self) == "true"
        {
            notes.append("\(path) sets GRUB_ENABLE_BLSCFG=true: the kernel lines are in /boot/loader/entries/*.conf, which grub2-mkconfig rewrites only on Fedora and RHEL 9.0 (RHEL 9.2 and later need grub2-mkconfig --update-bls-cmdline); grubby --update-kernel=ALL --args='\(token ?? "TOKEN")' changes the entries and /etc/kernel/cmdline directly, and pcihide persist edits them for you" + (family == .xenList ? "; the Xen line itself comes only from GRUB_CMDLINE_XEN* and grub2-mkconfig" : ""))
        }

        // Hide tokens of the family in the line's other variables.
        var foreign: [FoundToken] = []
        for other in family.variables where other != variable { foreign += try tokens(of: family, in: other, lines, path: path) }
        var token = token
        var removals: [FoundToken] = []
        if let written = token, !foreign.isEmpty {
            if family == .vfioIds {
                token = mergeIds(written, with: foreign.map { ($0.text, $0.place) }, notes: &notes)
                removals = foreign
            } else {
                let ours = (try? SpecParser.parse(written))?.selections ?? []
                var refused: [(token: FoundToken, why: String)] = []
                for f in foreign {
                    guard let theirs = try? SpecParser.parse(f.text) else {
                        refused.append((f, "line \(f.assignment.line + 1) (\(f.variable)): \(f.text) does not parse as a hide list"))
                        continue
                    }
                    let missing = theirs.selections.filter { s in !ours.contains { s.isCovered(by: $0) } }
                    if missing.isEmpty {
                        removals.append(f)
                        notes.append("removed \(f.text) from \(f.place): the token pcihide writes hides the same devices, and the kernel keeps only the last hide token on its line")
                    } else {
                        refused.append((f, "line \(f.assignment.line + 1) (\(f.variable)): \(f.text) hides \(missing.map(\.shortDescription).joined(separator: ", ")), which pcihide's hidden set does not have"))
                    }
                }
                if let first = refused.first?.token {
                    throw GrubFileError(
                        path: path, line: first.assignment.line + 1, column: first.assignment.content.lowerBound + first.range.lowerBound + 1,
                        reason: "another hide token is in effect on the same kernel line: " + refused.map(\.why).joined(separator: "; ") + ". The kernel keeps only the last hide token, so one list would silently stop working: record those devices with pcihide hide (the next edit then takes the token into pcihide's), or remove the token by hand")
                }
            }
        }
        // Removed back to front within each line so earlier ranges stay valid.
        for f in removals.sorted(by: { ($0.assignment.line, $0.range.lowerBound) > ($1.assignment.line, $1.range.lowerBound) }) {
            let a = try find(f.variable, in: lines, path: path).first { $0.line == f.assignment.line }!
            var content = Array(lines[a.line][a.content])
            content.removeSubrange(widened(f.range, in: content))
            lines[a.line].replaceSubrange(a.content, with: content)
        }

        let assignments = try find(variable, in: lines, path: path)
        if assignments.isEmpty {
            guard let token else { return GrubDefaultEdit(text: join(lines), notes: notes) }
            let value = (style.grubInheritedVariable.map { "$" + $0 + " " } ?? "") + token
            let newLine = Array((variable + "=\"" + value + "\"").utf8) + newline
            var insertAt = lines.count
            if let inherited = style.grubInheritedVariable, let last = try find(inherited, in: lines, path: path).last {
                insertAt = last.line + 1
            }
            if insertAt > 0 {
                var previous = lines[insertAt - 1][...]
                if previous.last == 0x0a { previous = previous.dropLast() }
                if previous.last == 0x0d { previous = previous.dropLast() }
                // A line continued with '\' would swallow the assignment into its own command.
                if previous.last == UInt8(ascii: "\\") {
                    throw GrubFileError(path: path, line: insertAt, column: previous.count, reason: "this line continues with '\\' onto the line where pcihide would add \(variable)")
                }
                // The file may lack a final newline: give the line before ours one.
                if lines[insertAt - 1].last != 0x0a { lines[insertAt - 1] += newline }
            }
            lines.insert(newLine, at: insertAt)
            return GrubDefaultEdit(text: join(lines), notes: notes)
        }
        // vfio-pci.ids the administrator wrote in pcihide's own variable are merged too.
        if family == .vfioIds, let written = token {
            token = mergeIds(written, with: try tokens(of: .vfioIds, in: variable, lines, path: path).map { ($0.text, $0.place) }, notes: &notes)
        }
        var placed = false
        var deleted: Int?
        for (n, a) in assignments.enumerated() {
            var line = lines[a.line]
            let before = Array(line[a.content])
            var content = before
            let tokens = tokenRanges(content)
            var insertion: Int?
            for r in tokens.reversed() where Family(token: Substring(tokenText(content, r))) == family {
                let cut = widened(r, in: content)
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
            // What pcihide added and nothing else is left: the assignment goes, as it came.
            if token == nil, content != before, let inherited = style.grubInheritedVariable,
                ["$" + inherited, "${" + inherited + "}"].contains(String(decoding: content, as: UTF8.self).trimmingBlanks)
            {
                deleted = a.line
                notes.append("removed \(variable) (line \(a.line + 1)): it held only $\(inherited) and the hide token pcihide added")
                continue
            }
            if a.quote == nil && content != before {
                // Parentheses or a space in an unquoted value break the shell assignment: quote it.
                content = [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]
            }
            line.replaceSubrange(a.content, with: content)
            lines[a.line] = line
        }
        if let deleted { lines.remove(at: deleted) }
        return GrubDefaultEdit(text: join(lines), notes: notes)
    }

    /// A token's range with one blank beside it, so removing it leaves single spaces.
    static func widened(_ r: Range<Int>, in content: [UInt8]) -> Range<Int> {
        if r.lowerBound > 0 { return (r.lowerBound - 1)..<r.upperBound }
        if r.upperBound < content.count { return r.lowerBound..<(r.upperBound + 1) }
        return r
    }

    /// `vfio-pci.ids=` with pcihide's ids first and then every other id the file already names,
    /// each kept id said with where it came from: vfio-pci takes every card with an id, so an id
    /// the administrator wrote is theirs to remove.
    /// `existing`: each `vfio-pci.ids=` token found, with where the administrator finds it.
    static func mergeIds(_ token: String, with existing: [(text: String, place: String)], notes: inout [String]) -> String {
        guard let eq = token.firstIndex(of: "=") else { return token }
        var ids = token[token.index(after: eq)...].split(separator: ",").map(String.init)
        for (text, place) in existing {
            guard let e = text.firstIndex(of: "=") else { continue }
            for id in text[text.index(after: e)...].split(separator: ",").map({ String($0).lowercased() }) where !ids.contains(id) {
                ids.append(id)
                notes.append("kept \(id) from the vfio-pci.ids in \(place): no hidden device has this id, but vfio-pci.ids is one list, so it stays in the one pcihide writes (remove it by hand if it should go)")
            }
        }
        return token[...eq] + ids.joined(separator: ",")
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
            if end > 0 && line[end - 1] == 0x0d { end -= 1 }  // a CRLF file: the CR is the line end's
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
        if i < n && !keptA[i] {
            ops.append(.del(i))
            i += 1
        } else if j < m && !keptB[j] {
            ops.append(.add(j))
            j += 1
        } else {
            ops.append(.same(i, j))
            i += 1
            j += 1
        }
    }
    func show(_ s: String) -> String {
        s.hasSuffix("\n") ? s : s + "\n\\ No newline at end of file\n"
    }
    // A file name is the user's (a BLS entry's): a newline in it must not forge a header line.
    func escaped(_ name: String) -> String {
        var t = ""
        for c in name.unicodeScalars {
            if c.value < 0x20 || c.value == 0x7f { t += "\\x" + hex(c.value, 2) } else if c == "\\" { t += "\\\\" } else { t.unicodeScalars.append(c) }
        }
        return t
    }
    var out = "--- \(escaped(oldName))\n+++ \(escaped(newName))\n"
    let changed = ops.indices.filter {
        if case .same = ops[$0] { return false }; return true
    }
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
        for op in ops[..<before] {
            switch op {
            case .same, .del: c += 1
            case .add: break
            }
        }
        return c
    }
    func newIndex(_ ops: [Op], before: Int) -> Int {
        var c = 0
        for op in ops[..<before] {
            switch op {
            case .same, .add: c += 1
            case .del: break
            }
        }
        return c
    }
}
