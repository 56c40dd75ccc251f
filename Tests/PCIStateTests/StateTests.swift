import Foundation
import PCIModel
import Testing

@testable import PCIState

/// The test process's own directory under the system's temporary one, removed when the process
/// exits (each test's directory is made inside it), so that runs leave nothing behind.
let testProcessDirectory: String = {
    func path() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-test-\(getpid())").path }
    try? FileManager.default.removeItem(atPath: path())
    atexit { try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-test-\(getpid())").path) }
    return path()
}()

func temporaryDirectory() throws -> String {
    let dir = testProcessDirectory + "/" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite("JSON")
struct JSONTests {
    @Test(
        "serialized text parses back",
        arguments: [
            JSON.object([("a", .number(1)), ("b", .array([.string("x\"y\\z\n"), .bool(true), .null])), ("c", .object([]))]),
            JSON.array([]),
            JSON.string("tab\tand \u{1}"),
        ])
    func roundTrip(_ v: JSON) throws {
        #expect(try JSON.parse(Array(v.serialized().utf8)) == v)
        #expect(try JSON.parse(Array(v.compact().utf8)) == v)
    }

    @Test(
        "errors give line, column and reason",
        arguments: [
            ("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7, "expected ':'"),
            ("[1, 2", 1, 6, "unexpected end of file"),
            ("{\"a\": tru}", 1, 7, "expected a value"),
            ("{} x", 1, 4, "after the end"),
            ("\"abc", 1, 1, "not closed"),
            ("", 1, 1, "unexpected end of file"),
        ])
    func errors(_ text: String, _ line: Int, _ column: Int, _ reason: String) {
        do {
            _ = try JSON.parse(Array(text.utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 10000)
        #expect(throws: JSONError.self) { try JSON.parse(Array(text.utf8)) }
    }
}

@Suite("State file")
struct StateTests {
    let a = DeviceSelection(bus: 2, device: 9, function: 0)
    let wild = DeviceSelection(bus: 5, device: nil, function: nil)

    @Test func hideIsIdempotentAndWildcardsCover() {
        var s = PCIHideState()
        #expect(s.hide(HiddenEntry(selection: a, since: "t")) == .added)
        #expect(s.hide(HiddenEntry(selection: a, since: "t")) == .alreadyHidden)
        #expect(s.hide(HiddenEntry(selection: wild, since: "t")) == .added)
        let inside = DeviceSelection(bus: 5, device: 1, function: 0)
        #expect(s.hide(HiddenEntry(selection: inside, since: "t")) == .coveredBy(wild))
        #expect(s.unhide(inside) == .coveredBy(wild))
        #expect(s.unhide(a) == .removed)
        #expect(s.unhide(a) == .notHidden)
        #expect(s.hidden.map(\.selection) == [wild])
        #expect(s.entry(hiding: PCIAddress(bus: 5, device: 3, function: 1))?.selection == wild)
    }

    @Test func documentRoundTrip() throws {
        var s = PCIHideState()
        s.hide(HiddenEntry(selection: wild, since: "2026-01-01T00:00:00Z"))
        s.hide(HiddenEntry(selection: a, since: "2026-01-02T00:00:00Z", vslot: 0x1d, permissive: true))
        let text = s.json().serialized()
        #expect(try PCIHideState(json: JSON.parse(Array(text.utf8))) == s)
        #expect(text.contains("\"format\": \"pcihide-state\"") && text.contains("\"version\": 4"))
    }

    /// The direct writer and the generic JSON writer give the same bytes, for every field.
    @Test("the state file's bytes equal the generic JSON text", arguments: [0, 1, 2, 3])
    func directWriterMatchesJSON(_ variant: Int) throws {
        var s = PCIHideState()
        if variant >= 1 {
            s.hide(HiddenEntry(selection: wild, since: "2026-01-01T00:00:00Z"))
            s.hide(HiddenEntry(selection: a, since: "2026-01-02T00:00:00Z", vslot: 0x1d, permissive: variant == 2))
        }
        if variant >= 2 {
            s.domains = [GuestDomain(id: 3, name: "we\"b\\", started: "t1"), GuestDomain(id: 7, name: nil, started: "t2")]
            s.update(a) {
                $0.policy = .pinned(3); $0.owner = 3; $0.ownerSince = "t3"; $0.runtimeDriver = "pciback"; $0.originalDriver = "e1000e"
            }
            s.update(wild) {
                $0.policy = .manual; $0.runtimeDriver = "vfio-pci"
            }
            s.update(wild) { $0.xlOptions = ["msitranslate": "0", "rdm_policy": "relaxed", "name": "gpu"] }
            s.update(a) {
                $0.identity = DeviceIdentity(
                    vendor: 0x10de, device: 0x1b81, subsystem: PCIIds(vendor: 0x1043, device: 0x8599), classCode: 0x030000,
                    path: ["0000:00:01.0", "0000:01:00.0"], serial: variant == 2 ? "01-02-03-04-05-06-07-08" : nil)
            }
        }
        if variant == 3 {
            for i in 0..<64 { s.hide(HiddenEntry(selection: DeviceSelection(PCIAddress(bus: 0x40, device: UInt8(i >> 3), function: UInt8(i & 7))), since: "x\u{7}y")) }
        }
        #expect(s.serializedBytes() == s.json().serializedBytes())
        #expect(try PCIHideState(json: JSON.parse(s.serializedBytes())) == s)
        #expect(try StateStore(path: "x").decode(s.serializedBytes()) == s)
    }

    @Test(
        "schema errors are refused",
        arguments: [
            (#"{"format": "pcihide-state", "version": 5, "hidden": []}"#, "newer pcihide"),
            (#"{"format": "pcihide-state", "version": 2, "hidden": [{"device": "0000:02:09.0", "owner": 4}], "domains": []}"#, "not in \"domains\""),
            (#"{"format": "pcihide-state", "version": 2, "hidden": [{"device": "0000:02:09.0", "policy": "sometimes"}]}"#, "policy must be"),
            (#"{"format": "pcihide-state", "version": 2, "hidden": [], "domains": [{"id": 0}]}"#, "domains[0].id"),
            (#"{"format": "pcihide-state", "version": 2, "hidden": [], "domains": [{"id": 3, "name": "web\n2026-01-01T00:00:00Z hide 0000:00:17.0"}]}"#, "domains[0].name holds a control character"),
            (#"{"format": "pcihide-state", "version": 3, "hidden": [{"device": "0000:02:09.0", "boundTo": "pciback", "originalDriver": "../../../x"}]}"#, "originalDriver must be a driver name"),
            (#"{"format": "other", "version": 1, "hidden": []}"#, "not a pcihide state file"),
            (#"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "02:09.0"}]}"#, "hidden[0].device"),
            (#"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0"}, {"device": "0000:02:09.0"}]}"#, "listed twice"),
            (#"{"format": "pcihide-state", "version": 1}"#, "\"hidden\" must be an array"),
            (#"[]"#, "top level"),
        ])
    func schemaErrors(_ text: String, _ reason: String) throws {
        do {
            _ = try PCIHideState(json: JSON.parse(Array(text.utf8)))
            Issue.record("accepted")
        } catch let e as StateSchemaError {
            #expect(e.reason.contains(reason), "\(e.reason)")
        }
    }

    /// Documents that take the less common turns of the direct entry reader: repeated, escaped and
    /// unknown keys, entries that are not objects, a "hidden" that is not an array, and broken text.
    static let decoderCases: [String] = [
        #"{"format": "pcihide-state", "version": 3, "hidden": [{"device": "0000:02:09.0", "since": "t", "policy": "auto"}], "domains": []}"#,
        #"{"hidden": [{"device": "0000:02:09.0"}], "version": 1, "format": "pcihide-state"}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0"}], "hidden": [{"device": "0000:03:00.0"}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": 7, "hidden": [{"device": "0000:03:00.0"}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0", "device": "0000:03:00.0"}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0", "device": "0000:03:00.0", "extra": {"a": [1, 2]}}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [17]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": []}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:03:00.0"}, {"device": "0000:02:09.0"}, {"device": "0000:03:00.0"}]}"#,
        #"{"format": "pcihide-state", "version": 2, "hidden": [{"device": "0000:02:09.0", "policy": "pinned", "pinnedTo": 4, "owner": 4}], "domains": [{"id": 4, "name": "w"}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device" "0000:02:09.0"}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0",}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0"}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0"} {"device": "0000:03:00.0"}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": []} x"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{1: 2}]}"#,
        #"{}"#, #"[]"#, "", "{", #"{"hidden": "#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [], "hidden": [{"device": "0000:02:09.0"}]}"#,
        #"{"format": "pcihide-state", "version": 1, "version": 3, "hidden": []}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0", "x": 1, "x": 2}]}"#,
        #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0", "dev\u0069ce": "0000:03:00.0"}]}"#,
    ]

    /// A second "hidden", "device" or "version" would be dropped and the loss made permanent by
    /// the next write: refused with its line and column.
    @Test(
        "duplicate keys are refused where they stand",
        arguments: [
            (#"{"format": "pcihide-state", "version": 1,\n "hidden": [],\n "hidden": [{"device": "0000:02:09.0"}]}"#, 3, 2, "hidden"),
            (#"{"format": "pcihide-state", "version": 1, "version": 3, "hidden": []}"#, 1, 43, "version"),
            (#"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0",\n "device": "0000:03:00.0"}]}"#, 2, 2, "device"),
        ])
    func duplicateKeys(_ text: String, _ line: Int, _ column: Int, _ key: String) {
        let store = StateStore(path: "/nonexistent/state.json")
        let bytes = Array(text.replacingOccurrences(of: "\\n", with: "\n").utf8)
        for decoded in [Result { () throws(StateFileError) in try store.decode(bytes) }, Result { () throws(StateFileError) in try store.decodeThroughTree(bytes) }] {
            guard case .failure(let e) = decoded else { Issue.record("accepted: \(text)"); continue }
            #expect(e.line == line && e.column == column, "\(e)")
            #expect(e.reason.contains("the key \"\(key)\" appears twice"), "\(e)")
        }
    }

    @Test("the direct reader decodes and refuses exactly as the JSON tree does", arguments: decoderCases)
    func directReaderMatchesTheTree(_ text: String) {
        let store = StateStore(path: "/nonexistent/state.json")
        let bytes = Array(text.utf8)
        let direct = Result { () throws(StateFileError) in try store.decode(bytes) }
        let tree = Result { () throws(StateFileError) in try store.decodeThroughTree(bytes) }
        switch (direct, tree) {
        case let (.success(a), .success(b)): #expect(a == b)
        case let (.failure(a), .failure(b)): #expect(a.description == b.description)
        default: Issue.record("direct \(direct), tree \(tree)")
        }
    }

    @Test func storeWritesAtomicallyAndRefusesBrokenFiles() throws {
        let dir = try temporaryDirectory()
        let store = StateStore(path: dir + "/sub/state.json")
        #expect(try store.load() == PCIHideState())
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        #expect(try store.load().hidden.map(\.selection) == [a])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/sub").filter { $0.contains(".tmp.") }
        #expect(leftovers.isEmpty)

        let broken = "{\"format\": \"pcihide-state\",\n \"version\": 1,\n \"hidden\": [\n"
        try broken.write(toFile: store.path, atomically: true, encoding: .utf8)
        do {
            try store.update { $0.hide(HiddenEntry(selection: wild, since: "t")) }
            Issue.record("updated a broken file")
        } catch let e as StateFileError {
            #expect(e.line == 4 && e.exitStatus == .dataError, "\(e)")
        }
        #expect(try String(contentsOfFile: store.path, encoding: .utf8) == broken)
    }

    @Test func failedUpdateWritesNothing() throws {
        let dir = try temporaryDirectory()
        let store = StateStore(path: dir + "/state.json")
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        let before = try String(contentsOfFile: store.path, encoding: .utf8)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.update { s in
                s.hide(HiddenEntry(selection: wild, since: "t")); throw Boom()
            }
        }
        #expect(try String(contentsOfFile: store.path, encoding: .utf8) == before)
    }
}

@Suite("State schema migration")
struct MigrationTests {
    @Test func versionOneLoadsAsFreeAutoDevices() throws {
        let v1 = #"{"format": "pcihide-state", "version": 1, "hidden": [{"device": "0000:02:09.0", "since": "2025-01-01T00:00:00Z", "vslot": "1d"}]}"#
        let state = try PCIHideState(json: JSON.parse(Array(v1.utf8)))
        #expect(state.hidden.count == 1)
        #expect(state.hidden[0].policy == .auto && state.hidden[0].owner == nil && state.hidden[0].vslot == 0x1d)
        #expect(state.domains.isEmpty)
        let text = state.json().serialized()
        #expect(text.contains("\"version\": 4") && text.contains("\"domains\": []"))
        #expect(try PCIHideState(json: JSON.parse(Array(text.utf8))) == state)
    }

    @Test func historyIsDerivedFromTheChange() throws {
        let dir = try temporaryDirectory()
        let store = StateStore(path: dir + "/state.json")
        let sel = DeviceSelection(bus: 2, device: 9, function: 0)
        try store.update { $0.hide(HiddenEntry(selection: sel, since: "t")) }
        try store.update { s in
            s.domains.append(GuestDomain(id: 3, name: "web", started: "t"))
            s.update(sel) { $0.owner = 3 }
        }
        try store.update { _ in }  // no change, no line
        let lines = try store.history().map { String($0.split(separator: " ", maxSplits: 1)[1]) }
        #expect(lines == ["#1 hide 0000:02:09.0", "#2 domain-start 3 (web)", "#2 owner 0000:02:09.0 free -> domain 3 (web)"])
        #expect(try store.load().transaction == 2)
    }
}
