import PCIModel
import PCIReadiness

/// KubeVirt's `permittedHostDevices.pciHostDevices`: one selector per kind of card. KubeVirt
/// selects by vendor:device alone and offers every function with those ids that is on
/// vfio-pci, so a twin pcihide does not hide is the danger this format watches for.
public enum KubeVirtFormat: ExportFormat {
    public static let name = "kubevirt"
    public static let summary = "KubeVirt CR fragment: permittedHostDevices.pciHostDevices selectors"

    public static func resourceName(_ ids: PCIIds, prefix: String) -> String {
        prefix + "/" + hex(ids.vendor, 4) + "_" + hex(ids.device, 4)
    }

    /// The devices of the node a selector for `ids` also catches: not exported, same ids.
    static func twins(_ ids: PCIIds, in inventory: FleetInventory) -> [OtherDevice] {
        inventory.others.filter { $0.ids == ids }
    }

    public static func render(_ inventory: FleetInventory, options: ExportOptions) -> ExportRendering {
        var kinds: [PCIIds] = []
        for d in inventory.devices { if let ids = d.ids, !kinds.contains(ids) { kinds.append(ids) } }
        var notes: [String] = [], refusals: [String] = []
        var text = "# KubeVirt CR, spec.configuration: the devices pcihide hides on \(inventory.node)\n"
        text += "permittedHostDevices:\n  pciHostDevices:\n"
        if kinds.isEmpty { text = "permittedHostDevices:\n  pciHostDevices: []\n"; notes.append("nothing is hidden on \(inventory.node)") }
        for ids in kinds {
            text += "  - pciVendorSelector: \"\(ids.description.uppercased())\"\n"
            text += "    resourceName: \"\(resourceName(ids, prefix: options.resourcePrefix))\"\n"
            for t in twins(ids, in: inventory) {
                if t.driver == "vfio-pci" {
                    refusals.append("the selector \(ids.description.uppercased()) would also offer \(t.address) to guests: it has the same ids and is on vfio-pci, but pcihide does not hide it (KubeVirt selects by ids alone); hide it too (pcihide hide \(t.address)) or unbind it from vfio-pci")
                } else {
                    notes.append("\(t.address) has the same ids (\(ids)) and is not hidden: KubeVirt leaves it alone while it is on \(t.driver ?? "no driver"), but offers it to guests as soon as anything binds it to vfio-pci")
                }
            }
            let groups = inventory.devices.filter { $0.ids == ids }.compactMap(\.iommuGroup)
            if Set(groups).count < groups.count {
                notes.append("some \(ids) functions share an IOMMU group: KubeVirt counts a group as one device, so the node offers fewer than pcihide hides")
            }
        }
        if !kinds.isEmpty {
            notes.append("KubeVirt discovers devices when virt-handler starts and when this configuration changes: restart virt-handler on \(inventory.node) after hiding more devices")
            notes.append("KubeVirt cannot tell equal cards apart (no address, no serial): run pcihide export --check --format kubevirt on the node before scheduling guests")
        }
        return ExportRendering(text: text, notes: notes, refusals: refusals)
    }

    public static func check(_ device: FleetDevice, in inventory: FleetInventory, options: ExportOptions) -> [Finding] {
        guard let ids = device.ids else { return [] }
        return twins(ids, in: inventory).filter { $0.driver == "vfio-pci" }.map { t in
            Finding(
                .attention, "KubeVirt would also offer \(t.address) (same ids \(ids), on vfio-pci, not hidden by pcihide) for this device's resource",
                fix: "pcihide hide \(t.address), or unbind it from vfio-pci")
        }
    }
}
