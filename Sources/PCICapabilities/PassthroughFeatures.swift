import PCIModel

/// What passthrough depends on, read from the capabilities: how the device can be reset, how
/// its ports isolate it, what it shares (SR-IOV, ARI, ATS), its interrupts and its link.
/// `check`, `list --json` and the readiness verdict read these, never the bytes again.
public struct PassthroughFeatures: Equatable, Sendable {
    /// The PCI Express capability's device/port type (`endpoint`, `root port`, ...).
    public var expressType: String?
    /// Function-level reset (PCIe DevCap bit 28).
    public var functionLevelReset: Bool?
    /// Function-level reset through the Advanced Features capability (conventional PCI).
    public var advancedFeaturesFLR: Bool?
    /// PM control/status `No_Soft_Reset` (bit 3): true when D3hot -> D0 keeps the state, so a
    /// power-state cycle is no reset.
    public var powerManagementNoSoftReset: Bool?
    /// ACS capability and control registers.
    public var acsCapability: UInt16?
    public var acsControl: UInt16?
    public var alternativeRoutingID = false
    public var addressTranslation = false
    public var sriovInitialVFs: Int?
    public var sriovTotalVFs: Int?
    public var sriovNumVFs: Int?
    public var msixTableSize: Int?
    public var msiVectors: Int?
    /// Link capability and status: speed (GT/s text) and width.
    public var linkMaxSpeed: String?
    public var linkMaxWidth: Int?
    public var linkSpeed: String?
    public var linkWidth: Int?
    /// The Device Serial Number, `xx-xx-xx-xx-xx-xx-xx-xx` as lspci prints it.
    public var serialNumber: String?
    /// Fewer than 256 config bytes were readable (a user's 64): none of the above could be read.
    public var capabilitiesUnreadable: Bool

    public init(_ d: DeviceDescription) {
        let c = d.config
        let chain = d.capabilities
        capabilitiesUnreadable = c.status & Status.capabilityList != 0 && !c.has(0, 256)
        if let pm = chain.first(CapabilityID.powerManagement), c.has(pm.offset + 4, 2) {
            powerManagementNoSoftReset = c.word(pm.offset + 4) & 0x8 != 0
        }
        if let msi = chain.first(CapabilityID.msi) { msiVectors = 1 << Int((msi.flags & 0xe) >> 1) }
        if let msix = chain.first(CapabilityID.msiX) { msixTableSize = Int(msix.flags & 0x7ff) + 1 }
        if let af = chain.first(CapabilityID.advancedFeatures), c.has(af.offset + 3, 1) {
            advancedFeaturesFLR = c.byte(af.offset + 3) & 0x2 != 0
        }
        if let e = chain.first(CapabilityID.express) {
            let type = Int((e.flags & 0xf0) >> 4)
            expressType =
                [
                    "endpoint", "legacy endpoint", nil, nil, "root port", "upstream port", "downstream port",
                    "PCIe to PCI bridge", "PCI to PCIe bridge", "root complex integrated endpoint",
                    "root complex event collector",
                ][safe: type] ?? "unknown type \(type)"
            if c.has(e.offset + 4, 4) { functionLevelReset = c.long(e.offset + 4) & (1 << 28) != 0 }
            // Root complex integrated endpoints and event collectors have no link.
            if type != 9 && type != 10 && c.has(e.offset + 0x0c, 8) {
                let cap = c.long(e.offset + 0x0c), status = c.word(e.offset + 0x12)
                linkMaxSpeed = Self.speed(Int(cap & 0xf)); linkMaxWidth = Int((cap >> 4) & 0x3f)
                linkSpeed = Self.speed(Int(status & 0xf)); linkWidth = Int((status >> 4) & 0x3f)
            }
        }
        if let acs = chain.first(ExtendedCapabilityID.acs, extended: true), c.has(acs.offset + 4, 4) {
            acsCapability = c.word(acs.offset + 4); acsControl = c.word(acs.offset + 6)
        }
        alternativeRoutingID = chain.first(ExtendedCapabilityID.ari, extended: true) != nil
        addressTranslation = chain.first(ExtendedCapabilityID.ats, extended: true) != nil
        if let iov = chain.first(ExtendedCapabilityID.sriov, extended: true), c.has(iov.offset + 0x0c, 6) {
            sriovInitialVFs = Int(c.word(iov.offset + 0x0c)); sriovTotalVFs = Int(c.word(iov.offset + 0x0e)); sriovNumVFs = Int(c.word(iov.offset + 0x10))
        }
        if let dsn = chain.first(ExtendedCapabilityID.dsn, extended: true) { serialNumber = Self.serialNumber(c, at: dsn.offset) }
    }

    /// The Device Serial Number of the DSN capability at `offset`, high dword first as lspci
    /// prints it (`xx-xx-xx-xx-xx-xx-xx-xx`); nil when its 8 bytes could not be read.
    static func serialNumber(_ c: ConfigSpace, at offset: Int) -> String? {
        guard c.has(offset + 4, 8) else { return nil }
        let t1 = c.long(offset + 4), t2 = c.long(offset + 8)
        return [t2 >> 24, (t2 >> 16) & 0xff, (t2 >> 8) & 0xff, t2 & 0xff, t1 >> 24, (t1 >> 16) & 0xff, (t1 >> 8) & 0xff, t1 & 0xff]
            .map { hex($0, 2) }.joined(separator: "-")
    }

    /// Link speeds by their encoding (PCIe Base 7.5.3.6).
    static func speed(_ code: Int) -> String {
        switch code {
        case 1: return "2.5GT/s"
        case 2: return "5GT/s"
        case 3: return "8GT/s"
        case 4: return "16GT/s"
        case 5: return "32GT/s"
        case 6: return "64GT/s"
        default: return "unknown"
        }
    }

    /// A value of the JSON rendering, kept free of any JSON library.
    public indirect enum Field: Equatable, Sendable {
        case bool(Bool), int(Int), string(String), null, object([(String, Field)])
        public static func == (a: Field, b: Field) -> Bool {
            switch (a, b) {
            case (.bool(let x), .bool(let y)): return x == y
            case (.int(let x), .int(let y)): return x == y
            case (.string(let x), .string(let y)): return x == y
            case (.null, .null): return true
            case (.object(let x), .object(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
            default: return false
            }
        }
    }

    /// The JSON object `list --json` carries as `capabilities`: absent facts are null, so that
    /// a script tells "no FLR" (false) from "could not read" (null).
    public var fields: Field {
        func opt(_ b: Bool?) -> Field { b.map(Field.bool) ?? .null }
        func opt(_ i: Int?) -> Field { i.map(Field.int) ?? .null }
        func opt(_ s: String?) -> Field { s.map(Field.string) ?? .null }
        let acs: Field =
            acsCapability.map { cap in
                .object([("capability", .int(Int(cap))), ("control", .int(Int(acsControl ?? 0)))])
            } ?? .null
        let sriov: Field =
            sriovTotalVFs.map { total in
                .object([("initialVFs", opt(sriovInitialVFs)), ("totalVFs", .int(total)), ("numVFs", opt(sriovNumVFs))])
            } ?? .null
        let link: Field =
            linkMaxSpeed == nil
            ? .null
            : .object([
                ("maxSpeed", opt(linkMaxSpeed)), ("maxWidth", opt(linkMaxWidth)), ("speed", opt(linkSpeed)), ("width", opt(linkWidth)),
            ])
        return .object([
            ("readable", .bool(!capabilitiesUnreadable)),
            ("expressType", opt(expressType)),
            ("flr", opt(functionLevelReset)),
            ("afFlr", opt(advancedFeaturesFLR)),
            ("pmNoSoftReset", opt(powerManagementNoSoftReset)),
            ("acs", acs),
            ("ari", .bool(alternativeRoutingID)),
            ("ats", .bool(addressTranslation)),
            ("sriov", sriov),
            ("msixTableSize", opt(msixTableSize)),
            ("msiVectors", opt(msiVectors)),
            ("link", link),
            ("serialNumber", opt(serialNumber)),
        ])
    }
}

extension Array {
    subscript(safe k: Int) -> Element? { indices.contains(k) ? self[k] : nil }
}
