import PCIModel
import SystemIO

/// Proxmox VE 8 on ZFS, UEFI: proxmox-boot-tool with systemd-boot.
enum ProxmoxRoot: PersistenceRootFixture {
    static let name = "proxmox"
    static let setup = "proxmox"
    static let detected = "boot loader: proxmox: etc/kernel/proxmox-boot-uuids exists"
    static let commands = "now run: update-initramfs -u -k all && proxmox-boot-tool refresh"

    static func write(_ host: inout HostRootFixture, to root: String) throws(Failure) {
        host.cpuVendor = "AuthenticAMD"
        host.commandLine = "initrd=\\EFI\\proxmox\\6.8.12-4-pve\\initrd.img-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 boot=zfs"
        try host.write(to: root)
        try PersistenceRoots.file(root, "/etc/kernel/proxmox-boot-uuids", "ABCD-1234\n")
        try PersistenceRoots.file(root, "/etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n")
        try PersistenceRoots.file(root, "/etc/initramfs-tools/modules", PersistenceRoots.initramfsModules)
        try Files.makeDirectories(root + "/sys/firmware/efi/efivars")
    }
}
