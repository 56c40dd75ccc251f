import PCIModel

/// The capability lines of lspci's verbose listing (ls-caps.c, ls-caps-vendor.c, ls-ecaps.c):
/// at -v each capability's first line.
extension LspciVerboseText {
    func capabilities(_ d: DeviceDescription, vendorID: UInt16, deviceID: UInt16, into out: inout String) {
        let c = d.config
        func f(_ v: some BinaryInteger, _ b: some BinaryInteger) -> Character { Self.flag(v, b) }
        for e in d.capabilities.standard {
            out += "\tCapabilities: "
            if e.end == .accessDenied { out += "<access denied>\n"; break }
            out += "[\(hex(e.offset, 2))] "
            if e.end == .looped { out += "<chain looped>\n"; break }
            if e.end == .broken { out += "<chain broken>\n"; break }
            let cap = e.flags, at = e.offset
            switch e.id {
            case CapabilityID.null: out += "Null\n"
            case CapabilityID.powerManagement: out += "Power Management version \(cap & 0x7)\n"
            case CapabilityID.agp: out += "AGP version \(String((cap >> 4) & 0xf, radix: 16)).\(String(cap & 0xf, radix: 16))\n"
            case CapabilityID.vpd: out += "Vital Product Data\n"
            case CapabilityID.slotID:
                let esr = cap & 0xff, chassis = cap >> 8
                out += "Slot ID: \(esr & 0x1f) slots, First\(f(esr, 0x20)), chassis \(hex(chassis, 2))\n"
            case CapabilityID.msi:
                out += "MSI: Enable\(f(cap, 0x1)) Count=\(1 << ((cap & 0x70) >> 4))/\(1 << ((cap & 0xe) >> 1)) Maskable\(f(cap, 0x100)) 64bit\(f(cap, 0x80))\n"
            case CapabilityID.hotSwap: out += "CompactPCI hot-swap <?>\n"
            case CapabilityID.pciX:
                switch c.headerType {
                case HeaderType.normal: out += "PCI-X non-bridge device\n"
                case HeaderType.bridge: out += "PCI-X bridge device\n"
                default: break
                }
            case CapabilityID.hyperTransport: out += Self.hyperTransport(cap) + "\n"
            case CapabilityID.vendor:
                out += "Vendor Specific Information: "
                if let virtio = Self.virtio(c, at: at, cap: cap, vendorID: c.vendorID, deviceID: c.deviceID) { out += "VirtIO: \(virtio)\n" }
                else { out += "Len=\(hex(cap & 0xff, 2)) <?>\n" }
            case CapabilityID.debugPort: out += "Debug port: BAR=\(cap >> 13) offset=\(hex(cap & 0x1fff, 4))\n"
            case CapabilityID.centralResource: out += "CompactPCI central resource control <?>\n"
            case CapabilityID.hotPlug: out += "Hot-plug capable\n"
            case CapabilityID.bridgeSubsystem:
                if c.has(at, 8) {
                    out += "Subsystem: " + names.subsystemName(vendor: vendorID, device: deviceID, subvendor: c.word(at + 4), subdevice: c.word(at + 6)) + "\n"
                }
            case CapabilityID.agp3: out += "AGP3 <?>\n"
            case CapabilityID.secure: out += "Secure device <?>\n"
            case CapabilityID.express: out += Self.expressLine(cap, verbose: verbose) + "\n"
            case CapabilityID.msiX: out += "MSI-X: Enable\(f(cap, 0x8000)) Count=\((cap & 0x7ff) + 1) Masked\(f(cap, 0x4000))\n"
            case CapabilityID.sata: out += "SATA HBA v\((cap >> 4) & 0xf).\(cap & 0xf)\n"
            case CapabilityID.advancedFeatures: out += "PCI Advanced Features\n"
            case CapabilityID.enhancedAllocation:
                out += "Enhanced Allocation (EA): NumEntries=\(cap & 0x3f)"
                if c.headerType == HeaderType.bridge {
                    guard c.has(at + 4, 2) else { out += "\n"; continue }
                    out += ", secondary=\(c.byte(at + 4)), subordinate=\(c.byte(at + 5))"
                }
                out += "\n"
            default:
                out += "Capability ID \(Self.alternateHex(Int(e.id))) [\(hex(cap, 4))]\n"
            }
        }
        if let extended = d.capabilities.extended { extendedCapabilities(d, extended, into: &out) }
    }

    /// `%#02x`: 0 prints as "0", others as 0x and at least one digit.
    static func alternateHex(_ v: Int) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }

    static func expressLine(_ cap: UInt16, verbose: Int) -> String {
        let type = Int((cap & 0xf0) >> 4)
        var s = "Express "
        if verbose >= 2 { s += "(v\(cap & 0xf)) " }
        let slot = flag(cap, 0x100)
        switch type {
        case 0: s += "Endpoint"
        case 1: s += "Legacy Endpoint"
        case 4: s += "Root Port (Slot\(slot))"
        case 5: s += "Upstream Port"
        case 6: s += "Downstream Port (Slot\(slot))"
        case 7: s += "PCI-Express to PCI/PCI-X Bridge"
        case 8: s += "PCI/PCI-X to PCI-Express Bridge (Slot\(slot))"
        case 9: s += "Root Complex Integrated Endpoint"
        case 10: s += "Root Complex Event Collector"
        default: s += "Unknown type \(type)"
        }
        return s + ", MSI \(hex((cap & 0x3e00) >> 9, 2))"
    }

    static func hyperTransport(_ cmd: UInt16) -> String {
        switch cmd & 0xe000 {
        case 0x0000: return "HyperTransport: Slave or Primary Interface"
        case 0x2000: return "HyperTransport: Host or Secondary Interface"
        default: break
        }
        let type = cmd & 0xf800
        switch type {
        case 0x4000: return "HyperTransport: Switch"
        case 0x8000: return "HyperTransport: Interrupt Discovery and Configuration"
        case 0x8800:
            let minor = cmd & 0x1f
            return "HyperTransport: Revision ID: \((cmd & 0xe0) >> 5).\(minor < 10 ? "0" : "")\(minor)"
        case 0x9000: return "HyperTransport: UnitID Clumping"
        case 0x9800: return "HyperTransport: Extended Configuration Space Access"
        case 0xa000: return "HyperTransport: Address Mapping"
        case 0xa800: return "HyperTransport: MSI Mapping Enable\(flag(cmd, 0x1)) Fixed\(flag(cmd, 0x2))"
        case 0xb000: return "HyperTransport: DirectRoute"
        case 0xb800: return "HyperTransport: VCSet"
        case 0xc000: return "HyperTransport: Retry Mode"
        case 0xc800: return "HyperTransport: X86 (reserved)"
        default: return "HyperTransport: #\(hex(type >> 11, 2))"
        }
    }

    /// The VirtIO structure a Red Hat virtio device's vendor capability describes, or nil when
    /// lspci would print the generic `Len=` line.
    static func virtio(_ c: ConfigSpace, at: Int, cap: UInt16, vendorID: UInt16, deviceID: UInt16) -> String? {
        guard vendorID == 0x1af4, (0x1000...0x107f).contains(deviceID) else { return nil }
        let length = Int(cap & 0xff)
        guard length >= 16, c.has(at, length) else { return nil }
        switch (cap >> 8) & 0xff {
        case 1: return "CommonCfg"
        case 2: return "Notify"
        case 3: return "ISR"
        case 4: return "DeviceCfg"
        default: return "<unknown>"
        }
    }

    func extendedCapabilities(_ d: DeviceDescription, _ list: [CapabilityChain.Entry], into out: inout String) {
        let c = d.config
        for e in list {
            out += "\tCapabilities: [\(hex(e.offset, 3))"
            if verbose > 1 { out += " v\(e.flags)" }
            out += "] "
            if e.end == .looped { out += "<chain looped>\n"; break }
            let at = e.offset
            switch e.id {
            case ExtendedCapabilityID.null: out += "Null\n"
            case ExtendedCapabilityID.aer: out += "Advanced Error Reporting\n"
            case ExtendedCapabilityID.dpc: out += "Downstream Port Containment\n"
            case ExtendedCapabilityID.vc, ExtendedCapabilityID.vc2: out += "Virtual Channel\n"
            case ExtendedCapabilityID.dsn:
                // lspci prints nothing more (not even the newline) when the serial is unreadable.
                if let serial = PassthroughFeatures.serialNumber(c, at: at) { out += "Device Serial Number " + serial + "\n" }
            case ExtendedCapabilityID.powerBudgeting: out += "Power Budgeting <?>\n"
            case ExtendedCapabilityID.rcLink: out += "Root Complex Link\n"
            case ExtendedCapabilityID.rcInternalLink: out += "Root Complex Internal Link <?>\n"
            case ExtendedCapabilityID.rcec: out += "Root Complex Event Collector Endpoint Association\n"
            case ExtendedCapabilityID.mfvc: out += "Multi-Function Virtual Channel <?>\n"
            case ExtendedCapabilityID.rcrb: out += "Root Complex Register Block <?>\n"
            case ExtendedCapabilityID.vendor:
                out += "Vendor Specific Information: "
                if c.has(at + 4, 4) {
                    let h = c.long(at + 4)
                    out += "ID=\(hex(h & 0xffff, 4)) Rev=\((h >> 16) & 0xf) Len=\(hex(h >> 20, 3)) <?>\n"
                } else { out += "<unreadable>\n" }
            case ExtendedCapabilityID.acs: out += "Access Control Services\n"
            case ExtendedCapabilityID.ari: out += "Alternative Routing-ID Interpretation (ARI)\n"
            case ExtendedCapabilityID.ats: out += "Address Translation Service (ATS)\n"
            case ExtendedCapabilityID.sriov: out += "Single Root I/O Virtualization (SR-IOV)\n"
            case ExtendedCapabilityID.mriov: out += "Multi-Root I/O Virtualization <?>\n"
            case ExtendedCapabilityID.multicast: out += "Multicast\n"
            case ExtendedCapabilityID.pri: out += "Page Request Interface (PRI)\n"
            case ExtendedCapabilityID.resizableBAR: out += "Physical Resizable BAR\n"
            case ExtendedCapabilityID.dpa: out += "Dynamic Power Allocation <?>\n"
            case ExtendedCapabilityID.tph: out += "Transaction Processing Hints\n"
            case ExtendedCapabilityID.ltr: out += "Latency Tolerance Reporting\n"
            case ExtendedCapabilityID.secondaryPCIe: out += "Secondary PCI Express\n"
            case ExtendedCapabilityID.pmux: out += "Protocol Multiplexing <?>\n"
            case ExtendedCapabilityID.pasid: out += "Process Address Space ID (PASID)\n"
            case ExtendedCapabilityID.lnr: out += "LN Requester <?>\n"
            case ExtendedCapabilityID.l1pm: out += "L1 PM Substates\n"
            case ExtendedCapabilityID.ptm: out += "Precision Time Measurement\n"
            case ExtendedCapabilityID.mpcie: out += "PCI Express over M_PHY <?>\n"
            case ExtendedCapabilityID.frs: out += "FRS Queueing <?>\n"
            case ExtendedCapabilityID.rtr: out += "Readiness Time Reporting <?>\n"
            case ExtendedCapabilityID.dvsec:
                out += "Designated Vendor-Specific: "
                guard c.has(at + 4, 8) else { out += "<unreadable>\n"; continue }
                let h = c.long(at + 4)
                let vendor = h & 0xffff, rev = (h >> 16) & 0xf, len = h >> 20
                let id = c.long(at + 8) & 0xffff
                out += "Vendor=\(hex(vendor, 4)) ID=\(hex(id, 4)) Rev=\(rev) Len=\(len)"
                out += vendor == 0x1e98 && len >= 16 ? ": CXL\n" : " <?>\n"
            case ExtendedCapabilityID.vfResizableBAR: out += "Virtual Resizable BAR\n"
            case ExtendedCapabilityID.dataLink: out += "Data Link Feature <?>\n"
            case ExtendedCapabilityID.gt16: out += "Physical Layer 16.0 GT/s <?>\n"
            case ExtendedCapabilityID.laneMargining: out += "Lane Margining at the Receiver <?>\n"
            case ExtendedCapabilityID.hierarchyID: out += "Hierarchy ID <?>\n"
            case ExtendedCapabilityID.npem: out += "Native PCIe Enclosure Management <?>\n"
            case ExtendedCapabilityID.doe: out += "Data Object Exchange\n"
            default: out += "Extended Capability ID \(Self.alternateHex(Int(e.id)))\n"
            }
        }
    }
}
