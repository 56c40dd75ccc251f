import PCIModel
import PCISpec
import PCIState

/// Pure text edits of the files each boot setup reads: text in, text out, nothing else touched.
/// Each replaces the hide tokens already there (any style, `-` and `_` alike) and the parameters
/// it sets, so that running it twice changes nothing and two hide tokens are never left in effect.
public enum BootFileEdit {
    /// A parameter's name as the kernel compares it: lower case, `-` as `_`.
    public static func name(_ word: Substring) -> String {
        word.prefix { $0 != "=" }.lowercased().dashesAsUnderscores
    }

    /// A kernel command line with `tokens` in place of earlier hide tokens and of earlier values
    /// of the parameters they set.
    public static func commandLine(_ line: Substring, tokens: [String]) -> String {
        let names = Set(tokens.map { name($0[...]) })
        let words =
            KernelCommandLine.balanced(line)
            ? KernelCommandLine.words(line)
            : line.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { Substring($0) }
        // Tokens go before a bare `--`: what follows it is init's, not the kernel's.
        let end = words.firstIndex(of: "--") ?? words.endIndex
        let kept = words[..<end].filter { !BootFragment.isHideToken($0) && !names.contains(name($0)) }
        return (kept.map(String.init) + tokens + words[end...].map(String.init)).joined(separator: " ")
    }

    /// `tokens` with what `old` already hides and they would drop: the editors replace every
    /// hide token, so ids in a `vfio-pci.ids=` and groups in a `xen-pciback.hide=` that pcihide
    /// does not manage are merged into the token of the same family (each said in `notes`), and a
    /// hide token of a family pcihide does not write here is kept as it is (said too). Nothing an
    /// administrator wrote is dropped without a word.
    public static func keepingForeign(_ tokens: [String], in old: String?, place: String, notes: inout [String]) -> [String] {
        guard let old else { return tokens }
        var out = tokens
        for word in old.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\"" || $0 == "'" }) where BootFragment.isHideToken(word) {
            let fam = name(word)
            let value = word[word.index(after: word.firstIndex(of: "=")!)...]
            guard let i = out.firstIndex(where: { name($0[...]) == fam }) else {
                if !out.contains(String(word)) {
                    out.append(String(word))
                    notes.append("kept \(word) in \(place): pcihide does not write that parameter here, and does not drop what it did not write (remove it by hand if it should go)")
                }
                continue
            }
            let mine = out[i]
            switch fam {
            case "vfio_pci.ids":
                out[i] = GrubDefaultFile.mergeIds(mine, with: [(String(word), place)], notes: &notes)
            case "xen_pciback.hide", "pciback.hide":
                var text = String(mine)
                for g in value.split(separator: ")", omittingEmptySubsequences: true).map({ $0 + ")" }) where !text.contains(g) {
                    text += g
                    notes.append("kept \(g) from the \(word[..<word.firstIndex(of: "=")!]) in \(place): it is not in pcihide's hidden set (pcihide unhide does not reach it; remove it by hand if it should go)")
                }
                out[i] = text
            default:
                if String(word) != mine {
                    notes.append("replaced \(word) in \(place) with \(mine)")
                }
            }
        }
        return out
    }

    /// `/etc/kernel/cmdline` (systemd-boot, Proxmox, BLS): its first line; created when absent
    /// from `fallback` (the running kernel's line, without BOOT_IMAGE= and initrd=).
    public static func kernelCmdline(_ text: String?, fallback: String, tokens: [String]) -> String {
        let lines = Substring(text ?? "").lineList
        let first = text == nil ? Substring(KernelCommandLine.words(fallback[...]).filter { !$0.hasPrefix("BOOT_IMAGE=") && !$0.hasPrefix("initrd=") }.joined(separator: " ")) : (lines.first ?? "")
        let rest = text == nil ? [] : lines.dropFirst().map(String.init)
        let out = [commandLine(first, tokens: tokens)] + rest
        return out.joined(separator: "\n") + (text == nil || text!.endsWithNewline == false && rest.isEmpty ? "\n" : "")
    }

    /// A BLS entry: the tokens on its first `options` line (indented or not, a blank or a tab
    /// after the key), hide tokens off the others; an entry without one gets one, since the
    /// kernel would otherwise boot without the tokens and nothing would say so.
    public static func blsEntry(_ text: String, tokens: [String]) -> String {
        var first = true
        let lines = text.lineList.map { line -> String in
            let indent = line.prefix { $0 == " " || $0 == "\t" }
            let rest = line.dropFirst(indent.count)
            guard rest.hasPrefix("options ") || rest.hasPrefix("options\t") else { return String(line) }
            defer { first = false }
            return indent + "options " + commandLine(rest.dropFirst(8), tokens: first ? tokens : [])
        }
        guard first, !tokens.isEmpty else { return lines.joined(separator: "\n") }
        // No options line: one after the others (before a final empty line, the file's end).
        var out = lines
        let at = out.last == "" ? out.count - 1 : out.count
        out.insert("options " + tokens.joined(separator: " "), at: at)
        return out.joined(separator: "\n")
    }

    /// xen.cfg: the dom0 arguments after the image of every `kernel=` line.
    public static func xenConfig(_ text: String, tokens: [String]) -> String {
        text.lineList.map { line -> String in
            guard line.hasPrefix("kernel=") else { return String(line) }
            let value = line.dropFirst(7)
            let image = value.prefix { $0 != " " }
            return "kernel=" + image + " " + commandLine(value.dropFirst(image.count), tokens: tokens)
        }.joined(separator: "\n")
    }

    /// GRUB legacy menu.lst: the dom0 kernel's `module` line (the first module of each entry).
    public static func menuList(_ text: String, tokens: [String]) -> String {
        var firstModule = true
        return text.lineList.map { line -> String in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("title") { firstModule = true }
            guard trimmed.hasPrefix("module ") || trimmed.hasPrefix("module\t"), firstModule else { return String(line) }
            firstModule = false
            let indent = line.prefix { $0 == " " || $0 == "\t" }
            let value = trimmed.dropFirst(7).drop { $0 == " " || $0 == "\t" }
            // The dom0 kernel's image, when the line has one (a parameter is not an image).
            let first = value.prefix { $0 != " " && $0 != "\t" }
            let image = first.contains("=") ? "" : first
            return indent + "module " + (image.isEmpty ? "" : image + " ") + commandLine(value.dropFirst(image.count), tokens: tokens)
        }.joined(separator: "\n")
    }

    /// kernelstub's configuration (JSON): the `kernel_options` list of its `user` section,
    /// through a JSON parser and encoder (an escaped quote in another option stays escaped).
    /// nil when the file is not JSON or has no `user.kernel_options` list of strings.
    public static func kernelstub(_ text: String, tokens: [String], removing: Set<String> = []) -> String? {
        guard case .object(var top)? = try? JSON.parse(Array(text.utf8)),
            let u = top.firstIndex(where: { $0.0 == "user" }), case .object(var user) = top[u].1,
            let k = user.firstIndex(where: { $0.0 == "kernel_options" }), case .array(let values) = user[k].1
        else { return nil }
        var items: [String] = []
        for v in values {
            guard case .string(let s) = v else { return nil }
            items.append(s)
        }
        let names = Set(tokens.map { name($0[...]) })
        let kept = items.filter { !BootFragment.isHideToken($0[...]) && !names.contains(name($0[...])) && !removing.contains($0) } + tokens
        user[k].1 = .array(kept.map { .string($0) })
        top[u].1 = .object(user)
        return JSON.object(top).serialized()
    }

    /// mkinitcpio.conf: `modules` added to the last `MODULES` assignment, in the form it has:
    /// an array on one line or several (comments and quotes respected), a quoted string, a bare
    /// word; a new `MODULES=(...)` at the end when there is none. nil when the value is shell
    /// code pcihide cannot extend safely (a substitution, an unclosed array).
    public static func mkinitcpio(_ text: String, modules: [String], removing: Bool = false) -> String? {
        let scalars = Array(text.unicodeScalars)
        // Line starts, and the last line that assigns MODULES (after blanks, not in a comment).
        var starts = [0]
        for (i, c) in scalars.enumerated() where c == "\n" { starts.append(i + 1) }
        var assign: Int?
        for st in starts {
            var i = st
            while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
            if String(String.UnicodeScalarView(scalars[i..<min(i + 8, scalars.count)])) == "MODULES=" { assign = i + 8 }
        }
        func string(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[r])) }
        guard let v = assign else {
            if removing { return text }
            let sep = text.isEmpty || text.endsWithNewline ? "" : "\n"
            return text + sep + "MODULES=(" + modules.joined(separator: " ") + ")\n"
        }
        let first = v < scalars.count ? scalars[v] : "\n"
        if first == "(" {
            // Scan to the closing parenthesis: quotes, comments and line breaks as bash reads them.
            var i = v + 1, words: [String] = [], word = "", quote: Unicode.Scalar?
            var close: Int?
            var ranges: [Range<Int>] = [], wordStart = v + 1
            while i < scalars.count {
                let c = scalars[i]
                if let q = quote {
                    if c == q { quote = nil } else { word.unicodeScalars.append(c) }
                } else if c == "'" || c == "\"" {
                    quote = c
                } else if c == "$" || c == "`" || c == "\\" || c == "(" || c == ";" || c == "&" || c == "|" || c == "<" || c == ">" {
                    return nil
                } else if c == "#" && word.isEmpty {
                    while i < scalars.count, scalars[i] != "\n" { i += 1 }
                    continue
                } else if c == " " || c == "\t" || c == "\n" || c == ")" {
                    if !word.isEmpty { words.append(word); ranges.append(wordStart..<i); word = "" }
                    if c == ")" { close = i; break }
                    wordStart = i + 1
                    i += 1
                    continue
                } else {
                    word.unicodeScalars.append(c)
                }
                i += 1
            }
            guard let close, quote == nil else { return nil }
            if removing {
                // Each module pcihide added, with the blank before it (or after it when first).
                var out = scalars
                for (w, r) in zip(words, ranges).reversed() where modules.contains(w) {
                    var lo = r.lowerBound, hi = r.upperBound
                    if lo > v + 1, out[lo - 1] == " " { lo -= 1 } else if hi < out.count, out[hi] == " " { hi += 1 }
                    out.removeSubrange(lo..<hi)
                }
                return String(String.UnicodeScalarView(out))
            }
            let missing = modules.filter { !words.contains($0) }
            guard !missing.isEmpty else { return text }
            // The closing parenthesis alone on its line: the modules go on a line of their own
            // before it, indented as the line above.
            var ls = close
            while ls > 0, scalars[ls - 1] != "\n" { ls -= 1 }
            if ls > v, scalars[ls..<close].allSatisfy({ $0 == " " || $0 == "\t" }) {
                var ps = ls - 1
                while ps > 0, scalars[ps - 1] != "\n" { ps -= 1 }
                var indent = ""
                var j = ps
                while j < ls - 1, scalars[j] == " " || scalars[j] == "\t" { indent.unicodeScalars.append(scalars[j]); j += 1 }
                if ps <= v { indent = "    " }
                return string(0..<ls) + indent + missing.joined(separator: " ") + "\n" + string(ls..<scalars.count)
            }
            let before = close > v + 1 && scalars[close - 1] != " " && scalars[close - 1] != "(" ? " " : ""
            return string(0..<close) + before + missing.joined(separator: " ") + string(close..<scalars.count)
        }
        if first == "\"" || first == "'" {
            // The legacy string form: the words between the quotes, on one line.
            var i = v + 1
            while i < scalars.count, scalars[i] != first, scalars[i] != "\n" {
                if first == "\"" && (scalars[i] == "$" || scalars[i] == "`" || scalars[i] == "\\") { return nil }
                i += 1
            }
            guard i < scalars.count, scalars[i] == first else { return nil }
            let words = string((v + 1)..<i).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if removing {
                guard words.contains(where: modules.contains) else { return text }
                return string(0..<(v + 1)) + words.filter { !modules.contains($0) }.joined(separator: " ") + string(i..<scalars.count)
            }
            let missing = modules.filter { !words.contains($0) }
            guard !missing.isEmpty else { return text }
            return string(0..<i) + (words.isEmpty ? "" : " ") + missing.joined(separator: " ") + string(i..<scalars.count)
        }
        // A bare word (or nothing): becomes an array holding it.
        var i = v
        while i < scalars.count, !" \t\n;#".unicodeScalars.contains(scalars[i]) {
            if "$`\\\"'()|&<>".unicodeScalars.contains(scalars[i]) { return nil }
            i += 1
        }
        let words = i > v ? [string(v..<i)] : []
        if removing {
            guard words.contains(where: modules.contains) else { return text }
            return string(0..<v) + "()" + string(i..<scalars.count)
        }
        let missing = modules.filter { !words.contains($0) }
        guard !missing.isEmpty else { return text }
        return string(0..<v) + "(" + (words + missing).joined(separator: " ") + ")" + string(i..<scalars.count)
    }

    /// `text` without each whole-word `word` (between blanks, quotes, commas or line ends), and
    /// one blank beside it: how undo takes out a parameter pcihide added.
    public static func removingWord(_ text: String, _ word: String) -> String {
        var out = Array(text.unicodeScalars)
        let w = Array(word.unicodeScalars)
        let edge: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\"", "'", ","]
        var i = out.count - w.count
        while i >= 0 {
            if Array(out[i..<(i + w.count)]) == w, i == 0 || edge.contains(out[i - 1]), i + w.count == out.count || edge.contains(out[i + w.count]) {
                var lo = i, hi = i + w.count
                if lo > 0, out[lo - 1] == " " || out[lo - 1] == "\t" { lo -= 1 } else if hi < out.count, out[hi] == " " || out[hi] == "\t" { hi += 1 }
                out.removeSubrange(lo..<hi)
                i = min(lo, out.count - w.count + 1)
            }
            i -= 1
        }
        return String(String.UnicodeScalarView(out))
    }

    /// initramfs-tools' modules list without the lines pcihide added: `modules` (those not in the
    /// original) and its comment line.
    public static func removingInitramfsModules(_ text: String, _ modules: [String]) -> String {
        let lines = text.lineList
        var out: [Substring] = []
        for line in lines {
            let word = line.drop { $0 == " " || $0 == "\t" }
            if word.hasPrefix("# pcihide:") { continue }
            if modules.contains(String(word.prefix { $0 != " " && $0 != "\t" && $0 != "#" })) && !word.isEmpty { continue }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// initramfs-tools' modules list: the missing ones appended.
    public static func initramfsModules(_ text: String?, modules: [String]) -> String {
        let base = text ?? "# List of modules to include in the initramfs, one per line.\n"
        let have = Set(base.lineList.map { String($0.prefix { $0 != " " && $0 != "#" }) })
        let missing = modules.filter { !have.contains($0) }
        guard !missing.isEmpty else { return base }
        return base + (base.endsWithNewline || base.isEmpty ? "" : "\n") + "# pcihide: the passthrough driver claims the hidden devices first\n" + missing.map { $0 + "\n" }.joined()
    }
}

extension BootFileEdit {
    /// /etc/default/grub: `word` added to `variable`'s quoted value (its last assignment), or a
    /// new assignment when the file has none.
    public static func grubVariable(_ text: String, variable: String, add word: String) -> String {
        var lines = text.lineList.map(String.init)
        guard let k = lines.lastIndex(where: { $0.hasPrefix(variable + "=") }) else {
            let body = text.endsWithNewline ? String(String.UnicodeScalarView(text.unicodeScalars.dropLast())) : text
            return body + "\n" + variable + "=\"" + word + "\"\n"
        }
        // A CRLF file keeps its line ends: the "\r" is not part of the value.
        let cr = lines[k].unicodeScalars.last == "\r"
        let line = cr ? String(String.UnicodeScalarView(lines[k].unicodeScalars.dropLast())) : lines[k]
        let value = line.dropFirst(variable.count + 1)
        // A plain value: one quoted string, or one unquoted word. Anything else (shell code) is
        // left as it is, and the word is added by a new assignment that keeps it.
        var inner: Substring?
        var quote: Character = "\""
        if let q = value.first, q == "\"" || q == "'" {
            let body = value.dropFirst()
            if let close = body.firstIndex(of: q), body[body.index(after: close)...].isEmpty { inner = body[..<close]; quote = q }
        } else if !value.contains(" ") && !value.contains("\t") && !value.contains("\"") && !value.contains("'") {
            inner = value
        }
        guard let inner else {
            let body = text.endsWithNewline ? String(String.UnicodeScalarView(text.unicodeScalars.dropLast())) : text
            return body + "\n" + variable + "=\"$" + variable + " " + word + "\"\n"
        }
        // Split as the kernel splits the line (one tokenizer; quotes kept together), or at blanks
        // where a quote is left open, as commandLine does.
        let words = (KernelCommandLine.balanced(inner) ? KernelCommandLine.words(inner) : inner.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { Substring(String(String.UnicodeScalarView($0))) }).map(String.init)
        guard !words.contains(word) else { return text }
        lines[k] = variable + "=" + String(quote) + (words + [word]).joined(separator: " ") + String(quote) + (cr ? "\r" : "")
        return lines.joined(separator: "\n")
    }
}

extension StringProtocol {
    /// The lines between newline characters, split on the scalar: a Character split would take
    /// "\r\n" (one grapheme) for no newline at all, and a CRLF file for one long line.
    var lineList: [Substring] {
        unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Substring(String(String.UnicodeScalarView($0))) }
    }

    var endsWithNewline: Bool { unicodeScalars.last == "\n" }
}
