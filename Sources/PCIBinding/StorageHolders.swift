import PCIModel
import SystemIO

/// One mounted file system or swap area and the PCI functions it depends on. When nothing
/// could be traced, `untraced` says why: such an entry makes every candidate's verdict "needs
/// attention", since the device behind it might be the one about to be handed over.
public struct StorageHolder: Equatable, Sendable {
    /// The mount point, or `swap on SOURCE`.
    public var mountPoint: String
    public var source: String
    public var devices: [PCIAddress] = []
    /// How it was traced, root first: `/mnt ← btrfs e2e ← vdc ← 0000:05:00.0`.
    public var chain: [String] = []
    public var untraced: String?

    /// `could not trace SOURCE mounted at MOUNTPOINT (why)`.
    public var untracedMessage: String? {
        untraced.map { why in
            mountPoint.hasPrefix("swap on ")
                ? "could not trace the swap area \(source) (\(why))"
                : "could not trace \(source) mounted at \(mountPoint) (\(why))"
        }
    }
}

/// Traces every entry of the mount table and the swap list to PCI functions: block devices by
/// major:minor (so `/dev/root` and sources outside /dev resolve), device-mapper and md through
/// `slaves/`, every btrfs member through /sys/fs/btrfs, ZFS pools through the udev database,
/// zvols to their pool, NVMe multipath heads to every controller of the subsystem, loop devices
/// to the file system of their backing file, network file systems to the NIC carrying the route
/// to their server. What it cannot trace it says, never drops. See docs/fail-closed.md.
public struct StorageTracer {
    /// Where each fact is read, resolved under the host root by the caller.
    public struct Paths: Sendable {
        public var blockClass: String
        /// /sys (for dev/block, fs/btrfs, bus/virtio).
        public var sys: String
        /// /run/udev/data.
        public var udevData: String
        public var netClass: String?
        public var routes: String
        /// Prefix for /dev paths a mount table names ("" on this machine).
        public var devPrefix: String
        public init(blockClass: String, sys: String, udevData: String, netClass: String?, routes: String, devPrefix: String) {
            self.blockClass = blockClass; self.sys = sys; self.udevData = udevData
            self.netClass = netClass; self.routes = routes; self.devPrefix = devPrefix
        }
    }

    /// File systems with no device behind them (their content lives in memory or on other
    /// mounts, which are traced themselves).
    static let virtualTypes: Set<String> = [
        "proc", "sysfs", "tmpfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "securityfs", "debugfs", "tracefs",
        "pstore", "efivarfs", "bpf", "mqueue", "hugetlbfs", "configfs", "fusectl", "autofs", "binfmt_misc",
        "rpc_pipefs", "nsfs", "ramfs", "rootfs", "xenfs", "selinuxfs", "overlay", "nfsd", "fuse.lxcfs",
        "fuse.gvfsd-fuse", "fuse.portal", "fuse.xdg-document-portal",
    ]
    /// File systems reached over the network: traced to the NIC that carries the route to the server.
    static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "fuse.sshfs", "fuse.glusterfs", "glusterfs", "afs"]

    let paths: Paths
    let routes: [NetworkHolders.Route]

    public init(paths: Paths) {
        self.paths = paths
        routes = Files.readIfPresent(paths.routes).map { NetworkHolders.parseRoutes(String(decoding: $0, as: UTF8.self)) } ?? []
    }

    /// Every mount (`/proc/self/mountinfo` or `/proc/mounts` lines) and swap partition traced.
    public func trace(mountTable: String, swaps: String?) -> [StorageHolder] {
        let entries = MountTable.parse(mountTable)
        var out = entries.compactMap { e in trace(e, table: entries, depth: 0) }
        for line in (swaps ?? "").split(separator: "\n").dropFirst() {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            // A swap file lives on a mounted file system, which is traced above.
            guard f.count >= 2, f[1] == "partition" else { continue }
            let source = MountTable.unescape(String(f[0]))
            var h = StorageHolder(mountPoint: "swap on " + source, source: source)
            h.chain = ["swap"]
            traceBlock(named: source, majorMinor: nil, into: &h, table: entries, depth: 0)
            out.append(h)
        }
        return out
    }

    func trace(_ e: MountTable.Entry, table: [MountTable.Entry], depth: Int) -> StorageHolder? {
        let type = e.fileSystem
        if Self.virtualTypes.contains(type) || (type == "9p" && !e.superOptions.contains("trans=virtio") && e.source == "none") { return nil }
        var h = StorageHolder(mountPoint: e.mountPoint, source: e.source)
        h.chain = [e.mountPoint]
        if Self.networkTypes.contains(type) || (type == "9p" && !e.superOptions.contains("trans=virtio")) {
            traceNetwork(e, into: &h)
        } else if type == "9p" {
            traceVirtio9p(tag: e.source, into: &h)
        } else if type == "zfs" {
            let pool = String(e.source.split(separator: "/").first ?? "")
            h.untraced = tracePool(pool, into: &h, depth: depth)
        } else if type == "btrfs" {
            traceBtrfs(e, into: &h, table: table, depth: depth)
        } else {
            traceBlock(named: e.source, majorMinor: e.majorMinor, into: &h, table: table, depth: depth)
        }
        return h
    }

    // ------------------------------------------------------------------ block devices

    /// The block device a source names: by major:minor when the kernel gave a real one (mountinfo),
    /// else by its /dev path resolved under the host root.
    func blockPath(named source: String, majorMinor: String?) -> String? {
        if let mm = majorMinor, !mm.hasPrefix("0:"), let real = Files.realPath(paths.sys + "/dev/block/" + mm) { return real }
        guard source.hasPrefix("/dev/") else { return nil }
        let name = Files.realPath(paths.devPrefix + source).map(Files.baseName) ?? Files.baseName(source)
        return Files.realPath(paths.blockClass + "/" + name)
    }

    func traceBlock(named source: String, majorMinor: String?, into h: inout StorageHolder, table: [MountTable.Entry], depth: Int) {
        guard let real = blockPath(named: source, majorMinor: majorMinor) else {
            h.untraced =
                source.hasPrefix("/dev/") || majorMinor.map { !$0.hasPrefix("0:") } == true
                ? "no block device for it under \(paths.blockClass) or \(paths.sys)/dev/block"
                : "its source is not a block device pcihide knows how to follow"
            return
        }
        if let why = traceBlockPath(real, into: &h, table: table, depth: depth) { h.untraced = why }
    }

    /// Adds the PCI functions a block device (by its real sysfs path) hangs from; returns why
    /// it could not be traced, or nil.
    func traceBlockPath(_ real: String, into h: inout StorageHolder, table: [MountTable.Entry], depth: Int) -> String? {
        guard depth < 8 else { return "the chain of devices is deeper than 8" }
        let name = Files.baseName(real)
        h.chain.append(name)
        if name.hasPrefix("zram") || (name.hasPrefix("ram") && Int(name.dropFirst(3)) != nil) { return nil }
        if name.hasPrefix("loop") {
            guard let backing = Files.readIfPresent(real + "/loop/backing_file").map({ String(decoding: $0, as: UTF8.self).trimmingBlanks }) else {
                return "loop device \(name) has no backing file to follow"
            }
            h.chain.append(backing)
            // The file lives on the mount with the longest matching mount point.
            guard
                let holder = table.filter({ backing == $0.mountPoint || backing.hasPrefix($0.mountPoint == "/" ? "/" : $0.mountPoint + "/") })
                    .max(by: { $0.mountPoint.count < $1.mountPoint.count }),
                let traced = trace(holder, table: table, depth: depth + 1)
            else {
                return "the file system holding \(backing) is not in the mount table"
            }
            h.devices += traced.devices
            h.chain += traced.chain
            return traced.untraced
        }
        if name.hasPrefix("zd"), Int(name.dropFirst(2)) != nil {
            guard let pool = zvolPool(real) else { return "zvol \(name) has no zvol/POOL link in the udev database" }
            return tracePool(pool, into: &h, depth: depth + 1)
        }
        if name.hasPrefix("nbd") || name.hasPrefix("rbd") {
            return "\(name) is a network block device; which NIC carries it cannot be read from sysfs"
        }
        // NVMe native multipath: the head lives under the subsystem, every controller holds it.
        let parts = real.split(separator: "/")
        if let i = parts.firstIndex(of: "nvme-subsystem"), i + 1 < parts.count {
            let subsystem = "/" + parts[...(i + 1)].joined(separator: "/")
            let controllers = (Files.list(subsystem) ?? []).filter { $0.hasPrefix("nvme") && Int($0.dropFirst(4)) != nil }.sorted()
            var found: [PCIAddress] = [], endpoints: [PCIAddress] = []
            for c in controllers {
                if let cr = Files.realPath(subsystem + "/" + c) {
                    let path = Self.addresses(in: cr)
                    found += path
                    if let e = path.last { endpoints.append(e) }
                }
            }
            guard !found.isEmpty else { return "no controller of \(Files.baseName(subsystem)) is on a PCI bus" }
            h.devices += found
            h.chain.append(Files.baseName(subsystem))
            h.chain.append(endpoints.map(\.description).joined(separator: " + "))
            return nil
        }
        let own = Self.addresses(in: real)
        let slaves = (Files.list(real + "/slaves") ?? []).sorted()
        if own.isEmpty && slaves.isEmpty {
            return "\(name) is not on a PCI bus (\(real))"
        }
        h.devices += own
        // The chain names the endpoint; the bridges above it are held too (in `devices`).
        if let endpoint = own.last { h.chain.append(endpoint.description) }
        for s in slaves {
            guard let sr = Files.realPath(real + "/slaves/" + s) else { return "cannot follow \(real)/slaves/\(s)" }
            if let why = traceBlockPath(sr, into: &h, table: table, depth: depth + 1) { return why }
        }
        return nil
    }

    static func addresses(in path: String) -> [PCIAddress] {
        path.split(separator: "/").compactMap { PCIAddress(sysfsName: String($0)) }
    }

    // ------------------------------------------------------------------ btrfs, ZFS

    /// Every member of the btrfs file system the mounted device belongs to (/proc/mounts names
    /// only one of them).
    func traceBtrfs(_ e: MountTable.Entry, into h: inout StorageHolder, table: [MountTable.Entry], depth: Int) {
        guard let real = blockPath(named: e.source, majorMinor: e.majorMinor) else {
            h.untraced = "no block device for it under \(paths.blockClass)"
            return
        }
        let name = Files.baseName(real)
        let fsids = Files.list(paths.sys + "/fs/btrfs") ?? []
        guard let fsid = fsids.sorted().first(where: { Files.exists(paths.sys + "/fs/btrfs/\($0)/devices/\(name)") }) else {
            h.untraced = "\(name) is in no /sys/fs/btrfs/*/devices directory, so its other members are unknown"
            return
        }
        let label = Files.readIfPresent(paths.sys + "/fs/btrfs/\(fsid)/label").map { String(decoding: $0, as: UTF8.self).trimmingBlanks } ?? ""
        h.chain.append("btrfs " + (label.isEmpty ? fsid : label))
        for member in (Files.list(paths.sys + "/fs/btrfs/\(fsid)/devices") ?? []).sorted() {
            guard let mr = Files.realPath(paths.sys + "/fs/btrfs/\(fsid)/devices/\(member)") else {
                h.untraced = "cannot follow btrfs member \(member)"
                return
            }
            if let why = traceBlockPath(mr, into: &h, table: table, depth: depth + 1) { h.untraced = why; return }
        }
    }

    /// The pool's member vdevs, from the udev database (ID_FS_TYPE=zfs_member with the pool's
    /// name as ID_FS_LABEL); returns why the pool could not be traced, or nil.
    func tracePool(_ pool: String, into h: inout StorageHolder, depth: Int) -> String? {
        h.chain.append("pool " + pool)
        var members: [String] = []
        for file in (Files.list(paths.udevData) ?? []).sorted() where file.hasPrefix("b") {
            guard let text = Files.readIfPresent(paths.udevData + "/" + file).map({ String(decoding: $0, as: UTF8.self) }) else { continue }
            let lines = text.split(separator: "\n")
            if lines.contains("E:ID_FS_TYPE=zfs_member") && lines.contains(Substring("E:ID_FS_LABEL=" + pool)) {
                members.append(String(file.dropFirst()))
            }
        }
        guard !members.isEmpty else { return "no member of ZFS pool \(pool) in the udev database (\(paths.udevData))" }
        for mm in members {
            guard let real = Files.realPath(paths.sys + "/dev/block/" + mm) else { return "ZFS member \(mm) of \(pool) is not in \(paths.sys)/dev/block" }
            if let why = traceBlockPath(real, into: &h, table: [], depth: depth + 1) { return why }
        }
        return nil
    }

    /// The pool of a zvol: its udev links read `zvol/POOL/NAME`.
    func zvolPool(_ real: String) -> String? {
        guard let dev = Files.readIfPresent(real + "/dev").map({ String(decoding: $0, as: UTF8.self).trimmingBlanks }),
            let text = Files.readIfPresent(paths.udevData + "/b" + dev).map({ String(decoding: $0, as: UTF8.self) })
        else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("S:zvol/") {
            return line.dropFirst(7).split(separator: "/").first.map(String.init)
        }
        return nil
    }

    // ------------------------------------------------------------------ network

    /// The server of a network file system: `addr=` in its options (nfs, cifs), else the host
    /// part of its source (`server:/path`, `//server/share`, `mon1,mon2:/`).
    static func server(_ e: MountTable.Entry) -> String? {
        for o in e.superOptions.split(separator: ",") where o.hasPrefix("addr=") { return String(o.dropFirst(5)) }
        var s = Substring(e.source)
        if s.hasPrefix("//") { s = s.dropFirst(2); return s.split(separator: "/").first.map(String.init) }
        if let colon = s.firstIndex(of: ":") { s = s[..<colon] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        return s.split(separator: ",").first.map(String.init)
    }

    static func ipv4(_ s: String) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard let b = UInt8(p) else { return nil }
            v = v << 8 | UInt32(b)
        }
        return v
    }

    func traceNetwork(_ e: MountTable.Entry, into h: inout StorageHolder) {
        guard let server = Self.server(e), !server.isEmpty else {
            h.untraced = "no server address in its source or options"
            return
        }
        guard let ip = Self.ipv4(server) else {
            h.untraced = "its server \(server) is not an IPv4 address, so the route to it cannot be read from /proc/net/route"
            return
        }
        // /proc/net/route keeps addresses in host (little-endian) order.
        let le = ip.byteSwapped
        guard let route = routes.filter({ le & $0.mask == $0.destination & $0.mask }).max(by: { $0.mask.nonzeroBitCount < $1.mask.nonzeroBitCount }) else {
            h.untraced = "no route to its server \(server) in \(paths.routes)"
            return
        }
        h.chain.append("server \(server) via \(route.interface)")
        let found = interfaceDevices(route.interface, depth: 0)
        guard !found.isEmpty else {
            h.untraced = "interface \(route.interface), which carries the route to \(server), is not on a PCI bus pcihide can follow"
            return
        }
        h.devices += found
        if let endpoint = found.last { h.chain.append(endpoint.description) }
    }

    /// The PCI functions under an interface: its own device, or for a bond, bridge or VLAN the
    /// devices of its lower interfaces.
    func interfaceDevices(_ name: String, depth: Int) -> [PCIAddress] {
        guard let net = paths.netClass, depth < 8 else { return [] }
        let dir = net + "/" + name
        if let dev = Files.realPath(dir + "/device") { return Self.addresses(in: dev) }
        var out: [PCIAddress] = []
        let entries = Files.list(dir) ?? []
        for e in entries.sorted() where e.hasPrefix("lower_") { out += interfaceDevices(String(e.dropFirst(6)), depth: depth + 1) }
        for port in (Files.list(dir + "/brif") ?? []).sorted() { out += interfaceDevices(port, depth: depth + 1) }
        return out
    }

    /// A virtio 9p share: the virtio device whose mount_tag is the source.
    func traceVirtio9p(tag: String, into h: inout StorageHolder) {
        let dir = paths.sys + "/bus/virtio/devices"
        for d in (Files.list(dir) ?? []).sorted() {
            guard let t = Files.readIfPresent(dir + "/" + d + "/mount_tag") else { continue }
            let text = String(decoding: t.filter { $0 != 0 }, as: UTF8.self).trimmingBlanks
            if text == tag, let real = Files.realPath(dir + "/" + d) {
                let found = Self.addresses(in: real)
                h.devices += found
                h.chain.append(d)
                if let endpoint = found.last { h.chain.append(endpoint.description) }
                return
            }
        }
        h.untraced = "no virtio device has mount_tag \(tag)"
    }
}

/// `/proc/self/mountinfo` and `/proc/mounts`, one parser for both (told apart per line by the
/// ` - ` separator and the major:minor field of mountinfo).
public enum MountTable {
    public struct Entry: Equatable, Sendable {
        public var source: String
        public var mountPoint: String
        public var fileSystem: String
        /// `MAJ:MIN` (mountinfo only).
        public var majorMinor: String?
        public var superOptions: String
    }

    public static func parse(_ text: String) -> [Entry] {
        var out: [Entry] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if f.count >= 10, let dash = f.firstIndex(of: "-"), dash >= 6, dash + 2 < f.count, f[2].contains(":") {
                out.append(
                    Entry(
                        source: unescape(f[dash + 2]), mountPoint: unescape(f[4]), fileSystem: f[dash + 1],
                        majorMinor: f[2], superOptions: dash + 3 < f.count ? f[dash + 3] : ""))
            } else if f.count >= 3 {
                out.append(
                    Entry(
                        source: unescape(f[0]), mountPoint: unescape(f[1]), fileSystem: f[2], majorMinor: nil,
                        superOptions: f.count > 3 ? f[3] : ""))
            }
        }
        return out
    }

    /// The kernel writes a space, tab, newline and backslash in a path as `\040`, `\011`, `\012`, `\134`.
    public static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == 0x5c, i + 4 <= u.count, let v = UInt8(String(decoding: u[(i + 1)..<(i + 4)], as: UTF8.self), radix: 8) {
                bytes.append(v); i += 4
            } else {
                bytes.append(u[i]); i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
