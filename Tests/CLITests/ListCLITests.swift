import Foundation
import PCIFixtures
import PCIModel
import Testing

@Suite("pcihide list: additions and bad input")
struct ListCLITests {
    func treeCLI() throws -> CLI {
        let cli = try CLI()
        try SysfsFixture.generate(count: 60, seed: 3).write(to: cli.dir + "/sys")
        return cli
    }

    /// lspci's options that need what pcihide does not use are named with the reason, exit 64;
    /// -vv, -vvv and -b, once refused as "not offered yet", are listings now.
    @Test(arguments: [
        (["-q"], "-q", "network"), (["-QQ"], "-Q", "network"), (["-M"], "-M", "direct hardware access"),
        (["-H", "1"], "-H", "I/O ports"), (["-A", "linux-sysfs"], "-A", "access method"), (["-O", "a=b"], "-O", "parameters"),
        (["-G"], "-G", "debugging"), (["-p", "/dev/null"], "-p", "modules.pcimap"), (["-vM"], "-M", "bus-mapping"),
    ])
    func lspciOptionsPcihideDoesNotOfferAreNamedWithTheReason(args: [String], option: String, reason: String) throws {
        let r = try treeCLI().run(["list"] + args)
        #expect(r.status == 64)
        #expect(r.stderr.contains("lspci's option \(option) ") && r.stderr.contains(reason), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test(arguments: [["-vv"], ["-vvv"], ["-b"], ["-bvv"]])
    func optionsOnceRefusedAreListingsNow(args: [String]) throws {
        let r = try treeCLI().run(["list"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("00:00.0 "))
    }

    @Test func ownersMarksHiddenLinesOnly() throws {
        let cli = try treeCLI()
        let plain = try cli.run(["list"]).stdout.split(separator: "\n")
        try cli.run(["hide", "01:00.0", "(02:*.*)"])
        let marked = try cli.run(["list", "--owners"]).stdout.split(separator: "\n")
        #expect(marked.count == plain.count)
        for (a, b) in zip(plain, marked) {
            let hidden = a.hasPrefix("01:00.0 ") || a.hasPrefix("02:")
            // Recorded but still on its own driver until the next boot (or hide --now).
            #expect(hidden ? b.hasPrefix(a + " [hidden, free; not in effect (") && b.hasSuffix(" has it)]") : b == a, "\(b)")
        }
        let only = try cli.run(["list", "--hidden"]).stdout.split(separator: "\n")
        #expect(only.allSatisfy { $0.hasPrefix("01:00.0 ") || $0.hasPrefix("02:") })
        #expect(only.count == plain.filter { $0.hasPrefix("01:00.0 ") || $0.hasPrefix("02:") }.count)
    }

    /// In the verbose form pcihide's view is a line of its own after the device's lines; every
    /// line of lspci's stays as it is.
    @Test func ownersInTheVerboseFormIsALineOfItsOwn() throws {
        let cli = try treeCLI()
        let plain = try cli.run(["list", "-v"]).stdout
        try cli.run(["hide", "01:00.0"])
        let marked = try cli.run(["list", "-v", "--owners"]).stdout
        let blocks = marked.components(separatedBy: "\n\n")
        #expect(blocks[0].hasPrefix("00:00.0") && !blocks[0].contains("pcihide"))
        let hidden = try #require(blocks.first { $0.hasPrefix("01:00.0 ") })
        // The fixture's 01:00.0 has no driver: recorded, not in effect until the stub takes it.
        let line = "\tpcihide: hidden, free; not in effect (no driver has it)"
        #expect(hidden.hasSuffix("\n" + line), "\(hidden)")
        #expect(marked.replacingOccurrences(of: line + "\n", with: "") == plain)
    }

    /// --owners in -vmm records: tags of pcihide's own after lspci's, for hidden devices only;
    /// the rest of each record is lspci's.
    @Test func ownersInMachineRecordsAreTags() throws {
        let cli = try treeCLI()
        try cli.run(["hide", "01:00.0"])
        try cli.run(["domain", "start", "3", "--name", "web"])
        let plain = try cli.run(["list", "-vmm", "-s", "01:00.0"])
        let owned = try cli.run(["list", "-vmm", "--owners", "-s", "01:00.0"])
        #expect(owned.status == 0)
        #expect(owned.stdout == plain.stdout.dropLast() + "Hidden:\t0000:01:00.0\nOwner:\tdomain 3 (web)\nInEffect:\tno (no driver has it)\n\n", "\(owned.stdout)")
        let other = try cli.run(["list", "-vmm", "--owners", "-s", "00:00.0"])
        #expect(other.stdout == (try cli.run(["list", "-vmm", "-s", "00:00.0"])).stdout)
    }

    @Test func jsonHasTheDocumentedFields() throws {
        let cli = try treeCLI()
        try cli.run(["hide", "01:00.0"])
        let r = try cli.run(["list", "--json", "-s", "01:00.0"])
        #expect(r.status == 0)
        let objects = try jsonItems(r.stdout)
        #expect(objects.count == 1)
        let o = objects[0]
        for key in ["address", "vendorId", "deviceId", "classId", "revision", "vendorName", "deviceName", "className", "driver", "iommuGroup", "hidden", "owner", "reservedFor"] {
            #expect(o.keys.contains(key), "missing \(key)")
        }
        #expect(o["address"] as? String == "0000:01:00.0")
        #expect(o["hidden"] as? Bool == true)
        #expect(o["owner"] is NSNull)
        #expect(o["iommuGroup"] as? Int != nil)
    }

    /// The capability fields passthrough needs, from the decoder, with null for what is absent.
    @Test func jsonCarriesTheCapabilitiesPassthroughNeeds() throws {
        let cli = try CLI()
        var fixture = SysfsFixture()
        var nic = SysfsFixture.Function(address: PCIAddress(bus: 1, device: 0, function: 0), vendor: 0x15b3, device: 0x1017, classCode: 0x020000)
        nic.capabilities = .expressEndpoint
        var old = SysfsFixture.Function(address: PCIAddress(bus: 2, device: 0, function: 0), vendor: 0x8086, device: 0x1229, classCode: 0x020000)
        old.capabilities = .legacy
        fixture.functions = [nic, old]
        try fixture.write(to: cli.dir + "/sys")
        let r = try cli.run(["list", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try jsonItems(r.stdout)
        let caps = objects.map { $0["capabilities"] as! [String: Any] }
        #expect(caps[0]["flr"] as? Bool == true)
        #expect(caps[0]["expressType"] as? String == "endpoint")
        #expect((caps[0]["sriov"] as? [String: Any])?["totalVFs"] as? Int == 64)
        #expect(caps[0]["msixTableSize"] as? Int == 64)
        #expect(caps[0]["serialNumber"] as? String == "a0-b0-c0-d0-01-02-03-04")
        #expect((caps[0]["link"] as? [String: Any])?["speed"] as? String == "8GT/s")
        #expect(caps[0]["ari"] as? Bool == true && caps[0]["ats"] as? Bool == true)
        // Conventional PCI: no express capability, FLR through Advanced Features.
        #expect(caps[1]["flr"] is NSNull && caps[1]["expressType"] is NSNull)
        #expect(caps[1]["afFlr"] as? Bool == true)
        #expect(caps[1]["readable"] as? Bool == true)
    }

    @Test(
        "bad sources: a clear message naming the file, exit 66 or 65",
        arguments: [
            ("missing-root", 66, "does not exist"),
            ("empty-root", 66, "no PCI devices in"),
            ("unparseable-entry", 66, "Couldn't parse entry name garbage"),
            ("missing-attribute", 65, "/vendor: No such file or directory"),
            ("malformed-dump", 65, "dump.txt:3:8: malformed hex dump line"),
            ("missing-dump", 66, "cannot read"),
            ("empty-dump", 65, "no device found in the dump"),
            ("unterminated-dump", 65, "does not end with a newline"),
            ("nul-dump", 65, "dump.txt:1:23: a NUL byte inside the line"),
        ])
    func badSources(_ kind: String, _ status: Int32, _ message: String) throws {
        let cli = try CLI()
        var args = ["list"]
        let fm = FileManager.default
        switch kind {
        case "missing-root": args += ["--sysfs", cli.dir + "/none"]
        case "empty-root":
            try fm.createDirectory(atPath: cli.dir + "/e/devices", withIntermediateDirectories: true)
            args += ["--sysfs", cli.dir + "/e"]
        case "unparseable-entry":
            try fm.createDirectory(atPath: cli.dir + "/u/devices/garbage", withIntermediateDirectories: true)
            args += ["--sysfs", cli.dir + "/u"]
        case "missing-attribute":
            try fm.createDirectory(atPath: cli.dir + "/m/devices/0000:00:01.0", withIntermediateDirectories: true)
            args += ["--sysfs", cli.dir + "/m"]
        case "malformed-dump":
            try cli.write(cli.dir + "/dump.txt", "00:00.0 Host bridge: x\n00: 86 80 37 12\n10: 00 0z\n")
            args += ["-F", cli.dir + "/dump.txt"]
        case "missing-dump": args += ["-F", cli.dir + "/none.txt"]
        case "nul-dump":
            // lspci refuses it too ("line too long or unterminated"); pcihide says where.
            try cli.write(cli.dir + "/dump.txt", "00:00.0 Host bridge: x\0yz\n00: 86 80 37 12 00 00 00 00 02 00 00 06 00 00 00 00\n")
            args += ["-F", cli.dir + "/dump.txt"]
        case "empty-dump":
            try cli.write(cli.dir + "/dump.txt", "\n")
            args += ["-F", cli.dir + "/dump.txt"]
        default:
            try cli.write(cli.dir + "/dump.txt", "00:00.0 Host bridge: x\n00: 86 80")
            args += ["-F", cli.dir + "/dump.txt"]
        }
        let r = try cli.run(args)
        #expect(r.status == status, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.hasPrefix("pcihide: "))
        #expect(r.stdout.isEmpty)
    }

    @Test func hideWarnsWhenNotPresentUsingTheTree() throws {
        let cli = try treeCLI()
        let r = try cli.run(["hide", "01:00.0", "7f:00.0"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("0000:7f:00.0 is not present"))
        #expect(!r.stderr.contains("0000:01:00.0 is not present"))
    }
}
