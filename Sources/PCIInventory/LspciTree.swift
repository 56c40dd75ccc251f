import PCIModel

/// lspci -t: a port of pciutils' ls-tree.c (grow_tree, show_forest), same structure and order,
/// so that the output is byte-identical.
struct Tree {
    final class Bridge {
        var next: Bridge?
        var child: Bridge?
        var buses: [Bus] = []
        var domain: UInt32 = 0
        var primary: UInt32 = ~0
        var secondary: UInt32 = 0
        var subordinate: UInt32 = ~0
        var device: PCIDevice?
    }

    final class Bus {
        let domain: UInt32
        let number: UInt32
        var devices: [PCIDevice] = []
        weak var parent: Bridge?
        init(domain: UInt32, number: UInt32, parent: Bridge) {
            self.domain = domain; self.number = number; self.parent = parent
        }
    }

    /// Each device's bridge (its bus's parent bridge's device), for -P.
    final class Parents { var map: [ObjectIdentifier: PCIDevice] = [:] }

    let listing: LspciListing
    let host = Bridge()
    let parents = Parents()
    /// Every bridge after the host bridge, in the order lspci chains them.
    var chain: [Bridge] = []
    var bridgeOf: [ObjectIdentifier: Bridge] = [:]
    var filter: PCIFilter? { listing.filter.flatMap { $0.isEmpty ? nil : $0 } }

    init(listing: LspciListing) {
        self.listing = listing
        grow()
    }

    func newBus(_ b: Bridge, _ domain: UInt32, _ n: UInt32) -> Bus {
        let bus = Bus(domain: domain, number: n, parent: b)
        b.buses.append(bus)
        return bus
    }

    func findBus(_ b: Bridge, _ domain: UInt32, _ n: UInt32) -> Bus? {
        b.buses.first { $0.domain == domain && $0.number == n }
    }

    func parent(of d: PCIDevice) -> PCIDevice? {
        listing.inventory.device(handle: d.parentHandle)
    }

    func bridge(of d: PCIDevice) -> Bridge? { bridgeOf[ObjectIdentifier(d)] }

    func insert(_ d: PCIDevice, _ b: Bridge) {
        let domain = UInt32(d.address.domain), busNo = UInt32(d.address.bus)
        var bus: Bus?
        if let p = parent(of: d), let pb = bridge(of: p) {
            bus = pb.buses.first ?? newBus(pb, domain, busNo)
        }
        if bus == nil { bus = findBus(b, domain, busNo) }
        if bus == nil {
            var c = b.child
            while let child = c {
                if child.domain == domain && child.secondary <= busNo && busNo <= child.subordinate {
                    insert(d, child)
                    return
                }
                c = child.next
            }
            bus = newBus(b, domain, busNo)
        }
        bus!.devices.append(d)
        if let parent = bus!.parent?.device { parents.map[ObjectIdentifier(d)] = parent }
    }

    mutating func grow() {
        let devices = listing.inventory.devices
        for d in devices {
            let ht: UInt8 = d.headerType ?? 0x7f
            guard d.classId >> 8 == 0x06, ht == 1 || ht == 2 else { continue }
            let b = Bridge()
            b.domain = UInt32(d.address.domain)
            // Bridge and CardBus headers keep primary/secondary/subordinate at 0x18-0x1a.
            b.primary = UInt32(d.config[0x18])
            b.secondary = UInt32(d.config[0x19])
            b.subordinate = UInt32(d.config[0x1a])
            b.device = d
            chain.append(b)
            bridgeOf[ObjectIdentifier(d)] = b
        }
        // Bridges libpci reports through the parent links.
        for d in devices {
            guard let p = parent(of: d), bridge(of: p) == nil else { continue }
            let b = Bridge()
            b.domain = UInt32(p.address.domain)
            b.primary = UInt32(p.address.bus)
            b.secondary = UInt32(d.address.bus)
            b.subordinate = b.secondary
            b.device = p
            chain.append(b)
            bridgeOf[ObjectIdentifier(p)] = b
        }
        let all = [host] + chain
        for b in all {
            var best: Bridge?
            if let bd = b.device, let p = parent(of: bd) { best = bridge(of: p) }
            if best == nil {
                for c in all
                where c !== b && (c === host || b.domain == c.domain)
                    && b.primary >= c.secondary && b.primary <= c.subordinate
                    && (best == nil || best!.subordinate &- best!.primary > c.subordinate &- c.primary)
                {
                    best = c
                }
            }
            if let best {
                b.next = best.child
                best.child = b
            }
        }
        for b in all where findBus(b, b.domain, b.secondary) == nil {
            _ = newBus(b, b.domain, b.secondary)
        }
        for d in devices { insert(d, host) }
    }

    // MARK: Printing

    static let lineLimit = 1023

    func render(into out: inout String) {
        var line: [UInt8] = []
        showBridge(host, &line, 0, &out)
    }

    func printIt(_ line: inout [UInt8], _ p: Int, _ out: inout String) {
        let text = line[0..<min(p, line.count)]
        out += String(decoding: text, as: UTF8.self)
        if p >= Tree.lineLimit { out += "..." }
        out += "\n"
        line = Array(line[0..<min(p, line.count)])
        for i in line.indices { line[i] = line[i] == UInt8(ascii: "+") || line[i] == UInt8(ascii: "|") ? UInt8(ascii: "|") : 0x20 }
    }

    /// Writes `s` at position p (truncating at the line limit) and returns the new position.
    func put(_ line: inout [UInt8], _ p: Int, _ s: String) -> Int {
        if line.count > p { line.removeSubrange(p...) }
        while line.count < p { line.append(0x20) }
        let room = Tree.lineLimit - p
        if room <= 0 { return p }
        let bytes = Array(s.utf8)
        if bytes.count >= room {
            line += bytes.prefix(room - 1)
            return p + room
        }
        line += bytes
        return p + bytes.count
    }

    /// Is anything left out? lspci's filter, or pcihide's --hidden, which the tree honours alike:
    /// a device is drawn when it is selected or leads to one that is.
    var restricted: Bool { filter != nil || listing.restriction != nil }

    func checkDevice(_ d: PCIDevice) -> Bool {
        guard restricted else { return true }
        if listing.selects(d) { return true }
        if let b = bridge(of: d) { return b.buses.contains { checkBus($0) } }
        return false
    }

    func checkBus(_ b: Bus) -> Bool {
        guard restricted else { return true }
        return b.devices.contains { checkDevice($0) }
    }

    func showDevice(_ d: PCIDevice, _ line: inout [UInt8], _ p: Int, _ out: inout String) {
        var p = put(&line, p, hex(d.address.device, 2) + "." + String(d.address.function, radix: 16))
        if let b = bridge(of: d) {
            if b.secondary == 0 {
                p = put(&line, p, "-")
            } else if b.secondary == b.subordinate {
                p = put(&line, p, "-[" + hex(b.secondary, 2) + "]-")
            } else {
                p = put(&line, p, "-[" + hex(b.secondary, 2) + "-" + hex(b.subordinate, 2) + "]-")
            }
            showBridge(b, &line, p, &out)
            return
        }
        // -tv: the vendor and device names after each device that is not a bridge.
        if listing.options.verbose > 0 { p = put(&line, p, "  " + listing.inventory.vendorDeviceName(d, size: 256)) }  // ls-tree.c namebuf[256]
        printIt(&line, p, &out)
    }

    func showBus(_ b: Bus, _ line: inout [UInt8], _ p: Int, _ out: inout String) {
        if b.devices.isEmpty {
            printIt(&line, p, &out)
        } else if b.devices.count == 1 {
            if checkDevice(b.devices[0]) {
                let q = put(&line, p, "--")
                showDevice(b.devices[0], &line, q, &out)
            } else {
                printIt(&line, p, &out)
            }
        } else {
            var empty = true
            for d in b.devices.dropLast() where checkDevice(d) {
                let q = put(&line, p, "+-")
                showDevice(d, &line, q, &out)
                empty = false
            }
            let last = b.devices[b.devices.count - 1]
            if checkDevice(last) {
                let q = put(&line, p, "\\-")
                showDevice(last, &line, q, &out)
                empty = false
            }
            if empty { printIt(&line, p, &out) }
        }
    }

    func showBridge(_ b: Bridge, _ line: inout [UInt8], _ p: Int, _ out: inout String) {
        var p = put(&line, p, "-")
        if b.buses.count == 1 {
            if checkBus(b.buses[0]) {
                if b === host { p = put(&line, p, "[" + hex(b.domain, 4) + ":" + hex(b.buses[0].number, 2) + "]-") }
                showBus(b.buses[0], &line, p, &out)
            } else {
                printIt(&line, p, &out)
            }
        } else {
            var empty = true
            for u in b.buses.dropLast() where checkBus(u) {
                let k = put(&line, p, "+-[" + hex(u.domain, 4) + ":" + hex(u.number, 2) + "]-")
                showBus(u, &line, k, &out)
                empty = false
            }
            if let u = b.buses.last, checkBus(u) {
                let k = put(&line, p, "\\-[" + hex(u.domain, 4) + ":" + hex(u.number, 2) + "]-")
                showBus(u, &line, k, &out)
                empty = false
            }
            if empty { printIt(&line, p, &out) }
        }
    }
}
