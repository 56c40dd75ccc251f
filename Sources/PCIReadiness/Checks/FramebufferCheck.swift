import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// Boot framebuffer. Unknown (no /proc/iomem, or its addresses hidden from a user) is never "none": the firmware's framebuffer may sit in any display device's BAR.
enum FramebufferCheck: ReadinessCheck {
    static let name = "framebuffer"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let a = subject.address
        let facts = subject.inspector.facts
        let cls = subject.displayClass
        if facts.framebuffers == nil, cls >> 8 == 0x03 {
            r.framebuffer = "unknown"
            findings.append(
                Finding(
                    .attention, "could not tell whether its BARs hold the boot framebuffer: /proc/iomem could not be read, or shows its addresses only to root",
                    fix: "run check as root"))
        }
        if let fbs = facts.framebuffers, cls >> 8 == 0x03 {
            // Fail closed: BARs that cannot be read may hold the framebuffer as well as not.
            guard let regions = subject.inspector.tree.memoryRegions(a) else {
                r.framebuffer = "unknown"
                findings.append(
                    Finding(
                        .attention, "could not tell whether its BARs hold the boot framebuffer: \(subject.inspector.tree.resourceFile(a)) could not be read",
                        fix: "make the device's sysfs resource file readable (run check as root), then check again"))
                return
            }
            for region in regions {
                if let fb = fbs.first(where: { $0.start <= region.end && region.start <= $0.end }) {
                    r.framebuffer = "\(fb.name) at \(hex(fb.start, 8))-\(hex(fb.end, 8))"
                    findings.append(
                        Finding(
                            .attention, "its BAR [mem \(hex(region.start, 8))-\(hex(region.end, 8))] holds the boot framebuffer \(fb.name): vfio-pci's start fails with \"BAR N: can't reserve\"",
                            fix: "add initcall_blacklist=sysfb_init (or video=efifb:off for efifb) to the kernel command line"))
                    break
                }
            }
        }
    }
}
