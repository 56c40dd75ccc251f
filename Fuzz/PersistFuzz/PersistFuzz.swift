import FuzzDriver
import PCIPersistence
import PCISpec

/// libFuzzer entry: any bytes as each boot file pcihide edits (a kernel command line, a BLS
/// entry, xen.cfg, menu.lst, limine.conf, kernelstub's JSON, mkinitcpio.conf, initramfs-tools' modules,
/// /etc/default/grub). No editor may crash, and every edit is idempotent: editing its own
/// output changes nothing (so `persist --write` twice never changes a file twice).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let tokens = ["xen-pciback.hide=(0000:01:00.0)", "intel_iommu=on"]
    func once(_ edit: (String) -> String) {
        let a = edit(text)
        precondition(edit(a) == a, "an edit is not idempotent")
    }
    once { BootFileEdit.commandLine($0[...], tokens: tokens) }
    once { BootFileEdit.blsEntry($0, tokens: tokens) }
    once { BootFileEdit.xenConfig($0, tokens: tokens) }
    once { BootFileEdit.menuList($0, tokens: tokens) }
    once { LimineSetup.edit($0, tokens: tokens) }
    once { BootFileEdit.mkinitcpio($0, modules: ["vfio_pci", "vfio"]) ?? $0 }
    once { BootFileEdit.mkinitcpio($0, modules: ["vfio_pci", "vfio"], removing: true) ?? $0 }
    once { BootFileEdit.removingWord($0, "intel_iommu=on") }
    once { BootFileEdit.removingInitramfsModules($0, ["vfio_pci", "vfio"]) }
    once { BootFileEdit.initramfsModules($0, modules: ["vfio_pci", "vfio"]) }
    once { BootFileEdit.kernelCmdline($0, fallback: "root=/dev/sda1", tokens: tokens) }
    once { BootFileEdit.grubVariable($0, variable: "GRUB_CMDLINE_LINUX_DEFAULT", add: "intel_iommu=on") }
    // /etc/default/grub, every family and the removal: idempotent, and a token asked for is written.
    for (style, token) in [
        (BootStyle.xenPciback, "xen-pciback.hide=(0000:02:09.0)"), (.vfio, "vfio-pci.ids=8086:1229"),
        (.physdev, "physdev_dom0_hide=(02:09.0)"),
    ] {
        for t in [token, nil] {
            guard let edit = try? GrubDefaultFile.plan(text, style: style, token: t) else { continue }
            precondition((try? GrubDefaultFile.edit(edit.text, style: style, token: t)) == edit.text, "the grub edit is not idempotent")
            if let t {
                let name = t.prefix { $0 != "=" } + "="
                precondition(edit.text.contains(String(name)), "the token was not written")
            }
        }
    }
    if let a = BootFileEdit.kernelstub(text, tokens: tokens) {
        precondition(BootFileEdit.kernelstub(a, tokens: tokens) == a, "the kernelstub edit is not idempotent")
    }
    return 0
}

// SwiftPM links an executable's entry point as `PersistFuzz_main`; libFuzzer's driver takes it over.
@_cdecl("PersistFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzz)
}
