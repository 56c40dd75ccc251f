import PCICapabilities
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// What libpci's sysfs_fill_info reads of a function for lspci's verbose listing (`irq`,
/// `resource`, `numa_node`, `of_node`) and its config space beyond the header, read straight
/// from the function's directory, so that a listing can describe many functions at once on
/// separate descriptors (libpci keeps one device's state in its `pci_access`, which threads
/// cannot share).
///
/// Only the kernel's exact formats are accepted ("%u\n", "%d\n", "0x%016llx 0x%016llx
/// 0x%016llx\n" lines); for anything else (a missing or unreadable file, other spelling, a
/// short `resource`, an `of_node` link, a config read that fails) the answer is nil, and the
/// function is described by libpci as before, with its warnings or its error. So the odd cases
/// stay libpci's, and `SysfsPlatformTests` holds the two equal.
public enum SysfsPlatform {
    /// libpci reads at most this many lines of `resource` (6 BARs, the ROM, 6 IOV BARs, 4 bridge windows, 1).
    static let resourceLines = 7 + 6 + 4 + 1

    /// "0\n" or a decimal without leading zeros (at most 9 digits, so that it fits libpci's
    /// `int` as strtol(3) reads it), "-" first when `signed`: the value; nil for anything else.
    public static func decimal(_ text: [UInt8], signed: Bool) -> Int? {
        var digits = text[...]
        guard digits.last == 0x0a else { return nil }
        digits.removeLast()
        let negative = signed && digits.first == UInt8(ascii: "-")
        if negative { digits.removeFirst() }
        guard let first = digits.first, digits.count <= 9, first != UInt8(ascii: "0") || digits.count == 1 && !negative else { return nil }
        var v = 0
        for c in digits {
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int(c - UInt8(ascii: "0"))
        }
        return negative ? -v : v
    }

    /// What libpci's sysfs_get_resources makes of a `resource` file.
    public struct Resources: Equatable {
        public var regions: [PlatformFacts.Region]
        public var rom: PlatformFacts.Region
        /// The bridge windows, when the file has the 11 or 17 lines that carry them.
        public var bridgeWindows: [PlatformFacts.Region]?
    }

    /// The resources of a `resource` file whose first lines (up to libpci's 18) are each three
    /// "0x" + 16 lower-case hex digits fields and a newline, and which has at least the 7 lines
    /// of the BARs and the ROM; nil otherwise (libpci then reads fewer, from the config space,
    /// or stops at a syntax error).
    public static func resources(_ text: [UInt8]) -> Resources? {
        let lineLength = 3 * 19
        var fields: [(start: UInt64, end: UInt64, flags: UInt64)] = []
        var at = 0
        while fields.count < resourceLines && at < text.count {
            guard at + lineLength <= text.count, text[at + lineLength - 1] == 0x0a,
                let start = hex64(text, at), text[at + 18] == 0x20,
                let end = hex64(text, at + 19), text[at + 37] == 0x20,
                let flags = hex64(text, at + 38)
            else { return nil }
            fields.append((start, end, flags))
            at += lineLength
        }
        guard fields.count >= 7 else { return nil }
        func region(_ k: Int, flagBits: Bool) -> PlatformFacts.Region {
            let f = fields[k]
            // PCI_ADDR_FLAG_MASK: the low bits of the flags go into a BAR's or the ROM's base.
            return PlatformFacts.Region(
                base: f.start | (flagBits ? f.flags & 0xf : 0),
                size: f.end > f.start ? f.end - f.start + 1 : 0, flags: f.flags)
        }
        var r = Resources(regions: (0..<6).map { region($0, flagBits: true) }, rom: region(6, flagBits: true))
        // As the kernel writes it: 4 bridge windows after the ROM, or after 6 IOV BARs.
        if fields.count == 7 + 4 || fields.count == 7 + 6 + 4 {
            let first = fields.count == 7 + 4 ? 7 : 13
            r.bridgeWindows = (first..<first + 4).map { region($0, flagBits: false) }
        }
        return r
    }

    /// "0x" and 16 lower-case hex digits at `at`.
    private static func hex64(_ text: [UInt8], _ at: Int) -> UInt64? {
        guard text[at] == UInt8(ascii: "0"), text[at + 1] == UInt8(ascii: "x") else { return nil }
        return SysfsIdentityReader.lowerHex(text[(at + 2)..<(at + 18)])
    }

    /// The platform facts of the function in `directory` as libpci's fill_info gives them for
    /// the verbose listing (the physical slot, read once for all functions, is given); nil when
    /// any file is not in the kernel's usual form.
    static func facts(_ directory: String, reader: SysfsAttributes, physicalSlot: String?) -> PlatformFacts? {
        // `irq` and `resource` must be there (libpci stops without them); `numa_node` may be absent.
        guard case .bytes(let irqText) = reader.contents(directory, "irq", limit: 1024),
            let irq = decimal(irqText, signed: false),
            case .bytes(let resourceText) = reader.contents(directory, "resource", limit: 4096),
            let resources = resources(resourceText)
        else { return nil }
        guard var facts = machineFacts(directory, reader: reader, physicalSlot: physicalSlot) else { return nil }
        facts.irq = irq
        facts.regions = resources.regions
        facts.rom = resources.rom
        // libpci marks every resource field known once it reads the file (want_fill), the
        // bridge windows only when it found them.
        facts.sizesKnown = true
        facts.ioFlagsKnown = true
        if let windows = resources.bridgeWindows {
            facts.bridgeWindows = windows
            facts.bridgeBasesKnown = true
        }
        return facts
    }

    /// The platform facts of the function in `directory` for lspci -b -v: the regions, ROM and
    /// IRQ as libpci's pci_generic_fill_info reads them from the standard `header` (the
    /// bus-centric view: no sizes, no flags, no bridge windows), the rest as for -vmm; nil
    /// without a whole header, for a 64-bit BAR in a header's last BAR (where libpci warns), or
    /// where `machineFacts` is nil.
    static func busCentricFacts(_ directory: String, reader: SysfsAttributes, physicalSlot: String?, header: [UInt8]) -> PlatformFacts? {
        guard header.count >= 64, var facts = machineFacts(directory, reader: reader, physicalSlot: physicalSlot) else { return nil }
        func long(_ o: Int) -> UInt32 { UInt32(header[o]) | UInt32(header[o + 1]) << 8 | UInt32(header[o + 2]) << 16 | UInt32(header[o + 3]) << 24 }
        let type = header[0x0e] & 0x7f
        let count = type == 0 ? 6 : type == 1 ? 2 : type == 2 ? 1 : 0
        var i = 0
        while i < count {
            let x = long(0x10 + 4 * i)
            if x != 0 && x != 0xffff_ffff {
                if x & 1 == 1 || x & 6 != 4 {
                    facts.regions[i].base = UInt64(x)  // I/O, or 32-bit memory
                } else if i >= count - 1 {
                    return nil  // "Invalid 64-bit address seen": libpci's warning
                } else {
                    i += 1
                    facts.regions[i - 1].base = UInt64(x) | UInt64(long(0x10 + 4 * i)) << 32
                }
            }
            i += 1
        }
        let romRegister = type == 0 ? 0x30 : type == 1 ? 0x38 : nil
        if let romRegister, long(romRegister) != 0xffff_ffff { facts.rom.base = UInt64(long(romRegister)) }
        facts.irq = Int(header[0x3c])
        return facts
    }

    /// What `-vmm` shows of the platform (lspci's show_machine: the physical slot, NUMA node,
    /// device-tree node and IOMMU group) as libpci's fill_info gives them; nil when `numa_node`
    /// is not in the kernel's form or cannot be read, or there is an `of_node` link.
    static func machineFacts(_ directory: String, reader: SysfsAttributes, physicalSlot: String?) -> PlatformFacts? {
        var facts = PlatformFacts()
        switch reader.contents(directory, "numa_node", limit: 1024) {
        case .absent: break
        case .failed: return nil
        case .bytes(let text):
            guard let node = decimal(text, signed: true) else { return nil }
            facts.numaNode = node
        }
        // A device-tree node is a path libpci finds with realpath(3): left to libpci.
        if reader.isLink(directory, "of_node") { return nil }
        facts.physicalSlot = physicalSlot
        facts.iommuGroup = reader.linkedName(directory, "iommu_group")
        return facts
    }

    /// A function's config space beyond the header, read as libpci's sysfs_read reads it: one
    /// pread(2) of each range from `config`, opened when first needed; a short read is a range
    /// that cannot be read (as a user, past 64 bytes), a failed open or read is `trouble`, where
    /// libpci would warn.
    final class ConfigReader {
        private let directory: String
        private let reader: SysfsAttributes
        private var fd: Int32 = -1
        private(set) var trouble = false

        init(_ directory: String, reader: SysfsAttributes) {
            self.directory = directory
            self.reader = reader
        }

        deinit { finish() }

        func read(_ offset: Int, _ buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
            if trouble { return false }
            if fd < 0 {
                guard let opened = reader.openFile(directory, "config") else { trouble = true; return false }
                fd = opened
            }
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n < 0 { trouble = true }
            return n == buffer.count
        }

        /// Closes the config file (a later read opens it again).
        func finish() {
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }
}
