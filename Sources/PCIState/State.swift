import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// How a hidden device is handed to guest domains.
public enum HandOverPolicy: Hashable, Sendable {
    /// The 2005 prototype's rule: the first domain started gets it; when that domain dies, the
    /// next domain started afterwards does.
    case auto
    /// Given to one domain (by `assign`): it gets the device now or at its next start.
    case pinned(Int)
    /// Never handed over automatically.
    case manual

    public var name: String {
        switch self {
        case .auto: return "auto"
        case .pinned(let d): return "pinned to \(d)"
        case .manual: return "manual"
        }
    }
}

/// What a device is, beyond its address (which moves when a card is added): ids, class, the
/// bridges above it and its serial number, recorded when it is hidden.
public struct DeviceIdentity: Hashable, Sendable {
    public var vendor: UInt16
    public var device: UInt16
    public var subsystem: PCIIds?
    /// Class, subclass, prog-if (24 bits).
    public var classCode: UInt32
    /// The bridges from the root complex down to it (`DDDD:BB:DD.F`, nearest the root first).
    public var path: [String]
    /// The Device Serial Number (`xx-xx-...`), when the device has one and it could be read.
    public var serial: String?

    public init(vendor: UInt16, device: UInt16, subsystem: PCIIds?, classCode: UInt32, path: [String], serial: String?) {
        self.vendor = vendor; self.device = device; self.subsystem = subsystem; self.classCode = classCode; self.path = path; self.serial = serial
    }

    /// `10de:1b81 (subsystem 1043:8599, class 030000)`.
    public var summary: String {
        hex(vendor, 4) + ":" + hex(device, 4) + " (" + (subsystem.map { "subsystem \($0), " } ?? "") + "class " + hex(classCode, 6)
            + (serial.map { ", serial \($0)" } ?? "") + ")"
    }

    /// Whether `other` (read now) is the device recorded: the same ids, subsystem and class, and
    /// the same serial when both have one. The path is not compared: a card moved to another
    /// slot is still the card.
    public func matches(_ other: DeviceIdentity) -> Bool {
        vendor == other.vendor && device == other.device && subsystem == other.subsystem && classCode == other.classCode
            && (serial == nil || other.serial == nil || serial == other.serial)
    }
}

extension HiddenEntry {
    /// The xl keys kept besides vslot and permissive.
    public static let xlOptionKeys = ["msitranslate", "seize", "power_mgmt", "rdm_policy", "name"]

    /// `,permissive=1,msitranslate=0,...` as an xl PCI_SPEC_STRING carries them (vslot apart).
    public var xlOptionText: String {
        (permissive.map { [",permissive=" + ($0 ? "1" : "0")] } ?? [])
            .joined() + Self.xlOptionKeys.compactMap { k in xlOptions[k].map { "," + k + "=" + $0 } }.joined()
    }
}

/// A hidden device or wildcard, with the xl options it was given, when it was hidden, and who owns it.
public struct HiddenEntry: Hashable, Sendable {
    public var selection: DeviceSelection
    /// RFC 3339 UTC.
    public var since: String
    public var vslot: UInt8?
    /// The other xl options given at hide time (msitranslate, seize, power_mgmt, rdm_policy,
    /// name), as xl spells their values: the guest configuration carries them.
    public var xlOptions: [String: String] = [:]
    public var permissive: Bool?
    public var policy: HandOverPolicy = .auto
    /// The running domain that has the device now.
    public var owner: Int?
    /// When the current owner got it (or when it was last freed).
    public var ownerSince: String?
    /// Bound at runtime (`hide --now`): the driver it was handed to, and the driver it had
    /// before (nil: none), which `unhide --now` binds again.
    public var runtimeDriver: String?
    public var originalDriver: String?
    /// What the device was when it was hidden (exact entries of present devices).
    public var identity: DeviceIdentity?

    public init(selection: DeviceSelection, since: String, vslot: UInt8? = nil, permissive: Bool? = nil) {
        self.selection = selection
        self.since = since
        self.vslot = vslot
        self.permissive = permissive
    }

    /// Something is recorded on it besides its being hidden: it cannot be merged into a wider
    /// entry without losing it.
    public var carriesRecords: Bool {
        owner != nil || policy != .auto || runtimeDriver != nil || vslot != nil || permissive != nil || !xlOptions.isEmpty
    }

    /// The domain a pinned device waits for, when it does not have it yet.
    public var reservedFor: Int? {
        if case .pinned(let d) = policy, owner != d { return d }
        return nil
    }
}

/// A guest domain pcihide knows to be running.
public struct GuestDomain: Hashable, Sendable {
    public static let validIds = 1...0x7fef
    public var id: Int
    public var name: String?
    /// RFC 3339 UTC.
    public var started: String
    public init(id: Int, name: String?, started: String) {
        self.id = id; self.name = name; self.started = started
    }

    /// `3 (web)` or `3`.
    public var label: String { name.map { "\(id) (\($0))" } ?? String(id) }
}

/// Everything pcihide records. Schema version 1: the hidden set; version 2 adds ownership
/// (policy and owner per device, running domains); version 3 adds runtime binding (the driver a
/// device was bound to by `hide --now` and the one it had before). Older files are read and
/// written back as the current version; version 4 adds the transaction number that pairs the
/// file with its history (see `StateStore.update`).
/// The history of changes is kept beside it (see `StateStore`), so it never slows a command down.
public struct PCIHideState: Equatable, Sendable {
    public static let format = "pcihide-state"
    public static let currentVersion = 4

    /// The number of the last change written (0 before version 4). Every history line carries
    /// the number of the change it belongs to; a line numbered above this never took effect.
    /// Not part of equality: two states with the same devices and domains are the same state.
    public var transaction = 0

    public static func == (a: PCIHideState, b: PCIHideState) -> Bool {
        a.hidden == b.hidden && a.domains == b.domains
    }

    /// Sorted by selection; at most one entry per selection.
    public private(set) var hidden: [HiddenEntry] = []
    /// Running domains, by id.
    public var domains: [GuestDomain] = []

    public init(hidden: [HiddenEntry] = [], domains: [GuestDomain] = []) {
        // Files are written sorted: skip the sort (and its copies) when they still are.
        let inOrder = hidden.indices.dropFirst().allSatisfy { hidden[$0 - 1].selection < hidden[$0].selection }
        self.hidden = inOrder ? hidden : hidden.sorted { $0.selection < $1.selection }
        self.domains = domains.sorted { $0.id < $1.id }
    }

    public func domain(_ id: Int) -> GuestDomain? { domains.first { $0.id == id } }

    /// The first index whose selection is not below `s` (the set is sorted by selection, and
    /// every entry a wildcard covers sorts right after it: `BB:*.*` first in its bus, `DD.*`
    /// first in its slot).
    func lowerBound(_ s: DeviceSelection) -> Int {
        var lo = 0, hi = hidden.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if hidden[mid].selection < s { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func index(of s: DeviceSelection) -> Int? {
        let i = lowerBound(s)
        return i < hidden.count && hidden[i].selection == s ? i : nil
    }

    /// Changes the entry for `selection` in place.
    public mutating func update(_ selection: DeviceSelection, _ body: (inout HiddenEntry) -> Void) {
        if let i = index(of: selection) { body(&hidden[i]) }
    }

    /// The entry whose selection is exactly `s`.
    public func entry(for s: DeviceSelection) -> HiddenEntry? {
        index(of: s).map { hidden[$0] }
    }

    /// The entry (exact or wildcard) that hides `address`, preferring the exact one.
    public func entry(hiding address: PCIAddress) -> HiddenEntry? {
        let s = DeviceSelection(address)
        return entry(for: s) ?? covering(s)
    }

    /// The wildcards that could cover `s`, narrowest first: its slot's `DD.*`, its bus's `*.*`.
    static func wider(_ s: DeviceSelection) -> [DeviceSelection] {
        var out: [DeviceSelection] = []
        if s.function != nil { out.append(DeviceSelection(domain: s.domain, bus: s.bus, device: s.device, function: nil)) }
        if s.device != nil { out.append(DeviceSelection(domain: s.domain, bus: s.bus, device: nil, function: nil)) }
        return out
    }

    /// A wildcard entry that already covers `s`, if any.
    public func covering(_ s: DeviceSelection) -> HiddenEntry? {
        for w in Self.wider(s) { if let e = entry(for: w) { return e } }
        return nil
    }

    /// The entries `s` covers (itself included): one run of the sorted set.
    func coveredRange(_ s: DeviceSelection) -> Range<Int> {
        let start = lowerBound(s)
        var end = start
        while end < hidden.count && hidden[end].selection.isCovered(by: s) { end += 1 }
        return start..<end
    }

    /// What hiding an entry did. Entries never overlap, so that every function has one entry
    /// and so one owner: a selection inside an existing wildcard is already hidden by it; a
    /// wildcard over narrower entries takes them in when nothing is recorded on them
    /// (`absorbed`), and is refused when something is (`overlaps`: an owner, a reservation, a
    /// policy, a runtime binding or xl options that the wider entry would lose or double).
    public enum HideResult: Equatable { case added, alreadyHidden, coveredBy(DeviceSelection), absorbed([DeviceSelection]), overlaps([HiddenEntry]) }

    @discardableResult
    public mutating func hide(_ entry: HiddenEntry) -> HideResult {
        hide([entry])[0]
    }

    /// Hides entries one after the other, as many single hides would, in O(n log n): the set
    /// is looked up by binary search plus what this batch added and removed, and merged once
    /// at the end (a 75,000-entry hide inserted one by one into the sorted array was quadratic).
    public mutating func hide(_ entries: [HiddenEntry]) -> [HideResult] {
        var added: [DeviceSelection: HiddenEntry] = [:]
        var removed = Set<DeviceSelection>()
        func current(_ s: DeviceSelection) -> HiddenEntry? {
            if let e = added[s] { return e }
            if removed.contains(s) { return nil }
            return entry(for: s)
        }
        var results: [HideResult] = []
        results.reserveCapacity(entries.count)
        for e in entries {
            let s = e.selection
            if current(s) != nil { results.append(.alreadyHidden); continue }
            if let w = Self.wider(s).first(where: { current($0) != nil }) { results.append(.coveredBy(w)); continue }
            var inside: [HiddenEntry] = []
            if s.isWildcard {
                inside = hidden[coveredRange(s)].filter { !removed.contains($0.selection) }
                // Added entries a wildcard covers are among its at most 288 narrower selections.
                if !added.isEmpty {
                    let slots: [UInt8] = s.device.map { [$0] } ?? Array(0...31)
                    for d in slots {
                        if s.device == nil, let x = added[DeviceSelection(domain: s.domain, bus: s.bus, device: d, function: nil)] { inside.append(x) }
                        for f in UInt8(0)...7 {
                            if let x = added[DeviceSelection(domain: s.domain, bus: s.bus, device: d, function: f)] { inside.append(x) }
                        }
                    }
                    inside.sort { $0.selection < $1.selection }
                }
            }
            let claimed = inside.filter(\.carriesRecords)
            if !claimed.isEmpty { results.append(.overlaps(claimed)); continue }
            for x in inside {
                if added.removeValue(forKey: x.selection) == nil { removed.insert(x.selection) }
            }
            added[s] = e
            results.append(inside.isEmpty ? .added : .absorbed(inside.map(\.selection)))
        }
        if !added.isEmpty || !removed.isEmpty {
            // Entries removed and hidden again in one batch are replaced by the new ones.
            let fresh = added.values.sorted { $0.selection < $1.selection }
            var merged: [HiddenEntry] = []
            merged.reserveCapacity(hidden.count + fresh.count)
            var k = 0
            for old in hidden where !removed.contains(old.selection) {
                while k < fresh.count && fresh[k].selection < old.selection { merged.append(fresh[k]); k += 1 }
                merged.append(old)
            }
            merged.append(contentsOf: fresh[k...])
            hidden = merged
        }
        return results
    }

    /// The other entries that share a function with `e` (none, unless a file was edited by hand
    /// or written before entries were kept apart).
    public func overlapping(_ e: HiddenEntry) -> [HiddenEntry] {
        var out = Self.wider(e.selection).compactMap { entry(for: $0) }
        if e.selection.isWildcard { out += hidden[coveredRange(e.selection)].filter { $0.selection != e.selection } }
        return out
    }

    public enum UnhideResult: Equatable { case removed, notHidden, coveredBy(DeviceSelection) }

    @discardableResult
    public mutating func unhide(_ s: DeviceSelection) -> UnhideResult {
        if let i = index(of: s) {
            hidden.remove(at: i)
            return .removed
        }
        if let c = covering(s) { return .coveredBy(c.selection) }
        return .notHidden
    }

    // MARK: JSON

    public func json() -> JSON {
        .object([
            ("format", .string(Self.format)),
            ("version", .number(Double(Self.currentVersion))),
            ("transaction", .number(Double(transaction))),
            (
                "hidden",
                .array(
                    hidden.map { e in
                        var pairs: [(String, JSON)] = [("device", .string(e.selection.description)), ("since", .string(e.since))]
                        if let v = e.vslot { pairs.append(("vslot", .string(hex(v, 2)))) }
                        if !e.xlOptions.isEmpty { pairs.append(("xl", .object(e.xlOptions.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
                        if let p = e.permissive { pairs.append(("permissive", .bool(p))) }
                        switch e.policy {
                        case .auto: pairs.append(("policy", .string("auto")))
                        case .manual: pairs.append(("policy", .string("manual")))
                        case .pinned(let d): pairs.append(("policy", .string("pinned"))); pairs.append(("pinnedTo", .number(Double(d))))
                        }
                        if let o = e.owner { pairs.append(("owner", .number(Double(o)))) }
                        if let t = e.ownerSince { pairs.append(("ownerSince", .string(t))) }
                        if let d = e.runtimeDriver {
                            pairs.append(("boundTo", .string(d)))
                            pairs.append(("originalDriver", e.originalDriver.map { .string($0) } ?? .null))
                        }
                        if let i = e.identity { pairs.append(("identity", i.json)) }
                        return .object(pairs)
                    })
            ),
            (
                "domains",
                .array(
                    domains.map { d in
                        var pairs: [(String, JSON)] = [("id", .number(Double(d.id)))]
                        if let n = d.name { pairs.append(("name", .string(n))) }
                        pairs.append(("started", .string(d.started)))
                        return .object(pairs)
                    })
            ),
        ])
    }

    /// The file's bytes: the same text as `json().serializedBytes()`, with the hidden entries
    /// written straight into the buffer (building and freeing a tree of 4096 entries cost more
    /// than writing them). A test holds the two equal.
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + 128 * hidden.count)
        func put(_ s: StaticString) { JSON.put(&out, s) }
        // Each member's separator, indent and key are one literal: appending them piece by
        // piece cost a fifth of writing 4096 entries.
        func string(_ prefix: StaticString, _ value: String) { put(prefix); JSON.quote(value, into: &out) }
        func number(_ prefix: StaticString, _ value: Int) { put(prefix); JSON.put(&out, String(value)) }
        put("{\n  \"format\": \"pcihide-state\",\n  \"version\": ")
        JSON.put(&out, String(Self.currentVersion))
        number(",\n  \"transaction\": ", transaction)
        put(",\n  \"hidden\": ")
        if hidden.isEmpty {
            put("[]")
        } else {
            put("[")
            for k in hidden.indices {
                if k > 0 { put(",") }
                put("\n    {\n      \"device\": \"")
                hidden[k].selection.append(to: &out)
                out.append(UInt8(ascii: "\""))
                string(",\n      \"since\": ", hidden[k].since)
                if let v = hidden[k].vslot { string(",\n      \"vslot\": ", hex(v, 2)) }
                if !hidden[k].xlOptions.isEmpty {
                    var text = JSON.object(hidden[k].xlOptions.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).serializedBytes(indent: 3)
                    text.removeLast()
                    put(",\n      \"xl\": ")
                    out += text.drop { $0 == 0x20 }
                }
                if let p = hidden[k].permissive { put(p ? ",\n      \"permissive\": true" : ",\n      \"permissive\": false") }
                switch hidden[k].policy {
                case .auto: put(",\n      \"policy\": \"auto\"")
                case .manual: put(",\n      \"policy\": \"manual\"")
                case .pinned(let d): put(",\n      \"policy\": \"pinned\""); number(",\n      \"pinnedTo\": ", d)
                }
                if let o = hidden[k].owner { number(",\n      \"owner\": ", o) }
                if let t = hidden[k].ownerSince { string(",\n      \"ownerSince\": ", t) }
                if let d = hidden[k].runtimeDriver {
                    string(",\n      \"boundTo\": ", d)
                    if let o = hidden[k].originalDriver { string(",\n      \"originalDriver\": ", o) } else { put(",\n      \"originalDriver\": null") }
                }
                if let i = hidden[k].identity {
                    // Rare and small: the generic writer, at the entry's depth.
                    var text = i.json.serializedBytes(indent: 3)
                    text.removeLast()
                    put(",\n      \"identity\": ")
                    out += text.drop { $0 == 0x20 }
                }
                put("\n    }")
            }
            put("\n  ]")
        }
        put(",\n  \"domains\": ")
        // Few domains: the generic writer, at the same depth.
        var domainsText = JSON.array(
            domains.map { d in
                var pairs: [(String, JSON)] = [("id", .number(Double(d.id)))]
                if let n = d.name { pairs.append(("name", .string(n))) }
                pairs.append(("started", .string(d.started)))
                return .object(pairs)
            }
        ).serializedBytes(indent: 1)
        domainsText.removeLast()  // its final newline
        out += domainsText
        put("\n}\n")
        return out
    }

    /// Reads a state document. Errors name the field and why; the caller adds the file name.
    public init(json: JSON) throws(StateSchemaError) {
        try self.init(document: StateDocument(top: json, hidden: nil))
    }

    /// The same from a parsed file whose hidden entries may have been read straight into their
    /// fields (`JSON.parseState`).
    init(document: StateDocument) throws(StateSchemaError) {
        let json = document.top
        guard case .object = json else { throw StateSchemaError("the top level must be an object") }
        guard json["format"]?.string == Self.format else {
            throw StateSchemaError("\"format\" must be \"\(Self.format)\": this is not a pcihide state file")
        }
        guard let version = json["version"]?.int else { throw StateSchemaError("\"version\" must be a whole number") }
        if version > Self.currentVersion {
            throw StateSchemaError("schema version \(version) was written by a newer pcihide; this one reads versions up to \(Self.currentVersion)")
        }
        guard version >= 1 else { throw StateSchemaError("schema version \(version) is not valid") }
        let items: [EntryFields]
        if let fields = document.hidden {
            items = fields
        } else {
            guard let array = json["hidden"]?.array else { throw StateSchemaError("\"hidden\" must be an array") }
            items = array.map(EntryFields.init)
        }
        var entries: [HiddenEntry] = []
        entries.reserveCapacity(items.count)
        // Files are written sorted: while selections keep increasing none can repeat, and the
        // set of those seen is built only when the order breaks.
        var seen: Set<DeviceSelection>?
        for k in items.indices {
            let item = items[k]
            guard let text = item.device?.string, let sel = parseSelection(text) else {
                throw StateSchemaError("hidden[\(k)].device must be an address DDDD:BB:DD.F (or .*, *.*)")
            }
            if seen == nil, let last = entries.last?.selection, !(last < sel) { seen = Set(entries.map(\.selection)) }
            if seen != nil { guard seen!.insert(sel).inserted else { throw StateSchemaError("hidden[\(k)]: \(sel) is listed twice") } }
            let since = item.since?.string ?? ""
            var vslot: UInt8?
            if let v = item.vslot {
                guard let t = v.string, let n = parseHex(t.utf8), n <= 0x1f else {
                    throw StateSchemaError("hidden[\(k)].vslot must be a hex string 00-1f")
                }
                vslot = UInt8(n)
            }
            var permissive: Bool?
            if let p = item.permissive {
                guard let b = p.bool else { throw StateSchemaError("hidden[\(k)].permissive must be true or false") }
                permissive = b
            }
            var entry = HiddenEntry(selection: sel, since: since, vslot: vslot, permissive: permissive)
            if let x = item.xl {
                guard case .object(let pairs) = x else { throw StateSchemaError("hidden[\(k)].xl must be an object of xl options") }
                for (key, value) in pairs {
                    guard HiddenEntry.xlOptionKeys.contains(key), let v = value.string, !v.isEmpty,
                        v.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0 != "," && $0 != "'" && $0 != "\"" && $0.value < 0x7f })
                    else {
                        throw StateSchemaError("hidden[\(k)].xl.\(key) is not an xl option this pcihide keeps (\(HiddenEntry.xlOptionKeys.joined(separator: ", "))) with a plain value")
                    }
                    entry.xlOptions[key] = v
                }
            }
            // Version 1 had no ownership: its devices are free under the default policy.
            if version >= 2 {
                switch item.policy?.string {
                case nil, "auto": entry.policy = .auto
                case "manual": entry.policy = .manual
                case "pinned":
                    guard let d = item.pinnedTo?.int, GuestDomain.validIds.contains(d) else {
                        throw StateSchemaError("hidden[\(k)].pinnedTo must be a domain id 1-32751")
                    }
                    entry.policy = .pinned(d)
                default: throw StateSchemaError("hidden[\(k)].policy must be auto, pinned or manual")
                }
                if let o = item.owner {
                    guard let d = o.int, GuestDomain.validIds.contains(d) else {
                        throw StateSchemaError("hidden[\(k)].owner must be a domain id 1-32751")
                    }
                    entry.owner = d
                }
                entry.ownerSince = item.ownerSince?.string
            }
            if version >= 3, let bound = item.boundTo {
                guard let d = bound.string, !d.isEmpty, !d.contains("/") else {
                    throw StateSchemaError("hidden[\(k)].boundTo must be a driver name")
                }
                entry.runtimeDriver = d
                entry.originalDriver = item.originalDriver?.string
                // It becomes a sysfs path (drivers/NAME/bind) when the device is given back.
                if let o = entry.originalDriver, !HostNames.isPlainDriverName(o) {
                    throw StateSchemaError("hidden[\(k)].originalDriver must be a driver name, not \"\(o.utf8.contains(where: { $0 < 0x20 }) ? "a string with control characters" : o)\"")
                }
            }
            if let i = item.identity {
                guard let identity = DeviceIdentity(json: i) else {
                    throw StateSchemaError("hidden[\(k)].identity must be {vendor, device, subsystem, class, path, serial} with hex ids")
                }
                entry.identity = identity
            }
            entries.append(entry)
        }
        var domains: [GuestDomain] = []
        if version >= 2, let list = json["domains"] {
            guard let items = list.array else { throw StateSchemaError("\"domains\" must be an array") }
            for (k, item) in items.enumerated() {
                guard let id = item["id"]?.int, GuestDomain.validIds.contains(id) else {
                    throw StateSchemaError("domains[\(k)].id must be a domain id 1-32751")
                }
                guard !domains.contains(where: { $0.id == id }) else { throw StateSchemaError("domains[\(k)]: domain \(id) is listed twice") }
                let name = item["name"]?.string
                // A control character in a name would forge history lines or reach the terminal.
                if let name, HostNames.firstControlCharacter(in: name) != nil {
                    throw StateSchemaError("domains[\(k)].name holds a control character; names are printable characters only")
                }
                domains.append(GuestDomain(id: id, name: name, started: item["started"]?.string ?? ""))
            }
        }
        for k in entries.indices {
            if let o = entries[k].owner, !domains.contains(where: { $0.id == o }) {
                throw StateSchemaError("hidden[\(k)] is owned by domain \(o), which is not in \"domains\"")
            }
        }
        self.init(hidden: entries, domains: domains)
        if version >= 4, let value = json["transaction"] {
            guard let t = value.int, t >= 0 else { throw StateSchemaError("\"transaction\" must be a whole number 0 or more") }
            transaction = t
        }
    }
}

/// Parses the canonical text the state file stores: `DDDD:BB:DD.F`, `DDDD:BB:DD.*`, `DDDD:BB:*.*`.
func parseSelection(_ text: String) -> DeviceSelection? {
    var text = text
    return text.withUTF8 { u -> DeviceSelection? in
        let star = UInt8(ascii: "*"), colon = UInt8(ascii: ":"), dot = UInt8(ascii: ".")
        if u.count == 11, u[4] == colon, u[7] == colon, u[8] == star, u[9] == dot, u[10] == star,
            let d = parseHex(u[0..<4]), let b = parseHex(u[5..<7])
        {
            return DeviceSelection(domain: d, bus: UInt8(b), device: nil, function: nil)
        }
        guard u.count == 12, u[4] == colon, u[7] == colon, u[10] == dot else { return nil }
        guard let d = parseHex(u[0..<4]), let b = parseHex(u[5..<7]), let s = parseHex(u[8..<10]), s <= 0x1f else { return nil }
        if u[11] == star { return DeviceSelection(domain: d, bus: UInt8(b), device: UInt8(s), function: nil) }
        guard let f = parseHex(u[11..<12]), f <= 7 else { return nil }
        return DeviceSelection(domain: d, bus: UInt8(b), device: UInt8(s), function: UInt8(f))
    }
}

public struct StateSchemaError: Error, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The state file cannot be used; it is never overwritten in that case.
public struct StateFileError: PCIHideError {
    public var path: String
    /// 1-based; nil when the problem is not at one place (a schema error).
    public var line: Int?
    public var column: Int?
    public var reason: String
    public var exitStatus: ExitStatus { .dataError }
    public var description: String {
        let at = line.map { ":\($0):\(column ?? 1)" } ?? ""
        return "\(path)\(at): \(reason); the state file was left as it is (fix or move it away)"
    }
}

/// The known keys of one hidden entry, found in a single pass; unknown keys are ignored, and
/// of a repeated key the first counts (as JSON's subscript has it).
struct EntryFields {
    var device, since, vslot, permissive, policy, pinnedTo, owner, ownerSince, boundTo, originalDriver, identity, xl: JSON?

    init() {}

    init(_ object: JSON) {
        guard case .object(let pairs) = object else { return }
        for (key, value) in pairs { set(key, value) }
    }

    enum Field: Int, CaseIterable {
        case device, since, vslot, permissive, policy, pinnedTo, owner, ownerSince, boundTo, originalDriver, identity, xl

        var name: StaticString {
            switch self {
            case .device: "device"
            case .since: "since"
            case .vslot: "vslot"
            case .permissive: "permissive"
            case .policy: "policy"
            case .pinnedTo: "pinnedTo"
            case .owner: "owner"
            case .ownerSince: "ownerSince"
            case .boundTo: "boundTo"
            case .originalDriver: "originalDriver"
            case .identity: "identity"
            case .xl: "xl"
            }
        }

        /// The field whose name is exactly `bytes`.
        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard
                let f = Field.allCases.first(where: { f in
                    let n = f.name
                    return n.utf8CodeUnitCount == bytes.count && memcmp(n.utf8Start, bytes.baseAddress!, bytes.count) == 0
                })
            else { return nil }
            self = f
        }

        init?(_ key: String) {
            var key = key
            guard let f = key.withUTF8({ Field($0) }) else { return nil }
            self = f
        }
    }

    mutating func set(_ key: String, _ value: JSON) {
        if let field = Field(key) { set(field, value) }
    }

    mutating func set(_ field: Field, _ value: JSON) {
        switch field {
        case .device: if device == nil { device = value }
        case .since: if since == nil { since = value }
        case .vslot: if vslot == nil { vslot = value }
        case .permissive: if permissive == nil { permissive = value }
        case .policy: if policy == nil { policy = value }
        case .pinnedTo: if pinnedTo == nil { pinnedTo = value }
        case .owner: if owner == nil { owner = value }
        case .ownerSince: if ownerSince == nil { ownerSince = value }
        case .boundTo: if boundTo == nil { boundTo = value }
        case .originalDriver: if originalDriver == nil { originalDriver = value }
        case .identity: if identity == nil { identity = value }
        case .xl: if xl == nil { xl = value }
        }
    }
}

extension DeviceIdentity {
    var json: JSON {
        .object([
            ("vendor", .string(hex(vendor, 4))), ("device", .string(hex(device, 4))),
            ("subsystem", subsystem.map { .string($0.description) } ?? .null),
            ("class", .string(hex(classCode, 6))),
            ("path", .array(path.map { .string($0) })),
            ("serial", serial.map { .string($0) } ?? .null),
        ])
    }

    init?(json: JSON) {
        guard case .object = json, let v = json["vendor"]?.string.flatMap({ UInt16($0, radix: 16) }),
            let d = json["device"]?.string.flatMap({ UInt16($0, radix: 16) }),
            let c = json["class"]?.string.flatMap({ UInt32($0, radix: 16) }), c <= 0xffffff
        else { return nil }
        var sub: PCIIds?
        if let s = json["subsystem"], s != .null {
            guard let t = s.string, t.count == 9, let sv = UInt16(t.prefix(4), radix: 16), let sd = UInt16(t.suffix(4), radix: 16) else { return nil }
            sub = PCIIds(vendor: sv, device: sd)
        }
        var path: [String] = []
        if let p = json["path"], p != .null {
            guard let items = p.array else { return nil }
            for item in items {
                guard let t = item.string, parseSelection(t)?.address != nil else { return nil }
                path.append(t)
            }
        }
        var serial: String?
        if let s = json["serial"], s != .null {
            guard let t = s.string, t.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || hexDigitValue($0) != nil }) else { return nil }
            serial = t
        }
        self.init(vendor: v, device: d, subsystem: sub, classCode: c, path: path, serial: serial)
    }
}
