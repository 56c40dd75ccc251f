import ArgumentParser
import PCIActions
import PCICompletion
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

// `--version` alone is answered before the argument parser is built, as lspci does: scripts and
// completion probe it, and building the command tree costs more than the answer. So are the
// completion requests for device addresses, hidden devices and domain ids, and `list` with the
// plain options (see ListRequest.parse): building the tree cost as much as listing a machine.
var arguments = CommandLine.arguments
if let problem = CommandWords.invalidText() {
    note(problem)
    exit(64)
}
// lspci's options may be grouped with a value attached (`-vs00:1f`, `-nnd8086:`), as getopt
// allows: `list`'s arguments are spelled out before either parser reads them.
if arguments.count >= 2 && arguments[1] == "list" {
    arguments = Array(arguments[..<2]) + LspciArguments.spelledOut(arguments[2...])
    if let why = LspciArguments.refusal(Array(arguments.dropFirst(2))) {
        note(why)
        exit(64)
    }
}
if arguments.count == 2 && arguments[1] == "--version" {
    print(PCIHide.version)
    exit(0)
}
if arguments.count > 2 && arguments[1] == "---completion", let answer = FastCompletion.answer(Array(arguments.dropFirst(2))) {
    writeStandardOutput(answer)
    exit(0)
}
if arguments.count >= 2 && arguments[1] == "list", let request = ListRequest.parse(arguments[2...]) {
    do {
        try reporting { try request.run() }
    } catch let code as ExitCode {
        exit(code.rawValue)
    } catch {
        PCIHide.exit(withError: error)
    }
    exit(0)
}
if let problem = CommandWords.problem(arguments) {
    note(problem)
    exit(64)
}
PCIHide.main(Array(arguments.dropFirst()))
