import Foundation
import PCIFixtures
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// pcihide killed at random moments while it writes: every file is its old or its new content,
/// backups stay whole, no temporary file is left once the next run holds the lock, and the
/// history always arrives at the state (`history --check`).
@Suite("SIGKILL at random moments")
struct KillLoopTests {
    /// Kills in all, in three parts that run side by side (each its own root and seed): the
    /// loop is mostly waiting, and one part alone was the suite's longest test.
    static let kills = 210
    static let parts = 3

    /// The grub file a distribution ships, and what pcihide's edits leave of it.
    static let distribution = "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n"

    func leftovers(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.contains(".pcihide-") && !$0.hasSuffix("-orig") && !$0.hasSuffix("-bak") }
    }

    @Test(arguments: 0..<parts)
    func stateHistoryAndGrubSurviveSIGKILL(part: Int) throws {
        let cli = try CLI()
        let grub = cli.dir + "/etc/default/grub"
        try cli.write(grub, Self.distribution)
        var grubVersions: Set<String> = [Self.distribution]
        // Seeded, so that a failure can be run again as it was (the seed is in the message).
        let seed: UInt64 = ProcessInfo.processInfo.environment["PCIHIDE_KILL_SEED"].flatMap { UInt64($0) } ?? 0x2005_0209 + UInt64(part)
        var generator = SplitMix(seed: seed)
        // Commands that write the state (with history) or the grub file, in turn.
        func command(_ k: Int) -> [String] {
            let device = String(format: "%02x:%02x.%x", (k / 7) % 8 + 1, (k / 3) % 32, k % 8)
            switch k % 6 {
            case 0, 1: return ["hide", device]
            case 2: return ["domain", "start", String(k % 5 + 1)]
            case 3: return ["domain", "kill", String((k + 2) % 5 + 1)]
            case 4: return ["unhide", String(format: "%02x:%02x.%x", ((k - 4) / 7) % 8 + 1, ((k - 4) / 3) % 32, (k - 4) % 8)]
            default: return ["grub", "--default-file", grub, "--write"]
            }
        }
        // How long each kind of run takes when left alone: kills are spread over that time.
        var duration: [Double] = []
        for k in 0..<6 {
            let t = Date()
            try cli.run(command(k))
            duration.append(Date().timeIntervalSince(t))
            if let g = cli.file(grub) { grubVersions.insert(g) }
        }
        var killedMidway = 0
        let kills = Self.kills / Self.parts
        for k in 0..<kills {
            let args = command(k + 6)
            let before = cli.file(grub)
            let child = try Child.start(CLI.binary, args, environment: cli.environment, capture: false)
            usleep(UInt32(Double.random(in: 0...(duration[(k + 6) % 6] * 1.2), using: &generator) * 1_000_000))
            child.send(SIGKILL)
            if child.finish(timeout: 30).status == 128 + SIGKILL {
                killedMidway += 1
            } else {
                // It had finished: the first measurement (cold caches) was too long for this
                // machine now, so the kills of this kind are drawn over a shorter span.
                duration[(k + 6) % 6] *= 0.9
            }

            // The state is whole, and its history arrives at it.
            let check = try cli.run(["history", "--check"])
            #expect(check.status == 0, "after \(args) (PCIHIDE_KILL_SEED=\(seed)): \(check.stderr)")
            // The grub file is its old content or a complete new one.
            let now = try #require(cli.file(grub))
            if now != before {
                let copy = cli.dir + "/grub-copy"
                try cli.write(copy, try #require(before))
                try cli.run(["grub", "--default-file", copy, "--write"])
                #expect(now == cli.file(copy), "after \(args): the grub file is neither its old nor its new content")
                grubVersions.insert(now)
            }
            // The first original is never replaced; the previous version is a whole one.
            if let orig = cli.file(grub + ".pcihide-orig") { #expect(orig == Self.distribution) }
            if let bak = cli.file(grub + ".pcihide-bak") { #expect(grubVersions.contains(bak), "the backup is not a version the file had") }
        }
        // Enough kills landed while pcihide was running for the loop to mean something.
        #expect(killedMidway >= kills / 2, "only \(killedMidway) of \(kills) kills landed mid-run (PCIHIDE_KILL_SEED=\(seed))")
        // The next runs, holding the lock, clear what killed runs left.
        #expect(try cli.run(["hide", "0f:00.0"]).status == 0)
        #expect(try cli.run(["grub", "--default-file", grub, "--write"]).status == 0)
        #expect(leftovers(cli.dir) == [])
        #expect(leftovers(cli.dir + "/etc/default") == [])
        #expect(try cli.run(["history", "--check"]).status == 0)
    }
}
