import ArgumentParser

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
    /// ArgumentParser's script, with bash made safe for the ':' in PCI addresses.
    static func script(for shell: CompletionShell) -> String {
        var script = PCIHide.completionScript(for: shell)
        if !script.hasSuffix("\n") { script += "\n" }
        guard shell == .bash else { return script }
        // bash splits words at ':' (COMP_WORDBREAKS), so `0000:02:0<TAB>` reaches the generated
        // function as `0000 : 02 : 0`. Reassemble the words first (bash-completion's helpers),
        // and trim the part before the last ':' from the candidates, which bash keeps.
        let wrapper = """
            _pcihide_colon_safe() {
                if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
                    local cur prev words cword
                    _get_comp_words_by_ref -n : cur prev words cword
                    local -a COMP_WORDS=("${words[@]}")
                    local COMP_CWORD="${cword}"
                    _pcihide "${1}" "${cur}" "${prev}"
                    __ltrim_colon_completions "${cur}"
                else
                    _pcihide "$@"
                fi
            }

            complete -o filenames -F _pcihide_colon_safe pcihide

            """
        return script.replacingOccurrences(of: "complete -o filenames -F _pcihide pcihide\n", with: wrapper)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return self[..<r.lowerBound] + replacement + self[r.upperBound...]
    }

    func range(of target: String) -> Range<String.Index>? {
        guard !target.isEmpty, target.count <= count else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
