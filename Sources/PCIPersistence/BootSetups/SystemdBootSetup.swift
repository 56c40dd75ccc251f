import SystemIO

/// systemd-boot (Arch, Ubuntu on UEFI by choice): kernel-install writes entries from
/// etc/kernel/cmdline.
public enum SystemdBootSetup: BootSetupDefinition {
    public static let name = "systemd-boot"
    public static let title: String? = "systemd-boot"
    public static let evidence: String? = "systemd-boot in the LoaderInfo EFI variable"
    public static let precedence = 40

    public static func detect(_ probe: BootProbe) -> String? {
        guard let info = probe.loaderInfo, info.contains("systemd-boot") else { return nil }
        return "the LoaderInfo EFI variable says \(info.filter { $0 != "\0" }): kernel-install writes entries from etc/kernel/cmdline"
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        try planner.carryKernelCmdline()
        planner.plan.commands += refreshCommands(planner.host)
    }

    public static func takeOut(_ planner: BootFilePlanner) throws { try planner.takeOutKernelCmdline() }

    /// One kernel-install per installed kernel: each entry is written anew from etc/kernel/cmdline.
    public static func refreshCommands(_ host: HostRoot) -> [String] {
        let kernels = (Files.list(host.path("/usr/lib/modules")) ?? []).sorted()
        return kernels.isEmpty ? ["kernel-install add $(uname -r) /boot/vmlinuz-$(uname -r)"] : kernels.map { "kernel-install add \($0) /boot/vmlinuz-\($0)" }
    }
}
