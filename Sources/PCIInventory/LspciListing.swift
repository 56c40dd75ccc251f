import CPCIShim
import PCICapabilities
import PCIModel
import Synchronization
import SystemIO

/// lspci's display options that pcihide reproduces byte for byte.
public struct ListingOptions: Equatable, Sendable {
    /// `-n` count: 1 numbers only, 2 names and numbers.
    public var numeric = 0
    /// `-D`: always show domains.
    public var domains = false
    /// `-k`: kernel driver and modules.
    public var kernel = false
    /// `-m` count: machine-readable.
    public var machine = 0
    /// `-t`: bus tree.
    public var tree = false
    /// `-x` count: 1 standard header, 3 256 bytes, 4 extended config space.
    public var hex = 0
    /// `-v` count: 1 the verbose body with each capability's first line.
    public var verbose = 0
    /// `-P` count: 1 the path of device and function numbers through the bridges, 2 with buses.
    public var path = 0
    /// `-b`: the bus-centric view (ids, IRQs and regions as the config space holds them).
    public var busCentric = false
    public init() {}

    /// The bridge topology is needed (lspci's need_topology): the tree, and the path of -P.
    public var needsTopology: Bool { tree || path > 0 }

    /// The listing shows no more of a device than address, ids, class and revision (lspci's
    /// one-line form, with or without -n, -nn, -D): config bytes, subsystem and drivers are not needed.
    public var showsIdentityOnly: Bool { !kernel && machine == 0 && !tree && hex == 0 && verbose == 0 && path == 0 }

    /// The listing shows functions' labels and drivers (-k, and -v outside -m).
    public var showsKernelFiles: Bool { kernel || (verbose > 0 && machine == 0) }

    /// How much of each function the listing reads up front: the one-line form only the
    /// identity, -k and -m the subsystem too, and whatever shows config bytes (or walks the
    /// bridges) the config header.
    public var scan: InventoryScan {
        if showsIdentityOnly { return .identity }
        return tree || hex > 0 || verbose > 0 || path > 0 || busCentric ? .full : .kernelView
    }
}

/// Renders an inventory as lspci (pciutils 3.9) prints it: show_terse, show_machine,
/// show_hex_dump, show_kernel and the tree of ls-tree.c. Names come from libpci.
public struct LspciListing {
    public var inventory: Inventory
    public var options: ListingOptions
    public var filter: PCIFilter?
    /// Text appended to a device's first line (pcihide's `--owners`); nil for none.
    public var annotate: (PCIDevice) -> String?
    /// pcihide's own restriction (`--hidden`), applied after lspci's filter; nil for none.
    public var restriction: ((PCIDevice) -> Bool)?
    /// pcihide's view as extra `Tag:\tvalue` lines at the end of a `-vmm` record, which lspci's
    /// readers skip as tags they do not know (pcihide's `--owners`).
    public var machineTags: (PCIDevice) -> [(String, String)] = { _ in [] }

    public init(
        inventory: Inventory, options: ListingOptions, filter: PCIFilter?,
        annotate: @escaping (PCIDevice) -> String? = { _ in nil },
        include restriction: ((PCIDevice) -> Bool)? = nil
    ) {
        self.inventory = inventory
        self.options = options
        self.filter = filter
        self.annotate = annotate
        self.restriction = restriction
    }

    /// Does the device pass lspci's filter and pcihide's restriction?
    public func selects(_ d: PCIDevice) -> Bool { (filter?.matches(d) ?? true) && (restriction?(d) ?? true) }

    var optDomains: Int { options.domains ? 2 : (inventory.anyDomain ? 1 : 0) }

    /// For -P: the bridge above each device, as ls-tree.c's grow_tree places it.
    var pathParents: [ObjectIdentifier: PCIDevice] = [:]

    /// The devices lspci would show (the filter applied).
    public var shownDevices: [PCIDevice] {
        inventory.devices.filter(selects)
    }

    /// Where libpci stopped a listing (lspci dies there): what was printed before, and why.
    public struct Stopped: Error {
        public var printed: String
        public var failure: Failure
    }

    public func render() throws(Stopped) -> String {
        var out = ""
        out.reserveCapacity(inventory.devices.count * 96)
        if options.tree {
            Tree(listing: self).render(into: &out)
            return out
        }
        var listing = self
        if options.path > 0 { listing.pathParents = Tree(listing: self).parents.map }
        let shown = shownDevices
        let bodies = verboseBodies(shown)
        let machineFacts = verboseMachineFacts(shown)
        for (k, d) in shown.enumerated() {
            do throws(Failure) {
                try listing.device(
                    d, verboseBody: bodies.isEmpty ? nil : bodies[k],
                    machineFacts: machineFacts.isEmpty ? nil : machineFacts[k], into: &out)
            } catch {
                throw Stopped(printed: out, failure: error)
            }
        }
        return out
    }

    /// The verbose bodies of the shown functions of a sysfs tree, described without libpci and
    /// rendered two functions at a time (`PCIDevice.directDescription`, `inTwoHalves`): on a
    /// large machine most of a verbose listing is reading attribute files and config ranges,
    /// one system call each. nil where a function is left to `describe` on this thread (its
    /// files are not in the kernel's usual form, or libpci would warn); [] when none is made so.
    func verboseBodies(_ shown: [PCIDevice]) -> [String?] {
        guard options.verbose > 0, options.machine == 0, inventory.fillPhysicalSlots() else { return [] }
        let names = SerializedNames(inventory)
        let verbose = options.verbose, busCentric = options.busCentric
        return inTwoHalves(count: shown.count, state: { SysfsAttributes() }) { reader, k in
            let d = shown[k]
            guard let (description, config) = d.directDescription(withVPD: verbose > 1, reader: reader, busCentric: busCentric) else { return nil }
            var body = ""
            LspciVerboseText(verbose: verbose, names: names, busCentric: busCentric)
                .render(description, vendorID: d.vendorId, deviceID: d.deviceId, into: &body)
            config.finish()
            return config.trouble ? nil : body
        }
    }

    func slotName(_ d: PCIDevice, into out: inout String) {
        let a = d.address
        let showDomain = options.machine == 0 ? optDomains > 0 : (a.domain != 0 || optDomains >= 2)
        if showDomain { out += hex(a.domain, 4) + ":" }
        slotPath(d, into: &out)
    }

    /// lspci's show_slot_path: with -P the bridges' device and function numbers lead to the device.
    func slotPath(_ d: PCIDevice, into out: inout String) {
        let a = d.address
        if options.path > 0, let bridge = pathParents[ObjectIdentifier(d)] {
            slotPath(bridge, into: &out)
            out += "/" + (options.path > 1 ? hex(a.bus, 2) + ":" : "") + hex(a.device, 2) + "." + String(a.function)
            return
        }
        out += hex(a.bus, 2) + ":" + hex(a.device, 2) + "." + String(a.function)
    }

    /// What -vmm shows of the shown functions' platform, read two functions at a time
    /// (`PCIDevice.directMachineFacts`); nil where a function is left to libpci on this thread,
    /// [] when none is read so.
    func verboseMachineFacts(_ shown: [PCIDevice]) -> [PlatformFacts?] {
        guard options.verbose > 0, options.machine > 0, inventory.fillPhysicalSlots() else { return [] }
        return inTwoHalves(count: shown.count, state: { SysfsAttributes() }) { reader, k in shown[k].directMachineFacts(reader: reader) }
    }

    /// One device's lines; `verboseBody`, when given, is its verbose body already rendered, and
    /// `machineFacts` what -vmm shows of its platform, already read.
    func device(_ d: PCIDevice, verboseBody: String? = nil, machineFacts: PlatformFacts? = nil, into out: inout String) throws(Failure) {
        if options.machine > 0 {
            machine(d, facts: machineFacts, into: &out)
        } else {
            terse(d, into: &out)
            if let verboseBody {
                out += verboseBody
            } else if options.verbose > 0 {
                LspciVerboseText(verbose: options.verbose, names: inventory, busCentric: options.busCentric)
                    .render(try d.describe(withVPD: options.verbose > 1), vendorID: d.vendorId, deviceID: d.deviceId, into: &out)
            }
            if options.kernel || options.verbose > 0 { kernel(d, into: &out) }
            if options.verbose > 0, let extra = annotate(d) {
                // " [hidden, domain 3]" becomes "\tpcihide: hidden, domain 3".
                let text = extra.hasPrefix(" [") && extra.hasSuffix("]") ? String(extra.dropFirst(2).dropLast()) : extra
                out += "\tpcihide: " + text + "\n"
            }
        }
        if options.hex > 0 { hexDump(d, into: &out) }
        if options.hex > 0 || options.verbose > 0 { out += "\n" }
    }

    func terse(_ d: PCIDevice, into out: inout String) {
        slotName(d, into: &out)
        out += " " + inventory.className(d.classId) + ": " + inventory.vendorDeviceName(d)
        if let rev = d.revision, rev != 0 { out += " (rev " + hex(rev, 2) + ")" }
        if options.verbose > 0 {
            let c = d.progIf ?? 0
            let name = inventory.progIfName(d.classId, c)
            if c != 0 || name != nil { out += " (prog-if " + hex(c, 2) + (name.map { " [" + $0 + "]" } ?? "") + ")" }
        }
        // In the verbose form pcihide's view is a line of its own (see `device`), so that lspci's
        // fields on the first line stay as lspci's readers expect them.
        if options.verbose == 0, let extra = annotate(d) { out += extra }
        out += "\n"
        if options.kernel || options.verbose > 0 {
            if let label = d.label { out += "\tDeviceName: " + label }
            if let s = d.subsystem, s.vendor != 0, s.vendor != 0xffff {
                out += "\tSubsystem: " + inventory.subsystemName(d) + "\n"
            }
        }
    }

    func kernel(_ d: PCIDevice, into out: inout String) {
        if let driver = d.driver { out += "\tKernel driver in use: " + driver + "\n" }
        let modules = kernelModules(d)
        if !modules.isEmpty { out += "\tKernel modules: " + modules.joined(separator: ", ") + "\n" }
    }

    /// Modules for the device's modalias, consecutive duplicates dropped (next_module_filtered).
    func kernelModules(_ d: PCIDevice) -> [String] {
        // As lspci: without a module index, no modalias is read. After a broken ID database
        // lspci is dead (the listing is thrown away), so the index is not even loaded.
        guard inventory.nameError == nil, pcishim_modules_available() != 0, let alias = d.moduleAlias else { return [] }
        var buf = [CChar](repeating: 0, count: 4096)
        guard pcishim_modules(alias, &buf, buf.count) > 0 else { return [] }
        var out: [String] = []
        for name in String(nulTerminated: buf).split(separator: "\n") where out.last != String(name) {
            out.append(String(name))
        }
        return out
    }

    /// lspci's show_machine with -v: one `Tag:\tvalue` line each, the record ended by a blank line.
    func verboseMachine(_ d: PCIDevice, facts: PlatformFacts?, into out: inout String) {
        let platform = facts ?? d.machineFacts()
        out += options.machine >= 2 ? "Slot:\t" : "Device:\t"
        slotName(d, into: &out)
        out += "\nClass:\t" + inventory.className(d.classId) + "\n"
        out += "Vendor:\t" + inventory.vendorName(d) + "\n"
        out += "Device:\t" + inventory.deviceName(d) + "\n"
        if let s = d.subsystem, s.vendor != 0, s.vendor != 0xffff {
            out += "SVendor:\t" + inventory.subsystemName(d, vendorOnly: true) + "\n"
            out += "SDevice:\t" + inventory.subsystemName(d, deviceOnly: true) + "\n"
        }
        if let slot = platform.physicalSlot { out += "PhySlot:\t" + slot + "\n" }
        if let rev = d.revision, rev != 0 { out += "Rev:\t" + hex(rev, 2) + "\n" }
        if let p = d.progIf { out += "ProgIf:\t" + hex(p, 2) + "\n" }
        if options.kernel {
            if let driver = d.driver { out += "Driver:\t" + driver + "\n" }
            for m in kernelModules(d) { out += "Module:\t" + m + "\n" }
        }
        if platform.numaNode != -1 { out += "NUMANode:\t" + String(platform.numaNode) + "\n" }
        if let node = platform.deviceTreeNode { out += "DTNode:\t" + node + "\n" }
        if let group = platform.iommuGroup { out += "IOMMUGroup:\t" + group + "\n" }
        for (tag, value) in machineTags(d) { out += tag + ":\t" + value + "\n" }
    }

    func machine(_ d: PCIDevice, facts: PlatformFacts? = nil, into out: inout String) {
        if options.verbose > 0 { return verboseMachine(d, facts: facts, into: &out) }
        func escaped(_ s: String) {
            out += " \""
            // Names seldom hold a quote or a backslash: then the name goes in whole.
            if !s.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                out += s
            } else {
                for c in s.unicodeScalars {
                    if c == "\"" || c == "\\" { out += "\\" }
                    out.unicodeScalars.append(c)
                }
            }
            out += "\""
        }
        slotName(d, into: &out)
        escaped(inventory.className(d.classId))
        escaped(inventory.vendorName(d))
        escaped(inventory.deviceName(d))
        if let rev = d.revision, rev != 0 { out += " -r" + hex(rev, 2) }
        if let p = d.progIf { out += " -p" + hex(p, 2) }
        if let s = d.subsystem, s.vendor != 0, s.vendor != 0xffff {
            escaped(inventory.subsystemName(d, vendorOnly: true))
            escaped(inventory.subsystemName(d, deviceOnly: true))
        } else {
            out += " \"\" \"\""
        }
        if let extra = annotate(d) { out += extra }
        out += "\n"
    }

    func hexDump(_ d: PCIDevice, into out: inout String) {
        guard d.hasConfigAccess else {
            out += "WARNING: Cannot show hex-dump of the config space\n"
            return
        }
        var count = d.scannedCount
        if options.hex >= 3 && d.fetchConfig(upTo: 256) {
            count = 256
            if options.hex >= 4 && d.fetchConfig(upTo: 4096) { count = 4096 }
        }
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 3 + count / 16 * 5)
        let config = d.config
        for i in 0..<count {
            if i & 15 == 0 { bytes += Array(hex(i, 2).utf8); bytes.append(UInt8(ascii: ":")) }
            bytes.append(0x20)
            bytes.append(digits[Int(config[i] >> 4)])
            bytes.append(digits[Int(config[i] & 15)])
            if i & 15 == 15 { bytes.append(0x0a) }
        }
        out += String(decoding: bytes, as: UTF8.self)
    }
}

/// Names for descriptions rendered on two threads: libpci's lookups and the inventory's name
/// cache serve one thread at a time.
final class SerializedNames: DeviceNames, @unchecked Sendable {
    private let names: DeviceNames
    private let lock = Mutex(())

    init(_ names: DeviceNames) { self.names = names }

    func subsystemName(vendor: UInt16, device: UInt16, subvendor: UInt16, subdevice: UInt16) -> String {
        lock.withLock { _ in names.subsystemName(vendor: vendor, device: device, subvendor: subvendor, subdevice: subdevice) }
    }
}
