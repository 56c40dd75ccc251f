import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// The device at the address is not the one the ledger recorded: a card added renumbered the bus.
enum RenumberingCheck: ReadinessCheck {
    static let name = "renumbered"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let a = subject.address
        let tree = subject.inspector.tree
        let present = subject.inspector.present
        let recorded = subject.inspector.recorded
        if let r = tree.renumbering(at: a, recorded: recorded(a)) {
            let moved = tree.find(r.recorded, among: present).unique
            findings.append(
                Finding(
                    .critical, r.text + ": pcihide will not bind or hand it over",
                    fix: moved.map { "the hidden device is now at \($0): pcihide unhide \(a) && pcihide hide \($0)" } ?? "unhide \(a) and hide the card at its new address"))
        }
    }
}
