import PCIModel
import SystemIO

/// Arch Linux with Limine 8 and mkinitcpio: two Linux entries and a Xen one in
/// /boot/limine.conf.
enum ArchLimineRoot: PersistenceRootFixture {
    static let name = "arch-limine"
    static let setup = "limine"
    static let detected = "boot loader: limine: /boot/limine.conf exists"
    static let commands = "now run: mkinitcpio -P"

    static func write(_ host: inout HostRootFixture, to root: String) throws(Failure) {
        host.commandLine = "root=UUID=4f1e2d rw quiet"
        try host.write(to: root)
        try PersistenceRoots.file(
            root, "/boot/limine.conf",
            """
            timeout: 3

            /Arch Linux
                protocol: linux
                path: boot():/vmlinuz-linux
                cmdline: root=UUID=4f1e2d rw quiet
                module_path: boot():/initramfs-linux.img

            /Arch Linux (fallback)
                protocol: linux
                path: boot():/vmlinuz-linux
                cmdline: root=UUID=4f1e2d rw
                module_path: boot():/initramfs-linux-fallback.img

            /Xen 4.17
                protocol: multiboot2
                path: boot():/xen.gz
                cmdline: dom0_mem=4096M
                module_path: boot():/vmlinuz-linux
                module_string: root=UUID=4f1e2d rw
                module_path: boot():/initramfs-linux.img

            """)
        try PersistenceRoots.file(root, "/etc/mkinitcpio.conf", "MODULES=()\nBINARIES=()\nFILES=()\nHOOKS=(base udev autodetect microcode modconf kms keyboard keymap consolefont block filesystems fsck)\n")
    }
}
