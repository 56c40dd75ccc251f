import PCIModel
import SystemIO

/// What the kernel says of one device, read from its sysfs directory: every module asks here
/// (one owner per host fact, as pciutils' `sysfs_fill_info`), none builds a device's paths.
extension SysfsTree {
    /// The device's directory with its links resolved (its place under the root complex).
    public func canonicalPath(_ a: PCIAddress) -> String? { Files.realPath(path(a, "")) }

    /// The bridges between the device and its root complex, nearest the root first, from its
    /// canonical path.
    public func upstreamBridges(_ a: PCIAddress) -> [PCIAddress] {
        guard let real = canonicalPath(a) else { return [] }
        return real.split(separator: "/").compactMap { PCIAddress(sysfsName: String($0)) }.filter { $0 != a }
    }

    /// Its config space as far as the reader may read it (64 bytes for a user), or nil.
    public func configBytes(_ a: PCIAddress) -> [UInt8]? { Files.readIfPresent(path(a, "config")) }

    /// The PF of an SR-IOV virtual function (its `physfn` link), or nil.
    public func physicalFunction(_ a: PCIAddress) -> PCIAddress? {
        Files.readLink(path(a, "physfn")).flatMap { PCIAddress(sysfsName: Files.baseName($0)) }
    }

    /// It is an SR-IOV virtual function (it has a `physfn` link).
    public func isVirtualFunction(_ a: PCIAddress) -> Bool { Files.exists(path(a, "physfn")) }

    /// The targets of its `virtfn0`, `virtfn1`, … links, in the kernel's VF order.
    public func virtualFunctions(_ a: PCIAddress) -> [PCIAddress] {
        let links = (Files.list(path(a, "")) ?? []).compactMap { name -> (Int, String)? in
            guard name.hasPrefix("virtfn"), let n = Int(name.dropFirst(6)) else { return nil }
            return (n, name)
        }.sorted { $0.0 < $1.0 }
        return links.compactMap { Files.readLink(path(a, $0.1)).flatMap { PCIAddress(sysfsName: Files.baseName($0)) } }
    }

    /// The members of its IOMMU group (`iommu_group/devices`), sorted.
    public func iommuGroupMembers(_ a: PCIAddress) -> [PCIAddress] {
        (Files.list(path(a, "iommu_group/devices")) ?? []).compactMap { PCIAddress(sysfsName: $0) }.sorted()
    }

    /// The kernel's reset methods (`reset_method`): nil when the file is absent, empty when
    /// every method was disabled.
    public func resetMethods(_ a: PCIAddress) -> [String]? {
        Files.readIfPresent(path(a, "reset_method")).map { String(decoding: $0, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) }
    }

    /// Its memory BARs from `resource` (`0xstart 0xend 0xflags` per line, the memory flag 0x200;
    /// the first seven lines are the BARs and the ROM); nil when the file cannot be read, which
    /// is never "no BARs".
    public func memoryRegions(_ a: PCIAddress) -> [(start: UInt64, end: UInt64)]? {
        guard let text = Files.readIfPresent(resourceFile(a)) else { return nil }
        return String(decoding: text, as: UTF8.self).split(separator: "\n").prefix(7).compactMap { line in
            let f = line.split(separator: " ").map { UInt64($0.dropFirst(2), radix: 16) }
            guard f.count == 3, let s = f[0], let e = f[1], let fl = f[2], fl & 0x200 != 0, e > s else { return nil }
            return (s, e)
        }
    }

    /// The file `memoryRegions` reads, for a message that names it.
    public func resourceFile(_ a: PCIAddress) -> String { path(a, "resource") }

    /// Its DRM nodes: `/dev/dri/cardN` and `/dev/dri/renderDN` (from its `drm` directory).
    public func drmNodes(_ a: PCIAddress) -> [String] {
        (Files.list(path(a, "drm")) ?? []).filter { $0.hasPrefix("card") || $0.hasPrefix("renderD") }.map { "/dev/dri/" + $0 }
    }
}

extension SysfsTree {
    /// It offers mediated devices (`mdev_supported_types`, or NVIDIA's vGPU `nvidia` directory).
    public func offersMediatedDevices(_ a: PCIAddress) -> Bool {
        Files.isDirectory(path(a, "mdev_supported_types")) || Files.isDirectory(path(a, "nvidia"))
    }
}

extension SysfsTree {
    /// It can create SR-IOV virtual functions (`sriov_totalvfs`).
    public func isSRIOVCapable(_ a: PCIAddress) -> Bool { Files.exists(path(a, "sriov_totalvfs")) }

    /// The files runtime binding writes and reads through its own I/O seam (PCIBinding's
    /// `SysfsIO`): the device's `driver_override` and its `driver` link.
    public func driverOverridePath(_ a: PCIAddress) -> String { path(a, "driver_override") }
    public func driverLinkPath(_ a: PCIAddress) -> String { path(a, "driver") }
}

extension SysfsTree {
    /// The device's directory (`devices/DDDD:BB:DD.F/`).
    public func deviceDirectory(_ a: PCIAddress) -> String { path(a, "") }
}
