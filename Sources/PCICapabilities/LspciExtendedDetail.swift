import PCIModel

/// The -vv detail of the extended capabilities (ls-ecaps.c): the lines under each first line.
/// Where lspci's C has a quirk that shows in its output (a missing newline, a flag tested with
/// the wrong mask, a shift past 31 bits), the quirk is kept and said: the installed lspci is the
/// reference users compare against.
extension LspciVerboseText {
    func advancedErrorReporting(_ c: ConfigSpace, at: Int, type: Int, into out: inout String) {
        out += "Advanced Error Reporting\n"
        guard verbose >= 2, c.has(at + 4, 40) else { return }
        func uncorrectable(_ l: UInt32) -> String {
            "DLP\(fl(l, 0x10)) SDES\(fl(l, 0x20)) TLP\(fl(l, 0x1000)) FCP\(fl(l, 0x2000)) CmpltTO\(fl(l, 0x4000)) CmpltAbrt\(fl(l, 0x8000)) UnxCmplt\(fl(l, 0x10000)) RxOF\(fl(l, 0x20000)) MalfTLP\(fl(l, 0x40000)) ECRC\(fl(l, 0x80000)) UnsupReq\(fl(l, 0x100000)) ACSViol\(fl(l, 0x200000))"
        }
        func correctable(_ l: UInt32) -> String {
            "RxErr\(fl(l, 0x1)) BadTLP\(fl(l, 0x40)) BadDLLP\(fl(l, 0x80)) Rollover\(fl(l, 0x100)) Timeout\(fl(l, 0x1000)) AdvNonFatalErr\(fl(l, 0x2000))"
        }
        out += "\t\tUESta:\t\(uncorrectable(c.long(at + 4)))\n"
        out += "\t\tUEMsk:\t\(uncorrectable(c.long(at + 8)))\n"
        out += "\t\tUESvrt:\t\(uncorrectable(c.long(at + 12)))\n"
        out += "\t\tCESta:\t\(correctable(c.long(at + 16)))\n"
        out += "\t\tCEMsk:\t\(correctable(c.long(at + 20)))\n"
        var l = c.long(at + 24)
        out += "\t\tAERCap:\tFirst Error Pointer: \(hex(l & 31, 2)), ECRCGenCap\(fl(l, 0x20)) ECRCGenEn\(fl(l, 0x40)) ECRCChkCap\(fl(l, 0x80)) ECRCChkEn\(fl(l, 0x100))\n"
        out += "\t\t\tMultHdrRecCap\(fl(l, 0x200)) MultHdrRecEn\(fl(l, 0x400)) TLPPfxPres\(fl(l, 0x800)) HdrLogCap\(fl(l, 0x1000))\n"
        out += "\t\tHeaderLog: \(hex(c.long(at + 28), 8)) \(hex(c.long(at + 32), 8)) \(hex(c.long(at + 36), 8)) \(hex(c.long(at + 40), 8))\n"
        guard type == PortType.rootPort || type == PortType.rootEventCollector, c.has(at + 44, 12) else { return }
        l = c.long(at + 44)
        out += "\t\tRootCmd: CERptEn\(fl(l, 0x1)) NFERptEn\(fl(l, 0x2)) FERptEn\(fl(l, 0x4))\n"
        l = c.long(at + 48)
        out += "\t\tRootSta: CERcvd\(fl(l, 0x1)) MultCERcvd\(fl(l, 0x2)) UERcvd\(fl(l, 0x4)) MultUERcvd\(fl(l, 0x8))\n"
        out += "\t\t\t FirstFatal\(fl(l, 0x10)) NonFatalMsg\(fl(l, 0x20)) FatalMsg\(fl(l, 0x40)) IntMsg \((l >> 27) & 0x1f)\n"
        out += "\t\tErrorSrc: ERR_COR: \(hex(c.word(at + 52), 4)) ERR_FATAL/NONFATAL: \(hex(c.word(at + 54), 4))\n"
    }

    func downstreamPortContainment(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Downstream Port Containment\n"
        guard verbose >= 2, c.has(at + 4, 8) else { return }
        var l = c.word(at + 4)
        out += "\t\tDpcCap:\tINT Msg #\(l & 0x1f), RPExt\(fl(l, 0x20)) PoisonedTLP\(fl(l, 0x40)) SwTrigger\(fl(l, 0x80)) RP PIO Log \((l >> 8) & 0xf), DL_ActiveErr\(fl(l, 0x1000))\n"
        l = c.word(at + 6)
        out += "\t\tDpcCtl:\tTrigger:\(String(l & 3, radix: 16)) Cmpl\(fl(l, 0x4)) INT\(fl(l, 0x8)) ErrCor\(fl(l, 0x10)) PoisonedTLP\(fl(l, 0x20)) SwTrigger\(fl(l, 0x40)) DL_ActiveErr\(fl(l, 0x80))\n"
        l = c.word(at + 8)
        out += "\t\tDpcSta:\tTrigger\(fl(l, 0x1)) Reason:\(hex((l >> 1) & 3, 2)) INT\(fl(l, 0x8)) RPBusy\(fl(l, 0x10)) TriggerExt:\(hex((l >> 5) & 3, 2)) RP PIO ErrPtr:\(hex((l >> 8) & 0x1f, 2))\n"
        out += "\t\tSource:\t\(hex(c.word(at + 10), 4))\n"
    }

    func virtualChannel(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Virtual Channel\n"
        guard verbose >= 2, c.has(at + 4, 0x1c - 4) else { return }
        let arbitration = ["Fixed", "WRR32", "WRR64", "WRR128", "??4", "??5", "??6", "??7"]
        let vcArbitration = ["Fixed", "WRR32", "WRR64", "WRR128", "TWRR128", "WRR256", "??6", "??7"]
        let cr1 = c.long(at + 4), cr2 = c.long(at + 8), ctrl = c.word(at + 12), status = c.word(at + 14)
        let extendedCount = bits(cr1, 0, 3)
        out += "\t\tCaps:\tLPEVC=\(bits(cr1, 4, 3)) RefClk=\(table(["100ns"], bits(cr1, 8, 2))) PATEntryBits=\(1 << bits(cr1, 10, 2))\n"
        out += "\t\tArb:"
        for i in 0..<8 where !arbitration[i].hasPrefix("?") || cr2 & (1 << i) != 0 {
            out += (i != 0 ? " " : "\t") + arbitration[i] + String(fl(cr2, 1 << i))
        }
        out += "\n\t\tCtrl:\tArbSelect=\(table(arbitration, bits(ctrl, 1, 3)))\n"
        out += "\t\tStatus:\tInProgress\(fl(status, 1))\n"
        let tablePosition = bits(cr2, 24, 8)
        if tablePosition != 0 { out += "\t\tPort Arbitration Table [\(String(at + 16 * tablePosition, radix: 16))] <?>\n" }
        for i in 0...extendedCount {
            let pos = at + 16 + 12 * i
            out += "\t\tVC\(i):\t"
            guard c.has(pos, 12) else { out += "<unreadable>\n"; continue }
            let rcap = c.long(pos), rctrl = c.long(pos + 4), rstatus = c.word(pos + 10)
            let patOffset = bits(rcap, 24, 8)
            out += "Caps:\tPATOffset=\(hex(patOffset, 2)) MaxTimeSlots=\(bits(rcap, 16, 7) + 1) RejSnoopTrans\(fl(rcap, 1 << 15))\n"
            out += "\t\t\tArb:"
            for j in 0..<8 where !vcArbitration[j].hasPrefix("?") || rcap & (1 << j) != 0 {
                out += (j != 0 ? " " : "\t") + vcArbitration[j] + String(fl(rcap, 1 << j))
            }
            out += "\n\t\t\tCtrl:\tEnable\(fl(rctrl, UInt32(1) << 31)) ID=\(bits(rctrl, 24, 3)) ArbSelect=\(table(vcArbitration, bits(rctrl, 17, 3))) TC/VC=\(hex(bits(rctrl, 0, 8), 2))\n"
            out += "\t\t\tStatus:\tNegoPending\(fl(rstatus, 2)) InProgress\(fl(rstatus, 1))\n"
            if patOffset != 0 { out += "\t\t\tPort Arbitration Table <?>\n" }
        }
    }

    func rootComplexLink(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Root Complex Link\n"
        guard verbose >= 2, c.has(at + 4, 16 - 4) else { return }
        let esd = c.long(at + 4)
        let links = bits(esd, 8, 8)
        out += "\t\tDesc:\tPortNumber=\(hex(bits(esd, 24, 8), 2)) ComponentID=\(hex(bits(esd, 16, 8), 2)) EltType=\(table(["Config", "Egress", "Internal"], bits(esd, 0, 8)))\n"
        for i in 0..<links {
            let pos = at + 16 + i * 16
            out += "\t\tLink\(i):\t"
            guard c.has(pos, 16) else { out += "<unreadable>\n"; return }
            let desc = c.long(pos), low = c.long(pos + 8), high = c.long(pos + 12)
            out += "Desc:\tTargetPort=\(hex(bits(desc, 24, 8), 2)) TargetComponent=\(hex(bits(desc, 16, 8), 2)) AssocRCRB\(fl(desc, 4)) LinkType=\(desc & 2 != 0 ? "Config" : "MemMapped") LinkValid\(fl(desc, 1))\n"
            if desc & 2 != 0 {
                var n = Int(low & 7)
                if n == 0 { n = 8 }
                out += "\t\t\tAddr:\t\(hex(bits(low, 20, n), 2)):\(hex(bits(low, 15, 5), 2)).\(bits(low, 12, 3))  CfgSpace=\(hex(high, 8))\(hex(low, 8))\n"
            } else {
                out += "\t\t\tAddr:\t\(hex(high, 8))\(hex(low, 8))\n"
            }
        }
    }

    func rootComplexEventCollector(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Root Complex Event Collector Endpoint Association\n"
        guard verbose >= 2, c.has(at, 12) else { return }
        let version = (c.long(at) >> 16) & 0xf
        let bitmap = c.long(at + 4)
        out += "\t\tRCiEPBitmap: "
        if bitmap != 0 {
            out += "RCiEP at Device(s):"
            var matchedBefore = false, run = 0, previous = 0
            for dev in 0..<32 {
                if bits(bitmap, dev, 1) != 0 {
                    if run == 0 { out += "\(matchedBefore ? "," : "") \(dev)" }
                    run += 1
                    previous = dev
                    matchedBefore = true
                } else {
                    if run > 1 { out += "-\(previous)" }
                    run = 0
                }
            }
            // A run that reaches device 31 is never closed with its end (as lspci prints it).
        } else {
            out += verbose > 2 ? "00000000 [none]" : "[none]"
        }
        out += "\n"
        guard version >= 2 else { return }
        let busNumbers = c.long(at + 8)
        let last = bits(busNumbers, 16, 8), next = bits(busNumbers, 8, 8)
        if last == 0 && next == 0xff {
            out += "\t\tAssociatedBusNumbers: \(verbose > 2 ? "ff-00 [none]" : "[none]")\n"
        } else {
            out += "\t\tAssociatedBusNumbers: \(hex(next, 2))-\(hex(last, 2))\n"
        }
    }

    func accessControlServices(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Access Control Services\n"
        guard verbose >= 2, c.has(at + 4, 4) else { return }
        func acs(_ w: UInt16) -> String {
            "SrcValid\(fl(w, 0x1)) TransBlk\(fl(w, 0x2)) ReqRedir\(fl(w, 0x4)) CmpltRedir\(fl(w, 0x8)) UpstreamFwd\(fl(w, 0x10)) EgressCtrl\(fl(w, 0x20)) DirectTrans\(fl(w, 0x40))"
        }
        out += "\t\tACSCap:\t\(acs(c.word(at + 4)))\n"
        out += "\t\tACSCtl:\t\(acs(c.word(at + 6)))\n"
    }

    func alternativeRoutingID(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Alternative Routing-ID Interpretation (ARI)\n"
        guard verbose >= 2, c.has(at + 4, 4) else { return }
        var w = c.word(at + 4)
        out += "\t\tARICap:\tMFVC\(fl(w, 0x1)) ACS\(fl(w, 0x2)), Next Function: \((w >> 8) & 0xff)\n"
        w = c.word(at + 6)
        out += "\t\tARICtl:\tMFVC\(fl(w, 0x1)) ACS\(fl(w, 0x2)), Function Group: \((w >> 4) & 7)\n"
    }

    func addressTranslation(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Address Translation Service (ATS)\n"
        guard verbose >= 2, c.has(at + 4, 4) else { return }
        var w = c.word(at + 4)
        out += "\t\tATSCap:\tInvalidate Queue Depth: \(hex(w & 0x1f, 2))\n"
        w = c.word(at + 6)
        out += "\t\tATSCtl:\tEnable\(fl(w, 0x8000)), Smallest Translation Unit: \(hex(w & 0x1f, 2))\n"
    }

    func pageRequest(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Page Request Interface (PRI)\n"
        guard verbose >= 2, c.has(at + 4, 0xc) else { return }
        var w = c.word(at + 4)
        out += "\t\tPRICtl: Enable\(fl(w, 0x1)) Reset\(fl(w, 0x2))\n"
        w = c.word(at + 6)
        out += "\t\tPRISta: RF\(fl(w, 0x1)) UPRGI\(fl(w, 0x2)) Stopped\(fl(w, 0x100))\n"
        out += "\t\tPage Request Capacity: \(hex(c.long(at + 8), 8)), Page Request Allocation: \(hex(c.long(at + 12), 8))\n"
    }

    func processAddressSpaceID(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Process Address Space ID (PASID)\n"
        guard verbose >= 2, c.has(at + 4, 4) else { return }
        var w = c.word(at + 4)
        out += "\t\tPASIDCap: Exec\(fl(w, 0x2)) Priv\(fl(w, 0x4)), Max PASID Width: \(hex((w >> 8) & 0x1f, 2))\n"
        w = c.word(at + 6)
        out += "\t\tPASIDCtl: Enable\(fl(w, 0x1)) Exec\(fl(w, 0x2)) Priv\(fl(w, 0x4))\n"
    }

    func singleRootIOV(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Single Root I/O Virtualization (SR-IOV)\n"
        guard verbose >= 2, c.has(at + 4, 0x3c) else { return }
        var l = c.long(at + 4)
        out += "\t\tIOVCap:\tMigration\(fl(l, 0x1)) 10BitTagReq\(fl(l, 0x4)) Interrupt Message Number: \(hex(l >> 21, 3))\n"
        var w = c.word(at + 8)
        out += "\t\tIOVCtl:\tEnable\(fl(w, 0x1)) Migration\(fl(w, 0x2)) Interrupt\(fl(w, 0x4)) MSE\(fl(w, 0x8)) ARIHierarchy\(fl(w, 0x10)) 10BitTagReq\(fl(w, 0x20))\n"
        w = c.word(at + 0xa)
        out += "\t\tIOVSta:\tMigration\(fl(w, 0x1))\n"
        out += "\t\tInitial VFs: \(c.word(at + 0xc)), Total VFs: \(c.word(at + 0xe)), Number of VFs: \(c.word(at + 0x10)), Function Dependency Link: \(hex(c.byte(at + 0x12), 2))\n"
        out += "\t\tVF offset: \(c.word(at + 0x14)), stride: \(c.word(at + 0x16)), Device ID: \(hex(c.word(at + 0x1a), 4))\n"
        out += "\t\tSupported Page Size: \(hex(c.long(at + 0x1c), 8)), System Page Size: \(hex(c.long(at + 0x20), 8))\n"
        var i = 0
        while i < 6 {
            l = c.long(at + 0x24 + 4 * i)
            if l == 0xffff_ffff { l = 0 }
            if l != 0 {
                out += "\t\tRegion \(i): Memory at "
                let type = l & 0x6
                if type == 0x4 {
                    i += 1
                    out += hex(c.long(at + 0x24 + 4 * i), 8)
                }
                out += "\(hex(l & ~0xf, 8)) (\(type == 0 ? "32" : "64")-bit, \(l & 0x8 != 0 ? "" : "non-")prefetchable)\n"
            }
            i += 1
        }
        l = c.long(at + 0x3c)
        out += "\t\tVF Migration: offset: \(hex(l & 0xffff_fff8, 8)), BIR: \(String(l & 7, radix: 16))\n"
    }

    func multicast(_ c: ConfigSpace, at: Int, type: Int, into out: inout String) {
        out += "Multicast\n"
        guard verbose >= 2, c.has(at + 4, 0x30) else { return }
        var w = c.word(at + 4)
        let endpoint = type == PortType.endpoint || type == PortType.rootIntegratedEndpoint
        out += "\t\tMcastCap: MaxGroups \((w & 0x3f) + 1)"
        if endpoint {
            let size = Int((w >> 8) & 0x3f)
            out += ", WindowSz \(size) (\(Int32(truncatingIfNeeded: 1 << (size & 31))) bytes)"
        }
        // lspci ends this line only for switch and root ports: an endpoint's runs into the next.
        if type == PortType.rootPort || type == PortType.upstream || type == PortType.downstream { out += ", ECRCRegen\(fl(w, 0x8000))\n" }
        w = c.word(at + 6)
        out += "\t\tMcastCtl: NumGroups \((w & 0x3f) + 1), Enable\(fl(w, 0x8000))\n"
        func quad(_ o: Int) -> UInt64 { UInt64(c.long(at + o)) | UInt64(c.long(at + o + 4)) << 32 }
        let bar = quad(8)
        out += "\t\tMcastBAR: IndexPos \(bar & 0x3f), BaseAddr \(hex(bar & ~0xfff, 16))\n"
        out += "\t\tMcastReceiveVec:      \(hex(quad(0x10), 16))\n"
        out += "\t\tMcastBlockAllVec:     \(hex(quad(0x18), 16))\n"
        out += "\t\tMcastBlockUntransVec: \(hex(quad(0x20), 16))\n"
        if endpoint { return }
        let overlay = quad(0x28)
        let size = Int(overlay & 0x3f)
        out += "\t\tMcastOverlayBAR: OverlaySize \(size) "
        out += size >= 6 ? "(\(Int32(truncatingIfNeeded: 1 << (size & 31))) bytes)" : "(disabled)"
        out += ", BaseAddr \(hex(overlay & ~0x3f, 16))\n"
    }

    func processingHints(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Transaction Processing Hints\n"
        guard verbose >= 2, c.has(at + 4, 4) else { return }
        let t = c.long(at + 4)
        if t & 0x2 != 0 { out += "\t\tInterrupt vector mode supported\n" }
        if t & 0x4 != 0 { out += "\t\tDevice specific mode supported\n" }
        if t & 0x100 != 0 { out += "\t\tExtended requester support\n" }
        switch t & 0x600 {
        case 0x000: out += "\t\tNo steering table available\n"
        case 0x200: out += "\t\tSteering table in TPH capability structure\n"
        case 0x400: out += "\t\tSteering table in MSI-X table\n"
        default: out += "\t\tReserved steering table location\n"
        }
    }

    /// lspci's cap_ltr_scale: 32^scale in 32 bits, the shift count taken modulo 32 as x86 does
    /// (scales 7 and up are reserved, and lspci prints what its machine computes).
    static func ltrScale(_ scale: Int) -> UInt64 { UInt64(UInt32(truncatingIfNeeded: 1 << ((scale * 5) & 31))) }

    func latencyTolerance(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Latency Tolerance Reporting\n"
        guard verbose >= 2, c.has(at + 4, 4) else { return }
        let snoop = c.word(at + 4), noSnoop = c.word(at + 6)
        out += "\t\tMax snoop latency: \(UInt64(snoop & 0x3ff) &* Self.ltrScale(Int(snoop >> 10) & 7))ns\n"
        out += "\t\tMax no snoop latency: \(UInt64(noSnoop & 0x3ff) &* Self.ltrScale(Int(noSnoop >> 10) & 7))ns\n"
    }

    func secondaryExpress(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Secondary PCI Express\n"
        guard verbose >= 2, c.has(at + 4, 12) else { return }
        let ctrl3 = c.word(at + 4)
        out += "\t\tLnkCtl3: LnkEquIntrruptEn\(fl(ctrl3, 0x2)) PerformEqu\(fl(ctrl3, 0x1))\n"
        var laneErrors = c.word(at + 8)
        out += "\t\tLaneErrStat: "
        if laneErrors != 0 {
            out += "LaneErr at lane:"
            var lane = 0
            while laneErrors != 0 {
                if laneErrors & 1 != 0 { out += " \(lane)" }
                laneErrors >>= 1
                lane += 1
            }
        } else {
            out += "0"
        }
        out += "\n"
    }

    static func l1PowerOn(_ scale: Int, _ value: Int) -> String {
        switch scale {
        case 0: return "\(2 * value)us"
        case 1: return "\(10 * value)us"
        case 2: return "\(100 * value)us"
        default: return "<error>"
        }
    }

    func l1Substates(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "L1 PM Substates\n"
        guard verbose >= 2 else { return }
        guard c.has(at + 4, 12) else { out += "\t\t<unreadable>\n"; return }
        let cap = c.long(at + 4)
        out += "\t\tL1SubCap: PCI-PM_L1.2\(fl(cap, 0x1)) PCI-PM_L1.1\(fl(cap, 0x2)) ASPM_L1.2\(fl(cap, 0x4)) ASPM_L1.1\(fl(cap, 0x8)) L1_PM_Substates\(fl(cap, 0x10))\n"
        let l12 = cap & 0x1 != 0 || cap & 0x4 != 0
        if l12 {
            out += "\t\t\t  PortCommonModeRestoreTime=\(bits(cap, 8, 8))us PortTPowerOnTime=\(Self.l1PowerOn(bits(cap, 16, 2), bits(cap, 19, 5)))\n"
        }
        var val = c.long(at + 8)
        out += "\t\tL1SubCtl1: PCI-PM_L1.2\(fl(val, 0x1)) PCI-PM_L1.1\(fl(val, 0x2)) ASPM_L1.2\(fl(val, 0x4)) ASPM_L1.1\(fl(val, 0x8))\n"
        if l12 {
            out += "\t\t\t   T_CommonMode=\(bits(val, 8, 8))us"
            if cap & 0x4 != 0 {
                let scale = bits(val, 29, 3)
                out += scale > 5 ? " LTR1.2_Threshold=<error>" : " LTR1.2_Threshold=\(UInt64(bits(val, 16, 10)) * Self.ltrScale(scale))ns"
            }
            out += "\n"
        }
        val = c.long(at + 12)
        out += "\t\tL1SubCtl2:"
        if l12 { out += " T_PwrOn=\(Self.l1PowerOn(bits(val, 0, 2), bits(val, 3, 5)))" }
        out += "\n"
    }

    func precisionTime(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Precision Time Measurement\n"
        guard verbose >= 2 else { return }
        guard c.has(at + 4, 8) else { out += "\t\t<unreadable>\n"; return }
        func granularity(_ v: Int, zero: String) -> String { v == 0 ? zero : v == 0xff ? "Greater than 254ns" : "\(v)ns" }
        var buffer = c.long(at + 4)
        out += "\t\tPTMCap: Requester:\(fl(buffer, 0x1)) Responder:\(fl(buffer, 0x2)) Root:\(fl(buffer, 0x4))\n"
        out += "\t\tPTMClockGranularity: \(granularity(bits(buffer, 8, 8), zero: "Unimplemented"))\n"
        buffer = c.long(at + 8)
        out += "\t\tPTMControl: Enabled:\(fl(buffer, 0x1)) RootSelected:\(fl(buffer, 0x2))\n"
        out += "\t\tPTMEffectiveGranularity: \(granularity(bits(buffer, 8, 8), zero: "Unknown"))\n"
    }

    static func resizableSize(_ log2: Int) -> String {
        switch log2 {
        case 0..<10: return " \(1 << log2)MB"
        case 10..<20: return " \(1 << (log2 - 10))GB"
        case 20..<30: return " \(1 << (log2 - 20))TB"
        case 30..<40: return " \(1 << (log2 - 30))PB"
        case 40..<44: return " \(1 << (log2 - 40))EB"
        default: return " <unknown>"
        }
    }

    func resizableBAR(_ c: ConfigSpace, at: Int, virtual: Bool, into out: inout String) {
        out += "\(virtual ? "Virtual" : "Physical") Resizable BAR\n"
        guard verbose >= 2 else { return }
        var pos = at, count = 1, index = 0
        while index < count {
            pos += 4
            guard c.has(pos, 8) else { out += "\t\t<unreadable>\n"; return }
            let sizes = c.long(pos) >> 4
            pos += 4
            let control = c.long(pos)
            let current = bits(control, 8, 6), extended = bits(control, 16, 16)
            if index == 0 {
                // Only the first control register holds the number of BARs.
                count = bits(control, 5, 3)
                if count < 1 || count > 6 {
                    out += "\t\t<error in resizable BAR: num_bars=\(count) is out of specification>\n"
                    break
                }
            }
            out += "\t\tBAR \(bits(control, 0, 3)): current size:" + Self.resizableSize(current)
            if sizes != 0 || extended != 0 {
                out += ", supported:"
                for i in 0..<28 where sizes & (1 << i) != 0 { out += Self.resizableSize(i) }
                for i in 0..<16 where extended & (1 << i) != 0 { out += Self.resizableSize(i + 28) }
            }
            out += "\n"
            index += 1
        }
    }

    func dataObjectExchange(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Data Object Exchange\n"
        guard verbose >= 2 else { return }
        guard c.has(at + 4, 0x14) else { out += "\t\t<unreadable>\n"; return }
        var l = c.long(at + 4)
        out += "\t\tDOECap: IntSup\(fl(l, 0x1))\n"
        if l & 1 != 0 { out += "\t\t\tInterrupt Message Number \(hex((l >> 1) & 0x7ff, 3))\n" }
        l = c.long(at + 8)
        out += "\t\tDOECtl: IntEn\(fl(l, 0x2))\n"
        l = c.long(at + 12)
        // lspci's Error flag tests 0x3 (Busy or IntSta), not the status register's Error bit.
        out += "\t\tDOESta: Busy\(fl(l, 0x1)) IntSta\(fl(l, 0x2)) Error\(fl(l, 0x3)) ObjectReady\(fl(l, 0x8000_0000))\n"
    }

    func designatedVendor(_ c: ConfigSpace, at: Int, into out: inout String) {
        out += "Designated Vendor-Specific: "
        guard c.has(at + 4, 8) else { out += "<unreadable>\n"; return }
        let h = c.long(at + 4)
        let vendor = h & 0xffff, rev = Int((h >> 16) & 0xf), len = Int(h >> 20)
        let id = Int(c.long(at + 8) & 0xffff)
        out += "Vendor=\(hex(vendor, 4)) ID=\(hex(id, 4)) Rev=\(rev) Len=\(len)"
        guard vendor == 0x1e98 && len >= 16 else { out += " <?>\n"; return }
        out += ": CXL\n"
        guard verbose >= 2, c.has(at, len) else { return }
        switch id {
        case 0: cxlDevice(c, at: at, rev: rev, len: len, into: &out)
        case 2:
            for i in 0..<8 { out += "\t\tFuncMap \(i): \(hex(c.word(at + 0x0c + 4 * i), 8))\n" }
        case 3: cxlPort(c, at: at, len: len, into: &out)
        case 4:
            out += Self.cxlTime("GPF Phase 1 Timeout", c.word(at + 0x0c))
            out += Self.cxlTime("GPF Phase 2 Timeout", c.word(at + 0x0e))
        case 5:
            out += Self.cxlTime("GPF Phase 2 Duration", c.word(at + 0x0a))
            out += "\t\tGPF Phase 2 Power: \(c.long(at + 0x0c))mW\n"
        case 7: cxlFlexBus(c, at: at, rev: rev, into: &out)
        case 8: cxlRegisterLocator(c, at: at, len: len, into: &out)
        case 9:
            let w = c.word(at + 0x0a)
            if w != 0 && w <= 16 { out += "\t\tNumLogDevs: \(w)\n" }
        default: out += "\t\tUnknown ID \(hex(id, 4))\n"
        }
    }

    static func cxlTime(_ label: String, _ w: UInt16) -> String {
        let base = bits(w, 0, 4), scale = bits(w, 8, 4)
        var s = "", value: Int
        switch scale {
        case 2, 5: value = base * 100
        case 1, 4, 7: value = base * 10
        case 0, 3, 6: value = base
        default:
            s += "\t\tReserved time scale encoding \(String(scale, radix: 16))\n"
            value = base
        }
        return s + "\t\t\(label): \(value)\(scale < 3 ? "us" : scale < 6 ? "ms" : scale == 6 ? "s" : "<?>")\n"
    }

    func cxlDevice(_ c: ConfigSpace, at: Int, rev: Int, len: Int, into out: inout String) {
        guard len >= 0x38, rev >= 1 else { return }
        var w = c.word(at + 0x0a)
        out += "\t\tCXLCap:\tCache\(fl(w, 0x1)) IO\(fl(w, 0x2)) Mem\(fl(w, 0x4)) Mem HW Init\(fl(w, 0x8)) HDMCount \((w >> 4) & 3) Viral\(fl(w, 0x4000))\n"
        w = c.word(at + 0x0c)
        out += "\t\tCXLCtl:\tCache\(fl(w, 0x1)) IO\(fl(w, 0x2)) Mem\(fl(w, 0x4)) Cache SF Cov \((w >> 3) & 0x1f) Cache SF Gran \((w >> 8) & 7) Cache Clean\(fl(w, 0x800)) Viral\(fl(w, 0x4000))\n"
        w = c.word(at + 0x0e)
        out += "\t\tCXLSta:\tViral\(fl(w, 0x4000))\n"
        w = c.word(at + 0x12)
        out += "\t\tCXLSta2:\tResetComplete\(fl(w, 0x2)) ResetError\(fl(w, 0x4)) PMComplete\(fl(w, 0x8000))\n"
        w = c.word(at + 0x16)
        let unit = bits(w, 0, 4), size = bits(w, 8, 8)
        switch unit {
        case 2: out += "\t\tCache Size: \(hex(UInt32(truncatingIfNeeded: size << 20), 8))\n"
        case 1: out += "\t\tCache Size: \(hex(UInt32(truncatingIfNeeded: size * (64 << 10)), 8))\n"
        case 0: out += "\t\tCache Size Not Reported\n"
        default: out += "\t\tCache Size: \(size) of unknown unit size (\(unit))\n"
        }
        func quad(_ high: Int, _ low: Int) -> UInt64 { UInt64(c.long(at + high)) << 32 | UInt64(c.long(at + low)) }
        cxlRange(base: quad(0x20, 0x24), size: quad(0x18, 0x1c), 1, into: &out)
        cxlRange(base: quad(0x30, 0x34), size: quad(0x28, 0x2c), 2, into: &out)
    }

    func cxlRange(base: UInt64, size: UInt64, _ n: Int, into out: inout String) {
        let w = UInt16(truncatingIfNeeded: size)
        let length = size & ~UInt64(0x0fff_ffff)
        let interleave = [0, 256, 4096, 512, 1024, 2048, 8192, 16384]
        out += "\t\tRange\(n): \(hex(base, 16))-\(hex(base &+ length &- 1, 16))\n"
        out += "\t\t\tValid\(fl(w, 0x1)) Active\(fl(w, 0x2)) Type=\(table(["Volatile", "Non-volatile", "CDAT"], bits(w, 2, 3))) Class=\(table(["DRAM", "Storage", "CDAT"], bits(w, 5, 3))) interleave=\(bits(w, 8, 5) < 8 ? String(interleave[bits(w, 8, 5)]) : "??") timeout=\(1 << (bits(w, 13, 3) * 2))s\n"
    }

    func cxlPort(_ c: ConfigSpace, at: Int, len: Int, into out: inout String) {
        guard len >= 0x28 else { return }
        var w = c.word(at + 0x0a)
        // lspci tests the register's offset (0x0a) as the flag's mask.
        out += "\t\tCXLPortSta:\tPMComplete\(fl(w, 0x0a))\n"
        w = c.word(at + 0x0c)
        out += "\t\tCXLPortCtl:\tUnmaskSBR\(fl(w, 0x1)) UnmaskLinkDisable\(fl(w, 0x2)) AltMem\(fl(w, 0x4)) AltBME\(fl(w, 0x8)) ViralEnable\(fl(w, 0x4000))\n"
        out += "\t\tAlternateBus:\t\(hex(c.byte(at + 0x0e), 2))-\(hex(c.byte(at + 0x0f), 2))\n"
        out += "\t\tAlternateBus:\t\(hex(c.word(at + 0x10), 4))-\(hex(c.word(at + 0x12), 4))\n"
    }

    func cxlFlexBus(_ c: ConfigSpace, at: Int, rev: Int, into out: inout String) {
        guard rev >= 1 else { out += "\t\tRevision \(rev) not supported\n"; return }
        var w = c.word(at + 0x0a)
        out += "\t\tFBCap:\tCache\(fl(w, 0x1)) IO\(fl(w, 0x2)) Mem\(fl(w, 0x4)) 68BFlit\(fl(w, 0x20)) MltLogDev\(fl(w, 0x40))"
        if rev > 1 { out += " 256BFlit\(fl(w, 0x2000)) PBRFlit\(fl(w, 0x4000))" }
        w = c.word(at + 0x0c)
        out += "\n\t\tFBCtl:\tCache\(fl(w, 0x1)) IO\(fl(w, 0x2)) Mem\(fl(w, 0x4)) SynHdrByp\(fl(w, 0x8)) DrftBuf\(fl(w, 0x10)) 68BFlit\(fl(w, 0x20)) MltLogDev\(fl(w, 0x40)) RCD\(fl(w, 0x80)) Retimer1\(fl(w, 0x100)) Retimer2\(fl(w, 0x200))"
        if rev > 1 { out += " 256BFlit\(fl(w, 0x2000)) PBRFlit\(fl(w, 0x4000))" }
        w = c.word(at + 0x0e)
        out += "\n\t\tFBSta:\tCache\(fl(w, 0x1)) IO\(fl(w, 0x2)) Mem\(fl(w, 0x4)) SynHdrByp\(fl(w, 0x8)) DrftBuf\(fl(w, 0x10)) 68BFlit\(fl(w, 0x20)) MltLogDev\(fl(w, 0x40))"
        if rev > 1 { out += " 256BFlit\(fl(w, 0x2000)) PBRFlit\(fl(w, 0x4000))" }
        out += "\n\t\tFBModTS:\tReceived FB Data: \(hex(bits(c.long(at + 0x10), 0, 24), 6))\n"
        if rev > 1 {
            out += "\t\tFBCap2:\tNOPHint\(fl(c.long(at + 0x14), 0x1))\n"
            out += "\t\tFBCtl2:\tNOPHint\(fl(c.long(at + 0x18), 0x1))\n"
            out += "\t\tFBSta2:\tNOPHintInfo: \(String(bits(c.long(at + 0x1c), 0, 2), radix: 16))\n"
        }
    }

    func cxlRegisterLocator(_ c: ConfigSpace, at: Int, len: Int, into out: inout String) {
        let names = ["empty", "component registers", "BAR virtualization", "CXL device registers", "CPMU registers"]
        var i = 0
        while true {
            let pos = at + 0x0c + 8 * i
            if pos + 7 >= at + len { break }
            let low = c.long(pos), high = c.long(pos + 4)
            let block = bits(low, 8, 8)
            if block != 0 {
                // lspci shifts the offset's 16 bits in a C int: bit 31 set extends into the top half.
                let lowPart = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: bits(low, 16, 16) << 16)))
                let offset = lowPart | UInt64(high) << 32
                let name = block < names.count ? names[block] : block == 0xff ? "vendor-specific" : "<?>"
                out += "\t\tBlock\(i + 1): BIR: bar\(bits(low, 0, 3)), ID: \(name), offset: \(hex(offset, 16))\n"
            }
            i += 1
        }
    }
}
