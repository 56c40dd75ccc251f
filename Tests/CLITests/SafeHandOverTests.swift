import Foundation
import PCIFixtures
import PCIModel
import Testing

/// What the host needs is never handed over, named or added: on a desktop host root (GPU and
/// HDMI audio behind a root port; USB, SATA holding / and the boot-VGA iGPU in one consumer
/// group; NVMe holding /home behind a root port; the management NIC with the default route).
@Suite("safe hand-over on a desktop host root")
struct SafeHandOverTests {
    static func desktop(iommu: Bool = true, drivers: [String] = ["pciback", "vfio-pci", "pcieport", "i915", "ahci", "xhci_hcd", "nvme", "e1000e", "nouveau", "snd_hda_intel"]) throws -> CLI {
        var cli = try CLI()
        try SysfsFixture.desktop(iommu: iommu).write(to: cli.dir)
        try SimulatedKernel.loadDrivers(drivers, root: HostRootFixture.pciRoot(cli.dir))
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        return cli
    }

    @Test(
        "a --group companion the host needs refuses the whole command, --now and boot alike, --force included",
        arguments: [
            ["hide", "00:14.0", "--group", "--now", "--dry-run"],
            ["hide", "00:14.0", "--group"],
            ["hide", "00:14.0", "--group", "--force", "--grub"],
        ])
    func refusedCompanionRefusesTheGroup(_ args: [String]) throws {
        let cli = try Self.desktop()
        let r = try cli.run(args)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stdout == "", "nothing planned, nothing printed")
        #expect(r.stderr.contains("0000:00:17.0 (companion of 0000:00:14.0): it holds mounted file systems (/)"), "\(r.stderr)")
        #expect(r.stderr.contains("0000:00:02.0 (companion of 0000:00:14.0): it is the boot VGA device"), "\(r.stderr)")
        #expect(r.stderr.contains("the group cannot be split safely") && r.stderr.contains("nothing was changed"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.statePath))
    }

    @Test func withoutGroupTheCriticalCompanionIsNamed() throws {
        let cli = try Self.desktop()
        let r = try cli.run(["hide", "00:14.0"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("the host needs 0000:00:02.0") && r.stderr.contains("never through vfio-pci"), "\(r.stderr)")
        #expect(!r.stderr.contains("add --group"), "--group would be refused, so it is not suggested: \(r.stderr)")
    }

    @Test func bridgesAreNeverCompanions() throws {
        let cli = try Self.desktop()
        let check = try cli.run(["check", "01:00.0"])
        #expect(check.status == 1, "ready with companions is not ready yet: \(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("IOMMU group: 1, shared with: 0000:00:01.0 (pcieport, bridge, stays with the host), 0000:01:00.1 (snd_hda_intel, not hidden)"), "\(check.stdout)")
        #expect(check.stdout.contains("    0000:00:01.0: ready (bridge, stays on pcieport)\n    0000:01:00.1: blocks (bound to snd_hda_intel and not hidden"), "\(check.stdout)")
        #expect(check.stdout.contains("verdict: ready with companions: hide 0000:01:00.1 with it (pcihide hide --group 0000:01:00.0)"), "\(check.stdout)")
        let hide = try cli.run(["hide", "01:00.0", "--group", "--grub"])
        #expect(hide.status == 0, "\(hide.stderr)")
        #expect(hide.stdout == "xen-pciback.hide=(0000:01:00.0)(0000:01:00.1)\n")
        let dry = try cli.run(["hide", "01:00.0", "--group", "--now", "--dry-run"])
        #expect(!dry.stdout.contains("pcieport") && !dry.stdout.contains("00:01.0"), "\(dry.stdout)")
        try cli.run(["domain", "start", "1"])
        let owners = try cli.run(["owners"])
        #expect(!owners.stdout.contains("0000:00:01.0"), "\(owners.stdout)")
    }

    @Test(
        "a bridge named, or matched by a wildcard, is refused with what could be hidden instead",
        arguments: [
            ("00:01.0", "hide the devices behind it instead: 0000:01:00.0, 0000:01:00.1"),
            ("00:1d.0", "hide the devices behind it instead: 0000:02:00.0"),
            ("00:00.0", "it is the host bridge"),
            ("00:1f.0", "it is the ISA/LPC bridge"),
            ("(00:*.*)", "0000:00:01.0: it is a bridge (class 0604)"),
        ])
    func bridgesAreRefused(_ spec: String, _ reason: String) throws {
        let cli = try Self.desktop()
        let r = try cli.run(["hide", spec])
        #expect(r.status == 64)
        #expect(r.stderr.contains(reason), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.statePath))
    }

    @Test func theManagementNICAndTheHomeDiskAreRefused() throws {
        let cli = try Self.desktop()
        let nic = try cli.run(["check", "00:1f.6", "--json"])
        #expect(nic.status == 1)
        let report = try jsonItems(nic.stdout)
        #expect(report[0]["refusals"] as? [String] == ["it carries the host's network: enp0s31f6 (up, default route)"])
        #expect(report[0]["ready"] as? Bool == false && report[0]["verdict"] as? String == "refused")
        let iface = (report[0]["interfaces"] as? [[String: Any]])?.first
        #expect(iface?["name"] as? String == "enp0s31f6" && iface?["defaultRoute"] as? Bool == true && iface?["inUse"] as? Bool == true)
        #expect(report[0]["iommu"] as? Bool == true && (report[0]["unchecked"] as? [String])?.isEmpty == true)
        #expect(try cli.run(["hide", "00:1f.6"]).status == 64)
        let nvme = try cli.run(["check", "02:00.0"])
        #expect(nvme.status == 1 && nvme.stdout.contains("verdict: refused\n    - it holds mounted file systems (/home)\n"), "\(nvme.stdout)")
    }

    @Test func aNICWhoseAddressIsOnABridgeAboveItIsRefused() throws {
        var cli = try CLI()
        var root = SysfsFixture.desktop()
        root.interfaces = [
            .init(device: PCIAddress(sysfsName: "0000:00:1f.6")!, name: "eno1", master: "vmbr0"),
            .init(device: nil, name: "vmbr0", routes: ["default", "10.0.0.0/24"]),
        ]
        try root.write(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        let r = try cli.run(["check", "--root", cli.dir, "00:1f.6"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("verdict: refused\n    - it carries the host's network: eno1 (up, default route, through vmbr0)\n"), "\(r.stdout)")
    }

    /// Companions come from the kernel's IOMMU group, not the slot: the NIC at 00:1f.6 is alone
    /// in its group, so the LPC bridge at 00:1f.0 (another group) is no companion of it.
    @Test func companionsComeFromTheGroupNotTheSlot() throws {
        var cli = try CLI()
        var root = SysfsFixture.desktop()
        root.interfaces = [.init(device: PCIAddress(sysfsName: "0000:00:1f.6")!, name: "eno1", operstate: "down")]
        try root.write(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        let r = try cli.run(["check", "--root", cli.dir, "--json", "00:1f.6"])
        let report = try #require(try jsonItems(r.stdout).first)
        #expect(report["companions"] as? [String] == [] && report["verdict"] as? String == "ready", "\(r.stdout)")
        #expect((report["sameSlot"] as? [Any])?.isEmpty == false, "the slot sibling is still shown")
    }

    /// The uplink of a bridge only guests use (no host address on it): ready, with a caution
    /// that names the bridge.
    @Test func theUplinkOfAGuestOnlyBridgeIsReadyWithACaution() throws {
        var cli = try CLI()
        var root = SysfsFixture.desktop()
        root.interfaces = [
            .init(device: PCIAddress(sysfsName: "0000:00:1f.6")!, name: "eno1", master: "vmbr1"),
            .init(device: nil, name: "vmbr1"),
        ]
        try root.write(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        let r = try cli.run(["check", "--root", cli.dir, "--json", "00:1f.6"])
        let report = try #require(try jsonItems(r.stdout).first)
        #expect(report["refusals"] as? [String] == [], "\(r.stdout)")
        #expect((report["cautions"] as? [String])?.contains { $0.contains("eno1 is a port of vmbr1, which the host has no address on") } == true, "\(r.stdout)")
        let text = try cli.run(["check", "--root", cli.dir, "00:1f.6"]).stdout
        #expect(text.contains("vmbr1"), "\(text)")
    }

    @Test func withoutAnIOMMUCheckIsNotSafeAndVfioIsRefused() throws {
        let cli = try Self.desktop(iommu: false)
        let check = try cli.run(["check", "01:00.1"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("verdict: needs attention\n    - no IOMMU is active"), "\(check.stdout)")
        #expect(check.stdout.contains("  IOMMU: off\n"), "\(check.stdout)")
        let vfio = try cli.run(["hide", "01:00.1", "--now", "--dry-run", "--driver", "vfio-pci"])
        #expect(vfio.status == 69 && vfio.stdout == "", "\(vfio.stderr)")
        #expect(vfio.stderr.contains("vfio-pci cannot take a device safely without one"), "\(vfio.stderr)")
        let pciback = try cli.run(["hide", "01:00.1", "--now", "--dry-run", "--driver", "pciback"])
        #expect(pciback.status == 0 && pciback.stderr.contains("can reach all host memory by DMA"), "\(pciback.stderr)")
    }

    @Test func aDriverThatIsNotLoadedFailsBeforeAnyWrite() throws {
        let cli = try Self.desktop(drivers: ["vfio-pci", "snd_hda_intel"])
        for extra in [["--dry-run"], []] {
            let r = try cli.run(["hide", "01:00.1", "--now", "--driver", "pciback"] + extra)
            #expect(r.status == 69, "\(r.stderr)")
            #expect(r.stdout == "" && r.stderr.contains("pciback is not loaded"), "\(r.stderr)")
        }
        let sys = HostRootFixture.pciRoot(cli.dir)
        #expect(cli.file(sys + "/devices/0000:01:00.1/driver_override") == "(null)\n", "no write reached the tree")
        #expect(FileManager.default.fileExists(atPath: sys + "/devices/0000:01:00.1/driver"), "still bound to its driver")
    }

    @Test("an empty path is a usage error, never the live system", arguments: ["--sysfs", "--state", "--mounts", "--root", "--block-class"])
    func emptyPaths(_ option: String) throws {
        let cli = try Self.desktop()
        let r = try cli.run(["hide", "01:00.1", option, ""])
        #expect(r.status == 64, "\(option): \(r.stderr)")
        #expect(r.stderr.contains(option), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.statePath))
    }

    @Test func aMissingTreeIsNoInputForHide() throws {
        let cli = try CLI()
        let r = try cli.run(["hide", "00:00.0", "--sysfs", cli.dir + "/nonexistent"])
        #expect(r.status == 66 && r.stderr.contains("nonexistent/devices"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.statePath))
        #expect(try cli.run(["check", "00:00.0", "--root", cli.dir + "/nowhere"]).status == 66)
    }

    @Test func theRootRelocatesTheStateFileToo() throws {
        var cli = try Self.desktop()
        cli.environment["PCIHIDE_STATE"] = nil
        cli.environment["PCIHIDE_ROOT"] = nil
        let r = try cli.run(["hide", "01:00.1", "--root", cli.dir])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.dir + "/var/lib/pcihide/state.json"))
        #expect(try cli.run(["hidden", "--root", cli.dir]).stdout == "0000:01:00.1\n")
    }

    @Test func unhideNowOfADeviceARunningDomainOwnsIsRefused() throws {
        let cli = try Self.desktop()
        try cli.run(["hide", "01:00.1"])
        try cli.run(["domain", "start", "4", "--name", "win10"])
        for extra in [["--dry-run"], []] {
            let r = try cli.run(["unhide", "01:00.1", "--now"] + extra)
            #expect(r.status == 64 && r.stderr.contains("owned by domain 4"), "\(r.stderr)")
            #expect(r.stdout == "")
        }
        let forced = try cli.run(["unhide", "01:00.1", "--now", "--dry-run", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
    }

    @Test("a bridge is never placed in a guest", arguments: ["00:00.0", "00:01.0", "00:1f.0"])
    func noBridgeInAGuest(_ spec: String) throws {
        let cli = try Self.desktop()
        let r = try cli.run(["emu", "proc-pci", "--device", spec])
        #expect(r.status == 64 && r.stderr.contains("a guest never receives one"), "\(r.stderr)")
    }

    @Test func anAssignmentThatSplitsAnIOMMUGroupIsRefused() throws {
        let cli = try Self.desktop()
        try cli.run(["hide", "01:00.0", "01:00.1"])
        #expect(try cli.run(["assign", "01:00.0", "--domain", "2"]).status == 0)
        let r = try cli.run(["assign", "01:00.1", "--domain", "3"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("IOMMU group 1 would be split: 0000:01:00.0 to domain 2, 0000:01:00.1 to domain 3"), "\(r.stderr)")
        #expect(try cli.run(["owners"]).stdout.contains("reserved for domain 2"))
        let forced = try cli.run(["assign", "01:00.1", "--domain", "3", "--force"])
        #expect(forced.status == 0 && forced.stderr.contains("will not start under VFIO"), "\(forced.stderr)")
    }

    @Test func aRecordedDriverThatIsAPathIsRefused() throws {
        let cli = try Self.desktop()
        try cli.write(cli.statePath, #"{"format": "pcihide-state", "version": 3, "hidden": [{"device": "0000:01:00.1", "since": "t", "boundTo": "pciback", "originalDriver": "../../../x"}], "domains": []}"#)
        let r = try cli.run(["unhide", "01:00.1", "--now"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: HostRootFixture.pciRoot(cli.dir) + "/drivers/../../../x/bind"))
        #expect(!FileManager.default.fileExists(atPath: cli.dir + "/sys/x"))
    }
}

/// One owner per physical function, whatever entries cover it.
@Suite("one owner per device")
struct OneOwnerTests {
    @Test func aWildcardOverAnOwnedDeviceIsRefusedAndOverAFreeOneTakesItIn() throws {
        let cli = try CLI()
        try cli.run(["hide", "02:09.0"])
        try cli.run(["domain", "start", "1"])
        let r = try cli.run(["hide", "(02:*.*)"])
        #expect(r.status == 64 && r.stderr.contains("0000:02:*.* overlaps 0000:02:09.0 (owned by domain 1)"), "\(r.stderr)")
        try cli.run(["domain", "start", "2"])
        let owners = try cli.run(["owners", "--json"])
        let rows = try jsonItems(owners.stdout)
        #expect(rows.count == 1 && (rows[0]["owner"] as? [String: Any])?["domain"] as? Int == 1)
        let free = try CLI()
        try free.run(["hide", "03:00.0", "03:00.1"])
        let absorbed = try free.run(["hide", "(03:00.*)"])
        #expect(absorbed.status == 0 && absorbed.stdout.contains("which takes in 0000:03:00.0, 0000:03:00.1"), "\(absorbed.stdout)")
        #expect(try free.run(["hidden"]).stdout == "0000:03:00.*\n")
    }

    @Test("domain names are printable and bounded", arguments: ["web\n2026-01-01T00:00:00Z hide 0000:00:17.0", "\u{1b}[2Jx", String(repeating: "n", count: 64)])
    func domainNames(_ name: String) throws {
        let cli = try CLI()
        let r = try cli.run(["domain", "start", "3", "--name", name])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(try cli.run(["history"]).stdout == "")
        #expect(try cli.run(["domain", "start", "3", "--name", "web server"]).status == 0)
    }

    @Test("64 concurrent writers mixing wildcard and exact hides, starts and kills leave no device with two owners")
    func concurrentMix() throws {
        let cli = try CLI()
        var children: [Child] = []
        for k in 0..<64 {
            let args: [String]
            switch k % 4 {
            case 0: args = ["hide", String(format: "%02x:%02x.%d", 0x20 + k % 3, k % 5, k % 2)]
            case 1: args = ["hide", String(format: "(%02x:*.*)", 0x20 + k % 3)]
            case 2: args = ["domain", "start", String(1 + k / 4)]
            default: args = ["domain", "kill", String(1 + (k / 4 + 1) % 16)]
            }
            children.append(try Child.start(CLI.binary, args, environment: cli.environment, capture: false))
        }
        for c in children { _ = c.finish() }
        let hidden = try cli.run(["hidden"]).stdout.split(separator: "\n").map(String.init)
        // No entry covers another, so every function has one entry and one owner.
        let selections = hidden.map { $0.split(separator: " ")[0] }
        for a in selections {
            for b in selections where a != b {
                let (da, db) = (String(a), String(b))
                let wa = da.hasSuffix("*.*") ? String(da.dropLast(3)) : da
                #expect(!(da.hasSuffix("*.*") && db.hasPrefix(wa)), "\(da) and \(db) overlap")
            }
        }
        #expect(try cli.run(["domain", "start", "500"]).status == 0)
    }
}
