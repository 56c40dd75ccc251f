import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// SR-IOV: a PF's virtual functions go with its driver; a VF lives only while its PF's driver runs.
enum SRIOVCheck: ReadinessCheck {
    static let name = "sr-iov"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let s = subject.safety
        if !s.virtualFunctions.isEmpty {
            findings.append(
                Finding(
                    .attention, "it is an SR-IOV physical function with \(s.virtualFunctions.count) virtual function(s) enabled: they go away when it leaves its driver, and vfio-pci refuses a PF with SR-IOV enabled",
                    fix: "write 0 to sriov_numvfs first, or hand over virtual functions instead"))
        }
        if let pf = s.physicalFunction, pf.hidden {
            findings.append(
                Finding(
                    .attention, "it is a virtual function of \(pf.address), which is hidden: the VF exists only while its PF's driver runs",
                    fix: "unhide \(pf.address) and let its own driver create the VFs"))
        }
    }
}
