import Foundation
import PCIFixtures
import PCIModel
import Testing

/// `pcihide verify` after boot, on fixture roots: all in effect, the token missing, the stub
/// loaded too late, the identity changed (a card added renumbered the bus), the device gone.
@Suite("verify after boot")
struct VerifyTests {
    static func fn(_ a: String, _ v: UInt16, _ d: UInt16, driver: String?, sub: UInt16 = 0x0001) -> SysfsFixture.Function {
        var f = SysfsFixture.Function(address: PCIAddress(sysfsName: a)!, vendor: v, device: d, classCode: 0x020000)
        f.driver = driver
        f.subsystem = PCIIds(vendor: v, device: sub)
        return f
    }

    /// A root with these functions and command line (the state file is kept across rewrites).
    static func root(_ cli: CLI, _ functions: [SysfsFixture.Function], cmdline: String) throws {
        try? FileManager.default.removeItem(atPath: cli.dir + "/sys")
        var pci = SysfsFixture()
        pci.functions = functions
        var root = HostRootFixture(pci: pci)
        root.commandLine = cmdline
        try root.write(to: cli.dir)
    }

    static func cli() throws -> CLI {
        var cli = try CLI()
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        return cli
    }

    let nic = fn("0000:01:00.0", 0x8086, 0x10d3, driver: "e1000e")
    let token = "BOOT_IMAGE=/vmlinuz ro xen-pciback.hide=(0000:01:00.0)"

    @Test func allInEffect() throws {
        let cli = try Self.cli()
        try Self.root(cli, [nic], cmdline: token)
        #expect(try cli.run(["hide", "01:00.0"]).status == 0)
        var bound = nic; bound.driver = "pciback"
        try Self.root(cli, [bound], cmdline: "BOOT_IMAGE=/vmlinuz ro \"xen_pciback.hide=(0000:01:00.0)\"")
        let r = try cli.run(["verify"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout == "0000:01:00.0: in effect\n  command line: xen_pciback.hide=(0000:01:00.0)\n  driver: pciback\n  identity: as recorded\n")
        // owners and list --owners say the hiding is in effect.
        #expect(try cli.run(["owners"]).stdout.split(separator: "\n").last?.hasSuffix("  yes") == true)
        #expect(try cli.run(["list", "--owners"]).stdout.contains("[hidden, free]\n"))
    }

    /// Bound at runtime (hide --now) with nothing that brings it back: in effect now, not after
    /// the next boot, so verify exits 1 and names persist; a modprobe.d option, a udev rule or
    /// a driverctl override makes it persistent.
    @Test func aRuntimeOnlyBindingIsNotInEffectAfterBoot() throws {
        let cli = try Self.cli()
        var bound = nic; bound.driver = "vfio-pci"
        try Self.root(cli, [nic], cmdline: "BOOT_IMAGE=/vmlinuz ro quiet")
        #expect(try cli.run(["hide", "01:00.0"]).status == 0)
        try Self.root(cli, [bound], cmdline: "BOOT_IMAGE=/vmlinuz ro quiet")
        let r = try cli.run(["verify"])
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("it is on vfio-pci now, but only until the next boot"), "\(r.stdout)")
        #expect(r.stdout.contains("pcihide persist --write"), "\(r.stdout)")
        for (path, text) in [
            ("etc/modprobe.d/vfio.conf", "options vfio-pci ids=8086:10d3\n"),
            ("etc/udev/rules.d/70-pcihide.rules", "ACTION==\"add\", KERNEL==\"0000:01:00.0\", ATTR{driver_override}=\"vfio-pci\"\n"),
            ("etc/driverctl.d/pci-0000:01:00.0", "vfio-pci\n"),
        ] {
            let file = cli.dir + "/" + path
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let persisted = try cli.run(["verify"])
            #expect(persisted.status == 0, "\(path): \(persisted.stdout)")
            try FileManager.default.removeItem(atPath: file)
        }
    }

    /// `""`, a bare `=` and `"="` are words the kernel passes on: verify and check read past
    /// them (they crashed with SIGILL).
    @Test(arguments: ["BOOT_IMAGE=/vmlinuz \"\" ro xen-pciback.hide=(0000:01:00.0)", "= ro xen-pciback.hide=(0000:01:00.0)", "\"=\" xen-pciback.hide=(0000:01:00.0) ="])
    func oddCommandLineWords(cmdline: String) throws {
        let cli = try Self.cli()
        try Self.root(cli, [nic], cmdline: cmdline)
        #expect(try cli.run(["hide", "01:00.0"]).status == 0)
        var bound = nic; bound.driver = "pciback"
        try Self.root(cli, [bound], cmdline: cmdline)
        let r = try cli.run(["verify"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("command line: xen-pciback.hide=(0000:01:00.0)"), "\(r.stdout)")
        let check = try cli.run(["check", "01:00.0"])
        #expect(check.status == 0 || check.status == 1, "\(check.status) \(check.stderr)")
    }

    @Test func theTokenIsMissing() throws {
        let cli = try Self.cli()
        try Self.root(cli, [nic], cmdline: "BOOT_IMAGE=/vmlinuz ro quiet")
        try cli.run(["hide", "01:00.0"])
        let r = try cli.run(["verify"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("no hide parameter on the running kernel's command line covers it: the boot file edited is not the one this boot used"), "\(r.stdout)")
        #expect(try cli.run(["owners"]).stdout.contains("no (e1000e has it)"))
        #expect(try cli.run(["list", "--owners"]).stdout.contains("[hidden, free; not in effect (e1000e has it)]"))
    }

    /// A token after a bare `--` goes to init, not to the kernel: not in effect.
    @Test func aTokenAfterDoubleDashIsNotOnTheKernelsLine() throws {
        let cli = try Self.cli()
        try Self.root(cli, [nic], cmdline: "BOOT_IMAGE=/vmlinuz ro quiet -- " + token)
        try cli.run(["hide", "01:00.0"])
        let r = try cli.run(["verify"])
        #expect(r.status == 1 && r.stdout.contains("no hide parameter on the running kernel's command line covers it"), "\(r.stdout)")
    }

    @Test func theStubLoadedTooLate() throws {
        let cli = try Self.cli()
        try Self.root(cli, [nic], cmdline: token)
        try cli.run(["hide", "01:00.0"])
        let r = try cli.run(["verify", "--json"])
        #expect(r.status == 1)
        let rows = try jsonItems(r.stdout)
        #expect(rows[0]["commandLine"] as? String == "xen-pciback.hide=(0000:01:00.0)")
        let findings = rows[0]["findings"] as? [[String: Any]]
        #expect((findings?.first?["text"] as? String)?.contains("the native driver loaded before the stub") == true, "\(r.stdout)")
    }

    /// A card added before it renumbered the bus: another device sits at the address, and the
    /// recorded one is found at its new address by its identity. Nothing hands it over.
    @Test func theIdentityChanged() throws {
        let cli = try Self.cli()
        try Self.root(cli, [nic], cmdline: token)
        try cli.run(["hide", "01:00.0"])
        var moved = nic; moved.address = PCIAddress(sysfsName: "0000:02:00.0")!
        try Self.root(cli, [Self.fn("0000:01:00.0", 0x1b21, 0x1164, driver: "ahci"), moved], cmdline: token)
        let r = try cli.run(["verify"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("identity: changed: now 1b21:1164 (subsystem 1b21:0001, class 020000); the recorded device is at 0000:02:00.0"), "\(r.stdout)")
        #expect(r.stdout.contains("fix: the recorded device is now at 0000:02:00.0: pcihide unhide 0000:01:00.0 && pcihide hide 0000:02:00.0"), "\(r.stdout)")
        // check refuses it, and hide --now will not bind it.
        let check = try cli.run(["check", "01:00.0"])
        #expect(check.status == 1 && check.stdout.contains("    - the device at 0000:01:00.0 is now 1b21:1164 (subsystem 1b21:0001, class 020000), not the recorded 8086:10d3"), "\(check.stdout)")
        try SimulatedKernel.loadDrivers(["pciback", "ahci"], root: cli.dir + "/sys/bus/pci")
        let now = try cli.run(["hide", "01:00.0", "--now", "--driver", "pciback"])
        #expect(now.status == 64 && now.stderr.contains("the device at 0000:01:00.0 is now 1b21:1164"), "\(now.stderr)")
        // --remap shows the move, --yes makes it, keeping the entry's records.
        try cli.run(["assign", "01:00.0", "--domain", "5"])
        let shown = try cli.run(["hide", "--remap", "01:00.0"])
        #expect(shown.status == 0 && shown.stdout == "would move 0000:01:00.0 to 0000:02:00.0\n" && shown.stderr.contains("add --yes"), "\(shown.stdout)\(shown.stderr)")
        #expect(try cli.run(["hidden"]).stdout.contains("0000:01:00.0"))
        let remapped = try cli.run(["hide", "--remap", "01:00.0", "--yes"])
        #expect(remapped.stdout == "moved 0000:01:00.0 to 0000:02:00.0\n", "\(remapped.stderr)")
        let owners = try cli.run(["owners"]).stdout
        #expect(owners.contains("0000:02:00.0") && owners.contains("reserved for domain 5") && !owners.contains("0000:01:00.0"), "\(owners)")
        #expect(try cli.run(["history", "--check"]).status == 0)
        #expect(try cli.run(["hide", "--remap", "02:00.0"]).stderr.contains("still holds the device hidden there"))
    }

    @Test func theDeviceIsGone() throws {
        let cli = try Self.cli()
        try Self.root(cli, [nic], cmdline: token)
        try cli.run(["hide", "01:00.0"])
        var moved = nic; moved.address = PCIAddress(sysfsName: "0000:03:00.0")!
        try Self.root(cli, [moved], cmdline: token)
        let r = try cli.run(["verify"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("identity: no device here; the recorded device is at 0000:03:00.0"), "\(r.stdout)")
        // Two identical cards: the identity cannot say which, so no new address is offered.
        var twin = nic; twin.address = PCIAddress(sysfsName: "0000:04:00.0")!
        try Self.root(cli, [moved, twin], cmdline: token)
        let ambiguous = try cli.run(["verify"])
        #expect(ambiguous.stdout.contains("identity: no device here\n"), "\(ambiguous.stdout)")
    }

    /// Devices chosen by ids: every match, said how many; --one refuses several.
    @Test func hideByIds() throws {
        var cli = try CLI()
        try SysfsFixture.desktop().write(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        // Completion offers the ids present once a character is typed (the scripts send this request).
        let offered = try cli.run(["---completion", "hide", "--", "positional@0", "2", "2", "pcihide", "hide", "10"])
        #expect(offered.stdout == "10de:10f0\n10de:1b81\n", "\(offered.stdout)\(offered.stderr)")
        let one = try cli.run(["hide", "10de:10f0"])
        #expect(one.status == 0 && one.stderr.contains("10de:10f0 selects 1 device: 0000:01:00.1"), "\(one.stderr)")
        #expect(one.stdout == "hidden 0000:01:00.1\n")
        let many = try cli.run(["hide", "--one", "8086:a36d", "8086:1901"])
        #expect(many.status != 0)
        let none = try cli.run(["hide", "dead:beef"])
        #expect(none.status == 66 && none.stderr.contains("dead:beef selects no device"), "\(none.stderr)")
        // Two identical NICs: --one lists both and hides nothing.
        let twins = try CLI()
        try twins.addDevice("0000:05:00.0", vendor: "8086", device: "10d3")
        try twins.addDevice("0000:06:00.0", vendor: "8086", device: "10d3")
        let r = try twins.run(["hide", "--one", "8086:10d3"])
        #expect(r.status == 64 && r.stderr.contains("8086:10d3 selects 2 devices, and --one asks for exactly one: 0000:05:00.0, 0000:06:00.0"), "\(r.stderr)")
        #expect(try twins.run(["hidden"]).stdout == "")
    }
}
