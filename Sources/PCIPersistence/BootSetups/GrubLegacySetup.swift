import SystemIO

/// GRUB legacy (0.97) booting Xen: the dom0 line is the first module line of each entry in
/// boot/grub/menu.lst, read as it is at boot.
public enum GrubLegacySetup: BootSetupDefinition {
    public static let name = "grub-legacy"
    public static let title: String? = "GRUB legacy"
    public static let evidence: String? = "boot/grub/menu.lst (GRUB legacy)"
    public static let precedence = 60
    public static let bootsXen = true
    static let place = "/boot/grub/menu.lst"

    public static func detect(_ probe: BootProbe) -> String? {
        guard Files.exists(probe.host.path(place)) else { return nil }
        return "boot/grub/menu.lst exists: GRUB legacy reads the dom0 line from its module line"
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        try planner.add(place) { old in BootFileEdit.menuList(old ?? "", tokens: planner.keep(old, place)) }
    }

    public static func takeOut(_ planner: BootFilePlanner) throws {
        try planner.takeOut(place) { BootFileEdit.menuList($0, tokens: try planner.originalTokens(place)) }
    }
}
