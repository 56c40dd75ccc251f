import Foundation
import Testing

/// `owners --toolstack xl` against a stub `xl` on PATH that prints xl's formats.
@Suite("ownership from the xl toolstack")
struct ToolstackCLITests {
    static func stub(_ cli: inout CLI, listExit: Int = 0, pciList1: String = "Vdev Device\n09.0 0000:02:09.0\n") throws {
        let bin = cli.dir + "/bin"
        try cli.write(
            bin + "/xl",
            """
            #!/bin/sh
            case "$1" in
            pci-assignable-list) printf '0000:03:00.0\\n0000:03:00.1\\n' ;;
            list) printf 'Name                                        ID   Mem VCPUs\\tState\\tTime(s)\\nDomain-0                                     0  4096     2     r-----      10.0\\nweb                                          1   512     1     -b----       1.0\\ndb                                           4   512     1     -b----       1.0\\n'; exit \(listExit) ;;
            pci-list) if [ "$2" = 1 ]; then printf '\(pciList1.replacingOccurrences(of: "\n", with: "\\n"))'; else printf 'Vdev Device\\n'; fi ;;
            *) exit 2 ;;
            esac
            """)
        chmod(bin + "/xl", 0o755)
        cli.environment["PATH"] = bin + ":/usr/bin:/bin"
    }

    @Test func tableAndJSON() throws {
        var cli = try CLI()
        try Self.stub(&cli)
        let r = try cli.run(["owners", "--toolstack", "xl"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout == """
                DEVICE        OWNER              VDEV  LEDGER
                0000:02:09.0  1 (web)            09.0  not hidden  !
                0000:03:00.0  free (assignable)  -     not hidden
                0000:03:00.1  free (assignable)  -     not hidden

                """)
        #expect(r.stderr.contains("1 device where xl and the ledger disagree (marked !)"), "\(r.stderr)")
        let j = try cli.run(["owners", "--toolstack", "xl", "--json"])
        let rows = try jsonItems(j.stdout)
        #expect(rows.count == 3)
        #expect((rows[0]["owner"] as? [String: Any])?["name"] as? String == "web")
        #expect(rows[1]["owner"] is NSNull)
        #expect(rows[0]["agrees"] as? Bool == false && rows[1]["agrees"] as? Bool == true)
        #expect(!FileManager.default.fileExists(atPath: cli.statePath), "xl is read, the state file is not touched")
        // With the ledger in step (the card hidden and owned by domain 1), they agree.
        try cli.run(["hide", "02:09.0", "03:00.0", "03:00.1"])
        try cli.run(["domain", "start", "1", "--name", "web"])
        try cli.run(["release", "03:00.0", "03:00.1"])
        let agreed = try cli.run(["owners", "--toolstack", "xl"])
        #expect(agreed.stdout.contains("0000:02:09.0  1 (web)            09.0  domain 1 (web)\n") && !agreed.stdout.contains("!"), "\(agreed.stdout)")
    }

    @Test func failuresAreExplained() throws {
        var cli = try CLI()
        try Self.stub(&cli, listExit: 3)
        let r = try cli.run(["owners", "--toolstack", "xl"])
        #expect(r.status == 69 && r.stderr.contains("xl list failed (exit status 3)"), "\(r.stderr)")
        var bad = try CLI()
        try Self.stub(&bad, pciList1: "Vdev Device\n09.0 02:09\n")
        let b = try bad.run(["owners", "--toolstack", "xl"])
        #expect(b.status == 65 && b.stderr.contains("xl pci-list, line 2: '09.0 02:09'"), "\(b.stderr)")
        var none = try CLI()
        none.environment["PATH"] = none.dir + "/empty"
        let n = try none.run(["owners", "--toolstack", "xl"])
        #expect(n.status == 69 && n.stderr.contains("cannot run xl"), "\(n.stderr)")
    }
}
