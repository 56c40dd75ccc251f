import Glibc
import PCISpec
import Testing

@testable import PCIPersistence

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
    @Test(
        "values that are not one shell word are refused where they stop being one",
        arguments: [
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

    @Test(
        "plain values next to comments and separators are still edited",
        arguments: [
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
    @Test(
        "printed assignments add to the native arguments",
        arguments: [
            (BootStyle.vfio, "vfio-pci.ids=8086:1229", "GRUB_CMDLINE_LINUX_DEFAULT", "quiet intel_iommu=on vfio-pci.ids=8086:1229"),
            (.xenPciback, "xen-pciback.hide=(0000:02:09.0)", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT", "quiet intel_iommu=on xen-pciback.hide=(0000:02:09.0)"),
        ])
    func printedAssignmentsAdd(_ style: BootStyle, _ token: String, _ variable: String, _ expected: String) {
        let file = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n" + BootFragment.grub2Assignment(style: style, token: token) + "\n"
        #expect(Self.shellValue(of: variable, in: file) == expected)
    }

    /// The value /bin/sh gives `variable` after sourcing `text` (as grub-mkconfig does), or nil.
    static func shellValue(of variable: String, in text: String) -> String? {
        let path = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/pcihide-grub-sh-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
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
        #expect(
            unifiedDiff(old: old, new: new, oldName: "x", newName: "y") == """
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

/// The editor sees the hide tokens already in the file (issue: boot-file edits that see what is
/// already there): never two in effect on one kernel line, the administrator's ids merged, what
/// pcihide added removed whole, CRLF kept, BLS said.
@Suite("/etc/default/grub: what is already there")
struct GrubExistingTokensTests {
    static let xenToken = "xen-pciback.hide=(0000:02:09.0)(0000:03:00.0)"

    /// A token elsewhere on the line that hides nothing more is removed, and said.
    @Test(arguments: ["GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", "GRUB_CMDLINE_LINUX_XEN_REPLACE"])
    func coveredTokensElsewhereAreRemoved(variable: String) throws {
        let text = "GRUB_DEFAULT=0\n\(variable)=\"quiet xen-pciback.hide=(02:09.0) splash\"\n"
        let edit = try GrubDefaultFile.plan(text, style: .xenPciback, token: Self.xenToken, path: "g")
        #expect(edit.text.contains("\(variable)=\"quiet splash\"\n"), "\(edit.text)")
        #expect(edit.text.components(separatedBy: "hide=").count == 2, "one hide token left: \(edit.text)")
        #expect(edit.notes.contains { $0.hasPrefix("removed xen-pciback.hide=(02:09.0) from \(variable) (line 2)") }, "\(edit.notes)")
    }

    /// A token naming a device pcihide does not hide is refused with its line: the kernel would
    /// keep one of the two lists only.
    @Test func tokensWithOtherDevicesAreRefusedWithTheirLines() throws {
        let text = "GRUB_CMDLINE_LINUX=\"console=tty0\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet pciback.hide=(05:00.0)(02:09.0)\"\n"
        do {
            _ = try GrubDefaultFile.plan(text, style: .xenPciback, token: Self.xenToken, path: "g")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 2 && error.column == 35, "\(error)")
            #expect(error.description.contains("line 2 (GRUB_CMDLINE_LINUX_DEFAULT): pciback.hide=(05:00.0)(02:09.0) hides 05:00.0, which pcihide's hidden set does not have"), "\(error)")
            #expect(error.description.hasSuffix("the file was not changed"))
        }
    }

    /// Xen's own list is another family: a physdev token on the Xen line does not compete with dom0's.
    @Test func theXenLineIsItsOwnFamily() throws {
        let text = "GRUB_CMDLINE_XEN_DEFAULT=\"physdev_dom0_hide=(07:00.0)\"\nGRUB_CMDLINE_XEN=\"dom0_mem=2G physdev_dom0_hide=(07:00.0)\"\n"
        let edit = try GrubDefaultFile.plan(text, style: .xenPciback, token: Self.xenToken, path: "g")
        #expect(edit.text.hasPrefix(text))
        #expect(throws: GrubFileError.self) { try GrubDefaultFile.plan(text, style: .physdev, token: "physdev_dom0_hide=(02:09.0)", path: "g") }
    }

    /// The administrator's vfio-pci.ids are merged into the one pcihide writes, each kept id said.
    @Test func vfioIdsAreMerged() throws {
        let text = "GRUB_CMDLINE_LINUX=\"vfio-pci.ids=10de:10f0\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet vfio-pci.ids=10de:1b81,8086:1229\"\n"
        let edit = try GrubDefaultFile.plan(text, style: .vfio, token: "vfio-pci.ids=8086:1229", path: "g")
        #expect(edit.text == "GRUB_CMDLINE_LINUX=\"\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet vfio-pci.ids=8086:1229,10de:10f0,10de:1b81\"\n", "\(edit.text)")
        #expect(edit.notes.count == 2)
        #expect(edit.notes[0].hasPrefix("kept 10de:10f0 from the vfio-pci.ids in GRUB_CMDLINE_LINUX (line 1)"), "\(edit.notes)")
        #expect(edit.notes[1].hasPrefix("kept 10de:1b81 from the vfio-pci.ids in GRUB_CMDLINE_LINUX_DEFAULT (line 2)"), "\(edit.notes)")
        #expect(try GrubDefaultFile.edit(edit.text, style: .vfio, token: "vfio-pci.ids=8086:1229", path: "g") == edit.text)
    }

    /// Emptying the set removes the assignment pcihide added, and only that.
    @Test(arguments: [
        (
            "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT xen-pciback.hide=(0000:02:09.0)\"\nGRUB_TIMEOUT=5\n",
            "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_TIMEOUT=5\n"
        ),
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} xen-pciback.hide=(0000:02:09.0)\"\n", ""),
        // Something else of the administrator's is in it: the assignment stays.
        (
            "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT xen-pciback.hide=(0000:02:09.0) nomodeset\"\n",
            "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT nomodeset\"\n"
        ),
        // Nothing of pcihide's in it: untouched.
        ("GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT\"\n", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT\"\n"),
    ])
    func emptyingRemovesWhatPcihideAdded(text: String, expected: String) throws {
        #expect(try GrubDefaultFile.edit(text, style: .xenPciback, token: nil, path: "g") == expected)
    }

    /// Adding and then emptying gives the file back byte for byte.
    @Test func addThenEmptyIsTheOriginal() throws {
        let text = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n"
        let added = try GrubDefaultFile.edit(text, style: .xenPciback, token: Self.xenToken, path: "g")
        #expect(added != text)
        #expect(try GrubDefaultFile.edit(added, style: .xenPciback, token: nil, path: "g") == text)
    }

    /// CRLF files keep their line ends (new lines get them too), and it is said.
    @Test(arguments: [BootStyle.xenPciback, .vfio, .physdev])
    func crlfIsKept(style: BootStyle) throws {
        let text = "GRUB_DEFAULT=0\r\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\r\nGRUB_CMDLINE_XEN_DEFAULT=\"dom0_mem=2G\"\r\n"
        let token = style == .vfio ? "vfio-pci.ids=8086:1229" : style == .physdev ? "physdev_dom0_hide=(02:09.0)" : Self.xenToken
        let edit = try GrubDefaultFile.plan(text, style: style, token: token, path: "g")
        let lines = edit.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.hasSuffix("\r") }, "\(edit.text.debugDescription)")
        #expect(edit.text.contains(token + "\"\r\n"))
        #expect(edit.notes.contains { $0.contains("has CRLF (DOS) line ends; they are kept") })
        #expect(try GrubDefaultFile.edit(edit.text, style: style, token: token, path: "g") == edit.text)
    }

    /// A file with GRUB_ENABLE_BLSCFG=true is edited, and the note names what changes BLS entries.
    @Test func blsIsSaid() throws {
        let text = "GRUB_CMDLINE_LINUX=\"rhgb quiet\"\nGRUB_ENABLE_BLSCFG=true\n"
        let edit = try GrubDefaultFile.plan(text, style: .vfio, token: "vfio-pci.ids=8086:1229", path: "g")
        #expect(edit.notes.contains { $0.contains("GRUB_ENABLE_BLSCFG=true: the kernel lines are in /boot/loader/entries/*.conf") && $0.contains("grubby --update-kernel=ALL --args='vfio-pci.ids=8086:1229'") })
        #expect(try GrubDefaultFile.plan("GRUB_ENABLE_BLSCFG=false\n", style: .vfio, token: "vfio-pci.ids=8086:1229", path: "g").notes.isEmpty)
    }
}
