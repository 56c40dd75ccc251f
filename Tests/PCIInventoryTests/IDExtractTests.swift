import Foundation
import Testing

@testable import PCIInventory

@Suite("pci.ids extracts")
struct IDExtractTests {
    static let wanted = IDExtract(vendors: [0x8086, 0x1af4], devices: [IDExtract.key(vendor: 0x8086, device: 0x1229)])

    func extract(_ text: String, _ wanted: IDExtract = wanted) -> String? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { wanted.extract(UnsafeRawBufferPointer($0)) }.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func keepsTheWantedLinesByteForByte() {
        let ids = """
            # a comment
            1000  Other vendor
            \t0001  Its device
            1AF4  Red Hat
            \t1000  Not wanted
            8086  Intel \r
            \t1229  NIC
            \t\t1af4 0001  Subsystem
            \t\t8086 0002  Own subsystem
            \t1237  Not wanted
            \t\t8086 0003  Not wanted either
            X 01  Reserved
            \t01  skipped
            C 02  Network controller
            \t00  Ethernet controller
            \t\t01  prog-if

            """
        #expect(
            extract(ids) == """
                1AF4  Red Hat
                8086  Intel \r
                \t1229  NIC
                \t\t1af4 0001  Subsystem
                \t\t8086 0002  Own subsystem
                C 02  Network controller
                \t00  Ethernet controller
                \t\t01  prog-if

                """)
    }

    @Test(
        "lines libpci refuses leave the extract to the whole file",
        arguments: [
            "zzzz  Broken vendor\n",
            "8086Intel\n",
            "8086  \n",  // no name
            "8086  Intel\n\t12g9  Bad device\n",
            "8086  Intel\n\t\t1af4 0001  Subsystem before any device\n",
            "8086  Intel\n\t1229  NIC\n\t\t1af4-0001  Bad separator\n",
            "\t1229  Device before any vendor\n",
            "8086  Intel\n\t1229  NIC\n\t\t\t0001  Too deep\n",
            "C 2  Short class\n",
            "S 8086\n\t0001  Generic subsystem\n",
            "8086  " + String(repeating: "x", count: 1200) + "\n",
            "C 02  Net\n\t\t01  prog-if before any subclass\n",
            // Duplicates, which libpci refuses wherever they are, and ids out of pci.ids's order,
            // where one could hide: the whole file is libpci's to judge.
            "1000  Other\n\t0001  A\n\t0001  B\n8086  Intel\n",
            "1000  Other\n\t0002  A\n\t0001  B\n8086  Intel\n",
            "8086  Intel\n1000  Other\n",
            "8086  Intel\n8086  Intel again\n",
            "1000  Other\n\t0001  A\n\t\t1af4 0002  X\n\t\t1af4 0001  Y\n",
            "C 02  Net\nC 02  Net again\n",
            "C 02  Net\n\t00  Eth\n\t00  Eth again\n",
            "C 02  Net\n\t00  Eth\n\t\t01  A\n\t\t01  B\n",
        ])
    func refusedFiles(_ text: String) {
        #expect(extract(text) == nil)
    }

    @Test func lookupsOutsideTheExtractAreNotInIt() {
        #expect(Self.wanted.contains(vendor: 0x8086, device: 0x1229))
        #expect(Self.wanted.contains(vendor: 0x1af4, device: nil))
        #expect(!Self.wanted.contains(vendor: 0x1af4, device: 0x1000))
        #expect(!Self.wanted.contains(vendor: 0x10ec, device: nil))
    }

    @Test func theInstalledDatabaseShrinksToTheWantedLines() throws {
        let path = "/usr/share/misc/pci.ids"
        guard let whole = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let lines = try #require(extract(whole))
        #expect(lines.contains("\n8086  Intel Corporation\n") || lines.hasPrefix("8086  Intel Corporation\n"))
        #expect(lines.contains("\t1229  82557/8/9/0/1 Ethernet Pro 100\n"))
        #expect(lines.contains("C 06  Bridge\n"))
        #expect(lines.utf8.count * 10 < whole.utf8.count, "\(lines.utf8.count) of \(whole.utf8.count) bytes")
    }
}
