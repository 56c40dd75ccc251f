import SystemIO
import PCIActions
import ArgumentParser
import PCIModel
import PCIReadiness
import PCISpec
import PCIState

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "After boot: check that every hidden device's hiding took effect.",
        discussion: """
            For each hidden device: is a hide parameter on the running kernel's command line \
            (/proc/cmdline, read as the kernel reads it: - and _ alike, the last repeat wins), is the \
            device bound to pciback or vfio-pci now, and is the device at that address still the one \
            recorded when it was hidden (ids, subsystem, class, serial number). Each failure comes \
            with its likely cause and fix; a device renumbered elsewhere is found by its identity. \
            Exits 0 when everything took effect, 1 otherwise.
            """
    )

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func run() throws {
        try reporting {
            let host = try self.host.resolve()
            let tree = try source.tree(host)
            try tree.requireReadable()
            let state = try stateOptions.store(host).load()
            let reports = Verification.verify(state: state, tree: tree, host: host, present: try tree.addresses()) { value in
                // A hide list as the boot fragment writes it, or the 2005 form.
                (try? SpecParser.parse(value))?.selections ?? (try? SpecParser.parse("hide=" + value))?.selections
            }
            writeStandardOutput(json ? Self.json(reports) : Self.text(reports))
            if reports.contains(where: { !$0.inEffect }) { throw ExitCode(ExitStatus.failure.rawValue) }
        }
    }

    static func identityText(_ i: VerifyReport.IdentityStatus) -> String {
        switch i {
        case .matches: return "as recorded"
        case .notRecorded: return "not recorded (hidden before pcihide recorded identities, or by a wildcard)"
        case .changed(let now, let moved): return "changed: now \(now.summary)" + (moved.map { "; the recorded device is at \($0)" } ?? "")
        case .gone(let moved): return "no device here" + (moved.map { "; the recorded device is at \($0)" } ?? "")
        }
    }

    static func text(_ reports: [VerifyReport]) -> String {
        if reports.isEmpty { return "nothing is hidden\n" }
        var out = ""
        for r in reports {
            out += "\(r.address)" + (r.entry.isWildcard ? " (by \(r.entry))" : "") + ": " + (r.inEffect ? "in effect" : "NOT in effect") + "\n"
            out += "  command line: " + (r.onCommandLine == nil ? "unreadable" : r.token ?? "no hide parameter covers it") + "\n"
            out += "  driver: \(r.driver ?? "none")\n"
            out += "  identity: " + identityText(r.identity) + "\n"
            for f in r.findings { out += "  - " + f.text + (f.fix.map { "; fix: " + $0 } ?? "") + "\n" }
        }
        return out
    }

    static func json(_ reports: [VerifyReport]) -> String {
        JSONDocument.render("verify", "devices", reports.map { r in
            // One shape whatever the status: the other fields are null when they do not apply.
            var identity: (String, String?, PCIAddress?)
            switch r.identity {
            case .matches: identity = ("matches", nil, nil)
            case .notRecorded: identity = ("not recorded", nil, nil)
            case .changed(let now, let moved): identity = ("changed", now.summary, moved)
            case .gone(let moved): identity = ("gone", nil, moved)
            }
            return .object([
                ("address", .string(r.address.description)),
                ("entry", .string(r.entry.description)),
                ("commandLine", r.token.map { .string($0) } ?? .null),
                ("driver", r.driver.map { .string($0) } ?? .null),
                ("identity", .object([("status", .string(identity.0)), ("now", JSONDocument.string(identity.1)),
                                      ("movedTo", JSONDocument.string(identity.2?.description))])),
                ("findings", .array(r.findings.map { f in .object([("text", .string(f.text)), ("fix", f.fix.map { .string($0) } ?? .null)]) })),
                ("inEffect", .bool(r.inEffect)),
            ])
        })
    }
}
