import SystemIO

/// Proxmox VE on UEFI without Secure Boot: proxmox-boot-tool runs systemd-boot, which reads
/// etc/kernel/cmdline (docs/references.md: persistence.md).
public enum ProxmoxSetup: BootSetupDefinition {
    public static let name = "proxmox"
    public static let helpName = "proxmox (with systemd-boot)"
    public static let title: String? = "Proxmox"
    public static let evidence: String? = "etc/kernel/proxmox-boot-uuids (Proxmox)"
    /// After ProxmoxGrubSetup, which takes the hosts whose evidence says GRUB.
    public static let precedence = 11

    public static func detect(_ probe: BootProbe) -> String? {
        let host = probe.host
        guard Files.exists(host.path("/etc/kernel/proxmox-boot-uuids")) else { return nil }
        if Files.isDirectory(host.efiDirectory) {
            return "etc/kernel/proxmox-boot-uuids exists on a UEFI boot without GRUB on the ESP: proxmox-boot-tool runs systemd-boot, which reads etc/kernel/cmdline"
        }
        return "etc/kernel/proxmox-boot-uuids exists, but neither sys/firmware nor a GRUB boot line tells systemd-boot from GRUB: taking systemd-boot (etc/kernel/cmdline); give --loader proxmox-grub if this host boots GRUB"
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        try planner.carryKernelCmdline()
        planner.plan.commands += refreshCommands(planner.host)
    }

    public static func takeOut(_ planner: BootFilePlanner) throws { try planner.takeOutKernelCmdline() }

    public static func refreshCommands(_ host: HostRoot) -> [String] { ["proxmox-boot-tool refresh"] }
}
