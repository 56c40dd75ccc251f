import PCICapabilities
import PCIModel

/// How a device can be reset between guests: the kernel's `reset_method` list when it has one,
/// else what the capabilities allow, with the kernel's quirks (drivers/pci/quirks.c) and the
/// devices known to need a vendor-specific reset.
public struct ResetFacts: Equatable, Sendable {
    /// Method names in the kernel's order (`flr`, `af_flr`, `pm`, `bus`, ...).
    public var methods: [String]
    /// True when they come from the kernel's `reset_method` file, false when derived here.
    public var fromKernel: Bool
    /// Other devices a secondary bus reset resets too (every device on the bus and below it).
    public var busResetAlsoResets: [PCIAddress]
    /// A quirk that takes a method away, or a device that needs vendor-reset, with its source.
    public var notes: [String]

    /// A reset the device does by itself (not one that takes other devices with it).
    public var hasFunctionReset: Bool { methods.contains { $0 != "bus" && $0 != "cxl_bus" } }

    static let noFLR: Set<UInt32> = [
        0x1022_1485, 0x1022_1486, 0x1022_1487, 0x1022_148c, 0x1022_149c, 0x1022_7901,
        0x8086_1502, 0x8086_1503, 0x14c3_0616,
    ]
    static let noBusReset: Set<UInt32> = [
        0x168c_0030, 0x168c_0032, 0x168c_0033, 0x168c_0034, 0x168c_003c,
        0x177d_a100, 0x104c_b005, 0x1b21_1164,
    ]
    /// AMD GPUs that reset only through gnif/vendor-reset: Polaris 10/11/12, Vega 10/20, Navi 10/12/14.
    static let vendorReset: [UInt16: String] = [
        0x67df: "Polaris 10", 0x67ef: "Polaris 11", 0x699f: "Polaris 12", 0x687f: "Vega 10", 0x6863: "Vega 10",
        0x66af: "Vega 20", 0x731f: "Navi 10", 0x7360: "Navi 12", 0x7340: "Navi 14",
    ]

    /// `kernelMethods`: the `reset_method` file's words (nil when the file is absent; empty when
    /// every method was disabled). `onlyOnBus`: no other device on the device's bus, and the bus
    /// is behind a bridge (the kernel's condition for a secondary bus reset).
    public static func analyse(
        ids: PCIIds, classCode: UInt16, features: PassthroughFeatures?, kernelMethods: [String]?,
        onlyOnBus: Bool, behindBridge: Bool, busPeers: [PCIAddress]
    ) -> ResetFacts {
        var notes: [String] = []
        let key = UInt32(ids.vendor) << 16 | UInt32(ids.device)
        if noFLR.contains(key) { notes.append("the kernel ignores its FLR (quirk_no_flr in drivers/pci/quirks.c)") }
        if noBusReset.contains(key) { notes.append("the kernel never bus-resets it (quirk_no_bus_reset in drivers/pci/quirks.c)") }
        let amdVGA = (ids.vendor == 0x1002 || ids.vendor == 0x1022) && classCode >> 8 == 0x03
        if amdVGA { notes.append("the kernel does not use PM reset on AMD/ATI display devices (quirk_no_pm_reset)") }
        if ids.vendor == 0x1002, let family = vendorReset[ids.device] {
            notes.append("AMD \(family) GPUs do not come back from a guest without gnif/vendor-reset (load it early and write device_specific to reset_method)")
        }
        if let kernelMethods {
            return ResetFacts(methods: kernelMethods, fromKernel: true, busResetAlsoResets: kernelMethods.contains("bus") ? busPeers : [], notes: notes)
        }
        var methods: [String] = []
        if let f = features {
            if f.functionLevelReset == true && !noFLR.contains(key) { methods.append("flr") }
            if f.advancedFeaturesFLR == true { methods.append("af_flr") }
            if f.powerManagementNoSoftReset == false && !amdVGA { methods.append("pm") }
        }
        if behindBridge && onlyOnBus && !noBusReset.contains(key) { methods.append("bus") }
        return ResetFacts(methods: methods, fromKernel: false, busResetAlsoResets: methods.contains("bus") ? busPeers : [], notes: notes)
    }
}
