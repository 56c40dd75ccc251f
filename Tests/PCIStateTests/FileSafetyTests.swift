import Foundation
import PCIModel
import PCIState
import SystemIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The state file and every file pcihide replaces: links, temporaries, modes, owners.
@Suite("files you can trust")
struct FileSafetyTests {
    let a = DeviceSelection(PCIAddress(bus: 2, device: 9, function: 0))

    func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "pcihide-files-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func mode(_ path: String) -> mode_t {
        var st = stat(); lstat(path, &st); return st.st_mode & 0o7777
    }

    @Test func aPlantedLinkWhereTheOldTemporaryWasIsNeverFollowed() throws {
        let dir = try temporaryDirectory()
        let victim = dir + "/victim"
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        let store = StateStore(path: dir + "/state.json")
        // The name earlier versions used, and any name a guess could give.
        symlink(victim, store.path + ".tmp.\(getpid())")
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        var st = stat()
        #expect(lstat(store.path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG, "the state file is a regular file, not a link")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("pcihide-") || $0.contains(".tmp.") }
        #expect(left.isEmpty, "the planted link was removed (not followed) as a stale temporary: \(left)")
    }

    @Test func aSymlinkedStateFileKeepsItsLinkAndItsTargetChanges() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        let real = StateStore(path: dir + "/real/state.json")
        try real.update { $0.hide(HiddenEntry(selection: DeviceSelection(PCIAddress(bus: 3, device: 0, function: 0)), since: "t")) }
        let store = StateStore(path: dir + "/state.json")
        symlink(dir + "/real/state.json", store.path)
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        #expect(Files.readLink(store.path) == dir + "/real/state.json", "the link is kept")
        #expect(try real.load().hidden.map(\.selection).contains(a))
    }

    @Test("a dangling link or a loop is an error naming the link, never an empty state", arguments: ["dangling", "loop"])
    func brokenLinks(_ kind: String) throws {
        let dir = try temporaryDirectory()
        let path = dir + "/state.json"
        if kind == "dangling" { symlink(dir + "/missing/state.json", path) } else { symlink(path, path) }
        do {
            _ = try StateStore(path: path).load()
            Issue.record("loaded")
        } catch let e as Failure {
            #expect(e.exitStatus == .noInput && e.message.contains(path), "\(e)")
        }
    }

    @Test("a symlinked lock or history file is refused, exit 73, nothing recorded", arguments: [".lock", ".history"])
    func linkedCompanions(_ suffix: String) throws {
        let dir = try temporaryDirectory()
        let store = StateStore(path: dir + "/state.json")
        symlink(dir + "/elsewhere", store.path + suffix)
        do {
            try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
            Issue.record("written through a link")
        } catch let e as PCIHideError {
            #expect(e.exitStatus == .cannotCreate && "\(e)".contains(store.path + suffix), "\(e)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/elsewhere"))
        #expect(!FileManager.default.fileExists(atPath: store.path), "nothing committed")
    }

    @Test func staleTemporariesOfAKilledRunAreRemovedByTheNextWriter() throws {
        let dir = try temporaryDirectory()
        let store = StateStore(path: dir + "/state.json")
        for n in ["state.json.tmp.4242", ".state.json.pcihide-Ab12Cd", ".state.json.pcihide-zzzzzz"] {
            try "half\n".write(toFile: dir + "/" + n, atomically: false, encoding: .utf8)
        }
        try "keep\n".write(toFile: dir + "/other.tmp.1", atomically: false, encoding: .utf8)
        try store.update { $0.hide(HiddenEntry(selection: a, since: "t")) }
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(names == ["state.json", "state.json.lock", "state.json.history", "other.tmp.1"], "\(names)")
    }

    @Test func aReplacedFileKeepsItsModeAndOwnerWhateverTheUmask() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/file"
        try Files.writeAtomically(path, Array("one\n".utf8))
        #expect(mode(path) == 0o644)
        chmod(path, 0o640)
        if geteuid() == 0 { chown(path, 65534, 65534) }
        let old = umask(0o077)
        defer { umask(old) }
        try Files.writeAtomically(path, Array("two\n".utf8))
        #expect(mode(path) == 0o640)
        var st = stat(); stat(path, &st)
        if geteuid() == 0 { #expect(st.st_uid == 65534 && st.st_gid == 65534) }
        // A new file is 0644 under umask 077 too, and a backup takes the original's mode.
        try Files.writeAtomically(dir + "/new", [])
        #expect(mode(dir + "/new") == 0o644)
        chmod(path, 0o600)
        try Files.backup(path, to: path + ".bak")
        #expect(mode(path + ".bak") == 0o600)
    }

    @Test func anInjectedFailureLeavesTheOldContentAndNoTemporary() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/file"
        try Files.writeAtomically(path, Array("old\n".utf8))
        Files.injectFailure(ENOSPC, at: path)
        defer { Files.clearInjectedFailure(at: path) }
        #expect(throws: Failure.self) { try Files.writeAtomically(path, Array("new\n".utf8)) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["file"])
    }
}
