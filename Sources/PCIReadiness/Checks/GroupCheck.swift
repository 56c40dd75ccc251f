import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import SystemIO

/// The group: every member must be as VFIO wants it.
enum GroupCheck: ReadinessCheck {
    static let name = "group"

    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding]) {
        let s = subject.safety
        let safety = subject.inspector.safety
        for m in s.groupCompanions {
            let member: GroupMember
            if m.isBridge {
                let ok = m.driver == nil || m.driver == "pcieport"
                member = GroupMember(
                    device: m, status: ok ? .ready : .blocks,
                    why: ok ? "bridge, stays on \(m.driver ?? "no driver")" : "bridge bound to \(m.driver!); VFIO accepts a bridge in a group only on pcieport")
                if !ok {
                    findings.append(
                        Finding(
                            .attention, "bridge \(m.address) in its group is bound to \(m.driver!): VFIO accepts a bridge in a group only on pcieport or with no driver",
                            fix: "unbind \(m.address) from \(m.driver!)"))
                }
            } else if case let refusals = safety.inspect(m.address).refusals, !refusals.isEmpty {
                member = GroupMember(device: m, status: .refused, why: refusals.joined(separator: "; "))
                findings.append(
                    Finding(
                        .critical, "its IOMMU group \(s.iommuGroup ?? "?") holds \(m.address), which the host needs (\(member.why)): the group cannot be handed over",
                        fix: "move the card to another slot, or enable ACS on the port above it"))
            } else if m.hidden || m.driver == nil || HostNames.passthroughDrivers.contains(m.driver!) {
                member = GroupMember(device: m, status: .ready, why: m.hidden ? "hidden" : m.driver.map { "on \($0)" } ?? "no driver")
            } else {
                member = GroupMember(device: m, status: .blocks, why: "bound to \(m.driver!) and not hidden: the group is not viable until it is")
            }
            r.group.append(member)
        }
    }
}
