import Foundation
import PCIFixtures
import PCIModel
import Testing

/// Runs the built `pcihide` binary as a user would, in a temporary directory, with the
/// environment cleared of the machine's PCIHIDE_* settings.
struct CLI {
    static let binary: String = {
        if let b = ProcessInfo.processInfo.environment["PCIHIDE_BIN"] { return b }
        // The test bundle sits in the same build directory as the executable.
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("pcihide").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/pcihide").path
    }()

    /// The host root (a test may move it, with PCIHIDE_ROOT and PCIHIDE_STATE after it).
    var dir: String
    var environment: [String: String]

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-cli-\(UUID().uuidString)").path
        // An empty sysfs tree: hide reads one (a missing tree is an error, never "nothing to check").
        try FileManager.default.createDirectory(atPath: dir + "/sys/devices", withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PCIHIDE_") }
        env["PCIHIDE_STATE"] = dir + "/state.json"
        env["PCIHIDE_SYSFS"] = dir + "/sys"
        env["HOME"] = dir
        environment = env
    }

    var statePath: String { dir + "/state.json" }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    func run(_ args: [String], stdin: String? = nil) throws -> Result {
        try CLI.execute(CLI.binary, args, environment: environment, stdin: stdin)
    }

    /// Runs the binary as the unprivileged user nobody (setpriv), for permission tests.
    func runAs(nobody args: [String]) throws -> Result {
        try CLI.execute("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary] + args, environment: environment)
    }

    /// Runs a program to completion and collects its output; one place for every test that spawns
    /// (see `Child` for why not Foundation's Process). A child still running after `timeout`
    /// seconds is killed, and its result says so.
    static func execute(
        _ tool: String, _ args: [String], environment: [String: String]? = nil, cwd: String? = nil,
        stdin: String? = nil, timeout: Double = 120
    ) throws -> Result {
        let outcome = try Child.start(tool, args, environment: environment, cwd: cwd, stdin: stdin ?? "").finish(timeout: timeout)
        return Result(
            status: outcome.status, stdout: String(decoding: outcome.stdout, as: UTF8.self),
            stderr: String(decoding: outcome.stderr, as: UTF8.self))
    }

    func file(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Writes a file of the test's tree. Done while no child is being spawned, since a stub
    /// program written here and run by the next command must not be held open by another test's child.
    func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Child.withoutSpawning { try text.write(toFile: path, atomically: true, encoding: .utf8) }
    }

    /// Adds one device to the test's sysfs tree (with the attributes libpci needs).
    func addDevice(_ address: String, vendor: String, device: String, classCode: UInt32 = 0x020000) throws {
        var fixture = SysfsFixture()
        fixture.functions = [
            SysfsFixture.Function(
                address: PCIAddress(sysfsName: address)!, vendor: UInt16(vendor, radix: 16)!,
                device: UInt16(device, radix: 16)!, classCode: classCode)
        ]
        try fixture.write(to: dir + "/sys")
    }
}

/// Golden files under `Fixtures/<dir>/`; `PCIHIDE_UPDATE_GOLDEN=1 swift test` rewrites them and a
/// normal run fails on any difference.
enum CLIGolden {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func check(_ actual: String, _ dir: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = fixtures.appendingPathComponent(dir).appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PCIHIDE_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(actual == (try String(contentsOf: url, encoding: .utf8)), "golden \(dir)/\(name) differs", sourceLocation: sourceLocation)
    }
}

/// The list of a `--json` document (`{"schemaVersion": 1, "command": ..., KEY: [...]}`).
func jsonItems(_ text: String) throws -> [[String: Any]] {
    guard let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
        document["schemaVersion"] as? Int == 1,
        let list = document.values.compactMap({ $0 as? [[String: Any]] }).first
    else { throw JSONDocumentError(text: text) }
    return list
}

struct JSONDocumentError: Error, CustomStringConvertible {
    var text: String
    var description: String { "not a pcihide --json document: \(text.prefix(200))" }
}
