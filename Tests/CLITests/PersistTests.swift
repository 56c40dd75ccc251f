import Foundation
import PCIFixtures
import PCIPersistence
import Testing

/// `pcihide persist` on the fixture roots of the common boot setups: a golden diff for each
/// setup and driver, idempotence after --write, detection and its refusals.
@Suite("persist on every common boot setup")
struct PersistTests {
    static func root(_ name: String, twin: Bool = false) throws -> CLI {
        var cli = try CLI()
        try PersistenceRoots.write(name, to: cli.dir, twin: twin)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        #expect(try cli.run(["hide", "01:00.0", "01:00.1"]).status == 0)
        return cli
    }

    /// Every setup with xen-pciback, and the ones that boot Linux alone with vfio-pci too.
    static let cases: [(String, String)] = PersistenceRoots.names.flatMap { n -> [(String, String)] in
        PersistenceRoots.describe(n)!.bootsXenOnly ? [(n, "xen-pciback")] : [(n, "xen-pciback"), (n, "vfio-pci")]
    }

    @Test(arguments: cases)
    func diffWriteAndIdempotence(root name: String, driver: String) throws {
        let cli = try Self.root(name)
        let shown = try cli.run(["persist", "--driver", driver])
        #expect(shown.status == 0, "\(shown.stderr)")
        try CLIGolden.check(shown.stdout, "persistence", "\(name)-\(driver).diff")
        #expect(shown.stderr.contains("not written: add --write"), "\(shown.stderr)")
        let written = try cli.run(["persist", "--driver", driver, "--write"])
        #expect(written.status == 0 && written.stdout == shown.stdout, "\(written.stderr)")
        let again = try cli.run(["persist", "--driver", driver, "--write"])
        #expect(again.status == 0 && again.stdout == "" && again.stderr.contains("nothing to change"), "\(again.stdout)\(again.stderr)")
        // The originals are kept.
        for line in shown.stdout.split(separator: "\n") where line.hasPrefix("--- /") && !line.hasPrefix("--- /dev/null") {
            #expect(FileManager.default.fileExists(atPath: cli.dir + line.dropFirst(4) + ".pcihide-orig"), "\(line)")
        }
    }

    @Test(arguments: PersistenceRoots.names)
    func detectionSaysWhatAndWhy(root name: String) throws {
        let (_, _, detected, commands) = PersistenceRoots.describe(name)!
        let cli = try Self.root(name)
        let r = try cli.run(["persist", "--write"])
        #expect(r.status == 0 && r.stderr.contains(detected), "\(r.stderr)")
        if !commands.isEmpty { #expect(r.stderr.contains(commands), "\(r.stderr)") }
    }

    /// Every boot setup in the registry has a fixture root that detection takes for it, and
    /// persist's help names each: a setup added without its root, or a root its detection
    /// misses, fails here.
    @Test func everyBootSetupHasAFixtureRoot() throws {
        let help = try CLI().run(["persist", "--help"])
        for setup in BootSetups.all {
            let roots = PersistenceRoots.names.filter { PersistenceRoots.describe($0)!.setup == setup.name }
            #expect(!roots.isEmpty, "boot setup \(setup.name) has no fixture root in PCIFixtures/PersistenceRoots")
            for name in roots {
                let r = try Self.root(name).run(["persist"])
                #expect(r.stderr.contains("boot loader: \(setup.name): "), "\(name): \(r.stderr)")
                #expect(PersistenceRoots.describe(name)!.bootsXenOnly == setup.bootsXen, "\(name): only xen-pciback exactly when \(setup.name) boots Xen")
            }
            #expect(help.stdout.contains(setup.helpName), "\(setup.name) is not in persist --help")
        }
    }

    /// Two identical GPUs, one hidden: vfio-pci.ids would take both, so the hidden one is bound by
    /// address; with driverctl installed, through its files.
    @Test func identicalCardsAreBoundByAddress() throws {
        let cli = try Self.root("debian-grub2", twin: true)
        let r = try cli.run(["persist", "--driver", "vfio-pci"])
        #expect(r.stderr.contains("0000:01:00.0 has the ids 10de:1b81 of 0000:02:00.0, which is not hidden"), "\(r.stderr)")
        #expect(r.stdout.contains("+ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"0000:01:00.0\", ATTR{vendor}==\"0x10de\", ATTR{device}==\"0x1b81\", ATTR{driver_override}=\"vfio-pci\""), "\(r.stdout)")
        #expect(r.stdout.contains("vfio-pci.ids=10de:10f0") && !r.stdout.contains("10de:1b81,"), "\(r.stdout)")
        try cli.write(cli.dir + "/usr/sbin/driverctl", "#!/bin/sh\n")
        let d = try cli.run(["persist", "--driver", "vfio-pci"])
        #expect(d.stdout.contains("+++ /etc/driverctl.d/pci-0000:01:00.0 (pcihide)\n@@ -0,0 +1 @@\n+vfio-pci\n"), "\(d.stdout)")
    }

    /// After persist, verify on each setup: before the reboot the running line lacks the token;
    /// after it (the fixture's /proc/cmdline holds the written token and the stub has the devices)
    /// everything is in effect.
    @Test(arguments: PersistenceRoots.names)
    func verifyBeforeAndAfterTheReboot(root name: String) throws {
        let cli = try Self.root(name)
        #expect(try cli.run(["persist", "--driver", "xen-pciback", "--write"]).status == 0)
        let before = try cli.run(["verify"])
        #expect(before.status == 1 && before.stdout.contains("no hide parameter on the running kernel's command line covers it"), "\(before.stdout)")
        try cli.write(cli.dir + "/proc/cmdline", "root=/dev/sda1 ro xen-pciback.hide=(0000:01:00.0)(0000:01:00.1)\n")
        for f in ["0000:01:00.0", "0000:01:00.1"] {
            let dir = try #require(FileManager.default.destinationOfSymbolicLinkIfPresent(cli.dir + "/sys/bus/pci/devices/" + f))
            try? FileManager.default.removeItem(atPath: dir + "/driver")
            try FileManager.default.createDirectory(atPath: cli.dir + "/sys/bus/pci/drivers/pciback", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: dir + "/driver", withDestinationPath: cli.dir + "/sys/bus/pci/drivers/pciback")
        }
        let after = try cli.run(["verify"])
        #expect(after.status == 0, "\(after.stdout)")
    }

    @Test func aRenumberedCardGetsNoBootLine() throws {
        let cli = try Self.root("debian-grub2")
        let vendor = try #require(FileManager.default.destinationOfSymbolicLinkIfPresent(cli.dir + "/sys/bus/pci/devices/0000:01:00.0")) + "/vendor"
        try cli.write(vendor, "0x1b21\n")
        let r = try cli.run(["persist", "--write"])
        #expect(r.status == 64 && r.stderr.contains("a boot line would hide the wrong device") && r.stdout == "", "\(r.stderr)")
    }

    /// A FIFO (or anything not a regular file) where persist reads a boot file is refused by
    /// name before it is opened: opening a FIFO for reading would hang, even without --write.
    @Test func aFIFOAmongTheEntriesIsRefusedNotOpened() throws {
        let cli = try Self.root("fedora-bls")
        let fifo = cli.dir + "/boot/loader/entries/zz.conf"
        #expect(mkfifo(fifo, 0o644) == 0)
        let r = try CLI.execute(CLI.binary, ["persist"], environment: cli.environment, timeout: 20)
        #expect(r.status == 65 && r.stderr.contains("\(fifo) is a FIFO, not a regular file: pcihide does not open it"), "\(r.status) \(r.stderr)")
    }

    /// Files with CR LF line ends keep them, and the tokens go before the CR.
    @Test(arguments: [("fedora-bls", "/boot/loader/entries/0f1e2d-6.6.2-201.fc39.x86_64.conf"), ("debian-grub2", "/etc/initramfs-tools/modules")])
    func crlfFilesKeepTheirLineEnds(root name: String, file: String) throws {
        let cli = try Self.root(name)
        let path = cli.dir + file
        let lf = try #require(cli.file(path))
        try cli.write(path, lf.replacing("\n", with: "\r\n"))
        let r = try cli.run(["persist", "--write"])
        #expect(r.status == 0, "\(r.stderr)")
        let written = try #require(cli.file(path))
        #expect(!written.replacing("\r\n", with: "").contains("\n") && !written.replacing("\r\n", with: "").contains("\r"), "mixed line ends: \(written.debugDescription)")
        #expect(written.contains("vfio") && !written.contains("\r vfio"), "\(written.debugDescription)")
    }

    /// Hide tokens pcihide did not write are merged or kept, each said, never dropped: the ids
    /// of a vfio-pci.ids in a BLS entry, a group of a xen-pciback.hide in xen.cfg.
    @Test func foreignHideTokensAreKept() throws {
        let bls = try Self.root("fedora-bls")
        let entry = bls.dir + "/boot/loader/entries/0f1e2d-6.6.2-201.fc39.x86_64.conf"
        try bls.write(entry, (bls.file(entry) ?? "").replacing("rhgb quiet", with: "rhgb quiet vfio-pci.ids=1234:5678"))
        let r = try bls.run(["persist", "--write"])
        #expect(r.status == 0 && r.stderr.contains("kept 1234:5678 from the vfio-pci.ids in /boot/loader/entries/0f1e2d-6.6.2-201.fc39.x86_64.conf"), "\(r.stderr)")
        #expect((bls.file(entry) ?? "").contains(",1234:5678"), "\(bls.file(entry) ?? "")")
        let xen = try Self.root("xen-efi")
        let cfg = try #require(FileManager.default.enumerator(atPath: xen.dir + "/boot/efi")?.compactMap { $0 as? String }.first { $0.hasSuffix("xen.cfg") })
        let path = xen.dir + "/boot/efi/" + cfg
        let text = try #require(xen.file(path))
        try xen.write(path, text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix("kernel=") ? $0 + " xen-pciback.hide=(0000:07:00.0)" : $0 }.joined(separator: "\n"))
        let x = try xen.run(["persist", "--write"])
        #expect(x.status == 0 && x.stderr.contains("kept (0000:07:00.0)"), "\(x.stderr)")
        #expect((xen.file(path) ?? "").contains("(0000:07:00.0)") && (xen.file(path) ?? "").contains("(0000:01:00.0)"), "\(xen.file(path) ?? "")")
    }

    /// Tokens go before a bare `--` on a kernel line (after it they would go to init).
    @Test func tokensGoBeforeDoubleDash() throws {
        let bls = try Self.root("fedora-bls")
        let cmdline = bls.dir + "/etc/kernel/cmdline"
        try bls.write(cmdline, "root=UUID=5e1f ro quiet -- single\n")
        #expect(try bls.run(["persist", "--write"]).status == 0)
        let line = (bls.file(cmdline) ?? "").split(separator: "\n").first.map(String.init) ?? ""
        #expect(line.hasSuffix(" -- single") && line.contains("vfio-pci.ids=") || line.contains("xen-pciback.hide=") && line.hasSuffix(" -- single"), "\(line)")
    }

    /// /etc/kernel/cmdline created from the running line keeps a quoted word whole and leaves
    /// out BOOT_IMAGE= and initrd=.
    @Test func kernelCmdlineFromTheRunningLineKeepsQuoting() throws {
        let cli = try Self.root("arch-systemd-boot")
        try? FileManager.default.removeItem(atPath: cli.dir + "/etc/kernel/cmdline")
        try cli.write(cli.dir + "/proc/cmdline", "BOOT_IMAGE=/vmlinuz-linux initrd=\\initramfs-linux.img root=UUID=1 rw \"dyndbg=file a.c +p\"\n")
        #expect(try cli.run(["persist", "--write"]).status == 0)
        let line = cli.file(cli.dir + "/etc/kernel/cmdline") ?? ""
        #expect(line.hasPrefix("root=UUID=1 rw \"dyndbg=file a.c +p\" "), "\(line)")
    }

    /// After the last device is unhidden, persist does not say "nothing to persist" while the
    /// boot files it wrote still hide devices: it shows taking them out (and does it with --write).
    @Test func anEmptySetAfterAWriteShowsTheUndo() throws {
        let cli = try Self.root("debian-grub2")
        #expect(try cli.run(["persist", "--write"]).status == 0)
        #expect(try cli.run(["unhide", "01:00.0", "01:00.1"]).status == 0)
        let r = try cli.run(["persist"])
        #expect(r.status == 0 && r.stderr.contains("the hidden set is empty: taking out what pcihide persist wrote earlier"), "\(r.stderr)")
        #expect(r.stdout.contains("--- /etc/modprobe.d/pcihide.conf\n+++ /dev/null") && r.stdout.contains("-GRUB_CMDLINE_LINUX_DEFAULT=\"quiet vfio-pci.ids="), "\(r.stdout)")
        #expect(r.stderr.contains("not written: add --write"))
    }

    @Test func refusals() throws {
        let legacy = try Self.root("grub-legacy-xen")
        let vfio = try legacy.run(["persist", "--driver", "vfio-pci"])
        #expect(vfio.status == 64 && vfio.stderr.contains("grub-legacy boots Xen: its dom0 takes xen-pciback"), "\(vfio.stderr)")
        var bare = try CLI()
        try SysfsFixture.writeHost(to: bare.dir)
        bare.environment["PCIHIDE_SYSFS"] = nil
        bare.environment["PCIHIDE_ROOT"] = bare.dir
        try bare.run(["hide", "02:09.0"])
        let unknown = try bare.run(["persist"])
        #expect(unknown.status == 69 && unknown.stderr.contains("no boot setup recognised under \(bare.dir): looked for") && unknown.stderr.contains("etc/kernel/proxmox-boot-uuids (Proxmox)"), "\(unknown.stderr)")
        let now = try legacy.run(["persist", "--write", "--apply-now"])
        #expect(now.status == 64 && now.stderr.contains("--apply-now runs the boot tools of this machine"), "\(now.stderr)")
    }
}

/// Undo: with the hidden set empty, `persist --write` takes out exactly what pcihide wrote;
/// `--remove` does it whatever is hidden. What an administrator had before pcihide stays.
@Suite("persist undo")
struct PersistUndoTests {
    static func files(_ dir: String) throws -> [String: Data] {
        try ExportTests.snapshot(dir).filter { k, _ in
            !k.hasSuffix(".pcihide-orig") && !k.hasSuffix(".pcihide-bak") && !k.hasPrefix("sys/") && !k.hasPrefix("proc/") && !k.hasPrefix("var/") && !k.hasPrefix("state.json")
        }
    }

    @Test(arguments: PersistTests.cases)
    func emptyingTheSetRestoresTheBootFiles(root name: String, driver: String) throws {
        let cli = try PersistTests.root(name)
        let before = try Self.files(cli.dir)
        #expect(try cli.run(["persist", "--driver", driver, "--write"]).status == 0)
        #expect(try Self.files(cli.dir) != before, "the write changed nothing")
        #expect(try cli.run(["unhide", "01:00.0", "01:00.1"]).status == 0)
        let undo = try cli.run(["persist", "--driver", driver, "--write"])
        #expect(undo.status == 0 && undo.stderr.contains("taking out what pcihide persist wrote"), "\(undo.stderr)")
        let after = try Self.files(cli.dir).filter { $0.value != Data() || before[$0.key] != nil }
        #expect(after == before, "\(name)/\(driver): left \(Set(after.keys).symmetricDifference(before.keys).sorted()), changed \(after.filter { before[$0.key] != nil && before[$0.key] != $0.value }.map(\.key).sorted())")
        let again = try cli.run(["persist", "--driver", driver, "--write"])
        #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout)")
    }

    @Test func removeKeepsWhatWasThereBefore() throws {
        let cli = try PersistTests.root("proxmox")
        // The administrator's own hide token for another device, before pcihide.
        try cli.write(cli.dir + "/etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs xen-pciback.hide=(0000:09:00.0)\n")
        #expect(try cli.run(["persist", "--driver", "xen-pciback", "--write"]).status == 0)
        #expect(cli.file(cli.dir + "/etc/kernel/cmdline")?.contains("(0000:01:00.0)") == true)
        let r = try cli.run(["persist", "--driver", "xen-pciback", "--remove", "--write"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(cli.file(cli.dir + "/etc/kernel/cmdline") == "root=ZFS=rpool/ROOT/pve-1 boot=zfs xen-pciback.hide=(0000:09:00.0)\n")
        #expect(!FileManager.default.fileExists(atPath: cli.dir + "/etc/modprobe.d/pcihide.conf"))
        #expect(try cli.run(["hidden"]).stdout.contains("0000:01:00.0"), "--remove leaves the hidden set alone")
        let nothing = try CLI().run(["persist", "--remove"])
        #expect(nothing.status != 0)
    }
}

extension PersistUndoTests {
    /// A hidden SR-IOV VF cannot be hidden by a boot line (its PF's driver creates and probes
    /// it): persist says so and leaves it out, and refuses when nothing else is left.
    @Test func virtualFunctionsAreNeverClaimedPersisted() throws {
        var cli = try CLI()
        try HostRootFixture.writeFleetNode(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_STATE"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        try cli.write(cli.dir + "/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n")
        try cli.write(cli.dir + "/boot/grub/grub.cfg", "# generated\n")
        #expect(try cli.run(["hide", "05:02.0"]).status == 0)
        let only = try cli.run(["persist", "--driver", "xen-pciback"])
        #expect(only.status == 69 && only.stderr.contains("0000:05:02.0 is an SR-IOV virtual function") && only.stdout.isEmpty, "\(only.stderr)")
        #expect(try cli.run(["hide", "81:00.0"]).status == 0)
        let both = try cli.run(["persist", "--driver", "xen-pciback"])
        #expect(both.status == 0 && both.stderr.contains("NOT persisted: 0000:05:02.0 is an SR-IOV virtual function"), "\(both.stderr)")
        #expect(both.stdout.contains("xen-pciback.hide=(0000:81:00.0)") && !both.stdout.contains("05:02.0"), "\(both.stdout)")
    }
}

extension PersistUndoTests {
    /// Another modprobe.d file setting the same options is said, not left to surprise.
    @Test func otherModprobeOptionsAreNamed() throws {
        let cli = try PersistTests.root("debian-grub2")
        try cli.write(cli.dir + "/etc/modprobe.d/gpu.conf", "options vfio-pci ids=1002:67df disable_vga=1\n")
        let r = try cli.run(["persist", "--driver", "vfio-pci"])
        #expect(r.stderr.contains("/etc/modprobe.d/gpu.conf also sets 'options vfio-pci ids=1002:67df disable_vga=1'"), "\(r.stderr)")
    }
}
