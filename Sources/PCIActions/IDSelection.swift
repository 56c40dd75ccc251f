import PCIInventory
import PCIModel
import SystemIO

/// Devices chosen by what they are rather than where: `10de:1b81`, or with the subsystem
/// `10de:1b81:1043:8599`. A pair of four-digit hex numbers is never an address (`BB:DD.F`
/// has a dot), so the forms do not collide.
public enum IDSelection {
    /// The ids a spec names, or nil when it is not of this form.
    public static func ids(_ spec: String) -> (PCIIds, PCIIds?)? {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 4, parts.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isHexDigit) }) else { return nil }
        let n = parts.map { UInt16($0, radix: 16)! }
        return (PCIIds(vendor: n[0], device: n[1]), parts.count == 4 ? PCIIds(vendor: n[2], device: n[3]) : nil)
    }

    /// The specs with each id form replaced by the addresses of the present devices it selects
    /// (said on standard error); `one`: an id form must select exactly one.
    public static func expand(_ specs: [String], tree: SysfsTree, one: Bool) throws -> [String] {
        guard specs.contains(where: { ids($0) != nil }) else { return specs }
        let present = try tree.addresses()
        var out: [String] = []
        for spec in specs {
            guard let (want, sub) = ids(spec) else { out.append(spec); continue }
            let matches = present.filter { a in
                guard tree.ids(a) == want else { return false }
                guard let sub else { return true }
                guard let sv = tree.hexAttribute(a, "subsystem_vendor"), let sd = tree.hexAttribute(a, "subsystem_device") else { return false }
                return PCIIds(vendor: UInt16(truncatingIfNeeded: sv), device: UInt16(truncatingIfNeeded: sd)) == sub
            }
            if matches.isEmpty {
                throw Failure(.noInput, "\(spec) selects no device in \(tree.devicesDirectory) (lspci -nn shows the ids present)")
            }
            if one && matches.count > 1 {
                throw Failure(.usage, "\(spec) selects \(matches.count) devices, and --one asks for exactly one: \(matches.map(\.description).joined(separator: ", ")); name the one you mean by its address; nothing was hidden")
            }
            note("\(spec) selects \(matches.count) device\(matches.count == 1 ? "" : "s"): \(matches.map(\.description).joined(separator: ", "))")
            out += matches.map(\.description)
        }
        return out
    }
}
