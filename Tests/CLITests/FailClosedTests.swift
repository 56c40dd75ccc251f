import Foundation
import PCIFixtures
import Testing

/// Every holder of the host traced through ZFS, btrfs, NVMe multipath, /dev/root and network
/// roots, or the verdict says what was not (the fail-closed issue). Each host's storage devices
/// are refused on every path; its spare devices stay ready.
@Suite("fail closed: storage traced or said")
struct FailClosedTests {
    static func host(_ name: String) throws -> (CLI, needed: [String], spare: [String]) {
        var cli = try CLI()
        let h = try #require(HostRootFixture.storageHosts().first { $0.name == name })
        try h.root.write(to: cli.dir)
        try h.storage.write(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        return (cli, h.needed, h.spare)
    }

    static let names = ["zfs", "btrfs", "multipath", "dev-root", "nfs"]

    @Test(arguments: names)
    func hostNeedsAreRefusedOnEveryPath(host name: String) throws {
        let (cli, needed, spare) = try Self.host(name)
        for d in needed {
            let check = try cli.run(["check", "--json", d])
            let report = try #require(try jsonItems(check.stdout).first)
            #expect(report["verdict"] as? String == "refused", "\(name) \(d): \(check.stdout)")
            #expect((report["untraced"] as? [String]) == [], "\(name) \(d)")
            for args in [["hide", d], ["hide", "--group", d], ["hide", "--now", "--driver", "vfio-pci", "--dry-run", d]] {
                let r = try cli.run(args)
                #expect(r.status != 0, "\(name): \(args) exited \(r.status): \(r.stderr)")
                if args.count == 2 { #expect(r.status == 64 && r.stderr.contains("refusing"), "\(name): \(args): \(r.stderr)") }
            }
        }
        for d in spare {
            let check = try cli.run(["check", "--json", d])
            let report = try #require(try jsonItems(check.stdout).first)
            #expect(report["verdict"] as? String == "ready", "\(name) spare \(d): \(check.stdout)")
        }
        // By id: the NVMe drives share 144d:a80a, so hiding them by id is refused on hosts that need one.
        if needed.contains("01:00.0") || needed.contains("02:00.0") {
            let byId = try cli.run(["hide", "144d:a80a"])
            #expect(byId.status != 0, "\(name): hide 144d:a80a: \(byId.stdout)")
        }
        // By wildcard over the needed device's slot, and in groups' view.
        for d in needed {
            let wildcard = try cli.run(["hide", String(d.prefix(5)) + "*.*"])
            #expect(wildcard.status != 0, "\(name): hide \(d.prefix(5))*.*: \(wildcard.stdout)")
        }
        let groups = try cli.run(["groups", "--json"])
        #expect(groups.status == 0 || groups.status == 1, "\(name): groups: \(groups.stderr)")
        let hidden = try cli.run(["hidden"])
        for d in needed { #expect(!hidden.stdout.contains(d), "\(name): \(d) recorded: \(hidden.stdout)") }
        // persist never writes a boot line for a needed device hidden with --force.
        #expect(try cli.run(["hide", "--force", needed[0]]).status == 0)
        let persist = try cli.run(["persist", "--driver", "vfio-pci", "--loader", "systemd-boot", "--initramfs", "dracut"])
        #expect(persist.status == 64 && persist.stderr.contains("refusing to persist: 0000:\(needed[0]): the host needs it"), "\(name): \(persist.stderr)")
        #expect(try cli.run(["unhide", needed[0]]).status == 0)
    }

    /// A disk the host mounts, hidden with --force (or before it came to hold the mount): the
    /// hand-over never attaches it while it is on its own driver: domain start --apply and
    /// watch leave it free and say why; the stub xl records no attach.
    @Test(arguments: names)
    func handOverRefusesWhatTheHostStillUses(host name: String) throws {
        var (cli, needed, _) = try Self.host(name)
        let disk = try #require(needed.first)
        #expect(try cli.run(["hide", "--force", disk]).status == 0)
        try Self.stubXL(&cli)
        let start = try cli.run(["domain", "start", "1", "--apply", "--toolstack", "xl"])
        #expect(start.stdout.contains("refusing to attach 0000:\(disk) to domain 1: the host needs it: "), "\(name): \(start.stdout)\(start.stderr)")
        if name == "btrfs" { #expect(start.stdout.contains("it holds mounted file systems (/, /home); it stays free"), "\(start.stdout)") }
        // unhide --now of a device pcihide never bound leaves it on its driver.
        let unhide = try cli.run(["unhide", "--now", disk])
        #expect(unhide.stdout.contains("was not bound by pcihide") || unhide.stderr.contains("was not bound by pcihide"), "\(name): \(unhide.stdout)\(unhide.stderr)")
        #expect(try cli.run(["hide", "--force", disk]).status == 0)
        #expect(try cli.run(["domain", "kill", "1"]).status == 0)
        let watch = try cli.run(["watch", "--toolstack", "xl"])
        #expect(watch.stderr.contains("refusing to attach 0000:\(disk) to domain 2"), "\(watch.stderr)")
        let calls = cli.file(cli.dir + "/world/calls") ?? ""
        #expect(!calls.contains("pci-attach"), "\(calls)")
        #expect(try cli.run(["owners"]).stdout.contains("free"), "the disk is not free in the ledger")
    }

    /// The stub xl world of WatchTests: domain 1 runs, domain 2 starts on the next watch.
    static func stubXL(_ cli: inout CLI) throws {
        let bin = cli.dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for name in ["xl", "xenstore-watch", "world.sh"] {
            try cli.write(bin + "/" + name, try String(contentsOfFile: WatchTests.stubs + "/" + name, encoding: .utf8))
            chmod(bin + "/" + name, 0o755)
        }
        for (f, text) in [("domains", "1 web\n"), ("events", "start 2 db\n"), ("calls", "")] { try cli.write(cli.dir + "/world/" + f, text) }
        cli.environment["PATH"] = bin + ":" + (cli.environment["PATH"] ?? "/usr/bin:/bin")
        cli.environment["STUB_WORLD"] = cli.dir + "/world"
    }

    /// A mount traced to no device: the hand-over fails closed too. The spare X710, hidden but
    /// still on i40e, is not attached by domain start --apply or watch while /srv is untraced.
    @Test func anUntracedMountStopsTheHandOver() throws {
        var (cli, _, _) = try Self.host("untraced")
        let hide = try cli.run(["hide", "05:00.0"])
        #expect(hide.status == 0 && hide.stderr.contains("could not trace /dev/nbd0 mounted at /srv"), "\(hide.stderr)")
        try Self.stubXL(&cli)
        let start = try cli.run(["domain", "start", "1", "--apply", "--toolstack", "xl"])
        #expect(start.stdout.contains("refusing to attach 0000:05:00.0 to domain 1: it is on i40e and could not trace /dev/nbd0 mounted at /srv"), "\(start.stdout)\(start.stderr)")
        #expect(try cli.run(["domain", "kill", "1"]).status == 0)
        let watch = try cli.run(["watch", "--toolstack", "xl"])
        #expect(watch.stderr.contains("refusing to attach 0000:05:00.0 to domain 2"), "\(watch.stderr)")
        #expect(!(cli.file(cli.dir + "/world/calls") ?? "").contains("pci-attach"))
        let export = try cli.run(["export", "--check", "--format", "kubevirt"])
        #expect(export.status == 1 && export.stdout.contains("it is on i40e, not vfio-pci"), "\(export.stdout)")
    }

    /// persist for the spare NVMe of the btrfs host: its twin (same ids) holds / and /home, so
    /// vfio-pci.ids is not written; it is bound by address, and the note says the host needs the twin.
    @Test func persistNamesAHostNeededTwin() throws {
        let (cli, _, _) = try Self.host("btrfs")
        #expect(try cli.run(["hide", "02:00.0"]).status == 0)
        let r = try cli.run(["persist", "--driver", "vfio-pci", "--loader", "systemd-boot", "--initramfs", "dracut"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("0000:02:00.0 has the ids 144d:a80a of 0000:01:00.0 (the host needs it: it holds mounted file systems (/, /home))"), "\(r.stderr)")
        #expect(!r.stdout.contains("vfio-pci.ids=144d:a80a") && !r.stdout.contains("ids=144d:a80a"), "\(r.stdout)")
    }

    @Test func chainsAreSaid() throws {
        let (zfs, _, _) = try Self.host("zfs")
        let text = try zfs.run(["check", "01:00.0"]).stdout
        #expect(text.contains("/ ← pool rpool ← nvme0n1p3 ← 0000:01:00.0"), "\(text)")
        #expect(text.contains("it holds the host's swap (/dev/zd0)"), "\(text)")
        let (btrfs, _, _) = try Self.host("btrfs")
        let b = try btrfs.run(["check", "01:00.0"]).stdout
        #expect(b.contains("mounted file systems: /, /home"), "\(b)")
        #expect(b.contains("btrfs home"), "\(b)")
        let (nfs, _, _) = try Self.host("nfs")
        let n = try nfs.run(["check", "04:00.0"]).stdout
        #expect(n.contains("server 192.0.2.5 via eno1"), "\(n)")
        let (mp, _, _) = try Self.host("multipath")
        #expect(try mp.run(["check", "02:00.0"]).stdout.contains("nvme-subsys0"))
    }

    /// A mount traced to no device makes every candidate "needs attention", naming it.
    @Test func untracedMountMakesEveryVerdictNeedAttention() throws {
        let (cli, _, _) = try Self.host("untraced")
        for d in ["05:00.0", "01:00.0"] {
            let r = try cli.run(["check", "--json", d])
            let report = try #require(try jsonItems(r.stdout).first)
            #expect(report["verdict"] as? String == "needs attention", "\(r.stdout)")
            let untraced = report["untraced"] as? [String] ?? []
            #expect(untraced.count == 1 && untraced[0].hasPrefix("could not trace /dev/nbd0 mounted at /srv"), "\(untraced)")
            #expect(r.status == 1)
        }
        let text = try cli.run(["check", "05:00.0"]).stdout
        #expect(text.contains("    - could not trace /dev/nbd0 mounted at /srv"), "\(text)")
        // Nothing is unbound now while the mount is untraced (a dry run shows no write).
        let now = try cli.run(["hide", "--now", "--driver", "vfio-pci", "--dry-run", "05:00.0"])
        #expect(now.status == 64 && now.stderr.contains("refusing to unbind 0000:05:00.0 now: could not trace /dev/nbd0"), "\(now.stderr)")
        #expect(!now.stdout.contains("write "), "\(now.stdout)")
    }
}
