import PCIModel
import Testing

@testable import PCIInventory

@Suite("lspci dump files")
struct DumpFileTests {
    let good = "00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)\n00: 86 80 37 12 00 00 00 00 02 00 00 06 00 00 00 00\n10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n\n0000:00:01.0 ISA bridge: x\n00: 86 80 00 70\n"

    @Test func readsDevicesAndBytes() throws {
        let d = try DumpFile.parse(Array(good.utf8), path: "f")
        #expect(d.devices.map(\.address.description) == ["0000:00:00.0", "0000:00:01.0"])
        #expect(d.devices[0].config.count == 32)
        #expect(Array(d.devices[0].config[0..<4]) == [0x86, 0x80, 0x37, 0x12])
        #expect(d.devices[1].config == [0x86, 0x80, 0x00, 0x70])
        #expect(d.devices[1].title == "ISA bridge: x")
    }

    @Test(
        "malformed dumps name the line and column",
        arguments: [
            ("00:00.0 x\n00: 86 8g\n", 2, 8, "malformed hex dump line"),
            ("00:00.0 x\n00: 86 80", 2, 10, "does not end with a newline"),
            ("00:20.0 x\n", 1, 4, "device 20 is out of range"),
            ("00:00.0 x\n1000: 00\n", 2, 7, "past the 4096 bytes"),
            ("00:00.0 x\n00: 868\n", 2, 5, "malformed hex dump line"),
        ])
    func malformed(_ text: String, _ line: Int, _ column: Int, _ reason: String) {
        do {
            _ = try DumpFile.parse(Array(text.utf8), path: "dump.txt")
            Issue.record("accepted")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("dump.txt:\(line):"))
        }
    }

    /// libpci's fgets(buf, 255) takes 254 characters with the newline: a line of 253 is read,
    /// one of 254 refused (lspci -F: exit 0 and 1; DumpFuzz found the 254 that pcihide took).
    @Test("the longest line libpci reads", arguments: [253, 254, 255])
    func longestLine(_ length: Int) throws {
        let first = "00:00.0 Host bridge: "
        let text = first + String(repeating: "x", count: length - first.count) + "\n00: 86 80 00 00\n"
        let parsed = Result { () throws(DumpError) in try DumpFile.parse(Array(text.utf8), path: "f") }
        if length <= 253 {
            #expect(try parsed.get().devices.count == 1)
        } else {
            #expect(throws: DumpError.self) { try parsed.get() }
            if case .failure(let e) = parsed { #expect(e.line == 1 && e.column == 254) }
        }
    }

    @Test func verboseTextIsIgnoredAsLibpciDoes() throws {
        let d = try DumpFile.parse(Array("00:00.0 x\n\tSubsystem: foo\n00: 01 02\n".utf8), path: "f")
        #expect(d.devices[0].config == [1, 2])
    }
}
