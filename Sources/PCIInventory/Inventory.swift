import CLibPCI
import CPCIShim
import PCICapabilities
import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// Where devices come from.
public enum InventorySource: Sendable, Equatable {
    /// A sysfs PCI root holding `devices/` (the live machine is `/sys/bus/pci`).
    case sysfs(String)
    /// An lspci hex dump (`lspci -x`, `-xxx` or `-xxxx` output), as `lspci -F` reads it.
    case dump(String)

    public var path: String {
        switch self {
        case .sysfs(let p), .dump(let p): return p
        }
    }

    /// `-F FILE` when given, else `--sysfs DIR`, `$PCIHIDE_SYSFS` or the host root's sysfs.
    public init(sysfs: String?, dumpFile: String?, host: HostRoot) throws(Failure) {
        if let dumpFile { self = .dump(dumpFile); return }
        self = .sysfs(try SysfsTree.resolveRoot(option: sysfs, host: host))
    }
}

extension PCIAddress {
    /// The address of a function libpci scanned (its domain is 32 bits, as Intel VMD's are).
    init(_ d: pci_dev) {
        self.init(domain: UInt32(bitPattern: d.domain), bus: d.bus, device: d.dev, function: d.func)
    }
}

/// One libpci state: freed when neither its inventory nor any of its devices (whose handles
/// point into it, and whose descriptions read config through it) is left.
final class LibPCIAccess {
    let pointer: UnsafeMutablePointer<pci_access>
    init(_ pointer: UnsafeMutablePointer<pci_access>) { self.pointer = pointer }
    deinit { pcishim_close(pointer) }
}

/// One PCI function as libpci sees it, with the config bytes lspci would have read.
public final class PCIDevice {
    let handle: UnsafeMutablePointer<pci_dev>
    /// Keeps libpci's state, which `handle` points into, alive as long as the device.
    let library: LibPCIAccess
    public let address: PCIAddress
    public let vendorId: UInt16
    public let deviceId: UInt16
    /// Base class and subclass, `0x0200` for an Ethernet controller.
    public let classId: UInt16
    /// Known only when libpci filled PCI_FILL_CLASS_EXT.
    public let progIf: UInt8?
    public let revision: UInt8?
    /// nil when libpci does not know it.
    public let subsystem: PCIIds?
    /// The config bytes read so far (64, or 128 for CardBus bridges); empty without config access.
    public private(set) var config: [UInt8]
    public var hasConfigAccess: Bool { !config.isEmpty }
    /// The bytes read when the device was scanned (64, or 128 for a CardBus bridge): lspci's
    /// `config_cached`, which its hex dump shows, however much more a capability read later.
    public private(set) var scannedCount = 0
    /// The function's sysfs directory and the inventory's reader of it, when the source is
    /// sysfs: its text attributes and links are read there (see `SysfsAttributes`) rather than
    /// through libpci, with the same result (`SysfsAttributesTests` holds the two equal).
    var sysfs: (directory: String, reader: SysfsAttributes)?

    /// Reads a function when the inventory is made: the identity `SysfsIdentityReader` read
    /// (nil: libpci reads it), the standard config header when `scan` needs it, and through
    /// libpci whatever is still unknown (the subsystem from the header when the kernel gives no
    /// `subsystem_vendor`; the parent bridge for `topology`).
    init(
        _ p: UnsafeMutablePointer<pci_dev>, library: LibPCIAccess, address: PCIAddress, identity: SysfsIdentityReader.Identity?,
        scan: InventoryScan, topology: Bool
    ) throws(Failure) {
        handle = p
        self.library = library
        self.address = address
        var readsHeader = true
        if let identity {
            // libpci is told what it would have read from the same files, so that its filters
            // and any later fill_info use these values instead of reading them again.
            p.pointee.vendor_id = identity.vendor
            p.pointee.device_id = identity.device
            p.pointee.device_class = UInt16(truncatingIfNeeded: identity.classCode >> 8)
            p.pointee.prog_if = UInt8(truncatingIfNeeded: identity.classCode)
            p.pointee.rev_id = identity.revision
            p.pointee.known_fields |= UInt32(PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT)
            if let s = identity.subsystem {
                p.pointee.subsys_vendor_id = s.vendor
                p.pointee.subsys_id = s.device
                p.pointee.known_fields |= UInt32(PCI_FILL_SUBSYS)
            }
            switch scan {
            case .identity: readsHeader = false
            case .kernelView: readsHeader = identity.subsystem == nil
            case .full: readsHeader = true
            }
        }
        let d = p.pointee
        // lspci reads the standard header first and gives it to libpci as a cache, so that
        // fill_info on dumps and sysfs agrees with what lspci shows.
        var buf = [UInt8](repeating: 0, count: 64)
        if readsHeader, let header = identity?.header {
            config = header
        } else if readsHeader && d.no_config_access == 0 && pcishim_read_block(p, 0, &buf, 64) != 0 {
            if buf[0x0e] & 0x7f == 2 {
                var more = [UInt8](repeating: 0, count: 64)
                if pcishim_read_block(p, 64, &more, 64) != 0 { buf += more }
            }
            config = buf
        } else {
            config = []
        }
        scannedCount = config.count
        if readsHeader {
            let cache = UnsafeMutablePointer<UInt8>.allocate(capacity: max(config.count, 1))
            cache.initialize(from: config, count: config.count)
            pci_setup_cache(p, cache, Int32(config.count))
        }
        // The one-line listing shows no subsystem: it is not read.
        var flags = UInt32(PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | (scan == .identity ? 0 : PCI_FILL_SUBSYS))
        if topology { flags |= UInt32(PCI_FILL_PARENT) }
        var err = [CChar](repeating: 0, count: 256)
        if pcishim_fill(p, flags, &err, err.count) != 0 {
            throw Failure(.dataError, "cannot read device \(address): libpci: \(String(nulTerminated: err))")
        }
        let f = p.pointee
        vendorId = f.vendor_id
        deviceId = f.device_id
        classId = f.device_class
        let ext = f.known_fields & UInt32(PCI_FILL_CLASS_EXT) != 0
        progIf = ext ? f.prog_if : nil
        revision = ext ? f.rev_id : nil
        subsystem = f.known_fields & UInt32(PCI_FILL_SUBSYS) != 0 ? PCIIds(vendor: f.subsys_vendor_id, device: f.subsys_id) : nil
    }

    public var ids: PCIIds { PCIIds(vendor: vendorId, device: deviceId) }

    /// The header type without the multi-function bit, nil without config access.
    public var headerType: UInt8? { config.count > 0x0e ? config[0x0e] & 0x7f : nil }

    /// Reads config bytes up to `count` (256 or 4096), as lspci -xxx/-xxxx do: all or nothing per step.
    @discardableResult
    public func fetchConfig(upTo count: Int) -> Bool {
        guard hasConfigAccess else { return false }
        if config.count >= count { return true }
        var more = [UInt8](repeating: 0, count: count - config.count)
        guard pcishim_read_block(handle, Int32(config.count), &more, Int32(more.count)) != 0 else { return false }
        config += more
        return true
    }

    func stringProperty(_ flag: Int32) -> String? {
        var err = [CChar](repeating: 0, count: 256)
        guard pcishim_fill(handle, UInt32(flag), &err, err.count) == 0,
            let s = pci_get_string_property(handle, UInt32(flag))
        else { return nil }
        return String(cString: s)
    }

    /// The label and driver the scan read with the identity (`Inventory`'s `kernelFiles`).
    var scannedKernelFiles: SysfsIdentityReader.KernelFiles?

    /// The kernel driver bound now (sysfs `driver` link).
    public var driver: String? {
        if let scannedKernelFiles { return scannedKernelFiles.driver }
        guard let sysfs else { return libpciDriver }
        return sysfs.reader.linkedName(sysfs.directory, "driver")
    }

    /// The IOMMU group's number (the last component of the `iommu_group` link's target).
    public var iommuGroup: String? {
        guard let sysfs else { return libpciIOMMUGroup }
        return sysfs.reader.linkedName(sysfs.directory, "iommu_group")
    }

    public var moduleAlias: String? {
        guard let sysfs else { return libpciModuleAlias }
        return sysfs.reader.text(sysfs.directory, "modalias")
    }

    public var label: String? {
        if let scannedKernelFiles { return scannedKernelFiles.label }
        guard let sysfs else { return libpciLabel }
        return sysfs.reader.text(sysfs.directory, "label")
    }

    // libpci's answers, for dumps, and for the tests that hold the sysfs reader equal to them.
    var libpciDriver: String? { stringProperty(PCI_FILL_DRIVER) }
    var libpciIOMMUGroup: String? { stringProperty(PCI_FILL_IOMMU_GROUP) }

    var libpciModuleAlias: String? {
        var err = [CChar](repeating: 0, count: 256)
        guard pcishim_fill(handle, UInt32(PCI_FILL_MODULE_ALIAS), &err, err.count) == 0,
            let s = handle.pointee.module_alias
        else { return nil }
        return String(cString: s)
    }

    var libpciLabel: String? {
        var err = [CChar](repeating: 0, count: 256)
        guard pcishim_fill(handle, UInt32(PCI_FILL_LABEL), &err, err.count) == 0,
            let s = handle.pointee.label
        else { return nil }
        return String(cString: s)
    }

    /// The interrupt line the host delivers (sysfs `irq`, else config 0x3c).
    public var irq: Int {
        var err = [CChar](repeating: 0, count: 256)
        _ = pcishim_fill(handle, UInt32(PCI_FILL_IRQ), &err, err.count)
        return Int(handle.pointee.irq)
    }

    /// Base address registers 0-5 with their sizes (sizes from sysfs `resource` when available).
    public var bars: [(base: UInt64, size: UInt64)] {
        var err = [CChar](repeating: 0, count: 256)
        _ = pcishim_fill(handle, UInt32(PCI_FILL_BASES | PCI_FILL_SIZES), &err, err.count)
        let d = handle.pointee
        let bases = withUnsafeBytes(of: d.base_addr) { Array($0.bindMemory(to: UInt64.self)) }
        let sizes = withUnsafeBytes(of: d.size) { Array($0.bindMemory(to: UInt64.self)) }
        return (0..<6).map { (bases[$0], sizes[$0]) }
    }

    public var rom: (base: UInt64, size: UInt64) {
        var err = [CChar](repeating: 0, count: 256)
        _ = pcishim_fill(handle, UInt32(PCI_FILL_ROM_BASE | PCI_FILL_SIZES), &err, err.count)
        return (handle.pointee.rom_base_addr, handle.pointee.rom_size)
    }

    /// The parent bridge libpci reports (sysfs topology), when known.
    var parentHandle: UnsafeMutablePointer<pci_dev>? {
        handle.pointee.known_fields & UInt32(PCI_FILL_PARENT) != 0 ? handle.pointee.parent : nil
    }
}

/// How much of each function an inventory reads when it is made; everything else is read
/// when asked for.
public enum InventoryScan: Sendable, Equatable {
    /// Address, ids, class, programming interface and revision (lspci's one-line listing).
    case identity
    /// Those and the subsystem, without the config header when the kernel gives the subsystem
    /// (lspci -k, -m).
    case kernelView
    /// Those and the standard config header (64 bytes, 128 for a CardBus bridge), as lspci's
    /// scan_device reads it: every listing that shows config bytes or capabilities.
    case full
}

/// The devices of a source, read through libpci exactly as lspci reads them.
public final class Inventory {
    let library: LibPCIAccess
    var access: UnsafeMutablePointer<pci_access> { library.pointer }
    public let source: InventorySource
    /// Sorted by domain, bus, device, function (lspci's order).
    public private(set) var devices: [PCIDevice] = []
    /// Some device is outside domain 0 (lspci then shows domains).
    public private(set) var anyDomain = false

    /// Opens a source. `idsFile` replaces pci.ids (`-i`); `numericIds` is lspci's `-n` count.
    /// `include` limits which devices are read (lspci reads only the filtered ones unless it needs
    /// the topology). `scan`: how much of each function the caller uses (`InventoryScan`).
    /// `busCentric`: lspci -b, everything as the config space holds it (libpci's buscentric mode).
    /// `directReads`: false reads everything through libpci (the tests that hold the direct
    /// readers equal to it). `kernelFiles`: the caller shows each function's label and driver
    /// (lspci -k, -v): a sysfs tree's are read with the identity, by the scan's two threads.
    public init(
        source: InventorySource, idsFile: String? = nil, numericIds: Int = 0, topology: Bool = false,
        filter: PCIFilter? = nil, scan: InventoryScan = .full, busCentric: Bool = false, directReads: Bool = true,
        kernelFiles: Bool = false
    ) throws {
        self.source = source
        switch source {
        case .sysfs(let root):
            let dir = root + "/devices"
            guard Files.isDirectory(dir) else {
                let why = Files.exists(dir) ? "is not a directory" : "does not exist"
                throw Failure(.noInput, "cannot read the PCI devices of \(root): \(dir) \(why) (--sysfs DIR or PCIHIDE_SYSFS names a directory holding devices/)")
            }
            guard Files.isReadableDirectory(dir) else {
                throw Failure(.noInput, "cannot read the PCI devices of \(root): \(dir) is not readable")
            }
        case .dump(let path):
            // Checked here first: libpci's own errors name neither the file's line nor column.
            _ = try DumpFile.read(path)
        }
        if let idsFile, !Files.exists(idsFile) {
            throw Failure(.noInput, "cannot read the ID database \(idsFile): no such file")
        }
        var err = [CChar](repeating: 0, count: 512)
        let sysfs: String? = {
            if case .sysfs(let r) = source { return r }; return nil
        }()
        let dump: String? = {
            if case .dump(let d) = source { return d }; return nil
        }()
        guard let acc = pcishim_open(sysfs, dump, idsFile, Int32(numericIds), busCentric ? 1 : 0, &err, err.count) else {
            throw Failure(.noInput, "cannot read \(source.path): libpci: \(String(nulTerminated: err))")
        }
        library = LibPCIAccess(acc)
        var list: [PCIDevice] = []
        let attributes = directReads ? sysfs.map { _ in SysfsAttributes() } : nil
        // The direct reader reads the kernel's view (sysfs attributes), which -b does not show.
        let direct: SysfsIdentityReader? = directReads && !busCentric && sysfs != nil ? SysfsIdentityReader(root: sysfs!) : nil
        var selected: [(UnsafeMutablePointer<pci_dev>, PCIAddress)] = []
        var p = acc.pointee.devices
        while let dev = p {
            if dev.pointee.domain != 0 { anyDomain = true }
            if topology || filter?.matches(dev) ?? true { selected.append((dev, PCIAddress(dev.pointee))) }
            p = dev.pointee.next
        }
        // For a full scan the header is read with the identity (libpci is given it as its cache).
        let identities = direct?.identities(
            of: selected.map(\.1), subsystem: scan != .identity, header: scan == .full,
            kernelFiles: kernelFiles, canonicalPath: topology)
        for (k, (dev, address)) in selected.enumerated() {
            let identity = identities?[k]
            // The bridge above a function whose canonical path the scan read is found below, from the paths.
            let device = try PCIDevice(
                dev, library: library, address: address, identity: identity, scan: scan,
                topology: topology && identity?.canonicalPath == nil)
            device.scannedKernelFiles = identity?.kernelFiles
            if let sysfs, let attributes {
                var name: [UInt8] = Array((sysfs + "/devices/").utf8)
                address.append(to: &name)
                device.sysfs = (String(decoding: name, as: UTF8.self), attributes)
            }
            list.append(device)
        }
        if topology, let identities { try Self.linkParents(list, identities.map { $0?.canonicalPath }) }
        // lspci builds its list by prepending each device libpci reports, then sorts it with
        // glibc's qsort, which is a stable merge sort: a slot listed twice in a dump keeps that
        // reversed order. The same here, stable by construction.
        let reversed = Array(list.reversed())
        devices = reversed.indices.sorted { (reversed[$0].address, $0) < (reversed[$1].address, $1) }.map { reversed[$0] }
    }

    deinit {
        if case .extract(_, _, let fd) = names { close(fd) }
    }

    /// Each function's bridge as libpci's sysfs_fill_info finds it (PCI_FILL_PARENT), from the
    /// canonical paths the scan read (`paths[k]` of `devices[k]`; nil: libpci found it already):
    /// the function's parent directory, named by a PCI address, must be that device's own
    /// canonical directory. libpci takes realpath(3) of both, one readlink(2) per component, 15
    /// on the generated tree; the scan read each in one, on two threads. A parent directory
    /// whose name libpci's sscanf(3) could read otherwise than the kernel writes it, or a
    /// parent without a path, is left to libpci.
    private static func linkParents(_ devices: [PCIDevice], _ paths: [String?]) throws(Failure) {
        var byAddress: [PCIAddress: Int] = [:]
        for (k, d) in devices.enumerated() where byAddress[d.address] == nil { byAddress[d.address] = k }
        for (k, d) in devices.enumerated() {
            guard let path = paths[k] else { continue }
            let utf8 = path.utf8
            guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { continue }
            let parentPath = path[..<slash]
            let name = parentPath.utf8.lastIndex(of: UInt8(ascii: "/")).map { parentPath[parentPath.utf8.index(after: $0)...] } ?? parentPath
            var parent: Int?
            if let address = PCIAddress(sysfsName: name) {
                if address.domain <= 0x7fff_ffff, let p = byAddress[address] {
                    guard let canonical = paths[p] else { try d.fillParent(); continue }
                    if canonical == parentPath { parent = p }
                }
            } else if let first = name.utf8.first, Self.scanfHexStart(first) {
                try d.fillParent()
                continue
            }
            if let parent {
                d.handle.pointee.parent = devices[parent].handle
                d.handle.pointee.known_fields |= UInt32(PCI_FILL_PARENT)
            }
        }
    }

    /// Could sscanf(3)'s "%x" start reading at this byte (white space, a sign, a hex digit)?
    private static func scanfHexStart(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
            UInt8(ascii: "+"), UInt8(ascii: "-"), 0x20, 0x09...0x0d:
            return true
        default: return false
        }
    }

    // MARK: The ID database

    /// Where libpci's names come from: not chosen yet, an extract of pci.ids for the devices
    /// read (its full path and the in-memory file holding it), or the whole file.
    private enum NameSource {
        case undecided
        case extract(IDExtract, full: String, fd: Int32)
        case whole
    }
    private var names = NameSource.undecided

    /// Before a lookup of `vendor` (and `device`): on the first, loads libpci's names from an
    /// extract of pci.ids holding every device read (lspci spends most of its run loading the
    /// whole file); a lookup outside the extract switches libpci back to the whole file.
    private func prepareNames(vendor: UInt16? = nil, device: UInt16? = nil) {
        switch names {
        case .whole:
            return
        case .extract(let extract, _, _):
            if vendor.map({ extract.contains(vendor: $0, device: device) }) ?? true { return }
            useWholeDatabase()
        case .undecided:
            names = .whole
            var wanted = IDExtract()
            for d in devices {
                wanted.vendors.insert(d.vendorId)
                wanted.devices.insert(IDExtract.key(vendor: d.vendorId, device: d.deviceId))
                if let s = d.subsystem { wanted.vendors.insert(s.vendor) }
            }
            if let vendor {
                wanted.vendors.insert(vendor)
                if let device { wanted.devices.insert(IDExtract.key(vendor: vendor, device: device)) }
            }
            guard var path = pcishim_names_path(access).map({ String(cString: $0) }) else { return }
            // libpci's default is pci.ids.gz, and it tries the name without .gz when that is absent.
            if path.hasSuffix(".gz") && !Files.exists(path) { path.removeLast(3) }
            guard
                let bytes = Files.withMappedFile(
                    path,
                    { text -> [UInt8]? in
                        // A compressed database (gzip's magic first) is libpci's to read.
                        if text.count >= 2 && text[0] == 0x1f && text[1] == 0x8b { return nil }
                        return wanted.extract(text)
                    }) ?? nil
            else { return }
            let fd = bytes.withUnsafeBytes { pcishim_memory_file($0.baseAddress, $0.count) }
            guard fd >= 0 else { return }
            pcishim_use_names(access, "/proc/self/fd/\(fd)")
            names = .extract(wanted, full: path, fd: fd)
        }
    }

    /// Points libpci back at the whole ID database, for the lookups the extract cannot answer.
    private func useWholeDatabase() {
        guard case .extract(_, let full, let fd) = names else { return }
        pcishim_use_names(access, full)
        close(fd)
        names = .whole
    }

    /// Reads every function's physical slot before descriptions are made on other threads
    /// (libpci reads the `slots` directory once, for all its devices); false when the source is
    /// no sysfs tree read directly, or libpci failed.
    func fillPhysicalSlots() -> Bool {
        guard let first = devices.first, first.sysfs != nil else { return false }
        var err = [CChar](repeating: 0, count: 256)
        return pcishim_fill(first.handle, UInt32(PCI_FILL_PHYS_SLOT), &err, err.count) == 0
    }

    public func device(_ a: PCIAddress) -> PCIDevice? { devices.first { $0.address == a } }

    // MARK: Names, as lspci formats them

    /// The first error libpci raised in a name lookup (a broken ID database, which lspci
    /// reports and dies of); the lookup's text then holds the message in brackets.
    public private(set) var nameError: String?

    /// One name lookup: `call` fills the buffer it is given. An error raised while the names
    /// came from the extract is retried on the whole file, so that what is reported is libpci's
    /// word on the file the user has.
    private func lookupName(
        size: Int32 = 128, vendor: UInt16? = nil, device: UInt16? = nil, subvendor: UInt16? = nil,
        _ call: (UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<CChar>?
    ) -> String? {
        prepareNames(vendor: vendor, device: device)
        if let subvendor { prepareNames(vendor: subvendor) }
        var buf = [CChar](repeating: 0, count: Int(size))
        var err = [CChar](repeating: 0, count: 512)
        for attempt in 0..<2 {
            let found = buf.withUnsafeMutableBufferPointer { call($0.baseAddress!) }.map { String(cString: $0) }
            guard pcishim_take_lookup_error(&err, err.count) != 0 else { return found }
            if attempt == 0, case .extract = names {
                useWholeDatabase()
                continue
            }
            if nameError == nil { nameError = String(nulTerminated: err) }
            return found
        }
        return nil
    }

    /// Names already looked up, by what was asked. A large machine has many functions of few
    /// kinds, and each libpci lookup of an id pci.ids lacks searches udev's hwdb again.
    private struct NameKey: Hashable {
        var what: UInt8, flags: Int32, size: Int32, ids: UInt64
    }
    /// nil is remembered too: a lookup that found nothing is not made again.
    private var looked: [NameKey: String?] = [:]

    private func remembered(_ key: NameKey, _ lookup: () -> String?) -> String? {
        if let name = looked[key] { return name }
        let name = lookup()
        looked[key] = .some(name)
        return name
    }

    private func remembered(_ key: NameKey, _ lookup: () -> String) -> String {
        remembered(key, { Optional(lookup()) }) ?? ""
    }

    public func className(_ cls: UInt16, flags: Int32 = 0) -> String {
        remembered(NameKey(what: 0, flags: flags, size: 128, ids: UInt64(cls))) {
            lookupName { pcishim_lookup_class(access, $0, 128, flags, UInt32(cls)) } ?? ""
        }
    }

    /// "Vendor Device" (PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE).
    public func vendorDeviceName(_ d: PCIDevice, flags: Int32 = 0, size: Int32 = 128) -> String {
        remembered(NameKey(what: 1, flags: flags, size: size, ids: UInt64(d.vendorId) << 16 | UInt64(d.deviceId))) {
            lookupName(size: size, vendor: d.vendorId, device: d.deviceId) {
                pcishim_lookup_vendor_device(access, $0, size, flags | Int32(PCI_LOOKUP_VENDOR.rawValue | PCI_LOOKUP_DEVICE.rawValue), UInt32(d.vendorId), UInt32(d.deviceId))
            } ?? ""
        }
    }

    /// "Vendor Device" when both are in the ID database, else nil (for renderers with their own fallback).
    public func knownName(vendor: UInt16, device: UInt16) -> String? {
        let flags = Int32(PCI_LOOKUP_VENDOR.rawValue | PCI_LOOKUP_DEVICE.rawValue | PCI_LOOKUP_NO_NUMBERS.rawValue)
        return remembered(NameKey(what: 5, flags: flags, size: 256, ids: UInt64(vendor) << 16 | UInt64(device))) {
            lookupName(size: 256, vendor: vendor, device: device) { pcishim_lookup_vendor_device(access, $0, 256, flags, UInt32(vendor), UInt32(device)) }
        }
    }

    /// The class name when the ID database knows it, else nil.
    public func knownClassName(_ cls: UInt16) -> String? {
        remembered(NameKey(what: 6, flags: 0, size: 128, ids: UInt64(cls))) {
            lookupName { pcishim_lookup_class(access, $0, 128, Int32(PCI_LOOKUP_NO_NUMBERS.rawValue), UInt32(cls)) }
        }
    }

    public func vendorName(_ d: PCIDevice) -> String {
        remembered(NameKey(what: 2, flags: 0, size: 128, ids: UInt64(d.vendorId) << 16 | UInt64(d.deviceId))) {
            lookupName(vendor: d.vendorId, device: d.deviceId) {
                pcishim_lookup_vendor_device(access, $0, 128, Int32(PCI_LOOKUP_VENDOR.rawValue), UInt32(d.vendorId), UInt32(d.deviceId))
            } ?? ""
        }
    }

    public func deviceName(_ d: PCIDevice) -> String {
        remembered(NameKey(what: 3, flags: 0, size: 128, ids: UInt64(d.vendorId) << 16 | UInt64(d.deviceId))) {
            lookupName(vendor: d.vendorId, device: d.deviceId) {
                pcishim_lookup_vendor_device(access, $0, 128, Int32(PCI_LOOKUP_DEVICE.rawValue), UInt32(d.vendorId), UInt32(d.deviceId))
            } ?? ""
        }
    }

    public func subsystemName(_ d: PCIDevice, vendorOnly: Bool = false, deviceOnly: Bool = false, size: Int32 = 256) -> String {
        guard let s = d.subsystem else { return "" }
        if vendorOnly {
            return remembered(NameKey(what: 4, flags: 0, size: size, ids: UInt64(s.vendor))) {
                lookupName(size: size, vendor: s.vendor) {
                    pcishim_lookup_subvendor(access, $0, size, Int32(PCI_LOOKUP_SUBSYSTEM.rawValue | PCI_LOOKUP_VENDOR.rawValue), UInt32(s.vendor))
                } ?? ""
            }
        }
        var flags = Int32(PCI_LOOKUP_SUBSYSTEM.rawValue | PCI_LOOKUP_DEVICE.rawValue)
        if !deviceOnly { flags |= Int32(PCI_LOOKUP_VENDOR.rawValue) }
        return subsystemName(flags: flags, size: size, vendor: d.vendorId, device: d.deviceId, subvendor: s.vendor, subdevice: s.device)
    }

    /// One subsystem lookup (the device's `Subsystem:` line and the bridge subsystem capability).
    private func subsystemName(flags: Int32, size: Int32, vendor: UInt16, device: UInt16, subvendor: UInt16, subdevice: UInt16) -> String {
        let ids = UInt64(vendor) << 48 | UInt64(device) << 32 | UInt64(subvendor) << 16 | UInt64(subdevice)
        return remembered(NameKey(what: 7, flags: flags, size: size, ids: ids)) {
            lookupName(size: size, vendor: vendor, device: device, subvendor: subvendor) {
                pcishim_lookup_subsystem(access, $0, size, flags, UInt32(vendor), UInt32(device), UInt32(subvendor), UInt32(subdevice))
            } ?? ""
        }
    }

    /// The programming interface's name (lspci -v's `prog-if`), nil when the database has none.
    public func progIfName(_ cls: UInt16, _ progIf: UInt8) -> String? {
        remembered(NameKey(what: 8, flags: 0, size: 128, ids: UInt64(cls) << 8 | UInt64(progIf))) {
            lookupName { pcishim_lookup_progif(access, $0, 128, Int32(PCI_LOOKUP_NO_NUMBERS.rawValue), UInt32(cls), UInt32(progIf)) }
        }
    }

    func device(handle: UnsafeMutablePointer<pci_dev>?) -> PCIDevice? {
        guard let handle else { return nil }
        return devices.first { $0.handle == handle }
    }
}

/// lspci's `-s` and `-d` filters, parsed by libpci itself so that the messages are lspci's own.
public struct PCIFilter {
    var raw = pci_filter()
    public let isEmpty: Bool

    public init(slot: String? = nil, id: String? = nil) throws {
        pcishim_filter_init(nil, &raw)
        isEmpty = slot == nil && id == nil
        if let slot, let msg = pcishim_filter_slot(&raw, slot) {
            throw Failure(.usage, "-s: " + String(cString: msg))
        }
        if let id, let msg = pcishim_filter_id(&raw, id) {
            throw Failure(.usage, "-d: " + String(cString: msg))
        }
    }

    func matches(_ handle: UnsafeMutablePointer<pci_dev>) -> Bool {
        var f = raw
        return pci_filter_match(&f, handle) != 0
    }

    public func matches(_ d: PCIDevice) -> Bool { matches(d.handle) }
}

extension PCIDevice {
    /// The device decoded for lspci's verbose listing and for every command that reads a
    /// capability: the header the scan read, the rest of the config space read through libpci
    /// as the decoders ask for it (as lspci reads), and what libpci's fill_info adds.
    /// `withVPD`: also read the Vital Product Data when the device has that capability (lspci
    /// reads it only for -vv, and a device may take long to answer).
    /// Throws where libpci stops (lspci dies there): a `resource` file it cannot parse, no `irq`.
    public func describe(withVPD: Bool = false) throws(Failure) -> DeviceDescription {
        // The IOMMU group of a sysfs function is read by `iommuGroup`, not by libpci.
        let wanted =
            PCI_FILL_IRQ | PCI_FILL_BASES | PCI_FILL_ROM_BASE | PCI_FILL_SIZES | PCI_FILL_PHYS_SLOT | PCI_FILL_NUMA_NODE
            | PCI_FILL_DT_NODE | (sysfs == nil ? PCI_FILL_IOMMU_GROUP : 0) | PCI_FILL_BRIDGE_BASES | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS
        try fill(UInt32(wanted))
        let d = handle.pointee
        let known = d.known_fields
        var facts = filledMachineFacts
        let bases = withUnsafeBytes(of: d.base_addr) { Array($0.bindMemory(to: UInt64.self)) }
        let sizes = withUnsafeBytes(of: d.size) { Array($0.bindMemory(to: UInt64.self)) }
        let flags = withUnsafeBytes(of: d.flags) { Array($0.bindMemory(to: UInt64.self)) }
        facts.regions = (0..<6).map { PlatformFacts.Region(base: bases[$0], size: sizes[$0], flags: flags[$0]) }
        facts.rom = PlatformFacts.Region(base: d.rom_base_addr, size: d.rom_size, flags: d.rom_flags)
        let bridgeBases = withUnsafeBytes(of: d.bridge_base_addr) { Array($0.bindMemory(to: UInt64.self)) }
        let bridgeSizes = withUnsafeBytes(of: d.bridge_size) { Array($0.bindMemory(to: UInt64.self)) }
        let bridgeFlags = withUnsafeBytes(of: d.bridge_flags) { Array($0.bindMemory(to: UInt64.self)) }
        facts.bridgeWindows = (0..<4).map { PlatformFacts.Region(base: bridgeBases[$0], size: bridgeSizes[$0], flags: bridgeFlags[$0]) }
        facts.sizesKnown = known & UInt32(PCI_FILL_SIZES) != 0
        facts.ioFlagsKnown = known & UInt32(PCI_FILL_IO_FLAGS) != 0
        facts.bridgeBasesKnown = known & UInt32(PCI_FILL_BRIDGE_BASES) != 0
        facts.irq = Int(d.irq)
        let space =
            hasConfigAccess
            ? ConfigSpace(reading: config) { [self] offset, buffer in
                pcishim_read_block(handle, Int32(offset), buffer.baseAddress, Int32(buffer.count)) != 0
            } : ConfigSpace([])
        return description(space, facts, withVPD: withVPD, vpd: readVPD)
    }

    /// The device's description from its config space and platform facts, with the VPD
    /// `vpd` reads when asked for and the device has that capability.
    private func description(_ space: ConfigSpace, _ facts: PlatformFacts, withVPD: Bool, vpd: () -> [UInt8]?) -> DeviceDescription {
        var description = DeviceDescription(
            config: space, platform: facts, classCode: classId,
            deviceNumber: Int(address.device), function: Int(address.function))
        if withVPD && description.capabilities.first(CapabilityID.vpd) != nil { description.platform.vpd = vpd() }
        return description
    }

    /// What libpci filled of the platform lines -v and -vmm share: the physical slot, NUMA node,
    /// IOMMU group (a sysfs function's read by `iommuGroup`) and device-tree node.
    private var filledMachineFacts: PlatformFacts {
        var facts = PlatformFacts()
        facts.physicalSlot = filledPhysicalSlot
        facts.numaNode = Int(handle.pointee.numa_node)
        facts.iommuGroup = sysfs == nil ? pci_get_string_property(handle, UInt32(PCI_FILL_IOMMU_GROUP)).map { String(cString: $0) } : iommuGroup
        facts.deviceTreeNode = pci_get_string_property(handle, UInt32(PCI_FILL_DT_NODE)).map { String(cString: $0) }
        return facts
    }

    /// The physical slot libpci filled (`Inventory.fillPhysicalSlots` fills every function's).
    private var filledPhysicalSlot: String? { handle.pointee.phy_slot.map { String(cString: $0) } }

    /// What `-vmm` shows of the platform, filled as lspci's show_machine asks libpci (the
    /// slot, NUMA node, device-tree node and IOMMU group, none of which stops libpci).
    public func machineFacts() -> PlatformFacts {
        let wanted = PCI_FILL_PHYS_SLOT | PCI_FILL_NUMA_NODE | PCI_FILL_DT_NODE | (sysfs == nil ? PCI_FILL_IOMMU_GROUP : 0)
        try? fill(UInt32(wanted))
        return filledMachineFacts
    }

    /// `machineFacts` read without libpci (see `SysfsPlatform`), on any thread with its own
    /// `reader`, after `Inventory.fillPhysicalSlots()`; nil where it is left to libpci.
    func directMachineFacts(reader: SysfsAttributes) -> PlatformFacts? {
        guard let directory = sysfs?.directory else { return nil }
        return SysfsPlatform.machineFacts(directory, reader: reader, physicalSlot: filledPhysicalSlot)
    }

    /// The bridge above, as libpci finds it (PCI_FILL_PARENT).
    func fillParent() throws(Failure) { try fill(UInt32(PCI_FILL_PARENT)) }

    /// libpci's fill_info of `flags`; throws its error.
    fileprivate func fill(_ flags: UInt32) throws(Failure) {
        var err = [CChar](repeating: 0, count: 256)
        if pcishim_fill(handle, flags, &err, err.count) != 0 {
            throw Failure(.dataError, "cannot read device \(address): libpci: \(String(nulTerminated: err))")
        }
    }

    /// The description `describe` gives, read without libpci (see `SysfsPlatform`), so that it
    /// can be made on any thread: with its own `reader` for the function's directory, and
    /// after `Inventory.fillPhysicalSlots()`. nil for a function not read from sysfs or whose
    /// files are not in the kernel's usual form. The config space is read on demand through the
    /// returned reader; once the description is used, a reader in `trouble` means libpci would
    /// have warned, and the description must be made by `describe` instead.
    /// `busCentric`: as for lspci -b, the regions, ROM and IRQ from the config header.
    func directDescription(withVPD: Bool, reader: SysfsAttributes, busCentric: Bool = false) -> (DeviceDescription, SysfsPlatform.ConfigReader)? {
        guard let directory = sysfs?.directory,
            let facts = busCentric
                ? SysfsPlatform.busCentricFacts(directory, reader: reader, physicalSlot: filledPhysicalSlot, header: config)
                : SysfsPlatform.facts(directory, reader: reader, physicalSlot: filledPhysicalSlot)
        else { return nil }
        let configReader = SysfsPlatform.ConfigReader(directory, reader: reader)
        let space = hasConfigAccess ? ConfigSpace(reading: config) { configReader.read($0, $1) } : ConfigSpace([])
        return (description(space, facts, withVPD: withVPD) { reader.bytes(directory, "vpd", limit: Self.vpdLimit) }, configReader)
    }

    /// The VPD bytes libpci can read from the start; nil when none can be read. A sysfs
    /// function's `vpd` file is read once (it gives as many bytes as the device has); through
    /// libpci, whose pci_read_vpd fails a read that ends past them, the length is found by
    /// halving, each step reading the data again (on real hardware, slowly).
    func readVPD() -> [UInt8]? {
        if let sysfs { return sysfs.reader.bytes(sysfs.directory, "vpd", limit: Self.vpdLimit) }
        return libpciVPD()
    }

    /// The most VPD lspci reads (PCI VPD addresses are 15 bits).
    static let vpdLimit = 0x8000

    func libpciVPD() -> [UInt8]? {
        let limit = Self.vpdLimit
        var buffer = [UInt8](repeating: 0, count: limit)
        func readable(_ n: Int) -> Bool { buffer.withUnsafeMutableBufferPointer { pci_read_vpd(handle, 0, $0.baseAddress, Int32(n)) != 0 } }
        if readable(limit) { return buffer }
        guard readable(1) else { return nil }
        var lo = 1, hi = limit
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if readable(mid) { lo = mid } else { hi = mid }
        }
        _ = readable(lo)
        return Array(buffer[0..<lo])
    }
}

extension Inventory: DeviceNames {
    /// The bridge subsystem capability's name (PCI_LOOKUP_SUBSYSTEM | VENDOR | DEVICE).
    public func subsystemName(vendor: UInt16, device: UInt16, subvendor: UInt16, subdevice: UInt16) -> String {
        let flags = Int32(PCI_LOOKUP_SUBSYSTEM.rawValue | PCI_LOOKUP_VENDOR.rawValue | PCI_LOOKUP_DEVICE.rawValue)
        return subsystemName(flags: flags, size: 256, vendor: vendor, device: device, subvendor: subvendor, subdevice: subdevice)
    }
}
