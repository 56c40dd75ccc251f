import PCIModel
import SystemIO

/// Host roots of the common boot setups, for `pcihide persist` and `verify`: each has a GPU and
/// its audio function (to hide) and the files its boot loader and initramfs generator read.
public enum PersistenceRoots {
    /// Every fixture root, listed once: the persist, verify and undo tests run on each.
    static let all: [any PersistenceRootFixture.Type] = [
        DebianGrub2Root.self,
        FedoraBLSRoot.self,
        ProxmoxRoot.self,
        ProxmoxGrubRoot.self,
        PopOSRoot.self,
        ArchSystemdBootRoot.self,
        XenEFIRoot.self,
        GrubLegacyXenRoot.self,
        ArchLimineRoot.self,
    ]

    public static var names: [String] { all.map { $0.name } }

    /// The root named `name`: the boot setup it shows, whether it boots Xen only, what detection
    /// must say and the commands persist must print.
    public static func describe(_ name: String) -> (setup: String, bootsXenOnly: Bool, detected: String, commands: String)? {
        all.first { $0.name == name }.map { ($0.setup, $0.bootsXenOnly, $0.detected, $0.commands) }
    }

    /// A GPU and its audio function behind a root port, in one IOMMU group (and, with `twin`,
    /// the same GPU in a second slot that the host keeps).
    public static func pci(twin: Bool = false) -> SysfsFixture {
        var f = SysfsFixture()
        f.functions.append(SysfsFixture.fn("0000:00:00.0", 0x8086, 0x3e30, 0x060000, driver: nil, group: 0))
        var port = SysfsFixture.fn("0000:00:01.0", 0x8086, 0x1901, 0x060400, driver: "pcieport", group: 1)
        port.secondary = 1; port.subordinate = 1
        f.functions.append(port)
        for (k, d, c, drv) in [(0, UInt16(0x1b81), UInt32(0x030000), "nouveau"), (1, UInt16(0x10f0), UInt32(0x040300), "snd_hda_intel")] {
            var x = SysfsFixture.fn("0000:01:00.\(k)", 0x10de, d, c, driver: drv, group: 1)
            x.multiFunction = true; x.parent = port.address
            f.functions.append(x)
        }
        if twin {
            // The same card in a second slot, which the host keeps.
            var port2 = SysfsFixture.fn("0000:00:1c.0", 0x8086, 0xa338, 0x060400, driver: "pcieport", group: 2)
            port2.secondary = 2; port2.subordinate = 2
            f.functions.append(port2)
            var gpu2 = SysfsFixture.fn("0000:02:00.0", 0x10de, 0x1b81, 0x030000, driver: "nouveau", group: 2)
            gpu2.parent = port2.address
            f.functions.append(gpu2)
        }
        return f
    }

    static let grubDefault = "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n"
    static let initramfsModules = "# List of modules that you want to include in your initramfs.\n# They will be loaded at boot time in the order below.\n"

    static func file(_ root: String, _ path: String, _ text: String) throws(Failure) {
        try Files.makeDirectories(Files.directoryName(root + path))
        try writeTestFile(root + path, Array(text.utf8))
    }

    /// Writes the named root at `root`. `twin`: a second, identical GPU that is not to be hidden.
    public static func write(_ name: String, to root: String, twin: Bool = false) throws(Failure) {
        var host = HostRootFixture(pci: pci(twin: twin))
        host.commandLine = "BOOT_IMAGE=/vmlinuz-6.1.0 root=/dev/sda1 ro quiet"
        guard let fixture = all.first(where: { $0.name == name }) else {
            throw Failure(.usage, "no persistence root '\(name)'; there are " + names.joined(separator: ", "))
        }
        try fixture.write(&host, to: root)
    }
}

/// One host root of a boot setup (one file each in this directory, listed in
/// `PersistenceRoots.all`): the files its loader and initramfs generator read, and what persist
/// must say on it.
protocol PersistenceRootFixture {
    static var name: String { get }
    /// The `--loader` name of the setup it shows (the tests hold every setup to have a root).
    static var setup: String { get }
    /// Its loader boots Xen: only xen-pciback applies.
    static var bootsXenOnly: Bool { get }
    /// What persist's detection must say.
    static var detected: String { get }
    /// The commands persist --write must print ("" for none).
    static var commands: String { get }
    static func write(_ host: inout HostRootFixture, to root: String) throws(Failure)
}

extension PersistenceRootFixture {
    static var bootsXenOnly: Bool { false }
}
