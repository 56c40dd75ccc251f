import PCIInventory
import PCIModel

/// libFuzzer entry: any bytes as an lspci dump. The checker must never crash; a dump it accepts,
/// written back in lspci's format, must read back to the same devices and bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let dump = try? DumpFile.parse(bytes, path: "fuzz") else { return 0 }
    var text = ""
    for d in dump.devices {
        // Titles are free text (possibly invalid UTF-8); a fixed one keeps the line lengths known.
        text += d.address.description + " device\n"
        for (i, b) in d.config.enumerated() {
            if i % 16 == 0 { text += hex(i, 2) + ":" }
            text += " " + hex(b, 2)
            if i % 16 == 15 || i == d.config.count - 1 { text += "\n" }
        }
        text += "\n"
    }
    guard let again = try? DumpFile.parse(Array(text.utf8), path: "again") else {
        fatalError("a dump written back does not parse")
    }
    precondition(again.devices.map(\.address) == dump.devices.map(\.address), "addresses differ")
    precondition(again.devices.map(\.config) == dump.devices.map(\.config), "bytes differ")
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

@_cdecl("DumpFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
