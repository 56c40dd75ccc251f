import PCIPersistence

/// libFuzzer entry: any bytes as each boot file pcihide edits (a kernel command line, a BLS
/// entry, xen.cfg, menu.lst, kernelstub's JSON, mkinitcpio.conf, initramfs-tools' modules,
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
    once { BootFileEdit.mkinitcpio($0, modules: ["vfio_pci", "vfio"]) }
    once { BootFileEdit.initramfsModules($0, modules: ["vfio_pci", "vfio"]) }
    once { BootFileEdit.kernelCmdline($0, fallback: "root=/dev/sda1", tokens: tokens) }
    once { BootFileEdit.grubVariable($0, variable: "GRUB_CMDLINE_LINUX_DEFAULT", add: "intel_iommu=on") }
    if let a = BootFileEdit.kernelstub(text, tokens: tokens) {
        precondition(BootFileEdit.kernelstub(a, tokens: tokens) == a, "the kernelstub edit is not idempotent")
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

@_cdecl("PersistFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
