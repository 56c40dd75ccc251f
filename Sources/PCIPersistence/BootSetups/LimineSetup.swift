import SystemIO

/// Limine 8 and later (CachyOS, Arch by choice): the kernel line is each entry's `cmdline:`
/// option in limine.conf, read as it is at boot; nothing regenerates it. A Xen entry
/// (`protocol: multiboot2`/`multiboot1`) takes Xen's line in `cmdline:` and dom0's in the
/// `module_string:` after the first `module_path:` (docs/references.md: persistence.md, "Limine").
public enum LimineSetup: BootSetupDefinition {
    public static let name = "limine"
    public static let title: String? = "Limine"
    public static let evidence: String? = "limine.conf on the ESP or under boot (Limine 8+)"
    /// After systemd-boot's LoaderInfo, which proves the running loader; before the files that
    /// only prove a loader is installed.
    public static let precedence = 45

    /// Where Limine looks on the partition it boots from (`/limine.conf`, `/limine/`, `/boot/`,
    /// `/boot/limine/`, `/EFI/BOOT/`), for an ESP mounted at boot/efi or efi, or at boot.
    static let places: [String] = ["/boot/efi", "/efi", "/boot", ""].flatMap { mount in
        ["/limine.conf", "/limine/limine.conf", "/boot/limine.conf", "/boot/limine/limine.conf", "/EFI/BOOT/limine.conf"].map { mount + $0 }
    }

    /// The first limine.conf, as the user knows the path.
    public static func config(_ host: HostRoot) -> String? {
        places.first { Files.exists(host.path($0)) }
    }

    public static func detect(_ probe: BootProbe) -> String? {
        guard let place = config(probe.host) else { return nil }
        return "\(place) exists: Limine reads each entry's cmdline: from it at boot"
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        guard let place = config(planner.host) else { return }
        try planner.add(place) { old in edit(old ?? "", tokens: planner.keep(old, place)) }
        if Files.exists(planner.host.path("/etc/default/limine")) {
            planner.plan.notes.append("/etc/default/limine exists: limine-entry-tool writes the entries anew from its KERNEL_CMDLINE when a kernel is installed; add the same tokens there, or the next kernel update drops them")
        }
    }

    public static func takeOut(_ planner: BootFilePlanner) throws {
        guard let place = config(planner.host) else { return }
        try planner.takeOut(place) { edit($0, tokens: try planner.originalTokens(place)) }
    }

    /// limine.conf with `tokens` on each Linux entry's `cmdline:` (one is added after its
    /// `protocol:` line when it has none) and on each Xen entry's dom0 line; everything else as
    /// it was. Options are `key: value`, keys in any case, indented or not; an entry starts at a
    /// line beginning with `/`.
    public static func edit(_ text: String, tokens: [String]) -> String {
        let lines = text.lineList.map(String.init)
        var out: [String] = []
        var k = 0
        // The lines before the first entry are global options.
        while k < lines.count && !isEntry(lines[k]) { out.append(lines[k]); k += 1 }
        while k < lines.count {
            var entry = [lines[k]]
            k += 1
            while k < lines.count && !isEntry(lines[k]) { entry.append(lines[k]); k += 1 }
            out += editEntry(entry, tokens: tokens)
        }
        return out.joined(separator: "\n")
    }

    static func isEntry(_ line: String) -> Bool { line.drop { $0 == " " || $0 == "\t" }.hasPrefix("/") }

    /// A line's option name (lower case) and where its value starts, or nil.
    static func option(_ line: String) -> (key: String, value: String.Index)? {
        let body = line.drop { $0 == " " || $0 == "\t" }
        guard let colon = body.firstIndex(of: ":"), !body.hasPrefix("#") else { return nil }
        let key = body[..<colon].trimmingBlanks.lowercased()
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        return (key, body[body.index(after: colon)...].firstIndex { $0 != " " && $0 != "\t" } ?? line.endIndex)
    }

    static func editEntry(_ entry: [String], tokens: [String]) -> [String] {
        var lines = entry
        let protocolLine = lines.firstIndex { option($0)?.key == "protocol" }
        let kind = protocolLine.map { String(lines[$0][option(lines[$0])!.value...]).trimmingBlanks.lowercased() } ?? ""
        func setLine(_ k: Int) {
            let v = option(lines[k])!.value
            // An empty value gets the blank a written one has after the colon.
            let head = v == lines[k].endIndex && !lines[k].hasSuffix(" ") ? lines[k] + " " : String(lines[k][..<v])
            lines[k] = head + BootFileEdit.commandLine(lines[k][v...], tokens: tokens)
        }
        if kind == "linux" {
            let cmdlines = lines.indices.filter { ["cmdline", "kernel_cmdline"].contains(option(lines[$0])?.key) }
            if cmdlines.isEmpty, let p = protocolLine {
                let indent = lines[p].prefix { $0 == " " || $0 == "\t" }
                lines.insert(indent + "cmdline: " + tokens.joined(separator: " "), at: p + 1)
            } else {
                cmdlines.forEach(setLine)
            }
        } else if kind.hasPrefix("multiboot") {
            // dom0 is the first module; its line is the module_string after its module_path.
            if let path = lines.firstIndex(where: { option($0)?.key == "module_path" }),
                let string = lines[(path + 1)...].firstIndex(where: { ["module_string", "module_cmdline"].contains(option($0)?.key) }),
                !lines[(path + 1)..<string].contains(where: { option($0)?.key == "module_path" })
            {
                setLine(string)
            }
        }
        return lines
    }
}
