#if canImport(Glibc)
import Glibc
#endif

// `--version` alone is answered before the argument parser is built, as lspci does: scripts and
// completion probe it, and building the command tree costs more than the answer.
if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == "--version" {
    print(PCIHide.version)
    exit(0)
}
PCIHide.main()
