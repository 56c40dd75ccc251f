import Foundation
import SystemIO
import Testing

/// `HostRoot.path` resolves as inside a chroot: the rules one by one, on a small tree.
struct HostRootConfinementTests {
    @Test func linksResolveFromTheRoot() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-root-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/real/etc", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir + "/etc", withDestinationPath: "/real/etc")  // absolute: from the root
        try fm.createSymbolicLink(atPath: dir + "/up", withDestinationPath: "../../../../../../..")  // never above the root
        try fm.createSymbolicLink(atPath: dir + "/loop", withDestinationPath: "/loop")
        try fm.createSymbolicLink(atPath: dir + "/real/etc/rel", withDestinationPath: "../other")
        try fm.createSymbolicLink(atPath: dir + "/real/etc/fd", withDestinationPath: "/dev/null")
        let host = HostRoot(dir)
        #expect(host.path("/etc/default/grub") == dir + "/real/etc/default/grub")
        #expect(host.path("/up/etc/x") == dir + "/real/etc/x")
        #expect(host.path("/etc/../../../x") == dir + "/x")
        #expect(host.path("/etc/rel/y") == dir + "/real/other/y")
        #expect(host.path("/loop/z") == dir + "/loop/z", "a loop stops resolving; opening it then fails")
        #expect(host.path("/etc/fd") == dir + "/dev/null")
        #expect(host.linkPath("/etc/fd") == dir + "/real/etc/fd", "the link itself, for readlink")
        #expect(HostRoot.live.path("/etc/fd") == "/etc/fd", "the live root is this machine's own paths")
    }
}
