import PCIModel

/// Unraid's `/boot/config/vfio-pci.cfg`: one `BIND=` line of `DDDD:BB:DD.F|VVVV:DDDD` entries,
/// sorted as Unraid's web UI writes them; Unraid's boot script checks each device's ids.
public enum UnraidFormat: ExportFormat {
    public static let name = "unraid"
    public static let summary = "Unraid /boot/config/vfio-pci.cfg BIND= line"

    public static func render(_ inventory: FleetInventory, options: ExportOptions) -> ExportRendering {
        let items = inventory.devices.compactMap { d in d.ids.map { "\(d.address)|\($0)" } }.sorted()
        var notes = ["Unraid binds these to vfio-pci at its next boot; check with pcihide export --check --format unraid after it"]
        if items.isEmpty { notes = ["nothing is hidden on \(inventory.node)"] }
        return ExportRendering(text: "BIND=" + items.joined(separator: " ") + "\n", notes: notes)
    }
}
