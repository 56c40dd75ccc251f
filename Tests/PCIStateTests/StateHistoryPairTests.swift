import Foundation
import PCIModel
import PCIState
import SystemIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The state file and its history are one record: a change in the state always has its history
/// lines, and a line never describes a change that did not take effect (or is marked so).
@Suite("state and history as a pair", .serialized)
struct StateHistoryPairTests {
    let a = DeviceSelection(PCIAddress(bus: 2, device: 9, function: 0))
    let b = DeviceSelection(PCIAddress(bus: 3, device: 0, function: 0))

    func store() throws -> StateStore {
        let dir = NSTemporaryDirectory() + "pcihide-pair-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return StateStore(path: dir + "/state.json")
    }

    func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func replayMatches(_ store: StateStore) throws -> Bool {
        try HistoryReplay.replay(store.historyRecord().committed) == HistoryReplay(store.load())
    }

    @Test func aFailedHistoryAppendRecordsNothingAndARetryWorks() throws {
        let store = try store()
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        Files.injectFailure(ENOSPC, at: store.historyPath)
        let error = #expect(throws: StateWriteError.self) {
            try store.update { s in _ = try Ownership(s: &s, start: 9) }
        }
        Files.clearInjectedFailure(at: store.historyPath)
        #expect(error?.exitStatus == .ioError)
        #expect(error?.message.contains("nothing was recorded") == true)
        #expect(try store.load().domains.isEmpty)
        // The same command again does what it said it had not done.
        try store.update { s in _ = try Ownership(s: &s, start: 9) }
        #expect(try store.load().domains.map(\.id) == [9])
        #expect(try replayMatches(store))
    }

    @Test func aFailedStateWriteMarksItsHistoryLinesNotCommitted() throws {
        let store = try store()
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        Files.injectFailure(ENOSPC, at: store.path)
        #expect(throws: StateWriteError.self) { try store.update { $0.hide(HiddenEntry(selection: b, since: "t")) } }
        Files.clearInjectedFailure(at: store.path)
        let file = try text(store.historyPath)
        #expect(file.contains("#2 hide 0000:03:00.0\n"))
        #expect(file.contains("#2 not-committed"))
        #expect(try store.history().map { $0.split(separator: " ", maxSplits: 1)[1] } == ["#1 hide 0000:02:09.0"])
        #expect(try store.historyRecord().uncommitted == 1)
        // The next change takes the next number, so #2 stays the one that did not happen.
        try store.update { $0.hide(HiddenEntry(selection: b, since: "t")) }
        #expect(try store.load().transaction == 3)
        #expect(try store.history().map { $0.split(separator: " ", maxSplits: 1)[1] } == ["#1 hide 0000:02:09.0", "#3 hide 0000:03:00.0"])
        #expect(try replayMatches(store))
    }

    /// A run killed after writing its history lines and before replacing the state: readers skip
    /// the lines at once (their number is above the state's) and the next writer marks them.
    @Test func linesAboveTheStatesTransactionAreSkippedThenMarked() throws {
        let store = try store()
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        let handle = try #require(FileHandle(forWritingAtPath: store.historyPath))
        handle.seekToEndOfFile()
        handle.write(Data("2026-01-01T00:00:00Z #2 domain-start 9\n2026-01-01T00:00:00Z #2 owner 0000:02:09.0 free -> domain 9\n2026-01-01T00:00:00Z #2 domain-st".utf8))
        try handle.close()
        #expect(try store.historyRecord().uncommitted == 2)
        #expect(try replayMatches(store))
        // Replaying what the killed run claimed would start domain 9 twice; it is not replayed.
        try store.update { s in _ = try Ownership(s: &s, start: 9) }
        let lines = try text(store.historyPath).split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1)[1] }
        #expect(
            lines == [
                "#1 hide 0000:02:09.0", "#2 domain-start 9", "#2 owner 0000:02:09.0 free -> domain 9",
                "#2 not-committed (the state file was not replaced: the lines of #2 above did not take effect)",
                "#3 domain-start 9", "#3 owner 0000:02:09.0 free -> domain 9",
            ])
        #expect(try replayMatches(store))
    }

    @Test func aTornLastLineIsCutBeforeTheNextAppend() throws {
        let store = try store()
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        let handle = try #require(FileHandle(forWritingAtPath: store.historyPath))
        handle.seekToEndOfFile()
        handle.write(Data("2026-01-01T00:00:00Z #2 hi".utf8))
        try handle.close()
        try store.update { $0.hide(HiddenEntry(selection: b, since: "t")) }
        let file = try text(store.historyPath)
        #expect(!file.contains(" hi\n") && !file.contains("#2 hi20"))
        #expect(file.split(separator: "\n").count == 2)
        #expect(try replayMatches(store))
    }

    @Test func historyWrittenBeforeTransactionsWereNumberedStillReads() throws {
        let store = try store()
        try #"{"format": "pcihide-state", "version": 3, "hidden": [{"device": "0000:02:09.0", "since": "t"}], "domains": []}"#
            .write(toFile: store.path, atomically: true, encoding: .utf8)
        try "2025-01-01T00:00:00Z hide 0000:02:09.0\n".write(toFile: store.historyPath, atomically: true, encoding: .utf8)
        #expect(try store.history() == ["2025-01-01T00:00:00Z #0 hide 0000:02:09.0"])
        try store.update { $0.hide(HiddenEntry(selection: b, since: "t")) }
        #expect(try store.load().transaction == 1)
        #expect(try store.history().count == 2)
        #expect(try replayMatches(store))
    }

    @Test(arguments: [
        ("domain-start 9\ndomain-start 9", "domain 9 started while it was running"),
        ("unhide 0000:02:09.0", "0000:02:09.0 unhidden while it was not hidden"),
        ("hide 0000:02:09.0\nowner 0000:02:09.0 free -> domain 4", "given to domain 4, which was not running"),
    ])
    func replayNamesTheLineThatCannotFollow(lines: String, reason: String) {
        let parsed = lines.split(separator: "\n").map { HistoryLine(time: "t", transaction: 1, text: String($0)) }
        #expect { try HistoryReplay.replay(parsed) } throws: { ($0 as? HistoryReplay.Inconsistency)?.reason.contains(reason) == true }
    }
}

/// `Ownership.start` through a state closure (the tests above do not need the ownership module).
private struct Ownership {
    @discardableResult
    init(s: inout PCIHideState, start id: Int) throws {
        if s.domain(id) != nil { throw StateSchemaError("domain \(id) is already running") }
        s.domains.append(GuestDomain(id: id, name: nil, started: "t"))
        s.update(DeviceSelection(PCIAddress(bus: 2, device: 9, function: 0))) { $0.owner = id }
    }
}
