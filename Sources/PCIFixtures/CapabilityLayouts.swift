/// Capability lists for generated config spaces: what real devices carry (PCIe ports and
/// endpoints with AER, ACS, ARI, ATS, SR-IOV, L1SS, DPC, LTR, PTM, resizable BAR, DSN, VPD;
/// legacy PCI and PCI-X devices) and broken chains (loops, an ID of ff, a pointer into the
/// header, an extended list that loops), so that the verbose listing is compared with lspci on
/// every kind without copying anybody's dump.
public enum CapabilityLayout: Int, CaseIterable, Sendable {
    /// The one capability every generated device had: power management.
    case powerManagement
    case expressEndpoint
    case expressEndpointNoExtendedSpace
    case legacy
    case loop
    case brokenID
    case intoHeader
    case extendedLoop
    case rootPort
    case switchPort
    /// PCIe endpoint whose only reset would be a bus reset: no FLR, PM with No_Soft_Reset set.
    case noSoftReset

    /// Writes the list into `c` (the status register's capability bit is already set), growing
    /// it to 4096 bytes when the layout has extended capabilities.
    func write(into c: inout [UInt8], vendor: UInt16) {
        func put16(_ o: Int, _ v: UInt16) { c[o] = UInt8(v & 0xff); c[o + 1] = UInt8(v >> 8) }
        func put32(_ o: Int, _ v: UInt32) { put16(o, UInt16(v & 0xffff)); put16(o + 2, UInt16(v >> 16)) }
        func cap(_ at: Int, _ id: UInt8, next: Int, _ flags: UInt16) { c[at] = id; c[at + 1] = UInt8(next); put16(at + 2, flags) }
        func ext(_ at: Int, _ id: UInt16, next: Int, version: UInt32 = 1) {
            if c.count < 4096 { c += [UInt8](repeating: 0, count: 4096 - c.count) }
            put32(at, UInt32(id) | version << 16 | UInt32(next) << 20)
        }
        c[0x34] = 0x40
        switch self {
        case .powerManagement:
            cap(0x40, 0x01, next: 0, 0xc803)
        case .expressEndpoint, .expressEndpointNoExtendedSpace:
            cap(0x40, 0x01, next: 0x50, 0x0003)
            cap(0x50, 0x05, next: 0x70, 0x0184)  // MSI, 64-bit, maskable, 4 vectors
            cap(0x70, 0x10, next: 0xb0, 0x0002)  // Express endpoint, v2
            put32(0x74, 0x1000_8fc0)  // DevCap: FLR
            put32(0x7c, 0x0043_3c83)  // LnkCap: 8 GT/s x8
            put16(0x82, 0x1083)  // LnkSta: 8 GT/s x8
            cap(0xb0, 0x11, next: 0, 0x803f)  // MSI-X, 64 vectors, enabled
            put32(0xb4, 0x0000_2000); put32(0xb8, 0x0000_3000)
            guard self == .expressEndpoint else { return }
            put32(0x94, 0x0010_2c22)  // DevCap2: LTR, 10-bit tags, OBFF, AtomicOps
            put16(0x98, 0x0415)  // DevCtl2: timeout, LTR
            put32(0x9c, 0x8000_000e)  // LnkCap2: 2.5-8 GT/s, DRS
            put16(0xa0, 0x0003)  // LnkCtl2: 8 GT/s
            put16(0xa2, 0x001e)  // LnkSta2: equalization done
            ext(0x100, 0x0001, next: 0x140, version: 2)  // AER
            put32(0x104, 0x0010_1000); put32(0x108, 0x0040_0000); put32(0x10c, 0x0006_2030)
            put32(0x110, 0x0000_2001); put32(0x114, 0x0000_2000); put32(0x118, 0x0000_01a0)
            put32(0x11c, 0x0400_0001); put32(0x120, 0xdead_beef)
            ext(0x140, 0x0003, next: 0x150)  // DSN
            put32(0x144, 0x0102_0304); put32(0x148, 0xa0b0_c0d0)
            ext(0x150, 0x000e, next: 0x160)  // ARI
            ext(0x160, 0x000f, next: 0x170)  // ATS
            ext(0x170, 0x0010, next: 0x1b0)  // SR-IOV
            put16(0x17c, 8); put16(0x17e, 64); put16(0x180, 4)
            put16(0x184, 0x0180); put16(0x186, 0x0002); put16(0x18a, 0x1018)
            put32(0x18c, 0x0000_0553); put32(0x190, 0x0000_0001)
            put32(0x194, 0x0000_000c); put32(0x198, 0x0000_0080); put32(0x19c, 0xe000_0000)
            ext(0x1b0, 0x0018, next: 0x1c0)  // LTR
            put16(0x1b4, 0x1003); put16(0x1b6, 0x1c01)
            ext(0x1c0, 0x001e, next: 0x1d0)  // L1 PM substates
            put32(0x1c4, 0x0028_281f); put32(0x1c8, 0x4064_280f); put32(0x1cc, 0x0000_0029)
            ext(0x1d0, 0x0015, next: 0x1e0)  // resizable BAR
            put32(0x1d4, 0x0000_fff0); put32(0x1d8, 0x0003_0820)
            ext(0x1e0, 0x001b, next: 0x1f0)  // PASID
            ext(0x1f0, 0x0013, next: 0x200)  // PRI
            ext(0x200, 0x0017, next: 0x220)  // TPH
            ext(0x220, 0x0019, next: 0x240)  // secondary PCIe
            ext(0x240, 0x0023, next: 0x260)  // DVSEC
            put32(0x244, 0x00c1_1e98 & 0xfff0_ffff | 0x0100_0000); put32(0x248, 0x0000)
            ext(0x260, 0x000b, next: 0x270)  // vendor specific
            put32(0x264, 0x0101_0001)
            ext(0x270, 0x001f, next: 0x280)  // PTM
            put32(0x274, 0x0000_1003); put32(0x278, 0x0000_ff01)
            ext(0x280, 0x0004, next: 0x290)  // power budgeting
            ext(0x290, 0x0025, next: 0x2a0)  // data link feature
            ext(0x2a0, 0x0026, next: 0x2c0)  // 16 GT/s
            ext(0x2c0, 0x0027, next: 0x2e0)  // lane margining
            ext(0x2e0, 0x002e, next: 0x300)  // DOE
            put32(0x2e4, 0x0000_0007); put32(0x2f0, 0x8000_0001)
            ext(0x300, 0x0024, next: 0x310)  // VF resizable BAR
            ext(0x310, 0x0033, next: 0)  // unknown
        case .legacy:
            cap(0x40, 0x01, next: 0x48, 0x0002)
            cap(0x48, 0x07, next: 0x50, 0x0000)  // PCI-X
            cap(0x50, 0x03, next: 0x58, 0x0000)  // VPD
            cap(0x58, 0x04, next: 0x5c, 0x0225)  // slot ID
            cap(0x5c, 0x08, next: 0x60, 0x8825)  // HyperTransport revision
            cap(0x60, 0x02, next: 0x68, 0x0030)  // AGP 3.0
            cap(0x68, 0x09, next: 0x70, 0x0008)  // vendor specific, Len=08
            cap(0x70, 0x0a, next: 0x74, 0x2080)  // debug port
            cap(0x74, 0x0c, next: 0x78, 0x0000)  // hot-plug
            cap(0x78, 0x0d, next: 0x80, 0x0000)  // bridge subsystem
            put16(0x7c, vendor); put16(0x7e, 0x0001)
            cap(0x80, 0x13, next: 0x88, 0x0306)  // advanced features
            cap(0x88, 0x12, next: 0x90, 0x0010)  // SATA
            // Enhanced allocation, one entry of two dwords (an entry of size 0 makes lspci
            // read bytes it never fetched, and it stops with "Internal bug").
            cap(0x90, 0x14, next: 0xa0, 0x0001)
            put32(0x94, 0x8000_0102); put32(0x98, 0xfe00_0000); put32(0x9c, 0x0000_0ffc)
            cap(0xa0, 0x06, next: 0xa4, 0x0000)  // hot-swap
            cap(0xa4, 0x0b, next: 0xa8, 0x0000)
            cap(0xa8, 0x0e, next: 0xac, 0x0000)
            cap(0xac, 0x0f, next: 0xb0, 0x0000)
            cap(0xb0, 0x00, next: 0xb4, 0x0000)  // null
            cap(0xb4, 0x42, next: 0, 0x1234)  // unknown
        case .loop:
            cap(0x40, 0x01, next: 0x50, 0x0003)
            cap(0x50, 0x05, next: 0x40, 0x0000)
        case .brokenID:
            cap(0x40, 0x01, next: 0x50, 0x0003)
            cap(0x50, 0xff, next: 0x60, 0xffff)
        case .intoHeader:
            c[0x34] = 0x2d  // masked to 0x2c: the subsystem ids
        case .extendedLoop:
            cap(0x40, 0x10, next: 0, 0x0002)
            ext(0x100, 0x0001, next: 0x180)
            ext(0x180, 0x000d, next: 0x100)
        case .rootPort:
            cap(0x40, 0x01, next: 0x50, 0x0003)
            cap(0x50, 0x05, next: 0x60, 0x0080)
            cap(0x60, 0x10, next: 0x90, 0x0142)  // root port, slot
            put32(0x64, 0x0000_8022); put32(0x6c, 0x0170_cc43)  // DevCap, LnkCap: 8 GT/s x4 ASPM
            put16(0x70, 0x0042); put16(0x72, 0x3022)  // LnkCtl, LnkSta: 2.5 GT/s x2
            put32(0x74, 0x0048_007b); put16(0x78, 0x17f1); put16(0x7a, 0x0048)  // slot
            put16(0x7c, 0x0010); put32(0x80, 0x0003_0010)  // RootCtl, RootSta
            cap(0x90, 0x0d, next: 0, 0x0000)
            put16(0x94, vendor); put16(0x96, 0x7270)
            ext(0x100, 0x0001, next: 0x140, version: 2)
            ext(0x140, 0x000d, next: 0x150)  // ACS
            put16(0x144, 0x005f); put16(0x146, 0x001d)
            ext(0x150, 0x001d, next: 0x160)  // DPC
            put16(0x154, 0x14e0); put16(0x156, 0x00c9); put16(0x158, 0x001f); put16(0x15a, 0x0300)
            ext(0x160, 0x001e, next: 0x170)
            ext(0x170, 0x001f, next: 0x180)
            ext(0x180, 0x0007, next: 0)  // RCEC association
        case .noSoftReset:
            cap(0x40, 0x01, next: 0x50, 0x0003)
            put16(0x44, 0x0008)  // PMCSR: No_Soft_Reset
            cap(0x50, 0x10, next: 0, 0x0002)  // Express endpoint, no FLR
        case .switchPort:
            cap(0x40, 0x10, next: 0x80, 0x0052)  // upstream port
            cap(0x80, 0x01, next: 0, 0x0003)
            ext(0x100, 0x0002, next: 0x200)  // VC
            put32(0x104, 0x0000_0001); put32(0x108, 0x0200_0006); put16(0x10c, 0x0002)
            put32(0x110, 0x0a02_8003); put32(0x114, 0x8000_00ff); put32(0x11c, 0x0000_0001)
            ext(0x200, 0x0012, next: 0)  // multicast
            put16(0x204, 0x8a3f); put16(0x206, 0x8003); put32(0x208, 0xfee0_1005)
            put32(0x210, 0x0000_00ff); put32(0x228, 0xc000_0007)
        }
    }
}
