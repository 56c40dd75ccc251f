import Foundation  // NSLock

#if canImport(Glibc)
import Glibc
#endif

/// Child processes for the tests, started with posix_spawn and waited for with waitpid.
///
/// Foundation's `Process` is not used: under swift-testing on Linux its `waitUntilExit` can miss a
/// child's exit (CI hung for 90 minutes on a `tmux new-session` client that had long exited and
/// stayed a zombie). Here the test thread reaps its own child, and every wait has a deadline, so a
/// stuck child fails its test instead of stalling the run.
struct Child {
    private(set) var pid: pid_t
    private var stdoutFD: Int32 = -1
    private var stderrFD: Int32 = -1
    private var stdinFD: Int32 = -1
    private var input: [UInt8] = []

    /// What a finished child left: its exit status (128 + signal when killed; -1 when it had to be
    /// killed at the deadline) and what it wrote.
    struct Outcome {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var timedOut: Bool
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// Held while pipes are made close-on-exec and while a child is spawned, so that no child
    /// inherits another test's pipe in between (pipe2 is not visible to Swift here).
    private static let spawnLock = NSLock()

    /// Runs `body` while no child can be spawned. Files written here (stub programs above all)
    /// are closed again before any child can inherit their descriptor: an executable still open
    /// for writing in some half-started child fails to exec with ETXTBSY ("Text file busy").
    static func withoutSpawning<T>(_ body: () throws -> T) rethrows -> T {
        spawnLock.lock()
        defer { spawnLock.unlock() }
        return try body()
    }

    /// Writing to a child that has already exited must fail with EPIPE, not kill the test run.
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Starts `tool` (an absolute path). `capture` pipes standard output and error back to the
    /// test, else they go to /dev/null; `stdin` is written to the child's standard input (nil:
    /// /dev/null). The child gets its own process group, default signal handling and an empty
    /// signal mask (test threads block most signals, and a mask is inherited).
    static func start(
        _ tool: String, _ arguments: [String], environment: [String: String]? = nil,
        cwd: String? = nil, capture: Bool = true, stdin: String? = nil
    ) throws -> Child {
        _ = ignoreSIGPIPE
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        // Pipes are close-on-exec, so no other child (a tmux server above all) inherits them and
        // holds a reader's end-of-file back; dup2 clears the flag on the child's own 0, 1 and 2.
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var parentEnds: [Int32] = [], childEnds: [Int32] = []
        func pipePair() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            return (fds[0], fds[1])
        }
        var child = Child(pid: 0)
        do {
            if let stdin {
                let p = try pipePair()
                posix_spawn_file_actions_adddup2(&actions, p.read, 0)
                child.stdinFD = p.write
                child.input = Array(stdin.utf8)
                parentEnds.append(p.write); childEnds.append(p.read)
            } else {
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            }
            if capture {
                let o = try pipePair(), e = try pipePair()
                posix_spawn_file_actions_adddup2(&actions, o.write, 1)
                posix_spawn_file_actions_adddup2(&actions, e.write, 2)
                child.stdoutFD = o.read
                child.stderrFD = e.read
                parentEnds += [o.read, e.read]; childEnds += [o.write, e.write]
            } else {
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            }
        } catch {
            (parentEnds + childEnds).forEach { close($0) }
            throw error
        }
        // env -C changes directory (posix_spawn_file_actions_addchdir_np is not visible either).
        let command = cwd.map { ["/usr/bin/env", "-C", $0, tool] } ?? [tool]
        var argv: [UnsafeMutablePointer<CChar>?] = (command + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var envp: [UnsafeMutablePointer<CChar>?]? = environment.map { env in env.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let rc: Int32
        if var e = envp {
            rc = posix_spawn(&pid, command[0], &actions, &attributes, &argv, &e)
            envp = e
        } else {
            rc = posix_spawn(&pid, command[0], &actions, &attributes, &argv, environ)
        }
        childEnds.forEach { close($0) }
        guard rc == 0 else {
            parentEnds.forEach { close($0) }
            throw SpawnError(description: "cannot run \(tool): \(String(cString: strerror(rc)))")
        }
        child.pid = pid
        return child
    }

    private init(pid: pid_t) { self.pid = pid }

    /// Sends `signal` to the child alone.
    func send(_ signal: Int32) { kill(pid, signal) }

    /// Feeds standard input, collects standard output and error until both close, and reaps the
    /// child. Past `timeout` seconds the child's process group is killed and the outcome says so.
    func finish(timeout: Double = 120) -> Outcome {
        let deadline = Self.now() + timeout
        var out: [UInt8] = [], err: [UInt8] = []
        var inputFD = stdinFD, written = 0
        if inputFD >= 0 && input.isEmpty { close(inputFD); inputFD = -1 }
        var open: [(fd: Int32, isError: Bool)] = []
        if stdoutFD >= 0 { open.append((stdoutFD, false)) }
        if stderrFD >= 0 { open.append((stderrFD, true)) }
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty || inputFD >= 0 {
            let left = deadline - Self.now()
            if left <= 0 { timedOut = true; break }
            var polled = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if inputFD >= 0 { polled.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            let n = poll(&polled, nfds_t(polled.count), Int32(min(left, 1) * 1000))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { continue }
            if inputFD >= 0, let p = polled.last, p.revents != 0 {
                let w = input.withUnsafeBytes { write(inputFD, $0.baseAddress! + written, $0.count - written) }
                if w > 0 { written += w }
                if w < 0 && errno != EINTR && errno != EAGAIN || written == input.count { close(inputFD); inputFD = -1 }
            }
            var stillOpen: [(fd: Int32, isError: Bool)] = []
            for (k, source) in open.enumerated() {
                guard polled[k].revents != 0 else { stillOpen.append(source); continue }
                let r = buffer.withUnsafeMutableBytes { read(source.fd, $0.baseAddress, $0.count) }
                if r > 0 {
                    if source.isError { err += buffer[0..<r] } else { out += buffer[0..<r] }
                    stillOpen.append(source)
                } else if r < 0 && errno == EINTR {
                    stillOpen.append(source)
                } else {
                    close(source.fd)
                }
            }
            open = stillOpen
        }
        open.forEach { close($0.fd) }
        if inputFD >= 0 { close(inputFD) }
        if timedOut { kill(-pid, SIGKILL); kill(pid, SIGKILL) }
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, timedOut ? 0 : WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return Outcome(status: -1, stdout: out, stderr: err, timedOut: true) }
            if r == 0 {
                if Self.now() >= deadline { timedOut = true; kill(-pid, SIGKILL); kill(pid, SIGKILL) } else { usleep(2_000) }
            }
        }
        if timedOut { return Outcome(status: -1, stdout: out, stderr: err + Array("[killed after \(Int(timeout)) s]".utf8), timedOut: true) }
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: code, stdout: out, stderr: err, timedOut: false)
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
