/// What the operating system adds to the config bytes (sysfs `resource`, `irq`, `numa_node`,
/// `iommu_group`, the slot directory, the device-tree node), as libpci's fill_info reports it.
/// For a dump file most of it is absent and lspci reads the BARs from the config bytes.
public struct PlatformFacts: Equatable, Sendable {
    public struct Region: Equatable, Sendable {
        public var base: UInt64
        public var size: UInt64
        /// PCI_IORESOURCE_* flags (sysfs `resource`'s third column), when known.
        public var flags: UInt64
        public init(base: UInt64 = 0, size: UInt64 = 0, flags: UInt64 = 0) { self.base = base; self.size = size; self.flags = flags }
    }
    /// The six BARs as libpci reports them (base addresses with their low flag bits).
    public var regions: [Region] = Array(repeating: Region(), count: 6)
    public var rom = Region()
    /// Bridge windows (I/O, memory, prefetchable, fourth), when the kernel reports them.
    public var bridgeWindows: [Region] = Array(repeating: Region(), count: 4)
    /// Which of libpci's optional fields are known (PCI_FILL_SIZES, _IO_FLAGS, _BRIDGE_BASES).
    public var sizesKnown = false
    public var ioFlagsKnown = false
    public var bridgeBasesKnown = false
    public var irq = 0
    /// -1: unknown.
    public var numaNode = -1
    public var iommuGroup: String?
    public var physicalSlot: String?
    public var deviceTreeNode: String?
    /// The `vpd` file's bytes (read only for -vv of a device with the VPD capability); nil when
    /// the source has none, as a dump, which lspci shows as "Not readable".
    public var vpd: [UInt8]?
    public init() {}
}

/// Names that come from the ID database (libpci's pci.ids lookups), for the few capability lines
/// that print one: the bridge subsystem capability.
public protocol DeviceNames {
    /// As lspci's `Subsystem:` (PCI_LOOKUP_SUBSYSTEM | VENDOR | DEVICE).
    func subsystemName(vendor: UInt16, device: UInt16, subvendor: UInt16, subdevice: UInt16) -> String
}

/// One device, decoded: its config bytes, their capability lists and what the platform adds.
/// Pure: bytes in, description out; `check`, the emulator and the listing read it alike.
public struct DeviceDescription: Equatable, Sendable {
    public let config: ConfigSpace
    public let capabilities: CapabilityChain
    public var platform: PlatformFacts
    /// libpci's class (base class and subclass), from sysfs or the config bytes.
    public var classCode: UInt16
    /// The device and function numbers: lspci skips an endpoint's Link Capabilities 2 unless it
    /// is device 0 function 0 (the register was reserved before PCIe 3.0).
    public var deviceNumber: Int
    public var function: Int

    public init(config: ConfigSpace, platform: PlatformFacts = PlatformFacts(), classCode: UInt16? = nil, deviceNumber: Int = 0, function: Int = 0) {
        self.config = config
        self.deviceNumber = deviceNumber
        self.function = function
        self.capabilities = config.has(0, 64) ? CapabilityChain(config) : CapabilityChain(ConfigSpace([]))
        self.platform = platform
        self.classCode = classCode ?? (UInt16(config.byte(0x0b)) << 8 | UInt16(config.byte(0x0a)))
    }

    /// No config bytes could be read (lspci: `no_config_access`).
    public var noConfigAccess: Bool { !config.has(0, 1) }
}
