import PCIModel
import PCISpec
import SystemIO

/// GRUB 2 (Debian, Ubuntu, older Fedora): grub-mkconfig builds the kernel line from
/// etc/default/grub.
public enum Grub2Setup: BootSetupDefinition {
    public static let name = "grub2"
    public static let title: String? = "GRUB 2"
    public static let evidence: String? = "boot/grub/grub.cfg or boot/grub2/grub.cfg with etc/default/grub (GRUB 2)"
    public static let precedence = 80

    public static func detect(_ probe: BootProbe) -> String? {
        let host = probe.host
        guard !probe.grubDefault.isEmpty && (Files.exists(host.path("/boot/grub/grub.cfg")) || Files.exists(host.path("/boot/grub2/grub.cfg"))) else { return nil }
        return "etc/default/grub and a generated grub.cfg exist: grub-mkconfig builds the kernel line from etc/default/grub"
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        try carryDefaultFile(planner)
        planner.plan.commands += refreshCommands(planner.host)
    }

    public static func takeOut(_ planner: BootFilePlanner) throws { try takeOutDefaultFile(planner) }

    public static func refreshCommands(_ host: HostRoot) -> [String] {
        [Files.exists(host.path("/boot/grub2/grub.cfg")) ? "grub2-mkconfig -o /boot/grub2/grub.cfg" : "update-grub"]
    }

    /// The hide token in GRUB_CMDLINE_LINUX (GrubDefaultFile), intel_iommu=on in
    /// GRUB_CMDLINE_LINUX_DEFAULT; shared with every setup that runs GRUB from etc/default/grub.
    static func carryDefaultFile(_ planner: BootFilePlanner) throws {
        try planner.add("/etc/default/grub") { old in
            guard let old else { throw Failure(.noInput, "cannot read \(planner.host.path("/etc/default/grub"))") }
            let edit = try GrubDefaultFile.plan(
                old, style: planner.driver == .vfio ? .vfio : .xenPciback, token: planner.tokens.first { !$0.hasPrefix("intel_iommu") },
                path: "/etc/default/grub")
            planner.plan.notes += edit.notes
            var text = edit.text
            if planner.tokens.contains("intel_iommu=on") && !text.contains("intel_iommu=on") {
                text = BootFileEdit.grubVariable(text, variable: "GRUB_CMDLINE_LINUX_DEFAULT", add: "intel_iommu=on")
            }
            return text
        }
    }

    static func takeOutDefaultFile(_ planner: BootFilePlanner) throws {
        try planner.takeOut("/etc/default/grub") { old in
            var t = old
            let originals = try planner.originalTokens("/etc/default/grub")
            for style in [BootStyle.vfio, .xenPciback] {
                let family = style == .vfio ? "vfio_pci.ids" : "xen_pciback.hide"
                let mine = originals.first { BootFileEdit.name($0[...]) == family }
                t = try GrubDefaultFile.plan(t, style: style, token: mine).text
            }
            return t
        }
    }
}
