import PCIModel
import SystemIO

/// The `options MODULE NAME=VALUE…` lines of modprobe.d, as kmod reads them (modprobe.d(5)):
/// words split at blanks, module names with `-` and `_` alike. One reader for `verify` (does a
/// file bring the stub back at boot?) and `persist` (does another file set what pcihide.conf
/// sets?).
public struct ModprobeOption: Sendable {
    /// The file, as the user knows it (without the host root).
    public var file: String
    /// The whole line, for messages.
    public var line: String
    /// The module, `-` written `_`.
    public var module: String
    public var name: String
    public var value: String
}

public enum ModprobeOptions {
    /// The directories kmod reads, in its order.
    public static let directories = ["/etc/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d"]

    /// Every option set in the `*.conf` files of `directories` under the host root, file by
    /// file in name order.
    public static func read(_ host: HostRoot, directories: [String] = directories) -> [ModprobeOption] {
        var out: [ModprobeOption] = []
        for dir in directories {
            for name in (Files.list(host.path(dir)) ?? []).sorted() where name.hasSuffix(".conf") {
                guard let text = (try? Files.readRegularIfPresent(host.path(dir + "/" + name))).flatMap({ $0 }) else { continue }
                for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
                    let w = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                    guard w.count >= 3, w[0] == "options" else { continue }
                    for option in w.dropFirst(2) {
                        let kv = option.split(separator: "=", maxSplits: 1)
                        guard kv.count == 2 else { continue }
                        out.append(ModprobeOption(file: dir + "/" + name, line: String(line), module: w[1].dashesAsUnderscores, name: String(kv[0]), value: String(kv[1])))
                    }
                }
            }
        }
        return out
    }
}
