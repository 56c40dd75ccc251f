import SystemIO

/// The initramfs generators that must load the stub driver before the native one.
public enum InitramfsTool: String, CaseIterable, Sendable {
    case initramfsTools = "initramfs-tools", dracut, mkinitcpio

    /// What rebuilds every installed kernel's initramfs with it.
    public var rebuildCommand: String {
        switch self {
        case .initramfsTools: return "update-initramfs -u -k all"
        case .dracut: return "dracut -f --regenerate-all"
        case .mkinitcpio: return "mkinitcpio -P"
        }
    }
}

/// What was found under a host root, and why.
public struct Detection: Sendable {
    public var setup: BootSetup?
    public var setupWhy: String
    public var initramfs: InitramfsTool?
    public var initramfsWhy: String
    /// Every piece of evidence looked for, for the message when nothing matched.
    public static var lookedFor: [String] { BootSetups.byPrecedence.compactMap { $0.evidence } }
}

public enum SetupDetector {
    /// Which boot loader and initramfs generator the root uses, in the order of the evidence
    /// that proves most (docs/references.md: persistence.md, "which command-line source is live").
    public static func detect(_ host: HostRoot) -> Detection {
        let probe = BootProbe(host)
        var setup: BootSetup?
        var why = "none of: " + Detection.lookedFor.joined(separator: "; ")
        for definition in BootSetups.byPrecedence {
            if let reason = definition.detect(probe) { setup = BootSetup(definition); why = reason; break }
        }
        var tool: InitramfsTool?
        var toolWhy = "none of etc/initramfs-tools, etc/dracut.conf.d, etc/mkinitcpio.conf"
        if Files.isDirectory(host.path("/etc/initramfs-tools")) {
            tool = .initramfsTools; toolWhy = "etc/initramfs-tools exists (update-initramfs)"
        } else if Files.isDirectory(host.path("/etc/dracut.conf.d")) || Files.exists(host.path("/etc/dracut.conf")) {
            tool = .dracut; toolWhy = "etc/dracut.conf.d exists (dracut)"
        } else if Files.exists(host.path("/etc/mkinitcpio.conf")) {
            tool = .mkinitcpio; toolWhy = "etc/mkinitcpio.conf exists (mkinitcpio)"
        }
        return Detection(setup: setup, setupWhy: why, initramfs: tool, initramfsWhy: toolWhy)
    }
}
