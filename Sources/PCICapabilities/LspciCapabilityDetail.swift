import PCIModel

/// The -vv detail of the standard capabilities (ls-caps.c, ls-caps-vendor.c, ls-vpd.c): the
/// lines under each capability's first line. Each reads only bytes the source gave, as lspci's
/// config_fetch does, and stops where they end.
extension LspciVerboseText {
    func powerManagement(_ c: ConfigSpace, at: Int, cap: UInt16, into out: inout String) {
        out += "Power Management version \(cap & 0x7)\n"
        guard verbose >= 2 else { return }
        let auxCurrent = [0, 55, 100, 160, 220, 270, 320, 375]
        out += "\t\tFlags: PMEClk\(fl(cap, 0x8)) DSI\(fl(cap, 0x20)) D1\(fl(cap, 0x200)) D2\(fl(cap, 0x400)) AuxCurrent=\(auxCurrent[Int(cap & 0x1c0) >> 6])mA PME(D0\(fl(cap, 0x800)),D1\(fl(cap, 0x1000)),D2\(fl(cap, 0x2000)),D3hot\(fl(cap, 0x4000)),D3cold\(fl(cap, 0x8000)))\n"
        guard c.has(at + 4, 4) else { return }
        let t = c.word(at + 4)
        out += "\t\tStatus: D\(t & 3) NoSoftRst\(fl(t, 0x8)) PME-Enable\(fl(t, 0x100)) DSel=\((t & 0x1e00) >> 9) DScale=\((t & 0x6000) >> 13) PME\(fl(t, 0x8000))\n"
        let b = c.byte(at + 6)
        if b != 0 { out += "\t\tBridge: PM\(fl(b, 0x80)) B3\(fl(~b, 0x40))\n" }
    }

    static func agpRate(_ rate: UInt32, agp3: Bool) -> String {
        var parts: [String] = []
        for i in 0...2 where rate & (1 << i) != 0 { parts.append("x\(1 << (i + (agp3 ? 2 : 0)))") }
        return parts.isEmpty ? "<none>" : parts.joined(separator: ",")
    }

    func agp(_ c: ConfigSpace, at: Int, cap: UInt16, into out: inout String) {
        let ver = (cap >> 4) & 0xf, rev = cap & 0xf
        out += "AGP version \(String(ver, radix: 16)).\(String(rev, radix: 16))\n"
        guard verbose >= 2, c.has(at + 4, 8) else { return }
        var t = c.long(at + 4)
        let agp3 = ver >= 3 && t & 0x8 != 0
        out += "\t\tStatus: RQ=\(((t & 0xff00_0000) >> 24) + 1) Iso\(fl(t, 0x10000)) ArqSz=\((t & 0xe000) >> 13) Cal=\((t & 0x1c00) >> 10) SBA\(fl(t, 0x200)) ITACoh\(fl(t, 0x100)) GART64\(fl(t, 0x80)) HTrans\(fl(t, 0x40)) 64bit\(fl(t, 0x20)) FW\(fl(t, 0x10)) AGP3\(fl(t, 0x8)) Rate=\(Self.agpRate(t & 7, agp3: agp3))\n"
        t = c.long(at + 8)
        out += "\t\tCommand: RQ=\(((t & 0xff00_0000) >> 24) + 1) ArqSz=\((t & 0xe000) >> 13) Cal=\((t & 0x1c00) >> 10) SBA\(fl(t, 0x200)) AGP\(fl(t, 0x100)) GART64\(fl(t, 0x80)) 64bit\(fl(t, 0x20)) FW\(fl(t, 0x10)) Rate=\(Self.agpRate(t & 7, agp3: agp3))\n"
    }

    func pciX(_ c: ConfigSpace, at: Int, into out: inout String) {
        let maxOutstanding = [1, 2, 3, 4, 8, 12, 16, 32]
        switch c.headerType {
        case HeaderType.normal:
            out += "PCI-X non-bridge device\n"
            guard verbose >= 2, c.has(at + 4, 4) else { return }
            let command = c.word(at + 2), status = c.long(at + 4)
            out += "\t\tCommand: DPERE\(fl(command, 0x1)) ERO\(fl(command, 0x2)) RBC=\(1 << (9 + Int((command & 0xc) >> 2))) OST=\(maxOutstanding[Int((command & 0x70) >> 4)])\n"
            out += "\t\tStatus: Dev=\(hex((status & 0xff00) >> 8, 2)):\(hex((status & 0xf8) >> 3, 2)).\(status & 7) 64bit\(fl(status, 0x10000)) 133MHz\(fl(status, 0x20000)) SCD\(fl(status, 0x40000)) USC\(fl(status, 0x80000)) DC=\(status & 0x100000 != 0 ? "bridge" : "simple") DMMRBC=\(1 << (9 + Int((status & 0x600000) >> 21))) DMOST=\(maxOutstanding[Int((status & 0x3800000) >> 23)]) DMCRS=\(1 << (3 + Int((status & 0x1c000000) >> 26))) RSCEM\(fl(status, 0x20000000)) 266MHz\(fl(status, 0x40000000)) 533MHz\(fl(status, 0x80000000))\n"
        case HeaderType.bridge:
            out += "PCI-X bridge device\n"
            guard verbose >= 2, c.has(at + 4, 12) else { return }
            let frequencies = ["conv", "66MHz", "100MHz", "133MHz", "?4", "?5", "?6", "?7"]
            let sec = c.word(at + 2)
            out += "\t\tSecondary Status: 64bit\(fl(sec, 0x1)) 133MHz\(fl(sec, 0x2)) SCD\(fl(sec, 0x4)) USC\(fl(sec, 0x8)) SCO\(fl(sec, 0x10)) SRD\(fl(sec, 0x20)) Freq=\(frequencies[Int((sec & 0x1c0) >> 6)])\n"
            let status = c.long(at + 4)
            out += "\t\tStatus: Dev=\(hex((status & 0xff00) >> 8, 2)):\(hex((status & 0xf8) >> 3, 2)).\(status & 7) 64bit\(fl(status, 0x10000)) 133MHz\(fl(status, 0x20000)) SCD\(fl(status, 0x40000)) USC\(fl(status, 0x80000)) SCO\(fl(status, 0x100000)) SRD\(fl(status, 0x200000))\n"
            let up = c.long(at + 8), down = c.long(at + 12)
            out += "\t\tUpstream: Capacity=\(up & 0xffff) CommitmentLimit=\((up >> 16) & 0xffff)\n"
            out += "\t\tDownstream: Capacity=\(down & 0xffff) CommitmentLimit=\((down >> 16) & 0xffff)\n"
        default:
            break
        }
    }

    // MARK: HyperTransport

    static let htWidths = ["8bit", "16bit", "[2]", "32bit", "2bit", "4bit", "[6]", "N/C"]
    static let htFrequencies = [
        "200MHz", "300MHz", "400MHz", "500MHz", "600MHz", "800MHz", "1.0GHz", "1.2GHz",
        "1.4GHz", "1.6GHz", "[a]", "[b]", "[c]", "[d]", "[e]", "Vend",
    ]

    static func htLinkControl(_ w: UInt16, rid: UInt8) -> String {
        var s = "CFlE\(fl(w, 0x2)) CST\(fl(w, 0x4)) CFE\(fl(w, 0x8)) <LkFail\(fl(w, 0x10)) Init\(fl(w, 0x20)) EOC\(fl(w, 0x40)) TXO\(fl(w, 0x80)) <CRCErr=\(String((w & 0xf00) >> 8, radix: 16))"
        if rid >= 0x22 { s += " IsocEn\(fl(w, 0x1000)) LSEn\(fl(w, 0x2000)) ExtCTL\(fl(w, 0x4000)) 64b\(fl(w, 0x8000))" }
        return s
    }

    static func htLinkConfig(_ w: UInt16, rid: UInt8) -> String {
        let mlwi = htWidths[Int(w & 7)], mlwo = htWidths[Int((w & 0x70) >> 4)]
        let lwi = htWidths[Int((w & 0x700) >> 8)], lwo = htWidths[Int((w & 0x7000) >> 12)]
        if rid < 0x22 { return "MLWI=\(mlwi) MLWO=\(mlwo) LWI=\(lwi) LWO=\(lwo)" }
        return "MLWI=\(mlwi) DwFcIn\(fl(w, 0x8)) MLWO=\(mlwo) DwFcOut\(fl(w, 0x80)) LWI=\(lwi) DwFcInEn\(fl(w, 0x800)) LWO=\(lwo) DwFcOutEn\(fl(w, 0x8000))"
    }

    static func htLinkError(_ b: UInt8) -> String { "<Prot\(fl(b, 0x10)) <Ovfl\(fl(b, 0x20)) <EOC\(fl(b, 0x40)) CTLTm\(fl(b, 0x80))" }

    static func htFrequencyCapability(_ w: UInt16) -> String {
        "200MHz\(fl(w, 0x1)) 300MHz\(fl(w, 0x2)) 400MHz\(fl(w, 0x4)) 500MHz\(fl(w, 0x8)) 600MHz\(fl(w, 0x10)) 800MHz\(fl(w, 0x20)) 1.0GHz\(fl(w, 0x40)) 1.2GHz\(fl(w, 0x80)) 1.4GHz\(fl(w, 0x100)) 1.6GHz\(fl(w, 0x200)) Vend\(fl(w, 0x8000))"
    }

    static func htErrorHandling(_ w: UInt16) -> String {
        "PFlE\(fl(w, 0x1)) OFlE\(fl(w, 0x2)) PFE\(fl(w, 0x4)) OFE\(fl(w, 0x8)) EOCFE\(fl(w, 0x10)) RFE\(fl(w, 0x20)) CRCFE\(fl(w, 0x40)) SERRFE\(fl(w, 0x80)) CF\(fl(w, 0x100)) RE\(fl(w, 0x200)) PNFE\(fl(w, 0x400)) ONFE\(fl(w, 0x800)) EOCNFE\(fl(w, 0x1000)) RNFE\(fl(w, 0x2000)) CRCNFE\(fl(w, 0x4000)) SERRNFE\(fl(w, 0x8000))"
    }

    static func htRevision(_ rid: some BinaryInteger) -> String {
        let minor = Int(rid) & 0x1f
        return "\((Int(rid) & 0xe0) >> 5).\(minor < 10 ? "0" : "")\(minor)"
    }

    /// The first line of a HyperTransport capability (its type in the command register).
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
        case 0x8800: return "HyperTransport: Revision ID: \(htRevision(cmd))"
        case 0x9000: return "HyperTransport: UnitID Clumping"
        case 0x9800: return "HyperTransport: Extended Configuration Space Access"
        case 0xa000: return "HyperTransport: Address Mapping"
        case 0xa800: return "HyperTransport: MSI Mapping Enable\(fl(cmd, 0x1)) Fixed\(fl(cmd, 0x2))"
        case 0xb000: return "HyperTransport: DirectRoute"
        case 0xb800: return "HyperTransport: VCSet"
        case 0xc000: return "HyperTransport: Retry Mode"
        case 0xc800: return "HyperTransport: X86 (reserved)"
        default: return "HyperTransport: #\(hex(type >> 11, 2))"
        }
    }

    /// A link's frequency, error and frequency-capability lines (`suffix`: " 0", " 1" or none).
    /// lspci reads the capability register as a byte, so 1.4GHz and up never show.
    static func htFrequencyLines(_ suffix: String, frequencyError: UInt8, capability: UInt8) -> String {
        "\t\tLink Frequency\(suffix): \(htFrequencies[Int(frequencyError & 0xf)])\n"
            + "\t\tLink Error\(suffix): \(htLinkError(frequencyError))\n"
            + "\t\tLink Frequency Capability\(suffix): \(htFrequencyCapability(UInt16(capability)))\n"
    }

    func hyperTransport(_ c: ConfigSpace, at: Int, cmd: UInt16, into out: inout String) {
        out += Self.hyperTransport(cmd) + "\n"
        switch cmd & 0xe000 {
        case 0x0000:
            guard verbose >= 2, c.has(at + 4, 28 - 4) else { return }
            let rid = c.byte(at + 12)
            if rid < 0x22 && rid > 0x11 { out += "\t\t!!! Possibly incomplete decoding\n" }
            out += "\t\tCommand: BaseUnitID=\(cmd & 0x1f) UnitCnt=\((cmd & 0x3e0) >> 5) MastHost\(fl(cmd, 0x400)) DefDir\(fl(cmd, 0x800))"
            if rid >= 0x22 { out += " DUL\(fl(cmd, 0x1000))" }
            out += "\n"
            out += "\t\tLink Control 0: " + Self.htLinkControl(c.word(at + 4), rid: rid) + "\n"
            out += "\t\tLink Config 0: " + Self.htLinkConfig(c.word(at + 6), rid: rid) + "\n"
            out += "\t\tLink Control 1: " + Self.htLinkControl(c.word(at + 8), rid: rid) + "\n"
            out += "\t\tLink Config 1: " + Self.htLinkConfig(c.word(at + 10), rid: rid) + "\n"
            out += "\t\tRevision ID: \(Self.htRevision(rid))\n"
            guard rid >= 0x22 else { return }
            out += Self.htFrequencyLines(" 0", frequencyError: c.byte(at + 13), capability: c.byte(at + 14))
            let ftr = c.byte(at + 16)
            out += "\t\tFeature Capability: IsocFC\(fl(ftr, 0x1)) LDTSTOP\(fl(ftr, 0x2)) CRCTM\(fl(ftr, 0x4)) ECTLT\(fl(ftr, 0x8)) 64bA\(fl(ftr, 0x10)) UIDRD\(fl(ftr, 0x20))\n"
            out += Self.htFrequencyLines(" 1", frequencyError: c.byte(at + 17), capability: c.byte(at + 18))
            out += "\t\tError Handling: \(Self.htErrorHandling(c.word(at + 22)))\n"
            out += "\t\tPrefetchable memory behind bridge Upper: \(hex(c.byte(at + 24), 2))-\(hex(c.byte(at + 25), 2))\n"
            out += "\t\tBus Number: \(hex(c.byte(at + 26), 2))\n"
        case 0x2000:
            guard verbose >= 2, c.has(at + 4, 24 - 4) else { return }
            let rid = c.byte(at + 8)
            if rid < 0x22 && rid > 0x11 { out += "\t\t!!! Possibly incomplete decoding\n" }
            out += "\t\tCommand: WarmRst\(fl(cmd, 0x1)) DblEnd\(fl(cmd, 0x2))"
            if rid >= 0x22 { out += " DevNum=\((cmd & 0x7c) >> 2) ChainSide\(fl(cmd, 0x80)) HostHide\(fl(cmd, 0x100)) Slave\(fl(cmd, 0x400)) <EOCErr\(fl(cmd, 0x800)) DUL\(fl(cmd, 0x1000))" }
            out += "\n"
            out += "\t\tLink Control: " + Self.htLinkControl(c.word(at + 4), rid: rid) + "\n"
            out += "\t\tLink Config: " + Self.htLinkConfig(c.word(at + 6), rid: rid) + "\n"
            out += "\t\tRevision ID: \(Self.htRevision(rid))\n"
            guard rid >= 0x22 else { return }
            out += Self.htFrequencyLines("", frequencyError: c.byte(at + 9), capability: c.byte(at + 10))
            let ftr = c.word(at + 12)
            out += "\t\tFeature Capability: IsocFC\(fl(ftr, 0x1)) LDTSTOP\(fl(ftr, 0x2)) CRCTM\(fl(ftr, 0x4)) ECTLT\(fl(ftr, 0x8)) 64bA\(fl(ftr, 0x10)) UIDRD\(fl(ftr, 0x20)) ExtRS\(fl(ftr, 0x100)) UCnfE\(fl(ftr, 0x200))\n"
            if ftr & 0x100 != 0 {
                out += "\t\tError Handling: \(Self.htErrorHandling(c.word(at + 18)))\n"
                out += "\t\tPrefetchable memory behind bridge Upper: \(hex(c.byte(at + 20), 2))-\(hex(c.byte(at + 21), 2))\n"
            }
        default:
            if cmd & 0xf800 == 0xa800 && verbose >= 2 && cmd & 0x2 == 0 && c.has(at + 4, 8) {
                let low = UInt64(c.long(at + 4)), high = UInt64(c.long(at + 8))
                out += "\t\tMapping Address Base: \(hex(high << 32 | (low & ~UInt64(0xfffff)), 16))\n"
            }
        }
    }

    // MARK: Interrupts

    func msi(_ c: ConfigSpace, at: Int, cap: UInt16, into out: inout String) {
        out += "MSI: Enable\(fl(cap, 0x1)) Count=\(1 << ((cap & 0x70) >> 4))/\(1 << ((cap & 0xe) >> 1)) Maskable\(fl(cap, 0x100)) 64bit\(fl(cap, 0x80))\n"
        guard verbose >= 2 else { return }
        let is64 = cap & 0x80 != 0
        guard c.has(at + 4, (is64 ? 12 : 8) + 2 - 4) else { return }
        out += "\t\tAddress: "
        let data: UInt16
        if is64 {
            out += hex(c.long(at + 8), 8)
            data = c.word(at + 12)
        } else {
            data = c.word(at + 8)
        }
        out += hex(c.long(at + 4), 8) + "  Data: " + hex(data, 4) + "\n"
        if cap & 0x100 != 0 {
            let maskAt = is64 ? at + 16 : at + 12
            guard c.has(maskAt, 8) else { return }
            out += "\t\tMasking: \(hex(c.long(maskAt), 8))  Pending: \(hex(c.long(maskAt + 4), 8))\n"
        }
    }

    func msiX(_ c: ConfigSpace, at: Int, cap: UInt16, into out: inout String) {
        out += "MSI-X: Enable\(fl(cap, 0x8000)) Count=\((cap & 0x7ff) + 1) Masked\(fl(cap, 0x4000))\n"
        guard verbose >= 2, c.has(at + 4, 8) else { return }
        let table = c.long(at + 4), pba = c.long(at + 8)
        out += "\t\tVector table: BAR=\(table & 7) offset=\(hex(table & ~7, 8))\n"
        out += "\t\tPBA: BAR=\(pba & 7) offset=\(hex(pba & ~7, 8))\n"
    }

    // MARK: Small ones

    func advancedFeatures(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "PCI Advanced Features\n"
        guard verbose >= 2, c.has(at + 3, 3) else { return }
        let cap = c.byte(at + 3), ctrl = c.byte(at + 4), status = c.byte(at + 5)
        out += "\t\tAFCap: TP\(fl(cap, 0x1)) FLR\(fl(cap, 0x2))\n"
        out += "\t\tAFCtrl: FLR\(fl(ctrl, 0x1))\n"
        out += "\t\tAFStatus: TP\(fl(status, 0x1))\n"
    }

    func sata(_ c: ConfigSpace, at: Int, cap: UInt16, into out: inout String) {
        out += "SATA HBA v\(bits(cap, 4, 4)).\(bits(cap, 0, 4))"
        guard verbose >= 2, c.has(at + 4, 4) else { out += "\n"; return }
        let bars = c.long(at + 4)
        let bar = bits(bars, 0, 4)
        if bar >= 4 && bar <= 9 {
            out += " BAR\(bar - 4) Offset=\(hex(bits(bars, 4, 20), 8))\n"
        } else if bar == 15 {
            out += " InCfgSpace\n"
        } else {
            out += " BAR??\(bar)\n"
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

    func vendorSpecific(_ c: ConfigSpace, at: Int, cap: UInt16, into out: inout String) {
        out += "Vendor Specific Information: "
        guard let name = Self.virtio(c, at: at, cap: cap, vendorID: c.vendorID, deviceID: c.deviceID) else {
            out += "Len=\(hex(cap & 0xff, 2)) <?>\n"
            return
        }
        out += "VirtIO: \(name)\n"
        guard verbose >= 2 else { return }
        out += "\t\tBAR=\(c.byte(at + 4)) offset=\(hex(c.long(at + 8), 8)) size=\(hex(c.long(at + 12), 8))"
        if (cap >> 8) & 0xff == 2 && cap & 0xff >= 20 { out += " multiplier=\(hex(c.long(at + 16), 8))" }
        out += "\n"
    }

    static func eaProperty(_ p: Int, secondary: Bool) -> String? {
        switch p {
        case 0x00: return "memory space, non-prefetchable"
        case 0x01: return "memory space, prefetchable"
        case 0x02: return "I/O space"
        case 0x03: return "VF memory space, prefetchable"
        case 0x04: return "VF memory space, non-prefetchable"
        case 0x05: return "allocation behind bridge, non-prefetchable memory"
        case 0x06: return "allocation behind bridge, prefetchable memory"
        case 0x07: return "allocation behind bridge, I/O space"
        case 0xfd: return "memory space resource unavailable for use"
        case 0xfe: return "I/O space resource unavailable for use"
        case 0xff: return secondary ? "entry unavailable for use, PrimaryProperties should be used" : "entry unavailable for use"
        default: return nil
        }
    }

    func enhancedAllocation(_ c: ConfigSpace, at: Int, cap: UInt16, into out: inout String) {
        let entries = bits(cap, 0, 6)
        var base = at + 4
        out += "Enhanced Allocation (EA): NumEntries=\(entries)"
        if c.headerType == HeaderType.bridge {
            base += 4
            guard c.has(at + 4, 2) else { out += "\n"; return }
            out += ", secondary=\(c.byte(at + 4)), subordinate=\(c.byte(at + 5))"
        }
        out += "\n"
        guard verbose >= 2 else { return }
        for entry in 0..<entries {
            guard c.has(base, 4) else { return }
            let header = c.long(base)
            let size = bits(header, 0, 3), bei = bits(header, 4, 4), pp = bits(header, 8, 8), sp = bits(header, 16, 8)
            guard c.has(base + 4, size * 4) else { return }
            out += "\t\tEntry \(entry): Enable\(fl(header, 0x8000_0000)) Writable\(fl(header, 0x4000_0000)) EntrySize=\(size)\n"
            out += "\t\t\t BAR Equivalent Indicator: "
            switch bei {
            case 0...5: out += "BAR \(bei)"
            case 6: out += "resource behind function"
            case 7: out += "not indicated"
            case 8: out += "expansion ROM"
            case 9...14: out += "VF-BAR \(bei - 9)"
            default: out += "reserved"
            }
            out += "\n"
            out += "\t\t\t PrimaryProperties: " + (Self.eaProperty(pp, secondary: false) ?? "[\(hex(pp, 2))]") + "\n"
            out += "\t\t\t SecondaryProperties: " + (Self.eaProperty(sp, secondary: true) ?? "[\(hex(sp, 2))]") + "\n"
            var start = c.long(base + 4)
            let startHigh = start & 2 != 0
            start &= ~3
            var maxOffset = c.long(base + 8)
            let maxOffsetHigh = maxOffset & 2 != 0
            maxOffset |= 3
            var maxOffsetHighAt = base + 12
            out += "\t\t\t Base: "
            if startHigh {
                out += String(c.long(base + 12), radix: 16)
                maxOffsetHighAt += 4
            }
            out += hex(start, 8) + "\n"
            out += "\t\t\t MaxOffset: "
            if maxOffsetHigh { out += String(c.long(maxOffsetHighAt), radix: 16) }
            out += hex(maxOffset, 8) + "\n"
            base += 4 + 4 * size
        }
    }

    // MARK: Vital Product Data

    struct VPDItem { let id1: UInt8, id2: UInt8, format: Int, name: String }
    static let vpdItems: [VPDItem] = {
        let binary = 0, text = 1, reserved = 2, readWrite = 3
        func a(_ s: String) -> UInt8 { s.utf8.first ?? 0 }
        return [
            VPDItem(id1: a("C"), id2: a("P"), format: binary, name: "Extended capability"),
            VPDItem(id1: a("E"), id2: a("C"), format: text, name: "Engineering changes"),
            VPDItem(id1: a("M"), id2: a("N"), format: text, name: "Manufacture ID"),
            VPDItem(id1: a("P"), id2: a("N"), format: text, name: "Part number"),
            VPDItem(id1: a("R"), id2: a("V"), format: reserved, name: "Reserved"),
            VPDItem(id1: a("R"), id2: a("W"), format: readWrite, name: "Read-write area"),
            VPDItem(id1: a("S"), id2: a("N"), format: text, name: "Serial number"),
            VPDItem(id1: a("Y"), id2: a("A"), format: text, name: "Asset tag"),
            VPDItem(id1: a("V"), id2: 0, format: text, name: "Vendor specific"),
            VPDItem(id1: a("Y"), id2: 0, format: text, name: "System specific"),
            VPDItem(id1: a("C"), id2: a("C"), format: text, name: "CCIN"),
            VPDItem(id1: a("F"), id2: a("C"), format: text, name: "Feature code"),
            VPDItem(id1: a("F"), id2: a("N"), format: text, name: "FRU"),
            VPDItem(id1: a("N"), id2: a("A"), format: text, name: "Network address"),
            VPDItem(id1: a("R"), id2: a("M"), format: text, name: "Firmware version"),
            VPDItem(id1: a("Z"), id2: 0, format: text, name: "Product specific"),
            VPDItem(id1: 0, id2: 0, format: binary, name: "Unknown"),
        ]
    }()

    static func vpdString(_ bytes: ArraySlice<UInt8>) -> String {
        var s = ""
        var left = bytes.count
        for ch in bytes {
            left -= 1
            if ch == UInt8(ascii: "\\") {
                s += "\\\\"
            } else if ch == 0 && left == 0 {
            }  // cards with null-terminated strings
            else if ch < 32 || ch == 127 {
                s += "\\x" + hex(ch, 2)
            } else {
                s.unicodeScalars.append(Unicode.Scalar(ch))
            }
        }
        return s
    }

    /// ls-vpd.c's cap_vpd over the bytes the `vpd` file gave (nil: a source without VPD access,
    /// such as a dump, which lspci reports as "Not readable").
    func vitalProductData(_ vpd: [UInt8]?, into out: inout String) {
        out += "Vital Product Data\n"
        guard verbose >= 2 else { return }
        let data = vpd ?? []
        let addressMask = 0x7fff
        var checksum: UInt8 = 0
        func read(_ pos: Int, _ len: Int) -> ArraySlice<UInt8>? {
            guard pos >= 0, len >= 0, pos + len <= data.count else { return nil }
            let slice = data[pos..<(pos + len)]
            for b in slice { checksum &+= b }
            return slice
        }
        var resAddress = 0
        while resAddress <= addressMask {
            guard let tagByte = read(resAddress, 1)?.first else { break }
            var tag = Int(tagByte)
            let resLength: Int
            if tag & 0x80 != 0 {
                if resAddress > addressMask + 1 - 3 { break }
                guard let b = read(resAddress + 1, 2) else { break }
                resLength = Int(b[b.startIndex]) + Int(b[b.startIndex + 1]) << 8
                resAddress += 3
            } else {
                resLength = tag & 7
                tag >>= 3
                resAddress += 1
            }
            if resLength > addressMask + 1 - resAddress { break }
            var partPos = 0
            switch tag {
            case 0x0f:
                out += "\t\tEnd\n"
                return
            case 0x82:
                out += "\t\tProduct Name: "
                while partPos < resLength {
                    let partLength = min(resLength - partPos, 256)
                    guard let b = read(resAddress + partPos, partLength) else { break }
                    out += Self.vpdString(b)
                    partPos += partLength
                }
                out += "\n"
            case 0x90, 0x91:
                out += "\t\t\(tag == 0x90 ? "Read-only" : "Read/write") fields:\n"
                while partPos + 3 <= resLength {
                    guard let b = read(resAddress + partPos, 3) else { break }
                    partPos += 3
                    let id1 = b[b.startIndex], id2 = b[b.startIndex + 1]
                    let partLength = Int(b[b.startIndex + 2])
                    if partLength > resLength - partPos { break }
                    let item = Self.vpdItems.first { ($0.id1 == 0 || $0.id1 == id1) && ($0.id2 == 0 || $0.id2 == id2) }!
                    // Only the RV field's first byte counts towards the checksum.
                    let readLength = item.format == 2 ? 1 : partLength
                    guard let value = read(resAddress + partPos, readLength) else { break }
                    out += "\t\t\t[" + Self.vpdString([id1, id2][...]) + "] \(item.name): "
                    switch item.format {
                    case 1: out += Self.vpdString(value) + "\n"
                    case 0: out += value.map { hex($0, 2) }.joined(separator: " ") + "\n"
                    case 2: out += "checksum \(checksum != 0 ? "bad" : "good"), \(partLength - 1) byte(s) reserved\n"
                    default: out += "\(partLength) byte(s) free\n"
                    }
                    partPos += partLength
                }
            default:
                out += "\t\tUnknown \(tag & 0x80 != 0 ? "large" : "small") resource type \(hex(tag & ~0x80, 2)), will not decode more.\n"
                return
            }
            resAddress += resLength
        }
        out += resAddress == 0 ? "\t\tNot readable\n" : "\t\tNo end tag found\n"
    }
}
