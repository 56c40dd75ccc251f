import PCIActions
import ArgumentParser
import PCIInventory
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



/// Writes a listing to standard output; where libpci stopped it, what came before (as lspci's
/// output ends there) and then the failure.
func writeListing(_ listing: LspciListing) throws(Failure) {
    do {
        writeStandardOutput(try listing.render())
    } catch {
        writeStandardOutput(error.printed)
        throw error.failure
    }
}
