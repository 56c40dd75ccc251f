import FuzzDriver
import PCISpec

/// libFuzzer entry: any bytes as a spec. The parser must never crash, and an error must point
/// inside or just past the input; a success must round-trip through its canonical text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let spec = try SpecParser.parse(text)
        for s in spec.selections {
            guard let again = try? SpecParser.parse(s.description), again.selections == [s] else {
                fatalError("canonical text \(s) does not parse back")
            }
        }
        _ = spec.selections.isEmpty ? "" : (try? BootFragment.token(style: .xenPciback, selections: spec.selections)) ?? ""
    } catch {
        precondition(error.start >= 0 && error.start <= text.utf8.count, "caret outside the input")
        _ = error.description
    }
    return 0
}

// SwiftPM links an executable's entry point as `SpecFuzz_main`; libFuzzer's driver takes it over.
@_cdecl("SpecFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzz)
}
