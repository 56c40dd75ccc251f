import PCIModel
import PCISpec

/// Pure text edits of the files each boot setup reads: text in, text out, nothing else touched.
/// Each replaces the hide tokens already there (any style, `-` and `_` alike) and the parameters
/// it sets, so that running it twice changes nothing and two hide tokens are never left in effect.
public enum BootFileEdit {
    static func name(_ word: Substring) -> String {
        word.prefix { $0 != "=" }.lowercased().dashesAsUnderscores
    }

    /// A kernel command line with `tokens` in place of earlier hide tokens and of earlier values
    /// of the parameters they set.
    public static func commandLine(_ line: Substring, tokens: [String]) -> String {
        let names = Set(tokens.map { name($0[...]) })
        let words = KernelCommandLine.balanced(line) ? KernelCommandLine.words(line) : line.split(whereSeparator: { $0 == " " || $0 == "\t" })
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

    /// A BLS entry: the tokens on its first `options` line, hide tokens off the others.
    public static func blsEntry(_ text: String, tokens: [String]) -> String {
        var first = true
        return text.lineList.map { line -> String in
            guard line.hasPrefix("options ") || line.hasPrefix("options\t") else { return String(line) }
            defer { first = false }
            return "options " + commandLine(line.dropFirst(8), tokens: first ? tokens : [])
        }.joined(separator: "\n")
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
            guard trimmed.hasPrefix("module "), firstModule else { return String(line) }
            firstModule = false
            let indent = line.prefix { $0 == " " || $0 == "\t" }
            let value = trimmed.dropFirst(7)
            let image = value.prefix { $0 != " " }
            return indent + "module " + image + " " + commandLine(value.dropFirst(image.count), tokens: tokens)
        }.joined(separator: "\n")
    }

    /// kernelstub's configuration (JSON): the `kernel_options` list of its `user` section, edited
    /// in place so that the rest of the file keeps its layout.
    public static func kernelstub(_ text: String, tokens: [String]) -> String? {
        guard let user = text.firstRange(of: "\"user\""), let key = text[user.upperBound...].firstRange(of: "\"kernel_options\""),
              let open = text[key.upperBound...].firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else { return nil }
        // The quoted strings between the brackets (a value may hold commas: vfio-pci.ids=a,b).
        let items = text[text.index(after: open)..<close].split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        let kept = items.filter { !BootFragment.isHideToken($0[...]) && !Set(tokens.map { name($0[...]) }).contains(name($0[...])) } + tokens
        let lineStart = text[..<open].lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        let indent = String(text[lineStart...].prefix { $0 == " " })
        let body = kept.isEmpty ? "[]" : "[\n" + kept.map { indent + "  \"" + $0 + "\"" }.joined(separator: ",\n") + "\n" + indent + "]"
        return String(text[..<open]) + body + String(text[text.index(after: close)...])
    }

    /// mkinitcpio.conf: `modules` added to `MODULES=(...)`.
    public static func mkinitcpio(_ text: String, modules: [String]) -> String {
        var done = false
        var lines = text.lineList.map { line -> String in
            guard !done, line.hasPrefix("MODULES=("), let close = line.lastIndex(of: ")") else { return String(line) }
            done = true
            let have = line[line.index(line.startIndex, offsetBy: 9)..<close].split(separator: " ").map(String.init)
            return "MODULES=(" + (have + modules.filter { !have.contains($0) }).joined(separator: " ") + ")" + line[line.index(after: close)...]
        }
        if !done { lines.insert("MODULES=(" + modules.joined(separator: " ") + ")", at: max(0, lines.count - 1)) }
        return lines.joined(separator: "\n")
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
        let words = inner.split(separator: " ").map(String.init)
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
