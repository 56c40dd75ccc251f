import Foundation
import Testing

/// The man page (man/pcihide.1) and `make install`/`make uninstall`.
@Suite("man page and install")
struct ManPageAndInstallTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static var page: String { (try? String(contentsOfFile: root + "/man/pcihide.1", encoding: .utf8)) ?? "" }

    static func run(_ tool: String, _ args: [String], cwd: String? = nil) throws -> (Int32, String) {
        let r = try CLI.execute(tool, args, cwd: cwd)
        return (r.status, r.stdout + r.stderr)
    }

    @Test
    func mandocLintPrintsNothing() throws {
        guard RequiredTools.have("/usr/bin/mandoc") else { return }
        let (status, output) = try Self.run("/usr/bin/mandoc", ["-Tlint", Self.root + "/man/pcihide.1"])
        #expect(output == "", "mandoc -Tlint man/pcihide.1 said:\n\(output)")
        #expect(status == 0)
    }

    @Test
    func manRendersIt() throws {
        guard RequiredTools.have("/usr/bin/man") else { return }
        let (status, output) = try Self.run("/usr/bin/man", ["-P", "cat", "-l", Self.root + "/man/pcihide.1"])
        #expect(status == 0)
        for heading in ["NAME", "SYNOPSIS", "DESCRIPTION", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
            #expect(output.contains("\n" + heading + "\n"), "no \(heading) in the rendered page")
        }
        #expect(output.contains("module /boot/vmlinuz-2.6.12-xen0 root=/dev/hda2 ro hide=02:09.0"))
        #expect(output.contains("pcihide emu proc-pci --domain 1"))
        for see in ["lspci(8)", "xl(1)", "xl-pci-configuration(5)", "virsh(1)", "driverctl(8)"] { #expect(output.contains(see)) }
        for variable in ["PCIHIDE_STATE", "PCIHIDE_SYSFS", "PCIHIDE_GRUB_DEFAULT", "PCIHIDE_MOUNTS", "PCIHIDE_BLOCK_CLASS"] { #expect(output.contains(variable)) }
        for code in ["64", "65", "66", "69", "73", "74", "77"] { #expect(output.contains("\n     " + code + " ") || output.contains("\n     " + code + "\n"), "exit status \(code)") }
    }

    /// Every command, argument and option the parser knows is in the page: a page generated
    /// before the command line changed fails here (make man).
    @Test func everyCommandAndOptionIsInThePage() throws {
        let cli = try CLI()
        let dump = try cli.run(["--experimental-dump-help"]).stdout
        let json = try JSONSerialization.jsonObject(with: Data(dump.utf8)) as! [String: Any]
        var missing: [String] = []
        func visit(_ command: [String: Any], path: [String]) {
            let name = command["commandName"] as? String ?? ""
            if !path.isEmpty && name != "help" && !Self.page.contains(".It Em \(name)") && !Self.page.contains(".It Em \"\(name),") { missing.append((path + [name]).joined(separator: " ")) }
            for arg in command["arguments"] as? [[String: Any]] ?? [] where (arg["shouldDisplay"] as? Bool) != false {
                if let names = arg["names"] as? [[String: Any]] {
                    for n in names {
                        let flag = (n["kind"] as? String == "long" ? "-" : "") + (n["name"] as? String ?? "")
                        if !Self.page.contains("Fl \(flag)") { missing.append("\((path + [name]).joined(separator: " ")) -\(flag)") }
                    }
                }
                if let abstract = arg["abstract"] as? String, !abstract.isEmpty, !Self.flattened.contains(abstract.split(separator: " ").prefix(6).joined(separator: " ")) {
                    missing.append("\((path + [name]).joined(separator: " ")): \(abstract)")
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { visit(sub, path: path + [name]) }
        }
        visit(json["command"] as! [String: Any], path: [])
        #expect(missing.isEmpty, "man/pcihide.1 is stale (run make man); missing: \(missing)")
    }

    /// Every key `check --json` and `owners --json` print is documented in the page.
    @Test func everyCheckJSONKeyIsInThePage() throws {
        let (cli, _) = try ReadinessTests.host("efifb")
        try cli.run(["hide", "01:00.0"])
        var keys = Set<String>()
        for args in [["check", "--json", "01:00.0"], ["owners", "--json"]] {
            let out = try cli.run(args).stdout
            let top = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            for row in (top["devices"] as? [[String: Any]]) ?? [] { keys.formUnion(row.keys) }
        }
        #expect(keys.count > 30 && keys.contains("inEffect"), "\(keys.sorted())")
        let words = Set(Self.page.split { !$0.isLetter && !$0.isNumber }.map(String.init))
        let missing = keys.filter { !words.contains($0) }
        #expect(missing.isEmpty, "man/pcihide.1 does not document these JSON keys: \(missing.sorted())")
    }

    /// The page's text with line breaks folded, for finding help texts that were wrapped.
    static var flattened: String { page.split(separator: "\n").filter { !$0.hasPrefix(".") }.joined(separator: " ") }

    @Test
    func installAndUninstallIntoDestdir() throws {
        guard RequiredTools.have("/usr/bin/make") else { return }
        let dest = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-install-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dest) }
        let vars = ["DESTDIR=\(dest)", "PREFIX=/usr/local", "BINARY=\(CLI.binary)"]
        let (status, output) = try Self.run("/usr/bin/make", ["-s", "install-files"] + vars, cwd: Self.root)
        #expect(status == 0, "\(output)")
        let expected = [
            "usr/local/bin/pcihide",
            "usr/local/lib/systemd/system/pcihide-watch@.service",
            "usr/local/share/bash-completion/completions/pcihide",
            "usr/local/share/fish/vendor_completions.d/pcihide.fish",
            "usr/local/share/man/man1/pcihide.1",
            "usr/local/share/pcihide/pcihide-output.schema.json",
            "usr/local/share/zsh/vendor-completions/_pcihide",
        ]
        let files = (FileManager.default.enumerator(atPath: dest)?.allObjects as? [String] ?? [])
            .filter { !(((try? FileManager.default.attributesOfItem(atPath: dest + "/" + $0))?[.type] as? FileAttributeType) == .typeDirectory) }
            .sorted()
        #expect(files == expected)
        #expect(FileManager.default.isExecutableFile(atPath: dest + "/usr/local/bin/pcihide"))
        #expect(FileManager.default.contentsEqual(atPath: dest + "/usr/local/share/man/man1/pcihide.1", andPath: Self.root + "/man/pcihide.1"))
        let unit = try String(contentsOfFile: dest + "/usr/local/lib/systemd/system/pcihide-watch@.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/pcihide watch --toolstack %i\n"), "\(unit)")
        // systemd's own checker, on an instance of the template (it wants an ExecStart binary that
        // exists, so the one installed above is pointed at).
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") {
            let instance = dest + "/pcihide-watch@xl.service"
            try unit.replacingOccurrences(of: "/usr/local/bin/pcihide", with: dest + "/usr/local/bin/pcihide").write(toFile: instance, atomically: true, encoding: .utf8)
            let (vstatus, voutput) = try Self.run("/usr/bin/systemd-analyze", ["verify", "--man=no", instance], cwd: dest)
            #expect(vstatus == 0 && !voutput.contains("pcihide-watch@xl.service:"), "\(voutput)")
            try FileManager.default.removeItem(atPath: instance)
        }
        let (ustatus, uoutput) = try Self.run("/usr/bin/make", ["-s", "uninstall"] + vars, cwd: Self.root)
        #expect(ustatus == 0, "\(uoutput)")
        let left = (FileManager.default.enumerator(atPath: dest)?.allObjects as? [String] ?? [])
            .filter { !(((try? FileManager.default.attributesOfItem(atPath: dest + "/" + $0))?[.type] as? FileAttributeType) == .typeDirectory) }
        #expect(left.isEmpty, "uninstall left \(left)")
    }
}
