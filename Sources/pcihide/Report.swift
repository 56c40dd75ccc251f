import ArgumentParser
import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command body and turns pcihide's errors into a message on standard error and the
/// documented exit status (ArgumentParser would print "Error:" and exit 1).
func reporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PCIHideError {
        StandardError.write("pcihide: \(error)\n")
        throw ExitCode(error.exitStatus.rawValue)
    }
}
