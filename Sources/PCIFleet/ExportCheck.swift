import PCIModel
import PCIReadiness
import PCIState

/// One exported device on its node: whether the cluster can start a guest with it now.
public struct ExportCheckReport: Equatable, Sendable {
    public var device: FleetDevice
    public var findings: [Finding]
    public var ready: Bool { findings.isEmpty }
}

/// Every exported device's report, and what the consumer's own configuration on the node says.
public struct NodeCheck: Equatable, Sendable {
    public var devices: [ExportCheckReport]
    public var node: [Finding]
    public var ready: Bool { node.isEmpty && devices.allSatisfy(\.ready) }
}

/// `pcihide export --check`: what a cluster runs on a node before it schedules a guest there.
/// Read-only and lock-free; each failure says what the consumer would do with the device and
/// the fix.
public enum ExportCheck {
    /// `format` nil: the checks every format shares, with pciback accepted beside vfio-pci.
    public static func run(_ inventory: FleetInventory, format: (any ExportFormat.Type)?, options: ExportOptions = ExportOptions()) -> NodeCheck {
        let devices = inventory.devices.map { d in
            var findings = common(d, in: inventory, drivers: format?.drivers ?? ["vfio-pci", "pciback", "xen-pciback"])
            if let format { findings += format.check(d, in: inventory, options: options) }
            return ExportCheckReport(device: d, findings: findings)
        }
        return NodeCheck(devices: devices, node: format?.checkNode(inventory) ?? [])
    }

    /// Present, the recorded card, on the stub, its group whole and hidden, its VFIO node there.
    static func common(_ d: FleetDevice, in inventory: FleetInventory, drivers: Set<String>) -> [Finding] {
        let a = d.address
        guard let now = d.now else {
            let moved = d.recorded.flatMap { r in inventory.others.filter { $0.ids == PCIIds(vendor: r.vendor, device: r.device) }.map(\.address.description) }
            return [
                Finding(
                    .attention, "no device at \(a): the card was removed or the buses were renumbered",
                    fix: (moved?.isEmpty ?? true) ? "fit the card, or pcihide unhide \(a)" : "pcihide verify names where the recorded card went (same ids at \(moved!.joined(separator: ", ")))")
            ]
        }
        var out: [Finding] = []
        if let recorded = d.recorded {
            if !recorded.matches(now) {
                out.append(
                    Finding(
                        .critical, Renumbering(address: a, recorded: recorded, now: now).text + "; the cluster would hand a guest the wrong device",
                        fix: "pcihide verify, then unhide \(a) and hide the recorded card where it is now"))
            }
        } else {
            out.append(
                Finding(
                    .attention, "no identity recorded for \(a) (hidden by the wildcard \(d.entry), or before pcihide recorded identities): a swapped card with the same ids would not be caught",
                    fix: "hide it by its address: pcihide unhide \(d.entry) && pcihide hide \(a)"))
        }
        let passthroughOK = d.driver.map(drivers.contains) ?? false
        if !passthroughOK {
            let wanted = drivers.sorted().joined(separator: " or ")
            out.append(
                Finding(
                    .attention, "it is on \(d.driver ?? "no driver"), not \(wanted)",
                    fix: d.driver.map { HostNames.passthroughDrivers.contains($0) } ?? false
                        ? "pcihide unhide --now \(a) && pcihide hide --now --driver vfio-pci \(a)"
                        : "pcihide hide --now \(a) (binds it now), and pcihide persist for the next boot"))
        }
        let kvm = drivers.contains("vfio-pci") && !drivers.contains("pciback")
        if let group = d.iommuGroup {
            for m in d.groupMates where !m.isBridge {
                if !m.hidden {
                    out.append(
                        Finding(
                            .attention, "its IOMMU group \(group) is not whole: \(m.address) (on \(m.driver ?? "no driver")) is not hidden, so the group is not viable for a guest",
                            fix: "pcihide hide --group \(a) (hides the companions too), or pcihide check \(a)"))
                } else if let drv = m.driver, !HostNames.passthroughDrivers.contains(drv) {
                    out.append(
                        Finding(
                            .attention, "its IOMMU group \(group) is not whole: \(m.address) is hidden but still on \(drv)",
                            fix: "pcihide hide --now \(m.address)"))
                }
            }
            if d.driver == "vfio-pci", !inventory.vfioNodes.contains(group) {
                out.append(
                    Finding(
                        .attention, "/dev/vfio/\(group) does not exist although \(a) is on vfio-pci: the guest cannot open its group",
                        fix: "check that vfio-pci bound it (dmesg), and udev's permissions on /dev/vfio"))
            }
        } else if kvm {
            out.append(
                Finding(
                    .attention, inventory.iommu ? "\(a) has no IOMMU group although the IOMMU is on" : "no IOMMU group: the kernel's IOMMU is off, and VFIO cannot hand the device to a guest",
                    fix: "turn the IOMMU on in the firmware and on the kernel command line (intel_iommu=on or amd_iommu=on), then reboot"))
        }
        return out
    }
}
