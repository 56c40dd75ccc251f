import Foundation
import Testing

@Suite("hide, unhide, hidden")
struct HiddenSetCLITests {
    @Test func hideListUnhide() throws {
        let cli = try CLI()
        var r = try cli.run(["hide", "02:09.0", "xen-pciback.hide=(0000:04:1d.*)(05:*.*)", "36:00.0@1d,permissive=1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "hidden 0000:02:09.0\nhidden 0000:04:1d.*\nhidden 0000:05:*.*\nhidden 0000:36:00.0\n")
        r = try cli.run(["hide", "hide=02:09.0", "05:01.0"])
        #expect(r.status == 0)
        #expect(r.stdout == "0000:02:09.0 is already hidden\n0000:05:01.0 is already hidden by 0000:05:*.*\n")
        r = try cli.run(["hidden"])
        #expect(r.stdout == "0000:02:09.0\n0000:04:1d.*\n0000:05:*.*\n0000:36:00.0 vslot=1d permissive=1\n")
        r = try cli.run(["hidden", "--json"])
        let json = try jsonItems(r.stdout)
        #expect(json.map { $0["address"] as? String } == ["0000:02:09.0", "0000:04:1d.*", "0000:05:*.*", "0000:36:00.0"])
        #expect((json[3]["xl"] as? [String: Any])?["vslot"] as? Int == 0x1d)
        #expect((json[3]["xl"] as? [String: Any])?["permissive"] as? Bool == true)
        r = try cli.run(["unhide", "0000:02:09.0", "(02:09.0)"])
        #expect(r.stdout == "unhidden 0000:02:09.0\n", "the same device twice on a line counts once")
        r = try cli.run(["unhide", "02:09.0"])
        #expect(r.stdout == "0000:02:09.0 is not hidden\n")
        #expect(r.status == 0)
    }

    /// A state file named through a symbolic link: the target is updated with its history
    /// beside it (not beside the link, apart from the state), and the command says which file.
    @Test func stateThroughALinkSaysWhichFile() throws {
        var cli = try CLI()
        try FileManager.default.createDirectory(atPath: cli.dir + "/real", withIntermediateDirectories: true)
        try cli.run(["hide", "--state", cli.dir + "/real/state.json", "02:09.0"])
        let link = cli.dir + "/link.json"
        symlink(cli.dir + "/real/state.json", link)
        cli.environment["PCIHIDE_STATE"] = link
        let r = try cli.run(["hide", "03:00.0"])
        #expect(r.status == 0 && r.stderr.contains("the state file \(link) is a symbolic link: updated \(cli.dir)/real/state.json and its history \(cli.dir)/real/state.json.history"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: link + ".history"), "the history went beside the link")
        let check = try cli.run(["history", "--check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(try cli.run(["hidden"]).stdout == "0000:02:09.0\n0000:03:00.0\n")
    }

    @Test("an invalid spec anywhere on the line writes nothing and exits 64")
    func invalidWritesNothing() throws {
        let cli = try CLI()
        var r = try cli.run(["hide", "02:09.0", "(02:20.0)"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("device 20 is out of range 00-1f"))
        #expect(r.stderr.contains("  (02:20.0)\n      ^^"))
        #expect(!FileManager.default.fileExists(atPath: cli.statePath))

        try cli.run(["hide", "03:00.0"])
        let before = cli.file(cli.statePath)
        r = try cli.run(["hide", "02:09.0", "36:00.0,permisive=1"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("unknown option 'permisive' (did you mean 'permissive'?)"))
        #expect(cli.file(cli.statePath) == before)
        r = try cli.run(["unhide", "03:00.0", "zz"])
        #expect(r.status == 64)
        #expect(cli.file(cli.statePath) == before)
    }

    @Test("a state file that cannot be parsed is reported and never overwritten")
    func brokenStateFile() throws {
        let cli = try CLI()
        let broken = "{\n  \"format\": \"pcihide-state\",\n  \"version\": 1,\n  \"hidden\": [ oops ]\n}\n"
        try cli.write(cli.statePath, broken)
        for args in [["hide", "02:09.0"], ["unhide", "02:09.0"], ["hidden"], ["grub"]] {
            let r = try cli.run(args)
            #expect(r.status == 65, "\(args)")
            #expect(r.stderr.contains(cli.statePath + ":4:15: expected a value"), "\(r.stderr)")
            #expect(cli.file(cli.statePath) == broken)
        }
        try cli.write(cli.statePath, #"{"format": "pcihide-state", "version": 9, "hidden": []}"#)
        let r = try cli.run(["hide", "02:09.0"])
        #expect(r.status == 65 && r.stderr.contains("newer pcihide"))
    }

    @Test("a state file that cannot be created is named, with the way to choose another, exit 73")
    func uncreatableStateFile() throws {
        let cli = try CLI()
        try cli.write(cli.dir + "/plain", "a file, not a directory\n")
        let r = try cli.run(["hide", "02:09.0", "--state", cli.dir + "/plain/state.json"])
        #expect(r.status == 73)
        #expect(r.stderr.contains("\npcihide: cannot write the state file \(cli.dir)/plain/state.json: "), "\(r.stderr)")
        #expect(r.stderr.contains("--state PATH or PCIHIDE_STATE"))
    }

    @Test("concurrent invocations lose no update")
    func concurrentHides() throws {
        let cli = try CLI()
        let addresses = (0..<24).map { String(format: "%02x:%02x.0", 0x10 + $0 / 8, $0 % 8) }
        let processes = try addresses.map { try Child.start(CLI.binary, ["hide", $0], environment: cli.environment, capture: false) }
        let statuses = processes.map { $0.finish().status }
        #expect(statuses.allSatisfy { $0 == 0 }, "\(statuses)")
        let listed = try cli.run(["hidden"]).stdout.split(separator: "\n").map(String.init)
        #expect(listed == addresses.map { "0000:" + $0 }.sorted())
    }

    @Test func nameOnlySpecsCannotBeHidden() throws {
        let cli = try CLI()
        let r = try cli.run(["hide", "name=gpu0"])
        #expect(r.status == 64 && r.stderr.contains("only by name=gpu0"))
    }

    @Test func absentDevicesAreWarnedAbout() throws {
        let cli = try CLI()
        try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
        let r = try cli.run(["hide", "02:09.0", "03:00.0"])
        #expect(r.status == 0)
        // The tree is a bare sysfs tree, not a host root: what could not be checked is said.
        #expect(
            r.stderr == """
                pcihide: warning: 0000:03:00.0 is not present in \(cli.dir)/sys/devices; check the address (lspci -D lists them)
                pcihide: warning: 0000:02:09.0: could not check mounted file systems (no block-device class directory for this tree: give --root DIR or --block-class DIR)
                pcihide: warning: 0000:02:09.0: could not check network interfaces (no /sys/class/net and /proc/net/route for this tree: give --root DIR)
                pcihide: warning: no IOMMU is active (no device has an iommu_group): a guest given these devices can reach all host memory by DMA; vfio-pci will refuse them

                """)
    }
}

@Suite("boot-loader fragments from the command line")
struct BootCLITests {
    @Test func hideWithGrubPrintsTheWholeSet() throws {
        let cli = try CLI()
        try cli.run(["hide", "03:00.0"])
        let r = try cli.run(["hide", "02:09.0", "--grub"])
        #expect(r.status == 0)
        #expect(r.stdout == "xen-pciback.hide=(0000:02:09.0)(0000:03:00.0)\n")
        #expect(r.stderr.contains("hidden 0000:02:09.0"))
    }

    @Test func styleThatCannotExpressTheSetRecordsNothing() throws {
        let cli = try CLI()
        try cli.run(["hide", "03:00.0"])
        let before = cli.file(cli.statePath)
        let r = try cli.run(["hide", "02:09.0", "--grub", "--style", "hide"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("holds exactly one device"))
        #expect(cli.file(cli.statePath) == before)
    }

    @Test func the2005Line() throws {
        let cli = try CLI()
        try cli.run(["hide", "02:09.0"])
        var r = try cli.run(["grub", "--style", "hide", "--loader", "legacy", "--kernel", "/boot/vmlinuz-2.6.12-xen0", "--append", "root=/dev/hda2 ro"])
        #expect(r.stdout == "module /boot/vmlinuz-2.6.12-xen0 root=/dev/hda2 ro hide=02:09.0\n")
        r = try cli.run(["grub", "--loader", "grub2"])
        #expect(r.stdout == "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT xen-pciback.hide=(0000:02:09.0)\"\n")
        r = try cli.run(["grub", "--style", "physdev", "--loader", "grub2"])
        #expect(r.stdout == "GRUB_CMDLINE_XEN_DEFAULT=\"physdev_dom0_hide=(02:09.0)\"\n")
        r = try cli.run(["grub", "--style", "pciback"])
        #expect(r.stdout == "pciback.hide=(02:09.0)\n")
        r = try cli.run(["grub", "--loader", "legacy"])
        #expect(r.status == 64 && r.stderr.contains("--kernel"))
    }

    @Test func vfioNamesEveryIdenticalCard() throws {
        let cli = try CLI()
        try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
        try cli.addDevice("0000:03:09.0", vendor: "8086", device: "1229")
        try cli.addDevice("0000:04:00.0", vendor: "10de", device: "1b81")
        try cli.run(["hide", "02:09.0", "04:00.0"])
        let r = try cli.run(["grub", "--style", "vfio"])
        #expect(r.status == 0)
        #expect(r.stdout == "vfio-pci.ids=8086:1229,10de:1b81\n")
        #expect(r.stderr.contains("also takes 0000:03:09.0"))
    }

    /// The editor sees hide tokens already in the file: a competing list is refused with its line
    /// (nothing written, exit 65), one pcihide covers is removed and said, and unhiding everything
    /// gives the original file back.
    @Test func editingSeesExistingTokens() throws {
        let cli = try CLI()
        let path = cli.dir + "/default-grub"
        let original = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet xen-pciback.hide=(05:00.0)\"\n"
        try cli.write(path, original)
        try cli.run(["hide", "02:09.0"])
        var r = try cli.run(["grub", "--default-file", path, "--write"])
        #expect(r.status == 65 && r.stderr.contains("\(path):2:35: another hide token is in effect on the same kernel line: line 2 (GRUB_CMDLINE_LINUX_DEFAULT): xen-pciback.hide=(05:00.0) hides 05:00.0"), "\(r.stderr)")
        #expect(cli.file(path) == original)
        try cli.run(["hide", "05:00.0"])
        r = try cli.run(["grub", "--default-file", path, "--write"])
        #expect(r.status == 0 && r.stderr.contains("removed xen-pciback.hide=(05:00.0) from GRUB_CMDLINE_LINUX_DEFAULT (line 2)"), "\(r.stderr)")
        #expect(cli.file(path) == "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT xen-pciback.hide=(0000:02:09.0)(0000:05:00.0)\"\n")
        try cli.run(["unhide", "02:09.0", "05:00.0"])
        r = try cli.run(["grub", "--default-file", path, "--write"])
        #expect(r.stderr.contains("removed GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT (line 3)"), "\(r.stderr)")
        #expect(cli.file(path) == "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n")
    }

    @Test func editingDefaultGrub() throws {
        let cli = try CLI()
        let path = cli.dir + "/default-grub"
        let original = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n"
        try cli.write(path, original)
        try cli.run(["hide", "02:09.0"])
        var r = try cli.run(["grub", "--default-file", path])
        #expect(r.status == 0)
        #expect(
            r.stdout == """
                --- \(path)
                +++ \(path) (pcihide)
                @@ -1,3 +1,4 @@
                 GRUB_DEFAULT=0
                 GRUB_CMDLINE_LINUX_DEFAULT="quiet"
                +GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT xen-pciback.hide=(0000:02:09.0)"
                 GRUB_CMDLINE_LINUX=""

                """)
        #expect(cli.file(path) == original, "without --write nothing changes")
        r = try cli.run(["grub", "--default-file", path, "--write"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("update-grub"))
        #expect(cli.file(path + ".pcihide-bak") == original)
        let written = cli.file(path)
        #expect(written?.contains("xen-pciback.hide=(0000:02:09.0)") == true)
        r = try cli.run(["grub", "--default-file", path, "--write"])
        #expect(r.stdout == "" && r.stderr.contains("nothing to change"))
        #expect(cli.file(path) == written)
        // The environment variable names the file for --edit.
        var env = cli
        env.environment["PCIHIDE_GRUB_DEFAULT"] = path
        try env.run(["hide", "03:00.0"])
        r = try env.run(["grub", "--edit"])
        #expect(r.stdout.contains("+GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT xen-pciback.hide=(0000:02:09.0)(0000:03:00.0)\""))
    }

    /// The grub file behind a link, with mode 0600: the link is kept, the target edited, the
    /// backups take its mode, and the first original survives a second edit.
    @Test func grubBackupsModesAndLinks() throws {
        let cli = try CLI()
        try FileManager.default.createDirectory(atPath: cli.dir + "/etc-real", withIntermediateDirectories: true)
        let real = cli.dir + "/etc-real/grub", link = cli.dir + "/grub"
        let original = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"\"\n"
        try cli.write(real, original)
        chmod(real, 0o600)
        symlink(real, link)
        try cli.run(["hide", "02:09.0"])
        var r = try cli.run(["grub", "--default-file", link, "--write"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("\(link) is a symbolic link to \(real): wrote \(real) and kept the link"), "\(r.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real)
        #expect(cli.file(real)?.contains("xen-pciback.hide=(0000:02:09.0)") == true)
        for p in [real, real + ".pcihide-bak", real + ".pcihide-orig"] {
            var st = stat(); stat(p, &st)
            #expect(st.st_mode & 0o777 == 0o600, "\(p)")
        }
        let first = cli.file(real)
        try cli.run(["hide", "03:00.0"])
        r = try cli.run(["grub", "--default-file", link, "--write"])
        #expect(r.status == 0)
        #expect(cli.file(real + ".pcihide-orig") == original, "the distribution's original is never replaced")
        #expect(cli.file(real + ".pcihide-bak") == first, "the previous version")
        // A dangling link is an error naming it, not a new file.
        let dangling = cli.dir + "/dangling-grub"
        symlink(cli.dir + "/nowhere/grub", dangling)
        r = try cli.run(["grub", "--default-file", dangling, "--write"])
        #expect(r.status == 66 && r.stderr.contains(dangling), "\(r.stderr)")
    }

    @Test func unparseableGrubFileIsLeftAlone() throws {
        let cli = try CLI()
        let path = cli.dir + "/default-grub"
        let text = "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT\n"
        try cli.write(path, text)
        try cli.run(["hide", "02:09.0"])
        let r = try cli.run(["grub", "--default-file", path, "--write"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(path):1:40"))
        #expect(cli.file(path) == text)
        #expect(!FileManager.default.fileExists(atPath: path + ".pcihide-bak"))
        let missing = try cli.run(["grub", "--default-file", cli.dir + "/nope"])
        #expect(missing.status == 66)
    }
}
