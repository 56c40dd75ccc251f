import Foundation
import PCIModel
import SystemIO
import Testing

@testable import PCIPersistence

/// The transaction's failure path, by fault injection: the files written before the one that
/// fails are put back, each file's final state is said, and no intent is left.
struct PersistTransactionFaultTests {
    @Test(arguments: [ENOSPC, EIO])
    func aFailurePartWayPutsBackWhatWasWritten(errno code: Int32) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-tx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/etc/default", withIntermediateDirectories: true)
        try "GRUB_CMDLINE_LINUX=\"\"\n".write(toFile: dir + "/etc/default/grub", atomically: true, encoding: .utf8)
        try "vfio\n".write(toFile: dir + "/etc/modules", atomically: true, encoding: .utf8)
        let host = HostRoot(dir)
        let changes = [
            FileChange(shown: "/etc/default/grub", old: Array("GRUB_CMDLINE_LINUX=\"\"\n".utf8), new: Array("GRUB_CMDLINE_LINUX=\"x\"\n".utf8)),
            FileChange(shown: "/etc/new.conf", old: nil, new: Array("new\n".utf8)),
            FileChange(shown: "/etc/modules", old: Array("vfio\n".utf8), new: Array("vfio\nvfio_pci\n".utf8)),
            FileChange(shown: "/etc/last.conf", old: nil, new: Array("last\n".utf8)),
        ]
        Files.injectFailure(code, at: dir + "/etc/modules")
        defer { Files.clearInjectedFailure(at: dir + "/etc/modules") }
        var message = ""
        do { try PersistTransaction.apply(changes, host: host, intent: dir + "/intent") } catch { message = error.message }
        #expect(message.contains("/etc/default/grub: put back as it was; /etc/new.conf: put back as it was; /etc/modules: unchanged"), "\(message)")
        #expect(message.contains("/etc/last.conf: not reached, unchanged"))
        #expect(try String(contentsOfFile: dir + "/etc/default/grub", encoding: .utf8) == "GRUB_CMDLINE_LINUX=\"\"\n")
        #expect(!FileManager.default.fileExists(atPath: dir + "/etc/new.conf"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/intent"))
        // Without the fault the same set goes in whole, and recovering from nothing is nothing.
        Files.clearInjectedFailure(at: dir + "/etc/modules")
        try PersistTransaction.apply(changes, host: host, intent: dir + "/intent")
        #expect(try String(contentsOfFile: dir + "/etc/modules", encoding: .utf8) == "vfio\nvfio_pci\n")
        #expect(try PersistTransaction.recover(host: host, intent: dir + "/intent") == nil)
    }

    /// An intent left by a killed run is completed; one that cannot be read is an error, kept.
    @Test func anIntentIsCompletedAndAnUnreadableOneKept() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-tx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/etc", withIntermediateDirectories: true)
        try "old\n".write(toFile: dir + "/etc/a", atomically: true, encoding: .utf8)
        let host = HostRoot(dir)
        let changes = [
            FileChange(shown: "/etc/a", old: Array("old\n".utf8), new: Array("new\n".utf8)),
            FileChange(shown: "/etc/b", old: nil, new: Array("b\n".utf8)),
        ]
        try Files.writeAtomically(dir + "/intent", PersistTransaction.encode(changes))
        let done = try #require(try PersistTransaction.recover(host: host, intent: dir + "/intent"))
        #expect(done.files == ["/etc/a: completed", "/etc/b: completed"])
        #expect(try String(contentsOfFile: dir + "/etc/a.pcihide-orig", encoding: .utf8) == "old\n")
        try Files.writeAtomically(dir + "/intent", Array("{\"version\": 1, \"files\": [{\"path\": \"etc\"}]}\n".utf8))
        #expect(throws: Failure.self) { try PersistTransaction.recover(host: host, intent: dir + "/intent") }
        #expect(FileManager.default.fileExists(atPath: dir + "/intent"))
    }
}
