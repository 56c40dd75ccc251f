import Foundation
import PCIFixtures
import PCIModel
import Testing

/// pcihide list against lspci itself, on generated sysfs trees, on dumps and on this machine.
/// stdout must be byte-identical. The cases run in parallel: each writes only its own files.
@Suite("pcihide list = lspci")
struct LspciDifferentialTests {
    static let optionSets: [[String]] = [
        [], ["-n"], ["-nn"], ["-D"], ["-k"], ["-nnk"], ["-m"], ["-mm"], ["-mm", "-nn"], ["-t"], ["-x"], ["-xxx"],
        ["-xxxx"], ["-D", "-x"], ["-s", "01:"], ["-s", "0.1"], ["-s", "*:*.0"], ["-d", "8086:"], ["-d", ":1229"],
        ["-d", "8086:1229:0200"], ["-t", "-s", "02:00"], ["-k", "-s", "00:01.0"], ["-mm", "-D"], ["-n", "-t"],
        ["-s", "0001:"], ["-d", "*:*:0604"], ["-s", "10000:01:"],
        // The verbose listing: header registers, regions, capability lines, kernel driver.
        ["-v"], ["-v", "-n"], ["-vnn"], ["-v", "-k"], ["-v", "-D"], ["-v", "-x"], ["-v", "-xxx"], ["-vxxxx"],
        ["-v", "-s", "01:"], ["-v", "-d", "8086:"], ["-vs01:00"], ["-vd8086:"],
        // lspci -vmm: one Tag:\tvalue line each, records apart.
        ["-vmm"], ["-vmmm"], ["-vm"], ["-vmm", "-k"], ["-vmm", "-nn"], ["-vmmnnk"], ["-vmmm", "-k", "-nn"], ["-vmm", "-x"], ["-vmm", "-D"],
        ["-vmms01:"],
        // -P: the path through the bridges (-PP with buses), in every layout.
        ["-P"], ["-PP"], ["-P", "-v"], ["-PP", "-vmm"], ["-P", "-mm"], ["-PPnn"], ["-P", "-s", "01:"], ["-PPD"], ["-P", "-t"],
        // -tv: the tree with each device's names.
        ["-tv"], ["-tvv"], ["-tv", "-nn"], ["-tvn"], ["-tv", "-s", "01:"], ["-tvPP"],
        // -vv and -vvv: every capability's registers decoded (and VPD read from sysfs).
        ["-vv"], ["-vvv"], ["-vv", "-n"], ["-vvnn"], ["-vv", "-k"], ["-vvv", "-D"], ["-vv", "-x"], ["-vvv", "-xxx"], ["-vvvxxxx"],
        ["-vv", "-s", "01:"], ["-vvd8086:"], ["-vvnnk"], ["-vvvPP"],
        // -b: ids, IRQs and regions as the config space holds them.
        ["-b"], ["-bv"], ["-bvv"], ["-bvvv", "-k"], ["-bt"], ["-bnn"], ["-bvmm"], ["-bPP"], ["-b", "-s", "01:"],
    ]

    /// Generated once per run: two trees and a dump of one of them.
    static let sources: (tree: String, domains: String, dump: String) = {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-diff-\(getpid())").path
        let tree = base + "/tree", domains = base + "/domains", dump = base + "/dump.txt"
        try? SysfsFixture.generate(count: 400, seed: 7).write(to: tree)
        var multi = SysfsFixture.generate(count: 120, seed: 11)
        // A second domain, and one of Intel VMD's (10000 and up: five hex digits).
        for (domain, seed) in [(UInt32(1), UInt64(12)), (0x10000, 13)] {
            multi.functions += SysfsFixture.generate(count: 40, seed: seed).functions.map { f -> SysfsFixture.Function in
                var g = f
                g.address.domain = domain
                g.parent = f.parent.map {
                    var p = $0; p.domain = domain; return p
                }
                g.physicalFunction = f.physicalFunction.map {
                    var p = $0; p.domain = domain; return p
                }
                return g
            }
        }
        try? multi.write(to: domains)
        let r = run("/usr/bin/lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=" + tree, "-xxxx"])
        try? r.stdout.write(toFile: dump, atomically: true, encoding: .utf8)
        return (tree, domains, dump)
    }()

    /// lspci -xxx of the tree with domains, written once (the cases run in parallel).
    static let domainsDumpFile: String = {
        let dump = sources.domains + ".dump"
        try? run("/usr/bin/lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=" + sources.domains, "-xxx"]).stdout.write(toFile: dump, atomically: true, encoding: .utf8)
        return dump
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

    func compare(pcihide: [String], lspci: [String], _ options: [String]) {
        let ours = Self.run(CLI.binary, ["list"] + pcihide + options)
        let theirs = Self.run("/usr/bin/lspci", lspci + options)
        #expect(ours.stdout == theirs.stdout, "pcihide list \((pcihide + options).joined(separator: " "))")
        #expect(!theirs.stdout.isEmpty || options.contains("-s") || options.contains("-d"), "lspci printed nothing")
        #expect(ours.status == 0, "\(ours.stderr)")
    }

    @Test("generated sysfs tree", arguments: optionSets)
    func sysfsTree(_ options: [String]) {
        guard RequiredTools.have("/usr/bin/lspci") else { return }
        let t = Self.sources.tree
        compare(pcihide: ["--sysfs", t], lspci: ["-A", "linux-sysfs", "-O", "sysfs.path=" + t], options)
    }

    @Test("tree with a second PCI domain and a VMD one", arguments: optionSets)
    func domainsTree(_ options: [String]) {
        guard RequiredTools.have("/usr/bin/lspci") else { return }
        let t = Self.sources.domains
        compare(pcihide: ["--sysfs", t], lspci: ["-A", "linux-sysfs", "-O", "sysfs.path=" + t], options)
    }

    @Test("lspci dump of the tree with domains (five-digit VMD ones too)", arguments: [[], ["-t"], ["-mm"], ["-D"], ["-x"], ["-s", "10000:01:"]])
    func domainsDump(_ options: [String]) throws {
        guard RequiredTools.have("/usr/bin/lspci") else { return }
        let dump = Self.domainsDumpFile
        #expect(try String(contentsOfFile: dump, encoding: .utf8).contains("\n10000:"))
        compare(pcihide: ["-F", dump], lspci: ["-F", dump], options)
    }

    @Test("lspci dump file", arguments: optionSets)
    func dump(_ options: [String]) {
        guard RequiredTools.have("/usr/bin/lspci") else { return }
        compare(pcihide: ["-F", Self.sources.dump], lspci: ["-F", Self.sources.dump], options)
    }

    @Test(
        "this machine",
        arguments: [
            [], ["-n"], ["-nn"], ["-D"], ["-k"], ["-mm"], ["-t"], ["-x"], ["-v"], ["-vnnk"], ["-v", "-xxx"], ["-vmm"], ["-vmmk"], ["-vmmmnn"], ["-P"], ["-PPv"], ["-tv"], ["-tvnn"],
            ["-vv"], ["-vvv"], ["-vvnnk"], ["-vvvxxx"], ["-b"], ["-bvv"], ["-bt"],
        ])
    func liveMachine(_ options: [String]) {
        guard RequiredTools.have("/usr/bin/lspci"), FileManager.default.fileExists(atPath: "/sys/bus/pci/devices") else { return }
        compare(pcihide: [], lspci: [], options)
    }

    /// A user reads 64 bytes of each config space: capabilities past them are `<access denied>`.
    @Test(
        "this machine as a user",
        arguments: [["-v"], ["-vk"], ["-x"], ["-vmmk"], ["-vv"], ["-vvv"], ["-vvnnk"]])
    func liveMachineAsUser(_ options: [String]) throws {
        guard RequiredTools.have("/usr/bin/lspci"), FileManager.default.fileExists(atPath: "/sys/bus/pci/devices"), getuid() == 0 else { return }
        let cli = try CLI()
        var env = cli.environment
        env["PCIHIDE_SYSFS"] = nil
        let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"]
        let theirs = try CLI.execute("/usr/bin/setpriv", nobody + ["/usr/bin/lspci"] + options, environment: env)
        let ours = try CLI.execute("/usr/bin/setpriv", nobody + [CLI.binary, "list"] + options, environment: env)
        #expect(ours.status == theirs.status)
        #expect(ours.stdout == theirs.stdout)
    }

    @Test("another ID database")
    func idsFile() throws {
        guard RequiredTools.have("/usr/bin/lspci") else { return }
        let ids = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-ids-\(getpid())").path
        try "8086  Example Vendor\n\t1229  Example NIC\nC 02  Net\n\t00  Wire\n".write(toFile: ids, atomically: true, encoding: .utf8)
        let t = Self.sources.tree
        compare(pcihide: ["--sysfs", t, "-i", ids], lspci: ["-A", "linux-sysfs", "-O", "sysfs.path=" + t, "-i", ids], [])
    }

    /// ID databases that take the pci.ids extract's less common turns: subsystems of another
    /// vendor, comments, reserved blocks, upper-case hex, CRLF, and files libpci refuses whole.
    static let idsTexts: [String] = [
        "# ids\n1AF4  Red Hat Example\n\t1000  Virtio net\n\t1001  Unused\n8086  Intel Example\n\t1229  Example NIC\n"
            + "\t\t1af4 0001  Subsystem by Red Hat\n\t\t8086 0002  Own subsystem\n\t1237  Example host bridge\n\t\t8086 0003  Unused\n"
            + "X 01  Reserved\n\t01  skipped\nC 02  Network controller\n\t00  Ethernet\nC 06  Bridge\n\t00  Host bridge\n",
        "8086  Intel\n\t1229  NIC\nzzzz  Broken\nC 02  Net\n",
        "8086  Intel\n\t\t1af4 0001  orphan\n",
        "8086  Intel\n\t1229  NIC\nS 8086\n\t0001  generic\n",
        "",
        "8086  Intel \r\n\t1229\tNIC\r\n1af4  RH\r\n",
        // A duplicate in a block no device needs: lspci dies of it, so must list.
        "1000  Other\n\t0001  A\n\t0001  B\n8086  Intel\n\t1229  NIC\nC 02  Net\n",
        // Out of order but no duplicate: read whole, the same names.
        "8086  Intel\n\t1229  NIC\n1000  Other\n\t0002  A\n\t0001  B\nC 02  Net\n",
        // Names -m quotes: a double quote and a backslash are escaped with a backslash.
        "8086  Intel \"Example\" C:\\PCI\n\t1229  NIC \\\"12\\\"\nC 02  Net \"wired\"\n",
    ]

    @Test("ID databases, through pcihide's extract and through libpci whole", arguments: 0..<9, [[], ["-nn"], ["-k"], ["-mm"], ["-mm", "-nn"]])
    func idsExtracts(_ which: Int, _ options: [String]) throws {
        // One tree per case: the cases run in parallel.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-ids-\(getpid())-\(which)-\(options.joined())").path
        var fixture = SysfsFixture()
        func function(_ slot: UInt8, _ vendor: UInt16, _ device: UInt16, _ cls: UInt32, sub: (UInt16, UInt16)?) -> SysfsFixture.Function {
            var f = SysfsFixture.Function(address: PCIAddress(bus: 0, device: slot, function: 0), vendor: vendor, device: device, classCode: cls)
            f.subsystem = sub.map { PCIIds(vendor: $0.0, device: $0.1) }
            return f
        }
        fixture.functions = [
            function(0, 0x8086, 0x1237, 0x060000, sub: nil), function(1, 0x8086, 0x1229, 0x020000, sub: (0x1af4, 0x0001)),
            function(2, 0x1af4, 0x1000, 0x020000, sub: (0x8086, 0x0002)), function(3, 0x8086, 0x1229, 0x020000, sub: (0x8086, 0x0002)),
            function(4, 0x10ec, 0x8139, 0x020000, sub: (0x8086, 0x1229)),
        ]
        try fixture.write(to: base + "/tree")
        try Self.idsTexts[which].write(toFile: base + "/ids", atomically: true, encoding: .utf8)
        let ours = Self.run(CLI.binary, ["list", "--sysfs", base + "/tree", "-i", base + "/ids"] + options)
        let theirs = Self.run("/usr/bin/lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=" + base + "/tree", "-i", base + "/ids"] + options)
        if theirs.status == 0 {
            #expect(ours.stdout == theirs.stdout)
            #expect(ours.status == 0, "\(ours.stderr)")
        } else {
            // lspci dies of a file libpci refuses, halfway through a line; pcihide says the same
            // reason before printing anything, and exits 65.
            let reason = theirs.stderr.replacingOccurrences(of: "lspci: ", with: "")
            #expect(!reason.isEmpty)
            #expect(ours.status == 65 && ours.stdout.isEmpty)
            #expect(ours.stderr == "pcihide: cannot use the ID database: " + reason, "\(ours.stderr)")
        }
    }

    /// pcihide reads the one-line listing's attributes itself, accepting only the kernel's format;
    /// files in any other state are libpci's to read. Both ways must print what lspci prints.
    static let oddTree: String = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-odd-\(getpid())").path
        var fixture = SysfsFixture()
        fixture.functions = (0..<10).map { slot in
            SysfsFixture.Function(
                address: PCIAddress(bus: 0, device: UInt8(slot), function: 0), vendor: 0x8086,
                device: 0x1229 + UInt16(slot), classCode: 0x020000, revision: 2)
        }
        try? fixture.write(to: root)
        func attr(_ slot: Int, _ name: String, _ text: String?) {
            let path = root + "/devices/0000:00:0\(slot).0/" + name
            if let text { try? text.write(toFile: path, atomically: false, encoding: .utf8) } else { unlink(path) }
        }
        attr(0, "revision", nil)  // libpci takes config byte 8
        attr(1, "revision", "0x05\n")  // the file wins over config
        attr(2, "class", "0x0c0330\n")  // a kernel class fix-up
        attr(3, "vendor", "0x8086")  // no newline
        attr(4, "device", "0x1A2B\n")  // upper case
        attr(5, "class", "0x020000 \n")  // trailing blank
        attr(6, "revision", "0x1\n")  // one digit
        attr(7, "config", "\u{86}\u{80}")  // a config file too short for the header
        attr(8, "vendor", "0x10ec\n")  // the file, not config, names the vendor
        attr(9, "device", "4660\n")  // decimal, as strtol reads it
        return root
    }()

    @Test(
        "attribute files in other states than the kernel writes",
        arguments: [
            [], ["-n"], ["-nn"], ["-D"], ["-mm"], ["-x"], ["-k"], ["-s", "00:02"], ["-d", "::0c03"], ["-d", "10ec:"],
        ])
    func oddAttributes(_ options: [String]) {
        guard RequiredTools.have("/usr/bin/lspci") else { return }
        let t = Self.oddTree
        compare(pcihide: ["--sysfs", t], lspci: ["-A", "linux-sysfs", "-O", "sysfs.path=" + t], options)
    }

    @Test(
        "bad filters get lspci's messages and exit 64",
        arguments: [
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
