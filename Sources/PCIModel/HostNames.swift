/// The class codes (base class and subclass) that decide what stays with the host.
public enum PCIClass {
    public static let hostBridge: UInt16 = 0x0600
    public static let isaBridge: UInt16 = 0x0601
    public static let iommu: UInt16 = 0x0806

    /// A bridge to another bus: PCI-to-PCI (0604), CardBus (0607), semi-transparent
    /// PCI-to-PCI (0609), or any function whose header is a bridge's (types 1 and 2).
    public static func isBridge(_ classId: UInt16, headerType: UInt8?) -> Bool {
        classId == 0x0604 || classId == 0x0607 || classId == 0x0609 || headerType == 1 || headerType == 2
    }
}

/// Names read from files that become paths or reach a terminal.
public enum HostNames {
    /// A driver name that is safe to put in a sysfs path: what the kernel names drivers with
    /// (no '/', not '.' or '..', printable ASCII, at most 64 bytes). Names come from the state
    /// file too, which a user may have edited: `../../x` must never become a path.
    public static func isPlainDriverName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, name != ".", name != ".." else { return false }
        return name.utf8.allSatisfy { c in c > 0x20 && c < 0x7f && c != UInt8(ascii: "/") }
    }

    /// The first control character (C0, DEL or C1) of `text` and its 0-based position in
    /// scalars, or nil. A newline in a name forges a history line; an ESC reaches the terminal.
    public static func firstControlCharacter(in text: String) -> (offset: Int, scalar: Unicode.Scalar)? {
        for (k, c) in text.unicodeScalars.enumerated() where c.value < 0x20 || (c.value >= 0x7f && c.value < 0xa0) {
            return (k, c)
        }
        return nil
    }
}

extension HostNames {
    /// The drivers that hold a device as hiding means (`pciback` is xen-pciback's sysfs name):
    /// one list for readiness, verify, owners, list --owners and persist.
    public static let passthroughDrivers: Set<String> = ["pciback", "xen-pciback", "vfio-pci", "pci-stub"]
}

extension StringProtocol {
    /// Kernel parameter and module names treat `-` and `_` alike: this spelling with `_` only.
    public var dashesAsUnderscores: String { String(map { $0 == "-" ? "_" : $0 }) }

    /// Without blanks (spaces, tabs, newlines) at either end: what a sysfs or proc file holds.
    public var trimmingBlanks: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" { s.removeLast() }
        return String(s)
    }
}
