import PCIModel
import PropertyBased
import Testing

@testable import PCISpec

/// Valid inputs of every form, with the canonical selections they must produce.
struct ValidCase: CustomTestStringConvertible, Sendable {
    var input: String
    var form: SpecForm
    var selections: [String]
    var vslot: UInt8? = nil
    var permissive: Bool? = nil
    var testDescription: String { input }
}

/// Invalid inputs, the reason's text and the column the caret starts at.
struct InvalidCase: CustomTestStringConvertible, Sendable {
    var input: String
    var reason: String
    var column: Int
    var testDescription: String { input }
}

let validCases: [ValidCase] = [
    // Bare addresses, either case, with and without the domain.
    .init(input: "02:09.0", form: .address, selections: ["0000:02:09.0"]),
    .init(input: "0000:02:09.0", form: .address, selections: ["0000:02:09.0"]),
    .init(input: "0000:0A:1F.7", form: .address, selections: ["0000:0a:1f.7"]),
    .init(input: "ffff:ff:1f.7", form: .address, selections: ["ffff:ff:1f.7"]),
    .init(input: "2:9.0", form: .address, selections: ["0000:02:09.0"]),
    .init(input: "03:00.*", form: .address, selections: ["0000:03:00.*"]),
    // The 2005 form.
    .init(input: "hide=02:09.0", form: .hide2005, selections: ["0000:02:09.0"]),
    .init(input: "HIDE=02:09.0", form: .hide2005, selections: ["0000:02:09.0"]),
    // xen-pciback lists, bare and after every parameter name, - and _ alike.
    .init(input: "(02:09.0)", form: .pcibackList, selections: ["0000:02:09.0"]),
    .init(input: "(0000:02:09.0)(03:00.*)", form: .pcibackList, selections: ["0000:02:09.0", "0000:03:00.*"]),
    .init(input: "(04:*.*)", form: .pcibackList, selections: ["0000:04:*.*"]),
    .init(input: "(02:09.0)(0000:04:1d.*)(05:*.*)", form: .pcibackList, selections: ["0000:02:09.0", "0000:04:1d.*", "0000:05:*.*"]),
    .init(input: "(02:09.0) (03:00.0)", form: .pcibackList, selections: ["0000:02:09.0", "0000:03:00.0"]),
    .init(input: "xen-pciback.hide=(02:09.0)(0000:04:1d.*)", form: .pcibackList, selections: ["0000:02:09.0", "0000:04:1d.*"]),
    .init(input: "xen_pciback.hide=(02:09.0)", form: .pcibackList, selections: ["0000:02:09.0"]),
    .init(input: "pciback.hide=(02:09.0)", form: .pcibackList, selections: ["0000:02:09.0"]),
    .init(input: "physdev_dom0_hide=(02:09.0)", form: .pcibackList, selections: ["0000:02:09.0"]),
    .init(input: "physdev-dom0-hide=(02:09.0)", form: .pcibackList, selections: ["0000:02:09.0"]),
    // xl BDFs and PCI_SPEC_STRINGs.
    .init(input: "36:00.0@1d,permissive=1,rdm_policy=relaxed", form: .xlSpec, selections: ["0000:36:00.0"], vslot: 0x1d, permissive: true),
    .init(input: "bdf=36:00.0,vslot=1d", form: .xlSpec, selections: ["0000:36:00.0"], vslot: 0x1d),
    .init(input: "36:00.0@1f,seize=1", form: .xlSpec, selections: ["0000:36:00.0"], vslot: 0x1f),
    .init(input: "36:00.0,vslot=1f,seize=1", form: .xlSpec, selections: ["0000:36:00.0"], vslot: 0x1f),
    .init(input: "permissive=0,bdf=0000:36:00.*", form: .xlSpec, selections: ["0000:36:00.*"], permissive: false),
    .init(input: "36:00.0,msitranslate=1,power_mgmt=0", form: .xlSpec, selections: ["0000:36:00.0"]),
    .init(input: "name=gpu0", form: .xlSpec, selections: []),
    // xl reads the device, function and vslot with %x, which takes a 0x prefix.
    .init(input: "02:09.0,vslot=0x09", form: .xlSpec, selections: ["0000:02:09.0"], vslot: 0x09),
    .init(input: "02:09.0@0X1d", form: .xlSpec, selections: ["0000:02:09.0"], vslot: 0x1d),
    .init(input: "bdf=02:0x09.0x1", form: .xlSpec, selections: ["0000:02:09.1"]),
]

let invalidCases: [InvalidCase] = [
    .init(input: "", reason: "empty spec", column: 1),
    .init(input: "02:09", reason: "expected '.' and a function number", column: 6),
    .init(input: "0209.0", reason: "missing bus", column: 1),
    // The caret under the separator at fault, not past the end or under the whole spec.
    .init(input: "hide=02:09,0", reason: "',' where '.' belongs between the device and the function", column: 11),
    .init(input: "02:09:0", reason: "':' where '.' belongs between the device and the function", column: 6),
    .init(input: "02.09.0", reason: "'.' where ':' belongs between the bus and the device", column: 3),
    .init(input: "02-09.0", reason: "'-' where ':' belongs between the bus and the device", column: 3),
    .init(input: "0000:02:09", reason: "expected '.' and a function number", column: 11),
    .init(input: "02:20.0", reason: "device 20 is out of range 00-1f", column: 4),
    .init(input: "02:09.8", reason: "function 8 is out of range 0-7", column: 7),
    .init(input: "100:09.0", reason: "bus 100 is out of range 00-ff", column: 1),
    .init(input: "10000:00:09.0", reason: "domain 10000 is out of range 0000-ffff", column: 1),
    .init(input: "0g:09.0", reason: "'g' is not a hexadecimal digit in the bus number", column: 2),
    .init(input: "02:09.0x", reason: "unexpected 'x' after the function number", column: 8),
    .init(input: "*:09.0", reason: "wildcard '*' is allowed only for the device and function numbers, not for the bus number", column: 1),
    .init(input: "02:*.0", reason: "a wildcard device needs a wildcard function", column: 6),
    // The reference's invalid xen-pciback examples.
    .init(input: "xen-pciback.hide=02:09.0", reason: "expected '(' to open a group", column: 18),
    .init(input: "(0000:82.0.0)", reason: "device 82 is out of range 00-1f", column: 7),
    .init(input: "(1:0:1:0:)", reason: "too many ':'", column: 7),
    .init(input: "(02:20.0)", reason: "device 20 is out of range 00-1f", column: 5),
    .init(input: "(02:09.8)", reason: "function 8 is out of range 0-7", column: 8),
    .init(input: "(0000:02:09.0", reason: "expected ')' to close the group opened at column 1", column: 14),
    .init(input: "(02:09.0)(03:00.0", reason: "expected ')' to close the group opened at column 10", column: 18),
    .init(input: "(02:09.0(03:00.0)", reason: "expected ')' to close the group opened at column 1", column: 9),
    .init(input: "()", reason: "empty group", column: 1),
    .init(input: "(02:09.0)x", reason: "expected '(' to open a group, found 'x'", column: 10),
    .init(input: "02:09.0)", reason: "unexpected ')'", column: 8),
    .init(input: "xen-pcibak.hide=(02:09.0)", reason: "unknown parameter 'xen-pcibak.hide' (did you mean 'xen-pciback.hide'?)", column: 1),
    // The 2005 form takes one plain address.
    .init(input: "hide=(02:09.0)", reason: "without parentheses", column: 6),
    .init(input: "hide=02:09.*", reason: "wildcards are not allowed here", column: 12),
    .init(input: "hide=", reason: "hide= needs an address", column: 6),
    // xl.
    .init(input: "36:00.0,permisive=1", reason: "unknown option 'permisive' (did you mean 'permissive'?)", column: 9),
    .init(input: "36:00.0@20", reason: "vslot 20 is out of range 00-1f", column: 9),
    .init(input: "36:00.0,permissive=yes", reason: "permissive must be 0 or 1, not 'yes'", column: 20),
    .init(input: "36:00.0,rdm_policy=lax", reason: "rdm_policy must be 'strict' or 'relaxed'", column: 20),
    .init(input: "bdf=36:00.0,name=gpu", reason: "either a bdf or name=, not both", column: 13),
    .init(input: "vslot=1d", reason: "no device", column: 1),
    .init(input: "36:00.0@1d,vslot=1e", reason: "option 'vslot' is given twice (first at column 8)", column: 12),
    .init(input: "36:00.0,,seize=1", reason: "empty option between commas", column: 9),
    .init(input: "36:00.0,", reason: "trailing ','", column: 9),
    .init(input: "36:*.*,seize=1", reason: "the device cannot be '*' here", column: 4),
    .init(input: "36:00.0,seize", reason: "expected key=value, found 'seize'", column: 9),
    .init(input: "1:2:3:4.0", reason: "too many ':'", column: 6),
    // 0x where no parser that reads the form takes it (xl counts the colons over hex digits only).
    .init(input: "0x02:09.0", reason: "the bus number is hexadecimal already: drop the '0x' (write 02)", column: 1),
    .init(input: "(02:0x09.0)", reason: "the device number is hexadecimal already", column: 5),
    .init(input: "02:09.0x1", reason: "the function number is hexadecimal already", column: 7),
    .init(input: "hide=02:09.0x0", reason: "the function number is hexadecimal already", column: 12),
    // Characters that are not ASCII are named, at their column counted in characters.
    .init(input: "02\u{2013}09.0", reason: "U+2013 EN DASH (type the ASCII '-' instead) cannot be part of a device spec", column: 3),
    .init(input: "\u{FF10}2:09.0", reason: "U+FF10 FULLWIDTH DIGIT ZERO (type the ASCII '0' instead)", column: 1),
    .init(input: "(02:09.0)(03\u{FF1A}00.0)", reason: "U+FF1A FULLWIDTH COLON (type the ASCII ':' instead)", column: 13),
    .init(input: "\u{2018}02:09.0\u{2019}", reason: "U+2018 LEFT SINGLE QUOTATION MARK (a typographic quote", column: 1),
    .init(input: "02:09.\u{0660}", reason: "U+0660 ARABIC-INDIC DIGIT ZERO (type the ASCII '0' instead)", column: 7),
]

@Suite("Spec grammar")
struct SpecParserTests {
    @Test("valid specs give canonical selections", arguments: validCases)
    func valid(_ c: ValidCase) throws {
        let spec = try SpecParser.parse(c.input)
        #expect(spec.form == c.form)
        #expect(spec.selections.map(\.description) == c.selections)
        #expect(spec.options.vslot == c.vslot)
        #expect(spec.options.permissive == c.permissive)
    }

    @Test("invalid specs name the reason and the column", arguments: invalidCases)
    func invalid(_ c: InvalidCase) {
        do {
            let spec = try SpecParser.parse(c.input)
            Issue.record("\(c.input) parsed as \(spec.selections)")
        } catch {
            #expect(error.reason.contains(c.reason), "reason was: \(error.reason)")
            #expect(error.column == c.column, "reason: \(error.reason)")
            #expect(error.exitStatus == .usage)
        }
    }

    @Test func errorShowsInputAndCaret() {
        #expect(throws: SpecError.self) { try SpecParser.parse("(02:20.0)") }
        do { _ = try SpecParser.parse("(02:20.0)") } catch {
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines[0].contains("device 20 is out of range 00-1f"))
            #expect(lines[1] == "  (02:20.0)")
            #expect(lines[2] == "      ^^")
        }
    }

    /// Carets under a character that is not ASCII: one caret, at its column in characters.
    @Test func caretsCountCharacters() {
        do { _ = try SpecParser.parse("02:\u{FF10}9.0") } catch {
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines[0].hasSuffix("(column 4)"))
            #expect(lines[2] == "     ^", "\(lines[2])")
        }
    }

    @Test(arguments: [
        (["(02:09.0)(02:09.*)"], ["02:09.0 is already part of 02:09.* (every function on slot 02:09)"]),
        (["02:09.0", "(02:*.*)"], ["02:09.0 is already part of 02:*.* (every function of every device on bus 02)"]),
        (["02:09.0", "hide=02:09.0"], ["02:09.0 is given twice; it is hidden once"]),
        (["(02:09.0)(02:09.1)", "03:00.*"], []),
        (["0001:02:09.0", "(02:09.*)"], []),
    ])
    func overlapsAreNamed(inputs: [String], messages: [String]) throws {
        let found = SpecParser.overlaps(in: try inputs.map { try SpecParser.parse($0) })
        #expect(found.count == messages.count)
        for (f, m) in zip(found, messages) { #expect(f.hasPrefix(m), "\(f)") }
    }

    @Test func xlOptionsAreKept() throws {
        let spec = try SpecParser.parse("36:00.0@1d,permissive=1,msitranslate=0,seize=1,power_mgmt=1,rdm_policy=relaxed")
        #expect(spec.options.vslot == 0x1d)
        #expect(spec.options.permissive == true)
        #expect(spec.options.msitranslate == false)
        #expect(spec.options.seize == true)
        #expect(spec.options.powerManagement == true)
        #expect(spec.options.rdmPolicy == .relaxed)
        #expect(try SpecParser.parse("name=gpu0").options.name == "gpu0")
    }

    @Test("equivalent xl forms agree")
    func xlEquivalents() throws {
        let forms = ["36:00.0@1d,seize=1", "36:00.0,vslot=1d,seize=1", "bdf=36:00.0,vslot=1d,seize=1"]
        let parsed = try forms.map { try SpecParser.parse($0) }
        #expect(parsed.map(\.selections).allSatisfy { $0 == parsed[0].selections })
        #expect(parsed.map(\.options).allSatisfy { $0 == parsed[0].options })
    }

    @Test func parseAllCollectsEveryError() {
        do {
            _ = try SpecParser.parseAll(["02:09.0", "02:20.0", "(03:00.0"])
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.count == 2)
            #expect(error.errors.map(\.input) == ["02:20.0", "(03:00.0"])
        }
    }

    @Test("wildcards expand as xen-pciback does")
    func wildcardExpansion() throws {
        #expect(try SpecParser.parse("(05:*.*)").selections[0].expanded.count == 256)
        #expect(try SpecParser.parse("(05:01.*)").selections[0].expanded.count == 8)
        let s = try SpecParser.parse("(05:01.*)").selections[0]
        #expect(s.matches(PCIAddress(bus: 5, device: 1, function: 7)))
        #expect(!s.matches(PCIAddress(bus: 5, device: 2, function: 0)))
    }
}

/// Generators for any selection, including wildcards.
func parsedSelections(_ s: String) -> [DeviceSelection]? {
    try? SpecParser.parse(s).selections
}

/// One integer decoded into a selection keeps the generator simple for the type checker.
func selection(from n: Int) -> DeviceSelection {
    let f = n % 9, s = (n / 9) % 33, b = (n / (9 * 33)) % 256, d = n / (9 * 33 * 256)
    let device: UInt8? = s == 32 ? nil : UInt8(s)
    let function: UInt8? = device == nil || f == 8 ? nil : UInt8(f)
    return DeviceSelection(domain: UInt32(d), bus: UInt8(b), device: device, function: function)
}

let selectionGen = Gen.int(in: 0...(0x10000 * 256 * 33 * 9 - 1)).map(selection(from:))

@Suite("Spec round trips")
struct SpecRoundTripTests {
    @Test("canonical text parses back to the same selection")
    func canonicalRoundTrip() async {
        await propertyCheck(count: 500, input: selectionGen) { sel in
            #expect(parsedSelections(sel.description) == [sel])
            #expect(parsedSelections("(" + sel.description + ")") == [sel])
            if sel.domain == 0 {
                #expect(parsedSelections(sel.shortDescription) == [sel])
            }
        }
    }

    @Test("a xen-pciback fragment parses back to its set")
    func fragmentRoundTrip() async {
        await propertyCheck(count: 200, input: selectionGen.array(of: 1...6)) { sels in
            let unique = Array(Set(sels)).sorted()
            let token = try? BootFragment.token(style: .xenPciback, selections: unique)
            #expect(token.flatMap(parsedSelections)?.sorted() == unique)
            let old = try? BootFragment.token(style: .pciback, selections: unique)
            #expect(old.flatMap(parsedSelections)?.sorted() == unique)
        }
    }

    @Test("arbitrary text never crashes the parser and errors point inside or just past the input")
    func arbitraryText() async {
        let chars = Array("0123456789abcdefABCDEFgxz:.*()=,@ _-hidepcibkvslotnamr\t")
        let alphabet = Gen.int(in: 0...(chars.count - 1)).map { chars[$0] }
        await propertyCheck(count: 2000, input: alphabet.array(of: 0...40)) { chars in
            let s = String(chars)
            do { _ = try SpecParser.parse(s) } catch let error as SpecError {
                #expect(error.start >= 0 && error.start <= s.utf8.count)
                #expect(!error.reason.isEmpty)
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
    }
}
