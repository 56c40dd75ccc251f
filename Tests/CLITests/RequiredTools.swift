import Foundation
import Testing

/// Tools the tests run, each with the Debian package that brings it. A missing one is a
/// failure that names the command installing it, never a silently skipped test (CI installs
/// them all through make setup).
enum RequiredTools {
    static let packages: [String: String] = [
        "/usr/bin/lspci": "pciutils", "/usr/bin/mandoc": "mandoc", "/usr/bin/man": "man-db", "/usr/bin/make": "make",
        "/usr/bin/virt-xml-validate": "libvirt-clients", "/usr/bin/xmllint": "libxml2-utils", "/usr/bin/virsh": "libvirt-clients",
        "/usr/bin/tmux": "tmux", "/usr/bin/zsh": "zsh", "/usr/bin/fish": "fish", "/usr/share/bash-completion/bash_completion": "bash-completion",
    ]

    /// True when every tool is there; otherwise records one issue naming the install command.
    static func have(_ paths: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let missing = paths.filter { !FileManager.default.fileExists(atPath: $0) }
        guard !missing.isEmpty else { return true }
        let debs = Set(missing.map { packages[$0] ?? "?" }).sorted().joined(separator: " ")
        Issue.record("this test needs \(missing.joined(separator: ", ")): install with make setup (apt-get install \(debs))", sourceLocation: sourceLocation)
        return false
    }
}
