import PCIModel
import SystemIO

/// A network interface the host uses, traced to the PCI function that carries it.
public struct HostInterface: Equatable, Sendable {
    public var name: String
    /// `operstate` as the kernel writes it (`up`, `down`, `unknown`, ...).
    public var operstate: String
    /// The interface, or the bond or bridge above it, carries the default route.
    public var defaultRoute: Bool
    /// Routes (IPv4 prefix routes come with an address) or a global IPv6 address.
    public var addressed: Bool
    /// The bond or bridge through which it is used, when the routes are on that one.
    public var via: String?
    /// The bond or bridge it is a port of (its `master`), whether or not the host uses that one.
    public var master: String? = nil

    /// Taking it away cuts the host off the network (or off the route it has).
    public var inUse: Bool { (operstate == "up" || operstate == "unknown") && (defaultRoute || addressed) }

    public var summary: String {
        var s = "\(name) (\(operstate)"
        if defaultRoute { s += ", default route" } else if addressed { s += ", has an address" }
        if let via { s += ", through \(via)" } else if let master { s += ", port of \(master), which has no host address" }
        return s + ")"
    }
}

/// Which network interfaces the host uses, and which PCI functions they hang from. Read from
/// `/sys/class/net/IFACE/{device,operstate,master}`, `/proc/net/route` and `/proc/net/if_inet6`.
public struct NetworkHolders: Sendable {
    /// Each interface with a PCI device, keyed by the function it hangs from.
    public let interfaces: [PCIAddress: [HostInterface]]
    /// False when the interfaces could not be read: nothing can be said about the network.
    public let traced: Bool

    public init(netClass: String?, routeFile: String, inet6File: String) {
        guard let netClass, let names = Files.list(netClass) else {
            interfaces = [:]; traced = false; return
        }
        let routeText = Files.readIfPresent(routeFile).map { String(decoding: $0, as: UTF8.self) }
        let routes = routeText.map(Self.parseRoutes) ?? []
        let inet6 = Files.readIfPresent(inet6File).map { Self.globalIPv6Interfaces(String(decoding: $0, as: UTF8.self)) } ?? []
        var out: [PCIAddress: [HostInterface]] = [:]
        for name in names.sorted() {
            let dir = netClass + "/" + name
            guard let device = Files.realPath(dir + "/device"),
                let address = device.split(separator: "/").compactMap({ PCIAddress(sysfsName: String($0)) }).last
            else { continue }
            let state = Files.readIfPresent(dir + "/operstate").map { String(decoding: $0, as: UTF8.self).trimmingBlanks } ?? "unknown"
            // A bond or bridge above it carries the address and routes (eth0 enslaved to br0).
            var chain = [name]
            var current = dir
            while chain.count < 8, let master = Files.readLink(current + "/master").map(Files.baseName), !chain.contains(master) {
                chain.append(master)
                current = netClass + "/" + master
            }
            let carrying = chain.first { n in routes.contains { $0.interface == n } || inet6.contains(n) }
            let defaultRoute = chain.contains { n in routes.contains { $0.interface == n && $0.isDefault } }
            var iface = HostInterface(
                name: name, operstate: state, defaultRoute: defaultRoute, addressed: carrying != nil,
                via: carrying.flatMap { $0 == name ? nil : $0 })
            iface.master = chain.count > 1 ? chain[1] : nil
            out[address, default: []].append(iface)
        }
        interfaces = out
        traced = routeText != nil
    }

    /// One row of `/proc/net/route`.
    public struct Route: Equatable, Sendable {
        public var interface: String
        public var destination: UInt32
        public var mask: UInt32
        public var isDefault: Bool { destination == 0 && mask == 0 }
    }

    /// The rows of `/proc/net/route` (header skipped; rows that do not parse are left out).
    public static func parseRoutes(_ text: String) -> [Route] {
        var out: [Route] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard f.count >= 8, let dest = UInt32(f[1], radix: 16), let mask = UInt32(f[7], radix: 16) else { continue }
            out.append(Route(interface: String(f[0]), destination: dest, mask: mask))
        }
        return out
    }

    /// Interfaces with an IPv6 address of global scope (scope 00; link-local fe80:: is 20 and is
    /// on every interface that is up, so it says nothing).
    public static func globalIPv6Interfaces(_ text: String) -> Set<String> {
        var out = Set<String>()
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 6, f[3] == "00" else { continue }
            out.insert(String(f[5]))
        }
        return out
    }
}
