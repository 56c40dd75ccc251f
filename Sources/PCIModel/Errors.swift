/// Exit statuses, from sysexits(3); the man page's EXIT STATUS lists the same.
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    /// Something was found wrong but the command did its job (reserved for checks).
    case failure = 1
    /// The command line was wrong: a bad spec, option or combination.
    case usage = 64
    /// A file's content was wrong: an unparseable state file, a malformed dump line.
    case dataError = 65
    /// An input file or directory does not exist or cannot be read.
    case noInput = 66
    /// A required service or program is missing.
    case unavailable = 69
    /// An internal inconsistency (a bug).
    case software = 70
    /// An output file could not be created.
    case cannotCreate = 73
    /// Reading or writing failed part-way.
    case ioError = 74
    /// Not allowed: not root, or a file's permissions.
    case noPermission = 77
}

/// Every error pcihide reports carries the exit status it maps to and a message meant for a person.
public protocol PCIHideError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}

/// A general error with a status and message, for the cases that need no structure of their own.
public struct Failure: PCIHideError {
    public var exitStatus: ExitStatus
    public var message: String
    public init(_ status: ExitStatus, _ message: String) {
        self.exitStatus = status
        self.message = message
    }
    public var description: String { message }
}
