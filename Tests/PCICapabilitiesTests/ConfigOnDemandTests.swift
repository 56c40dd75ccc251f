import PropertyBased
import Testing

@testable import PCICapabilities

/// A config space read on demand (as lspci reads, for real hardware) decodes exactly as the
/// same bytes given whole, for any readable length, and reads only what the decoders ask for.
@Suite("config space read on demand")
struct ConfigOnDemandTests {
    /// Counts the source's reads and refuses any past `readable`, all or nothing, as libpci.
    final class Source {
        let bytes: [UInt8], readable: Int
        var reads = 0, bytesRead = 0
        init(_ bytes: [UInt8], readable: Int) { self.bytes = bytes; self.readable = readable }
        func read(_ offset: Int, _ buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
            reads += 1
            guard offset + buffer.count <= readable else { return false }
            for i in 0..<buffer.count { buffer[i] = bytes[offset + i] }
            bytesRead += buffer.count
            return true
        }
    }

    static func text(_ space: ConfigSpace, verbose: Int) -> String {
        var platform = PlatformFacts()
        platform.vpd = [0x82, 0x02, 0x00, 0x41, 0x42, 0x78]
        var out = ""
        let d = DeviceDescription(config: space, platform: platform)
        LspciVerboseText(verbose: verbose, names: NoNames()).render(d, vendorID: space.vendorID, deviceID: space.deviceID, into: &out)
        out += "\n" + String(describing: PassthroughFeatures(d).fields)
        return out
    }

    /// Random config bytes, often with a capability list and a PCI Express capability (so that
    /// the extended list is walked), and any readable length; the header (64 bytes, or fewer
    /// when fewer are readable) is known beforehand, as after a scan.
    @Test func decodesAsTheBytesGivenWhole() async {
        let input = Gen.int(in: 0...Int(UInt32.max)).array(of: 1024...1024).map { words -> ([UInt8], Int) in
            var bytes = words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> ($0 * 8)) } }
            let lengths = [0, 63, 64, 100, 128, 255, 256, 300, 1024, 4095, 4096]
            let readable = lengths[Int(UInt32(truncatingIfNeeded: words[0])) % lengths.count]
            if words[1] & 1 == 0 {
                bytes[0x06] |= 0x10; bytes[0x34] = 0x40
                bytes[0x40] = 0x10; bytes[0x41] = UInt8(truncatingIfNeeded: words[2]) & 0xfc
            }
            return (bytes, readable)
        }
        await propertyCheck(count: 300, input: input) { pair in
            let (bytes, readable) = pair
            let whole = ConfigSpace(Array(bytes.prefix(readable)))
            for verbose in 1...3 {
                let source = Source(bytes, readable: readable)
                let lazy = ConfigSpace(reading: Array(bytes.prefix(min(64, readable))), from: source.read)
                #expect(Self.text(lazy, verbose: verbose) == Self.text(whole, verbose: verbose))
            }
        }
    }

    /// A device with no capability list reads nothing past its header; one with a short chain
    /// reads its dwords, not the space.
    @Test func readsOnlyWhatTheDecodersAskFor() {
        var b = ConfigBuilder(status: 0)
        let plain = Source(b.bytes, readable: 4096)
        _ = Self.text(ConfigSpace(reading: Array(b.bytes.prefix(64)), from: plain.read), verbose: 3)
        #expect(plain.reads == 0)
        b.put16(6, 0x0010)
        b.cap(0x40, id: 0x01, next: 0x50, flags: 0x0003)  // power management
        b.cap(0x50, id: 0x10, next: 0, flags: 0x0002)  // PCI Express endpoint
        b.ext(0x100, id: 0x0001, next: 0)  // AER
        let chained = Source(b.bytes, readable: 4096)
        _ = Self.text(ConfigSpace(reading: Array(b.bytes.prefix(64)), from: chained.read), verbose: 3)
        #expect(chained.reads > 0)
        #expect(chained.bytesRead < 400, "read \(chained.bytesRead) bytes")
    }

    /// Unreadable bytes read 0 and are asked for once: the readable bytes are a prefix, so a
    /// failed range says every range ending as far fails too.
    @Test func failedRangesAreNotAskedAgain() {
        let source = Source([UInt8](repeating: 0xab, count: 4096), readable: 64)
        let space = ConfigSpace(reading: [UInt8](repeating: 0xab, count: 64), from: source.read)
        #expect(space.has(0, 64) && !space.has(0, 65) && !space.has(200, 4))
        #expect(space.byte(100) == 0 && space.long(300) == 0)
        #expect(!space.has(-1, 1) && !space.has(4095, 2))
        #expect(source.reads <= 2)
    }
}
