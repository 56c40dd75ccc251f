import Foundation
import PCIFixtures
import PCIModel
import Testing

/// The README's console examples run as written: each `$ pcihide ...` line of a block runs in a
/// fresh host (a card at 02:09.0, and DIR the desktop readiness host), in order, and every line
/// it shows (but `...` elisions) is in what the command printed; `$ echo $?` shows its status.
/// Blocks that need a toolstack, a guest script or a live bind are run by their own tests.
@Suite("README examples")
struct ReadmeExamplesTests {
    struct Step { var command: String; var expected: [String] }

    static func blocks() throws -> [[Step]] {
        let text = try String(contentsOfFile: JSONSchemaTests.root + "/README.md", encoding: .utf8)
        var blocks: [[Step]] = []
        var current: [Step]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "```console" { current = []; continue }
            guard current != nil else { continue }
            if line == "```" { blocks.append(current!); current = nil; continue }
            if line.hasPrefix("$ ") {
                // A trailing `# comment` explains the line; it is not part of the command.
                var command = String(line.dropFirst(2))
                if let hash = command.range(of: "  #") ?? command.range(of: " # ") { command = String(command[..<hash.lowerBound]) }
                current!.append(Step(command: command.trimmingCharacters(in: .whitespaces), expected: []))
            } else if !line.isEmpty, !line.contains("..."), !current!.isEmpty {
                current![current!.count - 1].expected.append(line)
            }
        }
        return blocks.filter { block in
            !block.contains { s in ["watch", "--now", "emu ", "check --root"].contains { s.command.contains($0) } }
        }
    }

    @Test func examplesRunAsWritten() throws {
        let blocks = try Self.blocks()
        #expect(blocks.count >= 4, "the README's runnable examples were found")
        for block in blocks {
            var cli = try CLI()
            try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
            let desktop = try #require(HostRootFixture.readinessHosts().first { $0.name == "desktop" })
            try desktop.root.write(to: cli.dir + "/desktop")
            cli.environment["PATH"] = (CLI.binary as NSString).deletingLastPathComponent + ":/usr/bin:/bin"
            // The host root the examples' /etc/default/grub is under (state and sysfs stay the test's).
            cli.environment["PCIHIDE_ROOT"] = cli.dir
            try cli.write(cli.dir + "/etc/default/grub", "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n")
            var status: Int32 = 0
            for step in block {
                if step.command == "echo $?" {
                    #expect(step.expected == ["\(status)"], "\(step.expected) after the command before")
                    continue
                }
                #expect(step.command.hasPrefix("pcihide "), "\(step.command)")
                let command = step.command.replacingOccurrences(of: "DIR", with: cli.dir + "/desktop")
                let r = try CLI.execute("/bin/sh", ["-c", command], environment: cli.environment)
                status = r.status
                if step.expected.isEmpty {
                    #expect(r.status == 0, "\(step.command): \(r.stderr)")
                    continue
                }
                let shown = (r.stdout + r.stderr).split(separator: "\n").map(String.init)
                for line in step.expected {
                    #expect(shown.contains(line), "\(step.command) did not print '\(line)':\n\(r.stdout)\(r.stderr)")
                }
            }
        }
    }
}
