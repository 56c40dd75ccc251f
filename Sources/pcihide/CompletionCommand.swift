import ArgumentParser
import PCICompletion
import SystemIO

struct Completion: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the shell completion script (bash, zsh or fish).",
        discussion: """
            The scripts in Completions/ are this command's output (make completions). They complete \
            device addresses from the inventory source already typed on the line (--sysfs, -F), hidden \
            devices and domain ids from the state file (--state).
            """
    )

    @Argument(help: "The shell: bash, zsh or fish.", completion: .list(["bash", "zsh", "fish"]))
    var shell: String

    func validate() throws {
        guard ["bash", "zsh", "fish"].contains(shell) else { throw ValidationError("shell must be bash, zsh or fish, not '\(shell)'") }
    }

    func run() throws {
        let kind = CompletionShell(rawValue: shell)!
        writeStandardOutput(CompletionScripts.script(for: kind))
    }
}

enum CompletionScripts {
    /// ArgumentParser's script, with bash made safe for the ':' in PCI addresses and fish's
    /// candidates without the option's help (CompletionScriptFixes).
    static func script(for shell: CompletionShell) -> String {
        var script = PCIHide.completionScript(for: shell)
        if !script.hasSuffix("\n") { script += "\n" }
        if shell == .fish { return CompletionScriptFixes.fishCandidatesWithoutOptionHelp(script) }
        guard shell == .bash else { return script }
        return CompletionScriptFixes.bashColonSafe(script)
    }
}
