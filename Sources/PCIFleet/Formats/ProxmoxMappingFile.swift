import PCIModel
import PCIReadiness
import SystemIO

/// `/etc/pve/mapping/pci.cfg` as PVE::Mapping::PCI reads it: a section per mapping, headed by
/// its id alone on a line, then tab-indented `key value` lines; `map` repeats, its value a
/// property string (`node=…,path=…,id=…`). Read only, to check the node's entries.
public struct ProxmoxMappingFile: Equatable, Sendable {
    public struct Section: Equatable, Sendable {
        public var id: String
        public var line: Int
        public var mdev: Bool = false
        /// Each `map` value as key/value pairs, with its line number.
        public var maps: [(line: Int, pairs: [String: String])] = []

        public static func == (a: Section, b: Section) -> Bool {
            a.id == b.id && a.line == b.line && a.mdev == b.mdev && a.maps.map(\.line) == b.maps.map(\.line) && a.maps.map(\.pairs) == b.maps.map(\.pairs)
        }
    }
    public var sections: [Section] = []
    /// Lines that are neither a header nor a property, or a property before any header.
    public var problems: [String] = []

    public static func parse(_ text: String) -> ProxmoxMappingFile {
        var file = ProxmoxMappingFile()
        for (k, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let n = k + 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            if line.first != " " && line.first != "\t" {
                let id = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if id.count == 1 {
                    file.sections.append(Section(id: String(id[0]), line: n))
                } else {
                    file.problems.append("line \(n): a section header is the mapping id alone")
                }
                continue
            }
            guard !file.sections.isEmpty else { file.problems.append("line \(n): a property before any mapping id"); continue }
            let body = line.drop { $0 == " " || $0 == "\t" }
            let key = body.prefix { $0 != " " && $0 != "\t" }
            let value = body.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
            switch key {
            case "map":
                var pairs: [String: String] = [:]
                for item in value.split(separator: ",") {
                    let kv = item.split(separator: "=", maxSplits: 1)
                    if kv.count == 2 {
                        pairs[String(kv[0])] = String(kv[1])
                    } else {
                        file.problems.append("line \(n): '\(String(item).visible)' in a map is not key=value")
                    }
                }
                file.sections[file.sections.count - 1].maps.append((n, pairs))
            case "mdev": file.sections[file.sections.count - 1].mdev = value == "1"
            default: break
            }
        }
        return file
    }
}

extension ProxmoxFormat {
    static let mappingFile = "/etc/pve/mapping/pci.cfg"

    /// The node's entries of the cluster's mapping file, held to assert_valid against this
    /// node's devices, and to pcihide's ledger: an entry for a device pcihide does not hide
    /// makes Proxmox bind it (and its whole group) to vfio-pci at guest start.
    public static func checkNode(_ inventory: FleetInventory) -> [Finding] {
        guard let bytes = Files.readIfPresent(inventory.host.path(mappingFile)) else { return [] }
        let file = ProxmoxMappingFile.parse(String(decoding: bytes, as: UTF8.self))
        var out = file.problems.map { Finding(.attention, "\(mappingFile) \($0): Proxmox cannot read it", fix: "pvesh get /cluster/mapping/pci shows what Proxmox makes of it") }
        for section in file.sections {
            for (line, pairs) in section.maps where pairs["node"] == inventory.node {
                let path = pairs["path"] ?? ""
                for (index, alternative) in path.split(separator: ";").map(String.init).enumerated() {
                    let full = alternative.contains(".") ? alternative : alternative + ".0"
                    let entry = MapEntry(
                        mapping: section.id, node: inventory.node, path: alternative, id: pairs["id"] ?? "",
                        subsystemID: pairs["subsystem-id"], iommuGroup: pairs["iommugroup"], mdev: section.mdev,
                        head: PCIAddress(sysfsName: full) ?? PCIAddress(bus: 0, device: 0, function: 0))
                    let address = PCIAddress(sysfsName: full)
                    let device = address.flatMap(inventory.describe)
                    let problems =
                        device.map { assertValid(entry, device: $0, alternative: index > 0) }
                        ?? [isPath(alternative) ? "pci device '\(full)' not found" : "value does not match the regex pattern (path '\(alternative.visible)')"]
                    for p in problems {
                        out.append(
                            Finding(
                                .attention, "\(mappingFile) line \(line) (\(section.id)): Proxmox refuses it at guest start: '\(p)'",
                                fix: "pcihide export --format proxmox prints the entry this node needs"))
                    }
                    if let address, device != nil, !inventory.isHidden(address) {
                        out.append(
                            Finding(
                                .attention, "\(mappingFile) line \(line) (\(section.id)) maps \(address), which pcihide does not hide: Proxmox binds it and its IOMMU group to vfio-pci at guest start, whatever the host uses them for",
                                fix: "pcihide check \(address), then pcihide hide \(address) if it may go"))
                    }
                }
            }
        }
        return out
    }
}
