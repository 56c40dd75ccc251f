import ArgumentParser
import PCIActions
import Testing

@testable import pcihide

/// `list` is read without ArgumentParser for its plain forms; what it reads must be what
/// ArgumentParser reads, and whatever it does not read in full must be left to ArgumentParser.
@Suite("list: the fast argument reader")
struct ListFastPathTests {
    @Test(
        "reads what ArgumentParser reads",
        arguments: [
            [], ["-n"], ["-nn"], ["-nnk"], ["-D", "-k"], ["-mm"], ["-m", "-m", "-nn"], ["-t"], ["-x"], ["-xxx"], ["-xxxx", "-D"],
            ["-s", "01:"], ["-d", "8086:"], ["-s", "0.1", "-d", ":1229"], ["-i", "/tmp/ids"], ["-F", "/tmp/dump"],
            ["--sysfs", "/tmp/tree", "-nn"], ["--root", "/tmp/host", "-nn"], ["--owners"], ["--hidden", "--json"], ["--state", "/tmp/s.json", "--owners", "-k"],
            ["-tn", "-s", "02:00"], ["-v"], ["-vnnk", "-x"], ["-v", "-v"], ["-kD", "--sysfs", "/x", "-i", "/y", "-s", "0:0.0", "-d", "1:2:3"],
        ])
    func sameReading(_ arguments: [String]) throws {
        let fast = try #require(ListRequest.parse(arguments[...]))
        let parsed = try List.parse(arguments).request
        #expect(fast == parsed)
    }

    @Test(
        "leaves the rest to ArgumentParser",
        arguments: [
            ["--help"], ["-h"], ["-s"], ["-s", "-n"], ["-s", "1", "-s", "2"], ["-D", "-D"], ["-kk"], ["--sysfs=/x"], ["-q"],
            ["--sysfs", "/x", "-F", "/y"], ["-ns", "01:"], ["--json", "--json"], ["extra"], ["-"], ["--"], ["--version"],
        ])
    func declines(_ arguments: [String]) {
        #expect(ListRequest.parse(arguments[...]) == nil)
    }
}
