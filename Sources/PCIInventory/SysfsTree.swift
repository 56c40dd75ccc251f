import PCIModel
import SystemIO

/// A sysfs PCI root (`/sys/bus/pci`, or a test tree with the same layout: `devices/DDDD:BB:DD.F/…`).
public struct SysfsTree: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// `--sysfs DIR`, else `$PCIHIDE_SYSFS` (unless `--root` was given), else the host root's
    /// /sys/bus/pci. An empty `--sysfs` is a usage error, never the live system.
    public static func resolveRoot(option: String?, host: HostRoot) throws(Failure) -> String {
        try host.resolve(option: option, name: "--sysfs", env: "PCIHIDE_SYSFS", absolute: "/sys/bus/pci")
    }

    /// The tree at `--sysfs`, `$PCIHIDE_SYSFS` or under the host root.
    public static func resolve(option: String?, host: HostRoot) throws(Failure) -> SysfsTree {
        SysfsTree(root: try resolveRoot(option: option, host: host))
    }

    /// The `devices/` directory can be read: else `noInput`, naming it. Commands that decide
    /// what is safe call this first, so that a wrong path never reads as "nothing to check".
    public func requireReadable() throws(Failure) {
        guard Files.isReadableDirectory(devicesDirectory) else {
            throw Failure(.noInput, "cannot read the sysfs tree: \(devicesDirectory) does not exist or is not readable (use --sysfs DIR, --root DIR or PCIHIDE_SYSFS)")
        }
    }

    public var devicesDirectory: String { root + "/devices" }

    public func path(_ a: PCIAddress, _ attribute: String) -> String {
        devicesDirectory + "/" + a.description + "/" + attribute
    }

    /// Every function present, sorted. A missing `devices/` directory is `noInput`.
    public func addresses() throws(Failure) -> [PCIAddress] {
        guard let names = Files.list(devicesDirectory) else {
            throw Failure(.noInput, "cannot read the sysfs tree: \(devicesDirectory) does not exist or is not readable (use --sysfs DIR or PCIHIDE_SYSFS)")
        }
        return names.compactMap { PCIAddress(sysfsName: $0) }.sorted()
    }

    /// The driver bound to `a` (the last component of its `driver` link), or nil.
    public func driver(_ a: PCIAddress) -> String? {
        Files.readLink(path(a, "driver")).map(Files.baseName)
    }

    /// The IOMMU group of `a` (the last component of its `iommu_group` link), or nil.
    public func iommuGroup(_ a: PCIAddress) -> String? {
        Files.readLink(path(a, "iommu_group")).map(Files.baseName)
    }

    /// A hex attribute such as `vendor` (`0x8086\n`).
    public func hexAttribute(_ a: PCIAddress, _ attribute: String) -> UInt32? {
        guard let bytes = Files.readIfPresent(path(a, attribute)) else { return nil }
        var t = bytes[...]
        while let l = t.last, l == 0x0a || l == 0x20 { t = t.dropLast() }
        if t.count > 2 && t[t.startIndex] == UInt8(ascii: "0") && (t[t.startIndex + 1] == UInt8(ascii: "x")) { t = t.dropFirst(2) }
        return parseHex(t)
    }

    /// The header type from the config space (bit 7, multi-function, masked off), or nil.
    public func headerType(_ a: PCIAddress) -> UInt8? {
        guard let c = Files.readIfPresent(path(a, "config")), c.count > 0x0e else { return nil }
        return c[0x0e] & 0x7f
    }

    /// The host bridge or a bridge to another bus (by class or header type): it stays with the
    /// host and is never a companion.
    public func isBridge(_ a: PCIAddress) -> Bool {
        let cls = UInt16(truncatingIfNeeded: (hexAttribute(a, "class") ?? 0) >> 8)
        return cls == PCIClass.hostBridge || PCIClass.isBridge(cls, headerType: headerType(a))
    }

    public func ids(_ a: PCIAddress) -> PCIIds? {
        guard let v = hexAttribute(a, "vendor"), let d = hexAttribute(a, "device"), v <= 0xffff, d <= 0xffff else { return nil }
        return PCIIds(vendor: UInt16(v), device: UInt16(d))
    }
}
