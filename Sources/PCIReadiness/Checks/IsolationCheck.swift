import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// Isolation along the path to the root, and the device's own slot.
enum IsolationCheck: ReadinessCheck {
    static let name = "isolation"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let s = subject.safety
        let facts = subject.inspector.facts
        let bridges = subject.bridges
        for b in bridges {
            guard let d = subject.inspector.description(b) else { continue }
            let f = PassthroughFeatures(d)
            var port = PortIsolation(address: b, capability: f.acsCapability, control: f.acsControl, readable: d.config.has(0, 256))
            port.expressType = f.expressType
            port.multifunction = d.config.has(0x0e, 1) && d.config.byte(0x0e) & 0x80 != 0
            r.path.append(port)
        }
        if let f = r.features, !s.siblings.isEmpty, f.acsCapability == nil, !f.capabilitiesUnreadable {
            r.multifunctionWithoutACS = true
        }
        if let o = facts.acsOverride {
            findings.append(Finding(.caveat, "\(o) is on the kernel command line: the groups shown are split by an override, and devices in them may still reach each other by DMA"))
        }
    }
}
