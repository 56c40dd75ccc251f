import PCIModel

#if canImport(Glibc)
import Glibc
#endif

/// Where the host's files are: `/` on the machine itself, or a directory that holds another
/// host's `sys/`, `proc/`, `etc/`, `boot/`, `dev/` and `var/` (a test tree, a chroot, a snapshot
/// of a machine being diagnosed). Every host path pcihide reads or writes is made here, so that
/// one option relocates them all and nothing reaches this machine's real files by accident.
public struct HostRoot: Sendable, Equatable, CustomStringConvertible {
    /// The directory without its trailing slashes: "" for `/`.
    public let prefix: String
    /// True when given as `--root`: then it wins over the narrower `PCIHIDE_*` variables too
    /// (an option on the command line beats the environment).
    public let explicit: Bool

    public init(_ dir: String, explicit: Bool = false) {
        var d = Substring(dir)
        while d.count > 1 && d.hasSuffix("/") { d = d.dropLast() }
        prefix = d == "/" ? "" : String(d)
        self.explicit = explicit
    }

    /// This machine.
    public static let live = HostRoot("/")

    public var isLive: Bool { prefix.isEmpty }

    /// What the user named: `/` or the directory.
    public var description: String { prefix.isEmpty ? "/" : prefix }

    /// The host's `absolute` path (`/proc/mounts`) under this root, resolved as inside a chroot
    /// (`openat2`'s RESOLVE_IN_ROOT, done by components): an absolute link below the root is
    /// followed from the root, never from this machine's `/`, and `..` never climbs above it. So
    /// what pcihide reads or writes under `--root`, backups included, stays under it, whatever
    /// links the tree holds. On the live root it is the path itself.
    public func path(_ absolute: String) -> String {
        prefix.isEmpty ? absolute : prefix + Self.confine(absolute, under: prefix)
    }

    /// The same, with the last component left as it is (a link stays a link): for reading a
    /// link itself, as `/proc/PID/fd/N`.
    public func linkPath(_ absolute: String) -> String {
        guard !prefix.isEmpty, let slash = absolute.lastIndex(of: "/") else { return path(absolute) }
        let parent = Self.confine(String(absolute[..<slash]), under: prefix)
        return prefix + (parent == "/" ? "" : parent) + absolute[slash...]
    }

    /// The most links followed in one path, as the kernel's own limit (ELOOP past it).
    static let maxLinks = 40

    /// `absolute` with every link under `prefix` resolved, from `prefix` for absolute targets;
    /// components past the first missing one are kept as given (nothing below can be a link).
    /// A loop stops resolving there: the path then ends in the link, and opening it fails.
    static func confine(_ absolute: String, under prefix: String) -> String {
        var resolved: [Substring] = []
        var pending: [Substring] = absolute.split(separator: "/").reversed()
        var links = 0
        var settled = false
        while let c = pending.popLast() {
            if c == "." { continue }
            if c == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            resolved.append(c)
            if settled { continue }
            let here = prefix + "/" + resolved.joined(separator: "/")
            var st = stat()
            guard lstat(here, &st) == 0 else { settled = true; continue }
            guard st.st_mode & S_IFMT == S_IFLNK else { continue }
            guard links < maxLinks, let target = Files.readLink(here) else { settled = true; continue }
            links += 1
            resolved.removeLast()
            if target.hasPrefix("/") { resolved = [] }
            pending.append(contentsOf: target.split(separator: "/").reversed())
        }
        return "/" + resolved.joined(separator: "/")
    }

    /// `--root DIR`, else `$PCIHIDE_ROOT`, else `/`. An empty value is a usage error (it must
    /// never silently mean this machine); a directory that does not exist is `noInput`.
    public static func resolve(option: String?) throws(Failure) -> HostRoot {
        let root: HostRoot
        if let option {
            guard !option.isEmpty else { throw Failure(.usage, "--root needs a directory: an empty value would mean this machine's /") }
            root = HostRoot(option, explicit: true)
        } else if let env = Environment.raw("PCIHIDE_ROOT") {
            guard !env.isEmpty else { throw Failure(.usage, "PCIHIDE_ROOT is set but empty: unset it for this machine, or name a directory") }
            root = HostRoot(env)
        } else {
            return .live
        }
        guard Files.isDirectory(root.description) else {
            throw Failure(.noInput, "the host root \(root.description) is not a directory (--root or PCIHIDE_ROOT)")
        }
        return root
    }

    /// A narrower location: `option` (`--sysfs DIR`, empty is a usage error), else the variable
    /// `env` unless `--root` was given, else `absolute` under this root.
    public func resolve(option: String?, name: String, env: String, absolute: String) throws(Failure) -> String {
        try override(option: option, name: name, env: env, absolute: absolute) ?? path(absolute)
    }

    /// What the user set for a narrower location: `option` (empty is a usage error, never the
    /// live `absolute`), else the variable `env` unless `--root` was given; nil when neither.
    public func override(option: String?, name: String, env: String, absolute: String) throws(Failure) -> String? {
        if let option {
            guard !option.isEmpty else { throw Failure(.usage, "\(name) needs a value: an empty one would silently mean \(absolute) on this machine") }
            return option
        }
        return explicit ? nil : Environment.get(env)
    }
}
