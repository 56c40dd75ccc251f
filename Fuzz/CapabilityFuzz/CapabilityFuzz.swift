import FuzzDriver
import PCICapabilities

/// Names are not what this target tests: the subsystem line gets a fixed one.
struct NoNames: DeviceNames {
    func subsystemName(vendor: UInt16, device: UInt16, subvendor: UInt16, subdevice: UInt16) -> String { "Subsystem" }
}

/// libFuzzer entry: any bytes as a config space (the first byte picks how many of the rest are
/// config and how many VPD, so short, 64-byte, 256-byte and extended spaces all come up), decoded
/// and rendered as lspci -v, -vv and -vvv. Nothing may crash, -vv repeats each -v capability
/// line it does not extend, and the same bytes read on demand render the same -vvv text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let split = min(bytes.count, [64, 128, 256, 4096, bytes.count][Int(data[0]) % 5])
    let config = Array(bytes[0..<split])
    let vpd: [UInt8]? = data[0] & 0x80 != 0 ? Array(bytes[split...]) : nil
    var platform = PlatformFacts()
    platform.vpd = vpd
    let description = DeviceDescription(config: ConfigSpace(config), platform: platform, deviceNumber: Int(data[0] >> 3) & 1)
    var outputs: [String] = []
    for verbose in 1...3 {
        var out = ""
        LspciVerboseText(verbose: verbose, names: NoNames()).render(description, vendorID: 0x8086, deviceID: 0x1229, into: &out)
        // No property of the lines' shape holds for every input, as in lspci: a capability it
        // cannot decode (PCI-X on a CardBus bridge) is a bare prefix without its newline, and an
        // interrupt pin past 'D' prints 'A' + pin - 1 as a byte, which can be a newline.
        precondition(out.isEmpty || out.hasPrefix("\t"), "a body that does not start with a tab")
        outputs.append(out)
    }
    // The -v capability lines of the standard list appear unchanged at -vv (detail goes below them).
    let plain = outputs[0].split(separator: "\n").filter { $0.hasPrefix("\tCapabilities: [") && $0.count > 19 && $0.dropFirst(17).first == "]" }
    let detailed = Set(outputs[1].split(separator: "\n"))
    for line in plain where !line.contains("Express") {
        precondition(detailed.contains(line), "-vv lost the -v line \(line)")
    }
    // The same bytes read on demand (as from a device: the header known, the rest all or
    // nothing per read) render the same text.
    let lazy = ConfigSpace(reading: Array(config.prefix(64))) { offset, buffer in
        guard offset + buffer.count <= config.count else { return false }
        for i in 0..<buffer.count { buffer[i] = config[offset + i] }
        return true
    }
    var onDemand = ""
    LspciVerboseText(verbose: 3, names: NoNames()).render(DeviceDescription(config: lazy, platform: platform, deviceNumber: Int(data[0] >> 3) & 1), vendorID: 0x8086, deviceID: 0x1229, into: &onDemand)
    precondition(onDemand == outputs[2], "the space read on demand renders differently")
    return 0
}

// SwiftPM links an executable's entry point as `CapabilityFuzz_main`; libFuzzer's driver takes it over.
@_cdecl("CapabilityFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzz)
}
