import PCIModel

/// OpenStack Nova's `[pci]` options: a `device_spec` per device (exact address and ids,
/// `managed: "no"`: pcihide keeps it off the host), and an `alias` per kind of card for
/// flavors (`pci_passthrough:alias=NAME:1`). Held by Nova's own parser in the tests.
public enum NovaFormat: ExportFormat {
    public static let name = "nova"
    public static let summary = "OpenStack Nova [pci] device_spec and alias lines"

    /// Nova's word for what the device is: a whole SR-IOV PF, a VF, or any other device.
    public static func deviceType(_ d: FleetDevice) -> String {
        d.physicalFunction != nil ? "type-VF" : d.sriovCapable ? "type-PF" : "type-PCI"
    }

    public static func aliasName(_ ids: PCIIds, type: String) -> String {
        FleetNames.pool(ids) + (type == "type-PF" ? "-pf" : type == "type-VF" ? "-vf" : "")
    }

    public static func render(_ inventory: FleetInventory, options: ExportOptions) -> ExportRendering {
        var text = "# nova.conf of nova-compute on \(inventory.node): the devices pcihide hides there\n[pci]\n"
        var aliases: [(PCIIds, String)] = []
        for d in inventory.devices {
            guard let ids = d.ids else { continue }
            text += "device_spec = {\"vendor_id\": \"\(hex(ids.vendor, 4))\", \"product_id\": \"\(hex(ids.device, 4))\", \"address\": \"\(d.address)\", \"managed\": \"no\"}\n"
            let type = deviceType(d)
            if !aliases.contains(where: { $0.0 == ids && $0.1 == type }) { aliases.append((ids, type)) }
        }
        if !aliases.isEmpty { text += "# the same alias lines in nova.conf of nova-api and of every compute node\n" }
        for (ids, type) in aliases {
            text += "alias = {\"name\": \"\(aliasName(ids, type: type))\", \"device_type\": \"\(type)\", \"vendor_id\": \"\(hex(ids.vendor, 4))\", \"product_id\": \"\(hex(ids.device, 4))\"}\n"
        }
        var notes = ["managed: \"no\" tells Nova the device is already off the host's drivers at boot: keep pcihide persist in place on the node"]
        if inventory.devices.isEmpty { notes = ["nothing is hidden on \(inventory.node)"] }
        return ExportRendering(text: text, notes: notes)
    }
}
