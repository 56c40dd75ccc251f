import Foundation
import PCIFixtures
import Testing

/// Every host path resolves under the host root as inside a chroot: absolute links planted in
/// the root (a BLS entry, etc/kernel/cmdline, etc/modprobe.d, etc/dracut.conf.d, the initramfs
/// module list) are followed from the root, never from this machine's `/`; nothing outside the
/// root is created or changed, backups included.
@Suite struct ConfinementTests {
    /// A directory outside the root holding what the links name, to see that it stays untouched.
    static func plant(_ cli: CLI, links: [(String, String)]) throws -> (outside: String, before: [String: Data]) {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-outside-\(UUID().uuidString)").path
        for (inRoot, target) in links {
            let original = cli.dir + inRoot
            let victim = outside + target
            try FileManager.default.createDirectory(atPath: (victim as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: original, isDirectory: &isDir) {
                if isDir.boolValue {
                    try FileManager.default.copyItem(atPath: original, toPath: victim)
                } else {
                    try FileManager.default.copyItem(atPath: original, toPath: victim)
                }
                try FileManager.default.removeItem(atPath: original)
            } else {
                try "outside\n".write(toFile: victim, atomically: true, encoding: .utf8)
            }
            // What a chroot finds at the link's target: the same content, under the root.
            let inside = cli.dir + victim
            try FileManager.default.createDirectory(atPath: (inside as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: victim, toPath: inside)
            try FileManager.default.createDirectory(atPath: (original as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // The absolute target a chroot would take from its root; from this machine's / it is the outside copy.
            try FileManager.default.createSymbolicLink(atPath: original, withDestinationPath: victim)
        }
        return (outside, try ExportTests.snapshot(outside))
    }

    @Test(arguments: [
        ("fedora-bls", "vfio-pci", ["/boot/loader/entries/0f1e2d-6.5.6-300.fc39.x86_64.conf", "/etc/kernel/cmdline", "/etc/dracut.conf.d", "/etc/modprobe.d"]),
        ("debian-grub2", "vfio-pci", ["/etc/default/grub", "/etc/initramfs-tools/modules", "/etc/modprobe.d"]),
        ("proxmox", "xen-pciback", ["/etc/kernel/cmdline", "/etc/initramfs-tools/modules"]),
    ])
    func absoluteLinksNeverLeaveTheRoot(root name: String, driver: String, paths: [String]) throws {
        let cli = try PersistTests.root(name)
        try FileManager.default.createDirectory(atPath: cli.dir + "/etc/modprobe.d", withIntermediateDirectories: true)
        let (outside, before) = try Self.plant(cli, links: paths.map { ($0, $0) })
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let r = try cli.run(["persist", "--driver", driver, "--write"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try ExportTests.snapshot(outside) == before, "persist changed files outside the root \(cli.dir): \(r.stderr)")
        // The writes went where a chroot's would: under the root, at the link's absolute target.
        let landed = paths.contains { FileManager.default.fileExists(atPath: cli.dir + outside + $0 + ".pcihide-orig") }
        #expect(landed, "nothing was written under \(cli.dir + outside): \(r.stdout)")
        // verify and check read through the same links, from the root.
        _ = try cli.run(["verify"])
        #expect(try ExportTests.snapshot(outside) == before)
    }

    /// `..` never climbs above the root, and a loop of links is an error, not a hang.
    @Test func dotDotAndLoopsStayInside() throws {
        let cli = try PersistTests.root("debian-grub2")
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-outside-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let depth = cli.dir.split(separator: "/").count
        try FileManager.default.removeItem(atPath: cli.dir + "/etc/initramfs-tools/modules")
        // From the root's etc/initramfs-tools, enough ../ to reach this machine's / and then the outside dir.
        try FileManager.default.createSymbolicLink(
            atPath: cli.dir + "/etc/initramfs-tools/modules",
            withDestinationPath: String(repeating: "../", count: depth + 2) + String(outside.dropFirst()) + "/modules")
        let r = try cli.run(["persist", "--driver", "vfio-pci", "--write"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty, "a ../ link reached outside the root")
        try FileManager.default.removeItem(atPath: cli.dir + "/etc/initramfs-tools/modules")
        try FileManager.default.createSymbolicLink(atPath: cli.dir + "/etc/initramfs-tools/modules", withDestinationPath: "/etc/initramfs-tools/modules")
        let loop = try cli.run(["persist", "--driver", "vfio-pci", "--write"])
        #expect(loop.status != 0 && loop.status < 128, "a link loop: \(loop.status) \(loop.stderr)")
    }
}
