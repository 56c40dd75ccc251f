import Foundation
import PCIFixtures
import PCIModel
import Testing

/// hide/unhide --now, check and the refusals, end to end through the binary. The tree is a plain
/// directory (no kernel reacts to writes), so a real bind is verified, found not to have taken,
/// and rolled back; the simulated kernel tests in PCIBindingTests cover binds that take.
@Suite("runtime binding and check from the command line")
struct RuntimeCLITests {
    static func host() throws -> CLI {
        var cli = try CLI()
        try SysfsFixture.writeHost(to: cli.dir)
        try SimulatedKernel.loadDrivers(["pciback", "vfio-pci", "e1000e", "i915", "ahci", "pcieport"], root: cli.dir + "/sys/bus/pci")
        // A whole host root: the sysfs tree, block devices, mounts and network all under it.
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        return cli
    }

    @Test func dryRunPrintsTheWritesInOrderAndChangesNothing() throws {
        let cli = try Self.host()
        let sys = cli.dir + "/sys/bus/pci"
        let r = try cli.run(["hide", "01:00.0", "--now", "--dry-run", "--group"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout == """
                write \(sys)/devices/0000:01:00.0/driver_override pciback
                write \(sys)/drivers/e1000e/unbind 0000:01:00.0
                write \(sys)/drivers/pciback/new_slot 0000:01:00.0
                write \(sys)/drivers_probe 0000:01:00.0
                write \(sys)/devices/0000:01:00.1/driver_override pciback
                write \(sys)/drivers/e1000e/unbind 0000:01:00.1
                write \(sys)/drivers/pciback/new_slot 0000:01:00.1
                write \(sys)/drivers_probe 0000:01:00.1

                """)
        #expect(!FileManager.default.fileExists(atPath: cli.statePath))
        #expect(cli.file(sys + "/drivers/pciback/new_slot") == "")
        let vfio = try cli.run(["hide", "02:09.0", "--now", "--dry-run", "--driver", "vfio-pci"])
        #expect(vfio.stdout == "write \(sys)/devices/0000:02:09.0/driver_override vfio-pci\nwrite \(sys)/drivers_probe 0000:02:09.0\n")
    }

    @Test func unhideDryRunRebindsTheRecordedDriver() throws {
        let cli = try Self.host()
        let sys = cli.dir + "/sys/bus/pci"
        // As hide --now leaves it: bound to pciback, slot listed, e1000e recorded.
        let dev = sys + "/hw/pci0000:00/0000:00:01.0/0000:01:00.0"
        try FileManager.default.removeItem(atPath: dev + "/driver")
        try FileManager.default.createSymbolicLink(atPath: dev + "/driver", withDestinationPath: "../../../../drivers/pciback")
        try cli.write(sys + "/drivers/pciback/slots", "0000:01:00.0\n")
        try cli.write(cli.statePath, #"{"format": "pcihide-state", "version": 3, "hidden": [{"device": "0000:01:00.0", "since": "2026-01-01T00:00:00Z", "boundTo": "pciback", "originalDriver": "e1000e"}], "domains": []}"#)
        let before = cli.file(cli.statePath)
        let r = try cli.run(["unhide", "01:00.0", "--now", "--dry-run"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout == """
                write \(sys)/devices/0000:01:00.0/driver_override \\n
                write \(sys)/drivers/pciback/unbind 0000:01:00.0
                write \(sys)/drivers/pciback/remove_slot 0000:01:00.0
                write \(sys)/drivers/e1000e/bind 0000:01:00.0

                """)
        #expect(cli.file(cli.statePath) == before)
    }

    @Test func aBindThatDoesNotTakeIsRolledBackAndNothingRecorded() throws {
        let cli = try Self.host()
        let r = try cli.run(["hide", "02:09.0", "--now"])
        #expect(r.status == 74)
        #expect(r.stderr.contains("after drivers_probe, 0000:02:09.0 has no driver, not pciback"), "\(r.stderr)")
        #expect(r.stderr.contains("rolled back"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.statePath), "a failed bind records nothing")
    }

    @Test func notRootGetsPermissionDenied() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        var cli = try Self.host()
        // The state directory is writable for the unprivileged user; the sysfs tree is not.
        chmod(cli.dir, 0o777)
        let binary = CLI.binary
        var dirs: [String] = []
        var p = (binary as NSString).deletingLastPathComponent
        while p != "/" && !p.isEmpty { dirs.append(p); p = (p as NSString).deletingLastPathComponent }
        guard dirs.allSatisfy({ access($0, X_OK) == 0 }) else { return }
        cli.environment["PCIHIDE_STATE"] = cli.dir + "/state.json"
        let r = try cli.runAs(nobody: ["hide", "02:09.0", "--now"])
        #expect(r.status == 77, "\(r.stderr)")
        #expect(r.stderr.contains("Permission denied") && r.stderr.contains("needs root"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was changed"), "\(r.stderr)")
    }

    @Test(
        "hide refuses the host bridge, the boot VGA device and the root disk's controller",
        arguments: [
            ("00:00.0", "it is the host bridge"),
            ("00:02.0", "boot VGA"),
            ("00:17.0", "it holds mounted file systems (/)"),
        ])
    func refusals(_ spec: String, _ reason: String) throws {
        let cli = try Self.host()
        let r = try cli.run(["hide", spec])
        #expect(r.status == 64)
        #expect(r.stderr.contains(reason) && r.stderr.contains("--force"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.statePath))
        let forced = try cli.run(["hide", spec, "--force"])
        #expect(forced.status == 0 && forced.stderr.contains("warning"), "\(forced.stderr)")
        #expect(try cli.run(["hidden"]).stdout.contains(PCIAddress(sysfsName: "0000:" + spec)!.description))
    }

    @Test func companionsAreWarnedAboutOrHiddenWithGroup() throws {
        let cli = try Self.host()
        let r = try cli.run(["hide", "01:00.0"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("leaves behind 0000:01:00.1 (e1000e)") && r.stderr.contains("IOMMU group 2") && r.stderr.contains("--group"), "\(r.stderr)")
        let g = try cli.run(["hide", "01:00.0", "--group"])
        #expect(g.status == 0 && g.stderr.contains("also hiding 0000:01:00.1"), "\(g.stderr)")
        #expect(try cli.run(["hidden"]).stdout.contains("0000:01:00.1"))
        let bridge = try cli.run(["hide", "00:01.0"])
        #expect(bridge.status == 64)
        #expect(bridge.stderr.contains("it is a bridge (class 0604), and bridges stay with the host") && bridge.stderr.contains("hide the devices behind it instead: 0000:01:00.0, 0000:01:00.1"), "\(bridge.stderr)")
    }

    @Test func checkReportsAndExitsOneWhenHideWouldRefuse() throws {
        let cli = try Self.host()
        try cli.run(["hide", "01:00.1"])
        let ok = try cli.run(["check", "01:00.0"])
        #expect(ok.status == 0)
        #expect(
            ok.stdout == """
                0000:01:00.0  class 0200  driver e1000e  not hidden
                  IOMMU: on (dmar0), interrupt remapping supported
                  IOMMU group: 2, shared with: 0000:01:00.1 (e1000e, hidden)
                    0000:01:00.1: ready (hidden)
                  same slot: 0000:01:00.1 (e1000e, hidden)
                  isolation: 0000:00:01.0: no ACS capability (devices below it may reach each other by DMA)
                    its functions have no ACS: they share a group with each other
                  reset: pm (from its capabilities)
                  bridge: no
                  host bridge: no
                  boot VGA: no
                  boot framebuffer: none
                  network: none
                  mounted file systems: none
                  processes: none
                  verdict: ready

                """)
        let bad = try cli.run(["check", "00:17.0", "--json"])
        #expect(bad.status == 1)
        let json = try jsonItems(bad.stdout)
        #expect(json.first?["mounts"] as? [String] == ["/"])
        #expect(json.first?["ready"] as? Bool == false)
        #expect(json.first?["verdict"] as? String == "refused")
        #expect(try cli.run(["check", "05:00.0"]).status == 66)
        #expect(try cli.run(["check", "05:00.x"]).status == 64)
    }

    /// A ConnectX-5 physical function with two virtual functions in its own slot (as with ARI).
    @Test func sriovFunctionsAreReportedAndThePhysicalOneCautioned() throws {
        var cli = try CLI()
        var fixture = SysfsFixture()
        let pf = PCIAddress(sysfsName: "0000:03:00.0")!
        var card = SysfsFixture.Function(address: pf, vendor: 0x15b3, device: 0x1017, classCode: 0x020000)
        card.driver = "mlx5_core"
        card.iommuGroup = 7
        fixture.functions =
            [card]
            + (1...2).map { k in
                var vf = SysfsFixture.Function(address: PCIAddress(sysfsName: "0000:03:00.\(k)")!, vendor: 0x15b3, device: 0x1018, classCode: 0x020000)
                vf.physicalFunction = pf
                vf.driver = k == 1 ? "mlx5_core" : nil
                vf.iommuGroup = 7 + k
                return vf
            }
        try HostRootFixture(pci: fixture).write(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        let check = try cli.run(["check", "03:00.0"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("  same slot: none\n"), "its own VFs are not slot companions")
        #expect(check.stdout.contains("  SR-IOV: physical function of 0000:03:00.1 (mlx5_core, not hidden), 0000:03:00.2 (no driver, not hidden)\n"), "\(check.stdout)")
        #expect(check.stdout.contains("  verdict: needs attention\n    - it is an SR-IOV physical function with 2 virtual function(s) enabled"), "\(check.stdout)")
        #expect(check.stdout.contains("fix: write 0 to sriov_numvfs first, or hand over virtual functions instead\n"), "\(check.stdout)")
        let vf = try cli.run(["check", "03:00.2", "--json"])
        let report = try jsonItems(vf.stdout)
        #expect((report[0]["physicalFunction"] as? [String: Any])?["address"] as? String == "0000:03:00.0")
        #expect(report[0]["sameSlot"] as? [Any] != nil && (report[0]["sameSlot"] as! [Any]).isEmpty)
        #expect(report[0]["leftBehind"] as? [String] == [], "a VF is handed over on its own")
        let hideVF = try cli.run(["hide", "03:00.1"])
        #expect(hideVF.status == 0 && !hideVF.stderr.contains("warning"), "\(hideVF.stderr)")
        let hidePF = try cli.run(["hide", "03:00.0"])
        #expect(hidePF.status == 0)
        #expect(hidePF.stderr.contains("warning: 0000:03:00.0: it is the SR-IOV physical function of 0000:03:00.1 (mlx5_core), 0000:03:00.2 (no driver): virtual functions go away"), "\(hidePF.stderr)")
    }

    @Test func optionCombinationsAreChecked() throws {
        let cli = try Self.host()
        #expect(try cli.run(["hide", "02:09.0", "--dry-run"]).status == 64)
        #expect(try cli.run(["hide", "02:09.0", "--driver", "vfio-pci"]).status == 64)
        #expect(try cli.run(["hide", "02:09.0", "--now", "--driver", "nouveau"]).status == 64)
        #expect(try cli.run(["hide", "07:00.0", "--now"]).status == 64)
        #expect(try cli.run(["unhide", "02:*.*", "--now"]).status == 64)
        try cli.write(cli.statePath, #"{"format": "pcihide-state", "version": 3, "hidden": [{"device": "0000:07:00.0", "since": "t", "boundTo": "pciback", "originalDriver": null}], "domains": []}"#)
        let before = cli.file(cli.statePath)
        let gone = try cli.run(["unhide", "07:00.0", "--now"])
        #expect(gone.status == 66 && gone.stderr.contains("0000:07:00.0 is not present in"), "\(gone.stderr)")
        #expect(cli.file(cli.statePath) == before, "a failed unhide --now keeps the device in the hidden set")
    }
}
