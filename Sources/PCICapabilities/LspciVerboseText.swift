import PCIModel

/// lspci's '+'/'-' for one bit (FLAG in lspci.h).
@inline(__always) func fl(_ v: some BinaryInteger, _ bit: some BinaryInteger) -> Character { Int(truncatingIfNeeded: v) & Int(truncatingIfNeeded: bit) != 0 ? "+" : "-" }

/// `width` bits of `v` from bit `at` (BITS in lspci.h).
@inline(__always) func bits(_ v: some BinaryInteger, _ at: Int, _ width: Int) -> Int { Int((UInt64(truncatingIfNeeded: v) >> UInt64(at)) & ((1 << UInt64(width)) - 1)) }

/// A table entry, or lspci's `??N` for an index past its end (TABLE in lspci.h).
@inline(__always) func table(_ t: [String], _ i: Int) -> String { i < t.count ? t[i] : "??\(i)" }

/// lspci's verbose body (pciutils 3.9 lspci.c show_verbose, ls-caps.c, ls-ecaps.c), from a
/// `DeviceDescription`: everything after the device's first line (and its `Subsystem:` line)
/// and before the kernel driver lines. The first line and names stay with the listing.
public struct LspciVerboseText {
    public var verbose: Int
    public var names: DeviceNames
    /// lspci -b: a header lspci does not know shows no regions (they would be the kernel's).
    public var busCentric: Bool

    public init(verbose: Int, names: DeviceNames, busCentric: Bool = false) { self.verbose = verbose; self.names = names; self.busCentric = busCentric }

    /// The body of one device. `vendorID`/`deviceID` name the device for the bridge subsystem line.
    public func render(_ d: DeviceDescription, vendorID: UInt16, deviceID: UInt16, into out: inout String) {
        let c = d.config
        let p = d.platform
        let htype: Int = d.noConfigAccess ? -1 : Int(c.headerType)
        var unknownConfigData = false
        var bist: UInt8 = 0, maxLat: UInt8 = 0, minGnt: UInt8 = 0
        switch htype {
        case 0:
            if d.classCode == 0x0604 { out += "\t!!! Invalid class \(hex(d.classCode, 4)) for header type 00\n" }
            bist = c.bist; maxLat = c.byte(0x3f); minGnt = c.byte(0x3e)
        case 1, 2:
            if d.classCode >> 8 != 0x06 { out += "\t!!! Invalid class \(hex(d.classCode, 4)) for header type \(hex(htype, 2))\n" }
            bist = c.bist
        default:
            if !d.noConfigAccess { out += "\t!!! Unknown header type \(hex(htype & 0xff, 2))\n" }
            unknownConfigData = true
        }
        if let slot = p.physicalSlot { out += "\tPhysical Slot: \(slot)\n" }
        if let node = p.deviceTreeNode { out += "\tDevice tree node: \(node)\n" }
        if !unknownConfigData && verbose > 1 {
            let cmd = c.command, st = c.status
            out += "\tControl: I/O\(fl(cmd, Command.io)) Mem\(fl(cmd, Command.memory)) BusMaster\(fl(cmd, Command.master)) SpecCycle\(fl(cmd, Command.special)) MemWINV\(fl(cmd, Command.invalidate)) VGASnoop\(fl(cmd, Command.vgaPalette)) ParErr\(fl(cmd, Command.parity)) Stepping\(fl(cmd, Command.wait)) SERR\(fl(cmd, Command.serr)) FastB2B\(fl(cmd, Command.fastBack)) DisINTx\(fl(cmd, Command.disableINTx))\n"
            out += "\tStatus: Cap\(fl(st, Status.capabilityList)) 66MHz\(fl(st, Status.mhz66)) UDF\(fl(st, Status.udf)) FastB2B\(fl(st, Status.fastBack)) ParErr\(fl(st, Status.parity)) DEVSEL=\(Status.devsel(st)) >TAbort\(fl(st, Status.sigTargetAbort)) <TAbort\(fl(st, Status.recTargetAbort)) <MAbort\(fl(st, Status.recMasterAbort)) >SERR\(fl(st, Status.sigSystemError)) <PERR\(fl(st, Status.detectedParity)) INTx\(fl(st, Status.intx))\n"
            if cmd & Command.master != 0 {
                let latency = c.byte(0x0d), cacheLine = c.byte(0x0c)
                out += "\tLatency: \(latency)"
                if minGnt != 0 || maxLat != 0 {
                    out += " ("
                    if minGnt != 0 { out += "\(Int(minGnt) * 250)ns min" }
                    if minGnt != 0 && maxLat != 0 { out += ", " }
                    if maxLat != 0 { out += "\(Int(maxLat) * 250)ns max" }
                    out += ")"
                }
                if cacheLine != 0 { out += ", Cache Line Size: \(Int(cacheLine) * 4) bytes" }
                out += "\n"
            }
        }
        if verbose > 1 {
            let pin = unknownConfigData ? 0 : c.byte(0x3d)
            if pin != 0 || p.irq != 0 {
                let letter = pin != 0 ? Character(Unicode.Scalar(UInt8(ascii: "A") &+ pin &- 1)) : "?"
                out += "\tInterrupt: pin \(letter) routed to IRQ \(p.irq)\n"
            }
            if p.numaNode != -1 { out += "\tNUMA node: \(p.numaNode)\n" }
            if let g = p.iommuGroup { out += "\tIOMMU group: \(g)\n" }
        }
        if !unknownConfigData && verbose <= 1 {
            let cmd = c.command, st = c.status
            out += "\tFlags: "
            if cmd & Command.master != 0 { out += "bus master, " }
            if cmd & Command.vgaPalette != 0 { out += "VGA palette snoop, " }
            if cmd & Command.wait != 0 { out += "stepping, " }
            if cmd & Command.fastBack != 0 { out += "fast Back2Back, " }
            if st & Status.mhz66 != 0 { out += "66MHz, " }
            if st & Status.udf != 0 { out += "user-definable features, " }
            out += Status.devsel(st) + " devsel"
            if cmd & Command.master != 0 { out += ", latency \(c.byte(0x0d))" }
            if p.irq != 0 { out += ", IRQ \(p.irq)" }
            if p.numaNode != -1 { out += ", NUMA node \(p.numaNode)" }
            if let g = p.iommuGroup { out += ", IOMMU group \(g)" }
            out += "\n"
        }
        if bist & 0x80 != 0 {
            out += bist & 0x40 != 0 ? "\tBIST is running\n" : "\tBIST result: \(hex(bist & 0x0f, 2))\n"
        }
        switch htype {
        case 0:
            bases(d, count: 6, withoutConfig: false, into: &out)
            rom(d, register: 0x30, into: &out)
            capabilities(d, vendorID: vendorID, deviceID: deviceID, into: &out)
        case 1:
            bridge(d, vendorID: vendorID, deviceID: deviceID, into: &out)
        case 2:
            cardBus(d, vendorID: vendorID, deviceID: deviceID, into: &out)
        default:
            unknownHeader(d, into: &out)
        }
    }

    // MARK: Regions

    /// PCI_IORESOURCE_* flags to the BAR's low bits (lspci's ioflg_to_pciflg).
    static func barFlags(_ io: UInt64) -> UInt32 {
        if io & 0x100 != 0 { return 1 }
        if io & 0x200 == 0 { return 0 }
        var f: UInt32 = io & 0x100000 != 0 ? 0x4 : 0
        if io & 0x2000 != 0 { f |= 0x8 }
        return f
    }

    static func size(_ x: UInt64) -> String {
        guard x != 0 else { return "" }
        let suffix = ["", "K", "M", "G", "T"]
        var x = x, i = 0
        while i < suffix.count - 1 && x % 1024 == 0 { x /= 1024; i += 1 }
        return " [size=\(UInt32(truncatingIfNeeded: x))\(suffix[i])]"
    }

    func bases(_ d: DeviceDescription, count: Int, withoutConfig: Bool, into out: inout String) {
        let c = d.config, p = d.platform
        let cmd: UInt16 = withoutConfig ? (Command.io | Command.memory) : c.command
        for i in 0..<count {
            let pos = p.regions[i].base
            let len = p.sizesKnown ? p.regions[i].size : 0
            let ioflg = p.ioFlagsKnown ? p.regions[i].flags : 0
            var flg: UInt32 = p.ioFlagsKnown ? Self.barFlags(ioflg) : withoutConfig ? 0 : c.long(0x10 + 4 * i)
            var hwLower: UInt32 = 0, hwUpper: UInt32 = 0
            var broken = false, virtual = false
            if flg == 0xffff_ffff { flg = 0 }
            if pos == 0 && flg == 0 && len == 0 { continue }
            out += verbose > 1 ? "\tRegion \(i): " : "\t"
            if p.ioFlagsKnown && !withoutConfig {
                hwLower = c.long(0x10 + 4 * i)
                if hwLower & 1 == Self.barFlags(ioflg) & 1 {
                    if ioflg & 0x1f00 == 0x200 && hwLower & 0x6 == 0x4 {
                        if i >= count - 1 { broken = true } else { hwUpper = c.long(0x10 + 4 * i + 1) }
                    }
                    if pos != 0 && hwLower == 0 && hwUpper == 0 && ioflg & 0x20 == 0 { virtual = true }
                }
            }
            if flg & 1 != 0 {
                let a = pos & ~UInt64(3)
                out += "I/O ports at "
                if a != 0 || cmd & Command.io != 0 {
                    out += hex(a, 4)
                } else if hwLower != 0 {
                    out += "<ignored>"
                } else {
                    out += "<unassigned>"
                }
                if virtual { out += " [virtual]" } else if cmd & Command.io == 0 { out += " [disabled]" }
            } else {
                let t = flg & 0x6
                let a = pos & ~UInt64(0xf)
                out += "Memory at "
                if broken {
                    out += "<broken-64-bit-slot>"
                } else if a != 0 {
                    out += hex(a, 8)
                } else if hwLower != 0 || hwUpper != 0 {
                    out += "<ignored>"
                } else {
                    out += "<unassigned>"
                }
                out += " (" + (t == 0 ? "32-bit" : t == 4 ? "64-bit" : t == 2 ? "low-1M" : "type 3") + ", "
                out += (flg & 0x8 != 0 ? "" : "non-") + "prefetchable)"
                if virtual { out += " [virtual]" } else if cmd & Command.memory == 0 { out += " [disabled]" }
            }
            if ioflg & 0x20 != 0 { out += " [enhanced]" }
            out += Self.size(len) + "\n"
        }
    }

    /// `register`: the ROM BAR's offset (0x30, or 0x38 for a bridge), -1 for a header lspci
    /// does not know (then the platform's flags decide).
    func rom(_ d: DeviceDescription, register: Int, into out: inout String) {
        let c = d.config, p = d.platform
        let rom = p.rom.base
        let len = p.sizesKnown ? p.rom.size : 0
        let ioflg = p.ioFlagsKnown ? p.rom.flags : 0
        var flg: UInt64 = register >= 0 ? UInt64(c.long(register)) : UInt64(Self.barFlags(ioflg))
        let cmd: UInt16 = register >= 0 ? c.command : Command.memory
        var virtual = false
        if rom == 0 && flg == 0 && len == 0 { return }
        let mask = ~UInt64(0x7ff)
        if register >= 0 && rom & mask != 0 && flg & mask == 0 && ioflg & 0x20 == 0 {
            flg = rom
            virtual = true
        }
        out += "\tExpansion ROM at "
        if rom & mask != 0 {
            out += hex(rom & mask, 8)
        } else if flg & mask != 0 {
            out += "<ignored>"
        } else {
            out += "<unassigned>"
        }
        if virtual { out += " [virtual]" }
        if flg & 1 == 0 { out += " [disabled]" } else if !virtual && cmd & Command.memory == 0 { out += " [disabled by cmd]" }
        if ioflg & 0x20 != 0 { out += " [enhanced]" }
        out += Self.size(len) + "\n"
    }

    static func range(_ prefix: String, _ base: UInt64, _ limit: UInt64, bits: Int, disabled: Bool, verbose: Int) -> String {
        var s = prefix + ":"
        let width = (bits + 3) / 4
        if base <= limit || verbose > 2 { s += " " + hex(base, width) + "-" + hex(limit, width) }
        if !disabled && base <= limit { s += size(limit &- base &+ 1) } else { s += " [disabled]" }
        if bits != 0 { s += " [\(bits)-bit]" }
        return s + "\n"
    }

    func bridge(_ d: DeviceDescription, vendorID: UInt16, deviceID: UInt16, into out: inout String) {
        let c = d.config, p = d.platform
        var ioBase = UInt64(c.byte(0x1c)), ioLimit = UInt64(c.byte(0x1d))
        let ioType = ioBase & 0xf
        var memBase = UInt64(c.word(0x20)), memLimit = UInt64(c.word(0x22))
        let memType = memBase & 0xf
        let prefBase = UInt64(c.word(0x24)), prefLimit = UInt64(c.word(0x26))
        let prefType = prefBase & 0xf
        let secStatus = c.word(0x1e), brc = c.word(0x3e)
        let known = p.bridgeBasesKnown
        let ioDisabled = known && p.bridgeWindows[0].size == 0
        let memDisabled = known && p.bridgeWindows[1].size == 0
        let prefDisabled = known && p.bridgeWindows[2].size == 0
        bases(d, count: 2, withoutConfig: false, into: &out)
        out += "\tBus: primary=\(hex(c.byte(0x18), 2)), secondary=\(hex(c.byte(0x19), 2)), subordinate=\(hex(c.byte(0x1a), 2)), sec-latency=\(c.byte(0x1b))\n"
        if known && !ioDisabled {
            let b = p.bridgeWindows[0].base & ~UInt64(0xf)
            let bits = p.bridgeWindows[0].base & 0xf == 1 ? 32 : 16
            out += Self.range("\tI/O behind bridge", b, b &+ p.bridgeWindows[0].size &- 1, bits: bits, disabled: ioDisabled, verbose: verbose)
        } else if ioType != ioLimit & 0xf || (ioType != 0 && ioType != 1) {
            out += "\t!!! Unknown I/O range types \(String(ioBase, radix: 16))/\(String(ioLimit, radix: 16))\n"
        } else {
            ioBase = (ioBase & ~0xf) << 8
            ioLimit = (ioLimit & ~0xf) << 8
            if ioType == 1 {
                ioBase |= UInt64(c.word(0x30)) << 16
                ioLimit |= UInt64(c.word(0x32)) << 16
            }
            if !(ioBase == 0 && ioLimit == 0 && ioDisabled) {
                out += Self.range("\tI/O behind bridge", ioBase, ioLimit + 0xfff, bits: ioType == 1 ? 32 : 16, disabled: ioDisabled, verbose: verbose)
            }
        }
        if known && !memDisabled {
            let b = p.bridgeWindows[1].base & ~UInt64(0xf)
            out += Self.range("\tMemory behind bridge", b, b &+ p.bridgeWindows[1].size &- 1, bits: 32, disabled: memDisabled, verbose: verbose)
        } else if memType != memLimit & 0xf || memType != 0 {
            out += "\t!!! Unknown memory range types \(String(memBase, radix: 16))/\(String(memLimit, radix: 16))\n"
        } else {
            memBase = (memBase & ~0xf) << 16
            memLimit = (memLimit & ~0xf) << 16
            out += Self.range("\tMemory behind bridge", memBase, memLimit + 0xfffff, bits: 32, disabled: memDisabled, verbose: verbose)
        }
        if known && !prefDisabled {
            let b = p.bridgeWindows[2].base & ~UInt64(0xf)
            let bits = p.bridgeWindows[2].base & 0xf == 1 ? 64 : 32
            out += Self.range("\tPrefetchable memory behind bridge", b, b &+ p.bridgeWindows[2].size &- 1, bits: bits, disabled: prefDisabled, verbose: verbose)
        } else if prefType != prefLimit & 0xf || (prefType != 0 && prefType != 1) {
            out += "\t!!! Unknown prefetchable memory range types \(String(prefBase, radix: 16))/\(String(prefLimit, radix: 16))\n"
        } else {
            var b = (prefBase & ~0xf) << 16, l = (prefLimit & ~0xf) << 16
            if prefType == 1 {
                b |= UInt64(c.long(0x28)) << 32
                l |= UInt64(c.long(0x2c)) << 32
            }
            if !(b == 0 && l == 0 && prefDisabled) {
                out += Self.range("\tPrefetchable memory behind bridge", b, l + 0xfffff, bits: prefType == 1 ? 64 : 32, disabled: prefDisabled, verbose: verbose)
            }
        }
        if verbose > 1 {
            out += "\tSecondary status: 66MHz\(fl(secStatus, Status.mhz66)) FastB2B\(fl(secStatus, Status.fastBack)) ParErr\(fl(secStatus, Status.parity)) DEVSEL=\(Status.devsel(secStatus)) >TAbort\(fl(secStatus, Status.sigTargetAbort)) <TAbort\(fl(secStatus, Status.recTargetAbort)) <MAbort\(fl(secStatus, Status.recMasterAbort)) <SERR\(fl(secStatus, Status.sigSystemError)) <PERR\(fl(secStatus, Status.detectedParity))\n"
        }
        rom(d, register: 0x38, into: &out)
        if verbose > 1 {
            out += "\tBridgeCtl: Parity\(fl(brc, 0x1)) SERR\(fl(brc, 0x2)) NoISA\(fl(brc, 0x4)) VGA\(fl(brc, 0x8)) VGA16\(fl(brc, 0x10)) MAbort\(fl(brc, 0x20)) >Reset\(fl(brc, 0x40)) FastB2B\(fl(brc, 0x80))\n"
            out += "\t\tPriDiscTmr\(fl(brc, 0x100)) SecDiscTmr\(fl(brc, 0x200)) DiscTmrStat\(fl(brc, 0x400)) DiscTmrSERREn\(fl(brc, 0x800))\n"
        }
        capabilities(d, vendorID: vendorID, deviceID: deviceID, into: &out)
    }

    func cardBus(_ d: DeviceDescription, vendorID: UInt16, deviceID: UInt16, into out: inout String) {
        let c = d.config
        let cmd = c.command, brc = c.word(0x3e)
        let verb = verbose > 2
        bases(d, count: 1, withoutConfig: false, into: &out)
        out += "\tBus: primary=\(hex(c.byte(0x18), 2)), secondary=\(hex(c.byte(0x19), 2)), subordinate=\(hex(c.byte(0x1a), 2)), sec-latency=\(c.byte(0x1b))\n"
        for i in 0..<2 {
            let base = c.long(0x1c + 8 * i), limit = c.long(0x20 + 8 * i) &+ 0xfff
            if base <= limit || verb {
                out +=
                    "\tMemory window \(i): \(hex(base, 8))-\(hex(limit, 8))" + (cmd & Command.memory != 0 ? "" : " [disabled]")
                    + (brc & (0x100 << i) != 0 ? " (prefetchable)" : "") + "\n"
            }
        }
        for i in 0..<2 {
            var base = c.long(0x2c + 8 * i), limit = c.long(0x30 + 8 * i)
            if base & 1 == 0 { base &= 0xffff; limit &= 0xffff }
            base &= ~UInt32(3)
            limit = (limit & ~UInt32(3)) &+ 3
            if base <= limit || verb {
                out += "\tI/O window \(i): \(hex(base, 8))-\(hex(limit, 8))" + (cmd & Command.io != 0 ? "" : " [disabled]") + "\n"
            }
        }
        if c.word(0x16) & Status.sigSystemError != 0 { out += "\tSecondary status: SERR\n" }
        if verbose > 1 {
            out += "\tBridgeCtl: Parity\(fl(brc, 0x1)) SERR\(fl(brc, 0x2)) ISA\(fl(brc, 0x4)) VGA\(fl(brc, 0x8)) MAbort\(fl(brc, 0x20)) >Reset\(fl(brc, 0x40)) 16bInt\(fl(brc, 0x80)) PostWrite\(fl(brc, 0x400))\n"
        }
        guard c.has(0, 128) else {
            out += "\t<access denied to the rest>\n"
            return
        }
        let exca = c.word(0x44)
        if exca != 0 { out += "\t16-bit legacy interface ports at \(hex(exca, 4))\n" }
        capabilities(d, vendorID: vendorID, deviceID: deviceID, into: &out)
    }

    func unknownHeader(_ d: DeviceDescription, into out: inout String) {
        if busCentric { return }
        let p = d.platform
        bases(d, count: 6, withoutConfig: true, into: &out)
        for i in 0..<4 where p.bridgeWindows[i].base != 0 {
            let w = p.bridgeWindows[i]
            let prefix: String, bits: Int
            if w.flags & 0x100 != 0 {
                bits = w.flags & 1 != 0 ? 16 : 32; prefix = "\tI/O behind bridge"
            } else if w.flags & 0x200 != 0 {
                bits = w.flags & 0x100000 != 0 ? 64 : 32
                prefix = w.flags & 0x2000 != 0 ? "\tPrefetchable memory behind bridge" : "\tMemory behind bridge"
            } else {
                bits = 0; prefix = "\tUnknown resource behind bridge"
            }
            out += Self.range(prefix, w.base, w.base &+ w.size &- 1, bits: bits, disabled: false, verbose: verbose)
        }
        rom(d, register: -1, into: &out)
    }
}
