import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// An IOMMU must stand between the guest and host memory: VFIO's (the kernel's groups) or Xen's.
enum IOMMUCheck: ReadinessCheck {
    static let name = "iommu"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let s = subject.safety
        let facts = subject.inspector.facts
        if let xen = s.xenIOMMU {
            // Xen owns the IOMMU: dom0 has no groups and no vfio-pci; pciback hands devices over.
            if xen.state == .off {
                findings.append(Finding(.attention, "Xen's IOMMU is off (\(xen.evidence)): a guest given the device could reach all host memory by DMA", fix: xen.advice))
            } else if xen.state == .unknown {
                findings.append(Finding(.attention, "could not tell whether Xen's IOMMU is on (\(xen.evidence))", fix: xen.advice))
            }
        } else if !s.iommuActive {
            findings.append(
                Finding(
                    .attention, "no IOMMU is active: vfio-pci refuses the device, and pciback would hand it over with DMA to all host memory",
                    fix: facts.iommuAdvice))
        }
    }
}
