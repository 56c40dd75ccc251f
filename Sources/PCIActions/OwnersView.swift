import PCIInventory
import PCIModel
import PCIOwnership
import PCIState
import SystemIO

/// `owners` from the ledger: who owns each hidden device, its policy, since when, and whether it
/// is in effect (every present device of the entry on a passthrough driver).
public enum OwnersView {
    /// The table or JSON; `tree` nil: names and "in effect" unknown.
    public static func render(state: PCIHideState, tree: SysfsTree?, json: Bool) -> String {
        // Names are a courtesy: without a readable inventory the rows still show.
        let inventory = tree.flatMap { try? Inventory(source: .sysfs($0.root)) }
        func name(_ e: HiddenEntry) -> String? {
            guard let a = e.selection.address, let inv = inventory, let d = inv.device(a) else { return nil }
            return inv.vendorDeviceName(d)
        }
        // In effect: every present device of the entry is held by a passthrough driver.
        let present = (try? tree?.addresses()) ?? nil
        func effect(_ e: HiddenEntry) -> (Bool?, String) {
            guard let tree, let present else { return (nil, "unknown") }
            let devices = present.filter { e.selection.matches($0) }
            if devices.isEmpty { return (false, "no (not present)") }
            let holders = devices.compactMap { a -> String? in
                let d = tree.driver(a)
                return d.map(HostNames.passthroughDrivers.contains) == true ? nil : (d ?? "no driver")
            }
            return holders.isEmpty ? (true, "yes") : (false, "no (" + Set(holders).sorted().joined(separator: ", ") + " has it)")
        }
        if json {
            return JSONDocument.render(
                "owners", "devices",
                state.hidden.map { e in
                    .object(
                        JSONDocument.selection(e.selection) + [("deviceName", JSONDocument.string(name(e)))]
                            + JSONDocument.ledger(e, in: state)
                            + JSONDocument.policy(e.policy, in: state)
                            + [("since", .string(e.ownerSince ?? e.since)), ("inEffect", JSONDocument.bool(effect(e).0))])
                })
        }
        var rows = [["DEVICE", "NAME", "OWNER", "POLICY", "SINCE", "IN EFFECT"]]
        for e in state.hidden {
            rows.append([e.selection.description, name(e) ?? "-", Ownership.ownerText(e, in: state), e.policy.name, e.ownerSince ?? e.since, effect(e).1])
        }
        let widths = (0..<6).map { c in rows.map { $0[c].count }.max()! }
        return rows.map { r in
            r.enumerated().map { c, v in c == 5 ? v : v + String(repeating: " ", count: widths[c] - v.count) }.joined(separator: "  ") + "\n"
        }.joined()
    }
}
