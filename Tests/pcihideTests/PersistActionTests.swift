import Foundation
import PCIActions
import PCIFixtures
import PCIInventory
import PCIModel
import PCIState
import SystemIO
import Testing

/// `persist --write --apply-now` runs the distribution's rebuild commands (update-initramfs can
/// take minutes): never while it holds the state lock, and a command that fails fails persist.
@Suite("persist: the rebuild commands")
struct PersistActionTests {
    /// A Debian GRUB root with the GPU and its audio function hidden.
    static func host() throws -> (HostRoot, StateStore, SysfsTree) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-persist-action-\(UUID().uuidString)").path
        try PersistenceRoots.write("debian-grub2", to: dir)
        let host = HostRoot(dir, explicit: true)
        let store = StateStore(path: dir + "/state.json")
        try store.update { state in
            for function in [UInt8(0), 1] {
                _ = state.hide(HiddenEntry(selection: DeviceSelection(PCIAddress(bus: 1, device: 0, function: function)), since: "2026-12-08T00:00:00Z"))
            }
        }
        return (host, store, try SysfsTree.resolve(option: nil, host: host))
    }

    /// Whether another process could take the state lock now.
    static func lockIsFree(_ store: StateStore) -> Bool {
        let fd = open(store.path + ".lock", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        // flock locks belong to the open file description: a second open conflicts even here.
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        flock(fd, LOCK_UN)
        return true
    }

    @Test func theRebuildRunsWithTheStateLockReleased() throws {
        let (host, store, tree) = try Self.host()
        defer { try? FileManager.default.removeItem(atPath: host.prefix) }
        var ran: [(String, Bool)] = []
        try PersistAction.run(
            loader: nil, initramfs: nil, driver: .vfio, write: true, remove: false, applyNow: true, host: host, store: store, tree: tree
        ) { command in ran.append((command, Self.lockIsFree(store))) }
        #expect(ran.map(\.0) == ["update-initramfs -u -k all", "update-grub"], "\(ran)")
        #expect(ran.allSatisfy { $0.1 }, "a rebuild ran while the state lock was held: \(ran)")
    }

    @Test func aFailedRebuildFailsPersistAndEveryCommandRuns() throws {
        let (host, store, tree) = try Self.host()
        defer { try? FileManager.default.removeItem(atPath: host.prefix) }
        var ran: [String] = []
        do {
            try PersistAction.run(
                loader: nil, initramfs: nil, driver: .vfio, write: true, remove: false, applyNow: true, host: host, store: store, tree: tree
            ) { (command: String) throws(Failure) in
                ran.append(command)
                if command.hasPrefix("update-initramfs") { throw Failure(.unavailable, "update-initramfs -u -k all failed (exit status 1)") }
            }
            Issue.record("persist succeeded although update-initramfs failed")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .unavailable)
            #expect(failure.message.contains("but update-initramfs -u -k all has not run to the end: the next boot does not have the set"), "\(failure.message)")
        }
        #expect(ran.count == 2, "the commands after a failed one must still run: \(ran)")
    }
}
