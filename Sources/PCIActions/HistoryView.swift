import PCIModel
import PCIState
import SystemIO

/// `history`: the committed changes as text or JSON, or (`check`) whether replaying them
/// arrives at the state file.
public enum HistoryView {
    /// What to print, and the notes to say after it.
    public static func render(store: StateStore, check: Bool, json: Bool) throws -> (String, [String]) {
        let record = try store.historyRecord()
        if check {
            let replayed: HistoryReplay
            do { replayed = try HistoryReplay.replay(record.committed) } catch {
                throw Failure(.dataError, "\(store.historyPath): \(error)")
            }
            guard replayed == HistoryReplay(try store.load()) else {
                throw Failure(.dataError, "\(store.historyPath) does not arrive at the state in \(store.path) (was the state file restored or edited by hand?)")
            }
            return ("the history (\(record.committed.count) lines) arrives at the state in \(store.path)\n", [])
        }
        var notes: [String] = []
        let output: String
        if json {
            output = JSONDocument.render(
                "history", "changes",
                record.committed.map { l in
                    let words = l.text.split(separator: " ", maxSplits: 1)
                    return .object([
                        ("time", .string(l.time)), ("transaction", .number(Double(l.transaction))),
                        ("event", .string(words.first.map(String.init) ?? "")), ("text", .string(l.text)),
                    ])
                }, extra: [("uncommitted", .number(Double(record.uncommitted)))])
        } else {
            output = record.committed.map { $0.line + "\n" }.joined()
        }
        if record.uncommitted > 0 {
            notes.append("\(record.uncommitted) line\(record.uncommitted == 1 ? "" : "s") of the history describe changes that did not take effect (a run stopped before writing the state file) and are not shown")
        }
        return (output, notes)
    }
}
