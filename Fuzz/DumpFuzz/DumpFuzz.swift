import CLibPCI
import CPCIShim
import FuzzDriver
import PCIInventory
import PCIModel

#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer entry: any bytes as an lspci dump and as a pci.ids file. The checkers must never
/// crash; a dump one accepts, written back in lspci's format, must read back to the same devices
/// and bytes; an extract of an ID database is made of its lines and extracts to itself again;
/// an attribute the direct sysfs reader accepts has the value strtol gives it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let wanted = IDExtract(vendors: [0x8086, 0x1af4, 0x0000], devices: [IDExtract.key(vendor: 0x8086, device: 0x1229), 0])
    if let lines = bytes.withUnsafeBytes({ wanted.extract($0) }) {
        precondition(lines.count <= bytes.count, "an extract is longer than its file")
        precondition(lines.withUnsafeBytes({ wanted.extract($0) }) == lines, "an extract does not extract to itself")
    }
    // A sysfs attribute as pcihide's direct reader takes it: whatever it accepts, libpci's
    // strtol(text, NULL, 0) reads as the same value.
    for digits in [2, 4, 6] {
        if let v = bytes.withUnsafeBufferPointer({ SysfsIdentityReader.parseHex($0, digits: digits) }) {
            let c = bytes.map { CChar(bitPattern: $0) } + [0]
            precondition(strtol(c, nil, 0) == Int(v), "the attribute reader and strtol differ")
        }
    }
    // irq and numa_node as the verbose listing's direct reader takes them: the same value as strtol.
    for signed in [false, true] {
        if let v = SysfsPlatform.decimal(bytes, signed: signed) {
            let c = bytes.map { CChar(bitPattern: $0) } + [0]
            precondition(strtol(c, nil, 0) == v, "the decimal reader and strtol differ")
        }
    }
    // A resource file it accepts has at least the BARs' and the ROM's 7 lines, each of them read
    // back by strtoull as the same three fields.
    if let r = SysfsPlatform.resources(bytes) {
        let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
        precondition(lines.count >= 8, "a resource file of fewer than 7 lines accepted")
        for (k, region) in (r.regions + [r.rom]).enumerated() {
            let fields = lines[k].split(separator: 0x20).map { f in strtoull(f.map { CChar(bitPattern: $0) } + [0], nil, 16) }
            precondition(
                fields.count == 3 && region.flags == fields[2] && region.base == fields[0] | (fields[2] & 0xf)
                    && region.size == (fields[1] > fields[0] ? fields[1] - fields[0] + 1 : 0), "a resource line read otherwise")
        }
    }
    // The same bytes through libpci's own dump reader (what lspci -F does): pcihide's checker
    // refuses exactly what libpci refuses (so that every refusal has a line and column), and
    // what both accept is the same devices.
    let parsed = Result { () throws(DumpError) in try DumpFile.parse(bytes, path: "fuzz") }
    let ours = try? parsed.get()
    let fd = bytes.withUnsafeBytes { pcishim_memory_file($0.baseAddress, $0.count) }
    precondition(fd >= 0, "no memory file")
    defer { close(fd) }
    var err = [CChar](repeating: 0, count: 512)
    let acc = pcishim_open(nil, "/proc/self/fd/\(fd)", nil, 1, 0, &err, err.count)
    defer { pcishim_close(acc) }
    guard let acc else {
        precondition(ours == nil, "libpci refuses a dump pcihide accepts: \(String(cString: err))")
        return 0
    }
    // pcihide is stricter in one way only: a device number above 1f or a function above 7,
    // which libpci keeps (and lspci prints as 00:40.0) although no PCI address has them.
    guard let dump = ours else {
        if case .failure(let e) = parsed, e.reason.contains("is out of range") { return 0 }
        fatalError("pcihide refuses a dump libpci accepts")
    }
    var theirs: [PCIAddress] = []
    var dev = acc.pointee.devices
    while let d = dev {
        theirs.append(PCIAddress(domain: UInt32(d.pointee.domain), bus: d.pointee.bus, device: d.pointee.dev, function: d.pointee.`func`))
        dev = d.pointee.next
    }
    precondition(theirs.sorted() == dump.devices.map(\.address).sorted(), "libpci and pcihide read other devices")
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

// SwiftPM links an executable's entry point as `DumpFuzz_main`; libFuzzer's driver takes it over.
@_cdecl("DumpFuzz_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzz)
}
