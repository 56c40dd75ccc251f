/// What pcihide changes in ArgumentParser's completion scripts (pure text in, text out).
public enum CompletionScriptFixes {
    /// bash's script with the generated function wrapped so that PCI addresses complete.
    public static func bashColonSafe(_ script: String) -> String {
        // bash splits words at ':' (COMP_WORDBREAKS), so `0000:02:0<TAB>` reaches the generated
        // function as `0000 : 02 : 0`. Reassemble the words first (bash-completion's helpers),
        // and trim the part before the last ':' from the candidates, which bash keeps.
        let wrapper = """
            _pcihide_colon_safe() {
                if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
                    local cur prev words cword
                    _get_comp_words_by_ref -n : cur prev words cword
                    # A word readline inserted earlier may carry its '\\:' quoting (then readline's
                    # word is the whole address, not the part after the last ':'): unquote it.
                    local quoted=0
                    if [[ "${cur}" == *'\\:'* ]]; then
                        quoted=1
                        cur="${cur//'\\:'/:}"
                        words[cword]="${cur}"
                        local before="${COMP_LINE:0:COMP_POINT}"
                        before="${before//'\\:'/:}"
                        local COMP_LINE="${COMP_LINE//'\\:'/:}"
                        local COMP_POINT="${#before}"
                    fi
                    local -a COMP_WORDS=("${words[@]}")
                    local COMP_CWORD="${cword}"
                    _pcihide "${1}" "${cur}" "${prev}"
                    ((quoted)) || __ltrim_colon_completions "${cur}"
                    # Addresses, ids and domain numbers are not file names: readline would insert
                    # them with each ':' quoted, and the next TAB would then match nothing.
                    local c plain=1
                    for c in "${COMPREPLY[@]}"; do
                        [[ "${c}" == *[!0-9A-Fa-f:.*]* ]] && { plain=0; break; }
                    done
                    ((plain && ${#COMPREPLY[@]})) && compopt +o filenames 2>/dev/null
                else
                    _pcihide "$@"
                fi
                return 0
            }

            complete -o filenames -F _pcihide_colon_safe pcihide

            """
        return script.replacingOccurrences(of: "complete -o filenames -F _pcihide pcihide\n", with: wrapper)
    }

    /// fish shows an option's `-d` help beside every candidate of its value, so `list -s <TAB>`
    /// repeated "Only devices in these slots: ..." after each address. Each such line becomes two:
    /// the option with its help, and its candidates (which carry their own descriptions, such as
    /// domain names, or none).
    public static func fishCandidatesWithoutOptionHelp(_ script: String) -> String {
        var out: [String] = []
        for part in script.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(part)
            guard line.hasPrefix("complete "), let d = line.range(of: " -d '"), let a = line.range(of: "' -rfka '(") else {
                out.append(line)
                continue
            }
            let help = line[d.upperBound..<a.lowerBound]
            guard !help.contains("'") else { out.append(line); continue }
            // `complete ... -d 'HELP' -rfka '(...)'` -> `complete ... -d 'HELP' -rf` and `complete ... -rfka '(...)'`.
            out.append(String(line[..<d.lowerBound]) + " -rfka '(" + String(line[a.upperBound...]))
            out.append(String(line[..<a.lowerBound]) + "' -rf")
        }
        return out.joined(separator: "\n")
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
