import Foundation
import PCIFixtures
import PCIModel
import PCIState
import SystemIO
import Testing

@testable import PCIFleet

/// `pcihide export`: the fleet node (two sockets, a GPU behind a switch, SR-IOV VFs, identical
/// NVMe drives of which one is hidden) as each cluster manager is told of it, the rules those
/// managers apply at guest start, and the node-side check.
@Suite struct ExportTests {
    /// The node with its four devices hidden through the CLI (identities recorded as a user's are).
    static func node() throws -> CLI {
        var cli = try CLI()
        try HostRootFixture.writeFleetNode(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_STATE"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        let r = try cli.run(["hide"] + HostRootFixture.fleetNode().hide)
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    static func devicePath(_ cli: CLI, _ a: String) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: cli.dir + "/sys/bus/pci/devices/" + a)).map {
            URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: cli.dir + "/sys/bus/pci/devices/")).standardizedFileURL.path
        } ?? ""
    }

    @Test(arguments: ["proxmox", "kubevirt", "nova", "nfd", "unraid"])
    func eachFormatMatchesItsGolden(format: String) throws {
        let cli = try Self.node()
        let r = try cli.run(["export", "--format", format])
        #expect(r.status == 0, "\(r.stderr)")
        try CLIGolden.check(r.stdout, "export", format + ".txt")
        if format == "proxmox" {
            let api = try cli.run(["export", "--format", "proxmox", "--api"])
            try CLIGolden.check(api.stdout, "export", "proxmox-api.txt")
        }
    }

    /// What Proxmox's assert_valid does with the export, and with the mistakes users make by
    /// hand (docs/references.md: fleet.md §1): the exported sections pass; each broken line is refused with
    /// Proxmox's own words.
    @Test func proxmoxAcceptsTheExportAndRefusesWhatItWould() throws {
        let cli = try Self.node()
        let exported = try cli.run(["export", "--format", "proxmox"]).stdout
        try cli.write(cli.dir + "/etc/pve/mapping/pci.cfg", exported)
        let good = try cli.run(["export", "--check", "--format", "proxmox"])
        #expect(good.status == 0, "\(good.stdout)")
        let cases: [(String, String, String)] = [
            ("id=10de:24b0", "id=10DE:24B0", "'id' does not match for 'pcihide-10de-24b0' (10de:24b0 != 10DE:24B0)"),
            (",subsystem-id=144d:a801", "", "missing expected property 'subsystem-id' for device '0000:81:00.0'"),
            (",iommugroup=21", "", "missing expected property 'iommugroup' for device '0000:05:02.0'"),
            ("iommugroup=31", "iommugroup=7", "'iommugroup' does not match for 'pcihide-144d-a80a' (31 != 7)"),
            ("path=0000:81:00.0", "path=81:00.0", "value does not match the regex pattern (path '81:00.0')"),
            (",id=144d:a80a", "", "id: property is missing and it is not optional"),
            ("path=0000:81:00.0,id=144d:a80a", "path=0000:82:00.0,id=144d:a80a", "maps 0000:82:00.0, which pcihide does not hide"),
            ("path=0000:05:02.0", "path=0000:05:09.0", "pci device '0000:05:09.0' not found"),
        ]
        for (from, to, message) in cases {
            #expect(exported.contains(from), "\(from)")
            try cli.write(cli.dir + "/etc/pve/mapping/pci.cfg", exported.replacingOccurrences(of: from, with: to))
            let r = try cli.run(["export", "--check", "--format", "proxmox"])
            #expect(r.status == 1 && r.stdout.contains(message), "\(from) -> \(to): \(r.stdout)")
        }
        // Another node's entries are that node's business.
        try cli.write(cli.dir + "/etc/pve/mapping/pci.cfg", exported.replacingOccurrences(of: "node=pve1", with: "node=pve2").replacingOccurrences(of: "10de:24b0", with: "10DE:24B0"))
        #expect(try cli.run(["export", "--check", "--format", "proxmox"]).status == 0)
    }

    /// The library's rules, held to Proxmox's schema patterns.
    @Test func proxmoxPathsAndIdsFollowTheSchema() {
        let d = FleetDevice(
            address: PCIAddress(sysfsName: "0000:81:00.0")!, entry: DeviceSelection(PCIAddress(sysfsName: "0000:81:00.0")!),
            recorded: nil, now: DeviceIdentity(vendor: 0x144d, device: 0xa80a, subsystem: PCIIds(vendor: 0x144d, device: 0xa801), classCode: 0x010802, path: [], serial: nil),
            driver: "vfio-pci", iommuGroup: "31", groupMates: [], mdev: false, physicalFunction: nil, sriovCapable: false, wholeSlot: true)
        var e = ProxmoxFormat.MapEntry(mapping: "m", node: "pve1", path: "0000:81:00.0", id: "144d:a80a", subsystemID: "144d:a801", iommuGroup: "31", mdev: false, head: d.address)
        #expect(ProxmoxFormat.assertValid(e, device: d) == [])
        e.mdev = true
        #expect(ProxmoxFormat.assertValid(e, device: d) == ["'mdev' does not match for 'm' (0 != 1)"], "the host's value first")
        e.mdev = false; e.path = "0000:81:00.0;0000:82:00.0"
        #expect(ProxmoxFormat.assertValid(e, device: d) == ["pci device '0000:81:00.0;0000:82:00.0' not found"])
        e.path = "0000:81:00"
        #expect(ProxmoxFormat.assertValid(e, device: d) == [])
        e.path = "0000:81:0g.0"
        #expect(ProxmoxFormat.assertValid(e, device: d).first?.contains("regex") == true)
        e.path = "0000:81:00.0"; e.id = "144d-a80a"
        #expect(ProxmoxFormat.assertValid(e, device: d).first?.contains("regex") == true)
        e.id = "144d:a80a"; e.subsystemID = nil; e.iommuGroup = nil
        #expect(
            ProxmoxFormat.assertValid(e, device: d) == [
                "missing expected property 'iommugroup' for device '0000:81:00.0'",
                "missing expected property 'subsystem-id' for device '0000:81:00.0'",
            ])
        #expect(
            ProxmoxFormat.assertValid(e, device: d, alternative: true) == ["missing expected property 'subsystem-id' for device '0000:81:00.0'"],
            "a later path's group is not checked")
        var noIOMMU = d
        noIOMMU.iommuGroup = nil
        e.subsystemID = "144d:a801"; e.iommuGroup = "31"
        #expect(ProxmoxFormat.assertValid(e, device: noIOMMU) == ["unexpected property 'iommugroup' configured for device '0000:81:00.0'"])
    }

    /// Nova's own parser (nova.pci from PyPI) reads the export: every spec and alias valid, and
    /// the specs match exactly the exported devices among all the node's functions, the
    /// hidden VF's PF and the unhidden twin NVMe included.
    @Test func novaParsesTheExportAndMatchesExactlyTheExportedDevices() throws {
        let python = CLIGolden.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/nova-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("this test needs Nova's parser in \(python): install it with make nova-venv (make setup and make test do)")
            return
        }
        let cli = try Self.node()
        let export = try cli.run(["export", "--format", "nova"])
        let script = CLIGolden.fixtures.appendingPathComponent("export/nova_check.py").path
        let r = try CLI.execute(python, [script, cli.dir + "/sys/bus/pci"], stdin: export.stdout)
        #expect(r.status == 0, "\(r.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(result["specs"] as? Int == 4)
        let matched = try #require(result["matched"] as? [String: [Int]])
        #expect(matched == ["0000:03:00.0": [0], "0000:03:00.1": [1], "0000:05:02.0": [2], "0000:81:00.0": [3]], "\(matched)")
        let aliases = try #require(result["aliases"] as? [String: Any])
        #expect(Set(aliases.keys) == ["pcihide-10de-24b0", "pcihide-10de-228b", "pcihide-8086-154c-vf", "pcihide-144d-a80a"])
        // The parser can fail: a spec Nova refuses stops it.
        let broken = try CLI.execute(python, [script, cli.dir + "/sys/bus/pci"], stdin: export.stdout.replacingOccurrences(of: "\"144d\"", with: "\"144x\""))
        #expect(broken.status != 0 && broken.stderr.contains("does not parse as a hex number"), "\(broken.stderr)")
    }

    @Test func theCheckPassesOnTheNodeAsBooted() throws {
        let cli = try Self.node()
        for format in [[], ["--format", "proxmox"], ["--format", "kubevirt"], ["--format", "nova"], ["--format", "unraid"]] {
            let r = try cli.run(["export", "--check"] + format)
            #expect(r.status == 0, "\(format): \(r.stdout)")
            #expect(r.stdout.components(separatedBy: ": ready").count == 5, "\(r.stdout)")
        }
        let json = try cli.run(["export", "--check", "--json"])
        try JSONSchemaTests.check(json.stdout, "export --check")
        let export = try cli.run(["export", "--format", "kubevirt", "--json"])
        try JSONSchemaTests.check(export.stdout, "export")
    }

    /// A card swapped for one with the same ids (only its serial number differs): nothing a
    /// format carries tells them apart, the check does.
    @Test func theCheckCatchesASwappedCard() throws {
        let cli = try Self.node()
        let config = Self.devicePath(cli, "0000:81:00.0") + "/config"
        var bytes = try #require(FileManager.default.contents(atPath: config))
        bytes[0x144] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: config))
        let exported = try cli.run(["export", "--format", "proxmox"])
        #expect(exported.stdout.contains("path=0000:81:00.0,id=144d:a80a,subsystem-id=144d:a801"), "the ids are the same")
        let r = try cli.run(["export", "--check", "--format", "proxmox"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("0000:81:00.0: NOT ready for proxmox") && r.stdout.contains("not the recorded") && r.stdout.contains("serial"), "\(r.stdout)")
        #expect(r.stdout.contains("0000:03:00.0: ready"), "the others stay ready: \(r.stdout)")
    }

    @Test func theCheckCatchesADriverThatIsNotTheStub() throws {
        let cli = try Self.node()
        let driver = Self.devicePath(cli, "0000:81:00.0") + "/driver"
        try FileManager.default.removeItem(atPath: driver)
        try FileManager.default.createSymbolicLink(atPath: driver, withDestinationPath: "../../../drivers/nvme")
        let r = try cli.run(["export", "--check", "--format", "kubevirt"])
        #expect(r.status == 1 && r.stdout.contains("0000:81:00.0: NOT ready") && r.stdout.contains("it is on nvme, not vfio-pci"), "\(r.stdout)")
        // pciback is as good as vfio-pci for the format-free check, not for a KVM consumer.
        try FileManager.default.removeItem(atPath: driver)
        try FileManager.default.createSymbolicLink(atPath: driver, withDestinationPath: "../../../drivers/pciback")
        #expect(try cli.run(["export", "--check", "81:00.0"]).status == 0)
        #expect(try cli.run(["export", "--check", "--format", "nova", "81:00.0"]).status == 1)
    }

    @Test func theCheckCatchesAnIncompleteGroupAndAMissingVFIONode() throws {
        let cli = try Self.node()
        #expect(try cli.run(["unhide", "03:00.1"]).status == 0)
        let r = try cli.run(["export", "--check", "--format", "proxmox"])
        #expect(r.status == 1 && r.stdout.contains("its IOMMU group 14 is not whole: 0000:03:00.1 (on vfio-pci) is not hidden"), "\(r.stdout)")
        try FileManager.default.removeItem(atPath: cli.dir + "/dev/vfio/31")
        let v = try cli.run(["export", "--check", "81:00.0"])
        #expect(v.status == 1 && v.stdout.contains("/dev/vfio/31 does not exist"), "\(v.stdout)")
    }

    /// KubeVirt selects by ids alone: a twin on vfio-pci that pcihide does not hide would be
    /// handed to guests, so the export is refused; a twin on its host driver is warned about.
    @Test func kubevirtRefusesASelectorThatCatchesAnUnhiddenTwin() throws {
        let cli = try Self.node()
        let warned = try cli.run(["export", "--format", "kubevirt"])
        #expect(warned.status == 0 && warned.stderr.contains("0000:82:00.0 has the same ids (144d:a80a) and is not hidden"), "\(warned.stderr)")
        let driver = Self.devicePath(cli, "0000:82:00.0") + "/driver"
        try FileManager.default.removeItem(atPath: driver)
        try FileManager.default.createSymbolicLink(atPath: driver, withDestinationPath: "../../../drivers/vfio-pci")
        let refused = try cli.run(["export", "--format", "kubevirt"])
        #expect(refused.status == 65 && refused.stdout.isEmpty && refused.stderr.contains("would also offer 0000:82:00.0"), "\(refused.stderr)")
        let check = try cli.run(["export", "--check", "--format", "kubevirt", "81:00.0"])
        #expect(check.status == 1 && check.stdout.contains("KubeVirt would also offer 0000:82:00.0"), "\(check.stdout)")
        // Exporting only other devices is fine.
        #expect(try cli.run(["export", "--format", "kubevirt", "03:00.0"]).status == 0)
    }

    @Test(arguments: [
        (["export", "--format", "xen"], 64, "--format xen is not a format pcihide exports"),
        (["export"], 64, "--format is needed"),
        (["export", "--format", "proxmox", "--node", "pve 1"], 64, "character 4 (U+0020) is not allowed"),
        (["export", "--format", "proxmox", "--node=-pve"], 64, "character 1 ('-') is not allowed"),
        (["export", "--format", "kubevirt", "--resource-prefix", "Example.com"], 64, "character 1 ('E')"),
    ])
    func badInputIsNamed(args: [String], status: Int32, message: String) throws {
        let cli = try Self.node()
        let r = try cli.run(args)
        #expect(r.status == status && r.stderr.contains(message), "\(args): \(r.status) \(r.stderr)")
    }

    @Test func theNodeNameComesFromTheRootOrIsAsked() throws {
        let cli = try Self.node()
        #expect(try cli.run(["export", "--format", "unraid", "--node", "pve7", "--json"]).stdout.contains("\"node\": \"pve7\""))
        try FileManager.default.removeItem(atPath: cli.dir + "/etc/hostname")
        let r = try cli.run(["export", "--format", "proxmox"])
        #expect(r.status == 64 && r.stderr.contains("give --node NAME"), "\(r.stderr)")
    }

    /// The check reads and never writes: the node's tree and state are byte for byte the same after.
    @Test func theCheckIsReadOnly() throws {
        let cli = try Self.node()
        let before = try Self.snapshot(cli.dir)
        _ = try cli.run(["export", "--check", "--format", "proxmox"])
        _ = try cli.run(["export", "--format", "nfd"])
        #expect(try Self.snapshot(cli.dir) == before)
    }

    static func snapshot(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)!
        while let p = e.nextObject() as? String {
            let full = dir + "/" + p
            if let d = FileManager.default.contents(atPath: full) { out[p] = d } else { out[p] = Data((try? FileManager.default.destinationOfSymbolicLink(atPath: full))?.utf8 ?? "".utf8) }
        }
        return out
    }
}

extension ExportTests {
    /// The VM side: `hostpciN:` lines that name the mappings the export wrote, a whole device
    /// by its slot, and a device pcihide does not hide by address with a warning.
    @Test func configForProxmoxNamesTheMappings() throws {
        let cli = try Self.node()
        let r = try cli.run(["config", "--format", "proxmox", "--device", "03:00.0", "--device", "03:00.1", "--device", "05:02.0", "--device", "83:00.0"])
        #expect(r.status == 0)
        #expect(r.stdout == "hostpci0: mapping=pcihide-8086-154c,pcie=1\nhostpci1: mapping=pcihide-10de-24b0,pcie=1,x-vga=1\nhostpci2: host=0000:83:00.0,pcie=1\n", "\(r.stdout)")
        #expect(r.stderr.contains("0000:83:00.0 is not hidden by pcihide"))
        let exported = try cli.run(["export", "--format", "proxmox"]).stdout
        for mapping in ["pcihide-8086-154c", "pcihide-10de-24b0"] { #expect(exported.contains(mapping + "\n")) }
    }
}

extension ExportTests {
    /// A device that offers mediated types gets `mdev 1` (Proxmox compares it at start), and the
    /// check holds a mapping without it to Proxmox's rule.
    @Test func mdevCapableDevicesAreMappedWithMdev() throws {
        let cli = try Self.node()
        try FileManager.default.createDirectory(atPath: Self.devicePath(cli, "0000:03:00.0") + "/mdev_supported_types/nvidia-35", withIntermediateDirectories: true)
        let r = try cli.run(["export", "--format", "proxmox"])
        #expect(r.stdout.contains("pcihide-10de-24b0\n\tdescription 10de:24b0 devices hidden by pcihide\n\tmdev 1\n\tmap node=pve1,path=0000:03:00,"), "\(r.stdout)")
        try cli.write(cli.dir + "/etc/pve/mapping/pci.cfg", r.stdout)
        #expect(try cli.run(["export", "--check", "--format", "proxmox"]).status == 0)
        try cli.write(cli.dir + "/etc/pve/mapping/pci.cfg", r.stdout.replacingOccurrences(of: "\tmdev 1\n", with: ""))
        let check = try cli.run(["export", "--check", "--format", "proxmox"])
        #expect(check.status == 1 && check.stdout.contains("'mdev' does not match for 'pcihide-10de-24b0' (1 != 0)"), "\(check.stdout)")
    }
}
