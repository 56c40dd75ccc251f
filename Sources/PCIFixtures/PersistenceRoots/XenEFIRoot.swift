import PCIModel
import SystemIO

/// Debian dom0 booted by xen.efi from the ESP.
enum XenEFIRoot: PersistenceRootFixture {
    static let name = "xen-efi"
    static let setup = "xen-efi"
    static let bootsXenOnly = true
    static let detected = "boot loader: xen-efi: /boot/efi/EFI/debian/xen.cfg exists"
    static let commands = "now run: update-initramfs -u -k all"

    static func write(_ host: inout HostRootFixture, to root: String) throws(Failure) {
        try host.write(to: root)
        try PersistenceRoots.file(root, "/boot/efi/EFI/debian/xen.cfg", "[global]\ndefault=debian\n\n[debian]\noptions=console=vga dom0_mem=4096M\nkernel=vmlinuz-6.1.0-13-amd64 root=/dev/sda1 ro quiet\nramdisk=initrd.img-6.1.0-13-amd64\n")
        try PersistenceRoots.file(root, "/etc/initramfs-tools/modules", PersistenceRoots.initramfsModules)
    }
}
