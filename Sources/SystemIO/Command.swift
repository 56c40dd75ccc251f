#if canImport(Glibc)
import Glibc
#endif
import PCIModel

/// Runs a program found on PATH and returns its standard output (for toolstack queries such as
/// `xl pci-assignable-list`). Standard error passes through to the user.
public enum Command {
    public static func output(_ arguments: [String]) throws(Failure) -> String {
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
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, nil, &cArgs, environ)
        close(fds[1])
        if rc != 0 {
            close(fds[0])
            throw Failure(.unavailable, "cannot run \(arguments[0]): \(Files.errorText(rc)) (is it installed and on PATH?)")
        }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw Failure(.unavailable, "\(arguments.joined(separator: " ")) failed (" + (exited ? "exit status \(code)" : "killed by signal \(status & 0x7f)") + ")")
        }
        return String(decoding: out, as: UTF8.self)
    }
}
