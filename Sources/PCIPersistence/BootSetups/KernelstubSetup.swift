import PCIModel
import SystemIO

/// Pop!_OS: kernelstub writes the boot entry from the kernel_options of its JSON configuration.
public enum KernelstubSetup: BootSetupDefinition {
    public static let name = "kernelstub"
    public static let title: String? = "kernelstub"
    public static let evidence: String? = "etc/kernelstub/configuration (Pop!_OS)"
    public static let precedence = 20
    static let place = "/etc/kernelstub/configuration"

    public static func detect(_ probe: BootProbe) -> String? {
        guard Files.exists(probe.host.path(place)) else { return nil }
        return "etc/kernelstub/configuration exists: Pop!_OS's kernelstub writes the boot entry from its kernel_options"
    }

    public static func carry(_ planner: BootFilePlanner) throws {
        try planner.add(place) { old in
            guard let old, let new = BootFileEdit.kernelstub(old, tokens: planner.keep(old, place)) else {
                throw Failure(.dataError, "\(planner.host.path(place)) is not JSON with a \"user\": {\"kernel_options\": [strings]} list; nothing was changed")
            }
            return new
        }
        planner.plan.commands += refreshCommands(planner.host)
    }

    /// intel_iommu=on is an option of its own in the JSON list: taken out by the editor, not by word.
    public static func takeOut(_ planner: BootFilePlanner) throws {
        let addedIOMMU: Set<String> = (try planner.original(place) ?? "").contains("intel_iommu=on") ? [] : ["intel_iommu=on"]
        try planner.takeOut(place, keepingIOMMU: true) { BootFileEdit.kernelstub($0, tokens: try planner.originalTokens(place), removing: addedIOMMU) }
    }

    public static func refreshCommands(_ host: HostRoot) -> [String] { ["kernelstub"] }
}
