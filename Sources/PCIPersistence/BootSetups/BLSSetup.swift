import SystemIO

/// GRUB with Boot Loader Specification entries (Fedora, RHEL): GRUB reads each entry's options
/// line; new kernels take theirs from etc/kernel/cmdline (20-grub.install).
public enum BLSSetup: BootSetupDefinition {
    public static let name = "bls"
    public static let title: String? = "GRUB with BLS entries"
    public static let evidence: String? = "GRUB_ENABLE_BLSCFG=true in etc/default/grub with boot/loader/entries/*.conf (Fedora, RHEL)"
    public static let precedence = 30

    public static func detect(_ probe: BootProbe) -> String? {
        guard probe.grubDefault.split(separator: "\n").contains(where: { String($0.filter { $0 != "\"" }).hasPrefix("GRUB_ENABLE_BLSCFG=true") }), !probe.entries.isEmpty else { return nil }
        return "etc/default/grub sets GRUB_ENABLE_BLSCFG=true and boot/loader/entries has \(probe.entries.count) entries: GRUB reads each entry's options line"
    }

    static func entries(_ host: HostRoot) -> [String] {
        (Files.list(host.path("/boot/loader/entries")) ?? []).filter { $0.hasSuffix(".conf") }.sorted().map { "/boot/loader/entries/" + $0 }
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        for place in entries(planner.host) {
            try planner.add(place) { old in BootFileEdit.blsEntry(old ?? "", tokens: planner.keep(old, place)) }
        }
        try planner.carryKernelCmdline()
        if planner.driver == .xenPciback { planner.plan.notes.append("on BLS systems the Xen hypervisor line comes from GRUB_CMDLINE_XEN* and grub2-mkconfig (grubby cannot edit it); the dom0 line is in the entries") }
        planner.plan.notes.append("the entries and /etc/kernel/cmdline are edited directly, as grubby --update-kernel=ALL --args would")
    }

    public static func takeOut(_ planner: BootFilePlanner) throws {
        for place in entries(planner.host) {
            try planner.takeOut(place) { BootFileEdit.blsEntry($0, tokens: try planner.originalTokens(place)) }
        }
        try planner.takeOutKernelCmdline()
    }
}
