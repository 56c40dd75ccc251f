import PCIModel
import SystemIO

extension SysfsFixture {
    /// A small host for binding and safety tests: a host bridge, a root port with a two-function
    /// NIC behind it (one IOMMU group), the boot VGA device, the SATA controller that holds `/`,
    /// and a driverless NIC on bus 02.
    public static func host() -> SysfsFixture {
        func fn(_ a: String, _ v: UInt16, _ d: UInt16, _ cls: UInt32, driver: String?, group: Int?) -> Function {
            var f = Function(address: PCIAddress(sysfsName: a)!, vendor: v, device: d, classCode: cls)
            f.driver = driver
            f.iommuGroup = group
            return f
        }
        var f = SysfsFixture()
        f.functions.append(fn("0000:00:00.0", 0x8086, 0x1237, 0x060000, driver: nil, group: 0))
        var port = fn("0000:00:01.0", 0x8086, 0x7c10, 0x060400, driver: "pcieport", group: 1)
        port.secondary = 1
        port.subordinate = 1
        f.functions.append(port)
        for k in 0..<2 {
            var nic = fn("0000:01:00.\(k)", 0x8086, 0x10d3, 0x020000, driver: "e1000e", group: 2)
            nic.multiFunction = true
            nic.parent = port.address
            f.functions.append(nic)
        }
        var vga = fn("0000:00:02.0", 0x8086, 0x3e92, 0x030000, driver: "i915", group: 3)
        vga.bootVGA = true
        f.functions.append(vga)
        f.functions.append(fn("0000:00:17.0", 0x8086, 0xa352, 0x010601, driver: "ahci", group: 4))
        f.functions.append(fn("0000:02:09.0", 0x8086, 0x1229, 0x020000, driver: nil, group: 5))
        return f
    }

    /// Writes `host()` under `dir/sys`, a block class directory `dir/block` whose `sda1` hangs
    /// from the SATA controller, and `dir/mounts` mounting it on `/`.
    public static func writeHost(to dir: String) throws(Failure) {
        try host().write(to: dir + "/sys")
        let ahci = dir + "/sys/hw/pci0000:00/0000:00:17.0/ata1/host0/block/sda/sda1"
        try Files.makeDirectories(ahci)
        try Files.makeDirectories(dir + "/block")
        link(ahci, at: dir + "/block/sda1")
        try Files.writeAtomically(dir + "/mounts", Array("/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n".utf8))
    }
}
