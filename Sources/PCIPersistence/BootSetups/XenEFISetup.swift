import PCIModel
import SystemIO

/// Xen booted as an EFI application: xen.efi reads the dom0 line from the kernel= line of the
/// xen.cfg beside it; nothing regenerates it.
public enum XenEFISetup: BootSetupDefinition {
    public static let name = "xen-efi"
    public static let title: String? = "Xen EFI xen.cfg"
    public static let evidence: String? = "xen.cfg beside xen.efi under boot/efi/EFI (Xen EFI)"
    public static let precedence = 50
    public static let bootsXen = true

    /// The first xen.cfg under boot/efi/EFI/*/, as the user knows the path (without the root).
    public static func config(_ host: HostRoot) -> String? {
        for dir in (Files.list(host.path("/boot/efi/EFI")) ?? []).sorted() {
            let place = "/boot/efi/EFI/\(dir)/xen.cfg"
            if Files.exists(host.path(place)) { return place }
        }
        return nil
    }

    public static func detect(_ probe: BootProbe) -> String? {
        guard let place = config(probe.host) else { return nil }
        return "\(place) exists: xen.efi reads the dom0 line from its kernel= line"
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        guard let place = config(planner.host) else { throw Failure(.noInput, "no xen.cfg under \(planner.host.path("/boot/efi/EFI"))") }
        try planner.add(place) { old in BootFileEdit.xenConfig(old ?? "", tokens: planner.keep(old, place)) }
    }

    public static func takeOut(_ planner: BootFilePlanner) throws {
        guard let place = config(planner.host) else { return }
        try planner.takeOut(place) { BootFileEdit.xenConfig($0, tokens: try planner.originalTokens(place)) }
    }
}
