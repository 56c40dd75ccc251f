/// The host's kernel interfaces that pcihide reads, each named once and taken under the host
/// root (`HostRoot.path`, links resolved as inside a chroot): no other module spells a /proc or
/// /sys path (the PCI tree's own are `SysfsTree`'s, in PCIInventory).
extension HostRoot {
    /// The absolute places, for messages and for `resolve(option:name:env:absolute:)`.
    public enum Place {
        public static let commandLine = "/proc/cmdline"
        public static let mounts = "/proc/mounts"
        public static let mountInfo = "/proc/self/mountinfo"
        public static let swaps = "/proc/swaps"
        public static let routes = "/proc/net/route"
        public static let inet6 = "/proc/net/if_inet6"
        public static let interrupts = "/proc/interrupts"
        public static let cpuInfo = "/proc/cpuinfo"
        public static let ioMemory = "/proc/iomem"
        public static let xenCapabilities = "/proc/xen/capabilities"
        public static let processes = "/proc"
        public static let sys = "/sys"
        public static let pciBus = "/sys/bus/pci"
        public static let blockClass = "/sys/class/block"
        public static let netClass = "/sys/class/net"
        public static let iommuClass = "/sys/class/iommu"
        public static let hypervisorType = "/sys/hypervisor/type"
        public static let firmware = "/sys/firmware"
        public static let efi = "/sys/firmware/efi"
        public static let efiVariables = "/sys/firmware/efi/efivars"
        public static let udevData = "/run/udev/data"
    }

    public var commandLineFile: String { path(Place.commandLine) }
    public var mountsFile: String { path(Place.mounts) }
    public var mountInfoFile: String { path(Place.mountInfo) }
    public var swapsFile: String { path(Place.swaps) }
    public var routesFile: String { path(Place.routes) }
    public var inet6File: String { path(Place.inet6) }
    public var interruptsFile: String { path(Place.interrupts) }
    public var cpuInfoFile: String { path(Place.cpuInfo) }
    public var ioMemoryFile: String { path(Place.ioMemory) }
    public var xenCapabilitiesFile: String { path(Place.xenCapabilities) }
    public var sysDirectory: String { path(Place.sys) }
    public var pciBusDirectory: String { path(Place.pciBus) }
    public var blockClassDirectory: String { path(Place.blockClass) }
    public var netClassDirectory: String { path(Place.netClass) }
    public var iommuClassDirectory: String { path(Place.iommuClass) }
    public var hypervisorTypeFile: String { path(Place.hypervisorType) }
    public var firmwareDirectory: String { path(Place.firmware) }
    public var efiDirectory: String { path(Place.efi) }
    public var efiVariablesDirectory: String { path(Place.efiVariables) }
    public var udevDataDirectory: String { path(Place.udevData) }

    /// An IOMMU unit's attribute (`/sys/class/iommu/UNIT/NAME`).
    public func iommuAttribute(_ unit: String, _ name: String) -> String { path(Place.iommuClass + "/" + unit + "/" + name) }
    /// An EFI variable's file.
    public func efiVariable(_ name: String) -> String { path(Place.efiVariables + "/" + name) }
    /// The process directories: /proc, and /proc/PID/NAME (`linkPath` for its fd links).
    public var processesDirectory: String { path(Place.processes) }
    public func process(_ pid: String, _ name: String = "") -> String { path(Place.processes + "/" + pid + (name.isEmpty ? "" : "/" + name)) }
    public func processLink(_ pid: String, _ name: String) -> String { linkPath(Place.processes + "/" + pid + "/" + name) }
}
