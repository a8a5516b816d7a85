// A meter profile (hardware/meters/*.toml, or a site's own in /etc/meterd/meters).
// Property: a profile that loads has registers the read plan covers, each in one read; a refused one names problems.
@testable import MeterDaemon
@testable import Drivers
import FuzzSupport

fuzz { bytes in
    let source: TOMLSource
    do { source = try TOMLSource(path: "/fuzz/meter.toml", text: String(decoding: bytes, as: UTF8.self)) } catch { return }
    do throws(MeterdError) {
        let profile = try MeterProfileLoader.parse(source, name: "fuzz")
        let blocks = ReadPlanner.plan(profile.registers, maxGap: profile.maxGap)
        for register in profile.registers {
            check(blocks.contains { $0.quantities.contains(register) }, "no read of the plan covers \(register.quantity)")
        }
        for block in blocks {
            check(block.count <= ReadPlanner.modbusMaxRegisters, "a read of \(block.count) registers exceeds Modbus' limit")
            let answer = [UInt16](repeating: 0, count: block.count)
            for register in block.quantities { _ = block.words(of: register, in: answer) }
        }
    } catch {
        check(!error.problems.isEmpty, "a refused profile names no problem")
    }
}
