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
        let aligned =
            before.hidden.count == after.hidden.count
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

/// A line of the history file: `TIME #N TEXT`, N the transaction it belongs to. Lines written
/// before transactions were numbered have none (they count as transaction 0, committed).
public struct HistoryLine: Equatable, Sendable {
    public var time: String
    public var transaction: Int
    public var text: String

    /// The marker a later run writes after the lines of a transaction whose state file was never
    /// written (the run was killed, or the state write failed): they did not take effect.
    public static let notCommitted = "not-committed"

    public var isMarker: Bool { text.hasPrefix(Self.notCommitted) }

    public var line: String { time + " #" + String(transaction) + " " + text }

    public init(time: String, transaction: Int, text: String) {
        self.time = time; self.transaction = transaction; self.text = text
    }

    /// Parses a line; nil for one that is not a history line.
    public init?(_ line: Substring) {
        guard let space = line.firstIndex(of: " "), space > line.startIndex else { return nil }
        time = String(line[..<space])
        var rest = line[line.index(after: space)...]
        transaction = 0
        if rest.first == "#" {
            let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int(digits), rest.dropFirst(1 + digits.count).first == " " else { return nil }
            transaction = n
            rest = rest.dropFirst(2 + digits.count)
        }
        guard !rest.isEmpty else { return nil }
        text = String(rest)
    }

    static func marker(_ transaction: Int, time: String) -> HistoryLine {
        HistoryLine(
            time: time, transaction: transaction,
            text: "\(notCommitted) (the state file was not replaced: the lines of #\(transaction) above did not take effect)")
    }
}

/// The history read back: the lines of changes that took effect, and how many lines described
/// changes that did not (marked by a later run, or numbered above the state's transaction: a run
/// killed between the two writes, which the next writer will mark).
public struct HistoryRecord: Sendable {
    public var committed: [HistoryLine]
    public var uncommitted: Int
}

extension StateStore {
    /// The history file beside the state file: one event per line, appended under the state lock.
    public var historyPath: String { path + ".history" }

    /// Writes one change and its history as a pair, holding the lock. The history lines are
    /// written first, numbered with the change's transaction, and the state file (which carries
    /// the number) is replaced second. A run killed between the two leaves lines numbered above
    /// the state's transaction: readers skip them and the next writer marks them not committed.
    /// So a change in the state file always has its lines, and a line never claims a change that
    /// did not happen.
    func commit(_ state: inout PCIHideState, from before: PCIHideState) throws(StateWriteError) {
        // The lines of a transaction a killed run left behind are marked before new ones follow.
        let last: HistoryLine?
        do {
            last = try Files.lastLine(ofAppendOnly: historyPath).flatMap { HistoryLine(String(decoding: $0, as: UTF8.self)[...]) }
        } catch {
            throw StateWriteError(exitStatus: error.exitStatus, message: "cannot write the history \(historyPath): \(error.message); nothing was recorded")
        }
        let time = Clock.nowRFC3339()
        var lines: [HistoryLine] = []
        if let last, last.transaction > before.transaction, !last.isMarker {
            lines.append(.marker(last.transaction, time: time))
        }
        state.transaction = max(before.transaction, last?.transaction ?? 0) + 1
        let events = HistoryEvent.diff(before, state, time: time)
        lines += events.map { HistoryLine(time: time, transaction: state.transaction, text: $0.text) }
        do {
            try appendHistory(lines)
        } catch {
            abandon(state.transaction)
            throw StateWriteError(exitStatus: error.exitStatus, message: "cannot write the history \(historyPath): \(error.message); nothing was recorded")
        }
        do {
            try Files.writeAtomically(path, state.serializedBytes())
        } catch {
            if !events.isEmpty { abandon(state.transaction) }
            throw StateWriteError(
                exitStatus: error.exitStatus,
                message: "cannot write the state file \(path): \(error.message); nothing was recorded (--state PATH or PCIHIDE_STATE chooses another)")
        }
    }

    /// Marks a transaction's lines as not committed at once, when it can; when it cannot, the
    /// next writer does (its number stays above the state's).
    private func abandon(_ transaction: Int) {
        try? appendHistory([.marker(transaction, time: Clock.nowRFC3339())])
    }

    func appendHistory(_ lines: [HistoryLine]) throws(Failure) {
        guard !lines.isEmpty else { return }
        try Files.append(historyPath, Array(lines.map { $0.line + "\n" }.joined().utf8))
    }

    /// The history of the changes that took effect, oldest first, and the number of lines that
    /// describe changes that did not.
    public func historyRecord() throws -> HistoryRecord {
        guard Files.exists(historyPath) else { return HistoryRecord(committed: [], uncommitted: 0) }
        let state = try load()
        let text = try Files.readText(historyPath)
        // Only whole lines: a crash may have cut the last one short.
        var whole = text.split(separator: "\n", omittingEmptySubsequences: false)
        whole.removeLast()
        let lines = whole.compactMap(HistoryLine.init)
        let marked = Set(lines.filter(\.isMarker).map(\.transaction))
        var out = HistoryRecord(committed: [], uncommitted: 0)
        for l in lines where !l.isMarker {
            if marked.contains(l.transaction) || l.transaction > state.transaction { out.uncommitted += 1 } else { out.committed.append(l) }
        }
        return out
    }

    /// Every line of a change that took effect, as written.
    public func history() throws -> [String] {
        try historyRecord().committed.map(\.line)
    }
}

/// The state the history describes, rebuilt line by line from nothing: the devices hidden, who
/// owns each, the running domains. A line that cannot follow from the ones before (a domain
/// started twice, a device unhidden that was not hidden, an owner change from the wrong owner)
/// is an inconsistency, named with its line.
public struct HistoryReplay: Equatable, Sendable {
    public var hidden = Set<DeviceSelection>()
    public var owners: [DeviceSelection: Int] = [:]
    public var domains = Set<Int>()

    public init() {}

    /// What `state` holds, in the same terms.
    public init(_ state: PCIHideState) {
        for e in state.hidden {
            hidden.insert(e.selection)
            if let o = e.owner { owners[e.selection] = o }
        }
        domains = Set(state.domains.map(\.id))
    }

    public struct Inconsistency: Error, CustomStringConvertible {
        public var line: String
        public var reason: String
        public var description: String { "\(reason): \(line)" }
    }

    public mutating func apply(_ line: HistoryLine) throws(Inconsistency) {
        func fail(_ why: String) -> Inconsistency { Inconsistency(line: line.line, reason: why) }
        let words = line.text.split(separator: " ")
        guard let verb = words.first else { throw fail("empty line") }
        func selection(_ k: Int) throws(Inconsistency) -> DeviceSelection {
            guard k < words.count, let s = parseSelection(String(words[k])) else { throw fail("no device address") }
            return s
        }
        func domainID(_ k: Int) throws(Inconsistency) -> Int {
            guard k < words.count, let d = Int(words[k]) else { throw fail("no domain id") }
            return d
        }
        /// `free` or `domain N [(name)]` from word k; nil for free.
        func party(_ k: Int) throws(Inconsistency) -> Int? {
            guard k < words.count else { throw fail("no owner") }
            if words[k] == "free" { return nil }
            guard words[k] == "domain" else { throw fail("no owner") }
            return try domainID(k + 1)
        }
        switch verb {
        case "domain-start":
            let d = try domainID(1)
            guard domains.insert(d).inserted else { throw fail("domain \(d) started while it was running") }
        case "domain-kill":
            let d = try domainID(1)
            guard domains.remove(d) != nil else { throw fail("domain \(d) killed while it was not running") }
        case "hide":
            let s = try selection(1)
            guard hidden.insert(s).inserted else { throw fail("\(s) hidden while it was hidden") }
        case "unhide":
            let s = try selection(1)
            guard hidden.remove(s) != nil else { throw fail("\(s) unhidden while it was not hidden") }
            owners[s] = nil
        case "owner":
            let s = try selection(1)
            guard hidden.contains(s) else { throw fail("\(s) changed owner while it was not hidden") }
            let from = try party(2)
            guard let arrow = words.firstIndex(of: "->") else { throw fail("no '->'") }
            let to = try party(arrow + 1)
            guard owners[s] == from else { throw fail("\(s) changed owner from \(from.map { "domain \($0)" } ?? "free"), but its owner was \(owners[s].map { "domain \($0)" } ?? "nobody")") }
            if let to { guard domains.contains(to) else { throw fail("\(s) given to domain \(to), which was not running") } }
            owners[s] = to
        case "policy":
            guard hidden.contains(try selection(1)) else { throw fail("policy of a device that was not hidden") }
        default:
            throw fail("unknown event '\(verb)'")
        }
    }

    /// Replays committed lines from nothing.
    public static func replay(_ lines: [HistoryLine]) throws(Inconsistency) -> HistoryReplay {
        var r = HistoryReplay()
        for l in lines { try r.apply(l) }
        return r
    }
}
