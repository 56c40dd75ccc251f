import PCIModel
import PCIState
import SystemIO

/// One file of a persist write: where it is, what it holds now and what it gets (nil: pcihide
/// removes its own file).
public struct FileChange: Equatable, Sendable {
    /// The path as the host knows it (`/etc/default/grub`); the transaction resolves it under the root.
    public var shown: String
    public var old: [UInt8]?
    public var new: [UInt8]?
    public init(shown: String, old: [UInt8]?, new: [UInt8]?) { self.shown = shown; self.old = old; self.new = new }
}

/// Several boot files written as one (docs/persist-transaction.md): the whole set of new
/// contents is recorded in an intent file (fsynced) before the first file changes, and the
/// intent is removed once the last one has. A run killed in between leaves the intent, and the
/// next `persist --write` completes the set from it before anything else; a write that fails
/// part-way puts back what was already changed and says the final state of every file.
public enum PersistTransaction {
    public struct Outcome: Equatable, Sendable {
        /// `path: what happened` for each file, in order.
        public var files: [String]
    }

    /// Applies `changes` as one: intent, each file (FILE.pcihide-orig kept once, FILE.pcihide-bak
    /// the previous version), then the intent removed. Throws, after putting back the files
    /// already written, with every file's final state.
    public static func apply(_ changes: [FileChange], host: HostRoot, intent: String) throws(Failure) {
        for c in changes { Files.removeStaleTemporaries(of: host.path(c.shown)) }
        Files.removeStaleTemporaries(of: intent)
        try Files.writeAtomically(intent, encode(changes), mode: 0o600)
        var done: [FileChange] = []
        for c in changes {
            do throws(Failure) {
                try write(c, host: host)
                done.append(c)
            } catch {
                var states: [String] = []
                for d in done.reversed() {
                    do throws(Failure) {
                        try write(FileChange(shown: d.shown, old: d.new, new: d.old), host: host, backups: false)
                        states.append("\(d.shown): put back as it was")
                    } catch let again {
                        states.append("\(d.shown): NEW content, could not be put back (\(again.message)); the intent \(intent) is kept and the next persist --write completes the set")
                    }
                }
                states.reverse()
                states.append("\(c.shown): unchanged (\(error.message))")
                for rest in changes.drop(while: { $0 != c }).dropFirst() { states.append("\(rest.shown): not reached, unchanged") }
                if states.allSatisfy({ !$0.contains("NEW content") }) { try? Files.removeFile(intent) }
                throw Failure(error.exitStatus, "persist could not write \(c.shown), so nothing of the set is in place: " + states.joined(separator: "; "))
            }
        }
        try? Files.removeFile(intent)
    }

    /// What an interrupted apply left: the files it was writing are given their new content
    /// (those already there are left), the intent removed. nil when there was none. An intent
    /// that cannot be read is an error naming it (never guessed at, never dropped).
    public static func recover(host: HostRoot, intent: String) throws(Failure) -> Outcome? {
        Files.removeStaleTemporaries(of: intent)
        guard let bytes = try Files.readRegularIfPresent(intent) else { return nil }
        guard let changes = decode(bytes) else {
            throw Failure(.dataError, "\(intent) records an interrupted persist --write but cannot be read; move it aside and check the boot files it names by hand (their FILE.pcihide-bak is the previous version)")
        }
        var files: [String] = []
        for c in changes {
            Files.removeStaleTemporaries(of: host.path(c.shown))
            let now = try Files.readRegularIfPresent(host.path(c.shown))
            if now == c.new { files.append("\(c.shown): already written"); continue }
            // The previous version is what the file held when the set was planned.
            try write(FileChange(shown: c.shown, old: now, new: c.new), host: host, backups: now == c.old)
            files.append("\(c.shown): completed")
        }
        try? Files.removeFile(intent)
        return Outcome(files: files)
    }

    static func write(_ c: FileChange, host: HostRoot, backups: Bool = true) throws(Failure) {
        let path = host.path(c.shown)
        if c.old != nil, backups, Files.exists(path) {
            let target = try Files.writeTarget(path)
            if !Files.exists(target + ".pcihide-orig") && c.new != nil { try Files.backup(target, to: target + ".pcihide-orig") }
            try Files.backup(target, to: target + ".pcihide-bak")
        }
        if let new = c.new { try Files.writeAtomically(path, new) } else { try Files.removeFile(path) }
    }

    static func hex(_ bytes: [UInt8]?) -> JSON {
        guard let bytes else { return .null }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return .string(String(decoding: out, as: UTF8.self))
    }

    static func unhex(_ json: JSON?) -> [UInt8]?? {
        guard let json else { return .none }
        if json == .null { return .some(nil) }
        guard let s = json.string, s.utf8.count % 2 == 0 else { return .none }
        var out: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let a = it.next(), let b = it.next() {
            guard let h = hexDigitValue(a), let l = hexDigitValue(b) else { return .none }
            out.append(h << 4 | l)
        }
        return .some(out)
    }

    static func encode(_ changes: [FileChange]) -> [UInt8] {
        JSON.object([
            ("version", .number(1)),
            (
                "files",
                .array(
                    changes.map { c in
                        .object([("path", .string(c.shown)), ("old", hex(c.old)), ("new", hex(c.new))])
                    })
            ),
        ]).serializedBytes()
    }

    static func decode(_ bytes: [UInt8]) -> [FileChange]? {
        guard let json = try? JSON.parse(bytes), json["version"]?.int == 1, let files = json["files"]?.array else { return nil }
        var out: [FileChange] = []
        for f in files {
            guard let shown = f["path"]?.string, shown.hasPrefix("/"), case .some(let old) = unhex(f["old"]), case .some(let new) = unhex(f["new"]) else { return nil }
            out.append(FileChange(shown: shown, old: old, new: new))
        }
        return out
    }
}
