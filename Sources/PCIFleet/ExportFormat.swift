import PCIModel
import PCIReadiness

/// What an export prints: the text in the consumer's own format, and notes for the person
/// running it (on standard error: what the format cannot carry, what to do next).
public struct ExportRendering: Equatable, Sendable {
    public var text: String
    public var notes: [String]
    /// Why the export must not be used as it is (a selector that would also catch a device
    /// pcihide does not hide): the command exits non-zero and prints nothing.
    public var refusals: [String]
    public init(text: String, notes: [String] = [], refusals: [String] = []) {
        self.text = text; self.notes = notes; self.refusals = refusals
    }
}

/// One cluster manager's format: how the node's hidden devices are written for it, and the
/// rules it applies itself when a guest starts (checked on the node by `export --check`).
/// One file per format under Formats/, listed once in `ExportFormats.all`.
public protocol ExportFormat: Sendable {
    /// The `--format` word.
    static var name: String { get }
    /// One line for the help text and the man page.
    static var summary: String { get }
    /// The driver the consumer needs the devices on (`vfio-pci` for KVM-based managers).
    static var drivers: Set<String> { get }
    static func render(_ inventory: FleetInventory, options: ExportOptions) -> ExportRendering
    /// The consumer's own start-time rules, for one device (beyond the checks every format shares).
    static func check(_ device: FleetDevice, in inventory: FleetInventory, options: ExportOptions) -> [Finding]
    /// What the consumer's own configuration on the node says, when it is there to read
    /// (Proxmox's mapping file): findings that concern no one exported device.
    static func checkNode(_ inventory: FleetInventory) -> [Finding]
}

extension ExportFormat {
    public static var drivers: Set<String> { ["vfio-pci"] }
    public static func check(_ device: FleetDevice, in inventory: FleetInventory, options: ExportOptions) -> [Finding] { [] }
    public static func checkNode(_ inventory: FleetInventory) -> [Finding] { [] }
}

/// Settings some formats take.
public struct ExportOptions: Equatable, Sendable {
    /// KubeVirt: the resource name's domain (`pcihide/10de_1eb8`).
    public var resourcePrefix = "pcihide"
    /// Proxmox: print `pvesh create` commands instead of pci.cfg sections.
    public var api = false
    public init() {}
}

public enum ExportFormats {
    /// Every format, in the order help and the man page list them.
    public static let all: [any ExportFormat.Type] = [ProxmoxFormat.self, KubeVirtFormat.self, NovaFormat.self, NFDFormat.self, UnraidFormat.self]

    public static func named(_ name: String) -> (any ExportFormat.Type)? { all.first { $0.name == name } }

    public static var names: [String] { all.map { $0.name } }
}

/// Names derived from ids, the same on every node (so that a cluster pools equal cards).
public enum FleetNames {
    /// `pcihide-10de-1eb8`.
    public static func pool(_ ids: PCIIds) -> String { "pcihide-" + hex(ids.vendor, 4) + "-" + hex(ids.device, 4) }
}

extension ExportOptions {
    /// The first character of `prefix` a Kubernetes resource domain cannot hold (a DNS
    /// subdomain: lower-case letters, digits, '-' and '.', at most 253), or nil.
    public static func badResourcePrefix(_ prefix: String) -> (Int, String)? {
        if prefix.isEmpty { return (0, "empty") }
        for (k, c) in prefix.unicodeScalars.enumerated() {
            let ok = (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || ((c == "-" || c == ".") && k > 0 && k < prefix.unicodeScalars.count - 1)
            if !ok { return (k, c.visible) }
        }
        return prefix.utf8.count > 253 ? (253, "past 253 characters") : nil
    }
}
