import PCIInventory
import PCIModel
import PCISpec
import PCIState
import SystemIO

/// The steps hide and unhide share: specs to entries, presence warnings, messages.
public enum HiddenSetChange {
    /// Parses specs as hide does, for the ownership commands.
    public static func selections(_ specs: [String]) throws -> [DeviceSelection] {
        try entries(from: SpecParser.parseAll(specs)).map(\.selection)
    }

    /// One entry per selection; a spec that names a device only by `name=` cannot be hidden.
    public static func entries(from specs: [DeviceSpec]) throws(SpecErrors) -> [HiddenEntry] {
        var errors: [SpecError] = []
        var out: [HiddenEntry] = []
        var seen = Set<DeviceSelection>()
        let now = Clock.nowRFC3339()
        for overlap in SpecParser.overlaps(in: specs) { warn(overlap) }
        for spec in specs {
            if spec.selections.isEmpty {
                errors.append(
                    SpecError(
                        input: spec.input, start: 0, length: spec.input.utf8.count,
                        reason: "this spec names a device only by name=\(spec.options.name ?? ""); pcihide needs its address (bdf=BB:DD.F)"))
            }
            for s in spec.selections where seen.insert(s).inserted {
                var e = HiddenEntry(selection: s, since: now, vslot: spec.options.vslot, permissive: spec.options.permissive)
                let o = spec.options
                if let v = o.msitranslate { e.xlOptions["msitranslate"] = v ? "1" : "0" }
                if let v = o.seize { e.xlOptions["seize"] = v ? "1" : "0" }
                if let v = o.powerManagement { e.xlOptions["power_mgmt"] = v ? "1" : "0" }
                if let v = o.rdmPolicy { e.xlOptions["rdm_policy"] = v.rawValue }
                if let v = o.name { e.xlOptions["name"] = v }
                out.append(e)
            }
        }
        if !errors.isEmpty { throw SpecErrors(errors) }
        return out
    }

    /// Warns about selections that match no device on the current source (a typo, or a bus
    /// number that moved). Hiding them is still allowed: the card may not be fitted yet.
    /// `present`: the tree's addresses, nil when the tree cannot be read (then nothing is said).
    public static func warnAbsent(_ selections: [DeviceSelection], present: [PCIAddress]?, tree: SysfsTree) {
        guard let present else { return }
        let matched = PresentSet(present)
        for s in selections where !matched.containsAny(s) {
            warn("\(s) is not present in \(tree.devicesDirectory); check the address (lspci -D lists them)")
        }
    }

    /// Hides the entries in order; the first refusal stops the command (nothing is written).
    public static func hide(_ entries: [HiddenEntry], in state: inout PCIHideState) throws(Failure) -> [String] {
        var messages: [String] = []
        messages.reserveCapacity(entries.count)
        for (entry, result) in zip(entries, state.hide(entries)) {
            // Hiding again with other xl options updates them, saying what changed.
            if result == .alreadyHidden, let had = state.entry(for: entry.selection), let change = optionChange(from: had, to: entry) {
                state.update(entry.selection) { e in
                    if entry.vslot != nil { e.vslot = entry.vslot }
                    if entry.permissive != nil { e.permissive = entry.permissive }
                    e.xlOptions.merge(entry.xlOptions) { $1 }
                }
                messages.append("\(entry.selection) is already hidden; its xl options changed: \(change)")
                continue
            }
            messages.append(try message(entry, result, in: state))
        }
        return messages
    }

    /// `permissive 0 -> 1, msitranslate - -> 0`, for the options `new` gives that differ; nil when none.
    public static func optionChange(from old: HiddenEntry, to new: HiddenEntry) -> String? {
        var parts: [String] = []
        func show(_ v: String?) -> String { v ?? "-" }
        if let v = new.vslot, v != old.vslot { parts.append("vslot \(show(old.vslot.map { hex($0, 2) })) -> \(hex(v, 2))") }
        if let p = new.permissive, p != old.permissive { parts.append("permissive \(show(old.permissive.map { $0 ? "1" : "0" })) -> \(p ? "1" : "0")") }
        for k in HiddenEntry.xlOptionKeys { if let v = new.xlOptions[k], v != old.xlOptions[k] { parts.append("\(k) \(show(old.xlOptions[k])) -> \(v)") } }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    public static func message(_ entry: HiddenEntry, _ result: PCIHideState.HideResult, in state: PCIHideState) throws(Failure) -> String {
        switch result {
        case .added: return "hidden \(entry.selection)"
        case .alreadyHidden: return "\(entry.selection) is already hidden"
        case .coveredBy(let w): return "\(entry.selection) is already hidden by \(w)"
        case .absorbed(let inner):
            return "hidden \(entry.selection), which takes in \(inner.map(\.description).joined(separator: ", ")) (one entry per device, so that each has one owner)"
        case .overlaps(let claimed):
            let what = claimed.map { e in "\(e.selection) (\(recordText(e, in: state)))" }.joined(separator: ", ")
            throw Failure(.usage, "\(entry.selection) overlaps \(what): a device is hidden by one entry only, so that it has one owner; release or unhide \(claimed.count == 1 ? "it" : "them") first, or hide the other functions by name; nothing was changed")
        }
    }

    /// What is recorded on an entry, for a refusal.
    public static func recordText(_ e: HiddenEntry, in state: PCIHideState) -> String {
        var parts: [String] = []
        if let o = e.owner { parts.append("owned by domain \(state.domain(o)?.label ?? String(o))") }
        if let r = e.reservedFor { parts.append("reserved for domain \(r)") } else if e.policy == .manual { parts.append("policy manual") }
        if let d = e.runtimeDriver { parts.append("bound to \(d)") }
        if let v = e.vslot { parts.append("vslot \(hex(v, 2))") }
        if e.permissive != nil { parts.append("permissive set") }
        return parts.joined(separator: ", ")
    }

    public static func unhide(_ s: DeviceSelection, force: Bool, in state: inout PCIHideState) throws(Failure) -> String {
        if let e = state.entry(for: s), let o = e.owner, !force {
            throw Failure(.usage, "\(s) is owned by domain \(state.domain(o)?.label ?? String(o)); release it first or add --force")
        }
        switch state.unhide(s) {
        case .removed: return "unhidden \(s)"
        case .notHidden: return "\(s) is not hidden"
        case .coveredBy(let w):
            throw Failure(.usage, "\(s) is hidden by the wildcard \(w); unhide \(w) and hide the devices you want to keep hidden")
        }
    }
}
