import PCIModel
import PCISpec

#if canImport(Glibc)
import Glibc
#endif

/// Mistakes in the words before the parser sees them, said plainly (exit 64) instead of
/// ArgumentParser's "unexpected arguments" or the top help with exit 0.
enum CommandWords {
    static var names: [String] { PCIHide.configuration.subcommands.map { $0._commandName } + ["help"] }

    /// The closest command name to a typo, when one is close.
    static func suggestion(_ word: String) -> String? {
        let best = names.map { ($0, editDistance(word.lowercased(), $0)) }.min { $0.1 < $1.1 }
        return best.flatMap { $0.1 <= max(2, word.count / 3) ? $0.0 : nil }
    }

    /// An argument that is not valid UTF-8, named by its own bytes. Swift's CommandLine.arguments
    /// has already replaced such a byte with U+FFFD, so the message would name the replacement's
    /// bytes and miscount columns: the raw argv is read instead.
    static func invalidText() -> String? {
        for n in 1..<Int(CommandLine.argc) {
            guard let p = CommandLine.unsafeArgv[n] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))
            if String(validating: bytes, as: UTF8.self) != nil { continue }
            // The first offset where decoding the prefix fails.
            var good = 0
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while case .scalarValue(let v) = decoder.decode(&iterator) { good += UTF8.width(v) }
            let column = String(decoding: bytes[0..<good], as: UTF8.self).unicodeScalars.count + 1
            let shown = String(decoding: bytes, as: UTF8.self)
            return "argument \(n) ('\(shown)') is not valid UTF-8: byte 0x\(hex(bytes[good], 2)) at column \(column); retype it (a spec, a name and a path are plain text)"
        }
        return nil
    }

    /// Why the words cannot be a pcihide command line, or nil.
    static func problem(_ args: [String]) -> String? {
        guard args.count >= 2 else { return nil }
        let first = args[1]
        if !first.hasPrefix("-") && !names.contains(first) {
            return "'\(first)' is not a pcihide command" + (suggestion(first).map { "; did you mean '\($0)'?" } ?? "") + " (pcihide --help lists them)"
        }
        if first == "help", args.count >= 3, !args[2].hasPrefix("-"), !names.contains(args[2]) {
            return "'\(args[2])' is not a pcihide command, so there is no help for it" + (suggestion(args[2]).map { "; did you mean 'pcihide help \($0)'?" } ?? "")
        }
        // A device spec typed with a dash in front reads as an unknown option.
        if ["hide", "unhide", "check", "assign", "release", "policy"].contains(first) {
            for a in args.dropFirst(2) {
                if a == "--" { break }
                let rest = a.dropFirst()
                if a.hasPrefix("-"), !a.hasPrefix("--"), let c = rest.first, c.isHexDigit, rest.contains(":") || rest.contains("(") {
                    return "'\(a)' is read as an option: a device spec does not start with '-'; write \(rest) (or put -- before a spec that really starts with '-')"
                }
            }
        }
        return nil
    }
}
