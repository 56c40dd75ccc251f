import PCISpec
import PCIState

/// libFuzzer entry: any bytes as a state file and as an /etc/default/grub. Neither reader may
/// crash; a state that loads must serialise and load back to the same value; an edit must be
/// idempotent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let json = try? JSON.parse(bytes), let state = try? PCIHideState(json: json) {
        let again = try? PCIHideState(json: JSON.parse(Array(state.json().serialized().utf8)))
        precondition(again == state, "state does not round-trip")
        precondition(state.serializedBytes() == state.json().serializedBytes(), "the direct writer differs from the JSON writer")
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if let once = try? GrubDefaultFile.edit(text, style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)") {
        let twice = try? GrubDefaultFile.edit(once, style: .xenPciback, token: "xen-pciback.hide=(0000:02:09.0)")
        precondition(twice == once, "grub edit is not idempotent")
    }
    return 0
}

// SwiftPM links an executable's entry point as `StateFuzz_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

@_cdecl("StateFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
