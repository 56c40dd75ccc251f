#if canImport(Glibc)
import Glibc
#endif
import PCIModel
import Testing
@testable import PCISpec

let one = [DeviceSelection(bus: 2, device: 9, function: 0)]
let several = [
    DeviceSelection(bus: 5, device: nil, function: nil),
    DeviceSelection(bus: 2, device: 9, function: 0),
    DeviceSelection(bus: 4, device: 0x1d, function: nil),
]

struct TokenCase: CustomTestStringConvertible, Sendable {
    var style: BootStyle
    var selections: [DeviceSelection]
    var expected: String
    var testDescription: String { "\(style.rawValue) \(expected)" }
}

@Suite("Boot fragments")
struct BootFragmentTests {
    @Test("every style's token", arguments: [
        TokenCase(style: .xenPciback, selections: one, expected: "xen-pciback.hide=(0000:02:09.0)"),
        TokenCase(style: .xenPciback, selections: several, expected: "xen-pciback.hide=(0000:02:09.0)(0000:04:1d.*)(0000:05:*.*)"),
        TokenCase(style: .pciback, selections: one, expected: "pciback.hide=(02:09.0)"),
        TokenCase(style: .pciback, selections: several, expected: "pciback.hide=(02:09.0)(04:1d.*)(05:*.*)"),
        TokenCase(style: .pciback, selections: [DeviceSelection(domain: 1, bus: 2, device: 9, function: 0)], expected: "pciback.hide=(0001:02:09.0)"),
        TokenCase(style: .hide, selections: one, expected: "hide=02:09.0"),
        TokenCase(style: .physdev, selections: one, expected: "physdev_dom0_hide=(02:09.0)"),
        TokenCase(style: .physdev, selections: one + [DeviceSelection(bus: 3, device: 0, function: 1)], expected: "physdev_dom0_hide=(02:09.0)(03:00.1)"),
    ])
    func token(_ c: TokenCase) throws {
        #expect(try BootFragment.token(style: c.style, selections: c.selections) == c.expected)
    }

    @Test func vfioUsesIdsOnceEach() throws {
        let ids = [PCIIds(vendor: 0x8086, device: 0x1229), PCIIds(vendor: 0x10de, device: 0x1b81), PCIIds(vendor: 0x8086, device: 0x1229)]
        #expect(try BootFragment.token(style: .vfio, selections: one, ids: ids) == "vfio-pci.ids=8086:1229,10de:1b81")
        #expect(throws: StyleError.self) { try BootFragment.token(style: .vfio, selections: one, ids: []) }
    }

    @Test("sets a style cannot express are refused with the reason", arguments: [
        (BootStyle.hide, several, "holds exactly one device"),
        (BootStyle.hide, [DeviceSelection(bus: 3, device: 0, function: nil)], "takes no wildcards"),
        (BootStyle.hide, [DeviceSelection(domain: 1, bus: 3, device: 0, function: 0)], "has no PCI domain"),
        (BootStyle.physdev, several, "takes no wildcards"),
        (BootStyle.physdev, [DeviceSelection(domain: 2, bus: 3, device: 0, function: 0)], "has no PCI domain"),
        (BootStyle.xenPciback, [], "the hidden set is empty"),
    ])
    func inexpressible(_ style: BootStyle, _ sels: [DeviceSelection], _ reason: String) {
        do {
            _ = try BootFragment.token(style: style, selections: sels)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
            #expect(error.exitStatus == .usage)
        }
    }

    @Test func legacyLines() {
        #expect(BootFragment.legacyLine(style: .hide, token: "hide=02:09.0", kernel: "/boot/vmlinuz-2.6.12-xen0", append: "root=/dev/hda2 ro")
            == "module /boot/vmlinuz-2.6.12-xen0 root=/dev/hda2 ro hide=02:09.0")
        #expect(BootFragment.legacyLine(style: .physdev, token: "physdev_dom0_hide=(02:09.0)", kernel: "/boot/xen.gz", append: nil)
            == "kernel /boot/xen.gz physdev_dom0_hide=(02:09.0)")
    }

    @Test func grub2Assignments() {
        #expect(BootFragment.grub2Assignment(style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)")
            == #"GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT xen-pciback.hide=(0000:02:09.0)""#)
        #expect(BootFragment.grub2Assignment(style: .vfio, token: "vfio-pci.ids=8086:1229")
            == #"GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT vfio-pci.ids=8086:1229""#)
        #expect(BootFragment.grub2Assignment(style: .physdev, token: "physdev_dom0_hide=(02:09.0)")
            == #"GRUB_CMDLINE_XEN_DEFAULT="physdev_dom0_hide=(02:09.0)""#)
    }

    @Test("hide tokens of every style are recognised, - and _ alike", arguments: [
        ("hide=02:09.0", true), ("xen-pciback.hide=(02:09.0)", true), ("xen_pciback.hide=(x)", true),
        ("pciback.hide=(1)", true), ("physdev_dom0_hide=(1)", true), ("vfio-pci.ids=8086:1229", true),
        ("quiet", false), ("xen-pciback.passthrough=1", false), ("root=/dev/sda1", false),
    ])
    func hideTokens(_ token: String, _ expected: Bool) {
        #expect(BootFragment.isHideToken(Substring(token)) == expected)
    }
}

struct GrubEditCase: CustomTestStringConvertible, Sendable {
    var file: String
    var style: BootStyle
    var token: String?
    var testDescription: String { "\(file) \(style.rawValue)" }
    var golden: String { "grub/\(file).\(style.rawValue)\(token == nil ? ".removed" : "").expected" }
}

@Suite("/etc/default/grub editing")
struct GrubDefaultFileTests {
    static let cases: [GrubEditCase] = [
        .init(file: "debian12.grub", style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)"),
        .init(file: "debian12.grub", style: .physdev, token: "physdev_dom0_hide=(02:09.0)"),
        .init(file: "debian12.grub", style: .vfio, token: "vfio-pci.ids=8086:1229"),
        .init(file: "xen-existing.grub", style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)(0000:04:1d.*)"),
        .init(file: "xen-existing.grub", style: .hide, token: "hide=02:09.0"),
        .init(file: "xen-existing.grub", style: .xenPciback, token: nil),
        .init(file: "fedora.grub", style: .pciback, token: "pciback.hide=(02:09.0)"),
        .init(file: "noeol-vfio.grub", style: .vfio, token: "vfio-pci.ids=8086:1229"),
        .init(file: "noeol-vfio.grub", style: .physdev, token: "physdev_dom0_hide=(02:09.0)(03:00.0)"),
        .init(file: "noeol-vfio.grub", style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)"),
    ]

    @Test("edits match their golden files", arguments: cases)
    func golden(_ c: GrubEditCase) throws {
        let original = try Golden.read("grub/" + c.file)
        let edited = try GrubDefaultFile.edit(original, style: c.style, token: c.token)
        try Golden.check(edited, against: c.golden)
    }

    @Test("a second run changes nothing", arguments: cases)
    func idempotent(_ c: GrubEditCase) throws {
        let once = try GrubDefaultFile.edit(try Golden.read("grub/" + c.file), style: c.style, token: c.token)
        #expect(try GrubDefaultFile.edit(once, style: c.style, token: c.token) == once)
    }

    @Test("only the edited line differs", arguments: cases)
    func onlyOneLineChanges(_ c: GrubEditCase) throws {
        let original = try Golden.read("grub/" + c.file)
        let edited = try GrubDefaultFile.edit(original, style: c.style, token: c.token)
        let a = original.split(separator: "\n", omittingEmptySubsequences: false)
        let b = edited.split(separator: "\n", omittingEmptySubsequences: false)
        // Either one line replaced, or one line added; every other line is kept byte for byte.
        let kept = a.filter { b.contains($0) }.count
        #expect(kept >= a.count - 1)
        #expect(b.count - a.count <= 1)
    }

    @Test func unterminatedQuoteIsRefused() throws {
        let text = try Golden.read("grub/broken-quote.grub")
        do {
            _ = try GrubDefaultFile.edit(text, style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)", path: "g")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.line == 2)
            #expect(error.exitStatus == .dataError)
            #expect(error.description.contains("not closed"))
        }
    }

    // Found by the StateFuzz target: a value that is not one plain word was quoted around its
    // quotes, which changed what the shell reads and made a second edit differ from the first.
    @Test("values that are not one shell word are refused where they stop being one", arguments: [
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=ab\"cd\"\n", 42, "quote or backslash"),
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=a\\ b\n", 41, "quote or backslash"),
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"a\"b\n", 43, "after its closing quote"),
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT='a'\"b\"\n", 43, "after its closing quote"),
        // '#' inside a word is not a comment: the shell reads "a"#b as a#b.
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"a\"#b\n", 43, "after its closing quote"),
        ("GRUB_TIMEOUT=5 \\\n", 16, "continues with '\\'"),
    ])
    func mixedWordsAreRefused(_ text: String, _ column: Int, _ reason: String) {
        do {
            _ = try GrubDefaultFile.edit(text, style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)", path: "g")
            Issue.record("expected a refusal of \(text)")
        } catch {
            #expect(error.line == 1)
            #expect(error.column == column)
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test("plain values next to comments and separators are still edited", arguments: [
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"quiet\" # note\n", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"quiet xen-pciback.hide=(0000:02:09.0)\" # note\n"),
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=quiet;\n", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"quiet xen-pciback.hide=(0000:02:09.0)\";\n"),
        // The shell's value is "quiet#x": the '#' stays inside it, and the new token does not
        // take it over.
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=quiet#x\n", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"quiet#x xen-pciback.hide=(0000:02:09.0)\"\n"),
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=quiet #x\n", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"quiet xen-pciback.hide=(0000:02:09.0)\" #x\n"),
    ])
    func plainValuesStillEdit(_ text: String, _ expected: String) throws {
        let token = "xen-pciback.hide=(0000:02:09.0)"
        let edited = try GrubDefaultFile.edit(text, style: .xenPciback, token: token, path: "g")
        #expect(edited == expected)
        // What grub-mkconfig sees: the shell's value gains the token and nothing else.
        let before = Self.shellValue(of: "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT", in: text)
        let after = Self.shellValue(of: "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT", in: edited)
        #expect(before != nil && after == before! + " " + token, "sh reads \(String(describing: before)) then \(String(describing: after))")
    }

    /// A printed grub2 line pasted at the end of /etc/default/grub keeps what was there.
    @Test("printed assignments add to the native arguments", arguments: [
        (BootStyle.vfio, "vfio-pci.ids=8086:1229", "GRUB_CMDLINE_LINUX_DEFAULT", "quiet intel_iommu=on vfio-pci.ids=8086:1229"),
        (.xenPciback, "xen-pciback.hide=(0000:02:09.0)", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT", "quiet intel_iommu=on xen-pciback.hide=(0000:02:09.0)"),
    ])
    func printedAssignmentsAdd(_ style: BootStyle, _ token: String, _ variable: String, _ expected: String) {
        let file = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n" + BootFragment.grub2Assignment(style: style, token: token) + "\n"
        #expect(Self.shellValue(of: variable, in: file) == expected)
    }

    /// The value /bin/sh gives `variable` after sourcing `text` (as grub-mkconfig does), or nil.
    static func shellValue(of variable: String, in text: String) -> String? {
        let path = "/tmp/pcihide-grub-sh-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        guard let f = fopen(path, "w") else { return nil }
        fputs(text, f)
        fclose(f)
        defer { unlink(path) }
        guard let p = popen("/bin/sh -c '. \(path) >/dev/null 2>&1 && printf %s \"$\(variable)\"'", "r") else { return nil }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, p)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return pclose(p) == 0 ? String(decoding: out, as: UTF8.self) : nil
    }

    @Test func unifiedDiffShape() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n"
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n"
        #expect(unifiedDiff(old: old, new: new, oldName: "x", newName: "y") == """
            --- x
            +++ y
            @@ -2,7 +2,7 @@
             b
             c
             d
            -e
            +E
             f
             g
             h

            """)
        #expect(unifiedDiff(old: old, new: old, oldName: "x", newName: "y") == "")
        #expect(unifiedDiff(old: "a\n", new: "a\nb\n", oldName: "x", newName: "y") == "--- x\n+++ y\n@@ -1 +1,2 @@\n a\n+b\n")
    }
}
