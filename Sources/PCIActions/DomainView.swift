import PCIModel
import PCIState
import SystemIO

/// `domain list`: the running domains and the devices each owns, as text or JSON.
public enum DomainView {
    public static func render(_ state: PCIHideState, json: Bool) -> String {
        func owned(_ id: Int) -> [String] { state.hidden.filter { $0.owner == id }.map(\.selection.description) }
        if json {
            return JSONDocument.render(
                "domain list", "domains",
                state.domains.map { d in
                    .object([
                        ("domain", .number(Double(d.id))), ("name", JSONDocument.string(d.name)),
                        ("state", .string("running")), ("started", .string(d.started)),
                        ("devices", JSONDocument.strings(owned(d.id))),
                    ])
                })
        }
        return state.domains.map { d in
            let devices = owned(d.id)
            return "\(d.id)\t\(d.name ?? "-")\trunning since \(d.started)\t\(devices.isEmpty ? "no devices" : devices.joined(separator: " "))\n"
        }.joined()
    }
}
