import PCIModel

/// A Node Feature Discovery feature file (local source, `features.d/`): pcihide's facts as node
/// labels, so that a scheduler can pick nodes with ready devices. Labels without a namespace
/// get NFD's `feature.node.kubernetes.io/`; ids as NFD's own pci labels spell them
/// (class cut to 4 hex digits, vendor, device).
public enum NFDFormat: ExportFormat {
    public static let name = "nfd"
    public static let summary = "Node Feature Discovery features.d file: hidden and ready counts as labels"
    public static let drivers: Set<String> = ["vfio-pci", "pciback", "xen-pciback"]

    public static func render(_ inventory: FleetInventory, options: ExportOptions) -> ExportRendering {
        let reports = ExportCheck.run(inventory, format: nil).devices
        var kinds: [String] = []
        var hidden: [String: Int] = [:], ready: [String: Int] = [:]
        for r in reports {
            guard let i = r.device.identity else { continue }
            let label = hex(i.classCode >> 8, 4) + "_" + hex(i.vendor, 4) + "_" + hex(i.device, 4)
            if !kinds.contains(label) { kinds.append(label) }
            hidden[label, default: 0] += 1
            if r.ready { ready[label, default: 0] += 1 }
        }
        var text = "# pcihide's facts on \(inventory.node) for Node Feature Discovery's local source\n"
        text += "# (/etc/kubernetes/node-feature-discovery/features.d/pcihide; labels feature.node.kubernetes.io/pcihide-*)\n"
        text += "pcihide-iommu=\(inventory.iommu)\n"
        text += "pcihide-hidden=\(reports.count)\n"
        text += "pcihide-ready=\(reports.filter(\.ready).count)\n"
        for k in kinds.sorted() {
            text += "pcihide-hidden-\(k)=\(hidden[k, default: 0])\n"
            text += "pcihide-ready-\(k)=\(ready[k, default: 0])\n"
        }
        return ExportRendering(text: text, notes: ["ready counts what pcihide export --check finds ready now; write the file again after a change (NFD reads features.d again by itself)"])
    }
}
