import PCIModel
import SystemIO

/// Arch Linux with systemd-boot and mkinitcpio.
enum ArchSystemdBootRoot: PersistenceRootFixture {
    static let name = "arch-systemd-boot"
    static let setup = "systemd-boot"
    static let detected = "boot loader: systemd-boot: the LoaderInfo EFI variable says systemd-boot 254.5"
    static let commands = "now run: mkinitcpio -P && kernel-install add 6.6.1-arch1-1 /boot/vmlinuz-6.6.1-arch1-1"

    static func write(_ host: inout HostRootFixture, to root: String) throws(Failure) {
        try host.write(to: root)
        // LoaderInfo: 4 bytes of attributes, then UTF-16LE text.
        let info = [UInt8](repeating: 0x06, count: 1) + [0, 0, 0] + Array("systemd-boot 254.5".utf8).flatMap { [$0, 0] } + [0, 0]
        try Files.makeDirectories(root + "/sys/firmware/efi/efivars")
        try writeTestFile(root + "/sys/firmware/efi/efivars/LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", info)
        try PersistenceRoots.file(root, "/etc/kernel/cmdline", "root=/dev/nvme0n1p2 rw quiet\n")
        try PersistenceRoots.file(root, "/etc/mkinitcpio.conf", "MODULES=()\nBINARIES=()\nFILES=()\nHOOKS=(base udev autodetect microcode modconf kms keyboard keymap consolefont block filesystems fsck)\n")
        try Files.makeDirectories(root + "/usr/lib/modules/6.6.1-arch1-1")
    }
}
