import PCIModel
import SystemIO

/// A 2005 Xen 3.0 host: GRUB legacy's menu.lst, dom0 on the module line.
enum GrubLegacyXenRoot: PersistenceRootFixture {
    static let name = "grub-legacy-xen"
    static let setup = "grub-legacy"
    static let bootsXenOnly = true
    static let detected = "boot loader: grub-legacy: boot/grub/menu.lst exists"
    static let commands = ""

    static func write(_ host: inout HostRootFixture, to root: String) throws(Failure) {
        host.commandLine = "root=/dev/hda2 ro"
        try host.write(to: root)
        try PersistenceRoots.file(root, "/boot/grub/menu.lst", "default 0\ntimeout 5\n\ntitle Xen 3.0 / XenLinux 2.6\n\tkernel /boot/xen-3.0.gz dom0_mem=262144\n\tmodule /boot/vmlinuz-2.6-xen0 root=/dev/hda2 ro\n\tmodule /boot/initrd-2.6-xen0.img\n")
    }
}
