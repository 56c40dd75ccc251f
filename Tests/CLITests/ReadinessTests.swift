import Foundation
import PCIFixtures
import PCIModel
import PCIReadiness
import SystemIO
import Testing

extension FileManager {
    /// The real directory behind a sysfs device link (relative targets resolved).
    func destinationOfSymbolicLinkIfPresent(_ path: String) -> String? {
        (try? destinationOfSymbolicLink(atPath: path)).map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent()).standardizedFileURL.path }
    }
}

/// `check` on the fixture hosts of the readiness issue: a golden report and JSON for each, and
/// the verdicts asserted one by one. `PCIHIDE_UPDATE_GOLDEN=1 swift test` rewrites the goldens.
@Suite("passthrough readiness")
struct ReadinessTests {
    static func host(_ name: String) throws -> (CLI, [String]) {
        var cli = try CLI()
        let host = try #require(HostRootFixture.readinessHosts().first { $0.name == name })
        try host.root.write(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        return (cli, host.devices)
    }

    /// Each host, its devices and the verdict each must get.
    static let expected: [(String, [String])] = [
        ("desktop", ["refused", "ready with companions"]),
        ("server", ["refused", "ready", "refused"]),
        ("consumer", ["refused"]),
        ("sriov", ["needs attention", "ready"]),
        ("efifb", ["needs attention"]),
        ("resets", ["needs attention", "needs attention"]),
        ("no-iommu", ["needs attention"]),
        ("acs-override", ["ready with companions"]),
    ]

    @Test(arguments: expected)
    func verdicts(host name: String, verdicts: [String]) throws {
        let (cli, devices) = try Self.host(name)
        let text = try cli.run(["check"] + devices)
        #expect(text.status == (verdicts.allSatisfy { $0 == "ready" } ? 0 : 1), "\(text.stderr)")
        try CLIGolden.check(text.stdout, "readiness", "\(name).txt")
        let json = try cli.run(["check", "--json"] + devices)
        try CLIGolden.check(json.stdout, "readiness", "\(name).json")
        let reports = try jsonItems(json.stdout)
        #expect(reports.map { $0["verdict"] as? String } == verdicts)
    }

    @Test func specificFindings() throws {
        let (server, _) = try Self.host("server")
        let gpu = try server.run(["check", "01:00.0", "--json"])
        let g = try jsonItems(gpu.stdout)
        #expect((g[0]["reset"] as? [String: Any])?["methods"] as? [String] == ["flr", "bus"])
        #expect((g[0]["isolation"] as? [[String: Any]])?.first?["isolates"] as? Bool == true)
        #expect((g[0]["capabilities"] as? [String: Any])?["flr"] as? Bool == true)

        let swap = try server.run(["check", "00:17.0"])
        #expect(swap.stdout.contains("    - it holds the host's swap (/dev/sdb2)\n"), "\(swap.stdout)")
        #expect(try server.run(["hide", "00:17.0"]).status == 64)

        let (consumer, _) = try Self.host("consumer")
        let c = try consumer.run(["check", "04:00.0"])
        #expect(c.stdout.contains("its IOMMU group 7 holds 0000:03:00.0, which the host needs (it carries the host's network: enp3s0"), "\(c.stdout)")

        let (efi, _) = try Self.host("efifb")
        let e = try efi.run(["check", "01:00.0"])
        #expect(e.stdout.contains("  boot framebuffer: efifb at d0000000-d07e8fff\n") && e.stdout.contains("fix: add initcall_blacklist=sysfb_init"), "\(e.stdout)")
        // The same GPU as the boot VGA device: refused, and still told the parameter that frees
        // its boot framebuffer (what it needs if forced).
        let bootVGA = try #require(Files.realPath(efi.dir + "/sys/bus/pci/devices/0000:01:00.0")) + "/boot_vga"
        try efi.write(bootVGA, "1\n")
        let refused = try efi.run(["check", "01:00.0"])
        #expect(refused.stdout.contains("verdict: refused") && refused.stdout.contains("- if forced: its BAR") && refused.stdout.contains("initcall_blacklist=sysfb_init"), "\(refused.stdout)")
        try efi.write(bootVGA, "0\n")
        // Read as a user, /proc/iomem shows every address as 0: the framebuffer is unknown on the
        // boot VGA device, never "none", and the verdict is not ready.
        let iomem = efi.dir + "/proc/iomem"
        let zeroed =
            (efi.file(iomem) ?? "").split(separator: "\n").map { line -> String in
                let parts = line.split(separator: ":", maxSplits: 1)
                let indent = line.prefix { $0 == " " }
                return indent + "00000000-00000000 :" + (parts.count > 1 ? parts[1] : "")
            }.joined(separator: "\n") + "\n"
        try efi.write(iomem, zeroed)
        let z = try efi.run(["check", "01:00.0"])
        #expect(z.stdout.contains("  boot framebuffer: unknown\n") && z.stdout.contains("could not tell whether its BARs hold the boot framebuffer") && z.status != 0, "\(z.stdout)")

        let (resets, _) = try Self.host("resets")
        let r = try resets.run(["check", "06:00.0", "07:00.0"])
        #expect(r.stdout.contains("fix: give the guest every device on bus 06 together (0000:06:00.1)"), "\(r.stdout)")
        #expect(r.stdout.contains("gnif/vendor-reset"), "\(r.stdout)")

        let (none, _) = try Self.host("no-iommu")
        let n = try none.run(["check", "01:00.0"])
        #expect(n.stdout.contains("fix: enable the IOMMU (AMD-Vi) in the firmware"), "\(n.stdout)")

        // A process holding the GPU's DRM node is named, with what to do.
        let (desk, _) = try Self.host("desktop")
        let gpuDir = try #require(FileManager.default.destinationOfSymbolicLinkIfPresent(desk.dir + "/sys/bus/pci/devices/0000:01:00.0"))
        try FileManager.default.createDirectory(atPath: gpuDir + "/drm/card1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: desk.dir + "/proc/4242/fd", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: desk.dir + "/proc/4242/fd/5", withDestinationPath: "/dev/dri/card1")
        try "Xorg\n".write(toFile: desk.dir + "/proc/4242/comm", atomically: true, encoding: .utf8)
        let held = try desk.run(["check", "01:00.0"])
        #expect(held.stdout.contains("  processes: 4242 (Xorg) /dev/dri/card1\n"), "\(held.stdout)")
        #expect(held.stdout.contains("    - processes hold its device nodes: 4242 (Xorg) /dev/dri/card1; fix: stop them before the guest starts\n"), "\(held.stdout)")

        let (acs, _) = try Self.host("acs-override")
        let a = try acs.run(["check", "01:00.0"])
        #expect(a.stdout.contains("note: pcie_acs_override=downstream,multifunction is on the kernel command line"), "\(a.stdout)")
    }

    @Test func groupsListsEveryGroupWithItsVerdict() throws {
        let (cli, _) = try Self.host("desktop")
        try cli.run(["hide", "01:00.0"])
        let all = try cli.run(["groups"])
        #expect(all.status == 0)
        try CLIGolden.check(all.stdout, "readiness", "desktop-groups.txt")
        #expect(all.stdout.contains("IOMMU group 1: not viable: hide 0000:01:00.1 too\n"))
        #expect(all.stdout.contains("[10de:1b81] (nouveau) [hidden, free; not in effect (nouveau has it)]\n"), "\(all.stdout)")
        let hidden = try cli.run(["groups", "--hidden", "--json"])
        let groups = try jsonItems(hidden.stdout)
        #expect(groups.map { $0["iommuGroup"] as? Int } == [1])
        #expect(groups.first?["verdict"] as? String == "not viable")
        try cli.run(["hide", "01:00.1"])
        let ready = try cli.run(["groups", "-s", "01:00.1"])
        #expect(ready.stdout.hasPrefix("IOMMU group 1: ready\n"), "\(ready.stdout)")
        let byID = try cli.run(["groups", "-d", "144d:"])
        #expect(byID.stdout.hasPrefix("IOMMU group 3: refused: 0000:02:00.0 (it holds mounted file systems (/home))\n"), "\(byID.stdout)")
        let (none, _) = try Self.host("no-iommu")
        let noGroups = try none.run(["groups"])
        #expect(noGroups.status == 69 && noGroups.stderr.contains("no IOMMU groups"), "\(noGroups.stderr)")
    }
}

/// AMD interrupt remapping is reported as Intel's is: from the interrupt chips in
/// /proc/interrupts, since AMD's units have no IR bit.
@Suite struct AMDInterruptRemappingTests {
    @Test(arguments: [
        (" 24:  0  IR-PCI-MSIX-0000:01:00.0  0-edge  nvme0q0\n", "interrupt remapping supported"),
        (" 24:  0  PCI-MSIX-0000:01:00.0  0-edge  nvme0q0\n", "interrupt remapping not supported"),
    ])
    func fromTheInterruptChips(interrupts: String, expected: String) throws {
        var cli = try CLI()
        var host = try #require(HostRootFixture.readinessHosts().first { $0.name == "efifb" }).root
        host.iommuUnits = ["ivhd0"]
        host.cpuVendor = "AuthenticAMD"
        try host.write(to: cli.dir)
        try cli.write(cli.dir + "/proc/interrupts", "           CPU0\n" + interrupts)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        let r = try cli.run(["check", "01:00.0"])
        #expect(r.stdout.contains("IOMMU: on (ivhd0), " + expected), "\(r.stdout)")
    }
}

/// Under an IOMMU that is on, a function the kernel put in no group (the IOMMU's own, a root
/// complex event collector) is not described as "no IOMMU, or it is off".
@Test func aFunctionWithoutAGroupUnderAnIOMMUThatIsOn() throws {
    let (cli, _) = try ReadinessTests.host("efifb")
    let dev = try #require(Files.realPath(cli.dir + "/sys/bus/pci/devices/0000:00:01.0"))
    #expect(unlink(dev + "/iommu_group") == 0)
    let r = try cli.run(["check", "00:01.0"])
    #expect(r.stdout.contains("IOMMU group: none (the IOMMU is on but put it in no group") && !r.stdout.contains("no IOMMU, or it is off"), "\(r.stdout)")
}

/// ACS is judged where the kernel judges it (pci_acs_enabled): root and downstream ports by
/// their flags; a switch's upstream port without ACS does not break the path.
@Suite struct PortIsolationTests {
    @Test func upstreamPortsAreNotJudged() {
        let a = PCIAddress(sysfsName: "0000:01:00.0")!
        var up = PortIsolation(address: a, capability: nil, control: nil, readable: true)
        up.expressType = "upstream port"
        #expect(up.isolates == true && up.summary.contains("upstream port, where ACS is not judged"))
        var down = up
        down.expressType = "downstream port"
        #expect(down.isolates == false && down.summary.contains("no ACS capability"))
        var root = up
        root.expressType = "root port"; root.capability = 0x5f; root.control = 0x1d
        #expect(root.isolates == true)
        var multi = up
        multi.multifunction = true
        #expect(multi.isolates == false, "a multi-function upstream port is judged by its flags")
    }
}
