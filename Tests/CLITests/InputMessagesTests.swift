import Foundation
import Testing

/// Inputs administrators get wrong, each answered with what was meant (issue: every input
/// understood or precisely explained).
@Suite("messages that point at the real mistake")
struct InputMessagesTests {
    @Test(arguments: [
        ("02:09.0;03:00.0", "this argument holds 2 devices (02:09.0, 03:00.0): give each as its own argument (02:09.0 03:00.0) or as one list: (02:09.0)(03:00.0) (column 8)"),
        ("hide=02:09.0,03:00.0", "this argument holds 2 devices (02:09.0, 03:00.0)"),
        ("02:09.0 03:00.0", "this argument holds 2 devices"),
        (" 02:09.0", "a space around the spec; remove it (quote nothing but the spec: '02:09.0') (column 1)"),
        ("02:09.0 ", "a space around the spec; remove it"),
        ("(01:0*.0)", "a wildcard '*' stands for a whole device number, not for one of its digits: write BB:*.* for all of them"),
        ("0*:09.0", "a wildcard '*' is allowed only for the device and function numbers, not for the bus number"),
    ])
    func specMistakes(spec: String, message: String) throws {
        let cli = try CLI()
        let r = try cli.run(["hide", spec])
        #expect(r.status == 64 && r.stderr.contains(message), "\(r.stderr)")
    }

    /// An argument that is not UTF-8 is named by its own byte (Swift would show U+FFFD's bytes).
    @Test func invalidUTF8IsNamedByItsByte() throws {
        let cli = try CLI()
        // Through sh, since a Swift String cannot hold the byte.
        let r = try CLI.execute("/bin/sh", ["-c", "exec \"$0\" hide \"$(printf '02:09\\3770')\"", CLI.binary], environment: cli.environment)
        #expect(r.status == 64 && r.stderr.contains("is not valid UTF-8: byte 0xff at column 6"), "\(r.stderr)")
    }

    /// An overlap in one command line is said, and one entry is kept.
    @Test func overlapIsSaid() throws {
        let cli = try CLI()
        let r = try cli.run(["hide", "(02:09.0)(02:09.*)"])
        #expect(r.status == 0 && r.stderr.contains("warning: 02:09.0 is already part of 02:09.* (every function on slot 02:09)"), "\(r.stderr)")
        #expect(try cli.run(["hidden"]).stdout == "0000:02:09.*\n")
    }

    /// A valid xl spec with options is not taken for several devices.
    @Test func xlOptionsAreNotSeveralDevices() throws {
        let cli = try CLI()
        #expect(try cli.run(["hide", "02:09.0,permissive=1"]).status == 0)
    }

    @Test(arguments: [
        (["hied", "02:09.0"], "'hied' is not a pcihide command; did you mean 'hide'?"),
        (["help", "bogus"], "'bogus' is not a pcihide command, so there is no help for it"),
        (["hide", "-02:09.0"], "'-02:09.0' is read as an option: a device spec does not start with '-'; write 02:09.0"),
        (["chek", "02:09.0"], "did you mean 'check'?"),
    ])
    func commandMistakes(args: [String], message: String) throws {
        let cli = try CLI()
        let r = try cli.run(args)
        #expect(r.status == 64 && r.stderr.contains(message) && r.stdout.isEmpty, "\(r.stdout)\(r.stderr)")
    }

    /// Every xl key is kept, shown, updated by hiding again, and carried to the guest's xl line,
    /// which parses back to the same options.
    @Test func xlOptionsAreKept() throws {
        let cli = try CLI()
        try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
        let spec = "0000:02:09.0@0a,permissive=1,msitranslate=0,seize=1,power_mgmt=1,rdm_policy=relaxed"
        #expect(try cli.run(["hide", spec]).status == 0)
        #expect(try cli.run(["hidden"]).stdout == "0000:02:09.0 vslot=0a permissive=1 msitranslate=0 seize=1 power_mgmt=1 rdm_policy=relaxed\n")
        let again = try cli.run(["hide", "02:09.0,permissive=0,msitranslate=1"])
        #expect(again.stdout == "0000:02:09.0 is already hidden; its xl options changed: permissive 1 -> 0, msitranslate 0 -> 1\n", "\(again.stdout)")
        #expect(try cli.run(["hide", "02:09.0"]).stdout == "0000:02:09.0 is already hidden\n")
        let json = try cli.run(["hidden", "--json"]).stdout
        #expect(json.contains("\"rdm_policy\": \"relaxed\"") && json.contains("\"seize\": true"), "\(json)")
        try cli.run(["domain", "start", "1"])
        let line = try cli.run(["config", "--domain", "1"]).stdout
        #expect(line == "pci = [ '0000:02:09.0@0a,permissive=0,msitranslate=1,seize=1,power_mgmt=1,rdm_policy=relaxed' ]\n", "\(line)")
        let inner = String(line.split(separator: "'")[1])
        #expect(try cli.run(["hide", inner]).stdout == "0000:02:09.0 is already hidden\n", "the line parses back to the same options")
    }
}

/// pcihide-fixture, the tool the README names for trying pcihide on generated hosts: --help is
/// help, and an option or a count it does not know is an error, never a directory to write.
@Suite struct FixtureToolTests {
    static var binary: String { URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().appendingPathComponent("pcihide-fixture").path }

    @Test func helpAndBadArguments() throws {
        let cli = try CLI()
        let help = try CLI.execute(Self.binary, ["--help"], cwd: cli.dir)
        #expect(help.status == 0 && help.stdout.contains("usage: pcihide-fixture DIR [COUNT] [SEED]") && help.stdout.contains("debian-grub2"), "\(help.stdout)\(help.stderr)")
        let unknown = try CLI.execute(Self.binary, ["--hots", "x"], cwd: cli.dir)
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown option '--hots'"), "\(unknown.stderr)")
        let count = try CLI.execute(Self.binary, ["tree", "many"], cwd: cli.dir)
        #expect(count.status == 64 && count.stderr.contains("COUNT and SEED are whole numbers"), "\(count.stderr)")
        for name in ["--help", "--hots", "tree"] {
            #expect(!FileManager.default.fileExists(atPath: cli.dir + "/" + name), "\(name) was written")
        }
    }
}
