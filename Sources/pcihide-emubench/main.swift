import PCIEmulation

#if canImport(Glibc)
import Glibc
#endif

// Emulated access costs: pcihide-emubench [ITERATIONS] [CASE]
// Cases: pair (outl 0xcf8 + inl 0xcfc on a shine-through register), bar (BAR-sizing write+read),
// byte (inb of an emulated byte). Prints nanoseconds per access; with a CASE it runs only that one
// (for callgrind, which bench.py runs twice with different counts to get instructions per access).
let args = CommandLine.arguments
let iterations = args.count > 1 ? Int(args[1]) ?? 10_000_000 : 10_000_000
let only = args.count > 2 ? args[2] : nil

var config = [UInt8](repeating: 0, count: 256)
for (o, b) in [(0, 0x86), (1, 0x80), (2, 0x29), (3, 0x12), (8, 0x08), (0x0b, 0x02), (0x10, 0x00), (0x11, 0x10), (0x12, 0x10), (0x13, 0xc0), (0x3d, 1)] as [(Int, UInt8)] { config[o] = b }
let device = PassthroughDevice(hostBus: 2, hostDevice: 9, hostFunction: 0, config: config, barSizes: [4096], hostIRQ: 21, virtualSlot: 9)
let bus = try! GuestBus(devices: [device])

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
}

@inline(never) func pair(_ bus: GuestBus, _ n: Int) -> UInt32 {
    var acc: UInt32 = 0
    for i in 0..<n {
        bus.outl(0xcf8, 0x8000_4800 | UInt32(i & 1) << 3)  // ids or class: both shine through
        acc &+= bus.inl(0xcfc)
    }
    return acc
}

@inline(never) func barSizing(_ bus: GuestBus, _ n: Int) -> UInt32 {
    var acc: UInt32 = 0
    bus.outl(0xcf8, 0x8000_4810)
    for _ in 0..<n {
        bus.outl(0xcfc, 0xffff_ffff)
        acc &+= bus.inl(0xcfc)
    }
    return acc
}

@inline(never) func byteRead(_ bus: GuestBus, _ n: Int) -> UInt32 {
    var acc: UInt32 = 0
    bus.outl(0xcf8, 0x8000_483c)
    // Alternate between the emulated line and the host's pin, so the loop cannot be hoisted.
    for i in 0..<n { acc &+= UInt32(bus.inb(0xcfc + UInt16(i & 1))) }
    return acc
}

let cases: [(String, String, (GuestBus, Int) -> UInt32)] = [
    ("pair", "outl 0xcf8 + inl 0xcfc (shine-through)", pair),
    ("bar", "BAR sizing: outl 0xcfc + inl 0xcfc", barSizing),
    ("byte", "inb 0xcfc/0xcfd (interrupt line and pin)", byteRead),
]
var sink: UInt32 = 0
for (name, label, body) in cases where only == nil || only == name {
    sink &+= body(bus, iterations / 10)  // warm-up
    let t = now()
    sink &+= body(bus, iterations)
    let ns = (now() - t) / Double(iterations)
    print("\(label): \(format2(ns)) ns per access")
}
if sink == 42 { print("") }

func format2(_ v: Double) -> String {
    let hundredths = Int((v * 100).rounded())
    return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
}
