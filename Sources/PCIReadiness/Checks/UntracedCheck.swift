import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// Fail closed: what could not be checked, and a mount or swap area traced to no device, might hang from this one.
enum UntracedCheck: ReadinessCheck {
    static let name = "untraced"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let s = subject.safety
        for what in s.unchecked { findings.append(Finding(.attention, "could not check " + what)) }
        // Fail closed: a mount or swap area traced to no device might hang from this one.
        for what in s.untracedHolders {
            findings.append(Finding(.attention, what, fix: "make sure it does not depend on this device, then hide it with --force"))
        }
    }
}
