import FuzzDriver
import PCIEmulation

/// libFuzzer entry: any bytes as a trace script, run against a guest bus. Neither the parser nor
/// the port path may crash, and the captured host bytes must never change.
let captured: [UInt8] = {
    var c = [UInt8](repeating: 0, count: 256)
    for (o, b) in [
        (0, 0x86), (1, 0x80), (2, 0x29), (3, 0x12), (6, 0x10), (0x0b, 0x02), (0x10, 0x00), (0x12, 0x10), (0x13, 0xc0),
        (0x14, 0x41), (0x15, 0x20), (0x34, 0x40), (0x40, 0x05), (0x41, 0x50), (0x50, 0x0a), (0x3d, 1),
    ] as [(Int, UInt8)] { c[o] = b }
    return c
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let script = try? TraceScript(parsing: text) else { return 0 }
    let devices = [
        PassthroughDevice(hostBus: 2, hostDevice: 9, hostFunction: 0, config: captured, barSizes: [4096, 64], hostIRQ: 21, virtualSlot: 9),
        PassthroughDevice(hostBus: 2, hostDevice: 9, hostFunction: 1, config: captured, barSizes: [1 << 33, 0], permissive: true),
    ]
    guard let bus = try? GuestBus(devices: devices) else { fatalError("fixture bus") }
    _ = script.run(on: bus)
    precondition(
        bus.capturedBytes(slot: 9, function: 0) == captured && bus.capturedBytes(slot: 9, function: 1) == captured,
        "captured host bytes changed")
    return 0
}

// SwiftPM links an executable's entry point as `TraceFuzz_main`; libFuzzer's driver takes it over.
@_cdecl("TraceFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzz)
}
