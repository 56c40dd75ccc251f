/// The capability lists of a config space, walked as lspci walks them (ls-caps.c show_caps and
/// ls-ecaps.c show_ext_caps), broken chains included: a list that runs past the readable bytes,
/// loops back, or reads 0xff ends with a marker instead of running on.
public struct CapabilityChain: Equatable, Sendable {
    /// How a list ended other than at a zero pointer.
    public enum End: Equatable, Sendable {
        /// The next entry lies past the bytes the source could read (a user's 64 bytes).
        case accessDenied
        /// The pointer came back to an entry already seen.
        case looped
        /// An ID of 0xff: the list points at unimplemented space.
        case broken
    }

    /// One entry of the standard list (offsets 0x40-0xff) or the extended one (0x100-0xfff).
    public struct Entry: Equatable, Sendable {
        public var offset: Int
        /// 8-bit ID for the standard list, 16-bit for the extended one.
        public var id: UInt16
        /// Standard: the 16-bit register after the ID and pointer. Extended: the version (4 bits).
        public var flags: UInt16
        public var extended: Bool
        /// Set on the entry where the walk stopped (its offset is where lspci printed the marker).
        public var end: End?
    }

    public var standard: [Entry] = []
    /// nil when the device has no PCI Express or PCI-X capability (lspci looks no further).
    public var extended: [Entry]?

    /// The PCI Express device/port type when the device has that capability (lspci passes it to
    /// the AER decoder), else -1.
    public var expressType: Int = -1

    public init(_ c: ConfigSpace) {
        let header = c.headerType
        let listPointer = header == HeaderType.cardBus ? 0x14 : 0x34
        var canHaveExtended = false
        if c.status & Status.capabilityList != 0 {
            var seen = [Bool](repeating: false, count: 256)
            var at = Int(c.byte(listPointer) & ~3)
            while at != 0 {
                guard c.has(at, 4) else {
                    standard.append(Entry(offset: at, id: 0, flags: 0, extended: false, end: .accessDenied))
                    break
                }
                let id = c.byte(at), next = Int(c.byte(at + 1) & ~3), flags = c.word(at + 2)
                if seen[at] {
                    standard.append(Entry(offset: at, id: UInt16(id), flags: flags, extended: false, end: .looped))
                    break
                }
                seen[at] = true
                if id == 0xff {
                    standard.append(Entry(offset: at, id: 0xff, flags: flags, extended: false, end: .broken))
                    break
                }
                standard.append(Entry(offset: at, id: UInt16(id), flags: flags, extended: false, end: nil))
                if id == CapabilityID.pciX { canHaveExtended = true }
                if id == CapabilityID.express {
                    canHaveExtended = true
                    expressType = Int((flags & 0x00f0) >> 4)
                }
                at = next
            }
        }
        guard canHaveExtended else { return }
        var list: [Entry] = []
        var seen = [Bool](repeating: false, count: 0x1000)
        var at = 0x100
        repeat {
            guard c.has(at, 4) else { break }
            let header = c.long(at)
            if header == 0 || header == 0xffff_ffff { break }
            if seen[at] {
                list.append(Entry(offset: at, id: UInt16(header & 0xffff), flags: UInt16((header >> 16) & 0xf), extended: true, end: .looped))
                break
            }
            seen[at] = true
            list.append(Entry(offset: at, id: UInt16(header & 0xffff), flags: UInt16((header >> 16) & 0xf), extended: true, end: nil))
            at = Int((header >> 20) & ~3)
        } while at != 0
        extended = list
    }

    /// The first complete entry with this ID.
    public func first(_ id: UInt16, extended wantExtended: Bool = false) -> Entry? {
        (wantExtended ? (extended ?? []) : standard).first { $0.id == id && $0.end == nil }
    }
}

/// Standard capability IDs (PCI Local Bus 3.0 and the PCI Code and ID Assignment specification).
public enum CapabilityID {
    public static let null: UInt16 = 0x00, powerManagement: UInt16 = 0x01, agp: UInt16 = 0x02, vpd: UInt16 = 0x03
    public static let slotID: UInt16 = 0x04, msi: UInt16 = 0x05, hotSwap: UInt16 = 0x06, pciX: UInt16 = 0x07
    public static let hyperTransport: UInt16 = 0x08, vendor: UInt16 = 0x09, debugPort: UInt16 = 0x0a
    public static let centralResource: UInt16 = 0x0b, hotPlug: UInt16 = 0x0c, bridgeSubsystem: UInt16 = 0x0d
    public static let agp3: UInt16 = 0x0e, secure: UInt16 = 0x0f, express: UInt16 = 0x10, msiX: UInt16 = 0x11
    public static let sata: UInt16 = 0x12, advancedFeatures: UInt16 = 0x13, enhancedAllocation: UInt16 = 0x14
}

/// Extended capability IDs (PCI Express Base specification, 7.6 onwards).
public enum ExtendedCapabilityID {
    public static let null: UInt16 = 0x00, aer: UInt16 = 0x01, vc: UInt16 = 0x02, dsn: UInt16 = 0x03
    public static let powerBudgeting: UInt16 = 0x04, rcLink: UInt16 = 0x05, rcInternalLink: UInt16 = 0x06
    public static let rcec: UInt16 = 0x07, mfvc: UInt16 = 0x08, vc2: UInt16 = 0x09, rcrb: UInt16 = 0x0a
    public static let vendor: UInt16 = 0x0b, acs: UInt16 = 0x0d, ari: UInt16 = 0x0e, ats: UInt16 = 0x0f
    public static let sriov: UInt16 = 0x10, mriov: UInt16 = 0x11, multicast: UInt16 = 0x12, pri: UInt16 = 0x13
    public static let resizableBAR: UInt16 = 0x15, dpa: UInt16 = 0x16, tph: UInt16 = 0x17, ltr: UInt16 = 0x18
    public static let secondaryPCIe: UInt16 = 0x19, pmux: UInt16 = 0x1a, pasid: UInt16 = 0x1b, lnr: UInt16 = 0x1c
    public static let dpc: UInt16 = 0x1d, l1pm: UInt16 = 0x1e, ptm: UInt16 = 0x1f, mpcie: UInt16 = 0x20
    public static let frs: UInt16 = 0x21, rtr: UInt16 = 0x22, dvsec: UInt16 = 0x23, vfResizableBAR: UInt16 = 0x24
    public static let dataLink: UInt16 = 0x25, gt16: UInt16 = 0x26, laneMargining: UInt16 = 0x27
    public static let hierarchyID: UInt16 = 0x28, npem: UInt16 = 0x29, doe: UInt16 = 0x2e
}
