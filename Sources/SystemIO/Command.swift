import PCIModel

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program found on PATH and returns its standard output (for toolstack queries such as
/// `xl pci-assignable-list`). Standard error passes through to the user.
public enum Command {
    /// Starts a program found on PATH with its standard output on a pipe: its pid and the
    /// pipe's reading end (the caller closes it and waits for the pid). With `ownGroup` the
    /// program leads a process group of its own, so that ending it ends whatever it started too.
    static func spawn(_ arguments: [String], ownGroup: Bool = false) throws(Failure) -> (pid_t, Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure(.ioError, "cannot run \(arguments[0]): pipe: \(Files.errorText(errno))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var cArgs: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if ownGroup {
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, &cArgs, environ)
        close(fds[1])
        if rc != 0 {
            close(fds[0])
            throw Failure(.unavailable, "cannot run \(arguments[0]): \(Files.errorText(rc)) (is it installed and on PATH?)")
        }
        return (pid, fds[0])
    }

    /// Runs a program and returns its standard output. It leads a process group of its own,
    /// and when it has not finished within `timeout` seconds the whole group is ended and the
    /// error names the command that hung: a toolstack that never answers cannot hang pcihide.
    public static func output(_ arguments: [String]) throws(Failure) -> String {
        try output(arguments, timeout: defaultTimeout)
    }

    public static func output(_ arguments: [String], timeout: Double) throws(Failure) -> String {
        let (pid, output) = try spawn(arguments, ownGroup: true)
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        let deadline = Clock.monotonicSeconds() + timeout
        var expired = false
        while true {
            let left = deadline - Clock.monotonicSeconds()
            if left <= 0 { expired = true; break }
            var ready = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let p = poll(&ready, 1, Int32(min(left * 1000, 1000) + 1))
            if p == 0 || (p < 0 && errno == EINTR) { continue }
            let n = buf.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        close(output)
        if expired { kill(-pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if expired {
            throw Failure(.unavailable, "\(arguments.joined(separator: " ")) did not finish within \(timeout.formatted) s and was ended")
        }
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw Failure(.unavailable, "\(arguments.joined(separator: " ")) failed (" + (exited ? "exit status \(code)" : "killed by signal \(status & 0x7f)") + ")")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `--timeout SECONDS` when a command was given it (set once, at start-up).
    nonisolated(unsafe) public static var timeoutOption: Double?

    /// Seconds an external command may take: --timeout, else $PCIHIDE_TIMEOUT, else 60.
    public static var defaultTimeout: Double {
        if let t = timeoutOption { return t }
        if let t = try? environmentTimeout() { return t }
        return 60
    }

    /// $PCIHIDE_TIMEOUT as seconds (nil: not set); a value that is not a number of seconds
    /// above 0 is an error naming it, never quietly the default.
    public static func environmentTimeout() throws(Failure) -> Double? {
        guard let v = getenv("PCIHIDE_TIMEOUT").map({ String(cString: $0) }) else { return nil }
        guard let t = Double(v), t > 0, t.isFinite else {
            throw Failure(.usage, "PCIHIDE_TIMEOUT is '\(v)': it must be a number of seconds above 0 (or unset for 60)")
        }
        return t
    }
}

extension Double {
    /// 30 rather than 30.0; 0.5 as it is.
    var formatted: String { self == rounded() ? String(Int(self)) : String(self) }
}

extension Command {
    /// Set by SIGTERM or SIGINT while `follow` runs: it stops reading, ends the child and returns.
    nonisolated(unsafe) public static var stopRequested: sig_atomic_t = 0

    /// Makes SIGTERM and SIGINT ask `follow` to stop (without SA_RESTART, so that a blocked read
    /// returns at once) instead of killing the process in the middle of a change.
    public static func stopOnTermination() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Command.stopRequested = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
    }

    /// Runs a long-lived program (an event stream such as `xenstore-watch` or `virsh event
    /// --loop`) and hands each line of its standard output to `onLine` as it comes. Returns when
    /// the program ends (its exit status) or a stop was requested (nil; the program is ended).
    public static func follow(_ arguments: [String], onIdle: () throws -> Void = {}, onLine: (String) throws -> Void) throws -> Int32? {
        // Its own process group: an event stream run through a wrapper script (a shell whose
        // child does the waiting) must not leave that child behind, holding our standard error.
        let (pid, output) = try spawn(arguments, ownGroup: true)
        defer { close(output) }
        var pending: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        var stopped = false
        while true {
            if stopRequested != 0 { stopped = true; break }
            // Poll with a short timeout: a signal arriving just before a blocking read would
            // otherwise wait for the program's next line.
            var ready = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let p = poll(&ready, 1, 200)
            if p == 0 { try onIdle(); continue }
            if p < 0 && errno == EINTR { continue }
            let n = buf.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending += buf[0..<n]
            while let nl = pending.firstIndex(of: 0x0a) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                try onLine(line)
                if stopRequested != 0 { stopped = true; break }
            }
            if stopped { break }
        }
        if stopped { kill(-pid, SIGTERM) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return stopped ? nil : (status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
    }
}
