import PCIModel
import PCIState
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// Hand-overs in flight: while a toolstack attaches a device (with no lock held), a marker beside
/// the state file says so — `STATE.attaching/DDDD-BB-DD.F` holding the attaching process's pid
/// and the domain. It is written under the lock, in the same update that gives the device its
/// owner, and removed after the attach. A look that finds a device owned but not held skips it
/// while its marker's process lives (the attach is under way: never attached twice), and completes
/// it once that process is gone (a hand-over cut short by a crash).
public enum InFlight {
    public static func directory(_ store: StateStore) -> String { store.path + ".attaching" }

    public static func file(_ s: DeviceSelection, _ store: StateStore) -> String {
        directory(store) + "/" + s.description.replacing(":", with: "-").replacing("*", with: "x")
    }

    /// Called under the lock, with the owners just given.
    public static func mark(_ sels: [DeviceSelection], domain: Int, store: StateStore) throws(Failure) {
        for s in sels { try Files.writeAtomically(file(s, store), Array("\(getpid()) \(domain)\n".utf8)) }
    }

    public static func clear(_ sels: [DeviceSelection], store: StateStore) {
        for s in sels { try? Files.removeFile(file(s, store)) }
    }

    /// Another living process is attaching `s` now.
    public static func underWay(_ s: DeviceSelection, store: StateStore) -> Bool {
        guard let bytes = try? Files.readRegularIfPresent(file(s, store)),
            let pid = String(decoding: bytes, as: UTF8.self).split(separator: " ").first.flatMap({ Int32($0) }), pid > 0
        else { return false }
        if pid == getpid() { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
