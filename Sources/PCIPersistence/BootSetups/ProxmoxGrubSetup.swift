import SystemIO

/// Proxmox VE booting GRUB (legacy BIOS, or UEFI with Secure Boot): proxmox-boot-tool runs
/// update-grub, which reads etc/default/grub; GRUB never reads etc/kernel/cmdline
/// (docs/references.md: persistence.md).
public enum ProxmoxGrubSetup: BootSetupDefinition {
    public static let name = "proxmox-grub"
    public static let title: String? = nil
    /// Said by ProxmoxSetup's line: both start from etc/kernel/proxmox-boot-uuids.
    public static let evidence: String? = nil
    public static let precedence = 10

    public static func detect(_ probe: BootProbe) -> String? {
        let host = probe.host
        guard Files.exists(host.path("/etc/kernel/proxmox-boot-uuids")) else { return nil }
        let grubOnESP = (Files.list(host.path("/boot/efi/EFI/proxmox")) ?? []).contains { $0.hasPrefix("grub") || $0.hasPrefix("shim") }
        if grubOnESP {
            return "etc/kernel/proxmox-boot-uuids exists and the ESP holds EFI/proxmox/grubx64.efi: proxmox-boot-tool runs GRUB (Secure Boot), which reads etc/default/grub"
        } else if probe.commandLine != nil, probe.commandLineWords.contains(where: { $0.hasPrefix("BOOT_IMAGE=") }) {
            return "etc/kernel/proxmox-boot-uuids exists and this boot came through GRUB (BOOT_IMAGE= on /proc/cmdline): proxmox-boot-tool runs GRUB, which reads etc/default/grub"
        } else if !Files.isDirectory(host.efiDirectory) && Files.isDirectory(host.firmwareDirectory) {
            return "etc/kernel/proxmox-boot-uuids exists and there is no sys/firmware/efi (a legacy BIOS boot): proxmox-boot-tool runs GRUB, which reads etc/default/grub"
        }
        return nil
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        try Grub2Setup.carryDefaultFile(planner)
        planner.plan.commands += refreshCommands(planner.host)
        planner.plan.notes.append("proxmox-boot-tool refresh runs update-grub and copies the result to every ESP in etc/kernel/proxmox-boot-uuids")
    }

    public static func takeOut(_ planner: BootFilePlanner) throws { try Grub2Setup.takeOutDefaultFile(planner) }

    public static func refreshCommands(_ host: HostRoot) -> [String] { ["proxmox-boot-tool refresh"] }
}
