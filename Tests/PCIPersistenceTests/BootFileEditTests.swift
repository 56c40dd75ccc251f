import PropertyBased
import Testing
@testable import PCIPersistence

/// The boot-file editors: each edit is idempotent on any text built from the pieces real files
/// have (so `persist --write` twice never changes a file twice), and the hide token is never doubled.
@Suite("boot file edits")
struct BootFileEditTests {
    static let pieces = ["options ", "kernel=", "module ", "title x", "MODULES=(", ")", "GRUB_CMDLINE_LINUX_DEFAULT=", "\"", "'",
                         "quiet", " ", "\t", "\n", "\r\n", "xen-pciback.hide=(0000:02:00.0)", "vfio_pci.ids=1:2", "intel_iommu=off",
                         "\"user\": {", "\"kernel_options\": [", "]", ",", "vfio_pci", "#"]
    static let text = Gen.int(in: 0...(pieces.count - 1)).map { pieces[$0] }.array(of: 0...24).map { $0.joined() }
    static let tokens = ["xen-pciback.hide=(0000:01:00.0)(0000:01:00.1)", "intel_iommu=on"]

    @Test func everyEditIsIdempotent() async {
        await propertyCheck(count: 2000, input: Self.text) { text in
            let edits: [(String) -> String] = [
                { BootFileEdit.commandLine($0[...], tokens: Self.tokens) },
                { BootFileEdit.blsEntry($0, tokens: Self.tokens) },
                { BootFileEdit.xenConfig($0, tokens: Self.tokens) },
                { BootFileEdit.menuList($0, tokens: Self.tokens) },
                { BootFileEdit.mkinitcpio($0, modules: ["vfio_pci", "vfio"]) },
                { BootFileEdit.initramfsModules($0, modules: ["vfio_pci", "vfio"]) },
                { BootFileEdit.kernelCmdline($0, fallback: "root=/dev/sda1", tokens: Self.tokens) },
                { BootFileEdit.grubVariable($0, variable: "GRUB_CMDLINE_LINUX_DEFAULT", add: "intel_iommu=on") },
                { BootFileEdit.kernelstub($0, tokens: Self.tokens) ?? $0 },
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
}
