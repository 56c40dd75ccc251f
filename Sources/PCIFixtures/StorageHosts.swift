import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// Storage the plain disk-and-partition model of HostRootFixture cannot express: written after
/// the root, as the kernel lays it out (block devices by major:minor, btrfs members, NVMe
/// multipath subsystems, the udev database, mountinfo lines).
public struct StorageLayout {
    /// A whole disk behind `controller` (`nvme0n1`, `sda`), with its partitions and major:minor.
    public struct BlockDevice {
        public var controller: PCIAddress
        public var name: String
        public var majorMinor: String
        public var partitions: [(name: String, majorMinor: String)] = []
        public init(controller: PCIAddress, name: String, majorMinor: String, partitions: [(name: String, majorMinor: String)] = []) {
            self.controller = controller; self.name = name; self.majorMinor = majorMinor; self.partitions = partitions
        }
    }
    public var disks: [BlockDevice] = []
    /// Virtual block devices (zvols `zd0`, `nbd0`, loop devices with a backing file).
    public var virtual: [(name: String, majorMinor: String, backingFile: String?)] = []
    /// btrfs file systems: /sys/fs/btrfs/FSID/devices/MEMBER.
    public var btrfs: [(fsid: String, label: String, members: [String])] = []
    /// NVMe multipath: /sys/devices/virtual/nvme-subsystem/NAME holding the controllers'
    /// links and the head namespace (a block device named `head`).
    public var nvmeSubsystems: [(name: String, controllers: [PCIAddress], head: String, majorMinor: String)] = []
    /// /run/udev/data/bMAJ:MIN files.
    public var udev: [(majorMinor: String, lines: [String])] = []
    /// /proc/self/mountinfo lines (`ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS - TYPE SOURCE SUPEROPTS`).
    public var mountInfo: [String] = []
    /// /proc/swaps lines after the header.
    public var swaps: [String] = []

    public init() {}

    public func write(to root: String) throws(Failure) {
        let pciRoot = HostRootFixture.pciRoot(root)
        func blockEntry(_ dir: String, name: String, majorMinor: String) throws(Failure) {
            try Files.makeDirectories(dir)
            try writeTestFile(dir + "/dev", Array((majorMinor + "\n").utf8))
            link(dir, at: root + "/sys/class/block/" + name)
            link(dir, at: root + "/sys/dev/block/" + majorMinor)
        }
        try Files.makeDirectories(root + "/sys/dev/block")
        try Files.makeDirectories(root + "/sys/class/block")
        for (k, d) in disks.enumerated() {
            guard let dev = Files.realPath(pciRoot + "/devices/" + d.controller.description) else { continue }
            let dir = dev + "/storage\(k)/block/" + d.name
            try blockEntry(dir, name: d.name, majorMinor: d.majorMinor)
            for p in d.partitions { try blockEntry(dir + "/" + p.name, name: p.name, majorMinor: p.majorMinor) }
        }
        for v in virtual {
            let dir = root + "/sys/devices/virtual/block/" + v.name
            try blockEntry(dir, name: v.name, majorMinor: v.majorMinor)
            if let b = v.backingFile {
                try Files.makeDirectories(dir + "/loop")
                try writeTestFile(dir + "/loop/backing_file", Array((b + "\n").utf8))
            }
        }
        for s in nvmeSubsystems {
            let dir = root + "/sys/devices/virtual/nvme-subsystem/" + s.name
            try Files.makeDirectories(dir)
            for (k, c) in s.controllers.enumerated() {
                guard let dev = Files.realPath(pciRoot + "/devices/" + c.description) else { continue }
                let ctrl = dev + "/nvme/nvme\(k)"
                try Files.makeDirectories(ctrl)
                link(ctrl, at: dir + "/nvme\(k)")
            }
            try blockEntry(dir + "/" + s.head, name: s.head, majorMinor: s.majorMinor)
        }
        for fs in btrfs {
            let dir = root + "/sys/fs/btrfs/" + fs.fsid
            try Files.makeDirectories(dir + "/devices")
            try writeTestFile(dir + "/label", Array((fs.label + "\n").utf8))
            for m in fs.members {
                guard let real = Files.realPath(root + "/sys/class/block/" + m) else { continue }
                link(real, at: dir + "/devices/" + m)
            }
        }
        if !udev.isEmpty {
            try Files.makeDirectories(root + "/run/udev/data")
            for u in udev { try writeTestFile(root + "/run/udev/data/b" + u.majorMinor, Array((u.lines.joined(separator: "\n") + "\n").utf8)) }
        }
        if !mountInfo.isEmpty {
            try Files.makeDirectories(root + "/proc/self")
            try writeTestFile(root + "/proc/self/mountinfo", Array((mountInfo.joined(separator: "\n") + "\n").utf8))
        }
        if !swaps.isEmpty {
            let text = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n" + swaps.map { $0 + "\n" }.joined()
            try writeTestFile(root + "/proc/swaps", Array(text.utf8))
        }
    }
}

extension HostRootFixture {
    /// The hosts of the fail-closed issue, each with the devices that hold its storage and the
    /// spare device that must stay ready, by name: (host, host-needed devices, spare devices).
    public static func storageHosts() -> [(name: String, root: HostRootFixture, storage: StorageLayout, needed: [String], spare: [String])] {
        typealias F = SysfsFixture.Function
        func fn(_ a: String, _ v: UInt16, _ d: UInt16, _ cls: UInt32, driver: String?, group: Int, parent: String? = nil) -> F {
            var f = F(address: PCIAddress(sysfsName: a)!, vendor: v, device: d, classCode: cls)
            f.driver = driver; f.iommuGroup = group; f.parent = parent.flatMap { PCIAddress(sysfsName: $0) }
            f.capabilities = .expressEndpoint
            f.resetMethods = ["flr"]
            return f
        }
        func port(_ a: String, bus: UInt8, group: Int) -> F {
            var p = F(address: PCIAddress(sysfsName: a)!, vendor: 0x1022, device: 0x1483, classCode: 0x060400)
            p.driver = "pcieport"; p.iommuGroup = group; p.secondary = bus; p.subordinate = bus; p.capabilities = .rootPort
            return p
        }
        func a(_ s: String) -> PCIAddress { PCIAddress(sysfsName: s)! }
        /// An EPYC-like tree: two NVMe drives, a SATA controller, a NIC with the default route
        /// and a spare NIC, each behind its own root port.
        func base() -> HostRootFixture {
            var f = SysfsFixture()
            var hb = F(address: a("0000:00:00.0"), vendor: 0x1022, device: 0x1480, classCode: 0x060000)
            hb.iommuGroup = 0
            f.functions = [hb]
            let endpoints: [(String, UInt16, UInt16, UInt32, String)] = [
                ("0000:01:00.0", 0x144d, 0xa80a, 0x010802, "nvme"), ("0000:02:00.0", 0x144d, 0xa80a, 0x010802, "nvme"),
                ("0000:03:00.0", 0x1022, 0x7901, 0x010601, "ahci"), ("0000:04:00.0", 0x8086, 0x1533, 0x020000, "igb"),
                ("0000:05:00.0", 0x8086, 0x1572, 0x020000, "i40e"),
            ]
            for (k, e) in endpoints.enumerated() {
                let p = "0000:00:0\(k + 1).1"
                f.functions.append(port(p, bus: UInt8(k + 1), group: 10 + k))
                f.functions.append(fn(e.0, e.1, e.2, e.3, driver: e.4, group: 20 + k, parent: p))
            }
            var root = HostRootFixture(pci: f)
            root.cpuVendor = "AuthenticAMD"
            root.iommuUnits = ["ivhd0"]
            root.interfaces = [
                .init(device: nil, name: "lo", operstate: "unknown"),
                .init(device: a("0000:04:00.0"), name: "eno1", routes: ["default", "192.0.2.0/24"]),
            ]
            return root
        }
        let nvme0 = StorageLayout.BlockDevice(
            controller: a("0000:01:00.0"), name: "nvme0n1", majorMinor: "259:0",
            partitions: [("nvme0n1p1", "259:1"), ("nvme0n1p2", "259:2"), ("nvme0n1p3", "259:3")])
        let nvme1 = StorageLayout.BlockDevice(
            controller: a("0000:02:00.0"), name: "nvme1n1", majorMinor: "259:4",
            partitions: [("nvme1n1p1", "259:5"), ("nvme1n1p2", "259:6"), ("nvme1n1p3", "259:7")])
        let sda = StorageLayout.BlockDevice(controller: a("0000:03:00.0"), name: "sda", majorMinor: "8:0", partitions: [("sda1", "8:1")])
        let pseudo = [
            "22 1 0:21 / /proc rw,nosuid - proc proc rw", "23 1 0:22 / /sys rw,nosuid - sysfs sysfs rw",
            "24 1 0:5 / /dev rw,nosuid - devtmpfs udev rw", "25 24 0:23 / /run rw - tmpfs tmpfs rw",
            "26 23 0:24 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw", "27 1 0:45 / /var/lib/lxcfs rw - fuse.lxcfs lxcfs rw",
        ]

        // Proxmox VE with ZFS root: rpool mirrored on both NVMe drives (partition 3), swap on a zvol.
        var zfs = StorageLayout()
        zfs.disks = [nvme0, nvme1, sda]
        zfs.virtual = [("zd0", "230:0", nil)]
        zfs.udev = [
            ("259:3", ["E:ID_FS_TYPE=zfs_member", "E:ID_FS_LABEL=rpool"]), ("259:7", ["E:ID_FS_TYPE=zfs_member", "E:ID_FS_LABEL=rpool"]),
            ("230:0", ["S:zvol/rpool/swap", "E:ID_FS_TYPE=swap"]),
        ]
        zfs.mountInfo =
            ["21 1 0:26 / / rw,relatime - zfs rpool/ROOT/pve-1 rw,xattr,posixacl"] + pseudo
            + ["40 21 0:48 / /rpool rw - zfs rpool rw", "41 21 259:2 / /boot/efi rw - vfat /dev/nvme0n1p2 rw"]
        zfs.swaps = ["/dev/zd0                               partition\t8388604\t\t0\t\t-2"]

        // A workstation: btrfs RAID1 across the SATA disk and the first NVMe; the mount table
        // names only the SATA member.
        var btrfs = StorageLayout()
        btrfs.disks = [nvme0, sda]
        btrfs.btrfs = [("0a1b2c3d-0000-4000-8000-000000000001", "home", ["sda1", "nvme0n1p3"])]
        btrfs.mountInfo =
            ["21 1 0:31 /@ / rw - btrfs /dev/sda1 rw,space_cache=v2,subvol=/@"] + pseudo
            + ["42 21 0:31 /@home /home rw - btrfs /dev/sda1 rw,subvol=/@home"]

        // NVMe native multipath: both controllers reach one namespace through the subsystem.
        var multipath = StorageLayout()
        multipath.nvmeSubsystems = [("nvme-subsys0", [a("0000:01:00.0"), a("0000:02:00.0")], "nvme0n1", "259:0")]
        multipath.mountInfo = ["21 1 259:0 / / rw - ext4 /dev/nvme0n1 rw"] + pseudo

        // A root mounted by the kernel without an initramfs: /dev/root, no such node.
        var devRoot = StorageLayout()
        devRoot.disks = [sda]
        devRoot.mountInfo = ["21 1 8:1 / / rw - ext4 /dev/root rw"] + pseudo

        // An NFS root through the first NIC (the route to the server is on eno1's subnet).
        var nfs = StorageLayout()
        nfs.mountInfo = ["21 1 0:40 / / rw - nfs4 192.0.2.5:/srv/root rw,vers=4.2,addr=192.0.2.5,clientaddr=192.0.2.10"] + pseudo

        // A mount that cannot be traced: a network block device.
        var untraced = StorageLayout()
        untraced.disks = [sda]
        untraced.virtual = [("nbd0", "43:0", nil)]
        untraced.mountInfo = ["21 1 8:1 / / rw - ext4 /dev/sda1 rw"] + pseudo + ["50 21 43:0 / /srv rw - ext4 /dev/nbd0 rw"]

        let nvmes = ["01:00.0", "02:00.0"]
        return [
            ("zfs", base(), zfs, nvmes, ["05:00.0", "03:00.0"]),
            ("btrfs", base(), btrfs, ["01:00.0", "03:00.0"], ["05:00.0", "02:00.0"]),
            ("multipath", base(), multipath, nvmes, ["05:00.0", "03:00.0"]),
            ("dev-root", base(), devRoot, ["03:00.0"], ["05:00.0", "01:00.0"]),
            ("nfs", base(), nfs, ["04:00.0"], ["05:00.0", "01:00.0"]),
            ("untraced", base(), untraced, ["03:00.0", "04:00.0"], []),
        ]
    }
}
