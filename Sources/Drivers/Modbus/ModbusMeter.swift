import FoundationEssentials
import Logging

/// One meter on a Modbus bus: a unit id and the profile that describes its registers.
///
/// A poll reads each coalesced block of the profile in one transaction. When a block is refused
/// with "illegal data address" (exception 2) the meter is a variant that lacks some register in
/// it: the block's quantities are read one by one once, the missing ones are remembered as absent,
/// and the plan is rebuilt without them and never spanning them, so one missing register neither
/// fails the whole poll nor costs more than the extra block it splits. Absent registers are asked
/// for again every `probeAbsentEvery` polls (one request each), so a register that was missing for
/// a while (a meter's firmware restarting, a settlement register that came back) is read again.
public actor ModbusMeter: Meter {
    public nonisolated let name: String
    nonisolated let unit: UInt8
    nonisolated let profile: MeterProfile
    private let bus: ModbusBus
    private let logger: Logger
    private var absent: Set<Quantity> = []
    private var plan: [RegisterBlock]
    private let probeAbsentEvery: Int
    private var pollsSinceProbe = 0

    public init(name: String, unit: UInt8, profile: MeterProfile, bus: ModbusBus, probeAbsentEvery: Int = 10,
                logger: Logger = Logger(label: "meterd.modbus")) {
        self.name = name
        self.probeAbsentEvery = probeAbsentEvery
        self.unit = unit
        self.profile = profile
        self.bus = bus
        var logger = logger
        logger[metadataKey: "meter"] = "\(name)"
        self.logger = logger
        self.plan = ReadPlanner.plan(profile.registers, maxGap: profile.maxGap)
    }

    /// The quantities this unit turned out not to have.
    var absentQuantities: Set<Quantity> { absent }

    /// The transactions one poll takes now.
    var blocks: [RegisterBlock] { plan }

    /// One poll. A block that fails for any reason but a missing register fails the poll at once:
    /// a unit that does not answer one block will not answer the next, and the bus's other meters
    /// should not wait for every block's retries.
    public func read() async throws -> Reading {
        var poll = ModbusPoll()
        for block in plan {
            do {
                let words = try await bus.read(block.function, unit: unit, address: block.start, count: block.count)
                for register in block.quantities { poll.take(block.words(of: register, in: words), as: register) }
            } catch {
                guard error.isAbsentRegister else { throw error }
                try await readOneByOne(block.quantities, into: &poll)
            }
        }
        try await probeAbsent(into: &poll)
        for quantity in absent { poll.markAbsent(quantity) }
        return poll.reading(meter: name)
    }

    private func probeAbsent(into poll: inout ModbusPoll) async throws(DriverError) {
        guard !absent.isEmpty else { return }
        pollsSinceProbe += 1
        guard pollsSinceProbe >= probeAbsentEvery else { return }
        pollsSinceProbe = 0
        let registers = profile.registers.filter { absent.contains($0.quantity) }
        try await readOneByOne(registers, into: &poll)
    }

    /// Reads `registers` one request each, remembers which are absent (exception 2) and which are
    /// back, and re-plans.
    private func readOneByOne(_ registers: [QuantityRegister], into poll: inout ModbusPoll) async throws(DriverError) {
        for register in registers {
            do {
                let words = try await bus.read(register.function, unit: unit, address: register.address, count: register.registerCount)
                poll.take(words[...], as: register)
                if absent.remove(register.quantity) != nil {
                    logger.notice("register present again, quantity read", metadata: ["quantity": "\(register.quantity.rawValue)", "address": "\(register.address)"])
                }
            } catch {
                guard error.isAbsentRegister else { throw error }
                if absent.insert(register.quantity).inserted {
                    logger.notice("register absent on this unit, quantity dropped", metadata: ["quantity": "\(register.quantity.rawValue)", "address": "\(register.address)"])
                }
            }
        }
        plan = ReadPlanner.plan(profile.registers.filter { !absent.contains($0.quantity) }, maxGap: profile.maxGap,
                                avoiding: profile.registers.filter { absent.contains($0.quantity) })
    }
}
