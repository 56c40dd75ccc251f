import PCIModel
import SystemIO

/// A state change that could not be written: nothing was recorded (the history and the state
/// are written as a pair, see `StateStore.commit`), so what the command did to the hardware goes
/// back.
public struct StateWriteError: PCIHideError {
    public var exitStatus: ExitStatus
    public var message: String
    public var description: String { message }
}

/// Reads and writes the state file. Every change is a locked read-modify-write, written to a
/// temporary file, fsynced and renamed over the old one.
public struct StateStore: Sendable {
    public let path: String
    /// The symbolic link the state file was named by, when it was one: `path` is then its
    /// target, so that the history and the lock sit beside the file they belong to (through
    /// the link they would sit beside the link, apart from the state they record).
    public let linkedFrom: String?

    public init(path: String) { self.path = path; linkedFrom = nil }

    /// The store at `--state PATH`, or where `resolvePath` says without one; a link there is
    /// followed once, here (a dangling or looping one is an error naming it).
    public init(option: String?, host: HostRoot) throws(Failure) {
        let named = try Self.resolvePath(option: option, host: host)
        let target = try Files.writeTarget(named)
        path = target
        linkedFrom = target == named ? nil : named
    }

    /// `--state PATH` (empty is a usage error), else `$PCIHIDE_STATE` (unless `--root` was
    /// given), else /var/lib/pcihide/state.json under the host root for root or for any other
    /// host root, and `$XDG_STATE_HOME/pcihide/state.json` (default ~/.local/state/...) for a
    /// user on this machine.
    public static func resolvePath(option: String?, host: HostRoot) throws(Failure) -> String {
        if let option {
            guard !option.isEmpty else { throw Failure(.usage, "--state needs a file: an empty value would silently mean the default state file") }
            return option
        }
        if !host.explicit, let env = Environment.get("PCIHIDE_STATE") { return env }
        if Environment.isRoot || !host.isLive { return host.path("/var/lib/pcihide/state.json") }
        let base = Environment.get("XDG_STATE_HOME") ?? (Environment.home + "/.local/state")
        return base + "/pcihide/state.json"
    }

    var lockPath: String { path + ".lock" }

    /// The current state; an absent file is an empty state.
    public func load() throws -> PCIHideState {
        // A dangling or looping link is an error naming it, never "no state yet".
        let target = try Files.writeTarget(path)
        guard Files.exists(target) else { return PCIHideState() }
        return try decode(try Files.read(path))
    }

    /// Decodes a state file's bytes, reading the hidden entries straight into their fields.
    public func decode(_ bytes: [UInt8]) throws(StateFileError) -> PCIHideState {
        try decode(bytes, parser: JSON.parseState)
    }

    /// The same through a generic JSON tree: the reference that tests and the fuzz target hold
    /// `decode` to, value for value and error for error.
    public func decodeThroughTree(_ bytes: [UInt8]) throws(StateFileError) -> PCIHideState {
        try decode(bytes) { (b) throws(JSONError) in StateDocument(top: try JSON.parse(b), hidden: nil) }
    }

    private func decode(_ bytes: [UInt8], parser: ([UInt8]) throws(JSONError) -> StateDocument) throws(StateFileError) -> PCIHideState {
        let document: StateDocument
        do { document = try parser(bytes) } catch {
            throw StateFileError(path: path, line: error.line, column: error.column, reason: error.reason)
        }
        do { return try PCIHideState(document: document) } catch {
            throw StateFileError(path: path, reason: error.reason)
        }
    }

    /// Locks, reads, lets `body` change the state, and writes it back only when it changed.
    /// If `body` throws, nothing is written.
    @discardableResult
    public func update<T>(_ body: (inout PCIHideState) throws -> T) throws -> T {
        let lock = try naming { () throws(Failure) in try FileLock(path: lockPath) }
        defer { withExtendedLifetime(lock) {} }
        var state = try load()
        // Holding the lock, no other writer has a temporary open: what is left is a killed run's.
        Files.removeStaleTemporaries(of: path)
        let before = state
        let result = try body(&state)
        if state != before {
            // Both history writes go through the file without following a link: a link there
            // stops the command before anything is written.
            if Files.isSymbolicLink(historyPath) {
                throw StateWriteError(
                    exitStatus: .cannotCreate,
                    message: "cannot write the history \(historyPath): it is a symbolic link, which pcihide does not follow for this file; remove it; nothing was recorded")
            }
            try commit(&state, from: before)
            if let linkedFrom {
                StandardError.write("pcihide: the state file \(linkedFrom) is a symbolic link: updated \(path) and its history \(historyPath)\n")
            }
        }
        return result
    }

    /// Runs `body` under the state lock without changing the state (for edits of other files
    /// derived from it, such as /etc/default/grub).
    public func withLock<T>(_ body: (PCIHideState) throws -> T) throws -> T {
        let lock = try naming { () throws(Failure) in try FileLock(path: lockPath) }
        defer { withExtendedLifetime(lock) {} }
        return try body(try load())
    }

    /// A failure to lock or write says which state file it was for and how to pick another
    /// (the default for a user without a home, say, cannot be created).
    private func naming<T>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
        do { return try body() } catch {
            throw Failure(error.exitStatus, "cannot write the state file \(path): \(error.message) (--state PATH or PCIHIDE_STATE chooses another)")
        }
    }
}
