import PCIFleet
import PCIInventory
import PCIModel
import PCIState
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// What `export` prints, says and exits with.
public struct ExportResult {
    public var output: String
    public var notes: [String] = []
    /// Why nothing was exported (each said on standard error).
    public var refusals: [String] = []
    /// The exit status when not 0.
    public var failure: ExitStatus?
}

/// `export`: the node's hidden devices in a cluster manager's format, or `--check`: whether
/// they are what that format needs.
public enum ExportAction {
    public static func run(
        format formatName: String?, check: Bool, node: String?, json: Bool, options: ExportOptions, only: [DeviceSelection]?,
        state: PCIHideState, tree: SysfsTree, host: HostRoot
    ) throws -> ExportResult {
        // The node's name goes into what is exported, and the Proxmox check finds this
        // node's entries by it; the other checks do without.
        let needsName = !check || formatName == ProxmoxFormat.name || node != nil
        let nodeName =
            needsName
            ? try FleetInventory.nodeName(option: node, host: host) { kernelNodeName() }
            : (try? FleetInventory.nodeName(option: nil, host: host) { kernelNodeName() }) ?? "this node"
        let inventory = try FleetInventory.read(state: state, tree: tree, host: host, node: nodeName, only: only)
        let format = formatName.flatMap(ExportFormats.named)
        if check {
            let result = ExportCheck.run(inventory, format: format, options: options)
            return ExportResult(
                output: json ? ExportReport.json(result, format: format, node: nodeName) : ExportReport.text(result, format: format, node: nodeName),
                failure: result.ready ? nil : .failure)
        }
        let rendering = format!.render(inventory, options: options)
        if !rendering.refusals.isEmpty { return ExportResult(output: "", refusals: rendering.refusals, failure: .dataError) }
        return ExportResult(output: json ? ExportReport.json(rendering, format: format!, inventory: inventory) : rendering.text, notes: rendering.notes)
    }

    /// The kernel's host name without its domain (Proxmox's node name).
    static func kernelNodeName() -> String? {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return nil }
        let name = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init)
    }
}
