import Foundation
import Testing

/// Every command's `--json` is held to schema/pcihide-output.schema.json (issue: one JSON schema),
/// by a validator for the part of JSON Schema 2020-12 the file uses.
@Suite("one JSON schema")
struct JSONSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    nonisolated(unsafe) static let schema: [String: Any] = {
        let data = FileManager.default.contents(atPath: root + "/schema/pcihide-output.schema.json")!
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// Where an instance breaks the schema, or nil.
    static func violation(_ value: Any, _ schema: [String: Any], at path: String = "$") -> String? {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.dropFirst("#/$defs/".count))
            guard let target = (Self.schema["$defs"] as? [String: Any])?[name] as? [String: Any] else { return "\(path): unknown $ref \(ref)" }
            return violation(value, target, at: path)
        }
        if let any = schema["anyOf"] as? [[String: Any]] {
            return any.contains { violation(value, $0, at: path) == nil } ? nil : "\(path): matches none of anyOf"
        }
        if let one = schema["oneOf"] as? [[String: Any]] {
            let n = one.filter { violation(value, $0, at: path) == nil }.count
            return n == 1 ? nil : "\(path): matches \(n) of oneOf"
        }
        if let c = schema["const"] { if !same(value, c) { return "\(path): \(value) is not \(c)" } }
        if let e = schema["enum"] as? [Any] { if !e.contains(where: { same(value, $0) }) { return "\(path): \(value) is not one of \(e)" } }
        if let t = schema["type"] {
            let types = (t as? [String]) ?? [t as! String]
            guard types.contains(where: { isType(value, $0) }) else { return "\(path): \(value) is not \(types.joined(separator: "|"))" }
        }
        if let pattern = schema["pattern"] as? String, let s = value as? String {
            if s.range(of: pattern, options: .regularExpression) == nil { return "\(path): '\(s)' does not match \(pattern)" }
        }
        if let n = value as? NSNumber, !isBool(value) {
            if let min = schema["minimum"] as? Double, n.doubleValue < min { return "\(path): \(n) < \(min)" }
            if let max = schema["maximum"] as? Double, n.doubleValue > max { return "\(path): \(n) > \(max)" }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { return "\(path): missing \(key)" }
            if schema["additionalProperties"] as? Bool == false, let extra = object.keys.sorted().first(where: { properties[$0] == nil }) {
                return "\(path): unexpected key \(extra)"
            }
            for (key, sub) in properties {
                if let v = object[key], let why = violation(v, sub as! [String: Any], at: path + "." + key) { return why }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, v) in array.enumerated() { if let why = violation(v, items, at: "\(path)[\(i)]") { return why } }
        }
        return nil
    }

    /// JSONSerialization gives true and false as the boolean NSNumber subclass, numbers as NSNumber.
    static func isBool(_ v: Any) -> Bool { type(of: v) == type(of: NSNumber(value: true) as Any) }

    static func isType(_ v: Any, _ t: String) -> Bool {
        switch t {
        case "null": return v is NSNull
        case "boolean": return isBool(v)
        case "integer": return !isBool(v) && (v as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } == true
        case "number": return !isBool(v) && v is NSNumber
        case "string": return v is String
        case "array": return v is [Any]
        case "object": return v is [String: Any]
        default: return false
        }
    }

    static func same(_ a: Any, _ b: Any) -> Bool {
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        if isBool(a) != isBool(b) { return false }
        if let x = a as? String, let y = b as? String { return x == y }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x == y }
        return false
    }

    /// The document must match its command's definition and exactly one of the schema's documents.
    static func check(_ text: String, _ definition: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let def = (schema["$defs"] as! [String: Any])["doc:" + definition] as! [String: Any]
        #expect(violation(value, def) == nil, "\(definition): \(violation(value, def) ?? "")", sourceLocation: sourceLocation)
        #expect(violation(value, schema) == nil, "\(definition): \(violation(value, schema) ?? "")", sourceLocation: sourceLocation)
    }

    /// A host where every field has a value somewhere: a named domain, a reservation, a pinned
    /// policy, a wildcard, xl options.
    @Test func everyCommandFollowsTheSchema() throws {
        // The server host: IOMMU groups, ACS root ports, a GPU (01:00.0) and a NIC (02:00.0).
        var (cli, _) = try ReadinessTests.host("server")
        #expect(try cli.run(["hide", "01:00.0@0a,permissive=1,msitranslate=0,rdm_policy=strict", "04:*.*", "02:00.0", "--force"]).status == 0)
        // Reserved for domain 2 before it runs; domain 1 gets the rest.
        #expect(try cli.run(["assign", "02:00.0", "--domain", "2"]).status == 0)
        #expect(try cli.run(["domain", "start", "1", "--name", "web"]).status == 0)
        #expect(try cli.run(["policy", "04:*.*", "--manual"]).status == 0)
        var documents: [(String, [String])] = [
            ("list", ["list", "--json"]), ("hidden", ["hidden", "--json"]), ("owners", ["owners", "--json"]),
            ("domain list", ["domain", "list", "--json"]), ("history", ["history", "--json"]), ("groups", ["groups", "--json"]),
            ("verify", ["verify", "--json"]), ("check", ["check", "--json", "01:00.0", "02:00.0", "00:17.0"]),
            ("emu read", ["emu", "read", "00:0a.0", "0", "--width", "4", "--device", "01:00.0@0a", "--json"]),
        ]
        documents.append(("emu read", ["emu", "read", "00:1f.0", "0", "--device", "01:00.0@0a", "--json"]))
        for (definition, args) in documents {
            let r = try cli.run(args)
            #expect(!r.stdout.isEmpty, "\(args): \(r.stderr)")
            if r.stdout.isEmpty { continue }
            try Self.check(r.stdout, definition)
        }
        let trace = try cli.run(["emu", "trace", "-", "--device", "01:00.0@0a", "--json"], stdin: "outl 0xcf8 0x80005000\ninl 0xcfc\ninw 0xcfe\n")
        try Self.check(trace.stdout, "emu trace")
        try ToolstackCLITests.stub(&cli)
        try Self.check(try cli.run(["owners", "--toolstack", "xl", "--json"]).stdout, "owners --toolstack")
    }

    /// The validator fails what breaks the schema (so the test above can fail).
    @Test(arguments: [
        (#"{"schemaVersion": 1, "command": "hidden", "hidden": [{"address": "0000:02:09.0", "wildcard": false, "since": "x", "xl": {"vslot": null, "permissive": null, "msitranslate": null, "seize": null, "power_mgmt": null, "rdm_policy": null, "name": null}, "owner": 3, "reservedFor": null}]}"#, "owner"),
        (#"{"schemaVersion": 2, "command": "domain list", "domains": []}"#, "schemaVersion"),
        (#"{"schemaVersion": 1, "command": "domain list", "domains": [{"domain": 1, "name": null, "state": "running", "started": "x", "devices": ["02:09.0"]}]}"#, "devices[0]"),
        (#"{"schemaVersion": 1, "command": "domain list", "domains": [{"id": 1, "name": null, "state": "running", "started": "x", "devices": []}]}"#, "missing domain"),
    ])
    func theValidatorCatchesBreakage(text: String, fragment: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let why = Self.violation(value, Self.schema)
        #expect(why != nil)
        let def = (Self.schema["$defs"] as! [String: Any])[text.contains("hidden") ? "doc:hidden" : "doc:domain list"] as! [String: Any]
        #expect(Self.violation(value, def)?.contains(fragment) == true, "\(Self.violation(value, def) ?? "nil")")
    }

    /// --json with an option it cannot honour is a usage error, never silently dropped.
    @Test(arguments: [
        (["list", "--json", "-t"], "cannot draw -t's tree"),
        (["list", "--json", "-mm"], "two machine-readable forms"),
        (["list", "--json", "-x"], "does not carry -x's config-space bytes"),
        (["list", "--json", "-v"], "--json cannot show -v"),
        (["history", "--json", "--check"], "choose one"),
        (["list", "--owners", "-t"], "--owners cannot be drawn in -t's tree"),
        (["list", "--owners", "-mm"], "would add a field to -m's layout"),
    ])
    func jsonWithWhatItCannotHonour(args: [String], message: String) throws {
        let cli = try CLI()
        try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
        let r = try cli.run(args)
        #expect(r.status == 64 && r.stderr.contains(message) && r.stdout.isEmpty, "\(r.stderr)")
    }
}
