import Foundation
import PCICompletion
import PCIFixtures
import PCIModel
import Testing

/// Completion in real interactive shells, driven through tmux: type a line, press TAB, read the
/// screen. The candidates come from a test sysfs tree and state file.
@Suite("shell completion")
struct CompletionShellTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("committed scripts are what the binary generates", arguments: [("bash", "pcihide.bash"), ("zsh", "_pcihide"), ("fish", "pcihide.fish")])
    func scriptsAreCurrent(_ shell: String, _ file: String) throws {
        let cli = try CLI()
        let generated = try cli.run(["completion", shell]).stdout
        let committed = try String(contentsOfFile: Self.root + "/Completions/" + file, encoding: .utf8)
        #expect(generated == committed, "Completions/\(file) is stale: run 'make completions'")
    }

    /// The requests main answers before the parser are exactly the custom completions the
    /// scripts send: none is answered by a stale entry, none falls through to the slow path.
    @Test func fastCompletionTableMatchesTheScripts() throws {
        let script = try String(contentsOfFile: Self.root + "/Completions/pcihide.bash", encoding: .utf8)
        var requests = Set<String>()
        for line in script.split(separator: "\n") {
            guard let r = line.range(of: "---completion ") else { continue }
            let rest = line[r.upperBound...].split(separator: " ")
            guard let dash = rest.firstIndex(of: "--") else { continue }
            requests.insert(rest[..<dash].joined(separator: " ") + " -- " + rest[dash + 1])
        }
        #expect(requests == Set(FastCompletion.table.keys))
    }

    @Test(
        "the fast path answers as ArgumentParser would",
        arguments: [
            (["hide", "--", "positional@0", "2", "4", "pcihide", "hide", "03:0"], "03:00.0\n03:00.1\n"),
            (["hide", "--", "positional@0", "2", "0", "pcihide", "hide", ""], "0000:02:09.0\n0000:02:0a.0\n0000:03:00.0\n0000:03:00.1\n"),
            (["unhide", "--", "positional@0", "2", "1", "pcihide", "unhide", "0"], "0000:02:0a.0\n0000:03:00.1\n"),
            (["assign", "--", "--domain", "3", "0", "pcihide", "assign", "--domain", ""], "7\n12\n"),
            (["hide", "--", "positional@0", "2", "2", "pcihide", "hide", "zz"], "\n"),
            (["hide", "--", "positional@0", "2", "10", "pcihide", "hide", "0000:02:0A"], "0000:02:0A.0\n"),
        ])
    func fastPath(_ request: [String], _ expected: String) throws {
        let cli = try Self.fixture()
        #expect(try cli.run(["---completion"] + request).stdout == expected)
    }

    static func fixture() throws -> CLI {
        var cli = try CLI()
        var f = SysfsFixture()
        for (a, v, d) in [("0000:02:09.0", 0x8086, 0x1229), ("0000:02:0a.0", 0x8086, 0x1229), ("0000:03:00.0", 0x10de, 0x1b81), ("0000:03:00.1", 0x10de, 0x10f0)] {
            f.functions.append(SysfsFixture.Function(address: PCIAddress(sysfsName: a)!, vendor: UInt16(v), device: UInt16(d), classCode: 0x020000))
        }
        try f.write(to: cli.dir + "/sys")
        var other = SysfsFixture()
        other.functions = [SysfsFixture.Function(address: PCIAddress(sysfsName: "0000:05:07.0")!, vendor: 0x8086, device: 0x1229, classCode: 0x020000)]
        try other.write(to: cli.dir + "/other")
        cli.environment["PCIHIDE_SYSFS"] = cli.dir + "/sys"
        try cli.run(["hide", "03:00.1"])
        try cli.run(["domain", "start", "7", "--name", "web"])
        try cli.run(["hide", "0000:02:0a.0"])
        try cli.run(["assign", "0000:02:0a.0", "--domain", "12", "--force"])
        return cli
    }

    /// (typed line, text the line must show after TAB)
    static let cases: [(String, String)] = [
        ("pcihide hide 0000:02:09", "pcihide hide 0000:02:09.0"),
        ("pcihide hide 03:00.", "pcihide hide 03:00."),  // two candidates: nothing inserted yet
        ("pcihide unhide 0000:03:0", "pcihide unhide 0000:03:00.1"),
        ("pcihide unhide 03:0", "pcihide unhide 03:00.1"),
        ("pcihide hide 0000:02:0A", "pcihide hide 0000:02:0A.0"),  // upper-case hex stays as typed
        ("pcihide assign --domain 1", "pcihide assign --domain 12"),
        // kill offers only running domains (7), start only those with devices reserved (12).
        ("pcihide domain kill ", "pcihide domain kill 7"),
        ("pcihide domain start ", "pcihide domain start 12"),
        ("pcihide list -s 0000:03:00.", "pcihide list -s 0000:03:00."),
        ("pcihide hide --sysfs OTHER 0000:05:0", "pcihide hide --sysfs OTHER 0000:05:07.0"),
        ("pcihide grub --style xen-", "pcihide grub --style xen-pciback"),
        ("pcihide emu read --width ", "pcihide emu read --width "),
    ]

    @Test("TAB completes addresses, hidden devices, domains and fixed lists", arguments: ["bash", "zsh", "fish"])
    func completes(_ shell: String) throws {
        guard RequiredTools.have("/usr/bin/tmux", "/usr/bin/zsh", "/usr/bin/fish", "/usr/share/bash-completion/bash_completion") else { return }
        let cli = try Self.fixture()
        let h = try ShellHarness(shell: shell, cli: cli, root: Self.root)
        defer { h.close() }
        for (typed, expected) in Self.cases {
            let line = typed.replacingOccurrences(of: "OTHER", with: cli.dir + "/other")
            let want = expected.replacingOccurrences(of: "OTHER", with: cli.dir + "/other")
            let screen = try h.complete(line)
            // capture-pane drops trailing blanks, so a line ending in a space is compared without it.
            #expect(screen.contains(want.trimmingCharacters(in: .whitespaces)), "\(shell): '\(line)' TAB gave:\n\(screen)")
        }
        // Both candidates are offered where two match.
        let listed = try h.complete("pcihide hide 03:00.", tabs: 2)
        #expect(listed.contains("00.0") && listed.contains("00.1"), "\(shell):\n\(listed)")
        let widths = try h.complete("pcihide emu read --width ", tabs: 2)
        #expect(widths.contains("1") && widths.contains("2") && widths.contains("4"), "\(shell):\n\(widths)")
        // Completing after a completion: empty word, TAB, one more character, TAB (bash once
        // inserted `0000\:0` with quoted colons, after which nothing completed).
        for (command, expected) in [("hide", "0000:03:00."), ("unhide", "0000:03:00.1")] {
            let screen = try h.complete("pcihide \(command) ", then: ["3"])
            #expect(screen.contains("$ pcihide \(command) \(expected)") && !screen.contains("\\"), "\(shell): \(command):\n\(screen)")
        }
        if shell == "fish" {
            // An option's help is shown beside the option, not repeated after each of its values.
            let slots = try h.complete("pcihide list -s 0000:0", tabs: 2)
            #expect(slots.contains("0000:02:09.0") && !slots.contains("Only devices in these slots"), "\(slots)")
            let options = try h.complete("pcihide list -", tabs: 2)
            #expect(options.contains("Only devices in these slots"), "\(options)")
        }
        if shell != "bash" {
            // zsh and fish show domain names as descriptions.
            let domains = try h.complete("pcihide assign --domain ", tabs: 2)
            #expect(domains.contains("web"), "\(shell):\n\(domains)")
        }
    }
}

/// One interactive shell in a detached tmux session.
struct ShellHarness {
    let session: String
    let shell: String

    init(shell: String, cli: CLI, root: String) throws {
        self.shell = shell
        session = "pcihide-\(shell)-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        let bin = (CLI.binary as NSString).deletingLastPathComponent
        let env = "PATH=\(bin):/usr/bin:/bin PCIHIDE_STATE=\(cli.statePath) PCIHIDE_SYSFS=\(cli.dir)/sys HOME=\(cli.dir) TERM=xterm"
        let command: String
        switch shell {
        case "bash": command = "env -i \(env) bash --norc --noprofile"
        case "zsh": command = "env -i \(env) zsh -f"
        default: command = "env -i \(env) fish --no-config"
        }
        try tmux(["new-session", "-d", "-s", session, "-x", "200", "-y", "50", command])
        let setup: String
        switch shell {
        case "bash": setup = "PS1='$ '; source /usr/share/bash-completion/bash_completion; source \(root)/Completions/pcihide.bash"
        case "zsh": setup = "PROMPT='$ '; autoload -U compinit; compinit -u; source \(root)/Completions/_pcihide"
        default: setup = "function fish_prompt; echo '$ '; end; source \(root)/Completions/pcihide.fish"
        }
        try tmux(["send-keys", "-t", session, setup, "Enter"])
        try waitFor(limit: 5, still: 0.3) { $0.contains("$") }
    }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        // Only capture-pane's output is read. `new-session` forks the tmux server, which would keep
        // a captured output pipe open for good.
        let reads = args.first == "capture-pane"
        let outcome = try Child.start("/usr/bin/tmux", args, capture: reads).finish(timeout: 30)
        if outcome.timedOut { throw Child.SpawnError(description: "tmux \(args.joined(separator: " ")) did not finish") }
        return String(decoding: outcome.stdout, as: UTF8.self)
    }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", session]) }

    /// The non-empty lines of the pane.
    static func lines(_ screen: String) -> [Substring] {
        screen.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Polls the pane (instead of sleeping a fixed time) until `done` holds and the pane has
    /// then not changed for `still` seconds, or `limit` seconds have passed.
    @discardableResult
    func waitFor(limit: Double = 3, still: Double = 0.15, _ done: (String) -> Bool) throws -> String {
        let start = Date()
        var last = try screen()
        var since = Date()
        while Date().timeIntervalSince(start) < limit {
            usleep(40_000)
            let now = try screen()
            if now != last { last = now; since = Date(); continue }
            if done(now) && Date().timeIntervalSince(since) >= still { return now }
        }
        return last
    }

    /// Only the prompt on the pane: `$` alone on its line.
    static func onlyPrompt(_ screen: String) -> Bool {
        let l = lines(screen)
        return l.count == 1 && l[0].trimmingCharacters(in: .whitespaces) == "$"
    }

    /// Types `line`, presses TAB, then types each of `more` with a TAB after it, returns the
    /// screen, then clears the line. Each step waits for the pane to show its effect.
    func complete(_ line: String, tabs: Int = 1, then more: [String] = []) throws -> String {
        try tmux(["send-keys", "-t", session, "clear", "Enter"])
        try waitFor(Self.onlyPrompt)
        try tmux(["send-keys", "-t", session, "-l", line])
        var typed = try waitFor { $0.contains(line.trimmingCharacters(in: .whitespaces)) }
        for _ in 0..<tabs {
            try tmux(["send-keys", "-t", session, "Tab"])
            let before = typed
            typed = try waitFor(limit: 2, still: 0.25) { $0 != before }
        }
        for text in more {
            try tmux(["send-keys", "-t", session, "-l", text])
            let before = try waitFor(limit: 1) { $0.contains(text) }
            try tmux(["send-keys", "-t", session, "Tab"])
            typed = try waitFor(limit: 2, still: 0.25) { $0 != before }
        }
        let screen = typed
        // Empty the line without running it: end of line, then kill back to its start (bash's
        // readline, zsh's and fish's emacs bindings all read C-e C-u so). In fish, Escape first closes
        // the pager; bash and zsh would read Escape as a Meta prefix.
        if shell == "fish" {
            try tmux(["send-keys", "-t", session, "Escape"])
            usleep(100_000)
        }
        try tmux(["send-keys", "-t", session, "C-e", "C-u"])
        try waitFor(limit: 1) { Self.lines($0).last?.trimmingCharacters(in: .whitespaces) == "$" }
        return screen
    }

    func close() { _ = try? tmux(["kill-session", "-t", session]) }
}
