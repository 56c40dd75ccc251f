import PCIModel

/// Parses every device-spec form users type (see ../shared/reference/specs-and-boot.md) into
/// canonical selections, and explains every rejection with the offending column.
///
/// Grammar (hex everywhere; `*` only where xen-pciback allows it):
///
///     spec      = param "=" value | "(" list | xlspec | address
///     address   = [domain ":"] bus ":" device "." function     -- one colon: BB:DD.F, two: DDDD:BB:DD.F
///     list      = *( ws "(" address ")" ) ws                   -- wildcards DD.* and *.*
///     xlspec    = [address ["@" vslot]] *( "," key "=" value )
public enum SpecParser {
    /// Kernel and hypervisor parameter names that carry a xen-pciback style list.
    /// Linux and Xen treat `-` and `_` in parameter names alike.
    static let listParameters = ["xen_pciback.hide", "pciback.hide", "physdev_dom0_hide"]
    static let allParameters = ["hide", "xen-pciback.hide", "xen_pciback.hide", "pciback.hide", "physdev_dom0_hide"]
    /// The keys xl accepts in a PCI_SPEC_STRING.
    public static let xlKeys = ["bdf", "vslot", "permissive", "msitranslate", "seize", "power_mgmt", "rdm_policy", "name"]

    /// Parses one spec.
    public static func parse(_ input: String) throws(SpecError) -> DeviceSpec {
        var p = Parser(input)
        do { return try p.parseSpec() } catch {
            throw diagnose(input) ?? error
        }
    }

    /// A better account of a spec that did not parse, when the mistake is a common one: several
    /// devices in one argument, or spaces around a valid spec.
    static func diagnose(_ input: String) -> SpecError? {
        let u = Array(input.utf8)
        // Spaces around it (a quoted shell word): the spec itself is fine.
        let trimmed = input.drop { $0 == " " || $0 == "\t" }
        if trimmed.count != input.count || input.last == " " || input.last == "\t" {
            let inner = String(trimmed.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            var q = Parser(inner)
            if !inner.isEmpty, (try? q.parseSpec()) != nil {
                let at = input.first == " " || input.first == "\t" ? 0 : u.count - 1
                return SpecError(input: input, start: at, length: 1, reason: "a space around the spec; remove it (quote nothing but the spec: '\(inner)')")
            }
        }
        // Several devices in one argument: 02:09.0;03:00.0, hide=02:09.0,03:00.0, "02:09.0 03:00.0".
        var body = Substring(input)
        for p in allParameters where body.lowercased().hasPrefix(p + "=") { body = body.dropFirst(p.count + 1) }
        let separators: Set<Character> = [";", ",", " ", "\t"]
        let parts = body.split(whereSeparator: { separators.contains($0) }).map(String.init)
        guard parts.count >= 2 else { return nil }
        for part in parts {
            var q = Parser(part)
            guard let spec = try? q.parseSpec(), spec.selections.count == 1 else { return nil }
        }
        let sepOffset =
            input.utf8.firstIndex { [UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t")].contains($0) }
            .map { input.utf8.distance(from: input.utf8.startIndex, to: $0) } ?? 0
        return SpecError(
            input: input, start: sepOffset, length: 1,
            reason: "this argument holds \(parts.count) devices (\(parts.joined(separator: ", "))): give each as its own argument (\(parts.joined(separator: " "))) or as one list: \(parts.map { "(" + $0 + ")" }.joined())")
    }

    /// Parses every spec of a command line, collecting every error, so that nothing is acted on
    /// unless all of them are valid.
    public static func parseAll(_ inputs: [String]) throws(SpecErrors) -> [DeviceSpec] {
        var specs: [DeviceSpec] = []
        var errors: [SpecError] = []
        for input in inputs {
            do { specs.append(try parse(input)) } catch { errors.append(error) }
        }
        if !errors.isEmpty { throw SpecErrors(errors) }
        return specs
    }
}

/// Whether a number may start with `0x`: xl reads the device, function and vslot with `%x`
/// (libxlu_pci.c), which takes the prefix; the kernel lists and the 2005 form never had it.
enum HexPrefix { case accepted, refused }

/// Which wildcards an address may carry in a given form.
enum WildcardRule {
    /// None: `hide=` and vslot-less single devices.
    case none
    /// xl BDF: the function may be `*`.
    case function
    /// xen-pciback: `DD.*` and `*.*`.
    case slotAndFunction
}

struct Parser {
    let input: String
    let s: [UInt8]

    init(_ input: String) {
        self.input = input
        self.s = Array(input.utf8)
    }

    func fail(_ start: Int, _ length: Int = 1, _ reason: String) -> SpecError {
        SpecError(input: input, start: start, length: length, reason: reason)
    }

    func text(_ r: Range<Int>) -> String { String(decoding: s[r], as: UTF8.self) }

    func describe(_ i: Int) -> String {
        guard i < s.count else { return "the end of the spec" }
        let c = s[i]
        if c >= 0x80 {
            // Name the whole character this byte starts, not its first byte.
            if let scalar = String(validating: s[i..<i + characterLength(at: i)], as: UTF8.self)?.unicodeScalars.first {
                return describeNonASCII(scalar)
            }
            return "byte 0x" + hex(c, 2) + " (not valid UTF-8)"
        }
        if c < 0x20 || c == 0x7f { return "control character 0x" + hex(c, 2) }
        return "'" + String(UnicodeScalar(c)) + "'"
    }

    /// How many bytes the character starting at `i` takes (1 for ASCII and stray bytes).
    func characterLength(at i: Int) -> Int {
        guard i < s.count, s[i] >= 0xC0 else { return 1 }
        var end = i + 1
        while end < s.count && s[end] & 0xC0 == 0x80 && end - i < 4 { end += 1 }
        return end - i
    }

    func index(of c: UInt8, in r: Range<Int>) -> Int? { r.first { s[$0] == c } }

    mutating func parseSpec() throws(SpecError) -> DeviceSpec {
        if s.isEmpty { throw fail(0, 1, "empty spec: expected an address such as 02:09.0") }
        // Every form is plain ASCII: a character pasted from a web page or a word processor is
        // named before anything else, at its own column, whatever form the rest resembles.
        if let i = s.firstIndex(where: { $0 >= 0x80 }) {
            throw fail(i, characterLength(at: i), "\(describe(i)) cannot be part of a device spec, which is plain ASCII")
        }
        let all = 0..<s.count
        // A parameter prefix: `name=` before any '(' , ',' or ':'.
        if let eq = index(of: UInt8(ascii: "="), in: all),
            !s[0..<eq].contains(where: { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "@") })
        {
            let rawName = text(0..<eq)
            let name = rawName.lowercased().dashesAsUnderscores
            if name == "hide" {
                return try parseHide2005(from: eq + 1)
            }
            if SpecParser.listParameters.contains(name) {
                let sels = try parseList(eq + 1..<s.count)
                return DeviceSpec(input: input, form: .pcibackList, selections: sels)
            }
            if SpecParser.xlKeys.contains(rawName) {
                return try parseXL()
            }
            // Not an xl key: a misspelt parameter or key. Suggest whichever is nearer.
            if rawName.contains(".") || rawName.lowercased().hasSuffix("hide") {
                let hint = suggestion(for: rawName, among: SpecParser.allParameters).map { " (did you mean '\($0)'?)" } ?? ""
                throw fail(0, eq, "unknown parameter '\(rawName)'\(hint); known: hide, xen-pciback.hide, pciback.hide, physdev_dom0_hide")
            }
            return try parseXL()
        }
        if s[0] == UInt8(ascii: "(") || s[0] == UInt8(ascii: " ") || s[0] == UInt8(ascii: "\t") {
            return DeviceSpec(input: input, form: .pcibackList, selections: try parseList(all))
        }
        if s.contains(UInt8(ascii: ",")) || s.contains(UInt8(ascii: "@")) || s.contains(UInt8(ascii: "=")) {
            return try parseXL()
        }
        if let close = index(of: UInt8(ascii: ")"), in: all) {
            throw fail(close, 1, "unexpected ')' with no '(' before it")
        }
        let sel = try parseAddress(all, wildcards: .slotAndFunction)
        return DeviceSpec(input: input, form: .address, selections: [sel])
    }

    /// `hide=BB:DD.F`: the 2005 prototype took one device, no parentheses, no wildcards.
    func parseHide2005(from start: Int) throws(SpecError) -> DeviceSpec {
        if start >= s.count { throw fail(start, 1, "hide= needs an address such as hide=02:09.0") }
        if s[start] == UInt8(ascii: "(") {
            throw fail(start, 1, "the 2005 hide= form takes one address without parentheses (hide=02:09.0); for a list use xen-pciback.hide=(...)")
        }
        let sel = try parseAddress(start..<s.count, wildcards: .none)
        return DeviceSpec(input: input, form: .hide2005, selections: [sel])
    }

    /// xen-pciback's `(spec)(spec)…`, optional white space between groups.
    func parseList(_ r: Range<Int>) throws(SpecError) -> [DeviceSelection] {
        var i = r.lowerBound
        var out: [DeviceSelection] = []
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a }
        while true {
            while i < r.upperBound && isSpace(s[i]) { i += 1 }
            if i >= r.upperBound { break }
            guard s[i] == UInt8(ascii: "(") else {
                if out.isEmpty && s[i] != UInt8(ascii: ")") {
                    throw fail(i, r.upperBound - i, "expected '(' to open a group: xen-pciback lists are written (02:09.0)(03:00.*)")
                }
                throw fail(i, characterLength(at: i), "expected '(' to open a group, found \(describe(i))")
            }
            let open = i
            var j = i + 1
            while j < r.upperBound && s[j] != UInt8(ascii: ")") && s[j] != UInt8(ascii: "(") { j += 1 }
            if j >= r.upperBound || s[j] == UInt8(ascii: "(") {
                throw fail(j, 1, "expected ')' to close the group opened at column \(open + 1)")
            }
            if j == open + 1 { throw fail(open, 2, "empty group: expected an address such as (02:09.0)") }
            out.append(try parseAddress(open + 1..<j, wildcards: .slotAndFunction))
            i = j + 1
        }
        if out.isEmpty { throw fail(r.lowerBound, 1, "expected at least one group such as (02:09.0)") }
        return out
    }

    /// One hex field; returns its value, checking the range and naming the field.
    func field(_ r: Range<Int>, _ name: String, max: UInt32, width: Int, next: String, hexPrefix: HexPrefix = .refused) throws(SpecError) -> UInt32 {
        if r.isEmpty { throw fail(r.lowerBound, 1, "missing \(name) number before \(next)") }
        let r = try skippingHexPrefix(r, name, hexPrefix, showing: true)
        for i in r where hexDigitValue(s[i]) == nil {
            if s[i] == UInt8(ascii: "*") {
                // A '*' among digits stands for a digit, which no form has: say what it can be.
                if r.count > 1 && (name == "device" || name == "function") {
                    throw fail(i, 1, "a wildcard '*' stands for a whole \(name) number, not for one of its digits: write \(name == "device" ? "BB:*.*" : "BB:DD.*") for all of them, or the number itself")
                }
                throw fail(i, 1, "a wildcard '*' is allowed only for the device and function numbers, not for the \(name) number")
            }
            throw fail(i, characterLength(at: i), "\(describe(i)) is not a hexadecimal digit in the \(name) number")
        }
        guard r.count <= 8, let v = parseHex(s[r]), v <= max else {
            let shown = text(r)
            throw fail(r.lowerBound, r.count, "\(name) \(shown) is out of range \(hex(0, width))-\(hex(max, width))")
        }
        return v
    }

    /// `r` without a leading `0x` where `hexPrefix` accepts one (xl reads these numbers with `%x`,
    /// which takes it); where it does not, the error names the prefix (and, `showing`, the number
    /// to write instead). A lone `0x` is left for the digit check to name.
    func skippingHexPrefix(_ r: Range<Int>, _ name: String, _ hexPrefix: HexPrefix, showing: Bool) throws(SpecError) -> Range<Int> {
        guard r.count > 2, s[r.lowerBound] == UInt8(ascii: "0"), s[r.lowerBound + 1] | 0x20 == UInt8(ascii: "x") else { return r }
        let digits = r.lowerBound + 2..<r.upperBound
        guard hexPrefix == .accepted else {
            throw fail(
                r.lowerBound, 2,
                "the \(name) number is hexadecimal already: drop the '\(text(r.lowerBound..<digits.lowerBound))'"
                    + (showing ? " (write \(text(digits)))" : ""))
        }
        return digits
    }

    /// `[DDDD:]BB:DD.F` with the wildcards `rule` allows, filling exactly `r`.
    func parseAddress(_ r: Range<Int>, wildcards rule: WildcardRule, hexPrefix: HexPrefix = .refused) throws(SpecError) -> DeviceSelection {
        let colons = r.filter { s[$0] == UInt8(ascii: ":") }
        if colons.isEmpty {
            if r.contains(where: { s[$0] == UInt8(ascii: ".") }) {
                // `02.09.0`, `02-09.0`: the caret goes under the first separator, which is where
                // the ':' belongs.
                if let sep = r.first(where: { hexDigitValue(s[$0]) == nil && s[$0] != UInt8(ascii: "*") }), sep > r.lowerBound,
                    s[sep] == UInt8(ascii: "-") || r.filter({ s[$0] == UInt8(ascii: ".") }).count > 1
                {
                    throw fail(sep, characterLength(at: sep), "\(describe(sep)) where ':' belongs between the bus and the device: an address is [DDDD:]BB:DD.F, e.g. 02:09.0")
                }
                throw fail(r.lowerBound, r.count, "missing bus: an address is [DDDD:]BB:DD.F, e.g. 02:09.0")
            }
            throw fail(r.lowerBound, r.count, "expected an address [DDDD:]BB:DD.F (bus:device.function), e.g. 02:09.0")
        }
        if colons.count > 2 {
            throw fail(colons[2], 1, "too many ':': an address is [DDDD:]BB:DD.F with at most two colons")
        }
        var domain: UInt32 = 0
        var cursor = r.lowerBound
        if colons.count == 2 {
            domain = try field(cursor..<colons[0], "domain", max: PCIAddress.maxDomain, width: 4, next: "':'")
            cursor = colons[0] + 1
        }
        let busEnd = colons[colons.count - 1]
        let bus = try field(cursor..<busEnd, "bus", max: PCIAddress.maxBus, width: 2, next: "':'")
        cursor = busEnd + 1
        guard let dot = index(of: UInt8(ascii: "."), in: cursor..<r.upperBound) else {
            // `02:09:0`: the second ':' stands where the '.' belongs.
            if colons.count == 2, colons[0] - r.lowerBound <= 2, r.upperBound > cursor {
                throw fail(colons[1], 1, "':' where '.' belongs between the device and the function: an address is [DDDD:]BB:DD.F, e.g. 02:09.0")
            }
            // `02:09,0`: the caret goes under the separator at fault.
            if let sep = (cursor..<r.upperBound).first(where: { hexDigitValue(s[$0]) == nil && s[$0] != UInt8(ascii: "*") }), sep > cursor {
                throw fail(sep, characterLength(at: sep), "\(describe(sep)) where '.' belongs between the device and the function: an address is [DDDD:]BB:DD.F, e.g. 02:09.0")
            }
            throw fail(r.upperBound, 1, "expected '.' and a function number after the device (e.g. 02:09.0)")
        }
        var device: UInt32?
        let slotWild = dot - cursor == 1 && s[cursor] == UInt8(ascii: "*")
        if slotWild {
            guard rule == .slotAndFunction else {
                throw fail(
                    cursor, 1,
                    rule == .none
                        ? "wildcards are not allowed here: this form names exactly one device"
                        : "the device cannot be '*' here; only the function may be a wildcard")
            }
        } else {
            device = try field(cursor..<dot, "device", max: PCIAddress.maxDevice, width: 2, next: "'.'", hexPrefix: hexPrefix)
        }
        let fStart = dot + 1
        if fStart >= r.upperBound { throw fail(fStart, 1, "missing function number after '.'") }
        var function: UInt32?
        if s[fStart] == UInt8(ascii: "*") {
            guard rule != .none else {
                throw fail(fStart, 1, "wildcards are not allowed here: this form names exactly one device")
            }
            if fStart + 1 < r.upperBound {
                throw fail(fStart + 1, r.upperBound - fStart - 1, "unexpected \(describe(fStart + 1)) after the function")
            }
        } else {
            if slotWild { throw fail(fStart, r.upperBound - fStart, "a wildcard device needs a wildcard function: write *.*") }
            let fStart = try skippingHexPrefix(fStart..<r.upperBound, "function", hexPrefix, showing: false).lowerBound
            var fEnd = fStart
            while fEnd < r.upperBound && hexDigitValue(s[fEnd]) != nil { fEnd += 1 }
            if fEnd == fStart { throw fail(fStart, characterLength(at: fStart), "\(describe(fStart)) is not a function number (0-7)") }
            let v = parseHex(s[fStart..<fEnd])
            if fEnd - fStart > 8 || v == nil || v! > PCIAddress.maxFunction {
                throw fail(fStart, fEnd - fStart, "function \(text(fStart..<fEnd)) is out of range 0-7")
            }
            if fEnd < r.upperBound {
                throw fail(fEnd, r.upperBound - fEnd, "unexpected \(describe(fEnd)) after the function number")
            }
            function = v
        }
        return DeviceSelection(domain: UInt32(domain), bus: UInt8(bus), device: device.map { UInt8($0) }, function: function.map { UInt8($0) })
    }

    /// xl's PCI_SPEC_STRING.
    func parseXL() throws(SpecError) -> DeviceSpec {
        var options = XLOptions()
        var selection: DeviceSelection?
        var seen: [String: Int] = [:]
        var bdfAt: Int?
        // Split on ',' keeping offsets.
        var tokens: [Range<Int>] = []
        var start = 0
        for i in 0...s.count where i == s.count || s[i] == UInt8(ascii: ",") {
            tokens.append(start..<i)
            start = i + 1
        }
        func note(_ key: String, at: Int, length: Int) throws(SpecError) {
            if let first = seen[key] {
                throw fail(at, length, "option '\(key)' is given twice (first at column \(first + 1))")
            }
            seen[key] = at
        }
        for (n, t) in tokens.enumerated() {
            if t.isEmpty {
                throw fail(t.lowerBound, 1, n == tokens.count - 1 ? "trailing ',' with no option after it" : "empty option between commas")
            }
            guard let eq = index(of: UInt8(ascii: "="), in: t) else {
                guard n == 0 else {
                    throw fail(t.lowerBound, t.count, "expected key=value, found '\(text(t))' (the address comes first)")
                }
                // The leading BDF, with an optional @vslot.
                var bdfRange = t
                if let at = index(of: UInt8(ascii: "@"), in: t) {
                    bdfRange = t.lowerBound..<at
                    try note("vslot", at: at, length: t.upperBound - at)
                    options.vslot = try vslot(at + 1..<t.upperBound)
                }
                try note("bdf", at: t.lowerBound, length: bdfRange.count)
                selection = try parseAddress(bdfRange, wildcards: .function, hexPrefix: .accepted)
                bdfAt = t.lowerBound
                continue
            }
            let key = text(t.lowerBound..<eq)
            let value = eq + 1..<t.upperBound
            guard SpecParser.xlKeys.contains(key) else {
                let hint = suggestion(for: key, among: SpecParser.xlKeys).map { " (did you mean '\($0)'?)" } ?? ""
                throw fail(t.lowerBound, max(1, eq - t.lowerBound), "unknown option '\(key)'\(hint); xl accepts \(SpecParser.xlKeys.joined(separator: ", "))")
            }
            try note(key, at: t.lowerBound, length: t.count)
            switch key {
            case "bdf":
                selection = try parseAddress(value, wildcards: .function, hexPrefix: .accepted)
                bdfAt = t.lowerBound
            case "vslot": options.vslot = try vslot(value)
            case "permissive": options.permissive = try flag(key, value)
            case "msitranslate": options.msitranslate = try flag(key, value)
            case "seize": options.seize = try flag(key, value)
            case "power_mgmt": options.powerManagement = try flag(key, value)
            case "rdm_policy":
                guard let p = RDMPolicy(rawValue: text(value)) else {
                    throw fail(value.lowerBound, max(1, value.count), "rdm_policy must be 'strict' or 'relaxed', not '\(text(value))'")
                }
                options.rdmPolicy = p
            default:  // name
                if value.isEmpty { throw fail(value.lowerBound, 1, "name= needs a value") }
                for i in value where !(isAlnum(s[i]) || s[i] == UInt8(ascii: "_") || s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: ".")) {
                    throw fail(i, characterLength(at: i), "\(describe(i)) is not allowed in a device name (letters, digits, '_', '-', '.')")
                }
                options.name = text(value)
            }
        }
        if let nameAt = seen["name"], let b = bdfAt {
            throw fail(max(nameAt, b), 1, "give either a bdf or name=, not both (xl takes exactly one)")
        }
        if selection == nil && options.name == nil {
            throw fail(0, s.count, "no device: an xl spec needs a BDF (36:00.0 or bdf=36:00.0) or name=")
        }
        return DeviceSpec(input: input, form: .xlSpec, selections: selection.map { [$0] } ?? [], options: options)
    }

    /// A guest slot: 02-1f, since 00 and 01 hold the guest's emulated host bridge (440FX) and
    /// ISA bridge (PIIX3).
    func vslot(_ r: Range<Int>) throws(SpecError) -> UInt8 {
        let v = UInt8(try field(r, "vslot", max: 0x1f, width: 2, next: "the end", hexPrefix: .accepted))
        if v < 2 {
            throw fail(r.lowerBound, max(1, r.count), "vslot \(hex(v, 2)) holds the guest's emulated \(v == 0 ? "host bridge (440FX)" : "ISA bridge (PIIX3)"); choose a slot from 02 to 1f")
        }
        return v
    }

    func flag(_ key: String, _ r: Range<Int>) throws(SpecError) -> Bool {
        if r.count == 1 && s[r.lowerBound] == UInt8(ascii: "0") { return false }
        if r.count == 1 && s[r.lowerBound] == UInt8(ascii: "1") { return true }
        throw fail(r.lowerBound, max(1, r.count), "\(key) must be 0 or 1, not '\(text(r))'")
    }

    func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
    }
}
