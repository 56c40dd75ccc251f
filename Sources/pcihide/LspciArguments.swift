/// lspci's command-line conventions that ArgumentParser does not share.
enum LspciArguments {
    /// lspci's options that take a value (getopt's "s:d:i:F:A:O:p:H:" and the rest of its string).
    static let takesValue: Set<Character> = ["s", "d", "i", "F", "A", "O", "p", "H"]
    /// lspci's options without a value that `list` knows as single letters.
    static let flags: Set<Character> = ["n", "m", "x", "D", "k", "t", "v", "b", "P", "q", "Q", "M", "G"]

    /// Splits getopt clusters as getopt reads them: `-vs00:1f` is `-v -s 00:1f`, `-nnd8086:`
    /// is `-n -n -d 8086:`. Anything else (long options, `--`, a lone `-`, letters lspci does
    /// not have) is left as it is, for the parsers to accept or word an error for.
    static func spelledOut(_ args: ArraySlice<String>) -> [String] {
        var out: [String] = []
        var rest = args
        while let arg = rest.popFirst() {
            if arg == "--" { out.append(arg); out += rest; break }
            let letters = Array(arg.dropFirst())
            guard arg.hasPrefix("-"), !arg.hasPrefix("--"), letters.count > 1,
                letters.allSatisfy({ flags.contains($0) || takesValue.contains($0) }) || letters.firstIndex(where: { takesValue.contains($0) }).map({ k in letters[..<k].allSatisfy(flags.contains) }) == true
            else { out.append(arg); continue }
            var k = 0
            while k < letters.count {
                let c = letters[k]
                out.append("-" + String(c))
                if takesValue.contains(c) {
                    let value = String(letters[(k + 1)...])
                    if !value.isEmpty { out.append(value) }
                    break
                }
                k += 1
            }
        }
        return out
    }
}

extension LspciArguments {
    /// Why `list` does not take an lspci option it recognises, or nil. `args` are spelled out.
    static func refusal(_ args: [String]) -> String? {
        for arg in args {
            if arg == "--" { return nil }
            let why: String
            switch arg {
            case "-q", "-Q":
                why = "queries the PCI ID database over the network (DNS); pcihide uses only the local ID database (-i FILE to choose one)"
            case "-M":
                why = "is bus-mapping mode, which probes every bus by direct hardware access; pcihide reads devices only through sysfs (--sysfs, --root) or a dump (-F)"
            case "-H":
                why = "accesses the hardware directly through I/O ports; pcihide reads devices only through sysfs (--sysfs, --root) or a dump (-F)"
            case "-A", "-O":
                why = "chooses libpci's access method or sets its parameters; pcihide reads sysfs (--sysfs DIR, --root DIR) or a dump (-F FILE)"
            case "-G":
                why = "turns on libpci's debugging output, which pcihide does not pass through"
            case "-p":
                why = "reads a modules.pcimap file; pcihide finds kernel modules through libkmod, as lspci does on current kernels"
            default: continue
            }
            return "lspci's option \(arg) \(why)"
        }
        return nil
    }
}
