import PCIModel

/// The PCI Express capability at -vv (ls-caps.c cap_express and its helpers): device, link,
/// slot and root registers, then their version 2 counterparts.
extension LspciVerboseText {
    /// PCI Express device/port types (PCIe Base 7.5.3.2).
    enum PortType {
        static let endpoint = 0, legacyEndpoint = 1, rootPort = 4, upstream = 5, downstream = 6
        static let pciBridge = 7, pcieBridge = 8, rootIntegratedEndpoint = 9, rootEventCollector = 10
    }

    static func expressLine(_ cap: UInt16, verbose: Int) -> String {
        let type = Int((cap & 0xf0) >> 4)
        var s = "Express "
        if verbose >= 2 { s += "(v\(cap & 0xf)) " }
        let slot = fl(cap, 0x100)
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

    func express(_ d: DeviceDescription, at: Int, cap: UInt16, into out: inout String) {
        let c = d.config
        let type = Int((cap & 0xf0) >> 4)
        out += Self.expressLine(cap, verbose: verbose) + "\n"
        guard verbose >= 2 else { return }
        let slot = [PortType.rootPort, PortType.downstream, PortType.pcieBridge].contains(type) && cap & 0x100 != 0
        let link = type != PortType.rootIntegratedEndpoint && type != PortType.rootEventCollector
        let hasRoot = type == PortType.rootPort || type == PortType.rootEventCollector
        guard c.has(at + 4, hasRoot ? 32 : slot ? 24 : 16) else { return }
        expressDevice(c, at: at, type: type, into: &out)
        if link { expressLink(c, at: at, type: type, into: &out) }
        if slot { expressSlot(c, at: at, into: &out) }
        if hasRoot { expressRoot(c, at: at, into: &out) }
        guard cap & 0xf >= 2, c.has(at + 0x24, slot ? 24 : 16) else { return }
        expressDevice2(d, at: at, type: type, into: &out)
        if link { expressLink2(d, at: at, type: type, into: &out) }
    }

    /// `%g` of value × scale for the power limits: the scales are powers of ten, so the decimal
    /// digits are exact (lspci multiplies floats, whose error lies past %g's six digits).
    static func powerLimit(_ value: Int, _ scale: Int) -> String {
        if scale == 0 && value == 0xff { return ">600W" }
        var v = value
        if scale == 0 && (0xf0...0xfe).contains(v) { v = 250 + 25 * (v - 0xf0) }
        let divisor = [1, 10, 100, 1000][scale]
        var s = String(v / divisor)
        let fraction = v % divisor
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: String(divisor).count - 1 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            s += "." + digits
        }
        return s + "W"
    }

    static let l0sLatencies = ["<64ns", "<128ns", "<256ns", "<512ns", "<1us", "<2us", "<4us", "unlimited"]
    static let l1Latencies = ["<1us", "<2us", "<4us", "<8us", "<16us", "<32us", "<64us", "unlimited"]

    func expressDevice(_ c: ConfigSpace, at: Int, type: Int, into out: inout String) {
        let t = c.long(at + 4)
        let isEndpoint = type == PortType.endpoint || type == PortType.legacyEndpoint
        out += "\t\tDevCap:\tMaxPayload \(128 << (t & 7)) bytes, PhantFunc \((1 << ((t & 0x18) >> 3)) - 1)"
        if isEndpoint { out += ", Latency L0s \(Self.l0sLatencies[Int((t & 0x1c0) >> 6)]), L1 \(Self.l1Latencies[Int((t & 0xe00) >> 9)])" }
        out += "\n"
        out += "\t\t\tExtTag\(fl(t, 0x20))"
        if isEndpoint || type == PortType.upstream || type == PortType.pciBridge {
            out += " AttnBtn\(fl(t, 0x1000)) AttnInd\(fl(t, 0x2000)) PwrInd\(fl(t, 0x4000))"
        }
        out += " RBE\(fl(t, 0x8000))"
        let canFLR = isEndpoint || type == PortType.rootIntegratedEndpoint
        if canFLR { out += " FLReset\(fl(t, 0x1000_0000))" }
        if type == PortType.endpoint || type == PortType.upstream || type == PortType.pciBridge {
            out += " SlotPowerLimit " + Self.powerLimit(Int((t & 0x3fc_0000) >> 18), Int((t & 0xc00_0000) >> 26))
        }
        out += "\n"
        var w = c.word(at + 8)
        out += "\t\tDevCtl:\tCorrErr\(fl(w, 0x1)) NonFatalErr\(fl(w, 0x2)) FatalErr\(fl(w, 0x4)) UnsupReq\(fl(w, 0x8))\n"
        out += "\t\t\tRlxdOrd\(fl(w, 0x10)) ExtTag\(fl(w, 0x100)) PhantFunc\(fl(w, 0x200)) AuxPwr\(fl(w, 0x400)) NoSnoop\(fl(w, 0x800))"
        if type == PortType.pciBridge { out += " BrConfRtry\(fl(w, 0x8000))" }
        if canFLR && t & 0x1000_0000 != 0 { out += " FLReset\(fl(w, 0x8000))" }
        out += "\n\t\t\tMaxPayload \(128 << ((w & 0xe0) >> 5)) bytes, MaxReadReq \(128 << ((w & 0x7000) >> 12)) bytes\n"
        w = c.word(at + 0xa)
        out += "\t\tDevSta:\tCorrErr\(fl(w, 0x1)) NonFatalErr\(fl(w, 0x2)) FatalErr\(fl(w, 0x4)) UnsupReq\(fl(w, 0x8)) AuxPwr\(fl(w, 0x10)) TransPend\(fl(w, 0x20))\n"
    }

    static func linkCompare(_ type: Int, _ status: Int, _ capability: Int) -> String {
        if status > capability { return " (overdriven)" }
        if status == capability { return "" }
        if type == PortType.rootPort || type == PortType.downstream || type == PortType.pcieBridge { return "" }
        return " (downgraded)"
    }

    func expressLink(_ c: ConfigSpace, at: Int, type: Int, into out: inout String) {
        let t = c.long(at + 0xc)
        let aspm = Int((t & 0xc00) >> 10)
        let capSpeed = Int(t & 0xf), capWidth = Int((t & 0x3f0) >> 4)
        let support = ["not supported", "L0s", "L1", "L0s L1"][aspm]
        out += "\t\tLnkCap:\tPort #\(t >> 24), Speed \(PassthroughFeatures.speed(capSpeed)), Width x\(capWidth), ASPM \(support)"
        if aspm != 0 {
            out += ", Exit Latency "
            if aspm & 1 != 0 { out += "L0s \(Self.l0sLatencies[Int((t & 0x7000) >> 12)])" }
            if aspm & 2 != 0 { out += "\(aspm & 1 != 0 ? ", " : "")L1 \(Self.l1Latencies[Int((t & 0x38000) >> 15)])" }
        }
        out += "\n"
        out += "\t\t\tClockPM\(fl(t, 0x40000)) Surprise\(fl(t, 0x80000)) LLActRep\(fl(t, 0x100000)) BwNot\(fl(t, 0x200000)) ASPMOptComp\(fl(t, 0x400000))\n"
        var w = c.word(at + 0x10)
        out += "\t\tLnkCtl:\tASPM \(["Disabled", "L0s Enabled", "L1 Enabled", "L0s L1 Enabled"][Int(w & 3)]);"
        if [PortType.rootPort, PortType.endpoint, PortType.legacyEndpoint, PortType.pciBridge].contains(type) {
            out += " RCB \(w & 0x8 != 0 ? 128 : 64) bytes,"
        }
        out += " Disabled\(fl(w, 0x10)) CommClk\(fl(w, 0x40))\n\t\t\tExtSynch\(fl(w, 0x80)) ClockPM\(fl(w, 0x100)) AutWidDis\(fl(w, 0x200)) BWInt\(fl(w, 0x400)) AutBWInt\(fl(w, 0x800))\n"
        w = c.word(at + 0x12)
        let staSpeed = Int(w & 0xf), staWidth = Int((w & 0x3f0) >> 4)
        out += "\t\tLnkSta:\tSpeed \(PassthroughFeatures.speed(staSpeed))\(Self.linkCompare(type, staSpeed, capSpeed)), Width x\(staWidth)\(Self.linkCompare(type, staWidth, capWidth))\n"
        out += "\t\t\tTrErr\(fl(w, 0x400)) Train\(fl(w, 0x800)) SlotClk\(fl(w, 0x1000)) DLActive\(fl(w, 0x2000)) BWMgmt\(fl(w, 0x4000)) ABWMgmt\(fl(w, 0x8000))\n"
    }

    func expressSlot(_ c: ConfigSpace, at: Int, into out: inout String) {
        let t = c.long(at + 0x14)
        out += "\t\tSltCap:\tAttnBtn\(fl(t, 0x1)) PwrCtrl\(fl(t, 0x2)) MRL\(fl(t, 0x4)) AttnInd\(fl(t, 0x8)) PwrInd\(fl(t, 0x10)) HotPlug\(fl(t, 0x40)) Surprise\(fl(t, 0x20))\n"
        out += "\t\t\tSlot #\((t & 0xfff8_0000) >> 19), PowerLimit " + Self.powerLimit(Int((t & 0x7f80) >> 7), Int((t & 0x18000) >> 15))
        out += "; Interlock\(fl(t, 0x20000)) NoCompl\(fl(t, 0x40000))\n"
        var w = c.word(at + 0x18)
        let indicators = ["Unknown", "On", "Blink", "Off"]
        out += "\t\tSltCtl:\tEnable: AttnBtn\(fl(w, 0x1)) PwrFlt\(fl(w, 0x2)) MRL\(fl(w, 0x4)) PresDet\(fl(w, 0x8)) CmdCplt\(fl(w, 0x10)) HPIrq\(fl(w, 0x20)) LinkChg\(fl(w, 0x1000))\n"
        out += "\t\t\tControl: AttnInd \(indicators[Int((w & 0xc0) >> 6)]), PwrInd \(indicators[Int((w & 0x300) >> 8)]), Power\(fl(w, 0x400)) Interlock\(fl(w, 0x800))\n"
        w = c.word(at + 0x1a)
        out += "\t\tSltSta:\tStatus: AttnBtn\(fl(w, 0x1)) PowerFlt\(fl(w, 0x2)) MRL\(fl(w, 0x20)) CmdCplt\(fl(w, 0x10)) PresDet\(fl(w, 0x40)) Interlock\(fl(w, 0x80))\n"
        out += "\t\t\tChanged: MRL\(fl(w, 0x4)) PresDet\(fl(w, 0x8)) LinkState\(fl(w, 0x100))\n"
    }

    func expressRoot(_ c: ConfigSpace, at: Int, into out: inout String) {
        var w = UInt32(c.word(at + 0x1e))
        out += "\t\tRootCap: CRSVisible\(fl(w, 0x1))\n"
        w = UInt32(c.word(at + 0x1c))
        out += "\t\tRootCtl: ErrCorrectable\(fl(w, 0x1)) ErrNon-Fatal\(fl(w, 0x2)) ErrFatal\(fl(w, 0x4)) PMEIntEna\(fl(w, 0x8)) CRSVisible\(fl(w, 0x10))\n"
        w = c.long(at + 0x20)
        out += "\t\tRootSta: PME ReqID \(hex(w & 0xffff, 4)), PMEStatus\(fl(w, 0x10000)) PMEPending\(fl(w, 0x20000))\n"
    }

    static func timeoutRange(_ t: Int) -> String {
        switch t {
        case 0: return "Not Supported"
        case 1: return "Range A"
        case 2: return "Range B"
        case 3: return "Range AB"
        case 6: return "Range BC"
        case 7: return "Range ABC"
        case 14: return "Range BCD"
        case 15: return "Range ABCD"
        default: return "Unknown"
        }
    }

    static func timeoutValue(_ t: Int) -> String {
        switch t {
        case 0: return "50us to 50ms"
        case 1: return "50us to 100us"
        case 2: return "1ms to 10ms"
        case 5: return "16ms to 55ms"
        case 6: return "65ms to 210ms"
        case 9: return "260ms to 900ms"
        case 10: return "1s to 3.5s"
        case 13: return "4s to 13s"
        case 14: return "17s to 64s"
        default: return "Unknown"
        }
    }

    /// lspci's device_has_memory_space_bar: any BAR libpci reports that is not I/O.
    static func hasMemoryBAR(_ p: PlatformFacts) -> Bool {
        p.regions.contains { ($0.base != 0 || $0.size != 0) && $0.base & 1 == 0 }
    }

    func expressDevice2(_ d: DeviceDescription, at: Int, type: Int, into out: inout String) {
        let c = d.config
        let hasMemoryBAR = Self.hasMemoryBAR(d.platform)
        let l = c.long(at + 0x24)
        out += "\t\tDevCap2: Completion Timeout: \(Self.timeoutRange(Int(l & 0xf))), TimeoutDis\(fl(l, 0x10)) NROPrPrP\(fl(l, 0x400)) LTR\(fl(l, 0x800))"
        let obff = ["Not Supported", "Via message", "Via WAKE#", "Via message/WAKE#"][bits(l, 18, 2)]
        out += "\n\t\t\t 10BitTagComp\(fl(l, 0x10000)) 10BitTagReq\(fl(l, 0x20000)) OBFF \(obff), ExtFmt\(fl(l, 0x100000)) EETLPPrefix\(fl(l, 0x200000))"
        if l & 0x200000 != 0 {
            let prefixes = bits(l, 22, 2)
            out += ", MaxEETLPPrefixes \(prefixes != 0 ? prefixes : 4)"
        }
        let epr = ["Not Supported", "Dev Specific", "Form Factor Dev Specific", "Reserved"][bits(l, 24, 2)]
        out += "\n\t\t\t EmergencyPowerReduction \(epr), EmergencyPowerReductionInit\(fl(l, 0x400_0000))"
        out += "\n\t\t\t FRS\(fl(l, 0x8000_0000))"
        if type == PortType.rootPort {
            out += " LN System CLS \(["Not Supported", "64byte cachelines", "128byte cachelines", "Reserved"][bits(l, 14, 2)]),"
        }
        if type == PortType.rootPort || type == PortType.endpoint {
            out += " " + ["TPHComp- ExtTPHComp-", "TPHComp+ ExtTPHComp-", "", "TPHComp+ ExtTPHComp+"][bits(l, 12, 2)]
        }
        let forwardsARI = type == PortType.rootPort || type == PortType.downstream
        out += forwardsARI ? " ARIFwd\(fl(l, 0x20))\n" : "\n"
        let switchPort = type == PortType.rootPort || type == PortType.upstream || type == PortType.downstream
        if switchPort || hasMemoryBAR {
            out += "\t\t\t AtomicOpsCap:"
            if switchPort { out += " Routing\(fl(l, 0x40))" }
            if type == PortType.rootPort || hasMemoryBAR { out += " 32bit\(fl(l, 0x80)) 64bit\(fl(l, 0x100)) 128bitCAS\(fl(l, 0x200))" }
            out += "\n"
        }
        let w = c.word(at + 0x28)
        let obffControl = ["Disabled", "Via message A", "Via message B", "Via WAKE#"][bits(w, 13, 2)]
        out += "\t\tDevCtl2: Completion Timeout: \(Self.timeoutValue(Int(w & 0xf))), TimeoutDis\(fl(w, 0x10)) LTR\(fl(w, 0x400)) 10BitTagReq\(fl(w, 0x1000)) OBFF \(obffControl),"
        out += forwardsARI ? " ARIFwd\(fl(w, 0x20))\n" : "\n"
        let requester = [PortType.rootPort, PortType.endpoint, PortType.rootIntegratedEndpoint, PortType.legacyEndpoint].contains(type)
        if switchPort || requester {
            out += "\t\t\t AtomicOpsCtl:"
            if requester { out += " ReqEn\(fl(w, 0x40))" }
            if switchPort { out += " EgressBlck\(fl(w, 0x80))" }
            out += "\n"
        }
    }

    static func speedVector(_ v: Int) -> String {
        if v & 0x60 != 0 { return "RsvdP" }
        if v & 0x10 != 0 { return "2.5-32GT/s" }
        if v & 0x08 != 0 { return "2.5-16GT/s" }
        if v & 0x04 != 0 { return "2.5-8GT/s" }
        if v & 0x02 != 0 { return "2.5-5GT/s" }
        if v & 0x01 != 0 { return "2.5GT/s" }
        return "Unknown"
    }

    static func targetSpeed(_ s: Int) -> String { s == 0 ? "2.5GT/s" : s <= 6 ? PassthroughFeatures.speed(s) : "Unknown" }

    static func complianceDeemphasis(_ v: Int) -> String {
        let presets = [
            "-6dB de-emphasis, 0dB preshoot", "-3.5dB de-emphasis, 0dB preshoot", "-4.4dB de-emphasis, 0dB preshoot",
            "-2.5dB de-emphasis, 0dB preshoot", "0dB de-emphasis, 0dB preshoot", "0dB de-emphasis, 1.9dB preshoot",
            "0dB de-emphasis, 2.5dB preshoot", "-6.0dB de-emphasis, 3.5dB preshoot", "-3.5dB de-emphasis, 3.5dB preshoot",
            "0dB de-emphasis, 3.5dB preshoot",
        ]
        return v < presets.count ? presets[v] : "Unknown"
    }

    static func transmitMargin(_ v: Int) -> String {
        switch v {
        case 0: return "Normal Operating Range"
        case 1: return "800-1200mV(full-swing)/400-700mV(half-swing)"
        case 2...5: return "200-400mV(full-swing)/100-200mV(half-swing)"
        default: return "Unknown"
        }
    }

    func expressLink2(_ d: DeviceDescription, at: Int, type: Int, into out: inout String) {
        let c = d.config
        var l: UInt32 = 0
        let deemphasis = ["-6dB", "-3.5dB"]
        // Link Capabilities 2 was reserved before PCIe 3.0 in an endpoint's other functions.
        if !((type == PortType.endpoint || type == PortType.legacyEndpoint) && (d.deviceNumber != 0 || d.function != 0)) {
            l = c.long(at + 0x2c)
            if l != 0 {
                out += "\t\tLnkCap2: Supported Link Speeds: \(Self.speedVector(bits(l, 1, 7))), Crosslink\(fl(l, 0x100)) Retimer\(fl(l, 0x80_0000)) 2Retimers\(fl(l, 0x100_0000)) DRS\(fl(l, 0x8000_0000))\n"
            }
            let w = c.word(at + 0x30)
            out += "\t\tLnkCtl2: Target Link Speed: \(Self.targetSpeed(Int(w & 0xf))), EnterCompliance\(fl(w, 0x10)) SpeedDis\(fl(w, 0x20))"
            if type == PortType.downstream { out += ", Selectable De-emphasis: \(deemphasis[bits(w, 6, 1)])" }
            out += "\n\t\t\t Transmit Margin: \(Self.transmitMargin(bits(w, 7, 3))), EnterModifiedCompliance\(fl(w, 0x400)) ComplianceSOS\(fl(w, 0x800))\n"
            out += "\t\t\t Compliance Preset/De-emphasis: \(Self.complianceDeemphasis(bits(w, 12, 4)))\n"
        }
        let w = c.word(at + 0x32)
        let crosslink = ["unsupported", "Upstream Port", "Downstream Port", "incomplete"][bits(w, 8, 2)]
        out += "\t\tLnkSta2: Current De-emphasis Level: \(deemphasis[Int(w & 1)]), EqualizationComplete\(fl(w, 0x2)) EqualizationPhase1\(fl(w, 0x4))\n"
        out += "\t\t\t EqualizationPhase2\(fl(w, 0x8)) EqualizationPhase3\(fl(w, 0x10)) LinkEqualizationRequest\(fl(w, 0x20))\n"
        out += "\t\t\t Retimer\(fl(w, 0x40)) 2Retimers\(fl(w, 0x80)) CrosslinkRes: \(crosslink)"
        let downstreamPort = type == PortType.rootPort || type == PortType.downstream || type == PortType.pcieBridge
        if downstreamPort && l & 0x8000_0000 != 0 {
            let component: String
            switch bits(w, 12, 3) {
            case 0: component = "Link Down - Not Determined"
            case 1: component = "Link Down - Not Present"
            case 2: component = "Link Down - Present"
            case 4: component = "Link Up - Present"
            case 5: component = "Link Up - Present and DRS Received"
            default: component = "Reserved"
            }
            out += ", DRS\(fl(w, 0x8000))\n\t\t\t DownstreamComp: \(component)\n"
        } else {
            out += "\n"
        }
    }
}
