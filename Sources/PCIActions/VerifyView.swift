import PCIModel
import PCIReadiness
import SystemIO

/// `verify`'s report, as text or JSON.
public enum VerifyView {
    public static func identityText(_ i: VerifyReport.IdentityStatus) -> String {
        switch i {
        case .matches: return "as recorded"
        case .notRecorded: return "not recorded (hidden before pcihide recorded identities, or by a wildcard)"
        case .changed(let now, let moved): return "changed: now \(now.summary)" + (moved.map { "; the recorded device is at \($0)" } ?? "")
        case .gone(let moved): return "no device here" + (moved.map { "; the recorded device is at \($0)" } ?? "")
        }
    }

    public static func text(_ reports: [VerifyReport]) -> String {
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

    public static func json(_ reports: [VerifyReport]) -> String {
        JSONDocument.render(
            "verify", "devices",
            reports.map { r in
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
                    (
                        "identity",
                        .object([
                            ("status", .string(identity.0)), ("now", JSONDocument.string(identity.1)),
                            ("movedTo", JSONDocument.string(identity.2?.description)),
                        ])
                    ),
                    ("findings", .array(r.findings.map { f in .object([("text", .string(f.text)), ("fix", f.fix.map { .string($0) } ?? .null)]) })),
                    ("inEffect", .bool(r.inEffect)),
                ])
            })
    }
}
