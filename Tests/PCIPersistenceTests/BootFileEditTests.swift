import PCIState
import PropertyBased
import Testing

@testable import PCIPersistence

/// The boot-file editors: each edit is idempotent on any text built from the pieces real files
/// have (so `persist --write` twice never changes a file twice), and the hide token is never doubled.
@Suite("boot file edits")
struct BootFileEditTests {
    static let pieces = [
        "options ", "kernel=", "module ", "title x", "MODULES=(", ")", "GRUB_CMDLINE_LINUX_DEFAULT=", "\"", "'",
        "quiet", " ", "\t", "\n", "\r\n", "xen-pciback.hide=(0000:02:00.0)", "vfio_pci.ids=1:2", "intel_iommu=off",
        "\"user\": {", "\"kernel_options\": [", "]", ",", "vfio_pci", "#", "intel_iommu=on", "# pcihide: x", "vfio",
    ]
    static let text = Gen.int(in: 0...(pieces.count - 1)).map { pieces[$0] }.array(of: 0...24).map { $0.joined() }
    static let tokens = ["xen-pciback.hide=(0000:01:00.0)(0000:01:00.1)", "intel_iommu=on"]

    @Test func everyEditIsIdempotent() async {
        await propertyCheck(count: 2000, input: Self.text) { text in
            let edits: [(String) -> String] = [
                { BootFileEdit.commandLine($0[...], tokens: Self.tokens) },
                { BootFileEdit.blsEntry($0, tokens: Self.tokens) },
                { BootFileEdit.xenConfig($0, tokens: Self.tokens) },
                { BootFileEdit.menuList($0, tokens: Self.tokens) },
                { BootFileEdit.mkinitcpio($0, modules: ["vfio_pci", "vfio"]) ?? $0 },
                { BootFileEdit.initramfsModules($0, modules: ["vfio_pci", "vfio"]) },
                { BootFileEdit.kernelCmdline($0, fallback: "root=/dev/sda1", tokens: Self.tokens) },
                { BootFileEdit.grubVariable($0, variable: "GRUB_CMDLINE_LINUX_DEFAULT", add: "intel_iommu=on") },
                { BootFileEdit.kernelstub($0, tokens: Self.tokens) ?? $0 },
                { BootFileEdit.removingWord($0, "intel_iommu=on") },
                { BootFileEdit.removingInitramfsModules($0, ["vfio_pci", "vfio"]) },
                { BootFileEdit.mkinitcpio($0, modules: ["vfio_pci", "vfio"], removing: true) ?? $0 },
            ]
            for (k, edit) in edits.enumerated() {
                let once = edit(text)
                #expect(edit(once) == once, "edit \(k) is not idempotent on \(text.debugDescription)")
            }
        }
    }

    @Test(arguments: [
        ("root=/dev/sda1 ro xen-pciback.hide=(0000:02:00.0) quiet", "root=/dev/sda1 ro quiet xen-pciback.hide=(0000:01:00.0)(0000:01:00.1) intel_iommu=on"),
        ("root=/dev/sda1 xen_pciback.hide=(0000:02:00.0) vfio-pci.ids=10de:1b81 intel_iommu=off", "root=/dev/sda1 xen-pciback.hide=(0000:01:00.0)(0000:01:00.1) intel_iommu=on"),
        ("", "xen-pciback.hide=(0000:01:00.0)(0000:01:00.1) intel_iommu=on"),
    ])
    func earlierHideTokensAreReplacedNeverDoubled(line: String, expected: String) {
        #expect(BootFileEdit.commandLine(line[...], tokens: Self.tokens) == expected)
    }

    @Test func crlfFilesKeepTheirLineEnds() {
        let text = "GRUB_DEFAULT=0\r\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\r\n"
        let out = BootFileEdit.grubVariable(text, variable: "GRUB_CMDLINE_LINUX_DEFAULT", add: "intel_iommu=on")
        #expect(out.utf8.filter { $0 == 0x0d }.count == 2, "\(out.debugDescription)")
        #expect(out.contains("intel_iommu=on") && out.split(separator: "GRUB_CMDLINE_LINUX_DEFAULT", omittingEmptySubsequences: false).count == 2, "\(out.debugDescription)")
    }

    /// mkinitcpio's MODULES in every form bash accepts: extended in place, nothing dropped, the
    /// modules never landing in a comment; shell code is refused (nil), not guessed at.
    @Test(arguments: [
        ("MODULES=(nvme btrfs)\n", "MODULES=(nvme btrfs vfio_pci vfio)\n"),
        ("MODULES=()\n", "MODULES=(vfio_pci vfio)\n"),
        ("MODULES=(nvme) # keep (these) early\n", "MODULES=(nvme vfio_pci vfio) # keep (these) early\n"),
        ("MODULES=(\n    nvme\n    btrfs\n)\nHOOKS=(base)\n", "MODULES=(\n    nvme\n    btrfs\n    vfio_pci vfio\n)\nHOOKS=(base)\n"),
        ("MODULES=(nvme # the root disk\n  btrfs)\n", "MODULES=(nvme # the root disk\n  btrfs vfio_pci vfio)\n"),
        ("MODULES=\"nvme btrfs\"\n", "MODULES=\"nvme btrfs vfio_pci vfio\"\n"),
        ("MODULES=''\n", "MODULES='vfio_pci vfio'\n"),
        ("MODULES=nvme\n", "MODULES=(nvme vfio_pci vfio)\n"),
        ("MODULES=(nvme)\nMODULES=(i915)\n", "MODULES=(nvme)\nMODULES=(i915 vfio_pci vfio)\n"),
        ("  MODULES=('nvme' \"btrfs\")\n", "  MODULES=('nvme' \"btrfs\" vfio_pci vfio)\n"),
        ("MODULES=(vfio_pci nvme vfio)\n", "MODULES=(vfio_pci nvme vfio)\n"),
        ("#MODULES=(nvme)\nHOOKS=(base)\n", "#MODULES=(nvme)\nHOOKS=(base)\nMODULES=(vfio_pci vfio)\n"),
        ("HOOKS=(base)", "HOOKS=(base)\nMODULES=(vfio_pci vfio)\n"),
    ])
    func mkinitcpioArraysAreExtendedInPlace(text: String, expected: String) {
        #expect(BootFileEdit.mkinitcpio(text, modules: ["vfio_pci", "vfio"]) == expected)
    }

    @Test(arguments: ["MODULES=dev)\n", "MODULES=($(cat /etc/mods))\n", "MODULES=(nvme\n", "MODULES=\"$EXTRA nvme\"\n", "MODULES=(nvme\\ btrfs)\n", "MODULES=('nvme)\n"])
    func mkinitcpioShellCodeIsRefused(text: String) {
        #expect(BootFileEdit.mkinitcpio(text, modules: ["vfio_pci"]) == nil)
    }

    /// kernelstub's JSON goes through a parser and an encoder: an escaped quote in another
    /// option survives, the result is JSON, and what is not JSON is refused.
    @Test func kernelstubIsEditedAsJSON() throws {
        let text = "{\n  \"user\": {\n    \"kernel_options\": [\"quiet\", \"acpi_osi=\\\"Windows 2020\\\"\", \"vfio-pci.ids=1:2\"],\n    \"esp_path\": \"/boot/efi\"\n  }\n}\n"
        let out = try #require(BootFileEdit.kernelstub(text, tokens: Self.tokens))
        let json = try JSON.parse(Array(out.utf8))
        #expect(
            json["user"]?["kernel_options"]
                == .array([
                    .string("quiet"), .string("acpi_osi=\"Windows 2020\""),
                    .string(Self.tokens[0]), .string(Self.tokens[1]),
                ]))
        #expect(json["user"]?["esp_path"] == .string("/boot/efi"))
        #expect(BootFileEdit.kernelstub("{\"user\": {\"kernel_options\": [\"quiet\",]}}", tokens: Self.tokens) == nil)
        #expect(BootFileEdit.kernelstub("{\"user\": {\"kernel_options\": [1]}}", tokens: Self.tokens) == nil)
    }

    /// BLS entries: an indented or tab-separated options line is the one edited; an entry with
    /// none gets one (never skipped in silence). menu.lst's module with a tab.
    @Test func blsEntriesWithoutOrWithOddOptionsLines() {
        let tokens = ["vfio-pci.ids=10de:1b81"]
        #expect(BootFileEdit.blsEntry("title x\n  options\troot=/dev/sda1 ro\n", tokens: tokens) == "title x\n  options root=/dev/sda1 ro vfio-pci.ids=10de:1b81\n")
        #expect(BootFileEdit.blsEntry("title x\nlinux /vmlinuz\n", tokens: tokens) == "title x\nlinux /vmlinuz\noptions vfio-pci.ids=10de:1b81\n")
        #expect(
            BootFileEdit.menuList("title Xen\nkernel /xen.gz\nmodule\t/vmlinuz-xen root=/dev/hda2\n", tokens: ["xen-pciback.hide=(0000:02:09.0)"])
                == "title Xen\nkernel /xen.gz\nmodule /vmlinuz-xen root=/dev/hda2 xen-pciback.hide=(0000:02:09.0)\n")
    }

    /// A newline in a file's name cannot forge a diff header line.
    @Test func diffNamesAreEscaped() {
        let d = unifiedDiff(old: "a\n", new: "b\n", oldName: "/boot/loader/entries/x\n+++ evil.conf", newName: "y")
        #expect(d.hasPrefix("--- /boot/loader/entries/x\\x0a+++ evil.conf\n+++ y\n"), "\(d)")
    }
}

/// limine.conf: each Linux entry's cmdline (one added where an entry has none), a Xen entry's
/// dom0 line, nothing else; twice is once.
@Suite("the Limine editor")
struct LimineEditTests {
    static let tokens = ["vfio-pci.ids=10de:1b81"]

    @Test func linuxEntriesXenDom0AndNothingElse() {
        let text = "timeout: 3\n/A\n  PROTOCOL: linux\n  CMDLINE: quiet vfio-pci.ids=1234:5678\n/B\nprotocol: linux\npath: boot():/vmlinuz\n/X\n protocol: multiboot2\n cmdline: dom0_mem=1G\n module_path: boot():/vmlinuz\n module_string: ro\n module_path: boot():/initrd\n module_string: initrd\n"
        let out = LimineSetup.edit(text, tokens: Self.tokens)
        #expect(out == "timeout: 3\n/A\n  PROTOCOL: linux\n  CMDLINE: quiet vfio-pci.ids=10de:1b81\n/B\nprotocol: linux\ncmdline: vfio-pci.ids=10de:1b81\npath: boot():/vmlinuz\n/X\n protocol: multiboot2\n cmdline: dom0_mem=1G\n module_path: boot():/vmlinuz\n module_string: ro vfio-pci.ids=10de:1b81\n module_path: boot():/initrd\n module_string: initrd\n")
        #expect(LimineSetup.edit(out, tokens: Self.tokens) == out)
    }

    @Test func anEmptyCmdlineKeepsItsBlankAndUndoingTakesTheTokenOut() {
        let out = LimineSetup.edit("/A\nprotocol: linux\ncmdline:\n", tokens: Self.tokens)
        #expect(out == "/A\nprotocol: linux\ncmdline: vfio-pci.ids=10de:1b81\n")
        #expect(LimineSetup.edit(out, tokens: []) == "/A\nprotocol: linux\ncmdline: \n")
    }
}
