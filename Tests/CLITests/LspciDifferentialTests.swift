import Foundation
import PCIFixtures
import PCIModel
import Testing

/// pcihide list against lspci itself, on generated sysfs trees, on dumps and on this machine.
/// stdout must be byte-identical.
@Suite("pcihide list = lspci", .serialized)
struct LspciDifferentialTests {
    static let optionSets: [[String]] = [
        [], ["-n"], ["-nn"], ["-D"], ["-k"], ["-nnk"], ["-m"], ["-mm"], ["-mm", "-nn"], ["-t"], ["-x"], ["-xxx"],
        ["-xxxx"], ["-D", "-x"], ["-s", "01:"], ["-s", "0.1"], ["-s", "*:*.0"], ["-d", "8086:"], ["-d", ":1229"],
        ["-d", "8086:1229:0200"], ["-t", "-s", "02:00"], ["-k", "-s", "00:01.0"], ["-mm", "-D"], ["-n", "-t"],
        ["-s", "0001:"], ["-d", "*:*:0604"],
    ]

    /// Generated once per run: two trees and a dump of one of them.
    static let sources: (tree: String, domains: String, dump: String) = {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-diff-\(getpid())").path
        let tree = base + "/tree", domains = base + "/domains", dump = base + "/dump.txt"
        try? SysfsFixture.generate(count: 400, seed: 7).write(to: tree)
        var multi = SysfsFixture.generate(count: 120, seed: 11)
        let extra = SysfsFixture.generate(count: 40, seed: 12).functions.map { f -> SysfsFixture.Function in
            var g = f
            g.address.domain = 1
            g.parent = f.parent.map { var p = $0; p.domain = 1; return p }
            return g
        }
        multi.functions += extra
        try? multi.write(to: domains)
        let r = run("/usr/bin/lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=" + tree, "-xxxx"])
        try? r.stdout.write(toFile: dump, atomically: true, encoding: .utf8)
        return (tree, domains, dump)
    }()

    static func run(_ exe: String, _ args: [String]) -> CLI.Result {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PCIHIDE_") }
        env["PCIHIDE_STATE"] = "/nonexistent/pcihide-state.json"
        do {
            return try CLI.execute(exe, args, environment: env)
        } catch {
            return CLI.Result(status: -1, stdout: "", stderr: "\(error)")
        }
    }

    static var haveLspci: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/lspci") }

    func compare(pcihide: [String], lspci: [String], _ options: [String]) {
        let ours = Self.run(CLI.binary, ["list"] + pcihide + options)
        let theirs = Self.run("/usr/bin/lspci", lspci + options)
        #expect(ours.stdout == theirs.stdout, "pcihide list \((pcihide + options).joined(separator: " "))")
        #expect(!theirs.stdout.isEmpty || options.contains("-s") || options.contains("-d"), "lspci printed nothing")
        #expect(ours.status == 0, "\(ours.stderr)")
    }

    @Test("generated sysfs tree", .enabled(if: haveLspci), arguments: optionSets)
    func sysfsTree(_ options: [String]) {
        let t = Self.sources.tree
        compare(pcihide: ["--sysfs", t], lspci: ["-A", "linux-sysfs", "-O", "sysfs.path=" + t], options)
    }

    @Test("tree with a second PCI domain", .enabled(if: haveLspci), arguments: optionSets)
    func domainsTree(_ options: [String]) {
        let t = Self.sources.domains
        compare(pcihide: ["--sysfs", t], lspci: ["-A", "linux-sysfs", "-O", "sysfs.path=" + t], options)
    }

    @Test("lspci dump file", .enabled(if: haveLspci), arguments: optionSets)
    func dump(_ options: [String]) {
        compare(pcihide: ["-F", Self.sources.dump], lspci: ["-F", Self.sources.dump], options)
    }

    @Test("this machine", .enabled(if: haveLspci && FileManager.default.fileExists(atPath: "/sys/bus/pci/devices")),
          arguments: [[], ["-n"], ["-nn"], ["-D"], ["-k"], ["-mm"], ["-t"], ["-x"]])
    func liveMachine(_ options: [String]) {
        compare(pcihide: [], lspci: [], options)
    }

    @Test("another ID database", .enabled(if: haveLspci))
    func idsFile() throws {
        let ids = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-ids-\(getpid())").path
        try "8086  Example Vendor\n\t1229  Example NIC\nC 02  Net\n\t00  Wire\n".write(toFile: ids, atomically: true, encoding: .utf8)
        let t = Self.sources.tree
        compare(pcihide: ["--sysfs", t, "-i", ids], lspci: ["-A", "linux-sysfs", "-O", "sysfs.path=" + t, "-i", ids], [])
    }

    @Test("bad filters get lspci's messages and exit 64", arguments: [
        (["-s", "zz"], "-s: Invalid slot number"), (["-s", "1:2:3:4"], "-s: Too many fields"),
        (["-s", "00:00.9"], "-s: Invalid function number"), (["-d", "8086"], "-d: At least two fields must be given"),
        (["-d", "12345:"], "-d: Invalid vendor ID"), (["-s", "10000:0:0.0"], ""),
    ])
    func badFilters(_ args: [String], _ message: String) {
        let ours = Self.run(CLI.binary, ["list", "--sysfs", Self.sources.tree] + args)
        let theirs = Self.run("/usr/bin/lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=" + Self.sources.tree] + args)
        if message.isEmpty {
            #expect(ours.stdout == theirs.stdout)
        } else {
            #expect(ours.status == 64)
            #expect(ours.stderr == "pcihide: \(message)\n")
            #expect(theirs.stderr == "lspci: \(message)\n")
        }
    }
}
