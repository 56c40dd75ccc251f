import Foundation
import Testing

@Suite("ownership from the command line")
struct OwnershipCLITests {
    @Test func prototypeScenario() throws {
        let cli = try CLI()
        try cli.run(["hide", "02:09.0"])
        var r = try cli.run(["domain", "start", "1", "--name", "web"])
        #expect(r.stdout == "domain 1 started; it received:\n  0000:02:09.0\n")
        r = try cli.run(["domain", "start", "2"])
        #expect(r.stdout == "domain 2 started; it received no device\n")
        r = try cli.run(["domain", "destroy", "1"])
        #expect(r.stdout == "domain 1 killed; freed:\n  0000:02:09.0\n")
        r = try cli.run(["owners"])
        #expect(r.stdout.contains("0000:02:09.0") && r.stdout.contains("free"))
        r = try cli.run(["domain", "start", "3"])
        #expect(r.stdout == "domain 3 started; it received:\n  0000:02:09.0\n")
        r = try cli.run(["owners", "--json"])
        let rows = try jsonItems(r.stdout)
        #expect((rows[0]["owner"] as? [String: Any])?["domain"] as? Int == 3)
        #expect(rows[0]["policy"] as? String == "auto")
        let history = try cli.run(["history"]).stdout.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1)[1] }
        // Each line carries the number of the change (transaction) it belongs to.
        #expect(
            history == [
                "#1 hide 0000:02:09.0", "#2 domain-start 1 (web)", "#2 owner 0000:02:09.0 free -> domain 1 (web)",
                "#3 domain-start 2", "#4 domain-kill 1 (web)", "#4 owner 0000:02:09.0 domain 1 (web) -> free",
                "#5 domain-start 3", "#5 owner 0000:02:09.0 free -> domain 3",
            ])
        #expect(try cli.run(["history", "--check"]).stdout.hasPrefix("the history (8 lines) arrives at the state"))
    }

    @Test(
        "errors name the device or domain and exit 64, leaving the state as it was",
        arguments: [
            (["assign", "09:00.0", "--domain", "2"], "is not hidden; hide it first with 'pcihide hide 0000:09:00.0'"),
            (["assign", "02:09.0", "--domain", "0"], "domain 0 is dom0"),
            (["assign", "02:09.0", "--domain", "32752"], "reserved by Xen"),
            (["assign", "02:09.0", "--domain", "2"], "owned by running domain 1 (web); add --force"),
            (["unhide", "02:09.0"], "owned by domain 1 (web); release it first or add --force"),
            (["domain", "start", "1"], "already running"),
            (["domain", "kill", "7"], "domain 7 is not running"),
            (["policy", "02:09.0"], "exactly one of --auto and --manual"),
        ])
    func refusals(_ args: [String], _ message: String) throws {
        let cli = try CLI()
        try cli.run(["hide", "02:09.0"])
        try cli.run(["domain", "start", "1", "--name", "web"])
        try cli.run(["domain", "start", "2"])
        let before = cli.file(cli.statePath)
        let r = try cli.run(args)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(cli.file(cli.statePath) == before)
    }

    @Test func forceAndReservations() throws {
        let cli = try CLI()
        try cli.run(["hide", "02:09.0", "03:00.0", "03:00.1"])
        try cli.run(["domain", "start", "1"])
        var r = try cli.run(["assign", "03:00.1", "--domain", "2", "--force"])
        #expect(r.stdout == "0000:03:00.1 reserved for domain 2 (it gets it when it starts)\n")
        #expect(r.stderr.contains("the functions of slot 0000:03:00 are split"))
        r = try cli.run(["domain", "start", "2"])
        #expect(r.stdout == "domain 2 started; it received:\n  0000:03:00.1\n")
        r = try cli.run(["list", "--owners", "--sysfs", cli.dir + "/none"])
        #expect(r.status == 66)
        r = try cli.run(["unhide", "02:09.0", "--force"])
        #expect(r.status == 0 && r.stdout == "unhidden 0000:02:09.0\n")
    }

    @Test("32 concurrent processes assigning and releasing lose no update")
    func concurrentAssignments() throws {
        let cli = try CLI()
        let devices = (0..<32).map { String(format: "%02x:00.0", 0x40 + $0) }
        try cli.run(["hide"] + devices)
        let processes = try devices.enumerated().map { (i, d) in
            // Each process assigns its device, releases it and assigns it again.
            try Child.start(
                "/bin/sh", ["-c", "\"$0\" assign \(d) --domain \(i + 1) && \"$0\" release \(d) && \"$0\" assign \(d) --domain \(i + 1)", CLI.binary],
                environment: cli.environment, capture: false)
        }
        let statuses = processes.map { $0.finish().status }
        #expect(statuses.allSatisfy { $0 == 0 }, "\(statuses)")
        let rows = try jsonItems(try cli.run(["owners", "--json"]).stdout)
        #expect(rows.count == 32)
        for (i, row) in rows.enumerated() {
            #expect((row["reservedFor"] as? [String: Any])?["domain"] as? Int == i + 1, "\(row)")
        }
        let history = try cli.run(["history"]).stdout.split(separator: "\n")
        #expect(history.filter { $0.contains(" policy ") }.count == 96)
    }

    @Test("a writer killed with SIGKILL leaves the old or the new state, never a broken file")
    func killedWriters() throws {
        let cli = try CLI()
        try cli.run(["hide"] + (0..<64).map { String(format: "%02x:00.0", 0x40 + $0) })
        var generator = SystemRandomNumberGenerator()
        for round in 0..<60 {
            let p = try Child.start(
                CLI.binary, round % 2 == 0 ? ["domain", "start", String(round + 1)] : ["domain", "kill", String(round)],
                environment: cli.environment, capture: false)
            usleep(UInt32.random(in: 0...3000, using: &generator))
            p.send(SIGKILL)
            _ = p.finish()
            let r = try cli.run(["owners", "--json"])
            #expect(r.status == 0, "round \(round): \(r.stderr)")
            let rows = try jsonItems(r.stdout)
            #expect(rows.count == 64, "round \(round)")
        }
        // Whatever was killed, a later command still works on the file.
        #expect(try cli.run(["domain", "start", "999"]).status == 0)
    }
}
