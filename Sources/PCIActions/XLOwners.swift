import PCIInventory
import PCIModel
import PCIOwnership
import PCIState
import PCIToolstacks
import SystemIO

/// `owners --toolstack xl|libvirt`: the devices the toolstack reports, one row each, beside what
/// the ledger says of them.
public struct XLOwners {
    public struct Row {
        public var device: XLToolstack.Device
        /// The ledger's word: `domain 1 (web)`, `free`, `reserved for domain 4`, `not hidden`.
        public var ledger: String
        public var agrees: Bool
    }
    public var rows: [Row] = []

    public init(devices: [XLToolstack.Device], state: PCIHideState) {
        for d in devices {
            let entry = state.entry(hiding: d.address)
            let ledger = entry.map { Ownership.ownerText($0, in: state) } ?? "not hidden"
            // Attached to a domain: the ledger must name that domain. Assignable (free in the
            // toolstack): the ledger must not give it to a domain.
            let agrees = d.domain.map { entry?.owner == $0 } ?? (entry?.owner == nil)
            rows.append(Row(device: d, ledger: ledger, agrees: agrees))
        }
        // Devices the ledger gives to a domain but the toolstack does not show attached.
        for e in state.hidden where e.owner != nil {
            guard let a = e.selection.address, !devices.contains(where: { $0.address == a }) else { continue }
            rows.append(Row(device: XLToolstack.Device(address: a), ledger: Ownership.ownerText(e, in: state), agrees: false))
        }
        rows.sort { $0.device.address < $1.device.address }
    }

    public func table() -> String {
        var cells = [["DEVICE", "OWNER", "VDEV", "LEDGER"]]
        for r in rows { cells.append([r.device.address.description, r.device.ownerText, r.device.vdev ?? "-", r.ledger + (r.agrees ? "" : "  !")]) }
        let widths = (0..<4).map { c in cells.map { $0[c].count }.max()! }
        return cells.map { r in
            r.enumerated().map { c, v in c == 3 ? v : v + String(repeating: " ", count: widths[c] - v.count) }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    public func json() -> [JSON] {
        rows.map { r in
            let d = r.device
            return .object([
                ("address", JSONDocument.address(d.address)),
                ("owner", JSONDocument.domain(d.domain, name: d.domainName)),
                ("vdev", JSONDocument.string(d.vdev)),
                ("ledger", .string(r.ledger)),
                ("agrees", .bool(r.agrees)),
            ])
        }
    }
}
