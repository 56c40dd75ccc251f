#if canImport(Glibc)
import Glibc
#endif
import PCICompletion

// `--version` alone is answered before the argument parser is built, as lspci does: scripts and
// completion probe it, and building the command tree costs more than the answer. So are the
// completion requests for device addresses, hidden devices and domain ids.
let arguments = CommandLine.arguments
if arguments.count == 2 && arguments[1] == "--version" {
    print(PCIHide.version)
    exit(0)
}
if arguments.count > 2 && arguments[1] == "---completion", let answer = FastCompletion.answer(Array(arguments.dropFirst(2))) {
    writeStandardOutput(answer)
    exit(0)
}
PCIHide.main()
