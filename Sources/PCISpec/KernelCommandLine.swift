/// The kernel command line as the kernel splits it (`next_arg` in lib/cmdline.c): words are
/// separated by blanks outside double quotes; a quote groups blanks into a word and is kept in
/// the word here, so that a line written back keeps its quoting (`"dyndbg=file a.c +p"` stays
/// one word). A bare `--` ends the kernel's parameters; what follows is init's.
public enum KernelCommandLine {
    /// The words of `line` (one line: a caller reading /proc/cmdline drops its newline), quotes kept. An unbalanced quote runs to the end of the line, as
    /// the kernel reads it.
    public static func words(_ line: Substring) -> [Substring] {
        // By scalars, as the kernel splits bytes: a blank followed by a combining mark is one
        // Character, and a Character scan would glue the words on either side of it.
        let scalars = line.unicodeScalars
        var out: [Substring] = []
        var start: Substring.UnicodeScalarView.Index?
        var quoted = false
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "\"" { quoted.toggle() }
            let blank = !quoted && (c == " " || c == "\t")
            if blank {
                if let s = start { out.append(Substring(scalars[s..<i])); start = nil }
            } else if start == nil {
                start = i
            }
            i = scalars.index(after: i)
        }
        if let s = start { out.append(Substring(scalars[s...])) }
        return out
    }

    /// Whether every double quote is closed: a line that is not is split at blanks only by the
    /// editors, so that what they append never lands inside an open quote.
    public static func balanced(_ line: Substring) -> Bool {
        line.unicodeScalars.filter { $0 == "\"" }.count % 2 == 0
    }

    /// The kernel's own parameters: the words before a bare `--`.
    public static func kernelWords(_ line: Substring) -> [Substring] {
        Array(words(line).prefix { $0 != "--" })
    }

    /// A word as the kernel hands it to a parameter: its double quotes removed.
    public static func unquoted(_ word: Substring) -> String {
        String(word.filter { $0 != "\"" })
    }
}
