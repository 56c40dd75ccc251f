import FuzzDriver
import PCIState

/// libFuzzer entry: any bytes as a state file (the grub editor is PersistFuzz's). No reader may
/// crash; the direct state reader must agree with the JSON tree, value for value and error for
/// error; a state that loads must serialise and load back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let store = StateStore(path: "state.json")
    switch (Result { () throws(StateFileError) in try store.decode(bytes) }, Result { () throws(StateFileError) in try store.decodeThroughTree(bytes) }) {
    case let (.success(a), .success(b)): precondition(a == b, "the direct reader and the tree disagree")
    case let (.failure(a), .failure(b)): precondition(a.description == b.description, "the readers fail differently: \(a) / \(b)")
    default: preconditionFailure("one reader accepts what the other refuses")
    }
    if let json = try? JSON.parse(bytes), let state = try? PCIHideState(json: json) {
        let again = try? PCIHideState(json: JSON.parse(Array(state.json().serialized().utf8)))
        precondition(again == state, "state does not round-trip")
        precondition(state.serializedBytes() == state.json().serializedBytes(), "the direct writer differs from the JSON writer")
    }
    return 0
}

// SwiftPM links an executable's entry point as `StateFuzz_main`; libFuzzer's driver takes it over.
@_cdecl("StateFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzz)
}
