#if canImport(Glibc)
import Glibc
#endif

/// The lines of a pci.ids file that name a given set of devices: the lines of the vendors asked
/// for, the device lines (with their subsystem lines) of the devices asked for, and every class.
///
/// lspci spends most of its run loading the whole 36,000-line file into libpci's hash table.
/// libpci loads such an extract in a fraction of that time and answers exactly the same for
/// every id in the set, because the extract holds those ids' lines byte for byte. `Inventory`
/// hands it to libpci, and goes back to the whole file for any lookup outside the set.
///
/// The file is checked line by line as libpci's parser checks it (hex ids, the separator, a
/// name, nesting), so a file libpci would refuse is never made loadable by leaving its bad
/// line out: `extract` is nil then, and libpci loads the whole file and reports what it
/// reports. Also nil for a generic subsystem block (`S vvvv`, whose check needs every vendor)
/// and for ids out of pci.ids's sorted order, where a duplicate entry (which libpci refuses
/// too) could be.
public struct IDExtract: Equatable, Sendable {
    public var vendors: Set<UInt16>
    /// `vendor << 16 | device`.
    public var devices: Set<UInt32>

    public init(vendors: Set<UInt16> = [], devices: Set<UInt32> = []) {
        self.vendors = vendors
        self.devices = devices
    }

    public static func key(vendor: UInt16, device: UInt16) -> UInt32 { UInt32(vendor) << 16 | UInt32(device) }

    public func contains(vendor: UInt16, device: UInt16?) -> Bool {
        vendors.contains(vendor) && (device.map { devices.contains(Self.key(vendor: vendor, device: $0)) } ?? true)
    }

    /// What the lines read last belong to.
    private enum Block { case none, vendor, deviceClass, reserved }

    public func extract(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let first = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return [] }
        // A tight loop over raw bytes: it runs over 36,000 lines to keep a few dozen, and must
        // cost a small part of what libpci's own parse of the whole file costs.
        let end = first + text.count
        var out: [UInt8] = []
        out.reserveCapacity(32 * 1024)
        var block = Block.none
        var keepVendor = false, sawDevice = false, keepDevice = false
        var vendor: UInt16 = 0
        // libpci refuses a file with a duplicate entry, wherever it is. pci.ids is sorted, so
        // an id that does not increase on its level is the only place one could hide, and
        // then the whole file is left to libpci to judge (nil).
        var lastVendor = -1, lastDevice = -1, lastSubsystem = -1, lastClass = -1, lastSubclass = -1, lastProgIf = -1
        // Lines end at a CR too; looked for byte by byte only in a file that has one.
        let hasCR = memchr(first, 0x0d, text.count) != nil
        var line = first
        while line < end {
            let newline = memchr(line, 0x0a, end - line).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
            let next = newline.map { $0 + 1 } ?? end
            let start = line
            line = next
            // libpci reads lines into a buffer of 1024 bytes and refuses longer ones; it ends a
            // line at the first CR or LF.
            guard next - start < 1000 else { return nil }
            var stop = newline ?? end
            if hasCR {
                stop = start
                while stop < next && stop.pointee != 0x0a && stop.pointee != 0x0d { stop += 1 }
            }
            var p = start
            while p < stop && p.pointee == 0x09 { p += 1 }
            let tabs = p - start
            var q = p
            while q < stop && (q.pointee == 0x20 || q.pointee == 0x09) { q += 1 }
            if q == stop || q.pointee == UInt8(ascii: "#") { continue }  // blank or comment
            if tabs > 0 && block == .reserved { continue }
            let rest = stop - p
            switch tabs {
            case 0:
                let c = p.pointee
                if rest >= 2 && p[1] == 0x20 && c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") {
                    if c == UInt8(ascii: "C") {
                        guard let id = Self.named(p + 2, stop, digits: 2), Int(id) > lastClass else { return nil }
                        lastClass = Int(id)
                        lastSubclass = -1
                        block = .deviceClass
                        out.append(contentsOf: UnsafeBufferPointer(start: start, count: next - start))
                    } else if c == UInt8(ascii: "S") {
                        return nil  // a generic subsystem block: its check needs every vendor
                    } else {
                        block = .reserved
                    }
                    continue
                }
                guard let id = Self.named(p, stop, digits: 4), Int(id) > lastVendor else { return nil }
                lastVendor = Int(id)
                lastDevice = -1
                block = .vendor
                vendor = UInt16(id)
                keepVendor = vendors.contains(vendor)
                sawDevice = false
                keepDevice = false
                if keepVendor { out.append(contentsOf: UnsafeBufferPointer(start: start, count: next - start)) }
            case 1, 2:
                if block == .deviceClass {
                    guard let id = Self.named(p, stop, digits: 2) else { return nil }
                    if tabs == 1 {
                        guard Int(id) > lastSubclass else { return nil }
                        lastSubclass = Int(id)
                        lastProgIf = -1
                    } else {
                        guard lastSubclass >= 0, Int(id) > lastProgIf else { return nil }
                        lastProgIf = Int(id)
                    }
                    out.append(contentsOf: UnsafeBufferPointer(start: start, count: next - start))
                    continue
                }
                guard block == .vendor else { return nil }
                if tabs == 1 {
                    guard let id = Self.named(p, stop, digits: 4), Int(id) > lastDevice else { return nil }
                    lastDevice = Int(id)
                    lastSubsystem = -1
                    sawDevice = true
                    keepDevice = keepVendor && devices.contains(Self.key(vendor: vendor, device: UInt16(id)))
                } else {
                    // A subsystem: `vvvv dddd  name`, under a device.
                    guard sawDevice, rest > 5, let sv = Self.hex(p, digits: 4), p[4] == 0x20 || p[4] == 0x09,
                        let sd = Self.named(p + 5, stop, digits: 4), Int(sv) << 16 | Int(sd) > lastSubsystem
                    else { return nil }
                    lastSubsystem = Int(sv) << 16 | Int(sd)
                }
                if keepDevice { out.append(contentsOf: UnsafeBufferPointer(start: start, count: next - start)) }
            default:
                return nil
            }
        }
        return out
    }

    /// `digits` hex digits at `p`, then a space or tab, then a name that is not all blank,
    /// before `stop`: the id, else nil.
    @inline(__always)
    private static func named(_ p: UnsafePointer<UInt8>, _ stop: UnsafePointer<UInt8>, digits: Int) -> UInt32? {
        guard stop - p > digits, let id = hex(p, digits: digits) else { return nil }
        var k = p + digits
        guard k.pointee == 0x20 || k.pointee == 0x09 else { return nil }
        while k < stop && (k.pointee == 0x20 || k.pointee == 0x09) { k += 1 }
        return k < stop ? id : nil
    }

    @inline(__always)
    private static func hex(_ p: UnsafePointer<UInt8>, digits: Int) -> UInt32? {
        var v: UInt32 = 0
        for k in 0..<digits {
            let c = p[k]
            let d: UInt8
            if c &- 0x30 < 10 { d = c &- 0x30 } else if c | 0x20 &- 0x61 < 6 { d = (c | 0x20) &- 0x57 } else { return nil }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}
