import PCICapabilities
import PCIModel

/// ACS on one bridge between a device and the root complex, as the kernel's grouping reads it
/// (`pci_acs_path_enabled` with SV, RR, CR and UF: ACS bits a port does not implement count as on).
public struct PortIsolation: Equatable, Sendable {
    public var address: PCIAddress
    /// nil: its config space beyond 64 bytes could not be read (not root).
    public var capability: UInt16?
    public var control: UInt16?
    public var readable: Bool
    /// Its PCI Express port type (PassthroughFeatures.expressType); nil for conventional PCI.
    public var expressType: String? = nil
    /// Function 0 of a multi-function device.
    public var multifunction = false
    public init(address: PCIAddress, capability: UInt16?, control: UInt16?, readable: Bool) {
        self.address = address; self.capability = capability; self.control = control; self.readable = readable
    }

    /// The bits the kernel requires (Source Validation, Request and Completion Redirect, Upstream Forwarding).
    public static let required: UInt16 = 0x1d

    /// nil when unknown; false when the port has no ACS or does not enable what it implements.
    /// ACS is judged where it isolates, as the kernel's `pci_acs_enabled` does: root and
    /// downstream ports by their flags; a switch's upstream port (or another PCIe function that
    /// is not multi-function) is not where peers meet, so it never breaks the path.
    public var judged: Bool { expressType == nil || ["root port", "downstream port"].contains(expressType!) || multifunction }

    public var isolates: Bool? {
        if !judged { return true }
        guard readable else { return nil }
        guard let cap = capability, let ctl = control else { return false }
        let needed = Self.required & cap
        return ctl & needed == needed
    }

    /// `SrcValid+ TransBlk- ReqRedir+ ...` as lspci prints ACSCtl.
    public static func flags(_ v: UInt16) -> String {
        let names = ["SrcValid", "TransBlk", "ReqRedir", "CmpltRedir", "UpstreamFwd", "EgressCtrl", "DirectTrans"]
        return names.enumerated().map { k, n in n + (v & (1 << k) != 0 ? "+" : "-") }.joined(separator: " ")
    }

    public var summary: String {
        if !judged { return "\(address): \(expressType!), where ACS is not judged (the ports below and above it are)" }
        guard readable else { return "\(address): ACS unknown (its extended config space needs root)" }
        guard let cap = capability, let ctl = control else { return "\(address): no ACS capability (devices below it may reach each other by DMA)" }
        return "\(address): ACS " + (isolates == true ? "on" : "not enabled") + " (ACSCtl: \(Self.flags(ctl)); ACSCap: \(Self.flags(cap)))"
    }
}
