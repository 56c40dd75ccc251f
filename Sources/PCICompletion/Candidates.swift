import PCIInventory
import PCIModel
import PCIState
import SystemIO

/// Dynamic completion candidates. They read what is already typed on the line (--sysfs, -F,
/// --state) so that candidates come from the source the command will use. Only cheap reads:
/// sysfs directory names, a dump's header lines, the state file; no libpci, no pci.ids.
public enum Candidates {
    /// The value of `--name X` or `--name=X` (or a short `-F X`) already on the line.
    public static func value(of names: [String], in words: [String]) -> String? {
        var found: String?
        for (i, w) in words.enumerated() {
            for n in names {
                if w == n, i + 1 < words.count { found = words[i + 1] }
                if w.hasPrefix(n + "=") { found = String(w.dropFirst(n.count + 1)) }
            }
        }
        return found
    }

    /// Canonical names (`DDDD:BB:DD.F`) of the devices on the source typed on the line that
    /// could match `prefix`. A sysfs directory already holds them as entry names: they are only
    /// checked for shape, not parsed, and only those that can match are kept before sorting
    /// (as text: fixed-width lowercase hex sorts as the numbers do).
    static func presentNames(_ words: [String], prefix: String) -> [String] {
        if let dump = value(of: ["-F"], in: words) {
            return (try? DumpFile.read(dump))?.devices.map(\.address.description) ?? []
        }
        guard let host = host(words), let tree = try? SysfsTree.resolve(option: value(of: ["--sysfs"], in: words), host: host) else { return [] }
        let p = prefix.lowercased()
        let short = "0000:" + p
        return (Files.list(tree.devicesDirectory) ?? [])
            .filter { ($0.hasPrefix(p) || $0.hasPrefix(short)) && isCanonicalAddress($0) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The host root typed on the line (`--root DIR`), else the environment's or this machine's.
    /// nil when it names no directory: then nothing is offered rather than this machine's devices.
    static func host(_ words: [String]) -> HostRoot? {
        try? HostRoot.resolve(option: value(of: ["--root"], in: words))
    }

    static func isCanonicalAddress(_ name: String) -> Bool {
        let u = name.utf8
        guard u.count == 12 else { return false }
        for (i, c) in u.enumerated() {
            switch i {
            case 4, 7: if c != UInt8(ascii: ":") { return false }
            case 10: if c != UInt8(ascii: ".") { return false }
            default: if !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) { return false }
            }
        }
        return true
    }

    static func state(_ words: [String]) -> PCIHideState? {
        guard let host = host(words) else { return nil }
        return try? StateStore(option: value(of: ["--state"], in: words), host: host).load()
    }

    /// zsh's _describe reads `value:description`, so a colon in a value is escaped there.
    public static var shell: String { Environment.get("SAP_SHELL") ?? "" }

    static func escaped(_ value: String) -> String {
        shell == "zsh" ? value.split(separator: ":", omittingEmptySubsequences: false).joined(separator: "\\:") : value
    }

    /// Addresses in the form the prefix is being typed in: `0000:02:09.0`, or `02:09.0` in domain 0
    /// (the canonical text without its `0000:`). Hex is matched case-insensitively, and each
    /// candidate starts with the prefix exactly as typed (`0000:02:0A` gives `0000:02:0A.0`):
    /// bash and zsh offer only candidates that begin with the word on the line.
    static func matching(_ canonical: [String], prefix: String) -> [String] {
        let lower = prefix.lowercased()
        func candidate(_ text: Substring) -> String {
            escaped(lower == prefix ? String(text) : prefix + text.dropFirst(prefix.count))
        }
        var out: [String] = []
        for full in canonical {
            if full.hasPrefix(lower) {
                out.append(candidate(full[...]))
            } else if full.hasPrefix("0000:") {
                let short = full.dropFirst(5)
                if short.hasPrefix(lower) { out.append(candidate(short)) }
            }
        }
        return out
    }

    public static func devices(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        matching(presentNames(words, prefix: prefix), prefix: prefix) + ids(words, prefix: prefix)
    }

    /// `VENDOR:DEVICE` of the devices present (hide and check take them), once a character that
    /// can start one is typed; not for an empty word or a domain `0000`, where the addresses are
    /// what is wanted (and reading every device's ids would slow each TAB).
    static func ids(_ words: [String], prefix: String) -> [String] {
        let p = prefix.lowercased()
        guard !p.isEmpty, !p.hasPrefix("0000"), p.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == UInt8(ascii: ":") }),
            value(of: ["-F"], in: words) == nil, let host = host(words),
            let tree = try? SysfsTree.resolve(option: value(of: ["--sysfs"], in: words), host: host)
        else { return [] }
        var out = Set<String>()
        for name in Files.list(tree.devicesDirectory) ?? [] where isCanonicalAddress(name) {
            guard let a = PCIAddress(sysfsName: name), let i = tree.ids(a) else { continue }
            let text = i.description
            if text.hasPrefix(p) { out.insert(text) }
        }
        return out.sorted()
    }

    public static func hidden(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        matching((state(words)?.hidden ?? []).map(\.selection.description), prefix: prefix)
    }

    /// Which domains an argument takes.
    public enum DomainSet: Sendable {
        /// Running domains and those with devices reserved (assign, config, emu).
        case known
        /// Running domains only (domain kill).
        case running
        /// Domains with devices reserved that are not running (domain start).
        case startable
    }

    /// Domain ids, with their names as descriptions where the shell shows them (zsh, fish).
    public static func domains(_ words: [String], _ index: Int, _ prefix: String, which: DomainSet = .known) -> [String] {
        guard let s = state(words) else { return [] }
        var ids: [(String, String)] = which == .startable ? [] : s.domains.map { (String($0.id), $0.name ?? "running") }
        if which != .running {
            for e in s.hidden {
                guard let r = e.reservedFor, s.domain(r) == nil, !ids.contains(where: { $0.0 == String(r) }) else { continue }
                ids.append((String(r), "devices reserved"))
            }
        }
        let separator = shell == "zsh" ? ":" : (shell == "fish" ? "\t" : nil)
        return ids.filter { $0.0.hasPrefix(prefix) }.map { id, name in separator.map { id + $0 + name } ?? id }
    }
}

/// The dynamic candidates each argument offers, by the request id the generated scripts send
/// (`pcihide ---completion PATH -- ID CWORD CURSOR WORDS...`). `main` answers these requests
/// before building the argument parser, which costs more than reading a 4096-device tree; any
/// other request falls through to ArgumentParser. A test checks this table against the scripts.
public enum FastCompletion {
    public enum Kind: Sendable { case devices, hidden, domains(Candidates.DomainSet) }

    public static let table: [String: Kind] = {
        var t: [String: Kind] = [
            "hide -- positional@0": .devices, "check -- positional@0": .devices, "list -- -s": .devices, "groups -- -s": .devices,
            "unhide -- positional@0": .hidden, "assign -- positional@0": .hidden,
            "release -- positional@0": .hidden, "policy -- positional@0": .hidden, "export -- positional@0": .hidden,
            "assign -- --domain": .domains(.known), "domain start -- positional@0": .domains(.startable), "domain kill -- positional@0": .domains(.running),
            "emu lspci -- -s": .devices,
            "config -- --domain": .domains(.known), "config -- --device": .devices,
        ]
        for sub in ["read", "trace", "dump", "lspci", "proc-pci"] {
            t["emu \(sub) -- --domain"] = .domains(.known)
            t["emu \(sub) -- --device"] = .devices
        }
        return t
    }()

    /// The text to print for a request (the arguments after `---completion`), or nil to let the
    /// argument parser answer it. The prefix is the last word up to the cursor, as ArgumentParser
    /// computes it.
    public static func answer(_ request: [String]) -> String? {
        guard let dash = request.firstIndex(of: "--"), dash + 1 < request.count else { return nil }
        let key = request[..<dash].joined(separator: " ") + " -- " + request[dash + 1]
        guard let kind = table[key], dash + 3 < request.count, let cword = Int(request[dash + 2]),
            let cursor = Int(request[dash + 3])
        else { return nil }
        let words = Array(request[(dash + 4)...])
        let prefix: String
        if let last = words.last { prefix = String(last.prefix(cursor)) } else if cursor == 0 { prefix = "" } else { return nil }
        var out: [String]
        switch kind {
        case .devices: out = Candidates.devices(words, cword, prefix)
        case .hidden: out = Candidates.hidden(words, cword, prefix)
        case .domains(let which): out = Candidates.domains(words, cword, prefix, which: which)
        }
        // zsh's script removes this pseudo-candidate; it lets empty candidates through (as ArgumentParser does).
        if Candidates.shell == "zsh" { out.append(" ") }
        return out.joined(separator: "\n") + "\n"
    }
}
