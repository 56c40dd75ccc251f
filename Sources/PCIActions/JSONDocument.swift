import PCIModel
import PCIState
import SystemIO

/// pcihide's one JSON vocabulary (man page, JSON OUTPUT; `schema/pcihide-output.schema.json`).
///
/// Every `--json` prints one object: `{"schemaVersion": 1, "command": "list", "devices": [...]}`.
/// Across commands the same word means the same thing: `address` is always `DDDD:BB:DD.F` (a
/// hidden-set entry may end in `.*`, with `"wildcard": true`), `owner` and `reservedFor` are
/// always `null` or `{"domain": N, "name": S|null}`, `iommuGroup` and domain ids are numbers,
/// vendor, device and class ids are lowercase hex strings, names end in `Name`. A script checks
/// `schemaVersion` and can rely on the rest; a change of meaning raises it.
public enum JSONDocument {
    public static let schemaVersion = 1

    /// The document: the version, the command that printed it, and its list under `key`.
    public static func render(_ command: String, _ key: String, _ items: [JSON], extra: [(String, JSON)] = []) -> String {
        JSON.object([("schemaVersion", .number(Double(schemaVersion))), ("command", .string(command))] + extra + [(key, .array(items))]).serialized()
    }

    public static func string(_ s: String?) -> JSON { s.map { .string($0) } ?? .null }
    public static func number(_ n: Int?) -> JSON { n.map { .number(Double($0)) } ?? .null }
    public static func bool(_ b: Bool?) -> JSON { b.map { .bool($0) } ?? .null }
    public static func strings(_ xs: [String]) -> JSON { .array(xs.map { .string($0) }) }
    public static func address(_ a: PCIAddress) -> JSON { .string(a.description) }

    /// A hidden-set entry's address and whether it is a wildcard.
    public static func selection(_ s: DeviceSelection) -> [(String, JSON)] {
        [("address", .string(s.description)), ("wildcard", .bool(s.isWildcard))]
    }

    /// `{"domain": N, "name": S|null}`, the one shape of a guest domain anywhere.
    public static func domain(_ id: Int?, name: String?) -> JSON {
        guard let id else { return .null }
        return .object([("domain", .number(Double(id))), ("name", string(name))])
    }

    public static func domain(_ id: Int?, in state: PCIHideState) -> JSON {
        domain(id, name: id.flatMap { state.domain($0)?.name })
    }

    /// The ledger's word on an entry: owner, reservation, hand-over policy.
    public static func ledger(_ e: HiddenEntry?, in state: PCIHideState) -> [(String, JSON)] {
        [("owner", domain(e?.owner, in: state)), ("reservedFor", domain(e?.reservedFor, in: state))]
    }

    /// The hand-over policy: `auto`, `manual` or `pinned` with the domain it is pinned to.
    public static func policy(_ p: HandOverPolicy, in state: PCIHideState) -> [(String, JSON)] {
        if case .pinned(let d) = p { return [("policy", .string("pinned")), ("pinnedTo", domain(d, in: state))] }
        return [("policy", .string(p.name)), ("pinnedTo", .null)]
    }

    /// A kernel IOMMU group name ("12") as the number it is.
    public static func group(_ g: String?) -> JSON { number(g.flatMap { Int($0) }) }

    /// An entry's xl options with their types: vslot a number, flags booleans, the rest strings.
    public static func xlOptions(_ e: HiddenEntry) -> JSON {
        var pairs: [(String, JSON)] = [("vslot", number(e.vslot.map(Int.init))), ("permissive", bool(e.permissive))]
        for k in HiddenEntry.xlOptionKeys {
            guard let v = e.xlOptions[k] else { pairs.append((k, .null)); continue }
            pairs.append((k, k == "rdm_policy" || k == "name" ? .string(v) : .bool(v == "1")))
        }
        return .object(pairs)
    }
}
