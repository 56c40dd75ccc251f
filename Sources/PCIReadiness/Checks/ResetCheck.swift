import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// How the device is reset between guests.
enum ResetCheck: ReadinessCheck {
    static let name = "reset"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let a = subject.address
        let s = subject.safety
        let tree = subject.inspector.tree
        let present = subject.inspector.present
        let bridges = subject.bridges
        let peersOnBus = present.filter { $0 != a && $0.domain == a.domain && $0.bus == a.bus }
        let below = bridges.last
        let kernel = tree.resetMethods(a)
        let cls = UInt16(truncatingIfNeeded: (s.classCode ?? 0) >> 8)
        if let ids = r.ids, !s.isBridge {
            let reset = ResetFacts.analyse(
                ids: ids, classCode: cls, features: r.features, kernelMethods: kernel,
                onlyOnBus: peersOnBus.isEmpty, behindBridge: below != nil, busPeers: peersOnBus)
            r.reset = reset
            if r.features == nil && kernel == nil {
                findings.append(Finding(.attention, "could not read its capabilities to tell how it resets (config space unreadable)", fix: "run check as root"))
            } else if r.features?.capabilitiesUnreadable == true && kernel == nil {
                findings.append(Finding(.attention, "could not read its capabilities beyond 64 bytes to tell how it resets", fix: "run check as root"))
            } else if reset.methods.isEmpty {
                findings.append(
                    Finding(
                        .attention, "it has no reset method (no FLR, no PM reset, and a bus reset would take other devices): a guest that is restarted gets it in the state the last one left",
                        fix: peersOnBus.isEmpty ? nil : "give the guest every device on bus \(hex(a.bus, 2)) together (\(peersOnBus.map(\.description).joined(separator: ", "))), so that vfio can reset the bus"))
            } else if !reset.hasFunctionReset {
                let also = reset.busResetAlsoResets
                findings.append(Finding(.caveat, "only a secondary bus reset resets it" + (also.isEmpty ? "" : "; it resets \(also.map(\.description).joined(separator: ", ")) too")))
            }
            for note in reset.notes where note.contains("vendor-reset") { findings.append(Finding(.attention, note, fix: "install gnif/vendor-reset")) }
        }
    }
}
