import ArgumentParser
import PCIInventory
import PCIModel
import PCIState
import SystemIO

/// Dynamic completion candidates. They read what is already typed on the line (--sysfs, -F,
/// --state) so that candidates come from the source the command will use. Only cheap reads:
/// sysfs directory names, a dump's header lines, the state file; no libpci, no pci.ids.
enum Candidates {
    /// The value of `--name X` or `--name=X` (or a short `-F X`) already on the line.
    static func value(of names: [String], in words: [String]) -> String? {
        var found: String?
        for (i, w) in words.enumerated() {
            for n in names {
                if w == n, i + 1 < words.count { found = words[i + 1] }
                if w.hasPrefix(n + "=") { found = String(w.dropFirst(n.count + 1)) }
            }
        }
        return found
    }

    static func presentAddresses(_ words: [String]) -> [PCIAddress] {
        if let dump = value(of: ["-F"], in: words) {
            return (try? DumpFile.read(dump))?.devices.map(\.address) ?? []
        }
        let root = SysfsTree.resolveRoot(option: value(of: ["--sysfs"], in: words))
        return (try? SysfsTree(root: root).addresses()) ?? []
    }

    static func state(_ words: [String]) -> PCIHideState? {
        try? StateStore(path: StateStore.resolvePath(option: value(of: ["--state"], in: words))).load()
    }

    /// zsh's _describe reads `value:description`, so a colon in a value is escaped there.
    static var shell: String { Environment.get("SAP_SHELL") ?? "" }

    static func escaped(_ value: String) -> String {
        shell == "zsh" ? value.split(separator: ":", omittingEmptySubsequences: false).joined(separator: "\\:") : value
    }

    /// Addresses in the form the prefix is being typed in: `0000:02:09.0`, or `02:09.0` in domain 0.
    static func matching(_ texts: [(full: String, short: String?)], prefix: String) -> [String] {
        var out: [String] = []
        for t in texts {
            if t.full.hasPrefix(prefix) { out.append(escaped(t.full)) }
            else if let s = t.short, s.hasPrefix(prefix) { out.append(escaped(s)) }
        }
        return out
    }

    static func devices(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        matching(presentAddresses(words).map { ($0.description, $0.domain == 0 ? $0.shortDescription : nil) }, prefix: prefix)
    }

    static func hidden(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let entries = state(words)?.hidden ?? []
        return matching(entries.map { ($0.selection.description, $0.selection.domain == 0 ? $0.selection.shortDescription : nil) }, prefix: prefix)
    }

    /// Domain ids, with their names as descriptions where the shell shows them (zsh, fish).
    static func domains(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        guard let s = state(words) else { return [] }
        var ids: [(String, String)] = s.domains.map { (String($0.id), $0.name ?? "running") }
        for e in s.hidden {
            if let r = e.reservedFor, !ids.contains(where: { $0.0 == String(r) }) { ids.append((String(r), "devices reserved")) }
        }
        let separator = shell == "zsh" ? ":" : (shell == "fish" ? "\t" : nil)
        return ids.filter { $0.0.hasPrefix(prefix) }.map { id, name in separator.map { id + $0 + name } ?? id }
    }
}

extension CompletionKind {
    static var presentDevices: CompletionKind { .custom { Candidates.devices($0, $1, $2) } }
    static var hiddenDevices: CompletionKind { .custom { Candidates.hidden($0, $1, $2) } }
    static var domainIds: CompletionKind { .custom { Candidates.domains($0, $1, $2) } }
}
