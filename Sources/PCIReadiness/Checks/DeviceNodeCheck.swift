import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// Processes holding its device nodes (DRM nodes, /dev/vfio/N).
enum DeviceNodeCheck: ReadinessCheck {
    static let name = "processes"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let a = subject.address
        let s = subject.safety
        let host = subject.inspector.host
        let devNodes = subject.inspector.nodes(a, group: s.iommuGroup)
        let (holders, unreadable) = ProcessHolders.holding(devNodes, host: host)
        r.processes = holders
        if !r.processes.isEmpty {
            findings.append(Finding(.attention, "processes hold its device nodes: " + r.processes.joined(separator: ", "), fix: "stop them before the guest starts"))
        }
        if unreadable > 0 {
            findings.append(Finding(.attention, "could not check the open files of \(unreadable) process(es) for \(devNodes.sorted().joined(separator: ", "))", fix: "run check as root"))
        }
    }
}
