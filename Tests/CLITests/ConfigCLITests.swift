import Foundation
import PCIFixtures
import PCIModel
import PCISpec
import PCIToolstacks
import Testing

/// `pcihide config`: the guest configuration for the devices a domain owns, in the three
/// toolstacks' forms, all from emu's placement.
@Suite("guest configuration")
struct ConfigCLITests {
    static func desktop() throws -> CLI {
        var cli = try CLI()
        try SysfsFixture.desktop().write(to: cli.dir)
        cli.environment["PCIHIDE_SYSFS"] = nil
        cli.environment["PCIHIDE_ROOT"] = cli.dir
        return cli
    }

    /// The 2005 card: hidden at 02:09.0, it shines through at guest 00:09.0.
    @Test func the2005CardGoesToGuestSlot09() throws {
        let cli = try CLI()
        try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
        try cli.run(["hide", "02:09.0"])
        try cli.run(["domain", "start", "1"])
        let xl = try cli.run(["config", "--domain", "1"])
        #expect(xl.status == 0, "\(xl.stderr)")
        #expect(xl.stdout == "pci = [ '0000:02:09.0@09' ]\n")
        #expect(try cli.run(["emu", "lspci", "--domain", "1"]).stdout.contains("00:09.0 Ethernet controller"))
        #expect(try cli.run(["config", "--domain", "1", "--format", "qemu"]).stdout == "-device vfio-pci,host=0000:02:09.0,addr=0x09.0\n")
    }

    /// Each element of the xl line parses back through pcihide's own spec parser to the devices given.
    @Test func theXlLineParsesBack() throws {
        let cli = try Self.desktop()
        try cli.run(["hide", "--group", "01:00.0"])
        try cli.run(["domain", "start", "3"])
        let line = try cli.run(["config", "--domain", "3"]).stdout
        #expect(line == "pci = [ '0000:01:00.*@02' ]\n")
        let items = line.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        let specs = try items.map { try SpecParser.parse($0) }
        #expect(specs.flatMap(\.selections) == [DeviceSelection(bus: 1, device: 0, function: nil)])
        #expect(specs.map(\.options.vslot) == [2])
    }

    /// libvirt's elements validate with the real virt-xml-validate inside a minimal domain.
    @Test
    func libvirtValidates() throws {
        guard RequiredTools.have("/usr/bin/virt-xml-validate", "/usr/bin/xmllint") else { return }
        let cli = try Self.desktop()
        try cli.run(["hide", "--group", "01:00.0"])
        try cli.run(["domain", "start", "3"])
        let xml = try cli.run(["config", "--domain", "3", "--format", "libvirt"])
        #expect(xml.stdout.contains("slot='0x02' function='0x0' multifunction='on'/>"))
        #expect(xml.stdout.contains("<hostdev mode='subsystem' type='pci' managed='no'>"))
        let domain = "<domain type='kvm'><name>t</name><memory>1</memory><os><type>hvm</type></os><devices>\n" + xml.stdout + "</devices></domain>\n"
        let file = cli.dir + "/guest.xml"
        try cli.write(file, domain)
        let v = try CLI.execute("/usr/bin/virt-xml-validate", [file])
        #expect(v.status == 0 && v.stderr.contains("guest.xml validates"), "\(v.stdout)\(v.stderr)")
        // And a broken element fails, so the check can fail.
        try cli.write(file, domain.replacingOccurrences(of: "slot='0x02'", with: "slot='0x42'"))
        #expect(try CLI.execute("/usr/bin/virt-xml-validate", [file]).status != 0)
    }

    /// The real virsh on libvirt's test driver (no hypervisor) defines and starts a guest with the
    /// elements, and its live XML reads back, through the parser `owners --toolstack libvirt`
    /// uses, to the same host and guest addresses.
    @Test
    func libvirtTestDriverTakesTheElements() throws {
        guard RequiredTools.have("/usr/bin/virsh") else { return }
        let cli = try Self.desktop()
        try cli.run(["hide", "--group", "01:00.0"])
        try cli.run(["domain", "start", "3"])
        let xml = try cli.run(["config", "--domain", "3", "--format", "libvirt"]).stdout
        let file = cli.dir + "/guest.xml"
        try cli.write(file, "<domain type='test'><name>t</name><memory>1024</memory><os><type>hvm</type></os><devices>\n" + xml + "</devices></domain>\n")
        let r = try CLI.execute("/usr/bin/virsh", ["-c", "test:///default", "define \(file); start t; dumpxml t"])
        #expect(r.status == 0, "\(r.stderr)")
        let devices = Virsh.hostdevs(in: r.stdout)
        #expect(devices.map(\.host.description) == ["0000:01:00.0", "0000:01:00.1"])
        #expect(devices.map(\.guest) == ["02.0", "02.1"])
    }

    /// Per-function options stay on their function: 01:00.0 permissive and 01:00.1 plain are
    /// never folded into one wildcard that gives both permissive access (libvirt agrees).
    @Test func perFunctionOptionsAreNotFolded() throws {
        let cli = try Self.desktop()
        let xl = try cli.run(["config", "--device", "01:00.0@0a,permissive=1", "--device", "01:00.1"])
        #expect(xl.stdout == "pci = [ '0000:01:00.0,permissive=1', '0000:01:00.1' ]\n", "\(xl.stdout)\(xl.stderr)")
        #expect(xl.stderr.contains("have different options"), "\(xl.stderr)")
        let same = try cli.run(["config", "--device", "01:00.0,permissive=1", "--device", "01:00.1,permissive=1"])
        #expect(same.stdout.contains(".*@") && same.stdout.contains(",permissive=1'"), "\(same.stdout)")
        let lv = try cli.run(["config", "--device", "01:00.0@0a,permissive=1", "--device", "01:00.1", "--format", "libvirt"])
        #expect(lv.stdout.components(separatedBy: "writeFiltering='no'").count == 2, "\(lv.stdout)")
    }

    @Test func permissiveIsCarried() throws {
        let cli = try CLI()
        try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
        let xl = try cli.run(["config", "--device", "02:09.0,permissive=1"])
        #expect(xl.stdout == "pci = [ '0000:02:09.0@09,permissive=1' ]\n")
        let lv = try cli.run(["config", "--device", "02:09.0,permissive=1", "--format", "libvirt"])
        #expect(lv.stdout.contains("<source writeFiltering='no'>"))
    }

    @Test(arguments: [
        (["config"], 64, "give --domain N or at least one --device SPEC"),
        (["config", "--domain", "7"], 64, "domain 7 is unknown"),
        (["config", "--device", "02:09.0", "--format", "vmware"], 64, "vmware"),
    ])
    func errors(args: [String], status: Int32, message: String) throws {
        let cli = try CLI()
        try cli.addDevice("0000:02:09.0", vendor: "8086", device: "1229")
        let r = try cli.run(args)
        #expect(r.status == status && r.stderr.contains(message), "\(r.stderr)")
    }
}
