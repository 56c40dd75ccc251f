import PCIModel

/// The capability lines of lspci's verbose listing (ls-caps.c, ls-caps-vendor.c, ls-ecaps.c):
/// each capability's first line, and at -vv its detail (LspciCapabilityDetail, LspciExpressText,
/// LspciExtendedDetail).
extension LspciVerboseText {
    func capabilities(_ d: DeviceDescription, vendorID: UInt16, deviceID: UInt16, into out: inout String) {
        let c = d.config
        for e in d.capabilities.standard {
            out += "\tCapabilities: "
            if e.end == .accessDenied { out += "<access denied>\n"; break }
            out += "[\(hex(e.offset, 2))] "
            if e.end == .looped { out += "<chain looped>\n"; break }
            if e.end == .broken { out += "<chain broken>\n"; break }
            let cap = e.flags, at = e.offset
            switch e.id {
            case CapabilityID.null: out += "Null\n"
            case CapabilityID.powerManagement: powerManagement(c, at: at, cap: cap, into: &out)
            case CapabilityID.agp: agp(c, at: at, cap: cap, into: &out)
            case CapabilityID.vpd: vitalProductData(d.platform.vpd, into: &out)
            case CapabilityID.slotID:
                let esr = cap & 0xff, chassis = cap >> 8
                out += "Slot ID: \(esr & 0x1f) slots, First\(fl(esr, 0x20)), chassis \(hex(chassis, 2))\n"
            case CapabilityID.msi: msi(c, at: at, cap: cap, into: &out)
            case CapabilityID.hotSwap: out += "CompactPCI hot-swap <?>\n"
            case CapabilityID.pciX: pciX(c, at: at, into: &out)
            case CapabilityID.hyperTransport: hyperTransport(c, at: at, cmd: cap, into: &out)
            case CapabilityID.vendor: vendorSpecific(c, at: at, cap: cap, into: &out)
            case CapabilityID.debugPort: out += "Debug port: BAR=\(cap >> 13) offset=\(hex(cap & 0x1fff, 4))\n"
            case CapabilityID.centralResource: out += "CompactPCI central resource control <?>\n"
            case CapabilityID.hotPlug: out += "Hot-plug capable\n"
            case CapabilityID.bridgeSubsystem:
                if c.has(at, 8) {
                    out += "Subsystem: " + names.subsystemName(vendor: vendorID, device: deviceID, subvendor: c.word(at + 4), subdevice: c.word(at + 6)) + "\n"
                }
            case CapabilityID.agp3: out += "AGP3 <?>\n"
            case CapabilityID.secure: out += "Secure device <?>\n"
            case CapabilityID.express: express(d, at: at, cap: cap, into: &out)
            case CapabilityID.msiX: msiX(c, at: at, cap: cap, into: &out)
            case CapabilityID.sata: sata(c, at: at, cap: cap, into: &out)
            case CapabilityID.advancedFeatures: advancedFeatures(c, at: at, into: &out)
            case CapabilityID.enhancedAllocation: enhancedAllocation(c, at: at, cap: cap, into: &out)
            default:
                out += "Capability ID \(Self.alternateHex(Int(e.id))) [\(hex(cap, 4))]\n"
            }
        }
        if let extended = d.capabilities.extended { extendedCapabilities(d, extended, into: &out) }
    }

    /// `%#02x`: 0 prints as "0", others as 0x and at least one digit.
    static func alternateHex(_ v: Int) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }

    func extendedCapabilities(_ d: DeviceDescription, _ list: [CapabilityChain.Entry], into out: inout String) {
        let c = d.config
        let type = d.capabilities.expressType
        for e in list {
            out += "\tCapabilities: [\(hex(e.offset, 3))"
            if verbose > 1 { out += " v\(e.flags)" }
            out += "] "
            if e.end == .looped { out += "<chain looped>\n"; break }
            let at = e.offset
            switch e.id {
            case ExtendedCapabilityID.null: out += "Null\n"
            case ExtendedCapabilityID.aer: advancedErrorReporting(c, at: at, type: type, into: &out)
            case ExtendedCapabilityID.dpc: downstreamPortContainment(c, at: at, into: &out)
            case ExtendedCapabilityID.vc, ExtendedCapabilityID.vc2: virtualChannel(c, at: at, into: &out)
            case ExtendedCapabilityID.dsn:
                // lspci prints nothing more (not even the newline) when the serial is unreadable.
                if let serial = PassthroughFeatures.serialNumber(c, at: at) { out += "Device Serial Number " + serial + "\n" }
            case ExtendedCapabilityID.powerBudgeting: out += "Power Budgeting <?>\n"
            case ExtendedCapabilityID.rcLink: rootComplexLink(c, at: at, into: &out)
            case ExtendedCapabilityID.rcInternalLink: out += "Root Complex Internal Link <?>\n"
            case ExtendedCapabilityID.rcec: rootComplexEventCollector(c, at: at, into: &out)
            case ExtendedCapabilityID.mfvc: out += "Multi-Function Virtual Channel <?>\n"
            case ExtendedCapabilityID.rcrb: out += "Root Complex Register Block <?>\n"
            case ExtendedCapabilityID.vendor:
                out += "Vendor Specific Information: "
                if c.has(at + 4, 4) {
                    let h = c.long(at + 4)
                    out += "ID=\(hex(h & 0xffff, 4)) Rev=\((h >> 16) & 0xf) Len=\(hex(h >> 20, 3)) <?>\n"
                } else {
                    out += "<unreadable>\n"
                }
            case ExtendedCapabilityID.acs: accessControlServices(c, at: at, into: &out)
            case ExtendedCapabilityID.ari: alternativeRoutingID(c, at: at, into: &out)
            case ExtendedCapabilityID.ats: addressTranslation(c, at: at, into: &out)
            case ExtendedCapabilityID.sriov: singleRootIOV(c, at: at, into: &out)
            case ExtendedCapabilityID.mriov: out += "Multi-Root I/O Virtualization <?>\n"
            case ExtendedCapabilityID.multicast: multicast(c, at: at, type: type, into: &out)
            case ExtendedCapabilityID.pri: pageRequest(c, at: at, into: &out)
            case ExtendedCapabilityID.resizableBAR: resizableBAR(c, at: at, virtual: false, into: &out)
            case ExtendedCapabilityID.dpa: out += "Dynamic Power Allocation <?>\n"
            case ExtendedCapabilityID.tph: processingHints(c, at: at, into: &out)
            case ExtendedCapabilityID.ltr: latencyTolerance(c, at: at, into: &out)
            case ExtendedCapabilityID.secondaryPCIe: secondaryExpress(c, at: at, into: &out)
            case ExtendedCapabilityID.pmux: out += "Protocol Multiplexing <?>\n"
            case ExtendedCapabilityID.pasid: processAddressSpaceID(c, at: at, into: &out)
            case ExtendedCapabilityID.lnr: out += "LN Requester <?>\n"
            case ExtendedCapabilityID.l1pm: l1Substates(c, at: at, into: &out)
            case ExtendedCapabilityID.ptm: precisionTime(c, at: at, into: &out)
            case ExtendedCapabilityID.mpcie: out += "PCI Express over M_PHY <?>\n"
            case ExtendedCapabilityID.frs: out += "FRS Queueing <?>\n"
            case ExtendedCapabilityID.rtr: out += "Readiness Time Reporting <?>\n"
            case ExtendedCapabilityID.dvsec: designatedVendor(c, at: at, into: &out)
            case ExtendedCapabilityID.vfResizableBAR: resizableBAR(c, at: at, virtual: true, into: &out)
            case ExtendedCapabilityID.dataLink: out += "Data Link Feature <?>\n"
            case ExtendedCapabilityID.gt16: out += "Physical Layer 16.0 GT/s <?>\n"
            case ExtendedCapabilityID.laneMargining: out += "Lane Margining at the Receiver <?>\n"
            case ExtendedCapabilityID.hierarchyID: out += "Hierarchy ID <?>\n"
            case ExtendedCapabilityID.npem: out += "Native PCIe Enclosure Management <?>\n"
            case ExtendedCapabilityID.doe: dataObjectExchange(c, at: at, into: &out)
            default: out += "Extended Capability ID \(Self.alternateHex(Int(e.id)))\n"
            }
        }
    }
}
