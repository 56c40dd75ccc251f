import Glibc
import PCIFleet
import PCIModel
import PCIReadiness
import PCISpec
import PCIState
import SystemIO

public enum ExportReport {
    public static func findings(_ fs: [Finding]) -> JSON {
        .array(fs.map { f in .object([("text", .string(f.text)), ("fix", JSONDocument.string(f.fix))]) })
    }

    public static func text(_ result: NodeCheck, format: (any ExportFormat.Type)?, node: String) -> String {
        var out = ""
        let consumer = format.map { " for \($0.name)" } ?? ""
        if result.devices.isEmpty { out += "nothing is hidden: no device to check\n" }
        if !result.node.isEmpty {
            out += "\(node): NOT ready\(consumer)\n"
            for f in result.node { out += "  - " + f.text + (f.fix.map { "; fix: " + $0 } ?? "") + "\n" }
        }
        for r in result.devices {
            out += "\(r.device.address): " + (r.ready ? "ready\(consumer)" : "NOT ready\(consumer)") + "\n"
            for f in r.findings { out += "  - " + f.text + (f.fix.map { "; fix: " + $0 } ?? "") + "\n" }
        }
        return out
    }

    public static func device(_ d: FleetDevice) -> [(String, JSON)] {
        let i = d.identity
        return [
            ("address", .string(d.address.description)),
            ("vendor", JSONDocument.string(i.map { hex($0.vendor, 4) })),
            ("device", JSONDocument.string(i.map { hex($0.device, 4) })),
            ("subsystemVendor", JSONDocument.string(i?.subsystem.map { hex($0.vendor, 4) })),
            ("subsystemDevice", JSONDocument.string(i?.subsystem.map { hex($0.device, 4) })),
            ("class", JSONDocument.string(i.map { hex($0.classCode, 6) })),
            ("serial", JSONDocument.string(i?.serial)),
            ("iommuGroup", JSONDocument.group(d.iommuGroup)),
            ("driver", JSONDocument.string(d.driver)),
            ("identityRecorded", .bool(d.identityRecorded)),
        ]
    }

    public static func json(_ result: NodeCheck, format: (any ExportFormat.Type)?, node: String) -> String {
        JSONDocument.render(
            "export", "devices",
            result.devices.map { r in
                .object(device(r.device) + [("findings", findings(r.findings)), ("ready", .bool(r.ready))])
            },
            extra: [
                ("format", JSONDocument.string(format?.name)), ("node", .string(node)), ("check", .bool(true)),
                ("nodeFindings", findings(result.node)), ("ready", .bool(result.ready)),
            ])
    }

    public static func json(_ rendering: ExportRendering, format: any ExportFormat.Type, inventory: FleetInventory) -> String {
        JSONDocument.render(
            "export", "devices", inventory.devices.map { .object(device($0)) },
            extra: [
                ("format", .string(format.name)), ("node", .string(inventory.node)), ("check", .bool(false)),
                ("text", .string(rendering.text)), ("notes", JSONDocument.strings(rendering.notes)),
            ])
    }
}
