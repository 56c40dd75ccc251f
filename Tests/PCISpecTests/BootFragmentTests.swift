import PCIModel
import Testing

@testable import PCISpec

#if canImport(Glibc)
import Glibc
#endif

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
    @Test(
        "every style's token",
        arguments: [
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

    @Test(
        "sets a style cannot express are refused with the reason",
        arguments: [
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
        #expect(
            BootFragment.legacyLine(style: .hide, token: "hide=02:09.0", kernel: "/boot/vmlinuz-2.6.12-xen0", append: "root=/dev/hda2 ro")
                == "module /boot/vmlinuz-2.6.12-xen0 root=/dev/hda2 ro hide=02:09.0")
        #expect(
            BootFragment.legacyLine(style: .physdev, token: "physdev_dom0_hide=(02:09.0)", kernel: "/boot/xen.gz", append: nil)
                == "kernel /boot/xen.gz physdev_dom0_hide=(02:09.0)")
    }

    @Test func grub2Assignments() {
        #expect(
            BootFragment.grub2Assignment(style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)")
                == #"GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT xen-pciback.hide=(0000:02:09.0)""#)
        #expect(
            BootFragment.grub2Assignment(style: .vfio, token: "vfio-pci.ids=8086:1229")
                == #"GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT vfio-pci.ids=8086:1229""#)
        #expect(
            BootFragment.grub2Assignment(style: .physdev, token: "physdev_dom0_hide=(02:09.0)")
                == #"GRUB_CMDLINE_XEN_DEFAULT="physdev_dom0_hide=(02:09.0)""#)
    }

    @Test(
        "hide tokens of every style are recognised, - and _ alike",
        arguments: [
            ("hide=02:09.0", true), ("xen-pciback.hide=(02:09.0)", true), ("xen_pciback.hide=(x)", true),
            ("pciback.hide=(1)", true), ("physdev_dom0_hide=(1)", true), ("vfio-pci.ids=8086:1229", true),
            ("quiet", false), ("xen-pciback.passthrough=1", false), ("root=/dev/sda1", false),
        ])
    func hideTokens(_ token: String, _ expected: Bool) {
        #expect(BootFragment.isHideToken(Substring(token)) == expected)
    }
}

/// The kernel command line as the kernel splits it: quotes group and are kept for writing back;
/// a bare `--` ends the kernel's words.
@Suite struct KernelCommandLineTests {
    @Test func quotesGroupAndAreKept() {
        let line: Substring = "BOOT_IMAGE=/vmlinuz ro \"dyndbg=file a.c +p\" quiet -- single"
        #expect(KernelCommandLine.words(line) == ["BOOT_IMAGE=/vmlinuz", "ro", "\"dyndbg=file a.c +p\"", "quiet", "--", "single"])
        #expect(KernelCommandLine.kernelWords(line) == ["BOOT_IMAGE=/vmlinuz", "ro", "\"dyndbg=file a.c +p\"", "quiet"])
        #expect(KernelCommandLine.unquoted("\"dyndbg=file a.c +p\"") == "dyndbg=file a.c +p")
        #expect(KernelCommandLine.words("a=\"x y") == ["a=\"x y"], "an unbalanced quote runs to the end")
        #expect(KernelCommandLine.words("  \t ") == [])
        #expect(KernelCommandLine.words("a\nb") == ["a\nb"], "one line: a newline is the caller's to drop")
        #expect(KernelCommandLine.words("\"\" = \"=\"") == ["\"\"", "=", "\"=\""])
    }
}
