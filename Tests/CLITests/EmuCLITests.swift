import Foundation
import PCIFixtures
import PCIModel
import Testing

@Suite("pcihide emu")
struct EmuCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// The 2005 machine as a sysfs tree: host 02:09.0, 82557 rev 08, BARs with sizes, IRQ 21.
    func machine2005() throws -> CLI {
        var cli = try CLI()
        var c = [UInt8](repeating: 0, count: 256)
        func put(_ o: Int, _ bytes: [UInt8]) { for (i, b) in bytes.enumerated() { c[o + i] = b } }
        put(0x00, [0x86, 0x80, 0x29, 0x12, 0x07, 0x00, 0x90, 0x02, 0x08, 0x00, 0x00, 0x02, 0x08, 0x42, 0x00, 0x00])
        put(0x10, [0x00, 0x10, 0x10, 0xc0, 0x41, 0x20, 0x00, 0x00, 0x00, 0x00, 0x20, 0xc0])
        put(0x2c, [0x86, 0x80, 0x0c, 0x00])
        put(0x34, [0xdc])
        put(0x3c, [0x09, 0x01, 0x08, 0x38])
        put(0xdc, [0x01, 0x00, 0x22, 0xfe])
        var nic = SysfsFixture.Function(address: PCIAddress(bus: 2, device: 9, function: 0), vendor: 0x8086, device: 0x1229, classCode: 0x020000, revision: 8)
        nic.rawConfig = c
        nic.irq = 21
        nic.bars = [(0xc010_1000, 4096), (0x2041, 64), (0xc020_0000, 1 << 20)]
        var fixture = SysfsFixture()
        fixture.functions = [nic]
        try fixture.write(to: cli.dir + "/sys")
        cli.environment["PCIHIDE_SYSFS"] = cli.dir + "/sys"
        return cli
    }

    /// One SR-IOV virtual function given alone: its config ids read ffff and its host function
    /// is 1, yet the guest must find it (at function 0) under the ids the host kernel knows.
    @Test func aVirtualFunctionAloneIsSeenByTheGuest() throws {
        var cli = try CLI()
        let pf = PCIAddress(bus: 3, device: 0, function: 0)
        var fixture = SysfsFixture()
        var vf = SysfsFixture.Function(address: PCIAddress(bus: 3, device: 0x10, function: 1), vendor: 0x15b3, device: 0x1018, classCode: 0x020000)
        vf.physicalFunction = pf
        var config = vf.config
        for k in 0..<4 { config[k] = 0xff }
        vf.rawConfig = config
        fixture.functions = [SysfsFixture.Function(address: pf, vendor: 0x15b3, device: 0x1017, classCode: 0x020000), vf]
        try fixture.write(to: cli.dir + "/sys")
        cli.environment["PCIHIDE_SYSFS"] = cli.dir + "/sys"
        let r = try cli.run(["emu", "lspci", "--device", "03:10.1", "-nn"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").last == "00:10.0 Ethernet controller [0200]: Mellanox Technologies MT27800 Family [ConnectX-5 Virtual Function] [15b3:1018]")
        let read = try cli.run(["emu", "read", "--device", "03:10.1", "00:10.0", "0x0", "--width", "4"])
        #expect(read.stdout == "0x101815b3 (emulated)\n")
        // A real lspci reads the guest's bus the same way.
        let dump = try cli.run(["emu", "dump", "--device", "03:10.1"])
        try cli.write(cli.dir + "/guest.txt", dump.stdout)
        let lspci = try CLI.execute("/usr/bin/lspci", ["-F", cli.dir + "/guest.txt", "-n", "-s", "00:10.0"])
        #expect(lspci.stdout == "00:10.0 0200: 15b3:1018\n")
    }

    @Test("the 2005 announcement's guest listing, line for line, with IRQ 21")
    func golden2005() throws {
        let cli = try machine2005()
        let golden = try String(contentsOfFile: Self.fixtures + "/proc-pci-2005.txt", encoding: .utf8)
        var r = try cli.run(["emu", "proc-pci", "--device", "02:09.0@09", "-i", Self.fixtures + "/pci-2005.ids"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == golden)
        // The same through the ledger: hidden, given to the first domain started, at the asked-for slot.
        try cli.run(["hide", "02:09.0@09"])
        try cli.run(["domain", "start", "1"])
        r = try cli.run(["emu", "proc-pci", "--domain", "1", "-i", Self.fixtures + "/pci-2005.ids"])
        #expect(r.stdout == golden)
    }

    @Test("emu dump is read by the real lspci -F, which names the bridges and the device at its slot")
    func dumpReadByLspci() throws {
        let cli = try machine2005()
        let r = try cli.run(["emu", "dump", "--device", "02:09.0@09"])
        let path = cli.dir + "/guest.dump"
        try cli.write(path, r.stdout)
        let lspci = LspciDifferentialTests.run("/usr/bin/lspci", ["-F", path])
        #expect(
            lspci.stdout == """
                00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)
                00:01.0 ISA bridge: Intel Corporation 82371SB PIIX3 ISA [Natoma/Triton II]
                00:09.0 Ethernet controller: Intel Corporation 82557/8/9/0/1 Ethernet Pro 100 (rev 08)

                """)
        let ours = try cli.run(["emu", "lspci", "--device", "02:09.0@09", "-nn"])
        #expect(ours.stdout == LspciDifferentialTests.run("/usr/bin/lspci", ["-F", path, "-nn"]).stdout)
    }

    /// The README's example as written: hide=02:09.0 with no slot asked for, handed to the first
    /// domain started, is seen at guest 00:09.0 as in 2005.
    @Test func theHostDeviceNumberIsKeptByDefault() throws {
        let cli = try machine2005()
        try cli.run(["hide", "02:09.0"])
        try cli.run(["domain", "start", "1"])
        let r = try cli.run(["emu", "read", "--domain", "1", "00:09.0", "0x3c"])
        #expect(r.status == 0 && r.stdout == "0x15 (emulated)\n", "\(r.stdout)\(r.stderr)")
        let spec = try cli.run(["hide", "03:00.0@01"])
        #expect(spec.status == 64 && spec.stderr.contains("vslot 01 holds the guest's emulated ISA bridge"), "refused when the spec is given: \(spec.stderr)")
    }

    @Test func readsSayWhereTheValueComesFrom() throws {
        let cli = try machine2005()
        var r = try cli.run(["emu", "read", "--device", "02:09.0@09", "00:09.0", "0x3c"])
        #expect(r.stdout == "0x15 (emulated)\n")
        r = try cli.run(["emu", "read", "--device", "02:09.0@09", "00:09.0", "0", "--width", "4"])
        #expect(r.stdout == "0x12298086 (shone through)\n")
        r = try cli.run(["emu", "read", "--device", "02:09.0@09", "00:03.0", "0", "--width", "2"])
        #expect(r.stdout == "0xffff (no device at 00:03.0: the guest reads all ones)\n")
        // Offsets no config space has are refused, never a crash (exit 64, not a trap).
        r = try cli.run(["emu", "read", "--device", "02:09.0@09", "00:09.0", "7fffffffffffffff"])
        #expect(r.status == 64 && r.stderr.contains("outside the 256-byte config space"), "\(r.stderr)")
    }

    @Test func traceReplaysPortAccesses() throws {
        let cli = try machine2005()
        let script = """
            # Linux's type-1 probe, then the ids of three slots
            outb 0xcfb 0x01
            outl 0xcf8 0x80000000
            inl 0xcf8
            inl 0xcfc
            outl 0xcf8 0x80004800
            inl 0xcfc
            inw 0xcfe
            inb 0xcfc

            outl 0xcf8 0x80004810
            outl 0xcfc 0xffffffff
            inl 0xcfc
            """
        try cli.write(cli.dir + "/trace.txt", script)
        let r = try cli.run(["emu", "trace", "--device", "02:09.0@09", cli.dir + "/trace.txt"])
        #expect(r.status == 0)
        #expect(r.stdout == "inl 0xcf8 = 0x80000000\ninl 0xcfc = 0x12378086\ninl 0xcfc = 0x12298086\ninw 0xcfe = 0x1229\ninb 0xcfc = 0x86\ninl 0xcfc = 0xfffff000\n")
        let piped = try cli.run(["emu", "trace", "--device", "02:09.0@09", "-"], stdin: script)
        #expect(piped.stdout == r.stdout)
    }

    @Test(
        "bad input: exit 64 or 65 with the reason",
        arguments: [
            (["emu", "read", "--domain", "4", "00:09.0", "0x3c"], 64, "domain 4 is unknown"),
            (["emu", "read", "--device", "02:09.0", "00:02.0", "0x3e", "--width", "4"], 64, "not aligned"),
            (["emu", "read", "--device", "02:09.0", "00:02.0", "0x100"], 64, "outside the 256-byte config space"),
            (["emu", "read", "--device", "02:09.0", "00:02.0", "0x3c", "--width", "3"], 64, "width 3 is not 1, 2 or 4"),
            (["emu", "read", "--device", "02:09.0", "01:02.0", "0x3c"], 64, "only domain 0, bus 0"),
            (["emu", "read", "--device", "07:00.0", "00:02.0", "0x3c"], 65, "not present"),
            (["emu", "proc-pci", "--device", "02:09.0@01"], 64, "vslot 01 holds the guest's emulated ISA bridge (PIIX3); choose a slot from 02 to 1f"),
            (["emu", "proc-pci"], 64, "give --domain N or at least one --device SPEC"),
            (["emu", "trace", "--device", "02:09.0", "TRACE"], 65, "trace.txt:3: unknown operation 'inq'"),
            (["emu", "trace", "--device", "02:09.0", "TRACE2"], 65, "trace2.txt:1: port 0x80 is not a PCI configuration port"),
        ])
    func badInput(_ args: [String], _ status: Int32, _ message: String) throws {
        let cli = try machine2005()
        try cli.write(cli.dir + "/trace.txt", "inl 0xcfc\n\ninq 0xcfc\n")
        try cli.write(cli.dir + "/trace2.txt", "outb 0x80 1\n")
        let argv = args.map { $0 == "TRACE" ? cli.dir + "/trace.txt" : $0 == "TRACE2" ? cli.dir + "/trace2.txt" : $0 }
        let r = try cli.run(argv)
        #expect(r.status == status, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func domainDevicesMustBeItsOwn() throws {
        let cli = try machine2005()
        try cli.run(["hide", "02:09.0"])
        try cli.run(["domain", "start", "1"])
        try cli.run(["domain", "start", "2"])
        let r = try cli.run(["emu", "proc-pci", "--domain", "2", "--device", "02:09.0"])
        #expect(r.status == 64 && r.stderr.contains("not owned by domain 2 (domain 1)"), "\(r.stderr)")
        let none = try cli.run(["emu", "proc-pci", "--domain", "2"])
        #expect(none.status == 64 && none.stderr.contains("owns no hidden device"))
    }
}
