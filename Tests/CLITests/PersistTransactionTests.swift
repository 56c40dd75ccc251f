import Foundation
import PCIFixtures
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// persist --write as one transaction: killed at random moments, the set of boot files is
/// either untouched or recorded in the intent, and the next persist --write completes it with
/// no temporary left; a write that fails part-way puts back what it had changed.
@Suite("persist as one transaction")
struct PersistTransactionTests {
    static let kills = 60

    /// Every file under the root but the state, sysfs and proc: name → content.
    static func bootFiles(_ dir: String) throws -> [String: Data] {
        try ExportTests.snapshot(dir).filter { k, _ in
            !k.hasPrefix("sys/") && !k.hasPrefix("proc/") && !k.hasPrefix("state.json") && !k.hasPrefix("var/") && !k.hasPrefix("dev")
        }
    }

    static func temporaries(_ dir: String) throws -> [String] {
        try ExportTests.snapshot(dir).keys.filter { $0.contains(".pcihide-") && !$0.hasSuffix("-orig") && !$0.hasSuffix("-bak") }.sorted()
    }

    @Test func aKilledWriteIsCompletedByTheNext() throws {
        // The template: fedora-bls has the most files in one set (two entries, the kernel
        // command line, modprobe.d, dracut).
        // On a disk, not the tmpfs the suite's roots are on: there fsync costs nothing and the
        // window between the intent and the last file is too short for any kill to land in it.
        let disk = (ProcessInfo.processInfo.environment["PCIHIDE_DISK_TMPDIR"] ?? "/var/tmp") + "/pcihide-tx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: disk) }
        func onDisk(_ cli: CLI, _ name: String) throws -> CLI {
            var moved = cli
            moved.dir = disk + "/" + name
            try FileManager.default.copyItem(atPath: cli.dir, toPath: moved.dir)
            moved.environment["PCIHIDE_ROOT"] = moved.dir
            moved.environment["PCIHIDE_STATE"] = moved.dir + "/state.json"
            return moved
        }
        let template = try onDisk(try PersistTests.root("fedora-bls"), "template")
        let reference = try onDisk(try PersistTests.root("fedora-bls"), "reference")
        let start = Date()
        #expect(try reference.run(["persist", "--driver", "vfio-pci", "--write"]).status == 0)
        let duration = Date().timeIntervalSince(start)
        let final = try Self.bootFiles(reference.dir).filter { !$0.key.hasSuffix(".pcihide-bak") }
        let initial = try Self.bootFiles(template.dir)
        var generator = SplitMix(seed: 0x70c1_5ee0)
        var killedMidway = 0, intentsSeen = 0
        for k in 0..<Self.kills {
            var cli = template
            cli.environment["PCIHIDE_ROOT"] = template.dir + "-kill\(k)"
            let dir = template.dir + "-kill\(k)"
            try FileManager.default.copyItem(atPath: template.dir, toPath: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            cli.environment["PCIHIDE_STATE"] = dir + "/state.json"
            let child = try Child.start(CLI.binary, ["persist", "--driver", "vfio-pci", "--write"], environment: cli.environment, capture: false)
            usleep(UInt32(Double(generator.next() % 1000) / 1000 * duration * 1.3 * 1_000_000))
            child.send(SIGKILL)
            if child.finish(timeout: 30).status == 128 + SIGKILL { killedMidway += 1 }
            let now = try Self.bootFiles(dir).filter { !$0.key.hasSuffix(".pcihide-bak") && !$0.key.contains(".pcihide-") || $0.key.hasSuffix(".pcihide-orig") }
            let intent = FileManager.default.fileExists(atPath: dir + "/state.json.persist-intent")
            if intent {
                intentsSeen += 1
            } else {
                // Without an intent, the set is whole: as before, or all written.
                #expect(now == initial || now == final, "kill \(k): a half-written set with no intent to complete it")
            }
            let next = try cli.run(["persist", "--driver", "vfio-pci", "--write"])
            #expect(next.status == 0, "kill \(k): \(next.stderr)")
            let after = try Self.bootFiles(dir).filter { !$0.key.hasSuffix(".pcihide-bak") }
            #expect(after == final, "kill \(k): the next write did not arrive at the set: \(Set(after.keys).symmetricDifference(final.keys)) \(after.filter { final[$0.key] != $0.value }.keys.sorted())")
            #expect(try Self.temporaries(dir) == [], "kill \(k)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/state.json.persist-intent"))
        }
        #expect(killedMidway >= Self.kills / 3, "only \(killedMidway) kills landed while persist ran")
        #expect(intentsSeen > 0, "no kill landed between the intent and the last file")
    }

    /// A file whose directory is a file is refused before anything is written.
    @Test func anUnwritablePlaceIsRefusedBeforeWriting() throws {
        let cli = try PersistTests.root("debian-grub2")
        let before = try Self.bootFiles(cli.dir)
        try cli.write(cli.dir + "/etc/modprobe.d", "a file where a directory should be\n")
        let r = try cli.run(["persist", "--driver", "vfio-pci", "--write"])
        #expect(r.status == 66 && r.stderr.contains("etc/modprobe.d/pcihide.conf: Not a directory"), "\(r.stderr)")
        #expect(try Self.bootFiles(cli.dir).filter { $0.key != "etc/modprobe.d" } == before)
    }
}
