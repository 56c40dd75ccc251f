import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The hand-over for real, against stub `xl`, `xenstore-watch` and `virsh` programs (Xen cannot
/// run here, and libvirt's test driver neither attaches nor sends events): they record every call
/// and play scripted lifecycle events, each waiting until the watcher has acted on the last.
@Suite("watch and --apply through toolstacks")
struct WatchTests {
    static let stubs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/stubs").path

    struct World {
        var cli: CLI
        var dir: String { cli.dir + "/world" }
        func calls() -> [String] { (cli.file(dir + "/calls") ?? "").split(separator: "\n").map(String.init) }
        func run(_ args: [String]) throws -> CLI.Result { try cli.run(args) }
    }

    /// The 2005 host: card 02:09.0 hidden, stubs on PATH, `events` the script to play.
    static func world(events: String, running: String = "") throws -> World {
        var cli = try CLI()
        try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
        let bin = cli.dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for name in ["xl", "xenstore-watch", "virsh", "world.sh"] {
            try cli.write(bin + "/" + name, try String(contentsOfFile: stubs + "/" + name, encoding: .utf8))
            try Child.withoutSpawning { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/" + name) }
        }
        try cli.write(cli.dir + "/world/domains", running)
        try cli.write(cli.dir + "/world/events", events)
        try cli.write(cli.dir + "/world/calls", "")
        cli.environment["PATH"] = bin + ":" + (cli.environment["PATH"] ?? "/usr/bin:/bin")
        cli.environment["STUB_WORLD"] = cli.dir + "/world"
        #expect(try cli.run(["hide", "02:09.0"]).status == 0)
        return World(cli: cli)
    }

    func history(_ w: World) throws -> [String] {
        try w.run(["history"]).stdout.split(separator: "\n").map { String($0.split(separator: " ", maxSplits: 2)[2]) }
    }

    /// The 2005 story: domain 1 starts and gets the card at 00:09.0, dies, domain 2 gets it.
    @Test(arguments: ["xl", "libvirt"])
    func the2005Story(toolstack: String) throws {
        let w = try Self.world(events: "start 1 web\nstop 1\nstart 2 db\n")
        let r = try w.run(["watch", "--toolstack", toolstack])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("watch: domain 1 (web) started; it received 0000:02:09.0\n"), "\(r.stderr)")
        #expect(r.stderr.contains("watch: attached 0000:02:09.0 to domain 1 at guest 00:09.0 (\(toolstack))\n"), "\(r.stderr)")
        #expect(r.stderr.contains("watch: domain 1 (web) is gone; freed 0000:02:09.0\n"), "\(r.stderr)")
        #expect(r.stderr.contains("watch: domain 2 (db) started; it received 0000:02:09.0\n"), "\(r.stderr)")
        let attaches = w.calls().filter { $0.contains("attach") }
        if toolstack == "xl" {
            #expect(attaches == ["xl pci-attach 1 0000:02:09.0@09", "xl pci-attach 2 0000:02:09.0@09"])
        } else {
            let source = "source(domain='0x0000' bus='0x02' slot='0x09' function='0x0')"
            let guest = "guest(type='pci' domain='0x0000' bus='0x00' slot='0x09' function='0x0')"
            #expect(attaches == ["virsh attach-device web --live \(source) \(guest)", "virsh attach-device db --live \(source) \(guest)"])
        }
        #expect(
            try history(w) == [
                "hide 0000:02:09.0", "domain-start 1 (web)", "owner 0000:02:09.0 free -> domain 1 (web)",
                "domain-kill 1 (web)", "owner 0000:02:09.0 domain 1 (web) -> free",
                "domain-start 2 (db)", "owner 0000:02:09.0 free -> domain 2 (db)",
            ])
        #expect(try w.run(["config", "--domain", "2"]).stdout == "pci = [ '0000:02:09.0@09' ]\n")
        // The toolstack's view beside the ledger: in step.
        let owners = try w.run(["owners", "--toolstack", toolstack])
        #expect(owners.status == 0 && !owners.stdout.contains("!"), "\(owners.stdout)\(owners.stderr)")
        #expect(owners.stdout.contains("0000:02:09.0  2 (db)") && owners.stdout.contains("domain 2 (db)"), "\(owners.stdout)")
    }

    /// `xl create` introduces a domain paused and nameless and unpauses it last (the real Xen
    /// showed an attach then racing xl create): watch waits until it runs, then hands it the card.
    @Test func aDomainBeingBuiltReceivesNothingUntilItRuns() throws {
        let w = try Self.world(events: "build 3 g1\n")
        let r = try w.run(["watch", "--toolstack", "xl"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!w.calls().contains("started while being built: 3"), "\(r.stderr)")
        #expect(r.stderr.contains("watch: domain 3 is being built (paused); it receives its devices once it runs\n"), "\(r.stderr)")
        #expect(r.stderr.contains("watch: domain 3 (g1) started; it received 0000:02:09.0\n"), "\(r.stderr)")
        #expect(w.calls().filter { $0.hasPrefix("xl pci-attach") } == ["xl pci-attach 3 0000:02:09.0@09"])
    }

    /// An `xl pci-attach` that hangs is ended at --timeout (or $PCIHIDE_TIMEOUT), the message
    /// names the command, and the card stays free; a bad timeout value is a usage error.
    @Test func aHangingAttachIsEndedAtTheTimeout() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        try w.cli.write(w.dir + "/hang-attach", "")
        let started = Date()
        let r = try w.run(["domain", "start", "1", "--apply", "--toolstack", "xl", "--timeout", "1"])
        #expect(Date().timeIntervalSince(started) < 30, "the hang was not ended")
        #expect(r.stdout.contains("xl pci-attach 1 0000:02:09.0@09 did not finish within 1 s and was ended"), "\(r.stdout)\(r.stderr)")
        #expect(try w.run(["owners"]).stdout.contains("free"))
        var bad = w.cli
        bad.environment["PCIHIDE_TIMEOUT"] = "soon"
        let e = try bad.run(["domain", "start", "2", "--apply", "--toolstack", "xl"])
        #expect(e.status == 64 && e.stderr.contains("PCIHIDE_TIMEOUT is 'soon'"), "\(e.stderr)")
    }

    /// A two-function card through libvirt whose second function fails to attach: the first
    /// is detached again, the entry stays free, and domain start exits non-zero (69).
    @Test func aMultiFunctionAttachIsAllOrNothing() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        try w.cli.addDevice("0000:02:09.1", vendor: "8086", device: "1229")
        #expect(try w.run(["unhide", "02:09.0"]).status == 0)
        #expect(try w.run(["hide", "02:09.*"]).status == 0)
        try w.cli.write(w.dir + "/fail-attach-function", "0x1")
        let r = try w.run(["domain", "start", "1", "--apply", "--toolstack", "libvirt"])
        #expect(r.status == 69, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("detached 0000:02:09.0 from domain 1 again: the functions of 0000:02:09.* go together or not at all"), "\(r.stdout)")
        let calls = w.calls().filter { $0.contains("-device") }
        #expect(calls.count == 3 && calls[0].hasPrefix("virsh attach-device web") && calls[2].hasPrefix("virsh detach-device web") && calls[2].contains("function='0x0'"), "\(calls)")
        #expect((w.cli.file(w.dir + "/attached") ?? "").isEmpty, "the guest still holds a function")
        #expect(try w.run(["owners"]).stdout.contains("free"))
    }

    /// After a crash mid-attach the guest holds the card while the ledger does not know: the
    /// next hand-over asks the toolstack first, records it, and never attaches it twice; a card
    /// another guest holds is not attached either.
    @Test(arguments: ["xl", "libvirt"])
    func whatTheGuestsHoldIsAskedFirst(toolstack: String) throws {
        let w = try Self.world(events: "", running: "1 web\n2 db\n")
        let held = toolstack == "xl" ? "1 0000:02:09.0@09" : "web <address domain='0x0000' bus='0x02' slot='0x09' function='0x0'/>"
        try w.cli.write(w.dir + "/attached", held + "\n")
        let r = try w.run(["domain", "start", "1", "--apply", "--toolstack", toolstack])
        #expect(r.status == 0 && r.stdout.contains("0000:02:09.0 is already in domain 1"), "\(r.stdout)\(r.stderr)")
        #expect(!w.calls().contains { $0.contains("attach-device") || $0.hasPrefix("xl pci-attach") }, "\(w.calls())")
        #expect(try w.run(["owners"]).stdout.contains("domain 1 "), "the ledger does not record domain 1 as the owner")
        #expect(try w.run(["domain", "kill", "1"]).status == 0)
        let other = try w.run(["domain", "start", "2", "--apply", "--toolstack", toolstack])
        #expect(other.status == 69 && other.stdout.contains("says domain 1 holds it"), "\(other.stdout)\(other.stderr)")
    }

    /// No lock is held while the toolstack runs: with `xl pci-attach` hanging, another writer
    /// (a hide of another device) goes through at once; the hung attach is ended at --timeout
    /// and its device freed under the lock again.
    @Test func aHangingAttachHoldsNoLock() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        try w.cli.addDevice("0000:03:00.0", vendor: "8086", device: "10d3")
        try Self.hideWhileAttachHangs(w, ["domain", "start", "1", "--apply", "--toolstack", "xl", "--timeout", "8"])
    }

    /// Runs `command` with xl pci-attach hanging, and a hide of 03:00.0 meanwhile: the hide must
    /// not wait for the toolstack, the command ends at its timeout (69), the card stays free.
    static func hideWhileAttachHangs(_ w: World, _ command: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        try w.cli.write(w.dir + "/hang-attach", "")
        let child = try Child.start(CLI.binary, command, environment: w.cli.environment)
        var attaching = false
        for _ in 0..<100 where !attaching { usleep(100_000); attaching = w.calls().contains { $0.hasPrefix("xl pci-attach") } }
        #expect(attaching, "the attach never started", sourceLocation: sourceLocation)
        let began = Date()
        let hide = try w.run(["hide", "03:00.0"])
        #expect(hide.status == 0 && Date().timeIntervalSince(began) < 5, "hide waited for the toolstack: \(hide.stderr)", sourceLocation: sourceLocation)
        let outcome = child.finish(timeout: 60)
        #expect(outcome.status == 69, "\(String(decoding: outcome.stdout, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(try w.run(["owners"]).stdout.contains("free"), "the attach that timed out left it free", sourceLocation: sourceLocation)
        #expect(try w.run(["history", "--check"]).status == 0, sourceLocation: sourceLocation)
    }

    /// release --apply detaches with no lock held: a hide goes through meanwhile, and a detach
    /// that times out leaves the ledger as the guest is (still its owner).
    @Test func releaseApplyHoldsNoLockWhileDetaching() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        try w.cli.addDevice("0000:03:00.0", vendor: "8086", device: "10d3")
        #expect(try w.run(["domain", "start", "1", "--apply", "--toolstack", "xl"]).status == 0)
        try w.cli.write(w.dir + "/hang-detach", "")
        let release = try Child.start(CLI.binary, ["release", "02:09.0", "--apply", "--toolstack", "xl", "--timeout", "6"], environment: w.cli.environment)
        var detaching = false
        for _ in 0..<100 where !detaching { usleep(100_000); detaching = w.calls().contains { $0.hasPrefix("xl pci-detach") } }
        #expect(detaching, "the detach never started")
        let began = Date()
        let hide = try w.run(["hide", "03:00.0"])
        #expect(hide.status == 0 && Date().timeIntervalSince(began) < 4, "hide waited for the toolstack: \(hide.stderr)")
        let look = try w.run(["watch", "--toolstack", "xl"])
        #expect(!look.stderr.contains("attaching it now"), "watch must not attach back what is being detached: \(look.stderr)")
        let outcome = release.finish(timeout: 60)
        #expect(outcome.status == 69, "\(String(decoding: outcome.stderr, as: UTF8.self))")
        #expect(try w.run(["owners"]).stdout.contains("domain 1"), "the detach did not finish: the guest still owns it")
        try FileManager.default.removeItem(atPath: w.dir + "/hang-detach")
        #expect(try w.run(["release", "02:09.0", "--apply", "--toolstack", "xl"]).status == 0)
        #expect(try w.run(["owners"]).stdout.contains("free"))
    }

    /// A watch look while domain start --apply's attach is still running: the device is owned and
    /// not yet held, but its attach is under way (InFlight): the watch leaves it alone.
    @Test func anAttachInFlightIsNotDoubled() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        try w.cli.write(w.dir + "/hang-attach", "")
        let start = try Child.start(CLI.binary, ["domain", "start", "1", "--apply", "--toolstack", "xl"], environment: w.cli.environment, capture: false)
        var attaching = false
        for _ in 0..<100 where !attaching { usleep(100_000); attaching = w.calls().contains { $0.hasPrefix("xl pci-attach") } }
        #expect(attaching, "the attach never started")
        let look = try w.run(["watch", "--toolstack", "xl"])
        #expect(!look.stderr.contains("attaching it now"), "\(look.stderr)")
        try FileManager.default.removeItem(atPath: w.dir + "/hang-attach")
        #expect(start.finish(timeout: 60).status == 0)
        #expect(w.calls().filter { $0.hasPrefix("xl pci-attach") }.count == 1, "\(w.calls())")
        #expect(try w.run(["watch", "--toolstack", "xl"]).stderr.contains("attaching it now") == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: w.cli.statePath + ".attaching").isEmpty, "the marker is removed once attached")
    }

    /// assign --apply too: the owners are committed, the lock released, then xl runs.
    @Test func assignApplyHoldsNoLockWhileAttaching() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        try w.cli.addDevice("0000:03:00.0", vendor: "8086", device: "10d3")
        #expect(try w.run(["policy", "02:09.0", "--manual"]).status == 0)
        #expect(try w.run(["domain", "start", "1"]).status == 0)
        try Self.hideWhileAttachHangs(w, ["assign", "02:09.0", "--domain", "1", "--apply", "--toolstack", "xl", "--timeout", "8"])
    }

    /// Two guests seen starting at once: the state lock and the id order decide; one attach.
    @Test func twoDomainsStartingTogetherNeverBothGetTheCard() throws {
        let w = try Self.world(events: "both 4 a 5 b\n")
        let r = try w.run(["watch", "--toolstack", "xl"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(w.calls().filter { $0.hasPrefix("xl pci-attach") } == ["xl pci-attach 4 0000:02:09.0@09"])
        #expect(r.stderr.contains("watch: domain 5 (b) started; it received no device"), "\(r.stderr)")
    }

    /// A failed attach leaves the card free in the ledger, as the hardware is.
    @Test(arguments: ["xl", "libvirt"])
    func aFailedAttachLeavesTheLedgerAsTheHardwareIs(toolstack: String) throws {
        let w = try Self.world(events: "start 1 web\n")
        try w.cli.write(w.dir + "/fail-attach", "")
        let r = try w.run(["watch", "--toolstack", toolstack])
        #expect(r.stderr.contains("could not attach 0000:02:09.0 to domain 1 through \(toolstack)"), "\(r.stderr)")
        #expect(r.stderr.contains("it stays free in the ledger"), "\(r.stderr)")
        let owners = try w.run(["owners", "--json"]).stdout
        #expect(owners.contains("\"owner\": null"), "\(owners)")
    }

    /// A hand-over killed while xl pci-attach runs leaves the ledger giving the card to a guest
    /// that does not hold it; the next watch completes it (one attach, not two), and a card a
    /// guest holds while the ledger says free (an attach seen to time out that went through) is
    /// recorded as that guest's.
    @Test func aHandOverCutShortIsCompletedAndNeverDoubled() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        try w.cli.write(w.dir + "/hang-attach", "")
        func killMidAttach() throws {
            let start = try Child.start(CLI.binary, ["domain", "start", "1", "--apply", "--toolstack", "xl"], environment: w.cli.environment, capture: false)
            var attaching = false
            let before = w.calls().filter { $0.hasPrefix("xl pci-attach") }.count
            for _ in 0..<100 where !attaching { usleep(100_000); attaching = w.calls().filter { $0.hasPrefix("xl pci-attach") }.count > before }
            #expect(attaching, "the attach never started")
            start.send(SIGKILL)
            _ = start.finish(timeout: 30)
        }
        // Killed, and xl dies with it: the attach never happens.
        try killMidAttach()
        try w.cli.write(w.dir + "/abort-attach", "")
        usleep(300_000)
        try FileManager.default.removeItem(atPath: w.dir + "/hang-attach")
        try FileManager.default.removeItem(atPath: w.dir + "/abort-attach")
        #expect(try w.run(["owners"]).stdout.contains("domain 1"), "the ledger gave it to domain 1 before attaching")
        let r = try w.run(["watch", "--toolstack", "xl"])
        #expect(r.stderr.contains("domain 1 owns 0000:02:09.0 in the ledger but does not hold it"), "\(r.stderr)")
        #expect(try w.run(["watch", "--toolstack", "xl"]).status == 0)
        #expect(w.calls().filter { $0.hasPrefix("xl pci-attach") }.count == 2, "one cut short, one completed: \(w.calls())")
        // Killed while xl goes on and attaches: the ledger already says so; nothing is attached again.
        #expect(try w.run(["domain", "kill", "1"]).status == 0)
        try w.cli.write(w.dir + "/attached", "")
        try w.cli.write(w.dir + "/domains", "2 db\n")
        try w.cli.write(w.dir + "/hang-attach", "")
        let start = try Child.start(CLI.binary, ["domain", "start", "2", "--apply", "--toolstack", "xl"], environment: w.cli.environment, capture: false)
        var attaching = false
        for _ in 0..<100 where !attaching { usleep(100_000); attaching = w.calls().filter { $0.hasPrefix("xl pci-attach 2") }.count > 0 }
        start.send(SIGKILL)
        _ = start.finish(timeout: 30)
        try FileManager.default.removeItem(atPath: w.dir + "/hang-attach")
        for _ in 0..<50 where !(w.cli.file(w.dir + "/attached") ?? "").contains("2 ") { usleep(100_000) }
        let quiet = try w.run(["watch", "--toolstack", "xl"])
        #expect(!quiet.stderr.contains("attaching it now") && w.calls().filter { $0.hasPrefix("xl pci-attach 2") }.count == 1, "\(quiet.stderr)")
        try w.cli.write(w.dir + "/domains", "1 web\n")
        try w.cli.write(w.dir + "/attached", "")
        _ = try w.run(["watch", "--toolstack", "xl"])
        // The other way: the guest holds it, the ledger says free.
        #expect(try w.run(["domain", "kill", "1"]).status == 0)
        #expect(try w.run(["domain", "start", "1"]).status == 0)
        #expect(try w.run(["release", "02:09.0"]).status == 0)
        let attaches = w.calls().filter { $0.hasPrefix("xl pci-attach") }.count
        let again = try w.run(["watch", "--toolstack", "xl"])
        #expect(again.stderr.contains("xl says domain 1 holds 0000:02:09.0, which the ledger had free: recorded as its"), "\(again.stderr)")
        #expect(w.calls().filter { $0.hasPrefix("xl pci-attach") }.count == attaches)
        #expect(try w.run(["history", "--check"]).status == 0)
    }

    /// A restarted watcher resumes from the toolstack's view: a guest it already handed the card
    /// to is not given it again, and one that died meanwhile is recorded dead.
    @Test func aRestartResumesWithoutDoubleAssignment() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        #expect(try w.run(["watch", "--toolstack", "xl"]).status == 0)
        #expect(try w.run(["watch", "--toolstack", "xl"]).status == 0)
        #expect(w.calls().filter { $0.hasPrefix("xl pci-attach") } == ["xl pci-attach 1 0000:02:09.0@09"])
        try w.cli.write(w.dir + "/domains", "")
        let r = try w.run(["watch", "--toolstack", "xl"])
        #expect(r.stderr.contains("watch: domain 1 (web) is gone; freed 0000:02:09.0"), "\(r.stderr)")
    }

    @Test func sigtermStopsItCleanly() throws {
        let w = try Self.world(events: "start 1 web\nhang\n")
        let child = try Child.start(CLI.binary, ["watch", "--toolstack", "xl"], environment: w.cli.environment)
        // Stop it while the event stream's shell waits on a child of its own (`sleep`): ending
        // only the shell would leave that child holding the watcher's standard error.
        for _ in 0..<100 where !w.calls().contains("hanging") { usleep(100_000) }
        child.send(SIGTERM)
        let outcome = child.finish(timeout: 30)
        #expect(outcome.status == 0, "\(String(decoding: outcome.stderr, as: UTF8.self))")
        #expect(String(decoding: outcome.stderr, as: UTF8.self).hasSuffix("watch: stopped\n"))
        #expect(try w.run(["history", "--check"]).status == 0)
    }

    /// Two `domain start --apply` at once: the state lock decides, and only one guest's attach runs.
    @Test func concurrentStartsWithApplyAttachOnce() throws {
        let w = try Self.world(events: "", running: "1 a\n2 b\n")
        let children = try (1...2).map { id in
            try Child.start(CLI.binary, ["domain", "start", String(id), "--apply", "--toolstack", "xl"], environment: w.cli.environment)
        }
        for c in children { #expect(c.finish(timeout: 60).status == 0) }
        #expect(w.calls().filter { $0.hasPrefix("xl pci-attach") }.count == 1, "\(w.calls())")
        let owners = try w.run(["owners", "--toolstack", "xl"])
        #expect(!owners.stdout.contains("!"), "\(owners.stdout)")
    }

    /// A card whose address now holds another device is never attached.
    @Test func aRenumberedDeviceIsNotAttached() throws {
        let w = try Self.world(events: "", running: "1 web\n")
        let vendor = try #require(FileManager.default.destinationOfSymbolicLinkIfPresent(w.cli.dir + "/sys/devices/0000:02:09.0")) + "/vendor"
        try w.cli.write(vendor, "0x1b21\n")
        let r = try w.run(["domain", "start", "1", "--apply", "--toolstack", "xl"])
        #expect(r.stdout.contains("refusing to attach 0000:02:09.0: the device at 0000:02:09.0 is now 1b21:1229"), "\(r.stdout)\(r.stderr)")
        #expect(w.calls().filter { $0.hasPrefix("xl pci-attach") }.isEmpty)
    }

    /// `assign --force --apply` moves the card: detached from its running owner, then attached to
    /// the new one; `release --apply` detaches it before the ledger frees it.
    @Test func assignAndReleaseApply() throws {
        let w = try Self.world(events: "", running: "3 web\n4 db\n")
        #expect(try w.run(["domain", "start", "3", "--apply", "--toolstack", "xl"]).status == 0)
        #expect(try w.run(["domain", "start", "4", "--apply", "--toolstack", "xl"]).status == 0)
        let moved = try w.run(["assign", "02:09.0", "--domain", "4", "--force", "--apply", "--toolstack", "xl"])
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stdout.contains("detached 0000:02:09.0 from domain 3 (xl)") && moved.stdout.contains("attached 0000:02:09.0 to domain 4 at guest 00:09.0 (xl)"), "\(moved.stdout)")
        let released = try w.run(["release", "02:09.0", "--apply", "--toolstack", "xl"])
        #expect(released.status == 0 && released.stdout.contains("detached 0000:02:09.0 from domain 4 (xl)"), "\(released.stdout)\(released.stderr)")
        #expect(
            w.calls().filter { $0.hasPrefix("xl pci-attach") || $0.hasPrefix("xl pci-detach") } == [
                "xl pci-attach 3 0000:02:09.0@09", "xl pci-detach 3 0000:02:09.0", "xl pci-attach 4 0000:02:09.0@09", "xl pci-detach 4 0000:02:09.0",
            ])
        #expect(try w.run(["owners", "--toolstack", "xl"]).stderr == "")
    }

    /// `domain start --apply` attaches through the toolstack, and only to a guest that runs there;
    /// `domain kill --apply` refuses a guest still running.
    @Test func domainStartAndKillApply() throws {
        let w = try Self.world(events: "", running: "3 web\n")
        let notRunning = try w.run(["domain", "start", "4", "--apply", "--toolstack", "xl"])
        #expect(notRunning.status == 64 && notRunning.stderr.contains("domain 4 is not running in xl"), "\(notRunning.stderr)")
        let start = try w.run(["domain", "start", "3", "--apply", "--toolstack", "xl"])
        #expect(start.status == 0 && start.stdout.contains("attached 0000:02:09.0 to domain 3 at guest 00:09.0 (xl)"), "\(start.stdout)\(start.stderr)")
        #expect(w.calls().contains("xl pci-attach 3 0000:02:09.0@09"))
        let kill = try w.run(["domain", "kill", "3", "--apply", "--toolstack", "xl"])
        #expect(kill.status == 64 && kill.stderr.contains("domain 3 is still running in xl"), "\(kill.stderr)")
        try w.cli.write(w.dir + "/domains", "")
        #expect(try w.run(["domain", "kill", "3", "--apply", "--toolstack", "xl"]).status == 0)
        #expect(try w.run(["domain", "start", "3", "--toolstack", "xl"]).status == 64)
    }
}
