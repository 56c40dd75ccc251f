import PCIModel
import SystemIO

/// One line of the history: what changed, derived by comparing the state before and after a
/// command, so that no command can change the state without it being recorded.
public struct HistoryEvent: Equatable, Sendable {
    public var time: String
    public var text: String

    public var line: String { time + " " + text }

    static func owner(_ id: Int?, in state: PCIHideState) -> String {
        guard let id else { return "free" }
        return "domain " + (state.domain(id)?.label ?? String(id))
    }

    /// The events that turn `before` into `after`.
    public static func diff(_ before: PCIHideState, _ after: PCIHideState, time: String) -> [HistoryEvent] {
        var out: [String] = []
        let beforeDomains = Dictionary(uniqueKeysWithValues: before.domains.map { ($0.id, $0) })
        let afterDomains = Dictionary(uniqueKeysWithValues: after.domains.map { ($0.id, $0) })
        for d in after.domains where beforeDomains[d.id] == nil { out.append("domain-start \(d.label)") }
        for d in before.domains where afterDomains[d.id] == nil { out.append("domain-kill \(d.label)") }
        // Most commands change a few entries of a set whose order they keep: compare side by side
        // then, and index by selection only when devices were added or removed.
        let aligned = before.hidden.count == after.hidden.count
            && before.hidden.indices.allSatisfy { before.hidden[$0].selection == after.hidden[$0].selection }
        let old = aligned ? [:] : Dictionary(uniqueKeysWithValues: before.hidden.map { ($0.selection, $0) })
        let new = aligned ? [:] : Dictionary(uniqueKeysWithValues: after.hidden.map { ($0.selection, $0) })
        for k in after.hidden.indices {
            if aligned && before.hidden[k] == after.hidden[k] { continue }
            let e = after.hidden[k]
            guard let o = aligned ? before.hidden[k] : old[e.selection] else {
                out.append("hide \(e.selection)")
                if e.owner != nil { out.append("owner \(e.selection) free -> \(owner(e.owner, in: after))") }
                continue
            }
            if o.owner != e.owner {
                out.append("owner \(e.selection) \(owner(o.owner, in: before)) -> \(owner(e.owner, in: after))")
            }
            if o.policy != e.policy { out.append("policy \(e.selection) \(o.policy.name) -> \(e.policy.name)") }
        }
        for e in before.hidden where !aligned && new[e.selection] == nil {
            out.append("unhide \(e.selection)" + (e.owner.map { " (was owned by \(owner($0, in: before)))" } ?? ""))
        }
        return out.map { HistoryEvent(time: time, text: $0) }
    }
}

extension StateStore {
    /// The history file beside the state file: one event per line, appended under the state lock.
    public var historyPath: String { path + ".history" }

    func appendHistory(_ events: [HistoryEvent]) throws(Failure) {
        guard !events.isEmpty else { return }
        try Files.append(historyPath, Array(events.map { $0.line + "\n" }.joined().utf8))
    }

    /// Every recorded line (a line cut short by a crash is skipped).
    public func history() throws -> [String] {
        guard Files.exists(historyPath) else { return [] }
        return try Files.readText(historyPath).split(separator: "\n").map(String.init).filter { $0.count > 21 && $0.contains(" ") }
    }
}
